"""Standard-table workbooks for tests: consistent figures by code, the template filled with
them, and the same tables as a department types them (no codes), for the variants."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from workbook_factory import write_xlsx

from etl.consistency import TABLE3_GROUPS
from etl.layouts import HEADER_SHEET
from etl.records import Dims, Extraction
from etl.templates import fill_template, write_template

BODY = "合成县（测试用）"
PARENT = "合成市（测试用）"
APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service")
GROUPS = TABLE3_GROUPS
COLUMNS = (*APPLICANTS, "other_org")
REVIEW = ("review", "litigation_direct", "litigation_after_review")


def outcome_rows(regime: str) -> list[str]:
    """The leaf outcome rows of table 三 (codes without the regime prefix)."""
    rows = ["results.disclosed", "results.partial"]
    for group, items in GROUPS.items():
        rows += [f"results.{group}.{item}" for item in items]
    if regime == "std2021":
        rows += [f"results.other.{item}" for item in ("no_correction", "unpaid_fee", "other")]
    else:
        rows.append("results.other")
    return rows


def consistent_values(
    regime: str, *, carried_over: int = 2, subtotals: bool = False, seed: int = 0
) -> dict[str, object]:
    """Figures by code satisfying every identity of the regime's tables 三 and 四.

    Each applicant column carries `carried_over` requests over and 4 forward; new requests
    make the balance. `subtotals` adds the publisher's subtotals on （三）–（六）.
    """
    p = regime
    values: dict[str, object] = {}
    rows = outcome_rows(regime)
    for c, column in enumerate(COLUMNS):
        leaves = {row: (r * 7 + c * 3 + seed) % 4 for r, row in enumerate(rows)}
        total = sum(leaves.values())
        column_rows = {  # 一 + 二 = （七） + 四
            "new": total + 4 - carried_over,
            "carried_over": carried_over,
            **leaves,
            "results.total": total,
            "carried_forward": 4,
        }
        if subtotals:
            for group in (*GROUPS, *(("other",) if regime == "std2021" else ())):
                column_rows[f"results.{group}"] = sum(
                    v for row, v in leaves.items() if row.startswith(f"results.{group}.")
                )
        for row, value in column_rows.items():
            values[f"{p}.{row}:{column}"] = value
            key = f"{p}.{row}:total"
            values[key] = int(values.get(key, 0)) + value  # type: ignore[call-overload]
    for b, block in enumerate(REVIEW):
        parts = {"upheld": b + 1, "corrected": b % 2, "other": 0, "pending": 2 - b}
        for result, value in parts.items():
            values[f"{p}.table4.cases:{block}_{result}"] = value
        values[f"{p}.table4.cases:{block}_total"] = sum(parts.values())
    values |= _table2(regime)
    return values


def _table2(regime: str) -> dict[str, object]:
    if regime == "std2021":
        return {
            "std2021.rules:issued": 1,
            "std2021.rules:repealed": 0,
            "std2021.rules:in_force": 6,
            "std2021.normative:issued": 12,
            "std2021.normative:repealed": 3,
            "std2021.normative:in_force": 85,
            "std2021.licensing:decisions": 1520,
            "std2021.punishment:decisions": 236,
            "std2021.coercion:decisions": 14,
            "std2021.fees:fee_amount": Decimal("12.35"),
        }
    return {
        "std2019.rules:made": 1,
        "std2019.rules:published": 1,
        "std2019.rules:total_public": 5,
        "std2019.normative:made": 10,
        "std2019.normative:published": 10,
        "std2019.normative:total_public": 76,
        "std2019.licensing:previous_items": 300,
        "std2019.licensing:change": -12,
        "std2019.licensing:decisions": 1430,
        "std2019.punishment:previous_items": 120,
        "std2019.punishment:change": 3,
        "std2019.punishment:decisions": 210,
        "std2019.fees:previous_items": 8,
        "std2019.fees:change": -1,
        "std2019.procurement:procurement_items": 41,
        "std2019.procurement:procurement_amount": Decimal("356.8"),
        "std2019.procurement:procurement_amount_unit": "万元",
    }


def filled(path: Path, regime: str, year: int, values: Mapping[str, object]) -> Path:
    """The regime's template for the synthetic body and `year`, filled by codes."""
    write_template(regime, path, agency=BODY, year=year)
    fill_template(path, {"header.parent_agency": PARENT, "header.level": "县级", **values})
    return path


Sheets = dict[str, list[list[object]]]


def as_typed(template: Path) -> Sheets:
    """A filled template's sheets as a department types the official tables: no 代码 column,
    no 代码 rows, no notes; merged cells blank but for their first cell (as files are read)."""
    workbook = load_workbook(template)
    sheets: Sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        if sheet.title == HEADER_SHEET:
            sheets[sheet.title] = [row[1:3] for row in rows[2:]]
            continue
        sheets[sheet.title] = [row[1:] for row in rows[2:] if row[0] != "代码"]
    return sheets


def write_typed(path: Path, sheets: Sheets) -> Path:
    """Write typed sheets as an xlsx file."""
    return write_xlsx(path, sheets)


def find_row(rows: list[list[object]], label: str) -> int:
    """The index of the row labelled `label` (first column)."""
    return next(i for i, row in enumerate(rows) if row and row[0] == label)


def figures(extraction: Extraction) -> dict[tuple[str, Dims], tuple[Decimal, str | None]]:
    """The figures read, by measure and dimensions, with their units (no cells)."""
    assert [f for f in extraction.findings if f.severity == "error"] == []
    (report,) = extraction.reports
    return {fact.key: (fact.value.value, fact.unit_code) for fact in report.facts}
