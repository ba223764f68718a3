"""`ogi generate`: write a synthetic set of reports for benchmarks and tests."""

from __future__ import annotations

import re
from pathlib import Path

import click

from etl.cli import main
from etl.synthetic import GenerateError, generate


def _years(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if match is None or int(match.group(2) or match.group(1)) < int(match.group(1)):
        raise GenerateError(f"expected a year or a range such as 2016-2018, found {text!r}")
    first = int(match.group(1))
    return list(range(first, int(match.group(2) or first) + 1))


@main.command("generate")
@click.option("--bodies", type=int, default=100, show_default=True, help="Reporting bodies.")
@click.option("--years", default="2016-2018", show_default=True, help="A year or a range.")
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
def generate_command(
    bodies: int,
    years: str,
    seed: int,
    defect_rate: float,
    file_format: str,
    jobs: int,
    output: Path,
) -> None:
    """Write synthetic reports: a province, its prefectures, counties, townships and
    departments (合成省, 合成03市, ...), one file per body and year, every identity kept
    unless a defect is injected; synthetic-manifest.json lists the defects.

    \b
    Example:
      ogi generate --bodies 300 --years 2016-2018 --defect-rate 0.05 -o bench/out/inbox
    """
    written = generate(
        output,
        bodies=bodies,
        years=_years(years),
        seed=seed,
        defect_rate=defect_rate,
        file_format="csv" if file_format == "csv" else "xlsx",
        jobs=jobs,
    )
    click.echo(
        f"Wrote {len(written.files)} synthetic {file_format} files to {output} "
        f"({len(written.defects)} with a defect; see {written.manifest.name})."
    )
