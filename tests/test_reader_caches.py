"""What the reader and the checks remember across files never changes what a file gives: each
cache answers for its own layout, labels, rules and tables only."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from facts import anlu_2017, fact
from hypothesis import given
from hypothesis import strategies as st
from workbook_factory import edit, write_xlsx

from etl.checks import check_report
from etl.consistency import SumRule, Term
from etl.extract import read_file
from etl.extract.files import _read_part, sniff_file
from etl.extract.rows import RowIndex, SheetData, map_rows
from etl.labels import LabelIndex
from etl.load.fact_rows import Catalogue, MeasureInfo, fact_findings
from etl.parse import parse_value
from etl.records import ExtractedReport, ParsedValue

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _sheet(rows: list[list[object]]) -> SheetData:
    return SheetData("x.xlsx", "表", rows)


def test_what_a_text_is_is_remembered_per_index_not_shared_between_them() -> None:
    first = RowIndex({"a.total": "a total"}, LabelIndex([("合计", "a sum"), ("其他", "a other")]))
    second = RowIndex({"b.total": "b total"}, LabelIndex([("合计", "b sum")]))
    rows: list[list[object]] = [["a.total", "总数", 1.0], [None, "合计", 2.0], [None, "其他", 3.0]]
    for _ in range(2):  # the second time from what each index remembers
        found = map_rows(_sheet(rows), first)
        assert (found.code_col, found.targets) == (0, {0: "a total", 1: "a sum", 2: "a other"})
        found = map_rows(_sheet(rows), second)
        assert (found.code_col, found.targets) == (None, {1: "b sum"})


def test_reading_files_of_other_layouts_in_between_gives_the_same_extraction() -> None:
    paths = sorted(SAMPLES.glob("*.xlsx"))
    alone = [read_file(path) for path in paths]
    interleaved = [read_file(path) for path in [*paths, *reversed(paths)]]
    assert interleaved == alone + alone[::-1]


def _with_formula(path: Path, order: list[str]) -> Path:
    """A workbook whose sheets are in `order`, with a formula lacking its value in 主动公开."""
    sheets: dict[str, list[list[object]]] = {
        name: [["项目", "数值"], ["主动公开政府信息数", None]] for name in order
    }
    sheets["基本信息"] = [["单位名称", "安陆市"], ["年度", 2017]]
    write_xlsx(path, sheets)
    return edit(path, "主动公开", {"B2": "=1+1"})


def test_an_uncached_formula_is_found_in_its_own_sheet_whatever_the_sheet_order(
    tmp_path: Path,
) -> None:
    # The two files' sheets map to other parts (xl/worksheets/sheetN.xml by position).
    first = _with_formula(tmp_path / "a.xlsx", ["基本信息", "主动公开", "依申请公开"])
    second = _with_formula(tmp_path / "b.xlsx", ["依申请公开", "基本信息", "主动公开"])
    for path in (first, second, first):
        uncached = [
            str(f.location)
            for f in read_file(path).findings
            if f.rule_code == "cell.formula_uncached"
        ]
        assert uncached == [f"{path.name} 主动公开!B2"]


def test_sniffing_leaves_the_zip_open_only_when_asked(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"基本信息": [["单位名称", "安陆市"]]})
    assert sniff_file(path).archive is None
    kept = sniff_file(path, keep_open=True)
    assert kept.archive is not None
    assert kept.archive.read("xl/workbook.xml").startswith(b"<")
    kept.archive.close()


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_part_read_past_zipfile_is_what_zipfile_reads_errors_included(
    tmp_path: Path, method: int
) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<c><f>A1+1</f></c>" * 100)
        archive.writestr("xl/worksheets/sheet2.xml", "<c><v>1</v></c>" * 100)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            assert _read_part(archive, name) == archive.read(name)
    data = path.read_bytes()
    at = data.index(b"PK\x03\x04", 1) - 20  # a byte of the first part's stored bytes
    path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    with zipfile.ZipFile(path) as archive:
        name = "xl/worksheets/sheet1.xml"
        with pytest.raises((zipfile.BadZipFile, zlib.error)) as zipfile_error:
            archive.read(name)
        with pytest.raises(type(zipfile_error.value), match=re.escape(str(zipfile_error.value))):
            _read_part(archive, name)
        assert _read_part(archive, "xl/worksheets/sheet2.xml") == archive.read(
            "xl/worksheets/sheet2.xml"
        )


@given(st.text(alphabet="0123456789", min_size=1, max_size=13))
def test_plain_digits_parse_as_the_full_rules_parse_them(digits: str) -> None:
    # " 8052 " takes the full rules; "8052" the fast path. Both give the same value and text.
    for kind in ("count", "signed", "amount", "percent"):
        assert parse_value(digits, value_kind=kind) == parse_value(f" {digits} ", value_kind=kind)


def test_whole_figures_parse_to_equal_values_each_time() -> None:
    assert parse_value(8052.0, value_kind="count") == ParsedValue(Decimal(8052), "exact", None)
    assert parse_value(8052.0, value_kind="count") == ParsedValue(Decimal(8052), "exact", None)
    assert parse_value(-3.0, value_kind="signed") == ParsedValue(Decimal(-3), "exact", None)


#: Codes of the catalogue, for made-up rules (a finding's severity comes from the catalogue).
PRE2019_RULE, STD2021_RULE = "proactive.publisher_split", "rights.townships_sum"


def test_the_rules_of_one_regime_are_not_applied_to_another() -> None:
    rules = (
        SumRule(PRE2019_RULE, "warning", "pre2019", (Term("a.x"),), (Term("a.y"),), "pre2019"),
        SumRule(STD2021_RULE, "warning", "std2021", (Term("a.x"),), (Term("a.y"),), "std2021"),
    )
    facts = [fact("a.x", 1, "C5"), fact("a.y", 2, "C6")]
    pre2019 = ExtractedReport(anlu_2017().header, facts)
    std2021 = ExtractedReport(replace(anlu_2017().header, regime_code="std2021"), facts)
    for _ in range(2):
        assert [f.rule_code for f in check_report(pre2019, rules=rules)] == [PRE2019_RULE]
        assert [f.rule_code for f in check_report(std2021, rules=rules)] == [STD2021_RULE]
        assert [f.rule_code for f in check_report(std2021, rules=list(rules))] == [STD2021_RULE]


def test_dimensions_are_checked_against_each_facts_own_table() -> None:
    catalogue = Catalogue(
        {
            "proactive.by_channel": MeasureInfo("渠道", "proactive_channel_figures", "item"),
            "proactive.total": MeasureInfo("总数", "figures", "item"),
        },
        {},
    )
    report = ExtractedReport(
        anlu_2017().header,
        [
            fact("proactive.by_channel", 1, "C5", channel_code="website"),
            fact("proactive.total", 1, "C6", channel_code="website"),
        ],
    )
    for _ in range(2):
        found = [(f.rule_code, f.location.cell) for f in fact_findings(catalogue, report)]
        assert found == [("load.dims_invalid", "C6")]
