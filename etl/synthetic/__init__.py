"""Synthetic report sets for benchmarks and tests: seeded, deterministic, realistic, and named
synthetic everywhere (file names `synthetic-...`, bodies 合成省, 合成03市, ...).

`generate` writes one file per body and year, through each regime's layout and figure
generator (`etl.synthetic.figures`), optionally with defects injected at a rate
(`etl.synthetic.defects`), and a manifest (`synthetic-manifest.json`) naming every defect and
the rule that must catch it. A file's content depends only on the seed, the body and the year:
the same whatever the number of bodies, the years or the worker processes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from etl.errors import GenerateError
from etl.layouts import get_layout
from etl.layouts.header import regime_of_year
from etl.synthetic import pre2019, standard  # noqa: F401  (register their figure generators)
from etl.synthetic.bodies import Body, synthetic_bodies
from etl.synthetic.defects import DEFECTS, choose_defect, defects_for
from etl.synthetic.figures import figure_generator
from etl.synthetic.write import dress, header_values, write_csv, write_xlsx

OutputFormat = Literal["xlsx", "csv"]
MANIFEST = "synthetic-manifest.json"

#: Told how many files are written of how many: (0, total) before the first, then after each
#: file, in file order (also with worker processes).
GenerateProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class InjectedDefect:
    """A defect written into a file, and the rule that must catch it."""

    file: str
    defect: str
    rule_code: str
    severity: str


@dataclass(frozen=True, slots=True)
class GeneratedSet:
    """What `generate` wrote: the directory, its files in order, and the defects injected."""

    directory: Path
    files: tuple[Path, ...]
    defects: tuple[InjectedDefect, ...]
    manifest: Path


@dataclass(frozen=True, slots=True)
class _Task:
    body: Body
    year: int
    path: Path
    seed: int
    file_format: OutputFormat
    defect_rate: float
    has_previous: bool


def generate(
    directory: Path,
    *,
    bodies: int,
    years: Sequence[int],
    seed: int = 2017,
    defect_rate: float = 0.0,
    file_format: OutputFormat = "xlsx",
    jobs: int = 1,
    progress: GenerateProgress | None = None,
) -> GeneratedSet:
    """Write `bodies` × `years` synthetic reports under `directory` (one folder per year),
    telling `progress` after each file (a set of a few hundred workbooks takes a while)."""
    if not 0 <= defect_rate <= 1:
        raise GenerateError(f"the defect rate is a fraction from 0 to 1, not {defect_rate}")
    if bodies < 1 or not years:
        raise GenerateError("expected at least one body and one year")
    for year in sorted(set(years)):
        regime = regime_of_year(year)
        get_layout(regime)  # UnknownLayout names the regimes that have one
        figure_generator(regime)
    try:
        tree = synthetic_bodies(bodies, seed)
    except ValueError as exc:
        raise GenerateError(str(exc)) from None
    tasks = list(_tasks(directory, tree, sorted(set(years)), seed, defect_rate, file_format))
    for folder in {task.path.parent for task in tasks}:
        folder.mkdir(parents=True, exist_ok=True)
    report = progress or _no_progress
    report(0, len(tasks))
    written: list[InjectedDefect | None] = []
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else nullcontext() as pool:
        results = map(_run, tasks) if pool is None else pool.map(_run, tasks, chunksize=16)
        for result in results:  # in file order, whoever wrote the file
            written.append(result)
            report(len(written), len(tasks))
    defects = tuple(d for d in written if d is not None)
    manifest = directory / MANIFEST
    manifest.write_text(
        json.dumps(
            {
                "synthetic": True,
                "seed": seed,
                "bodies": bodies,
                "years": sorted(set(years)),
                "format": file_format,
                "defect_rate": defect_rate,
                "files": len(tasks),
                "defects": [asdict(d) for d in defects],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return GeneratedSet(directory, tuple(t.path for t in tasks), defects, manifest)


def _no_progress(done: int, total: int) -> None:
    pass


def _tasks(
    directory: Path,
    tree: list[Body],
    years: list[int],
    seed: int,
    defect_rate: float,
    file_format: OutputFormat,
) -> Iterator[_Task]:
    for year in years:
        for body in tree:
            name = f"synthetic-{year}-{body.code}.{file_format}"
            path = directory / str(year) / name
            yield _Task(body, year, path, seed, file_format, defect_rate, year > years[0])


def _run(task: _Task) -> InjectedDefect | None:
    return write_report(
        task.path,
        task.body,
        task.year,
        seed=task.seed,
        file_format=task.file_format,
        defect_rate=task.defect_rate,
        has_previous=task.has_previous,
    )


def write_report(
    path: Path,
    body: Body,
    year: int,
    *,
    seed: int,
    file_format: OutputFormat = "xlsx",
    defect_rate: float = 0.0,
    defect: str | None = None,
    has_previous: bool = True,
) -> InjectedDefect | None:
    """Write one body's report for one year; the defect injected into it, if any.

    With `defect_rate`, a defect is drawn for the file with that probability; `defect` names
    one to inject (`GenerateError` if this report offers nothing it could break). Defects
    caught against last year's report are drawn only if it `has_previous` in the set.
    """
    regime = regime_of_year(year)
    layout = get_layout(regime)
    key = f"{seed}/{body.code}/{year}"
    rng = random.Random(key)
    values = header_values(body, year, regime, rng)
    values |= figure_generator(regime)(body, year, seed)
    chance = random.Random(f"{key}/defect")
    candidates = defects_for(file_format, regime)
    if defect is not None:
        candidates = [d for d in candidates if d.code == defect]
        if not candidates:
            raise GenerateError(f"no defect {defect!r} for {file_format} files of {regime}")
    injected = None
    if defect is not None or chance.random() < defect_rate:
        injected = choose_defect(values, candidates, chance, has_previous=has_previous)
        if injected is None and defect is not None:
            raise GenerateError(f"the report of {body.name} {year} has nothing {defect} can break")
    dress(values, layout, rng)
    if file_format == "xlsx":
        write_xlsx(path, layout, values, injected)
    else:
        write_csv(path, layout, values, injected)
    if injected is None:
        return None
    return InjectedDefect(path.name, injected.code, injected.rule_code, injected.severity)


__all__ = [
    "DEFECTS",
    "MANIFEST",
    "GenerateProgress",
    "GeneratedSet",
    "InjectedDefect",
    "OutputFormat",
    "generate",
    "write_report",
]
