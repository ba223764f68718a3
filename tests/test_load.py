"""Loading: idempotent by content, versions on change, rejections recorded, all or nothing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from facts import (
    ANLU_TOWNSHIPS,
    SYNTHETIC_COUNTY,
    anlu_2017,
    anlu_2017_facts,
    fact,
    std2021_report,
    with_value,
)
from sqlalchemy import Engine, event, text
from standin import StandInReader

from etl.errors import AmbiguousName, InputNotFound
from etl.load.validate import validate_file
from etl.records import Location
from etl.reports.figures import report_figures
from etl.rules import finding
from etl.runs.commands import load_paths
from etl.runs.events import RunEvent
from etl.runs.sources import collect_files
from etl.synthetic import generate

ANLU_FIGURES = len(anlu_2017_facts())


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def test_anlu_2017_loads_every_figure(engine: Engine, reader: StandInReader) -> None:
    path = reader.add("anlu-2017.xlsx", anlu_2017())
    summary = load_paths(engine, [path])

    assert (summary.status, summary.loaded, summary.figures_written) == ("succeeded", 1, 58)
    assert ANLU_FIGURES == 58
    assert summary.files[0].findings == ()
    assert rows(
        engine,
        "SELECT a.name, a.level_code, a.division_code, p.name, p.level_code, r.year, "
        "r.regime_code, r.version, r.is_current FROM reports r "
        "JOIN agencies a ON a.agency_id = r.agency_id "
        "JOIN agencies p ON p.agency_id = a.parent_agency_id",
    ) == [("安陆市", "county", "420982", "孝感市", "prefecture", 2017, "pre2019", 1, True)]
    assert rows(
        engine,
        "SELECT measure_code, value, unit_code, source_sheet, source_cell FROM figures "
        "WHERE measure_code IN ('proactive.total', 'fees.charged_amount') ORDER BY fact_id",
    ) == [
        ("proactive.total", 8052, "条", "主动公开", "C3"),
        ("fees.charged_amount", 0, "元", "依申请公开", "C9"),
    ]
    assert rows(
        engine,
        "SELECT category_code, value, unit_code FROM proactive_category_counts ORDER BY fact_id",
    ) == [("common_work", 2980, "条"), ("audit_reports", 10, "期")]
    assert rows(
        engine,
        "SELECT t.name, t.level_code, i.value FROM responsibility_list_items i "
        "JOIN agencies t ON t.agency_id = i.township_agency_id ORDER BY i.fact_id",
    ) == [(name, "township", items) for name, items in ANLU_TOWNSHIPS]
    assert rows(
        engine,
        "SELECT request_row_code, applicant_type_code, value FROM request_counts ORDER BY fact_id",
    ) == [
        ("legacy.received", "total", 11),
        ("legacy.replies", "total", 11),
        ("legacy.replies.already_public", "total", 2),
        ("legacy.replies.granted", "total", 6),
        ("legacy.replies.not_this_agency", "total", 3),
    ]
    assert rows(engine, "SELECT sum(value), count(*) FROM relief_recipient_counts") == [(217284, 7)]


def test_loading_the_same_content_twice_is_a_no_op(engine: Engine, reader: StandInReader) -> None:
    path = reader.add("anlu-2017.xlsx", anlu_2017())
    first = load_paths(engine, [path])
    second = load_paths(engine, [path])

    assert [f.outcome for f in second.files] == ["unchanged"]
    assert second.files[0].report_ids == first.files[0].report_ids
    assert rows(engine, "SELECT count(*) FROM reports") == [(1,)]
    assert rows(engine, "SELECT count(*) FROM figures") == [(16,)]
    assert rows(engine, "SELECT count(*), min(status) FROM source_files") == [(1, "loaded")]
    assert rows(
        engine,
        "SELECT run_trigger, status, files_seen, files_loaded, files_unchanged, files_rejected,"
        " figures_written, error FROM etl_runs ORDER BY run_id",
    ) == [
        ("load", "succeeded", 1, 1, 0, 0, 58, None),
        ("load", "succeeded", 1, 0, 1, 0, 0, None),
    ]
    assert rows(
        engine,
        "SELECT run_id, outcome, report_id, figures_written FROM run_files ORDER BY run_file_id",
    ) == [
        (first.run_id, "loaded", first.files[0].report_ids[0], 58),
        (second.run_id, "unchanged", first.files[0].report_ids[0], 0),
    ]


def test_a_changed_file_becomes_the_next_version(engine: Engine, reader: StandInReader) -> None:
    first = reader.add("anlu-2017.xlsx", anlu_2017())
    load_paths(engine, [first])
    changed = anlu_2017()
    with_value(changed, "proactive.by_category", 2990, category_code="common_work")
    second = reader.add("anlu-2017-corrected.xlsx", changed, variant="v2")
    summary = load_paths(engine, [second])

    assert [f.outcome for f in summary.files] == ["loaded"]
    assert rows(
        engine,
        "SELECT version, is_current, superseded_at IS NOT NULL, s.file_name, s.status "
        "FROM reports r JOIN source_files s ON s.source_file_id = r.source_file_id "
        "ORDER BY version",
    ) == [
        (1, False, True, "anlu-2017.xlsx", "superseded"),
        (2, True, False, "anlu-2017-corrected.xlsx", "loaded"),
    ]
    assert rows(
        engine,
        "SELECT r.version, c.value FROM proactive_category_counts c "
        "JOIN reports r ON r.report_id = c.report_id "
        "WHERE c.category_code = 'common_work' ORDER BY r.version",
    ) == [(1, 2980), (2, 2990)]
    assert rows(engine, "SELECT count(*) FROM agencies WHERE level_code = 'township'") == [(15,)]


def test_reloading_old_content_after_a_correction_changes_nothing(
    engine: Engine, reader: StandInReader
) -> None:
    old = reader.add("anlu-2017.xlsx", anlu_2017())
    changed = anlu_2017()
    with_value(changed, "proactive.by_category", 2990, category_code="common_work")
    new = reader.add("anlu-2017-corrected.xlsx", changed, variant="v2")
    load_paths(engine, [old, new])
    again = load_paths(engine, [reader.directory])

    assert [f.outcome for f in again.files] == ["unchanged", "unchanged"]
    assert rows(engine, "SELECT version FROM reports WHERE is_current") == [(2,)]


def test_a_file_with_errors_is_rejected_and_recorded(engine: Engine, reader: StandInReader) -> None:
    location = Location("anlu-2017-bad.xlsx", "主动公开", "C3")
    error = finding(
        "cell.not_a_number",
        location,
        'expected a whole number of 条, found "八千余"',
        found="八千余",
        expected="a whole number",
    )
    report = anlu_2017()
    with_value(report, "proactive.by_publisher", 6617, publisher_group_code="departments")
    path = reader.add("anlu-2017-bad.xlsx", report, findings=(error,))
    summary = load_paths(engine, [path])

    assert (summary.status, summary.rejected, summary.exit_code) == ("failed", 1, 2)
    assert rows(engine, "SELECT count(*) FROM reports") == [(0,)]
    assert rows(engine, "SELECT count(*) FROM figures") == [(0,)]
    assert rows(engine, "SELECT count(*) FROM agencies") == [(0,)]
    # docs/office.md: which files were rejected, and why.
    assert rows(
        engine,
        "SELECT s.file_name, f.severity, f.rule_code, f.sheet, f.cell, f.found, f.expected "
        "FROM source_files s JOIN validation_findings f ON f.source_file_id = s.source_file_id "
        "WHERE s.status = 'rejected' ORDER BY f.finding_id",
    ) == [
        (
            "anlu-2017-bad.xlsx",
            "error",
            "cell.not_a_number",
            "主动公开",
            "C3",
            "八千余",
            "a whole number",
        ),
        (
            "anlu-2017-bad.xlsx",
            "warning",
            "proactive.publisher_split",
            "主动公开",
            "C3",
            "8052",
            "8000",
        ),
    ]
    assert rows(
        engine,
        "SELECT outcome, error_count, warning_count, figures_written, message FROM run_files",
    ) == [
        (
            "rejected",
            1,
            1,
            0,
            "1 error(s), the first: anlu-2017-bad.xlsx 主动公开!C3: expected a whole number "
            'of 条, found "八千余"',
        )
    ]


def test_a_rejected_file_is_read_again_next_time(engine: Engine, reader: StandInReader) -> None:
    report = std2021_report(2021)
    with_value(report, "review.count", 3, block_code="review", result_code="total")
    path = reader.add("synthetic-county-2021.xlsx", report)
    load_paths(engine, [path])
    again = load_paths(engine, [path])

    assert [(f.outcome, f.error_count) for f in again.files] == [("rejected", 1)]
    assert rows(engine, "SELECT count(*), min(status) FROM source_files") == [(1, "rejected")]
    assert rows(engine, "SELECT rule_code FROM validation_findings ORDER BY finding_id") == [
        ("std2021.table4.block_total",),
        ("std2021.table4.block_total",),
    ]


def test_a_good_files_warnings_are_stored_with_it(engine: Engine, reader: StandInReader) -> None:
    report = anlu_2017()
    with_value(report, "proactive.channel_share_pct", "7.3", channel_code="new_media")
    summary = load_paths(engine, [reader.add("anlu-2017.xlsx", report)])

    assert [(f.outcome, f.warning_count) for f in summary.files] == [("loaded", 1)]
    assert rows(
        engine,
        "SELECT r.outcome, f.rule_code, f.cell, f.found, f.expected FROM validation_findings f "
        "JOIN run_files r ON r.run_file_id = f.run_file_id",
    ) == [("loaded", "proactive.channel_share", "D7", "7.3", "7.2")]


def test_a_file_failing_halfway_leaves_no_figures(engine: Engine, reader: StandInReader) -> None:
    report = anlu_2017()
    # Slipped in at the end: a channel the warehouse does not know. Figures and publisher
    # counts are inserted before the channel figures, which the foreign key then refuses.
    report.facts.append(fact("proactive.by_channel", 5, "C99", channel_code="no_such_channel"))
    summary = load_paths(engine, [reader.add("anlu-2017-bad-channel.xlsx", report)])

    assert [(f.outcome, f.figures_written) for f in summary.files] == [("rejected", 0)]
    for table in ("reports", "figures", "proactive_publisher_counts", "agencies"):
        assert rows(engine, f"SELECT count(*) FROM {table}") == [(0,)], table
    assert rows(
        engine,
        "SELECT s.status, f.rule_code, f.severity FROM validation_findings f "
        "JOIN source_files s ON s.source_file_id = f.source_file_id",
    ) == [("rejected", "load.constraint_violated", "error")]
    assert rows(engine, "SELECT status, files_rejected, figures_written FROM etl_runs") == [
        ("failed", 1, 0)
    ]


def test_a_reader_bug_stops_the_run_after_the_files_before_it(
    engine: Engine, reader: StandInReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are read ahead in a reader process, then written in order: a file that breaks
    the reader (a bug of ours) still stops the run in its turn, with every file before it
    loaded and none after it written."""
    paths = [
        reader.add(
            f"{n:02d}.xlsx", replace(anlu_2017(), header=replace(anlu_2017().header, year=2000 + n))
        )
        for n in range(10, 14)
    ]
    read = reader.read_file

    def breaks_on_the_third(path: Path, **options: Any) -> Any:
        if path.name == "12.xlsx":
            raise RuntimeError("synthetic reader bug")
        return read(path, **options)

    monkeypatch.setattr("etl.load.prepare.read_file", breaks_on_the_third)
    with pytest.raises(RuntimeError, match="synthetic reader bug"):
        load_paths(engine, paths)

    assert rows(engine, "SELECT year FROM reports ORDER BY year") == [(2010,), (2011,)]
    assert rows(engine, "SELECT status, files_loaded FROM etl_runs") == [("failed", 2)]


def test_bodies_of_a_rolled_back_file_are_created_again_by_the_next(
    engine: Engine, reader: StandInReader
) -> None:
    # The run caches agency ids; those the refused file created roll back with it.
    bad = anlu_2017()
    bad.facts.append(fact("proactive.by_channel", 5, "C99", channel_code="no_such_channel"))
    summary = load_paths(
        engine,
        [reader.add("anlu-2017-bad-channel.xlsx", bad), reader.add("anlu-2017.xlsx", anlu_2017())],
    )

    assert [(f.outcome, f.figures_written) for f in summary.files] == [
        ("rejected", 0),
        ("loaded", 58),
    ]
    assert rows(
        engine,
        "SELECT a.name, p.name, r.version FROM reports r "
        "JOIN agencies a ON a.agency_id = r.agency_id "
        "JOIN agencies p ON p.agency_id = a.parent_agency_id",
    ) == [("安陆市", "孝感市", 1)]


def test_unknown_measures_and_misplaced_dimensions_are_rejected(
    engine: Engine, reader: StandInReader
) -> None:
    report = anlu_2017()
    report.facts += [
        fact("no.such.measure", 1, "C90"),
        fact("proactive.by_channel", 1, "C91"),
        fact(
            "table2.value",
            5,
            "C92",
            table_row_code="std2019.procurement",
            table_column_code="std2019.procurement_amount",
        ),
        fact("proactive.by_publisher", "1.5", "C93", publisher_group_code="other"),
    ]
    path = reader.add("anlu-2017-synthetic-extras.xlsx", report)

    findings = validate_file(path, engine=engine)
    assert [(f.rule_code, f.location.cell, f.message) for f in findings] == [
        ("measure.unknown", "C90", "unknown measure 'no.such.measure'"),
        (
            "load.dims_invalid",
            "C91",
            "proactive.by_channel takes the dimensions channel_code, found none",
        ),
        (
            "load.unit_missing",
            "C92",
            "table2.value 5 has no unit: name it (元 or 万元)",
        ),
        ("cell.not_whole", "C93", "proactive.by_publisher is a count, found 1.5"),
        (
            "proactive.publisher_split",
            "C3",
            "items disclosed by each publisher group add up to the proactive total: "
            "8052 (主动公开!C3) ≠ 1383 (主动公开!C4) + 6669 (主动公开!C5) + 1.5 (主动公开!C93)"
            " = 8053.5; difference -1.5",
        ),
    ]
    assert [f.outcome for f in load_paths(engine, [path]).files] == ["rejected"]


def test_validate_writes_nothing_and_needs_no_warehouse(
    engine: Engine, reader: StandInReader
) -> None:
    report = anlu_2017()
    report.facts.append(fact("no.such.measure", 1, "C90"))
    path = reader.add("anlu-2017.xlsx", report)

    assert validate_file(path) == []  # without the warehouse, measures are not looked up
    assert [f.rule_code for f in validate_file(path, engine=engine, encoding="gb18030")] == [
        "measure.unknown"
    ]
    assert reader.encodings == [None, "gb18030"]
    for table in ("etl_runs", "source_files", "agencies"):
        assert rows(engine, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_cross_year_warnings_compare_with_last_years_report(
    engine: Engine, reader: StandInReader
) -> None:
    load_paths(engine, [reader.add("synthetic-county-2021.xlsx", std2021_report(2021))])
    this_year = std2021_report(2022, carried_over=1, in_force=12, issued=2, repealed=1)
    path = reader.add("synthetic-county-2022.xlsx", this_year)

    assert validate_file(path) == []
    warnings = [
        (f.rule_code, str(f.location), f.message) for f in validate_file(path, engine=engine)
    ]
    assert warnings == [
        (
            "std2021.in_force_continuity",
            "synthetic-county-2022.xlsx 表二!D5",
            "现行有效件数 = last year's + 本年制发件数 − 本年废止件数, in every row of table 二 "
            "[table_row_code std2021.normative]: 12 (表二!D5) + 1 (表二!C5) = 13 ≠ "
            "10 (2021: synthetic-county-2021.xlsx 表二!D5) + 2 (表二!B5) = 12; difference 1",
        )
    ]
    summary = load_paths(engine, [path])
    assert [(f.outcome, f.warning_count) for f in summary.files] == [("loaded", 1)]
    assert rows(
        engine,
        "SELECT a.name, r.year FROM reports r JOIN agencies a ON a.agency_id = r.agency_id "
        "ORDER BY r.year",
    ) == [(SYNTHETIC_COUNTY, 2021), (SYNTHETIC_COUNTY, 2022)]


def test_a_directory_loads_its_spreadsheets_and_reports_partial_success(
    engine: Engine, reader: StandInReader
) -> None:
    reader.add("2021/synthetic-county-2021.xlsx", std2021_report(2021))
    reader.add("anlu-2017.csv", anlu_2017(), file_format="csv")
    bad = std2021_report(2022)
    with_value(bad, "review.count", 3, block_code="review", result_code="total")
    reader.add("2022/synthetic-county-2022.xls", bad, file_format="xls")
    (reader.directory / "notes.txt").write_text("not a report", encoding="utf-8")
    (reader.directory / "~$anlu-2017.xlsx").write_text("Excel lock file", encoding="utf-8")
    events: list[RunEvent] = []

    summary = load_paths(engine, [reader.directory], on_event=events.append)

    assert [(e.event, Path(e.fields.get("path", "")).name) for e in events[1:-1]] == [
        ("files_found", ""),
        ("file_loaded", "synthetic-county-2021.xlsx"),
        ("file_rejected", "synthetic-county-2022.xls"),
        ("file_loaded", "anlu-2017.csv"),
    ]
    assert events[1].fields["count"] == 3
    assert (summary.status, summary.loaded, summary.rejected, summary.exit_code) == (
        "partial",
        2,
        1,
        2,
    )
    assert rows(engine, "SELECT file_format, status FROM source_files ORDER BY file_name") == [
        ("csv", "loaded"),
        ("xlsx", "loaded"),
        ("xls", "rejected"),
    ]


def test_missing_paths_are_refused_before_the_run(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match=r"nowhere\.xlsx: no such file or directory"):
        collect_files([tmp_path / "nowhere.xlsx"])
    with pytest.raises(InputNotFound):
        load_paths(engine, [tmp_path / "nowhere.xlsx"])
    assert rows(engine, "SELECT count(*) FROM etl_runs") == [(0,)]


def test_bodies_are_found_under_their_parent(engine: Engine, reader: StandInReader) -> None:
    first = std2021_report(2021)
    other = std2021_report(2021)
    other.header = replace(other.header, parent_agency_name="另一合成市（测试用）")
    third = std2021_report(2022, file="synthetic-county-2022.xlsx")
    third.header = replace(third.header, division_code="990101")
    load_paths(
        engine,
        [
            reader.add("synthetic-county-2021.xlsx", first),
            reader.add("other-synthetic-county-2021.xlsx", other, variant="other"),
            reader.add("synthetic-county-2022.xlsx", third),
        ],
    )

    assert rows(
        engine,
        "SELECT a.name, a.division_code, p.name, p.level_code, count(r.report_id) "
        "FROM agencies a JOIN agencies p ON p.agency_id = a.parent_agency_id "
        "JOIN reports r ON r.agency_id = a.agency_id "
        "GROUP BY a.name, a.division_code, p.name, p.level_code ORDER BY p.name",
    ) == [
        (SYNTHETIC_COUNTY, None, "另一合成市（测试用）", "prefecture", 1),
        (SYNTHETIC_COUNTY, "990101", "合成市（测试用）", "prefecture", 2),
    ]
    with pytest.raises(AmbiguousName) as ambiguous:
        report_figures(engine, SYNTHETIC_COUNTY, (2021, 2021))
    assert str(ambiguous.value).startswith(  # then how to name one (tests/test_agency_lookup.py)
        "2 bodies are called '合成县（测试用）': 另一合成市（测试用）/合成县（测试用）, "
        "合成市（测试用）/合成县（测试用）; name one"
    )
    figures = report_figures(
        engine, "另一合成市（测试用）/合成县（测试用）", (2021, 2021)
    ).records()
    assert (len(figures), figures[0]["source"]) == (
        27,
        "other-synthetic-county-2021.xlsx 表三!B3",
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_unchanged_files_are_recorded_together_and_in_order(
    engine: Engine, tmp_path: Path, jobs: int
) -> None:
    """Files loaded before share a transaction (up to `etl.runs.pipeline.BATCH`), and the
    results and the run's rows keep the order of the files, new ones among them."""
    generate(tmp_path / "all", bodies=20, years=(2016,))
    everything = sorted((tmp_path / "all").rglob("*.xlsx"))
    first = tmp_path / "first"
    first.mkdir()
    for path in everything[:4] + everything[5:]:  # all but the fifth
        shutil.copyfile(path, first / path.name)
    assert load_paths(engine, [first]).loaded == 19
    shutil.copyfile(everything[4], first / everything[4].name)
    commits: list[None] = []
    event.listen(engine, "commit", lambda _connection: commits.append(None))
    again = load_paths(engine, [first], jobs=jobs)
    outcomes = [(r.path.name, r.outcome) for r in again.files]
    expected = [(p.name, "loaded" if i == 4 else "unchanged") for i, p in enumerate(everything)]
    assert outcomes == expected
    # The run's start and end, the new file, and the unchanged ones in two transactions (the
    # four before it, the fifteen after it), not one each.
    assert len(commits) == 2 + 1 + 2
    with engine.connect() as connection:
        recorded = connection.execute(
            text("SELECT path, outcome FROM run_files WHERE run_id = :run ORDER BY run_file_id"),
            {"run": again.run_id},
        ).all()
    assert [(Path(p).name, o) for p, o in recorded] == expected
