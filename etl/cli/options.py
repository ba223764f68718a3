"""Options several commands share, spelt and read the same everywhere: `--agency` and `--year`.

The `--format` and `-o/--output` options of listing commands are in `etl.cli.output`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from etl.reports.named import YearRange, parse_years

F = TypeVar("F", bound=Callable[..., Any])


class AliasedOption(click.Option):
    """An option whose names after the first are older spellings (`--years` of `--year`):
    accepted, and left out of help and messages."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown, self.opts = self.opts, self.opts[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown

    def get_error_hint(self, ctx: click.Context | None) -> str:
        shown, self.opts = self.opts, self.opts[:1]
        try:
            return super().get_error_hint(ctx)
        finally:
            self.opts = shown


class YearsType(click.ParamType[YearRange, Any]):
    """`2017` or `2016-2018`, read by `parse_years` into an inclusive range; a value it cannot
    read is `InvalidFilter` (`Error: years '17': ...`, exit status 1)."""

    name = "years"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> YearRange:
        if isinstance(value, tuple):
            return (int(value[0]), int(value[1]))
        return parse_years(str(value))


def year_option(*, required: bool = False, default: str | None = None) -> Callable[[F], F]:
    """`--year 2017` or `--year 2016-2018` (also spelt `--years`), passed as `years`, a
    `YearRange` (None when not given and without a default)."""
    return click.option(
        "--year",
        "--years",
        "years",
        cls=AliasedOption,
        type=YearsType(),
        metavar="YEARS",
        required=required,
        default=default,
        show_default=default is not None,
        help="A year (2017) or a range (2016-2018).",
    )


def agency_option(*, multiple: bool = False, required: bool = False) -> Callable[[F], F]:
    """`--agency NAME`: a body as `etl.reports.agencies.find_agency` reads it; with
    `multiple`, repeatable and passed as `agencies`, else passed as `agency`."""
    return click.option(
        "--agency",
        "agencies" if multiple else "agency",
        metavar="NAME",
        multiple=multiple,
        required=required,
        help="A reporting body: its name (安陆市), parent/name where names repeat "
        "(孝感市/安陆市; a / in a name as \\/), or its 6-digit division code"
        + ("; repeatable." if multiple else "."),
    )


#: `--jobs N` of the commands that load: N processes read and check files.
jobs_option = click.option(
    "--jobs",
    metavar="N",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Read and check files in N reader processes, each within its memory and time "
    "limits; this one writes, in order, one file at a time.",
)
