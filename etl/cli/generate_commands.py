"""`ogi generate`: write a synthetic set of reports for benchmarks and tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from etl.cli import AppContext, main, pass_app
from etl.cli.options import year_option
from etl.reports.named import YearRange
from etl.synthetic import GenerateProgress, generate

#: Off a terminal (a log, a pipe), progress is a line on stderr once the set has taken this many
#: seconds, then every `REPORT_EVERY_SECONDS`, and a last line: a set written in a second says
#: nothing but its summary.
QUIET_SECONDS = 1.0
REPORT_EVERY_SECONDS = 5.0


@main.command("generate")
@click.option("--bodies", type=int, default=100, show_default=True, help="Reporting bodies.")
@year_option(default="2016-2018")
@click.option("--seed", type=int, default=2017, show_default=True, help="Same seed, same files.")
@click.option(
    "--defect-rate",
    type=float,
    default=0.0,
    show_default=True,
    help="Fraction of files given one defect (each names the rule that catches it).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="Filled templates, or long-format CSV.",
)
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench/out/synthetic"),
    show_default=True,
    help="Directory to write (one folder per year).",
)
@pass_app
def generate_command(
    app: AppContext,
    bodies: int,
    years: YearRange,
    seed: int,
    defect_rate: float,
    file_format: str,
    jobs: int,
    output: Path,
) -> None:
    """Write synthetic reports: a province, its prefectures, counties, townships and
    departments (合成省, 合成03市, ...), one file per body and year, every identity kept
    unless a defect is injected; synthetic-manifest.json lists the defects. Progress goes
    to stderr: a bar on a terminal, else a line every few seconds.

    \b
    Example:
      ogi generate --bodies 300 --year 2016-2018 --defect-rate 0.05 -o bench/out/inbox
    """
    with _progress(app.err, f"synthetic {file_format} files to {output}") as progress:
        written = generate(
            output,
            bodies=bodies,
            years=list(range(years[0], years[1] + 1)),
            seed=seed,
            defect_rate=defect_rate,
            file_format="csv" if file_format == "csv" else "xlsx",
            jobs=jobs,
            progress=progress,
        )
    click.echo(
        f"Wrote {len(written.files)} synthetic {file_format} files to {output} "
        f"({len(written.defects)} with a defect; see {written.manifest.name})."
    )


@contextmanager
def _progress(err: Console, what: str) -> Iterator[GenerateProgress]:
    """A bar on a terminal; elsewhere a line now and then (see `QUIET_SECONDS`)."""
    if err.is_terminal:
        columns = (
            TextColumn("writing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("writing", total=None)
            yield lambda done, total: bar.update(task, completed=done, total=total)
        return
    started = time.monotonic()
    next_line = started + QUIET_SECONDS
    said = False

    def say(done: int, total: int) -> None:
        nonlocal next_line, said
        now = time.monotonic()
        if done == total and said:
            err.print(f"{done}/{total} written in {now - started:.1f} s", markup=False)
        elif now >= next_line and done < total:
            if not said:
                err.print(f"writing {total} {what} ...", markup=False)
            err.print(f"{done}/{total} written ({now - started:.1f} s)", markup=False)
            said, next_line = True, now + REPORT_EVERY_SECONDS

    yield say
