"""`make bench`: load throughput against the baseline and the parsing floor, a no-op rerun, peak
RSS and report latency on SQLite and PostgreSQL; writes bench/results.json and
bench/results.md (bench/results-scale.* with --scale) and prints the table.

Run: python -m bench [--scale] [--jobs 2] [--rounds 3] [--noop auto|run|load] [--no-pg]
Quick by default (a few minutes, generation included): throughput on 500 workbooks, peak RSS
at 1,000 and 4,000, reports at 1,000 bodies × 10 years; --scale measures throughput on 1,000
files, peak RSS at 1,000 and 10,000, and reports at 10,000 bodies × 10 years too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.measure import ROOT, ogi
from bench.queries import measure_queries
from bench.report import render_markdown
from bench.throughput import (
    generate_sets,
    measure_load,
    measure_noop,
    measure_throughput,
    supports,
)
from bench.warehouse import build_warehouse
from etl.db import create_warehouse_engine, upgrade

LOAD_YEARS = (2016, 2017)
NOOP_FILES = 1000  # the no-op rerun's target is for 1,000 unchanged files
QUERY_YEARS = tuple(range(2012, 2022))  # ten years: 7 pre2019, 2 std2019 (2019-20), std2021


def main() -> None:
    """Parse the options, run every measurement, write and print the results."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale", action="store_true", help="1,000 and 10,000 files; 10,000 bodies"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for --jobs")
    parser.add_argument(
        "--rounds", type=int, default=3, help="throughput rounds (the median is reported)"
    )
    parser.add_argument("--noop", choices=("auto", "run", "load"), default="auto")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    started = time.perf_counter()
    throughput_files, rss_sizes, query_sizes = (
        (1000, [1000, 10000], [1000, 10000]) if args.scale else (500, [1000, 4000], [1000])
    )
    results: dict[str, Any] = {
        "mode": "scale" if args.scale else "quick",
        "machine": _machine(),
        "rounds": args.rounds,
    }

    _say(f"{max(rss_sizes)} synthetic workbooks (generated unless an earlier run left them) ...")
    sets, results["generation"] = generate_sets(
        args.out, sorted({throughput_files, *rss_sizes}), LOAD_YEARS, args.seed, args.jobs
    )
    files = sets[throughput_files]
    _say(
        f"throughput on {files.files} workbooks, {args.rounds} rounds: "
        f"floor, ogi load, ogi load --jobs {args.jobs}, baseline ..."
    )
    results["throughput"] = measure_throughput(
        files,
        args.out,
        jobs=args.jobs,
        rounds=args.rounds,
        jobs_supported=supports(ogi("load"), "--jobs"),
    )
    results["throughput"].setdefault(f"ogi_load_jobs_{args.jobs}", "ogi load has no --jobs")
    one = results["throughput"]["ogi_load"]

    rss: dict[str, float] = {}
    for size in rss_sizes:
        if size == throughput_files:
            rss[str(size)] = one["peak_rss_mb"]
            continue
        _say(f"peak RSS: ogi load of {size} workbooks ...")
        load = measure_load(sets[size], args.out, f"ogi-rss-{size}")
        rss[str(size)] = load["peak_rss_mb"]
        results["throughput"][f"ogi_load_{size}"] = load

    _say(f"no-op rerun over {NOOP_FILES} unchanged workbooks ...")
    loaded = (
        one if throughput_files == NOOP_FILES else results["throughput"][f"ogi_load_{NOOP_FILES}"]
    )
    results["noop_rerun"] = measure_noop(sets[NOOP_FILES], loaded["database"], args.out, args.noop)

    results["queries"] = {}
    for bodies in query_sizes:
        key = f"{bodies}x{len(QUERY_YEARS)}"
        results["queries"][key] = {
            "sqlite": _queries_sqlite(args.out / f"query-{bodies}.db", bodies, args.seed),
            "postgresql": (
                {"skipped": "--no-pg"}
                if args.no_pg
                else _queries_pg(args.pg_url, bodies, args.seed)
            ),
        }

    results.update(_headline(results, throughput_files, args.jobs, rss))
    results["bench_s"] = round(time.perf_counter() - started, 1)
    name = "results-scale" if args.scale else "results"
    out_json = ROOT / "bench" / f"{name}.json"
    out_json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = render_markdown(results)
    (ROOT / "bench" / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)
    _say(f"wrote bench/{name}.json and bench/{name}.md in {results['bench_s']} s")


def _headline(
    results: dict[str, Any], files: int, jobs: int, rss: dict[str, float]
) -> dict[str, Any]:
    """The figures the issue names, flat, at the top of results.json.

    Rates are each contender's median round. Ratios are paired: the median over rounds of the
    ratio within a round, whose contenders ran minutes apart on the same machine, rather than
    a ratio of medians taken from different rounds; the per-round ratios are kept beside them.
    """
    t = results["throughput"]
    ogi_rate = t["ogi_load"]["files_per_s"]
    many = t[f"ogi_load_jobs_{jobs}"]
    noop = results.get("noop_rerun", {})
    ogi_rounds = _rounds(t["ogi_load"])
    speedups = _ratios(ogi_rounds, _rounds(t["baseline"]))
    fractions = _ratios(ogi_rounds, _rounds(t["floor"]))
    jobs_speedups = _ratios(_rounds(many), ogi_rounds) if isinstance(many, dict) else []
    return {
        "files": files,
        "jobs": jobs,
        "baseline_files_per_s": t["baseline"]["files_per_s"],
        "floor_files_per_s": t["floor"]["files_per_s"],
        "ogi_files_per_s": ogi_rate,
        "ogi_jobs_files_per_s": many["files_per_s"] if isinstance(many, dict) else None,
        "jobs_speedup": _median(jobs_speedups),
        "jobs_speedup_rounds": jobs_speedups,
        "speedup_vs_baseline": _median(speedups),
        "speedup_vs_baseline_rounds": speedups,
        "fraction_of_floor": _median(fractions),
        "fraction_of_floor_rounds": fractions,
        "noop_rerun_s": noop.get("wall_s"),
        "noop_rerun_startup_s": noop.get("startup_s"),
        "peak_rss_mb": rss,
    }


def _rounds(measured: dict[str, Any]) -> list[float]:
    return list(measured.get("rounds_files_per_s", [measured["files_per_s"]]))


#: Decimals a ratio keeps in results.json: enough that no rounding decides a target (a
#: fraction of 0.2497 rounded to 0.25 would have met "at least 0.25"); the Markdown table
#: shows fewer, rounded down (`bench.report`).
RATIO_DECIMALS = 6


def _ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    return [round(a / b, RATIO_DECIMALS) for a, b in zip(numerators, denominators, strict=True)]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), RATIO_DECIMALS) if values else None


def _queries_sqlite(path: Path, bodies: int, seed: int) -> dict[str, Any]:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    engine = create_warehouse_engine(f"sqlite:///{path}")
    try:
        return _queries(engine, bodies, seed)
    finally:
        engine.dispose()


def _queries_pg(admin_url: str, bodies: int, seed: int) -> dict[str, Any]:
    """On a throw-away database, dropped afterwards; skipped when the server is unreachable."""
    name = f"ogi_bench_{os.getpid()}_{bodies}"
    try:
        admin = create_engine(
            make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure to reach the server: say so in the results
        return {"skipped": f"PostgreSQL unreachable at {admin_url}: {type(exc).__name__}"}
    engine = create_warehouse_engine(make_url(admin_url).set(database=name))
    try:
        found = _queries(engine, bodies, seed)
        with engine.connect() as connection:
            found["server"] = connection.execute(text("SHOW server_version")).scalar_one()
        return found
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _queries(engine: Any, bodies: int, seed: int) -> dict[str, Any]:
    _say(f"{engine.url.get_backend_name()}: {bodies} bodies × {len(QUERY_YEARS)} years in bulk ...")
    upgrade(engine)
    started = time.perf_counter()
    facts = build_warehouse(engine, bodies=bodies, years=QUERY_YEARS, seed=seed)
    built = time.perf_counter() - started
    _say(f"  {facts} facts in {built:.1f} s; timing the report queries ...")
    return {
        "built_by": "bulk insert of synthetic facts (not read from files)",
        "reports": bodies * len(QUERY_YEARS),
        "facts": facts,
        "build_s": round(built, 1),
        **measure_queries(engine, years=list(QUERY_YEARS)),
    }


def _machine() -> dict[str, Any]:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "commit": commit,
        "date": time.strftime("%Y-%m-%d"),
    }


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
