"""Fault injection (#17): hostile files, hostile names, a reader that crashes or runs out of
memory or time, a disk that fills, a warehouse that cannot be written or is no database, a
server that ends the connection, and `kill -9` at any moment.

The target in every case: a clear error (an `Error:` line or a finding, never a traceback),
nothing partial in the warehouse, nothing outside the inbox read or stored, and every limit
held within 10% of its setting. `-m faults_long` (make test-faults) runs the long forms.
"""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from hostile_files import (
    billion_laughs,
    declared,
    deeply_nested,
    far_cell,
    many_rows,
    odd_entry,
    rewritten,
    shared_strings,
)
from inbox_files import FIGURES_PER_FILE, synthetic_report
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

import etl.extract.files
import etl.faults
import etl.load.sandbox
from etl.cli import main
from etl.db import create_warehouse_engine
from etl.db.failures import storage_error
from etl.errors import ConnectionLost, StorageFull, WarehouseReadOnly
from etl.extract import read_file
from etl.runs.commands import load_paths, run_inbox
from etl.runs.events import RunEvent
from etl.values import printable

#: Tests that need no second backend (files, names, readers) run on SQLite only: the
#: warehouse only records what they do, the same way on both.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


def outcomes(engine: Engine, run_id: int = 1) -> list[tuple[str, str]]:
    return [
        (Path(path).name, outcome)
        for path, outcome in rows(
            engine,
            "SELECT path, outcome FROM run_files WHERE run_id = :run_id ORDER BY run_file_id",
            run_id=run_id,
        )
    ]


def findings(engine: Engine) -> list[tuple[str, str]]:
    return [
        (Path(path).name, rule)
        for path, rule in rows(
            engine,
            "SELECT f.path, v.rule_code FROM validation_findings v "
            "JOIN run_files f ON f.run_file_id = v.run_file_id ORDER BY v.finding_id",
        )
    ]


def nothing_partial(engine: Engine) -> None:
    """Every report holds exactly the figures its loading recorded: no file half-written."""
    assert (
        rows(
            engine,
            "SELECT r.report_id FROM reports r JOIN run_files f ON f.report_id = r.report_id "
            "WHERE f.outcome = 'loaded' AND f.figures_written <> ("
            " SELECT count(*) FROM rpt_figures_long v WHERE v.report_id = r.report_id)",
        )
        == []
    )


# Hostile workbooks: refused from their own XML before a reader sees them, or read safely


HOSTILE = {
    "poison-pill.xlsx": lambda p: far_cell(p, "毒丸县"),
    "declared.xlsx": lambda p: declared(p, "声明县", "A1:XFD1048576"),
    "strings.xlsx": lambda p: shared_strings(p, "字串县", 4_000_000_000),
    "laughs-strings.xlsx": lambda p: billion_laughs(p, "笑县", "xl/sharedStrings.xml"),
    "laughs-workbook.xlsx": lambda p: billion_laughs(p, "笑市", "xl/workbook.xml"),
    "laughs-sheet.xlsx": lambda p: billion_laughs(p, "笑区", "xl/worksheets/sheet1.xml"),
    "nested.xlsx": lambda p: deeply_nested(p, "深县"),
    "deflate64.xlsx": lambda p: odd_entry(p, "压县", method=9),
    "encrypted.xlsx": lambda p: odd_entry(p, "密县", flags=1),
}


@sqlite_only
def test_no_hostile_workbook_stops_the_files_after_it(engine: Engine, tmp_path: Path) -> None:
    """The poison pill of #17 (one cell at XFD1048576: 512 GB asked of the reader, the
    process aborted, every later run too) and its kin: each is rejected with a finding that
    names what was found, or read without harm, and the good files around them load."""
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a-good.xlsx", "甲县")
    for name, make in HOSTILE.items():
        make(inbox / f"b-{name}")
    synthetic_report(inbox / "c-good.xlsx", "乙县")

    summary = run_inbox(engine, inbox, archive=True)

    assert outcomes(engine) == [
        ("a-good.xlsx", "loaded"),
        ("b-declared.xlsx", "rejected"),
        ("b-deflate64.xlsx", "rejected"),
        ("b-encrypted.xlsx", "rejected"),
        ("b-laughs-sheet.xlsx", "rejected"),
        ("b-laughs-strings.xlsx", "rejected"),
        ("b-laughs-workbook.xlsx", "rejected"),
        ("b-nested.xlsx", "loaded"),  # deep, but no deeper than the readers go
        ("b-poison-pill.xlsx", "rejected"),
        ("b-strings.xlsx", "rejected"),
        ("c-good.xlsx", "loaded"),
    ]
    messages = dict(
        rows(
            engine,
            "SELECT f.path, v.message FROM validation_findings v JOIN run_files f"
            " ON f.run_file_id = v.run_file_id WHERE v.rule_code = 'file.too_large'",
        )
    )
    assert {Path(p).name: m for p, m in messages.items()} == {
        "b-poison-pill.xlsx": "expected at most 5,000,000 cells in a sheet, found a sheet that "
        "has a cell at XFD1048576: 17,179,869,184 cells from A1",
        "b-declared.xlsx": "expected at most 5,000,000 cells in a sheet, found a sheet that "
        "declares XFD1048576: 17,179,869,184 cells from A1",
        "b-strings.xlsx": "expected at most 5,000,000 shared strings, found a shared-string "
        "table declaring 4,000,000,000 strings",
    }
    assert rows(
        engine, "SELECT v.sheet FROM validation_findings v WHERE v.message LIKE '%XFD1048576%'"
    ) == [("基本信息",), ("基本信息",)]
    assert summary.loaded == 3
    nothing_partial(engine)
    assert sorted(p.name for p in (tmp_path / "rejected").iterdir()) == [
        f"b-{name}" for name in sorted(HOSTILE) if name != "nested.xlsx"
    ]


@sqlite_only
def test_the_poison_pill_is_a_finding_in_every_command(
    engine: Engine, db_env: str, tmp_path: Path
) -> None:
    pill = far_cell(tmp_path / "inbox" / "pill.xlsx", "毒丸县")
    synthetic_report(tmp_path / "inbox" / "good.xlsx", "甲县")

    validated = CliRunner().invoke(main, ["validate", "--format", "csv", str(pill)])
    loaded = CliRunner().invoke(main, ["load", str(tmp_path / "inbox")])

    assert validated.exit_code == 2, validated.output
    assert "file.too_large" in validated.output and "XFD1048576" in validated.output
    assert loaded.exit_code == 2, loaded.output
    assert loaded.output.splitlines()[-1] == (
        "run 1 partial: 1 loaded, 0 unchanged, 1 rejected; 58 figures written, 0 warning(s)"
    )


@pytest.mark.parametrize(
    ("setting", "make", "over"),
    [
        ("MAX_SHEET_CELLS", lambda p, ref: far_cell(p, "限县", ref), ("D4876", "D5125")),
        ("MAX_SHEET_CELLS", lambda p, ref: declared(p, "限县", f"A1:{ref}"), ("D4876", "D5125")),
    ],
)
def test_the_sheet_limits_hold_to_their_setting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    make: Any,
    over: tuple[str, str],
) -> None:
    """At 20,000 cells: a sheet reaching D4876 (19,504 cells, 2.5% under) is read, one
    reaching D5125 (20,500, 2.5% over) is refused."""
    monkeypatch.setattr(etl.extract.files, setting, 20_000)
    under_ref, over_ref = over
    under = read_file(make(tmp_path / "under.xlsx", under_ref))
    beyond = read_file(make(tmp_path / "over.xlsx", over_ref))

    assert [f.rule_code for f in under.findings] == []
    assert [f.message for f in beyond.findings] == [
        "expected at most 20,000 cells in a sheet, found a sheet that "
        + ("declares" if "declares" in beyond.findings[0].message else "has a cell at")
        + f" {over_ref}: 20,500 cells from A1"
    ]


def test_the_shared_strings_limit_holds_to_its_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(etl.extract.files, "MAX_SHARED_STRINGS", 1000)
    under = read_file(shared_strings(tmp_path / "under.xlsx", "限县", 975))
    beyond = read_file(shared_strings(tmp_path / "over.xlsx", "限县", 1025))
    assert [f.rule_code for f in under.findings if f.rule_code.startswith("file.")] == []
    assert [f.message for f in beyond.findings] == [
        "expected at most 1,000 shared strings, found a shared-string table declaring 1,025 strings"
    ]


@sqlite_only
def test_a_million_rows_are_read_within_the_limits(engine: Engine, tmp_path: Path) -> None:
    """A million rows of one cell (1,000,099 cells: within 5,000,000) is no attack the
    limits need to refuse: the reader gets through it and the file is judged on its cells."""
    path = many_rows(tmp_path / "inbox" / "rows.xlsx", "行县")
    summary = load_paths(engine, [path])
    assert [(f.outcome, f.figures_written) for f in summary.files] == [("loaded", 58)]


# A reader that crashes, runs out of memory or of time: the file fails, the run goes on


def _reader_that(behaviour: str, victim: str = "b.xlsx") -> Any:
    """A reader that, for the file named `victim`, aborts (as python-calamine does on an
    allocation it cannot make), segfaults, asks for too much memory, or sleeps; the real
    reader for the others."""

    def read(path: Path, **options: Any) -> Any:
        if path.name == victim:
            if behaviour == "abort":
                os.write(2, b"memory allocation of 549755813888 bytes failed\n")
                os.abort()
            if behaviour == "segfault":
                os.kill(os.getpid(), signal.SIGSEGV)
            if behaviour.startswith("allocate "):
                block = bytearray(int(behaviour.split()[1]))
                block[-1] = 1
            if behaviour.startswith("sleep "):
                time.sleep(float(behaviour.split()[1]))
        return read_file(path, **options)

    return read


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    for name, agency in (("a.xlsx", "甲县"), ("b.xlsx", "乙县"), ("c.xlsx", "丙县")):
        synthetic_report(inbox / name, agency)
    return inbox


@sqlite_only
@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (
            "abort",
            "the file needed more memory than a reader may use (2,048 MB): memory allocation "
            "of 549755813888 bytes failed",
        ),
        ("segfault", "the file stopped the reader (SIGSEGV)"),
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_reader_that_crashes_costs_only_its_file(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    behaviour: str,
    reason: str,
    jobs: int,
) -> None:
    """Even `ogi load`, which stops at a bug of ours, goes on past a file that killed its
    reader: that is the file's doing."""
    monkeypatch.setattr("etl.load.prepare.read_file", _reader_that(behaviour))
    inbox = _inbox(tmp_path)

    summary = load_paths(engine, [inbox], jobs=jobs)

    assert outcomes(engine) == [("a.xlsx", "loaded"), ("b.xlsx", "failed"), ("c.xlsx", "loaded")]
    assert rows(engine, "SELECT message FROM run_files WHERE outcome = 'failed'") == [(reason,)]
    assert findings(engine) == [("b.xlsx", "file.unreadable")]
    assert (summary.status, summary.exit_code, summary.figures_written) == (
        "partial",
        2,
        2 * FIGURES_PER_FILE,
    )
    nothing_partial(engine)


@sqlite_only
def test_the_memory_ceiling_holds_to_its_setting(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a reader allowed 512 MB beyond what it holds when it starts: 90% of that
    allocated is read, 110% fails the file (and only the file)."""
    allowed = 512 * 1024 * 1024
    monkeypatch.setattr(etl.load.sandbox, "READER_MEMORY_BYTES", allowed)
    inbox = _inbox(tmp_path)
    for victim, share in (("a.xlsx", 0.9), ("b.xlsx", 1.1)):
        monkeypatch.setattr(
            "etl.load.prepare.read_file", _reader_that(f"allocate {int(allowed * share)}", victim)
        )
        load_paths(engine, [inbox / victim])

    assert [
        (Path(p).name, o, m)
        for p, o, m in rows(
            engine, "SELECT path, outcome, message FROM run_files ORDER BY run_file_id"
        )
    ] == [
        ("a.xlsx", "loaded", None),
        ("b.xlsx", "failed", "the file needed more memory than a reader may use (512 MB)"),
    ]


@sqlite_only
def test_the_time_limit_holds_to_its_setting(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 2 s a file: a file read in 1.8 s loads; one that would take 60 s is stopped at 2 s
    and fails alone (the run does not wait the minute)."""
    monkeypatch.setattr(etl.load.sandbox, "READ_SECONDS", 2.0)
    inbox = _inbox(tmp_path)
    monkeypatch.setattr("etl.load.prepare.read_file", _reader_that("sleep 1.8", "a.xlsx"))
    load_paths(engine, [inbox / "a.xlsx"])
    monkeypatch.setattr("etl.load.prepare.read_file", _reader_that("sleep 60"))
    started = time.monotonic()
    summary = load_paths(engine, [inbox])
    took = time.monotonic() - started

    assert outcomes(engine, 2) == [
        ("a.xlsx", "unchanged"),
        ("b.xlsx", "failed"),
        ("c.xlsx", "loaded"),
    ]
    assert summary.files[1].message == "the file took longer than 2 s to read"
    assert took < 30  # stopped, not waited for


# The inbox holds files: links, pipes and devices are refused unopened, names are escaped


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the inbox no run may read: a stand-in for /etc/shadow."""
    path = tmp_path / "outside" / "shadow"
    path.parent.mkdir()
    path.write_text("root:SECRET-17-NEVER-STORED:19000:0:99999:7:::\n", encoding="utf-8")
    return path


def _stored_anywhere(engine: Engine, marker: str) -> list[str]:
    """The tables and columns where `marker` is found, in any text or the stored bytes."""
    found = []
    for table, column in (
        ("source_files", "original_path"),
        ("run_files", "message"),
        ("validation_findings", "found"),
        ("validation_findings", "message"),
        ("etl_runs", "error"),
    ):
        if rows(engine, f"SELECT 1 FROM {table} WHERE {column} LIKE :m", m=f"%{marker}%"):
            found.append(f"{table}.{column}")
    contents = rows(engine, "SELECT content FROM source_files")
    if any(marker.encode() in bytes(c or b"") for (c,) in contents):
        found.append("source_files.content")
    return found


@sqlite_only
def test_links_pipes_and_linked_folders_are_refused_unopened(
    engine: Engine, tmp_path: Path, secret: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    (inbox / "shadow.csv").symlink_to(secret)
    (inbox / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    os.mkfifo(inbox / "pipe.csv")  # opened for reading, it would wait for a writer forever
    synthetic_report(secret.parent / "elsewhere" / "b.xlsx", "乙县")
    (inbox / "linked").symlink_to(secret.parent / "elsewhere")
    events: list[RunEvent] = []

    summary = run_inbox(engine, inbox, archive=True, on_event=events.append)

    assert outcomes(engine) == [
        ("a.xlsx", "loaded"),
        ("dangling.xlsx", "rejected"),
        ("linked", "rejected"),
        ("pipe.csv", "rejected"),
        ("shadow.csv", "rejected"),
    ]
    assert rows(
        engine, "SELECT v.found FROM validation_findings v ORDER BY v.finding_id"
    ) == [("a symbolic link",), ("a symbolic link to a directory",), ("a named pipe",),
          ("a symbolic link",)]  # fmt: skip
    assert rows(engine, "SELECT file_name FROM source_files") == [("a.xlsx",)]
    assert _stored_anywhere(engine, "SECRET-17") == []
    assert not any("SECRET-17" in str(e.fields) for e in events)
    assert summary.loaded == 1
    # The links and the pipe left the inbox as they were (links, not what they point to).
    rejected = tmp_path / "rejected"
    assert sorted(p.name for p in rejected.iterdir()) == [
        "dangling.xlsx", "linked", "pipe.csv", "shadow.csv"
    ]  # fmt: skip
    assert (rejected / "shadow.csv").is_symlink() and secret.read_text().startswith("root:")
    assert sorted(p.name for p in inbox.iterdir()) == []


def test_a_link_or_pipe_given_to_load_is_refused_with_an_error(
    db_env: str, tmp_path: Path, secret: Path
) -> None:
    link = tmp_path / "x.csv"
    link.symlink_to(secret)
    pipe = tmp_path / "p.csv"
    os.mkfifo(pipe)

    for command in ("load", "validate"):
        linked = CliRunner().invoke(main, [command, str(link)])
        piped = CliRunner().invoke(main, [command, str(pipe)])
        assert (linked.exit_code, linked.output) == (
            1,
            f"Error: {link}: a symbolic link, not a file; ogi reads regular files only: "
            "give the path of the file it points to\n",
        )
        assert (piped.exit_code, piped.output) == (
            1,
            f"Error: {pipe}: a named pipe, not a file; ogi reads regular files only\n",
        )


@sqlite_only
def test_a_name_that_is_not_utf8_is_recorded_escaped_and_archived(
    engine: Engine, db_env: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    name = os.fsdecode(b"\xb0\xb2\xcf\xd8-2017.xlsx")  # 安县 in GBK: not UTF-8
    synthetic_report(inbox / name, "甲县")
    synthetic_report(inbox / "z.xlsx", "乙县")

    validated = CliRunner().invoke(main, ["validate", "--format", "csv", str(inbox)])
    ran = CliRunner().invoke(main, ["run", "--inbox", str(inbox), "--archive", "--settle", "0"])

    assert validated.exit_code == 0, validated.output
    assert ran.exit_code == 0, ran.output
    assert f"loaded     {inbox}/\\xb0\\xb2\\xcf\\xd8-2017.xlsx: 58 figures" in ran.output
    # (in the order of the real names: the byte 0xb0 after z)
    assert outcomes(engine) == [("z.xlsx", "loaded"), ("\\xb0\\xb2\\xcf\\xd8-2017.xlsx", "loaded")]
    assert rows(engine, "SELECT file_name FROM source_files ORDER BY source_file_id") == [
        ("z.xlsx",),
        ("\\xb0\\xb2\\xcf\\xd8-2017.xlsx",),
    ]
    assert sorted(os.listdir(os.fsencode(tmp_path / "processed")), key=os.fsdecode) == [
        b"z.xlsx",
        b"\xb0\xb2\xcf\xd8-2017.xlsx",
    ]


@sqlite_only
def test_control_characters_in_a_name_are_never_printed_raw(
    engine: Engine, db_env: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "evil\x1b[2J\x1b]0;owned\x07.xlsx", "甲县")

    ran = CliRunner().invoke(main, ["run", "--inbox", str(inbox), "--settle", "0"])
    shown = CliRunner().invoke(main, ["runs", "show", "1"])
    listed = CliRunner().invoke(main, ["runs", "show", "1", "--format", "csv"])

    for result in (ran, shown, listed):
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.xlsx" in ran.output
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.xlsx" in listed.output


def _children(pid: int) -> Iterator[int]:
    for line in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        yield int(line)


def test_no_reader_outlives_a_writer_killed_with_sigkill(tmp_path: Path) -> None:
    """A reader is forked with PR_SET_PDEATHSIG: the kernel ends it with its writer."""
    code = (
        "import time, etl.load.sandbox as s\n"
        "pool = s.ReaderPool(time.sleep)\n"
        "for r in pool.map([(None, 60)]): pass\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parent.parent)
    deadline = time.monotonic() + 30
    readers: list[int] = []
    while not readers and time.monotonic() < deadline:
        time.sleep(0.1)
        readers = list(_children(writer.pid))
    writer.kill()
    writer.wait()
    time.sleep(0.5)
    assert readers and not [pid for pid in readers if _alive(pid)]


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


# The warehouse refuses: a full disk, a read-only file, a file that is no database, a server
# that ends the connection. Each is an `Error:` line, never a traceback, and nothing partial.


def _ogi(url: str, *args: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    """`ogi --db URL ARGS` in a process of its own."""
    command = [sys.executable, "-m", "etl", "--db", url, *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        **popen,
    )


def _no_traceback(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize("command", [["load", "{inbox}"], ["runs"], ["db", "upgrade"]])
def test_a_warehouse_that_is_no_database_is_an_error(tmp_path: Path, command: list[str]) -> None:
    warehouse = tmp_path / "warehouse.db"
    warehouse.write_bytes(b"synthetic test file: not a database\n" * 100)
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")
    args = [arg.format(inbox=tmp_path / "inbox") for arg in command]
    result = CliRunner().invoke(main, ["--db", f"sqlite:///{warehouse}", *args])
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: the warehouse at sqlite:///{warehouse} is not a SQLite database, or is "
        "damaged (file is not a database): give --db the warehouse's file, restore it from a "
        "backup, or create a new one with `ogi db upgrade` at another path\n"
    )


def _as_another_user() -> dict[str, Any]:
    """How to run a process for which a file of ours is read-only: as nobody, when we are
    root (root writes any file)."""
    if os.geteuid() != 0:
        return {}

    def nobody() -> None:
        os.setgid(65534)
        os.setuid(65534)

    return {"preexec_fn": nobody}


def _shared(path: Path) -> Path:
    """`path` and the directories above it readable and searchable by any user."""
    for part in [path, *path.parents]:
        if part == Path("/tmp") or part == part.parent:
            break
        part.chmod(part.stat().st_mode | 0o055)
    return path


@sqlite_only
def test_a_read_only_warehouse_is_an_error(
    engine: Engine, warehouse_url: Any, tmp_path: Path, small_disk: Path | None
) -> None:
    """The warehouse on a file system mounted read-only (root writes any file, so that is
    how a read-only warehouse is made as root), or in a read-only file and directory."""
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")
    engine.dispose()
    with sqlite3.connect(str(warehouse_url.database)) as folded:  # the WAL into the file
        folded.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if os.geteuid() == 0:
        if small_disk is None:
            pytest.skip("no file system can be mounted read-only here")
        warehouse = small_disk / "warehouse.db"
        shutil.copyfile(str(warehouse_url.database), warehouse)
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    else:
        warehouse = Path(str(warehouse_url.database))
        for path in warehouse.parent.iterdir():
            path.chmod(0o444)
        warehouse.parent.chmod(0o555)
    try:
        result = _ogi(f"sqlite:///{warehouse}", "load", str(tmp_path / "inbox"))
    finally:
        warehouse.parent.chmod(0o755) if os.geteuid() else None
    _no_traceback(result, f"the warehouse at sqlite:///{warehouse} cannot be written (")


def _fill_disk(directory: Path, size: str) -> bool:
    """Mount a tmpfs of `size` on `directory`, if this process may (root): a disk that fills."""
    if os.geteuid() != 0:
        return False
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)], capture_output=True
    )
    return mounted.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A directory on a disk of 64 MB of its own (a tmpfs), or None where none can be
    mounted."""
    directory = tmp_path / "disk"
    directory.mkdir()
    mounted = _fill_disk(directory, "64m")
    yield directory if mounted else None
    if mounted:  # (lazily: a process the test started may still be closing a file there)
        subprocess.run(["umount", "--lazy", str(directory)], check=True)


def _file_size_limit(limit: int) -> dict[str, Any]:
    """A process whose writes past `limit` bytes in any file fail (EFBIG), as on a full disk."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return {"preexec_fn": limited}


@pytest.mark.parametrize("disk", ["tmpfs", "file size limit"])
@pytest.mark.parametrize("command", ["db upgrade", "load", "run"])
def test_a_full_disk_is_an_error_and_leaves_nothing_partial(
    tmp_path: Path, small_disk: Path | None, sqlite_template: Path, disk: str, command: str
) -> None:
    if disk == "tmpfs" and small_disk is None:
        pytest.skip("no tmpfs can be mounted here (not root)")
    directory = small_disk if disk == "tmpfs" else tmp_path
    assert directory is not None
    warehouse = directory / "warehouse.db"
    inbox = tmp_path / "inbox"
    for n in range(40):
        synthetic_report(inbox / f"{n:02d}.xlsx", f"县{n:02d}", year=2010 + n % 8)
    if command != "db upgrade":
        shutil.copyfile(sqlite_template, warehouse)
    if disk == "tmpfs":  # the disk as good as full: what the warehouse may still grow by
        filler = directory / "filler"
        room = shutil.disk_usage(directory).free - (1 if command == "db upgrade" else 700) * 1024
        filler.write_bytes(b"\0" * max(0, room))
        popen: dict[str, Any] = {}
    else:
        popen = _file_size_limit(
            (warehouse.stat().st_size if warehouse.exists() else 0) + 600 * 1024
        )
    args = {
        "db upgrade": ["db", "upgrade"],
        "load": ["load", str(inbox)],
        "run": ["run", "--inbox", str(inbox), "--settle", "0"],
    }[command]

    result = _ogi(f"sqlite:///{warehouse}", *args, **popen)

    _no_traceback(result, "free some space and run the command again")
    if disk == "tmpfs":
        filler.unlink()
    if command == "db upgrade":
        return
    engine = create_warehouse_engine(f"sqlite:///{warehouse}")
    try:
        nothing_partial(engine)
        assert rows(engine, "SELECT count(*) FROM source_files WHERE status = 'loaded'")[0][0] < 40
        assert run_inbox(engine, inbox).loaded > 0  # with room again, the rest loads
        nothing_partial(engine)
        assert rows(engine, "SELECT count(*) FROM reports") == [(40,)]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (psycopg.errors.DiskFull("could not extend file: No space left on device"), StorageFull),
        (
            psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
            ConnectionLost,
        ),
        (
            psycopg.errors.ReadOnlySqlTransaction("cannot execute in a read-only transaction"),
            WarehouseReadOnly,
        ),
        (OSError(errno.ENOSPC, "No space left on device", "/srv/ogi/rejected/a.xlsx"), StorageFull),
    ],
)
def test_what_the_server_or_the_disk_refused_is_told_apart(
    error: Exception, expected: type
) -> None:
    wrapped = OperationalError("INSERT INTO figures ...", {"figure": 1}, error)
    found = storage_error(wrapped, "the warehouse at postgresql://db/ogi")
    assert isinstance(found, expected)
    assert "INSERT" not in str(found) and "figure" not in str(found)  # nor SQL, nor parameters


def _terminate_others(url: Any) -> Any:
    """An action ending every other session on the database (as `pg_terminate_backend`)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")

    def terminate() -> None:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        etl.faults.ACTIONS.clear()  # once

    return terminate


@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize("point", etl.faults.POINTS)
def test_a_backend_terminated_at_each_step_of_a_load(
    backend: str,
    engine: Engine,
    db_env: str,
    warehouse_url: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    """`ogi load` (no retries) with the server ending its sessions at each step: it finishes
    (the sessions were idle: they reconnect, the lock is taken again) or says so in an Error
    line; no file is partial, and the next run loads the rest."""
    inbox = tmp_path / "inbox"
    for name, agency in (("a.xlsx", "甲县"), ("b.xlsx", "乙县")):
        synthetic_report(inbox / name, agency)
    monkeypatch.setitem(etl.faults.ACTIONS, point, _terminate_others(warehouse_url))

    result = CliRunner().invoke(main, ["load", str(inbox)])

    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception | None) or result.exception is None
    if result.exit_code == 1:
        assert result.output.startswith(
            "Error: run 1 failed: the database server ended the connection"
        ), result.output
    assert "Traceback" not in result.output
    nothing_partial(engine)
    again = load_paths(engine, [inbox])
    assert (again.status, again.loaded + again.unchanged) == ("succeeded", 2)
    nothing_partial(engine)
    assert {status for (status,) in rows(engine, "SELECT status FROM etl_runs")} <= {
        "succeeded",
        "failed",
        "abandoned",
    }


# kill -9 at any moment: nothing partial, every run ends abandoned or finished


def _kill_at_random(url: str, command: list[str], delays: list[float]) -> list[int]:
    """Start `ogi COMMAND` and SIGKILL it after each delay (a new process each time); the
    exit status of each."""
    statuses = []
    for delay in delays:
        process = subprocess.Popen(
            [sys.executable, "-m", "etl", "--db", url, *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).parent.parent,
        )
        try:
            process.wait(delay)
        except subprocess.TimeoutExpired:
            process.kill()
        statuses.append(process.wait())
    return statuses


def _killed_and_finished(
    engine: Engine, url: str, inbox: Path, delays: list[float], files: int
) -> None:
    commands = (["run", "--inbox", str(inbox), "--settle", "0"], ["load", str(inbox)])
    for n, delay in enumerate(delays):
        _kill_at_random(url, commands[n % 2], [delay])
        nothing_partial(engine)
    final = load_paths(engine, [inbox])
    assert final.status == "succeeded"
    nothing_partial(engine)
    assert rows(engine, "SELECT count(*), count(DISTINCT sha256) FROM source_files") == [
        (files, files)
    ]
    assert rows(engine, "SELECT count(*) FROM reports") == [(files,)]
    statuses = {status for (status,) in rows(engine, "SELECT status FROM etl_runs")}
    assert statuses <= {"succeeded", "partial", "abandoned"}, statuses


@pytest.mark.slow
def test_kill_9_at_a_few_moments_of_load_and_run(
    engine: Engine, warehouse_url: Any, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    for n in range(24):
        synthetic_report(inbox / f"{n:02d}.xlsx", f"县{n:02d}", year=2010 + n % 8)
    url = warehouse_url.render_as_string(hide_password=False)
    _killed_and_finished(engine, url, inbox, [0.4, 1.0, 1.3, 1.6, 2.2], 24)


@pytest.mark.faults_long
def test_kill_9_at_a_hundred_moments_of_300_files(
    engine: Engine, warehouse_url: Any, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    for n in range(300):
        synthetic_report(inbox / f"{n:03d}.xlsx", f"县{n:03d}", year=2009 + n % 10, fee=n)
    url = warehouse_url.render_as_string(hide_password=False)
    moments = random.Random(17)
    _killed_and_finished(engine, url, inbox, [moments.uniform(0.3, 4.0) for _ in range(100)], 300)


@sqlite_only
@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_control_characters_in_a_cell_are_shown_escaped(
    engine: Engine, db_env: str, tmp_path: Path, fmt: str
) -> None:
    """Text quoted from a file (a figure typed as words, with escape codes in it) in a
    finding, in every format a person reads."""
    words = '<c r="C4" t="inlineStr"><is><t>八千\x1b[2J\x1b]0;owned\x07余</t></is></c>'
    path = rewritten(
        tmp_path / "inbox" / "a.xlsx",
        "甲县",
        {
            "xl/worksheets/sheet2.xml": lambda xml: xml.replace(
                b'<c r="C4" s="5" t="n"><v>8052</v></c>', words.encode()
            )
        },
    )

    validated = CliRunner().invoke(main, ["validate", "--format", fmt, str(path)])

    assert validated.exit_code == 2, validated.output
    assert "\x1b" not in validated.output and "\x07" not in validated.output
    shown = "八千\\x1b[2J\\x1b]0;owned\\x07余"
    assert (shown.replace("\\", "\\\\") if fmt == "md" else shown) in validated.output


def test_escaping_keeps_text_and_shows_what_a_terminal_would_obey() -> None:
    assert printable("安陆市　政务公开") == "安陆市　政务公开"
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("a\tb\nc", name=True) == "a\\x09b\\x0ac"
    assert printable("\x1b[31m\x9b\u202e\x7f") == "\\x1b[31m\\x9b\\u202e\\x7f"
    assert printable(os.fsdecode(b"\xff\xfe.csv"), name=True) == "\\xff\\xfe.csv"


@sqlite_only
def test_the_file_size_limit_holds_to_its_setting(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100 kB: a workbook of 95 kB loads, one of 105 kB is refused unread past the limit."""
    monkeypatch.setattr(etl.extract.files, "MAX_FILE_BYTES", 100 * 1024)
    inbox = tmp_path / "inbox"
    base = synthetic_report(tmp_path / "base.xlsx", "基县").stat().st_size
    for name, size in (("a.xlsx", 95 * 1024), ("b.xlsx", 105 * 1024)):
        # incompressible: the file grows by as much (and a part's header)
        padding = random.Random(17).randbytes(size - base - 150)
        rewritten(inbox / name, name[0], added={"pad.bin": padding})
    sizes = sorted(p.stat().st_size / 1024 for p in inbox.iterdir())
    assert 94 < sizes[0] < 96 and 104 < sizes[1] < 106, sizes

    run_inbox(engine, inbox)

    assert outcomes(engine) == [("a.xlsx", "loaded"), ("b.xlsx", "rejected")]
    assert rows(engine, "SELECT rule_code, expected FROM validation_findings") == [
        ("file.too_large", "at most 0.1 MB")
    ]


def test_the_read_ahead_is_bounded_in_bytes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large files are held by a reader one or two at a time, not 32: the writer's memory
    stays bounded whatever size they are."""
    monkeypatch.setattr(etl.load.sandbox, "READ_AHEAD_BYTES", 100)
    with etl.load.sandbox.ReaderPool(abs, weigh=lambda size: size) as pool:
        results = pool.map((Path(f"{n}.xlsx"), 60) for n in range(10))
        assert next(results) == 60
        held = [len(reader.given) for reader in pool._readers]
        assert [next(results) for _ in range(9)] == [60] * 9
    assert held[0] <= 2
