"""Report latency: one body's annual report, a body's year-over-year view, a national roll-up.

Each query runs as a user's command would run it, through the library behind the command
(`build_annual` for `ogi report annual`, `run_report` for `ogi report year_over_year`), or, for
the roll-up, as the SQL an analyst would send; bodies are drawn at random (seeded) from the
counties, townships and departments, and each call is timed on its own.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from etl.db import connect
from etl.reports.annual import build_annual
from etl.reports.named import run_report

#: Every current figure of the county-level governments (whose reports compile their
#: townships' and departments', so nothing is counted twice), summed by year, measure,
#: dimensions and unit, with how many bodies reported it: the nation's figures by year, from
#: the view made for it (`rpt_national`: percentages are not summed).
NATIONAL_ROLLUP = """SELECT year, measure_code, dim1_code, dim2_code, unit_code,
       bodies_reporting, national_value
FROM rpt_national
WHERE level_code = 'county'
ORDER BY year, measure_code, dim1_code, dim2_code, unit_code"""


def _bodies(engine: Engine, count: int, seed: int) -> list[str]:
    with connect(engine) as connection:
        names = [
            str(n)
            for (n,) in connection.execute(
                text(
                    "SELECT a.name FROM agencies a WHERE a.level_code IN "
                    "('county', 'township', 'department') AND EXISTS "
                    "(SELECT 1 FROM reports r WHERE r.agency_id = a.agency_id) ORDER BY a.name"
                )
            )
        ]
    return random.Random(seed).choices(names, k=count)


def _timed(
    calls: list[Callable[[], Any]], warm_up: list[Callable[[], Any]] | None = None
) -> dict[str, float | int]:
    """Median and p95 of `calls`, each timed on its own, after `warm_up` (by default the
    first call) has filled the connection pool and the statement caches."""
    for call in warm_up or calls[:1]:
        call()
    seconds = []
    for call in calls:
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    # The 95th percentile, interpolated between the runs around it.
    p95 = statistics.quantiles(seconds, n=20, method="inclusive")[18]
    return {
        "runs": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
    }


def measure_queries(
    engine: Engine, *, years: list[int], runs: int = 50, rollup_runs: int = 5, seed: int = 1
) -> dict[str, dict[str, float | int]]:
    """Median and p95 latency of each report query, in milliseconds."""
    picks = random.Random(seed)
    bodies = _bodies(engine, runs, seed)

    def annual(name: str, year: int) -> Callable[[], Any]:
        return lambda: build_annual(engine, name, year)

    def yoy(name: str) -> Callable[[], Any]:
        return lambda: run_report(engine, "year_over_year", agencies=[name])

    def rollup() -> Any:
        with connect(engine) as connection:
            return connection.execute(text(NATIONAL_ROLLUP)).all()

    # One body's report of every year the timed calls may ask for, twice: each regime (and
    # change of regime) runs statements of its own, and PostgreSQL prepares a statement at its
    # second execution, so that otherwise the first reports of each regime timed the planning
    # of the views (30-80 ms each), not the report.
    warm = [annual(bodies[0], year) for year in years[1:] for _ in range(2)]
    return {
        "annual_report": _timed([annual(b, picks.choice(years[1:])) for b in bodies], warm),
        "year_over_year": _timed([yoy(b) for b in bodies], [yoy(bodies[0])] * 2),
        "national_rollup": _timed([rollup] * rollup_runs),
    }
