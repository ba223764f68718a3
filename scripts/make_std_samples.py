"""Build the SYNTHETIC std samples of one invented body, 示例县（合成数据）:
data/samples/synthetic-std2020-shilixian.xlsx (std2019 tables, 2020) and
data/samples/synthetic-std2021-shilixian.xlsx (std2021 tables, 2021).

Every figure is invented (no real body reported them) and consistent: each table 三 column
balances (一 + 二 = （七） + 四), 总计 is the sum of the applicant columns, （七） the sum of the
outcomes, every table 四 block adds up, 2021's 上年结转 is 2020's 结转下年度继续办理; the 2021
file also prints the publisher subtotals of （三）–（六）, as many bodies do. Each workbook says
it is synthetic on a 说明 sheet. Filled through the template codes, as a program would.

Run: .venv/bin/python scripts/make_std_samples.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from etl.consistency import APPLICANT_COLUMNS
from etl.layouts import get_layout
from etl.templates import fill_template, write_template

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
BODY = "示例县（合成数据）"
PARENT = "示例市（合成数据）"
NOTE = (
    "合成数据（synthetic）：本工作簿的单位和全部数字均为虚构示例，用于演示和测试，"
    "不是任何机关的真实年度报告。"
)
COLUMN_ORDER = APPLICANT_COLUMNS

#: Outcomes per applicant column (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他).
OUTCOMES_2021: dict[str, tuple[int, ...]] = {
    "results.disclosed": (46, 9, 1, 0, 2, 1),
    "results.partial": (12, 3, 0, 0, 1, 0),
    "results.withheld.state_secret": (1, 0, 0, 0, 0, 0),
    "results.withheld.third_party": (2, 1, 0, 0, 0, 0),
    "results.withheld.process_information": (3, 0, 0, 0, 0, 0),
    "results.withheld.enforcement_files": (1, 0, 0, 0, 0, 0),
    "results.unavailable.not_held": (18, 4, 0, 1, 1, 0),
    "results.unavailable.needs_creation": (5, 1, 0, 0, 0, 0),
    "results.unavailable.still_unclear": (2, 0, 0, 0, 0, 0),
    "results.not_processed.petition": (4, 0, 0, 0, 0, 0),
    "results.not_processed.repeated": (3, 0, 0, 0, 0, 1),
    "results.not_processed.confirmation": (1, 0, 0, 0, 0, 0),
    "results.other.no_correction": (6, 1, 0, 0, 0, 0),
    "results.other.other": (2, 0, 0, 0, 0, 0),
}
OUTCOMES_2020: dict[str, tuple[int, ...]] = {
    "results.disclosed": (38, 7, 0, 1, 1, 0),
    "results.partial": (9, 2, 0, 0, 0, 0),
    "results.withheld.state_secret": (0, 1, 0, 0, 0, 0),
    "results.withheld.process_information": (2, 0, 0, 0, 0, 0),
    "results.unavailable.not_held": (15, 3, 1, 0, 0, 0),
    "results.unavailable.needs_creation": (4, 0, 0, 0, 0, 0),
    "results.not_processed.petition": (5, 0, 0, 0, 0, 0),
    "results.not_processed.repeated": (2, 0, 0, 0, 0, 0),
    "results.other": (6, 1, 0, 0, 0, 0),
}
CARRIED_OVER_2020 = (2, 1, 0, 0, 0, 0)
CARRIED_FORWARD_2020 = (3, 1, 0, 0, 0, 0)  # = 2021's 上年结转
CARRIED_FORWARD_2021 = (4, 0, 0, 0, 1, 0)

REVIEW_2021 = {  # block: (维持, 纠正, 其他, 尚未审结)
    "review": (3, 1, 0, 1),
    "litigation_direct": (2, 0, 1, 1),
    "litigation_after_review": (1, 0, 0, 0),
}
REVIEW_2020 = {"review": (2, 1, 1, 0), "litigation_direct": (1, 1, 0, 0)}

TABLE2_2021: dict[str, object] = {
    "std2021.rules:issued": 0,
    "std2021.rules:repealed": 0,
    "std2021.rules:in_force": 0,
    "std2021.normative:issued": 14,
    "std2021.normative:repealed": 6,
    "std2021.normative:in_force": 127,
    "std2021.licensing:decisions": 18452,
    "std2021.punishment:decisions": 1376,
    "std2021.coercion:decisions": 41,
    "std2021.fees:fee_amount": Decimal("286.47"),
}
TABLE2_2020: dict[str, object] = {
    "std2019.rules:made": 0,
    "std2019.rules:published": 0,
    "std2019.rules:total_public": 0,
    "std2019.normative:made": 11,
    "std2019.normative:published": 11,
    "std2019.normative:total_public": 119,
    "std2019.licensing:previous_items": 612,
    "std2019.licensing:change": -37,
    "std2019.licensing:decisions": 16904,
    "std2019.punishment:previous_items": 2894,
    "std2019.punishment:change": 12,
    "std2019.punishment:decisions": 1251,
    "std2019.coercion:previous_items": 46,
    "std2019.coercion:change": 0,
    "std2019.coercion:decisions": 37,
    "std2019.fees:previous_items": 23,
    "std2019.fees:change": -4,
    "std2019.procurement:procurement_items": 58,
    "std2019.procurement:procurement_amount": Decimal("4127.3"),
    "std2019.procurement:procurement_amount_unit": "万元",
}


def table3(
    regime: str,
    outcomes: dict[str, tuple[int, ...]],
    carried_over: tuple[int, ...],
    carried_forward: tuple[int, ...],
    *,
    subtotals: bool,
) -> dict[str, object]:
    """Table 三 by code, 一 derived so that every column balances; 总计 summed."""
    rows: dict[str, list[int]] = {row: list(values) for row, values in outcomes.items()}
    total = [sum(column) for column in zip(*outcomes.values(), strict=True)]
    rows["results.total"] = total
    rows["carried_over"] = list(carried_over)
    rows["carried_forward"] = list(carried_forward)
    rows["new"] = [t + f - o for t, f, o in zip(total, carried_forward, carried_over, strict=True)]
    if subtotals:
        for group in ("withheld", "unavailable", "not_processed", "other"):
            items = [v for row, v in outcomes.items() if row.startswith(f"results.{group}.")]
            rows[f"results.{group}"] = [sum(c) for c in zip(*items, strict=True)]
    values: dict[str, object] = {}
    for row, figures in rows.items():
        for column, figure in zip(COLUMN_ORDER, figures, strict=True):
            values[f"{regime}.{row}:{column}"] = figure
        values[f"{regime}.{row}:total"] = sum(figures)
    return values


def table4(regime: str, blocks: dict[str, tuple[int, ...]]) -> dict[str, object]:
    """Table 四 by code: every block's four results and their 总计 (0 where none)."""
    values: dict[str, object] = {}
    for block in ("review", "litigation_direct", "litigation_after_review"):
        parts = blocks.get(block, (0, 0, 0, 0))
        for result, figure in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"{regime}.table4.cases:{block}_{result}"] = figure
        values[f"{regime}.table4.cases:{block}_total"] = sum(parts)
    return values


def build_one(output: Path, regime: str, year: int, figures: dict[str, object]) -> Path:
    """Write the template, fill it by codes, and add the 说明 sheet saying it is synthetic."""
    write_template(regime, output, agency=BODY, year=year)
    header = {
        "header.parent_agency": PARENT,
        "header.level": "县级",
        "header.published_on": date(year + 1, 1, 28),
    }
    zeros = {code: 0 for code in _data_cells(regime) if not code.startswith(f"{regime}.other_")}
    fill_template(output, {**header, **zeros, **figures})
    workbook = load_workbook(output)
    sheet = workbook.create_sheet("说明")
    sheet["A1"] = NOTE
    sheet.column_dimensions["A"].width = 100
    workbook.save(output)
    return output


def _data_cells(regime: str) -> list[str]:
    """The codes of every cell of an official data row: what a department fills, 0 if none."""
    return [
        f"{row.code}:{column.code}"
        for section in get_layout(regime).sections
        for grid in section.grids()
        for row in grid.rows
        if row.role == "data"
        for column in grid.value_columns
    ]


def build(directory: Path = SAMPLES) -> list[Path]:
    """Both samples: 2020 (std2019 tables) and 2021 (std2021 tables)."""
    in_2020 = (
        TABLE2_2020
        | table3("std2019", OUTCOMES_2020, CARRIED_OVER_2020, CARRIED_FORWARD_2020, subtotals=False)
        | table4("std2019", REVIEW_2020)
    )
    in_2021 = (
        TABLE2_2021
        | table3(
            "std2021", OUTCOMES_2021, CARRIED_FORWARD_2020, CARRIED_FORWARD_2021, subtotals=True
        )
        | table4("std2021", REVIEW_2021)
    )
    return [
        build_one(directory / "synthetic-std2020-shilixian.xlsx", "std2019", 2020, in_2020),
        build_one(directory / "synthetic-std2021-shilixian.xlsx", "std2021", 2021, in_2021),
    ]


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES):
        print(path)
