"""End to end on real files: the real reader and loader through `ogi`, on both backends.

`data/samples/anlu-2017.xlsx` holds the real figures of the Anlu 2017 report. The other
workbooks are made from it or from the template and are synthetic: their file names say so, and
those that are not Anlu's name the body 合成县（测试用）.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from facts import ANLU_TOWNSHIPS
from openpyxl import load_workbook
from rich.cells import cell_len
from sqlalchemy import Engine, inspect, text

from etl.cli import main
from etl.reports import run_report
from etl.templates import fill_template, write_template

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "anlu-2017.xlsx"
SYNTHETIC_COUNTY = "合成县（测试用）"

#: Tables a run writes to whatever becomes of its files (lineage); every other table is the
#: warehouse proper, which a rejected file must leave as it was.
LINEAGE_TABLES = {"etl_runs", "run_files", "source_files", "validation_findings"}


@pytest.fixture
def runner(db_env: str) -> CliRunner:
    return CliRunner()


def ogi(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(main, [str(a) for a in args])


@pytest.fixture
def loaded(runner: CliRunner) -> CliRunner:
    result = ogi(runner, "load", SAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 0 warning(s)\n"
    )
    return runner


def show(runner: CliRunner, agency: str, year: int) -> list[tuple[Any, ...]]:
    result = ogi(runner, "show", "--agency", agency, "--year", str(year), "--format", "json")
    assert result.exit_code == 0, result.output
    return [
        (f["measure_code"], f["dims"], f["value"], f["qualifier"], f["unit"], f["source"])
        for f in json.loads(result.output)
    ]


def _figure(measure: str, value: int | float, unit: str, cell: str, **dims: str) -> tuple[Any, ...]:
    return (measure, dims, value, "exact", unit, f"anlu-2017.xlsx {cell}")


TOWNSHIPS = dict(ANLU_TOWNSHIPS)

RECIPIENTS = [
    ("temporary_assistance", 1103, "人次"),
    ("medical_assistance", 1017, "人次"),
    ("urban_dibao", 39110, "户次"),
    ("rural_dibao", 118001, "户次"),
    ("rural_wubao", 35175, "人次"),
    ("disaster_relief", 8882, "户次"),
    ("special_care", 13996, "人次"),
]

#: Every figure of the Anlu 2017 report (domain README), where the sample holds it.
ANLU_2017 = [
    _figure("proactive.total", 8052, "条", "主动公开!C4"),
    _figure("rights.items_total", 1157, "项", "权责清单!C4"),
    _figure("rights.townships", 15, "个", "权责清单!C5"),
    _figure("fiscal.budget_units", 74, "家", "财政资金!C4"),
    _figure("fiscal.budget_disclosure_rate_pct", 100, "%", "财政资金!C5"),
    _figure("fiscal.special_funds_required", 64, "项", "财政资金!C7"),
    _figure("fiscal.special_funds_allocated", 48, "项", "财政资金!C8"),
    _figure("fiscal.special_funds_allocated_amount", 89693, "万元", "财政资金!C9"),
    _figure("fiscal.special_funds_disclosed", 48, "项", "财政资金!C10"),
    _figure("fiscal.special_funds_disclosed_pct", 100, "%", "财政资金!C11"),
    _figure("fiscal.special_funds_disclosed_amount", 89693, "万元", "财政资金!C12"),
    _figure("fiscal.special_funds_disclosed_amount_pct", 100, "%", "财政资金!C13"),
    _figure("relief.disclosures", 11, "条", "社会救助!C4"),
    _figure("relief.recipients_total", 217284, "人(户)次", "社会救助!C5"),
    _figure("requests.response_rate_pct", 100, "%", "依申请公开!C27"),
    _figure("fees.charged_amount", 0, "元", "收费!C4"),
    _figure("proactive.by_publisher", 1383, "条", "主动公开!C8", publisher_group_code="townships"),
    _figure(
        "proactive.by_publisher", 6669, "条", "主动公开!C9", publisher_group_code="departments"
    ),
    _figure("proactive.by_channel", 7136, "条", "主动公开!C16", channel_code="website"),
    _figure("proactive.channel_share_pct", 88.6, "%", "主动公开!D16", channel_code="website"),
    _figure("proactive.by_channel", 582, "条", "主动公开!C17", channel_code="new_media"),
    _figure("proactive.channel_share_pct", 7.2, "%", "主动公开!D17", channel_code="new_media"),
    _figure("proactive.by_category", 2980, "条", "主动公开!C24", category_code="common_work"),
    _figure("proactive.by_category", 10, "期", "主动公开!C28", category_code="audit_reports"),
    *(
        _figure("rights.items_by_township", items, "项", f"权责清单!C{row}", township=name)
        for row, (name, items) in enumerate(TOWNSHIPS.items(), start=9)
    ),
    *(
        _figure("relief.recipients", n, unit, f"社会救助!C{row}", programme_code=code)
        for row, (code, n, unit) in enumerate(RECIPIENTS, start=7)
    ),
    _figure("relief.policies", 2, "条", "社会救助!C15", relief_category_code="social_assistance"),
    _figure("relief.policies", 2, "条", "社会救助!C16", relief_category_code="living_security"),
    _figure("relief.policies", 3, "条", "社会救助!C18", relief_category_code="special_care"),
    _figure("relief.policies", 25, "条", "社会救助!C19", relief_category_code="emergency_platform"),
    *(
        _figure(
            "requests.count",
            n,
            "件",
            f"依申请公开!{cell}",
            request_row_code=row,
            applicant_type_code="total",
        )
        for row, n, cell in [
            ("legacy.received", 11, "C4"),
            ("legacy.replies", 11, "C12"),
            ("legacy.replies.already_public", 2, "C13"),
            ("legacy.replies.granted", 6, "C14"),
            ("legacy.replies.not_this_agency", 3, "C23"),
        ]
    ),
    _figure("review.count", 0, "件", "复议诉讼!G8", block_code="review", result_code="total"),
    _figure("review.count", 0, "件", "复议诉讼!G9", block_code="litigation", result_code="total"),
    _figure("review.count", 1, "件", "复议诉讼!G10", block_code="complaint", result_code="total"),
]


def test_show_gives_back_every_figure_of_the_anlu_report(loaded: CliRunner) -> None:
    assert len(ANLU_2017) == 58
    assert show(loaded, "安陆市", 2017) == ANLU_2017


def _view(engine: Engine, name: str, *columns: str) -> list[tuple[Any, ...]]:
    records = run_report(engine, name, agencies=["安陆市"], years=(2017, 2017)).records()
    return [tuple(r[c] for c in columns) for r in records]


def test_the_report_views_on_the_loaded_sample(loaded: CliRunner, engine: Engine) -> None:
    assert _view(
        engine, "proactive", "total_items", "township_items", "department_items",
        "publisher_items_sum",
    ) == [(8052, 1383, 6669, 8052)]  # fmt: skip
    assert _view(
        engine, "proactive_channels", "channel_code", "channel_items", "reported_share_pct",
        "computed_share_pct",
    ) == [("website", 7136, 88.6, 88.6), ("new_media", 582, 7.2, 7.2)]  # fmt: skip
    townships = _view(engine, "responsibility_lists", "township", "items", "total_items_reported")
    assert {name: items for name, items, _ in townships} == TOWNSHIPS
    assert sum(items for _, items, _ in townships) == 1157
    assert {total for _, _, total in townships} == {1157}
    recipients = _view(engine, "relief_recipients", "programme_code", "recipients", "unit_code")
    assert recipients == RECIPIENTS
    assert sum(n for _, n, _ in recipients) == 217284
    assert _view(
        engine, "requests", "received", "answered", "response_rate_pct",
        "computed_response_rate_pct",
    ) == [(11, 11, 100, 100)]  # fmt: skip
    outcomes = _view(engine, "request_outcomes", "request_row_code", "requests")
    assert outcomes == [
        ("legacy.received", 11),
        ("legacy.replies", 11),
        ("legacy.replies.already_public", 2),
        ("legacy.replies.granted", 6),
        ("legacy.replies.not_this_agency", 3),
    ]
    assert _view(engine, "fees", "charged_amount", "charged_unit") == [(0, "元")]
    assert _view(engine, "review_litigation", "block_code", "result_code", "cases") == [
        ("review", "total", 0),
        ("litigation", "total", 0),
        ("complaint", "total", 1),
    ]
    checks = _view(engine, "checks", "rule_code", "passed")
    assert [passed for _, passed in checks] == [1] * 9 + [None, 1]


def test_the_annual_report_ends_with_its_checks(loaded: CliRunner) -> None:
    result = ogi(loaded, "report", "annual", "--agency", "安陆市", "--year", "2017")
    assert result.exit_code == 0, result.output
    assert "│ 主动公开政府信息数 " in result.output and "│ 8052 " in result.output
    assert "…" not in result.output  # not squeezed into 80 columns
    assert result.output.splitlines()[-1] == (
        "一致性检查：all 10 checks passed; 1 could not be checked (a side not reported, or an"
        " estimate: see 'ogi report checks')"
    )


# Issue #3: a corrupt, a mistyped and an inconsistent workbook.


def _synthetic_copy(path: Path, cells: dict[str, dict[str, Any]]) -> Path:
    """The sample as the synthetic county's report, with `cells` changed per sheet."""
    workbook = load_workbook(SAMPLE)
    workbook["基本信息"]["C4"] = SYNTHETIC_COUNTY
    workbook["基本信息"]["C7"] = None  # no division code
    for sheet, values in cells.items():
        for cell, value in values.items():
            workbook[sheet][cell] = value
    workbook.save(path)
    return path


@pytest.fixture
def defective(tmp_path: Path) -> dict[str, Path]:
    corrupt = tmp_path / "synthetic-corrupt.xlsx"
    content = SAMPLE.read_bytes()
    corrupt.write_bytes(content[: len(content) // 2])
    return {
        "corrupt": corrupt,
        "mistyped": _synthetic_copy(
            tmp_path / "synthetic-mistyped.xlsx", {"主动公开": {"C4": "八千余", "C8": "abc"}}
        ),
        "inconsistent": _synthetic_copy(
            tmp_path / "synthetic-inconsistent.xlsx", {"主动公开": {"C9": 6600}}
        ),
    }


def _finding(
    path: Path, sheet: str | None, cell: str | None, rule: str, severity: str, found: str,
    expected: str, message: str,
) -> dict[str, Any]:  # fmt: skip
    return {
        "path": str(path), "file": path.name, "sheet": sheet, "cell": cell, "rule": rule,
        "severity": severity, "found": found, "expected": expected, "message": message,
    }  # fmt: skip


PUBLISHER_SPLIT = (
    "items disclosed by each publisher group add up to the proactive total: 8052 (主动公开!C4)"
    " ≠ 1383 (主动公开!C8) + 6600 (主动公开!C9) = 7983; difference 69"
)


def test_validate_names_what_is_wrong_with_each_file(
    loaded: CliRunner, defective: dict[str, Path]
) -> None:
    corrupt, mistyped, inconsistent = defective.values()
    result = ogi(loaded, "validate", "--format", "json", corrupt, mistyped, inconsistent)
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout) == [
        _finding(
            corrupt, None, None, "file.corrupt", "error",
            "a damaged zip (File is not a zip file)", "a complete xlsx workbook",
            "expected a complete xlsx workbook, found a damaged zip (File is not a zip file)",
        ),
        _finding(
            mistyped, "主动公开", "C4", "cell.not_a_number", "error", "八千余",
            "a whole number of 条", 'expected a whole number of 条, found "八千余"',
        ),
        _finding(
            mistyped, "主动公开", "C8", "cell.not_a_number", "error", "abc",
            "a whole number of 条", 'expected a whole number of 条, found "abc"',
        ),
        _finding(
            inconsistent, "主动公开", "C4", "proactive.publisher_split", "warning", "8052",
            "7983", PUBLISHER_SPLIT,
        ),
    ]  # fmt: skip
    result = ogi(loaded, "validate", inconsistent)
    assert result.exit_code == 0, result.output  # a warning does not stop a file
    assert f"│ {PUBLISHER_SPLIT} │" in result.output
    assert result.output.splitlines()[-1] == "1 file(s): 0 error(s), 1 warning(s)"


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in inspect(engine).get_table_names()
        }


def test_the_two_files_that_fail_leave_the_warehouse_unchanged(
    loaded: CliRunner, engine: Engine, defective: dict[str, Path]
) -> None:
    before = _row_counts(engine)
    result = ogi(loaded, "load", defective["corrupt"], defective["mistyped"])
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"rejected {defective['corrupt']}: 1 error(s), the first: synthetic-corrupt.xlsx:"
        " expected a complete xlsx workbook, found a damaged zip (File is not a zip file)",
        f"rejected {defective['mistyped']}: 2 error(s), the first: synthetic-mistyped.xlsx"
        ' 主动公开!C4: expected a whole number of 条, found "八千余"',
        "run 2 failed: 0 loaded, 0 unchanged, 2 rejected; 0 figures written, 0 warning(s)",
    ]
    after = _row_counts(engine)
    unchanged = {t: n for t, n in before.items() if t not in LINEAGE_TABLES}
    assert {t: after[t] for t in unchanged} == unchanged
    assert unchanged["figures"] == 16 and unchanged["reports"] == 1  # the sample's
    # Recorded: both rejections with their findings; the mistyped workbook's bytes are kept,
    # the corrupt file's are not (they are not a spreadsheet).
    assert after["source_files"] == before["source_files"] + 1
    assert after["validation_findings"] == before["validation_findings"] + 3
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT file_name, status FROM source_files ORDER BY source_file_id")
        ).all()
        rejections = connection.execute(
            text(  # docs/office.md's query of rejected files and why
                "SELECT rf.run_id, rf.path, f.severity, f.rule_code, f.sheet, f.cell, f.found"
                " FROM run_files rf"
                " JOIN validation_findings f ON f.run_file_id = rf.run_file_id"
                " WHERE rf.outcome = 'rejected' ORDER BY rf.run_file_id, f.finding_id"
            )
        ).all()
    assert [tuple(r) for r in kept] == [
        ("anlu-2017.xlsx", "loaded"),
        ("synthetic-mistyped.xlsx", "rejected"),
    ]
    assert [tuple(r) for r in rejections] == [
        (2, str(defective["corrupt"]), "error", "file.corrupt", None, None,
         "a damaged zip (File is not a zip file)"),
        (2, str(defective["mistyped"]), "error", "cell.not_a_number", "主动公开", "C4", "八千余"),
        (2, str(defective["mistyped"]), "error", "cell.not_a_number", "主动公开", "C8", "abc"),
    ]  # fmt: skip


def test_an_inconsistent_file_loads_with_its_warning(
    loaded: CliRunner, engine: Engine, defective: dict[str, Path]
) -> None:
    result = ogi(loaded, "load", defective["inconsistent"])
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "run 2 succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 1 warning(s)\n"
    )
    with engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT s.file_name, s.status, f.severity, f.rule_code, f.cell, f.found,"
                " f.expected FROM source_files s"
                " JOIN validation_findings f ON f.source_file_id = s.source_file_id"
            )
        ).all()
        failed = connection.execute(
            text(
                "SELECT agency, year, rule_code, reported, computed, difference FROM rpt_checks"
                " WHERE passed = 0"
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("synthetic-inconsistent.xlsx", "loaded", "warning", "proactive.publisher_split", "C4",
         "8052", "7983"),
    ]  # fmt: skip
    assert [(a, y, rule, int(r), int(c), int(d)) for a, y, rule, r, c, d in failed] == [
        (SYNTHETIC_COUNTY, 2017, "proactive.publisher_split", 8052, 7983, 69)
    ]
    assert show(loaded, SYNTHETIC_COUNTY, 2017)[16][:3] == (
        "proactive.by_publisher",
        {"publisher_group_code": "townships"},
        1383,
    )
    result = ogi(loaded, "report", "annual", "--agency", SYNTHETIC_COUNTY, "--year", "2017")
    assert result.output.splitlines()[-2:] == [
        "一致性检查：1 of 10 checks failed; 1 could not be checked (a side not reported, or an"
        " estimate: see 'ogi report checks')",
        "[warning] proactive.publisher_split: items disclosed by each publisher group add up to"
        " the proactive total: 8052 (主动公开!C4) ≠ 1383 (主动公开!C8) + 6600 (主动公开!C9)"
        " (报告 8052, 计算 7983, 差 69)",
    ]


# Idempotency and replacement.


def test_the_same_file_twice_is_one_report(loaded: CliRunner, engine: Engine) -> None:
    result = ogi(loaded, "load", SAMPLE)
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "run 2 succeeded: 0 loaded, 1 unchanged, 0 rejected; 0 figures written, 0 warning(s)\n"
    )
    versions = _view(engine, "report_versions", "version", "is_current", "source_file")
    assert versions == [(1, True, "anlu-2017.xlsx")]
    assert show(loaded, "安陆市", 2017) == ANLU_2017


def test_a_changed_copy_becomes_the_current_version(
    loaded: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    # A correction of one figure (审计公告 10 → 11 期), the rest as the sample.
    workbook = load_workbook(SAMPLE)
    workbook["主动公开"]["C28"] = 11
    corrected = tmp_path / "anlu-2017-synthetic-correction.xlsx"
    workbook.save(corrected)

    result = ogi(loaded, "load", corrected)
    assert result.exit_code == 0, result.output

    versions = _view(engine, "report_versions", "version", "is_current", "source_file")
    assert sorted(versions) == [
        (1, False, "anlu-2017.xlsx"),
        (2, True, "anlu-2017-synthetic-correction.xlsx"),
    ]
    figures = show(loaded, "安陆市", 2017)
    audit = ("proactive.by_category", {"category_code": "audit_reports"})
    assert [f[2:] for f in figures if f[:2] == audit] == [
        (11, "exact", "期", "anlu-2017-synthetic-correction.xlsx 主动公开!C28")
    ]
    assert len(figures) == 58
    with engine.connect() as connection:
        history = connection.execute(
            text(
                "SELECT r.version, f.value FROM proactive_category_counts f"
                " JOIN reports r ON r.report_id = f.report_id"
                " WHERE f.category_code = 'audit_reports' ORDER BY r.version"
            )
        ).all()
    assert [(v, int(x)) for v, x in history] == [(1, 10), (2, 11)]


def test_a_template_filled_by_a_program_loads_and_reads_back(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write_template(
        "pre2019", tmp_path / "synthetic-county-2016.xlsx", agency=SYNTHETIC_COUNTY, year=2016
    )
    fill_template(
        path,
        {
            "header.parent_agency": "合成市（测试用）",
            "proactive.total": 120,
            "proactive.channel.website:count": 100,
            "proactive.channel.website:share_pct": 83.3,
            "rights.items_by_township": {"合成镇（测试用）": 40},
            "requests.legacy.received": "无",
            "review.complaint:total": "无",
        },
    )
    result = ogi(runner, "load", path)
    assert result.exit_code == 0, result.output
    assert show(runner, SYNTHETIC_COUNTY, 2016) == [
        ("proactive.total", {}, 120, "exact", "条", "synthetic-county-2016.xlsx 主动公开!C4"),
        ("proactive.by_channel", {"channel_code": "website"}, 100, "exact", "条",
         "synthetic-county-2016.xlsx 主动公开!C16"),
        ("proactive.channel_share_pct", {"channel_code": "website"}, 83.3, "exact", "%",
         "synthetic-county-2016.xlsx 主动公开!D16"),
        ("rights.items_by_township", {"township": "合成镇（测试用）"}, 40, "exact", "项",
         "synthetic-county-2016.xlsx 权责清单!C9"),
        ("requests.count", {"request_row_code": "legacy.received", "applicant_type_code": "total"},
         0, "exact", "件", "synthetic-county-2016.xlsx 依申请公开!C4"),
        ("review.count", {"block_code": "complaint", "result_code": "total"}, 0, "exact", "件",
         "synthetic-county-2016.xlsx 复议诉讼!G10"),
    ]  # fmt: skip


def test_output_keeps_its_width_off_a_terminal_and_follows_columns(
    loaded: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("show", "--agency", "安陆市", "--year", "2017")
    wide = ogi(loaded, *args).output
    assert "│ fiscal.special_funds_disclosed_amount_pct " in wide
    assert "│ anlu-2017.xlsx 财政资金!C13 " in wide
    assert "…" not in wide
    monkeypatch.setenv("COLUMNS", "100")
    narrow = ogi(loaded, *args).output
    assert max(cell_len(line) for line in narrow.splitlines()) == 100
