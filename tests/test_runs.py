"""Scheduled runs in the library: the inbox, archiving, backfill, dead runs, two runs at once."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from inbox_files import FIGURES_PER_FILE, broken_report, not_a_spreadsheet, synthetic_report
from sqlalchemy import Engine, text

from etl.errors import LockHeld
from etl.load.fact_rows import Catalogue
from etl.load.lineage import start_run
from etl.runs.commands import load_paths, reprocess, run_inbox
from etl.runs.events import RunEvent
from etl.runs.history import list_runs, run_details
from etl.runs.run import RunSummary


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def run_row(engine: Engine, run_id: int) -> tuple[Any, ...]:
    return rows(
        engine,
        "SELECT run_trigger, status, files_seen, files_loaded, files_unchanged, files_rejected,"
        " figures_written, error FROM etl_runs WHERE run_id = :run_id",
        run_id=run_id,
    )[0]


def outcomes(engine: Engine, run_id: int) -> list[tuple[str, str]]:
    return [
        (Path(path).name, outcome)
        for path, outcome in rows(
            engine,
            "SELECT path, outcome FROM run_files WHERE run_id = :run_id ORDER BY run_file_id",
            run_id=run_id,
        )
    ]


def test_good_unchanged_changed_and_broken_files_each_end_as_they_should(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    synthetic_report(inbox / "b.xlsx", "乙县")
    first = run_inbox(engine, inbox)
    assert (first.loaded, first.exit_code) == (2, 0)

    synthetic_report(inbox / "b.xlsx", "乙县", fee=7)  # changed: same name, new content
    synthetic_report(inbox / "sub" / "c.xlsx", "丙县")  # new, in a subfolder
    broken_report(inbox / "d.xlsx", "丁县")
    not_a_spreadsheet(inbox / "e.xlsx")
    events: list[RunEvent] = []
    summary = run_inbox(engine, inbox, archive=True, on_event=events.append)

    assert (summary.run_id, summary.status, summary.exit_code) == (2, "partial", 2)
    assert run_row(engine, 2) == ("run", "partial", 5, 2, 1, 2, 2 * FIGURES_PER_FILE, None)
    assert outcomes(engine, 2) == [
        ("b.xlsx", "loaded"),
        ("d.xlsx", "rejected"),
        ("e.xlsx", "rejected"),
        ("c.xlsx", "loaded"),
    ]
    assert [(e.event, Path(e.fields.get("path", "")).name) for e in events] == [
        ("run_started", ""),
        ("files_found", ""),
        ("file_unchanged", "a.xlsx"),
        ("file_archived", "a.xlsx"),
        ("file_loaded", "b.xlsx"),
        ("file_archived", "b.xlsx"),
        ("file_rejected", "d.xlsx"),
        ("file_archived", "d.xlsx"),
        ("file_rejected", "e.xlsx"),
        ("file_archived", "e.xlsx"),
        ("file_loaded", "c.xlsx"),
        ("file_archived", "c.xlsx"),
        ("run_finished", ""),
    ]
    rejected_d = next(e for e in events if e.event == "file_rejected")
    assert (rejected_d.fields["errors"], rejected_d.fields["findings"]) == (1, 1)
    assert rows(
        engine,
        "SELECT a.name, r.version, r.is_current FROM reports r"
        " JOIN agencies a ON a.agency_id = r.agency_id ORDER BY a.name, r.version",
    ) == [
        ("合成丙县(synthetic)", 1, True),
        ("合成乙县(synthetic)", 1, False),
        ("合成乙县(synthetic)", 2, True),
        ("合成甲县(synthetic)", 1, True),
    ]
    archived = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.xlsx"))
    assert archived == [
        "processed/a.xlsx",
        "processed/b.xlsx",
        "processed/sub/c.xlsx",
        "rejected/d.xlsx",
        "rejected/e.xlsx",
    ]


def test_a_rerun_over_an_unchanged_inbox_writes_nothing_but_its_run_row(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    synthetic_report(inbox / "b.xlsx", "乙县")
    run_inbox(engine, inbox)

    summary = run_inbox(engine, inbox)

    assert (summary.unchanged, summary.loaded, summary.exit_code) == (2, 0, 0)
    assert run_row(engine, 2) == ("run", "succeeded", 2, 0, 2, 0, 0, None)
    assert outcomes(engine, 2) == []  # unchanged files are counted, not listed
    assert rows(engine, "SELECT count(*) FROM reports") == [(2,)]


def test_an_archived_file_never_overwrites_a_different_one_of_the_same_name(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    run_inbox(engine, inbox, archive=True)
    synthetic_report(inbox / "a.xlsx", "甲县", fee=3)

    run_inbox(engine, inbox, archive=True)

    digest = rows(engine, "SELECT sha256 FROM source_files ORDER BY source_file_id")[1][0]
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [
        f"a.{digest[:8]}.xlsx",
        "a.xlsx",
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_breaks_the_reader_fails_alone(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    from etl.extract import read_file

    def reader_with_a_bug(path: Path, **options: Any) -> Any:
        if path.name == "b.xlsx":
            raise RuntimeError("synthetic reader bug")
        return read_file(path, **options)

    monkeypatch.setattr("etl.load.prepare.read_file", reader_with_a_bug)
    inbox = tmp_path / "inbox"
    for name, agency in (("a.xlsx", "甲县"), ("b.xlsx", "乙县"), ("c.xlsx", "丙县")):
        synthetic_report(inbox / name, agency)

    summary = run_inbox(engine, inbox, archive=True, jobs=jobs)

    assert (summary.loaded, summary.rejected, summary.exit_code) == (2, 1, 2)
    assert outcomes(engine, 1) == [("a.xlsx", "loaded"), ("b.xlsx", "failed"), ("c.xlsx", "loaded")]
    assert rows(engine, "SELECT message FROM run_files WHERE outcome = 'failed'") == [
        ("RuntimeError: synthetic reader bug",)
    ]
    assert [p.name for p in (tmp_path / "rejected").iterdir()] == ["b.xlsx"]


def test_load_and_run_differ_only_in_their_named_options(engine: Engine, tmp_path: Path) -> None:
    """The same files through `ogi load`'s options and `ogi run`'s: the same figures and
    outcomes; unchanged files are listed in the run's history by the one, counted by the
    other (`RunOptions.record_unchanged`)."""
    inbox = tmp_path / "inbox"
    for name, agency in (("a.xlsx", "甲县"), ("b.xlsx", "乙县")):
        synthetic_report(inbox / name, agency)
    loaded = load_paths(engine, [inbox / "a.xlsx"])
    by_load = load_paths(engine, [inbox], record_unchanged=True)
    synthetic_report(inbox / "c.xlsx", "丙县")
    by_run = run_inbox(engine, inbox)

    assert [(r.path.name, r.outcome) for r in by_load.files] == [
        ("a.xlsx", "unchanged"),
        ("b.xlsx", "loaded"),
    ]
    assert [(r.path.name, r.outcome) for r in by_run.files] == [
        ("a.xlsx", "unchanged"),
        ("b.xlsx", "unchanged"),
        ("c.xlsx", "loaded"),
    ]
    assert outcomes(engine, by_load.run_id) == [("a.xlsx", "unchanged"), ("b.xlsx", "loaded")]
    assert outcomes(engine, by_run.run_id) == [("c.xlsx", "loaded")]
    assert loaded.figures_written == by_load.figures_written == by_run.figures_written


def test_a_run_left_running_by_a_dead_process_is_marked_abandoned(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    load_paths(engine, [inbox / "a.xlsx"])  # run 1, finished
    dead = start_run(engine, trigger="run")  # run 2: as a process killed after it started

    summary = run_inbox(engine, inbox)

    assert summary.abandoned == (dead,)
    trigger, status, *_counts, error = run_row(engine, dead)
    assert (trigger, status) == ("run", "abandoned")
    assert error.startswith(
        f"abandoned: process {os.getpid()} on {socket.gethostname()} ended without finishing "
        "the run (killed, or its machine stopped); found by run 3 at "
    )
    assert [(r.run_id, r.status) for r in list_runs(engine)] == [
        (3, "succeeded"),
        (2, "abandoned"),
        (1, "succeeded"),
    ]
    assert rows(engine, "SELECT finished_at IS NOT NULL FROM etl_runs WHERE run_id = 2") == [
        (True,)
    ]


def test_backfill_reloads_exactly_the_chosen_years(engine: Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for year in range(2014, 2019):
        synthetic_report(inbox / f"jia-{year}.xlsx", "甲县", year=year)
    synthetic_report(inbox / "yi-2017.xlsx", "乙县", year=2017)
    run_inbox(engine, inbox, archive=True)  # the inbox is empty afterwards: bytes come from the db

    summary = reprocess(engine, (2015, 2017))

    assert (summary.loaded, summary.rejected, summary.exit_code) == (4, 0, 0)
    assert run_row(engine, 2) == ("reprocess", "succeeded", 4, 4, 0, 0, 4 * FIGURES_PER_FILE, None)
    assert [path for (path,) in rows(engine, "SELECT path FROM run_files WHERE run_id = 2")] == [
        str(inbox / name)
        for name in ("jia-2015.xlsx", "jia-2016.xlsx", "jia-2017.xlsx", "yi-2017.xlsx")
    ]
    assert rows(
        engine,
        "SELECT a.name, r.year, max(r.version) FROM reports r"
        " JOIN agencies a ON a.agency_id = r.agency_id GROUP BY a.name, r.year"
        " ORDER BY a.name, r.year",
    ) == [
        ("合成乙县(synthetic)", 2017, 2),
        ("合成甲县(synthetic)", 2014, 1),
        ("合成甲县(synthetic)", 2015, 2),
        ("合成甲县(synthetic)", 2016, 2),
        ("合成甲县(synthetic)", 2017, 2),
        ("合成甲县(synthetic)", 2018, 1),
    ]
    assert rows(engine, "SELECT DISTINCT status FROM source_files") == [("loaded",)]
    assert rows(engine, "SELECT count(*) FROM reports WHERE is_current") == [(6,)]


def test_two_runs_started_together_one_loads_the_other_reports_the_lock(
    engine: Engine, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    for name, agency in (("a.xlsx", "甲县"), ("b.xlsx", "乙县")):
        synthetic_report(inbox / name, agency)
    refused = threading.Event()
    start = threading.Barrier(2)
    outcomes_: list[RunSummary | LockHeld] = []

    def hold_until_the_other_is_refused(event: RunEvent) -> None:
        if event.event == "run_started":  # only the lock holder gets here
            assert refused.wait(30)

    def one_run() -> None:
        start.wait()
        try:
            outcomes_.append(run_inbox(engine, inbox, on_event=hold_until_the_other_is_refused))
        except LockHeld as exc:
            outcomes_.append(exc)
            refused.set()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    summaries = [o for o in outcomes_ if isinstance(o, RunSummary)]
    assert len(outcomes_) == 2 and len(summaries) == 1
    assert (summaries[0].loaded, summaries[0].unchanged) == (2, 0)
    assert rows(engine, "SELECT count(*) FROM etl_runs") == [(1,)]
    assert rows(engine, "SELECT count(*) FROM source_files") == [(2,)]
    assert rows(engine, "SELECT count(*) FROM reports") == [(2,)]


def test_run_details_lists_files_and_findings(engine: Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    broken_report(inbox / "d.xlsx", "丁县")
    run_inbox(engine, inbox)

    details = run_details(engine, 1)

    assert (details.run.status, details.run.files_seen, details.run.files_rejected) == (
        "partial",
        2,
        1,
    )
    assert [(Path(f.path).name, f.outcome, f.error_count) for f in details.files] == [
        ("a.xlsx", "loaded", 0),
        ("d.xlsx", "rejected", 1),
    ]
    assert [(g.rule_code, g.sheet, g.cell, g.found) for g in details.files[1].findings] == [
        ("cell.not_a_number", "主动公开", "C4", "八千余")
    ]


def test_a_run_reads_the_catalogue_once_and_each_body_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    for name in ("甲县", "乙县", "丙县"):
        synthetic_report(inbox / f"{name}-2016.xlsx", name, year=2016)
        synthetic_report(inbox / f"{name}-2017.xlsx", name, year=2017)
    catalogue_reads = []
    load = Catalogue.load

    def counted(connection: Any) -> Catalogue:
        catalogue_reads.append(1)
        return load(connection)

    monkeypatch.setattr(Catalogue, "load", staticmethod(counted))
    summary = run_inbox(engine, inbox)

    assert summary.loaded == 6
    assert len(catalogue_reads) == 1
    bodies = (
        "SELECT name, COUNT(*) FROM agencies WHERE name LIKE '合成%' GROUP BY name ORDER BY name"
    )
    assert rows(engine, bodies) == [
        ("合成丙县(synthetic)", 1),
        ("合成乙县(synthetic)", 1),
        ("合成甲县(synthetic)", 1),
    ]
