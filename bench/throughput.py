"""Loading real files: the baseline, the parsing floor and `ogi load` on the same workbooks,
`ogi load --jobs N`, the peak RSS of a load, and a no-op rerun over an unchanged inbox."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.measure import Measured, contender, ogi, per_second, run_measured
from etl.synthetic import MANIFEST, generate
from etl.synthetic.bodies import synthetic_bodies


@dataclass(frozen=True, slots=True)
class FileSet:
    """A directory of generated workbooks: `bodies` bodies × `years`."""

    directory: Path
    bodies: int
    years: tuple[int, ...]

    @property
    def files(self) -> int:
        """How many workbooks it holds."""
        return self.bodies * len(self.years)


def generate_sets(
    out: Path, sizes: list[int], years: tuple[int, ...], seed: int, jobs: int
) -> tuple[dict[int, FileSet], dict[str, Any]]:
    """The largest set generated once (reused when an earlier run generated at least as many
    bodies with the same seed: a seed's first bodies are the same however many there are),
    and the smaller ones as hard links to its first bodies' files, byte for byte the same."""
    largest = max(sizes) // len(years)
    everything = out / "inbox-all"
    wanted = {"seed": seed, "years": list(years), "format": "xlsx"}
    manifest = everything / MANIFEST
    info: dict[str, Any] = {"bodies": largest, "years": list(years), "seed": seed}
    known = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    same = all(known.get(k) == v for k, v in wanted.items()) and not known.get("defects")
    if same and known.get("bodies", 0) >= largest:
        info["generated"] = False  # same seed, same files: kept from an earlier run
    else:
        shutil.rmtree(everything, ignore_errors=True)
        measured_from = time.perf_counter()
        generate(everything, bodies=largest, years=years, seed=seed, jobs=jobs)
        info["generated"] = True
        info["generate_s"] = round(time.perf_counter() - measured_from, 1)
    tree = synthetic_bodies(largest, seed)
    sets = {}
    for size in sizes:
        bodies = size // len(years)
        directory = out / "sets" / str(size)
        shutil.rmtree(directory, ignore_errors=True)
        for year in years:
            (directory / str(year)).mkdir(parents=True)
            for body in tree[:bodies]:
                name = f"synthetic-{year}-{body.code}.xlsx"
                os.link(everything / str(year) / name, directory / str(year) / name)
        sets[size] = FileSet(directory, bodies, years)
    return sets, info


def fresh_warehouse(path: Path) -> str:
    """A new, migrated SQLite warehouse at `path`; its URL."""
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    run_measured(ogi("--db", url, "db", "upgrade")).check()
    return url


def empty_directory(out: Path) -> Path:
    """A directory with no files: what a command costs before its first file."""
    empty = out / "empty"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    return empty


def measure_throughput(
    files: FileSet, out: Path, *, jobs: int, rounds: int, jobs_supported: bool = True
) -> dict[str, Any]:
    """Floor, `ogi load`, `ogi load --jobs N` and baseline on the same set, `rounds` times,
    interleaved so that a slow spell of the machine falls on every contender alike; each
    contender's rate is the median of its rounds, each round's start-up (the same command on
    an empty directory) subtracted.

    Within a round the floor, `ogi load` and `ogi load --jobs N` run one after another, a
    few seconds apart: their ratios are the targets read closest (the fraction of the floor,
    the speedup of `--jobs`). The baseline, which takes a minute, runs last. It used to run
    between the floor and `ogi load`: in the `--scale` run at 61c26e9, the first round's
    floor read 824 files/s and the others' 982-1,102, while `ogi load` ran at 261-286 files/s
    in all five rounds, so that round's fraction was 0.34 and the others' 0.24-0.29.
    """
    empty = empty_directory(out)
    baseline_db = out / "baseline.db"
    contenders: dict[str, Any] = {
        "floor": lambda: (contender("floor", str(files.directory)), contender("floor", str(empty))),
        "ogi_load": lambda: _ogi_load(out, "ogi-1", files),
    }
    if jobs_supported:
        contenders[f"ogi_load_jobs_{jobs}"] = lambda: _ogi_load(
            out, f"ogi-{jobs}", files, "--jobs", str(jobs)
        )
    contenders["baseline"] = lambda: (
        contender("baseline", str(files.directory), str(baseline_db)),
        contender("baseline", str(empty), str(baseline_db)),
    )

    def clean() -> None:  # the baseline appends to its database: each run starts without one
        baseline_db.unlink(missing_ok=True)

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in contenders}
    for _round in range(rounds):
        for name, commands in contenders.items():
            runs[name].append(_measure(files, *commands(), before=clean))
    return {name: _median_run(found) for name, found in runs.items()}


def _measure(
    files: FileSet,
    command: list[str],
    on_empty: list[str],
    before: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """A contender once on the set, then on an empty directory (`before` runs before each):
    rate, wall, start-up and peak RSS, and for `ogi load` its summary and warehouse."""
    before()
    loaded = run_measured(command).check()
    database = command[command.index("--db") + 1] if "--db" in command else None
    own = _own_seconds(loaded, database)  # read before the empty run adds a run of its own
    before()
    startup = run_measured(on_empty).check()
    found = _rate(files.files, loaded, startup, own)
    found["peak_rss_mb"] = round(loaded.max_rss_mb, 1)
    if database is not None:
        found["summary"] = loaded.stdout.strip().splitlines()[-1]
        found["database"] = database
    return found


def _own_seconds(run: Measured, database: str | None) -> float:
    """The seconds a command spent on the files by its own clock: a contender prints them
    (imports excluded); `ogi load` records its run's start and end in `etl_runs` (after
    start-up, imports and opening the warehouse)."""
    if database is None:
        return float(json.loads(run.stdout)["seconds"])
    path = make_url(database).database
    assert path, database
    with closing(sqlite3.connect(path)) as connection:
        started, finished = connection.execute(
            "SELECT started_at, finished_at FROM etl_runs ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def _ogi_load(out: Path, name: str, files: FileSet, *extra: str) -> tuple[list[str], list[str]]:
    """`ogi load [EXTRA] SET` into a fresh warehouse, and the same on an empty directory
    (into the same warehouse, after the set: opening a full warehouse is part of start-up)."""
    url = fresh_warehouse(out / f"{name}.db")
    return (
        ogi("--db", url, "load", *extra, str(files.directory)),
        ogi("--db", url, "load", *extra, str(empty_directory(out))),
    )


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median rate (the lower middle of an even count), with every round's
    rate beside it."""
    ordered = sorted(runs, key=lambda run: run["files_per_s"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    middle["rounds_files_per_s"] = [run["files_per_s"] for run in runs]
    return middle


def measure_load(files: FileSet, out: Path, name: str, *extra: str) -> dict[str, Any]:
    """`ogi load [EXTRA] SET` into a fresh warehouse, once: rate, wall, start-up and peak RSS."""
    return _measure(files, *_ogi_load(out, name, files, *extra))


def supports(command: list[str], option: str) -> bool:
    """Whether `ogi ... --help` lists `option` (features other branches may not have yet)."""
    shown = run_measured([*command, "--help"])
    return shown.returncode == 0 and option in shown.stdout


def measure_noop(files: FileSet, url: str, out: Path, mode: str) -> dict[str, Any]:
    """A rerun over the loaded, unchanged set: `ogi run --inbox` where it exists, else (or
    with mode `load`) `ogi load`, which skips every file by its content hash."""
    use_run = mode == "run" or (mode == "auto" and supports(ogi("run"), "--inbox"))
    command = ["run", "--inbox"] if use_run else ["load"]
    startup = run_measured(ogi("--db", url, *command, str(empty_directory(out)))).check()
    rerun = run_measured(ogi("--db", url, *command, str(files.directory))).check()
    return {
        "command": "ogi " + " ".join(command) + " DIR",
        "files": files.files,
        "wall_s": round(rerun.wall_s, 3),
        "startup_s": round(startup.wall_s, 3),
        "noop_s": round(rerun.wall_s - startup.wall_s, 3),
        "summary": rerun.stdout.strip().splitlines()[-1],
    }


def _rate(files: int, run: Measured, empty: Measured, own_s: float) -> dict[str, Any]:
    return {
        "files": files,
        "own_s": round(own_s, 3),
        "files_per_s": round(files / max(own_s, 0.001), 2),
        "wall_s": round(run.wall_s, 3),
        "startup_s": round(empty.wall_s, 3),
        "files_per_s_by_wall": round(per_second(files, run.wall_s, empty.wall_s), 2),
    }
