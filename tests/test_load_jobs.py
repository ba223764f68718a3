"""`--jobs`: files read in worker processes, written by one, in order, with the same result."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

import etl.load.prepare
import etl.runs.pipeline
from etl.cli import main
from etl.extract import read_file
from etl.records import Fact, Location, ParsedValue, Qualifier
from etl.runs.commands import LOAD, load_paths
from etl.runs.run import started
from etl.runs.sources import SourceItem, collect_files
from etl.synthetic import generate


def _stored(engine: Engine) -> set[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT agency, year, measure_code, dim1_code, dim2_code, value, source_file, "
                "source_sheet, source_cell FROM rpt_figures_long"
            )
        )
        return {(*r[:5], Decimal(str(r[5])).normalize(), *r[6:]) for r in rows}


def _read(paths: list[Path]) -> set[tuple[Any, ...]]:
    """What the reader finds in the files, as the view would show it."""
    found = set()
    for path in paths:
        for report in read_file(path).reports:
            for f in report.facts:
                dims = [value for _name, value in f.dims] + [None, None]
                found.add(
                    (
                        report.header.agency_name,
                        report.header.year,
                        f.measure_code,
                        *dims[:2],
                        f.value.value.normalize(),
                        path.name,
                        f.location.sheet,
                        f.location.cell,
                    )
                )
    return found


def test_jobs_write_every_file_in_order_with_what_was_read(engine: Engine, tmp_path: Path) -> None:
    written = generate(tmp_path / "inbox", bodies=15, years=[2016, 2017], seed=3, defect_rate=0.3)
    manifest = json.loads(written.manifest.read_text(encoding="utf-8"))
    errors = {d["file"] for d in manifest["defects"] if d["severity"] == "error"}
    files = collect_files([written.directory])

    summary = load_paths(engine, [written.directory], jobs=2)

    assert [r.path for r in summary.files] == files
    assert [r.outcome for r in summary.files] == [
        "rejected" if p.name in errors else "loaded" for p in files
    ]
    assert {(r.path.name, f.rule_code) for r in summary.files for f in r.findings} == {
        (d["file"], d["rule_code"]) for d in manifest["defects"]
    }
    figures = {row for row in _read([p for p in files if p.name not in errors])}
    township_rows = {row for row in figures if row[2] == "rights.items_by_township"}
    assert len(figures) == summary.figures_written
    # The view names a township by its name (dim1_code is its agency id): compare the rest.
    stored = _stored(engine)
    assert {r for r in stored if r[2] != "rights.items_by_township"} == figures - township_rows
    assert len(stored) == len(figures)


def test_jobs_compare_with_last_year_as_one_process_does(engine: Engine, tmp_path: Path) -> None:
    """Workers send the writer only the facts the cross-year rules read (and the staged rows):
    a warning across years is still found, and the figures are all written."""
    written = generate(tmp_path / "inbox", bodies=6, years=[2021, 2022], seed=4, defect_rate=0.6)
    manifest = json.loads(written.manifest.read_text(encoding="utf-8"))
    expected = {(d["file"], d["rule_code"]) for d in manifest["defects"]}
    assert ("synthetic-2022-province.xlsx", "std2021.in_force_continuity") in expected
    errors = {d["file"] for d in manifest["defects"] if d["severity"] == "error"}
    files = collect_files([written.directory])

    summary = load_paths(engine, [written.directory], jobs=2)

    assert {(r.path.name, f.rule_code) for r in summary.files for f in r.findings} == expected
    figures = _read([p for p in files if p.name not in errors])
    assert summary.figures_written == len(figures) == len(_stored(engine))


def test_a_rerun_with_jobs_reads_no_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = generate(tmp_path / "inbox", bodies=6, years=[2017], seed=3)
    load_paths(engine, [written.directory], jobs=2)
    handed_to_readers: list[list[Any]] = []
    prepare = etl.runs.pipeline.prepare_files

    def spy(jobs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        handed = list(jobs)
        handed_to_readers.append(handed)
        return prepare(handed, *args, **kwargs)

    monkeypatch.setattr(etl.runs.pipeline, "prepare_files", spy)
    again = load_paths(engine, [written.directory], jobs=2)

    assert (again.unchanged, again.loaded, again.figures_written) == (6, 0, 0)
    assert handed_to_readers == []  # no reader was even started


def test_workers_are_handed_files_before_the_whole_run_is_hashed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = collect_files([generate(tmp_path / "inbox", bodies=40, years=[2017], seed=3).directory])
    load_paths(engine, files[:3])  # loaded before: the prescan finds them
    hashed: list[bytes] = []
    digest_of = etl.runs.pipeline.digest_of

    def counted(content: bytes) -> str:
        hashed.append(content)
        return digest_of(content)

    monkeypatch.setattr(etl.runs.pipeline, "digest_of", counted)
    with started(engine, LOAD) as run:
        prescan = etl.runs.pipeline._Checked(run, [SourceItem(p, p) for p in files])
        new = prescan.new_items()

        assert len(files) > 2 * etl.runs.pipeline.BATCH
        assert next(new)[0] == files[3]
        assert len(hashed) == etl.runs.pipeline.BATCH  # the first batch only
        assert [path for path, _content, _digest in new] == files[4:]
        checked = [prescan.next_checked() for _ in files]
        run.finish()
    assert [item.path for item, _content, _digest, _row in checked] == files
    assert [row is not None for *_, row in checked] == [True] * 3 + [False] * (len(files) - 3)
    assert len(hashed) == len(files)  # each file hashed once


def test_the_same_content_twice_in_one_run_loads_once(engine: Engine, tmp_path: Path) -> None:
    written = generate(tmp_path / "inbox", bodies=2, years=[2017], seed=3)
    first = written.files[1]
    shutil.copy(first, first.with_name("synthetic-2017-p01-copy.xlsx"))

    summary = load_paths(engine, [written.directory], jobs=2)

    assert [(r.path.name, r.outcome) for r in summary.files] == [
        ("synthetic-2017-p01-copy.xlsx", "loaded"),
        ("synthetic-2017-p01.xlsx", "unchanged"),
        ("synthetic-2017-province.xlsx", "loaded"),
    ]


def test_ogi_load_jobs(db_env: str, tmp_path: Path) -> None:
    written = generate(tmp_path / "inbox", bodies=4, years=[2016], seed=3)
    result = CliRunner().invoke(main, ["load", "--jobs", "2", str(written.directory)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "run 1 succeeded: 4 loaded, 0 unchanged, 0 rejected; 393 figures written, 0 warning(s)\n"
    )
    bad = CliRunner().invoke(main, ["load", "--jobs", "0", str(written.directory)])
    assert bad.exit_code == 2
    assert "0 is not in the range x>=1" in bad.output


def test_a_reader_reads_the_bytes_the_writer_hashed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader is sent the bytes this process read and hashed, and opens no file: a file
    changed once they were read is stored, and its figures read, as it was then."""
    first = generate(tmp_path / "inbox", bodies=1, years=[2017], seed=3).files[0]
    later = generate(tmp_path / "later", bodies=1, years=[2017], seed=4).files[0]
    assert first.name == later.name and first.read_bytes() != later.read_bytes()
    original = tmp_path / "original" / first.name
    original.parent.mkdir()
    shutil.copy(first, original)
    writer = os.getpid()

    def read_then_change(path: Path, **options: Any) -> Any:
        extraction = read_file(path, **options)
        if os.getpid() != writer:  # in the reader: the file changes once it has been read
            shutil.copy(later, first)
        return extraction

    monkeypatch.setattr(etl.load.prepare, "read_file", read_then_change)
    summary = load_paths(engine, [first], jobs=2)

    assert summary.loaded == 1
    assert first.read_bytes() == later.read_bytes()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT sha256, content FROM source_files")).one()
    assert stored.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
    assert bytes(stored.content) == original.read_bytes()
    assert _stored(engine) == _read([original])


@given(
    measure=st.text(min_size=1, max_size=20),
    dims=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=3).map(tuple),
    value=st.decimals(allow_nan=False, allow_infinity=False, places=4),
    qualifier=st.sampled_from(["exact", "lower_bound", "estimate"]),
    text=st.none() | st.text(max_size=10),
    sheet=st.none() | st.text(max_size=8),
    cell=st.none() | st.text(max_size=5),
    unit=st.none() | st.sampled_from(["yuan", "wan_yuan"]),
)
def test_a_fact_sent_to_the_writer_arrives_equal(
    measure: str,
    dims: tuple[tuple[str, str], ...],
    value: Decimal,
    qualifier: Qualifier,
    text: str | None,
    sheet: str | None,
    cell: str | None,
    unit: str | None,
) -> None:
    """Facts pickle as flat tuples (`Fact.__reduce__`) and come back equal, hashable, frozen."""
    fact = Fact(
        measure, dims, ParsedValue(value, qualifier, text), Location("f.xlsx", sheet, cell), unit
    )
    received = pickle.loads(pickle.dumps(fact))
    assert received == fact and hash(received) == hash(fact)
    assert type(received.value) is ParsedValue and type(received.location) is Location
    with pytest.raises(dataclasses.FrozenInstanceError):
        received.measure_code = "x"  # type: ignore[misc]
