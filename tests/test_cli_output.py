"""Every listing command in every format, through the one output layer (`etl.cli.output`).

Each command's rows are written out once, as a person reads them; the terminal table, CSV,
Markdown and XLSX (through `-o`) must all give those rows back, and JSON its objects, keyed
as scripts read them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from factories import Warehouse
from facts import std2021_report, with_value
from openpyxl import load_workbook
from sqlalchemy import Engine, insert
from standin import StandInReader

from etl.cli import main
from etl.rules import all_rules
from models import metadata

FORMATS = ["table", "csv", "md", "xlsx"]

CITY, COUNTY = "合成市（测试用）", "合成县（测试用）"
FILE = "synthetic-county-2017.xlsx"
STARTED, FINISHED = (
    datetime(2026, 11, 28, 9, 30, tzinfo=UTC),
    datetime(2026, 11, 28, 9, 31, tzinfo=UTC),
)
NOT_A_NUMBER = 'expected a whole number of 条, found "八千余"'


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "1000")  # rich tables unwrapped
    return CliRunner()


@pytest.fixture
def listed(engine: Engine, db_env: str) -> Engine:
    """A county's 2017 report of three figures, and a run that loaded one file of two."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        county = w.agency(COUNTY, "county", parent=w.agency(CITY, "prefecture"))
        report = w.report(county, 2017, file_name=FILE)
        w.fact(report, "proactive.total", 120, unit="条")
        w.fact(report, "proactive.by_channel", 100, unit="条", channel="website")
        w.fact(report, "proactive.channel_share_pct", "83.3", unit="%", channel="website")
        run_id = connection.execute(
            insert(metadata.tables["etl_runs"]).values(
                run_trigger="load", command="ogi load inbox/", status="partial",
                started_at=STARTED, finished_at=FINISHED, hostname="synthetic-host", pid=4242,
                files_seen=2, files_loaded=1, files_unchanged=0, files_rejected=1,
                figures_written=3,
            ).returning(metadata.tables["etl_runs"].c.run_id)
        ).scalar_one()  # fmt: skip
        run_files = metadata.tables["run_files"]
        for path, outcome, figures, errors, message in [
            ("inbox/a.xlsx", "loaded", 3, 0, None),
            ("inbox/d.xlsx", "rejected", 0, 1, "1 error(s)"),
        ]:
            run_file_id = connection.execute(
                insert(run_files).values(
                    run_id=run_id, path=path, outcome=outcome, figures_written=figures,
                    error_count=errors, warning_count=0, message=message, started_at=STARTED,
                ).returning(run_files.c.run_file_id)
            ).scalar_one()  # fmt: skip
        connection.execute(
            insert(metadata.tables["validation_findings"]).values(
                run_file_id=run_file_id, severity="error", rule_code="cell.not_a_number",
                sheet="主动公开", cell="C4", found="八千余", expected="a whole number of 条",
                message=NOT_A_NUMBER,
            )
        )  # fmt: skip
    return engine


SHOW = [
    ["year", "measure_code", "label_zh", "dims", "value", "qualifier", "unit", "source"],
    ["2017", "proactive.total", "主动公开政府信息数", "", "120", "exact", "条",
     f"{FILE} 统计表!C2"],
    ["2017", "proactive.by_channel", "主动公开政府信息数（按公开渠道）", "channel_code=website",
     "100", "exact", "条", f"{FILE} 统计表!C3"],
    ["2017", "proactive.channel_share_pct", "占主动公开政府信息总数的比例",
     "channel_code=website", "83.3", "exact", "%", f"{FILE} 统计表!C4"],
]  # fmt: skip

SHOW_JSON = [
    {"year": 2017, "measure_code": "proactive.total", "label_zh": "主动公开政府信息数",
     "dims": {}, "value": 120, "qualifier": "exact", "unit": "条", "source": f"{FILE} 统计表!C2"},
    {"year": 2017, "measure_code": "proactive.by_channel",
     "label_zh": "主动公开政府信息数（按公开渠道）", "dims": {"channel_code": "website"},
     "value": 100, "qualifier": "exact", "unit": "条", "source": f"{FILE} 统计表!C3"},
    {"year": 2017, "measure_code": "proactive.channel_share_pct",
     "label_zh": "占主动公开政府信息总数的比例", "dims": {"channel_code": "website"},
     "value": 83.3, "qualifier": "exact", "unit": "%", "source": f"{FILE} 统计表!C4"},
]  # fmt: skip

REPORT = [
    ["report_id", "agency_id", "agency", "parent_agency_id", "parent_agency", "level_code",
     "division_code", "year", "regime_code", "total_items", "township_items", "department_items",
     "other_publisher_items", "publisher_items_sum"],
    ["1", "2", COUNTY, "1", CITY, "county", "", "2017", "pre2019", "120", "", "", "", ""],
]  # fmt: skip

COMPARE = [
    ["agency", "parent_agency", "year", "proactive.total (条)"],
    [COUNTY, CITY, "2017", "120"],
]

SQL = [["agency", "year", "value"], [COUNTY, "2017", "120"]]

RUN = [
    ["run_id", "1"], ["trigger", "load"], ["status", "partial"],
    ["started_at", "2026-11-28 09:30:00+00:00"], ["finished_at", "2026-11-28 09:31:00+00:00"],
    ["files_seen", "2"], ["files_loaded", "1"], ["files_unchanged", "0"],
    ["files_rejected", "1"], ["figures_written", "3"], ["error", ""], ["pid", "4242"],
    ["hostname", "synthetic-host"], ["command", "ogi load inbox/"],
]  # fmt: skip

RUN_JSON = {
    "run_id": 1, "trigger": "load", "status": "partial",
    "started_at": "2026-11-28T09:30:00+00:00", "finished_at": "2026-11-28T09:31:00+00:00",
    "files_seen": 2, "files_loaded": 1, "files_unchanged": 0, "files_rejected": 1,
    "figures_written": 3, "error": None, "pid": 4242, "hostname": "synthetic-host",
    "command": "ogi load inbox/",
}  # fmt: skip

FILES = [
    ["path", "outcome", "figures_written", "error_count", "warning_count", "message"],
    ["inbox/a.xlsx", "loaded", "3", "0", "0", ""],
    ["inbox/d.xlsx", "rejected", "0", "1", "0", "1 error(s)"],
]

FINDINGS = [
    ["path", "severity", "rule_code", "sheet", "cell", "found", "expected", "message"],
    ["inbox/d.xlsx", "error", "cell.not_a_number", "主动公开", "C4", "八千余",
     "a whole number of 条", NOT_A_NUMBER],
]  # fmt: skip

#: Each listing on the `listed` warehouse: its arguments and its rows.
SQL_ARGS = ["sql", "SELECT agency, year, value FROM rpt_figures_long WHERE measure_code = :m",
            "--param", "m=proactive.total"]  # fmt: skip
LISTINGS: dict[str, tuple[list[str], list[list[str]]]] = {
    "show": (["show", "--agency", COUNTY, "--year", "2017"], SHOW),
    "report": (["report", "proactive", "--agency", f"{CITY}/{COUNTY}", "--year", "2017"], REPORT),
    "compare": (["compare", "--measure", "proactive.total", "--agency", COUNTY], COMPARE),
    "sql": (SQL_ARGS, SQL),
    "runs": (["runs"], [[field for field, _ in RUN], [value for _, value in RUN]]),
}


def ogi(runner: CliRunner, args: list[str], fmt: str, tmp_path: Path) -> tuple[Result, Any]:
    """Run `ogi ARGS --format FMT` (xlsx to a file) and read its rows back as the format has
    them: a list of tables, each a list of rows of text."""
    if fmt == "xlsx":
        out = tmp_path / "out.xlsx"
        result = runner.invoke(main, [*args, "--format", fmt, "-o", str(out)])
        assert result.exit_code in (0, 2), result.output
        return result, _xlsx(out)
    result = runner.invoke(main, [*args, "--format", fmt])
    assert result.exit_code in (0, 2), result.output
    text = result.stdout_bytes.decode("utf-8")
    if fmt == "json":
        return result, json.loads(text)
    return result, {"table": _rich, "csv": _csv, "md": _markdown}[fmt](text)


def _rich(text: str) -> list[list[list[str]]]:
    """The boxes of rich tables, header row first; a book's record (lines before the first
    box, after its title) as a table of field and value."""
    tables: list[list[list[str]]] = []
    for line in text.splitlines():
        if line.startswith("┏"):
            tables.append([])
        elif line.startswith(("┃", "│")):
            tables[-1].append([cell.strip() for cell in re.split("[┃│]", line)[1:-1]])
    return tables


def _record(text: str) -> list[list[str]]:
    """A book's record in a terminal: the `field value` lines after its title."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if line.startswith("┏")), len(lines)) - 1
    return [[*re.split(r"\s{2,}", line.strip()), ""][:2] for line in lines[1:end]]


def _csv(text: str) -> list[list[list[str]]]:
    assert text.startswith("\ufeff")
    sections = text.removeprefix("\ufeff").split("\r\n\r\n")
    return [list(csv.reader(io.StringIO(section))) for section in sections]


def _markdown(text: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|(---\|)+", line):
            if not previous.startswith("|"):
                tables.append([])
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            tables[-1].append([c.strip().replace("\\|", "|") for c in cells])
        previous = line
    return tables


def _xlsx(path: Path) -> list[list[list[str]]]:
    workbook = load_workbook(path)
    return [
        [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("listing", LISTINGS)
def test_a_listing_gives_its_rows_in_every_format(
    listed: Engine, runner: CliRunner, tmp_path: Path, listing: str, fmt: str
) -> None:
    args, rows = LISTINGS[listing]
    _, tables = ogi(runner, args, fmt, tmp_path)
    assert tables == [rows]


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        ("show", SHOW_JSON),
        ("compare", [{"agency": COUNTY, "parent_agency": CITY, "year": 2017,
                      "proactive.total (条)": 120}]),
        ("sql", [{"agency": COUNTY, "year": 2017, "value": 120}]),
        ("runs", [RUN_JSON]),
    ],
)  # fmt: skip
def test_a_listing_gives_its_objects_in_json(
    listed: Engine, runner: CliRunner, tmp_path: Path, listing: str, expected: list[Any]
) -> None:
    _, objects = ogi(runner, LISTINGS[listing][0], "json", tmp_path)
    assert objects == expected


def test_the_report_listing_in_json(listed: Engine, runner: CliRunner, tmp_path: Path) -> None:
    _, objects = ogi(runner, LISTINGS["report"][0], "json", tmp_path)
    assert objects == [
        {"report_id": 1, "agency_id": 2, "agency": COUNTY, "parent_agency_id": 1,
         "parent_agency": CITY, "level_code": "county", "division_code": None, "year": 2017,
         "regime_code": "pre2019", "total_items": 120, "township_items": None,
         "department_items": None, "other_publisher_items": None, "publisher_items_sum": None}
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", [*FORMATS, "json"])
def test_runs_show_is_the_run_its_files_and_their_findings(
    listed: Engine, runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    result, shown = ogi(runner, ["runs", "show", "1"], fmt, tmp_path)
    across = [[field for field, _ in RUN], [value for _, value in RUN]]
    if fmt == "json":  # each file with its own findings, as scripts read them
        assert shown == {
            "run": RUN_JSON,
            "files": [
                {"path": "inbox/a.xlsx", "outcome": "loaded", "figures_written": 3,
                 "error_count": 0, "warning_count": 0, "message": None, "findings": []},
                {"path": "inbox/d.xlsx", "outcome": "rejected", "figures_written": 0,
                 "error_count": 1, "warning_count": 0, "message": "1 error(s)",
                 "findings": [{"severity": "error", "rule_code": "cell.not_a_number",
                               "sheet": "主动公开", "cell": "C4", "found": "八千余",
                               "expected": "a whole number of 条", "message": NOT_A_NUMBER}]},
            ],
        }  # fmt: skip
    elif fmt == "table":  # the run as field and value lines, then the two listings
        assert _record(result.stdout) == RUN
        assert shown == [FILES, FINDINGS]
    elif fmt == "md":
        assert result.stdout.startswith("# run 1\n")
        assert shown == [[["field", "value"], *RUN], FILES, FINDINGS]
    else:  # csv sections, xlsx sheets: the run is a row like any other
        assert shown == [across, FILES, FINDINGS]


@pytest.mark.parametrize("fmt", FORMATS)
def test_db_tables_lists_every_table_and_view_with_its_rows(
    listed: Engine, runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    _, [rows] = ogi(runner, ["db", "tables"], fmt, tmp_path)
    wanted = {"etl_runs", "run_files", "rpt_figures_long", "validation_findings"}
    assert rows[0] == ["name", "kind", "rows"]
    assert [row for row in rows if row[0] in wanted] == [
        ["etl_runs", "table", "1"],
        ["rpt_figures_long", "view", "3"],
        ["run_files", "table", "2"],
        ["validation_findings", "table", "1"],
    ]


@pytest.mark.parametrize("fmt", [*FORMATS, "json"])
def test_rules_lists_the_catalogue(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    _, shown = ogi(runner, ["rules"], fmt, tmp_path)
    if fmt == "json":
        rows = [[r["code"], r["severity"], r["description"]] for r in shown]
    else:
        [[header, *rows]] = shown
        assert header == ["code", "severity", "description"]
    assert len(rows) == len(all_rules())
    assert ["cell.negative", "error", "a count is not negative"] in rows


@pytest.mark.parametrize("fmt", [*FORMATS, "json"])
def test_validate_lists_findings_and_counts_them_on_stderr(
    reader: StandInReader, runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    report = std2021_report(2021)
    with_value(report, "review.count", 3, block_code="review", result_code="total")
    path = reader.add("synthetic-county-2021.xlsx", report)
    message = (
        "维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四 [block_code review]: "
        "3 (表四!E4) ≠ 1 (表四!A4) + 0 (表四!B4) + 0 (表四!C4) + 1 (表四!D4) = 2; difference 1"
    )

    result, shown = ogi(runner, ["validate", "--offline", str(path)], fmt, tmp_path)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "1 file(s): 1 error(s), 0 warning(s)"
    finding = [str(path), "synthetic-county-2021.xlsx", "表四", "E4",
               "std2021.table4.block_total", "error", "3", "2", message]  # fmt: skip
    header = ["path", "file", "sheet", "cell", "rule", "severity", "found", "expected", "message"]
    if fmt == "json":
        assert shown == [dict(zip(header, finding, strict=True))]
    else:
        assert shown == [[header, finding]]


def test_a_listing_without_rows_is_its_note_alone(reader: StandInReader, runner: CliRunner) -> None:
    path = reader.add("synthetic-county-2021.xlsx", std2021_report(2021))
    result = runner.invoke(main, ["validate", "--offline", str(path)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "1 file(s): 0 error(s), 0 warning(s)\n",
    )


def test_xlsx_keeps_numbers_numbers_and_needs_a_file(
    listed: Engine, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "show.xlsx"
    result = runner.invoke(main, [*LISTINGS["show"][0], "--format", "xlsx", "-o", str(out)])
    assert result.stderr == f"wrote 3 rows to {out}\n"
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.title == "合成市（测试用）_合成县（测试用） 2017"  # no / in a sheet's title
    assert [(c.value, c.data_type) for c in sheet["E"]][1:] == [(120, "n"), (100, "n"), (83.3, "n")]

    refused = runner.invoke(main, [*LISTINGS["show"][0], "--format", "xlsx"])
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: xlsx is a binary format: give -o FILE.xlsx\n",
    )


def test_show_is_the_view_rpt_figures_long(listed: Engine, runner: CliRunner) -> None:
    """`ogi show` lists the rows `ogi report figures_long` lists of the report."""
    shown = runner.invoke(main, [*LISTINGS["show"][0], "--format", "json"])
    viewed = runner.invoke(
        main, ["report", "figures_long", "--agency", COUNTY, "--year", "2017", "--format", "json"]
    )
    assert sorted(
        (f["year"], f["measure_code"], f["label_zh"], (f["dim1_code"], f["dim2_code"]), f["value"],
         f["value_qualifier"], f["unit_code"],
         f"{f['source_file']} {f['source_sheet']}!{f['source_cell']}")
        for f in json.loads(viewed.stdout)
    ) == sorted(
        (f["year"], f["measure_code"], f["label_zh"], (f["dims"].get("channel_code"), None),
         f["value"], f["qualifier"], f["unit"], f["source"])
        for f in json.loads(shown.stdout)
    )  # fmt: skip
    assert len(json.loads(shown.stdout)) == 3


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--year", "17"], "Error: years '17': expected a year (2017) or a range (2016-2018)\n"),
        (["--year", "2018"], f"Error: {CITY}/{COUNTY} has no report for 2018 in the warehouse "
         "(years: 2017): load it with 'ogi load'\n"),
        (["--years", "2016-2017"], None),  # the old spelling still works
        (["--year", "2016-2018"], None),
    ],
)  # fmt: skip
def test_one_year_option_takes_a_year_or_a_range(
    listed: Engine, runner: CliRunner, args: list[str], error: str | None
) -> None:
    result = runner.invoke(main, ["show", "--agency", COUNTY, *args, "--format", "json"])
    if error is None:
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == SHOW_JSON
    else:
        assert (result.exit_code, result.output) == (1, error)


def test_help_shows_the_year_option_once(runner: CliRunner) -> None:
    for command in (["show"], ["report"], ["compare"], ["run"], ["generate"]):
        shown = runner.invoke(main, [*command, "--help"]).output
        assert "--year YEARS" in shown
        assert "--years" not in shown
