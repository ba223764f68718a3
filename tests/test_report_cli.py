"""`ogi report`, `ogi report annual` and `ogi compare` end to end, on the Anlu 2017 figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import Warehouse, insert_anlu_2017
from openpyxl import load_workbook
from sqlalchemy import Engine

from etl.cli import main
from etl.reports import build_annual, compare, run_report
from etl.reports.annual import CheckResults


@pytest.fixture
def anlu(engine: Engine) -> Engine:
    with engine.begin() as connection:
        insert_anlu_2017(Warehouse(connection))
    return engine


def test_run_report_filters_by_body_and_year(anlu: Engine) -> None:
    table = run_report(anlu, "requests", agencies=["孝感市/安陆市"], years=(2017, 2017))
    assert [r["received"] for r in table.records()] == [11]
    assert run_report(anlu, "requests", years=(2018, 2019)).rows == []


def test_report_json(anlu: Engine, db_env: str) -> None:
    result = CliRunner().invoke(main, ["report", "fees", "--agency", "安陆市", "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["agency"], row["charged_amount"], row["charged_unit"]) == ("安陆市", 0, "元")


def test_unknown_names_are_errors(anlu: Engine, db_env: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["report", "nope"])
    assert result.exit_code == 1
    assert "Error: no report called 'nope'; choose one of reports," in result.output
    result = runner.invoke(main, ["report", "annual", "--agency", "安陆", "--year", "2017"])
    assert (
        "Error: no reporting body called '安陆' in the warehouse; did you mean 孝感市/安陆市?"
        in (result.output)
    )
    result = runner.invoke(main, ["report", "annual", "--agency", "安陆市", "--year", "2016"])
    assert "Error: 孝感市/安陆市 has no report for 2016 in the warehouse" in result.output


def test_annual_report_shape_and_figures(anlu: Engine) -> None:
    report = build_annual(anlu, "安陆市", 2017)
    assert report.previous_year is None
    assert report.checks == CheckResults(checked=10, skipped=1, failed=())
    titles = [p.title for p in report.parts]
    assert titles == [
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息情况",
        "四、政府信息公开的收费及减免情况",
        "五、因政府信息公开申请行政复议、提起行政诉讼和举报投诉的情况",
    ]
    values = {(line.label, line.value) for p in report.parts for line in p.lines}
    for expected in [
        ("主动公开政府信息数", 8052),
        ("其中：乡镇人民政府（开发区）、办事处", 1383),
        ("政府网站占主动公开总数的比例", 88.6),
        ("孛畈镇", 78),
        ("公开社会救助对象总数", 217284),
        ("收到申请数", 11),
        ("同意公开答复数", 6),
        ("依申请公开政府信息收取的费用", 0),
        ("举报投诉（申诉）（总计）", 1),
    ]:
        assert expected in values


def test_annual_report_shows_last_year_and_the_change(anlu: Engine) -> None:
    with anlu.begin() as connection:  # a synthetic 2016 report beside the real 2017 one
        w = Warehouse(connection)
        body = w.agency("安陆市", "county", parent=w.agency("孝感市", "prefecture"))
        r = w.report(body, 2016, file_name="synthetic-anlu-2016.xlsx")
        w.fact(r, "proactive.total", 8000, unit="条")
    report = build_annual(anlu, "安陆市", 2017)
    assert report.previous_year == 2016
    [total] = [line for line in report.parts[0].lines if line.label == "主动公开政府信息数"]
    assert (total.value, total.previous_value, total.change, total.change_pct) == (
        8052,
        8000,
        52,
        0.7,
    )


@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_annual_text_formats(anlu: Engine, db_env: str, fmt: str) -> None:
    result = CliRunner().invoke(
        main, ["report", "annual", "--agency", "安陆市", "--year", "2017", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert "安陆市2017年政府信息公开工作年度报告（统计数据）" in result.output
    assert "8052" in result.output and "217284" in result.output
    assert "一致性检查：all 10 checks passed; 1 could not be checked" in result.output


def test_annual_xlsx(anlu: Engine, db_env: str, tmp_path: Path) -> None:
    out = tmp_path / "anlu-2017.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "annual",
            "--agency",
            "安陆市",
            "--year",
            "2017",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows["主动公开政府信息数"] == 8052
    assert rows["政府网站占主动公开总数的比例"] == 88.6


def _family(engine: Engine) -> None:
    with engine.begin() as connection:
        w = Warehouse(connection)
        city = w.agency("合成市", "county")
        for name, values in {"合成北镇": (40, 60), "合成南镇": (50, 70)}.items():
            town = w.agency(name, "township", parent=city)
            for year, total in zip((2016, 2017), values, strict=True):
                r = w.report(town, year, file_name=f"synthetic-{name}-{year}.xlsx")
                w.fact(r, "proactive.total", total, unit="条")
                w.fact(r, "proactive.by_channel", total - 10, unit="条", channel="website")


def test_compare_children_years_and_filter(engine: Engine) -> None:
    _family(engine)
    table = compare(
        engine,
        ["proactive.total", "proactive.by_channel:website"],
        children_of="合成市",
        years=(2016, 2017),
    )
    assert table.columns == [
        "agency",
        "parent_agency",
        "year",
        "proactive.total (条)",
        "proactive.by_channel:website (条)",
    ]
    assert sorted(table.rows) == [
        ("合成北镇", "合成市", 2016, 40, 30),
        ("合成北镇", "合成市", 2017, 60, 50),
        ("合成南镇", "合成市", 2016, 50, 40),
        ("合成南镇", "合成市", 2017, 70, 60),
    ]
    filtered = compare(
        engine, ["proactive.total"], agencies=["合成北镇", "合成南镇"], where=["value>=60"]
    )
    assert sorted(filtered.rows) == [
        ("合成北镇", "合成市", 2017, 60),
        ("合成南镇", "合成市", 2017, 70),
    ]


def test_compare_cli_csv(engine: Engine, db_env: str) -> None:
    _family(engine)
    result = CliRunner().invoke(
        main,
        [
            "compare",
            "--measure",
            "proactive.total",
            "--children-of",
            "合成市",
            "--years",
            "2017",
            "--where",
            "proactive.total>65",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "\ufeffagency,parent_agency,year,proactive.total (条)\n合成南镇,合成市,2017,70\n"
    )
