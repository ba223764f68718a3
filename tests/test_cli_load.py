"""`ogi validate`, `ogi load` and `ogi show` end to end through the click entry point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from facts import anlu_2017, std2021_report, with_value
from standin import StandInReader

from etl.cli import main


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "400")  # rich tables unwrapped
    return CliRunner()


def test_validate_prints_findings_and_exits_2_on_errors(
    db_env: str, reader: StandInReader, runner: CliRunner
) -> None:
    report = std2021_report(2021)
    with_value(report, "review.count", 3, block_code="review", result_code="total")
    path = reader.add("synthetic-county-2021.xlsx", report)

    result = runner.invoke(main, ["validate", str(path), "--format", "json"])

    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout) == [
        {
            "path": str(path),
            "file": "synthetic-county-2021.xlsx",
            "sheet": "表四",
            "cell": "E4",
            "rule": "std2021.table4.block_total",
            "severity": "error",
            "found": "3",
            "expected": "2",
            "message": "维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四 "
            "[block_code review]: 3 (表四!E4) ≠ 1 (表四!A4) + 0 (表四!B4) + 0 (表四!C4) + "
            "1 (表四!D4) = 2; difference 1",
        }
    ]

    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "std2021.table4.block_total" in result.output
    assert result.output.splitlines()[-1] == "1 file(s): 1 error(s), 0 warning(s)"


def test_validate_a_good_file_exits_0_offline(reader: StandInReader, runner: CliRunner) -> None:
    path = reader.add("anlu-2017.xlsx", anlu_2017())
    result = runner.invoke(main, ["validate", "--offline", "--encoding", "utf-8", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == "1 file(s): 0 error(s), 0 warning(s)\n"
    assert reader.encodings == ["utf-8"]


def test_load_then_show(db_env: str, reader: StandInReader, runner: CliRunner) -> None:
    path = reader.add("anlu-2017.xlsx", anlu_2017())

    result = runner.invoke(main, ["load", str(reader.directory)])
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "run 1 succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 0 warning(s)\n"
    )

    result = runner.invoke(main, ["load", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 unchanged" in result.output

    result = runner.invoke(
        main, ["show", "--agency", "安陆市", "--year", "2017", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert len(shown) == 58
    assert shown[0] == {
        "year": 2017,
        "measure_code": "proactive.total",
        "label_zh": "主动公开政府信息数",
        "dims": {},
        "value": 8052,
        "qualifier": "exact",
        "unit": "条",
        "source": "anlu-2017.xlsx 主动公开!C3",
    }
    assert {
        "year": 2017,
        "measure_code": "relief.recipients",
        "label_zh": "公开救助对象数（按救助项目）",
        "dims": {"programme_code": "urban_dibao"},
        "value": 39110,
        "qualifier": "exact",
        "unit": "户次",
        "source": "anlu-2017.xlsx 主动公开!C40",
    } in shown
    assert {
        "year": 2017,
        "measure_code": "rights.items_by_township",
        "label_zh": "权责清单事项数（按乡镇、办事处）",
        "dims": {"township": "赵棚镇"},
        "value": 77,
        "qualifier": "exact",
        "unit": "项",
        "source": "anlu-2017.xlsx 主动公开!C12",
    } in shown
    assert [
        (f["measure_code"], f["value"], f["unit"])
        for f in shown
        if f["dims"] == {"channel_code": "website"}
    ] == [("proactive.by_channel", 7136, "条"), ("proactive.channel_share_pct", 88.6, "%")]

    result = runner.invoke(main, ["show", "--agency", "安陆市", "--year", "2017"])
    assert result.exit_code == 0, result.output
    assert "anlu-2017.xlsx 主动公开!D6" in result.output
    assert "88.6" in result.output


def test_load_exits_2_when_a_file_is_rejected(
    db_env: str, reader: StandInReader, runner: CliRunner
) -> None:
    report = std2021_report(2021)
    with_value(report, "review.count", 3, block_code="review", result_code="total")
    path = reader.add("synthetic-county-2021.xlsx", report)

    result = runner.invoke(main, ["load", str(path)])

    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"rejected {path}: 1 error(s), the first: synthetic-county-2021.xlsx 表四!E4: "
        "维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四 [block_code review]: "
        "3 (表四!E4) ≠ 1 (表四!A4) + 0 (表四!B4) + 0 (表四!C4) + 1 (表四!D4) = 2; difference 1",
        "run 1 failed: 0 loaded, 0 unchanged, 1 rejected; 0 figures written, 0 warning(s)",
    ]


def test_show_names_what_is_missing(db_env: str, reader: StandInReader, runner: CliRunner) -> None:
    runner.invoke(main, ["load", str(reader.add("anlu-2017.xlsx", anlu_2017()))])

    result = runner.invoke(main, ["show", "--agency", "安陆市", "--year", "2018"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: 孝感市/安陆市 has no report for 2018 in the warehouse (years: 2017): "
        "load it with 'ogi load'\n"
    )
    result = runner.invoke(main, ["show", "--agency", "孝昌县", "--year", "2017"])
    assert result.output == "Error: no reporting body called '孝昌县' in the warehouse\n"


def test_load_refuses_a_missing_path(db_env: str, runner: CliRunner) -> None:
    result = runner.invoke(main, ["load", "nowhere.xlsx"])
    assert result.exit_code == 1
    assert result.output == "Error: nowhere.xlsx: no such file or directory\n"


def test_ogi_rules_lists_the_whole_catalogue() -> None:
    import json

    from click.testing import CliRunner

    from etl.cli import main
    from etl.rules import all_rules

    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [r["code"] for r in listed] == [r.code for r in all_rules()]
    assert {"code": "cell.negative", "severity": "error",
            "description": "a count is not negative"} in listed  # fmt: skip
    assert any(r["severity"] == "warning" for r in listed)
