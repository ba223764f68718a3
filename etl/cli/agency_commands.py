"""`ogi agencies`: the reporting bodies as master data, listed, imported and changed by hand;
every change recorded and undone by another command (`etl.bodies.registry`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from etl.bodies.registry import (
    LEVELS,
    add_alias,
    body_history,
    import_registry,
    list_bodies,
    merge_bodies,
    move_body,
    remove_alias,
    rename_body,
    unmerge_bodies,
)
from etl.cli import AppContext, main, pass_app
from etl.cli.options import year_option
from etl.cli.output import output_options, output_rows
from etl.listings import bodies_table, bodies_tree, change_line, changes_table, import_table
from etl.reports.named import YearRange
from etl.runs.events import EventSink, RunEvent

F = TypeVar("F", bound=Callable[..., Any])


def _by(command: F) -> F:
    """`--by NAME`: who makes the change, recorded with it."""
    return click.option(
        "--by", metavar="NAME", help="Who makes the change, for the history [default: OS user]."
    )(command)


def _selection(command: F) -> F:
    """`--under BODY`, `--level LEVEL` and `--merged`, for `list` and `tree`."""
    for option in reversed(
        [
            click.option("--under", metavar="BODY", help="Only this body and those below it."),
            click.option("--level", type=click.Choice(LEVELS), help="Only bodies of this level."),
            click.option("--merged", is_flag=True, help="Merged bodies too."),
        ]
    ):
        command = option(command)
    return command


def _waiting(app: AppContext) -> EventSink:
    def say(event: RunEvent) -> None:
        if event.event == "lock_wait":
            app.err.print("waiting for another ETL run to finish ...", markup=False)

    return say


def _done(app: AppContext, change_id: int) -> None:
    """Print the change as `ogi agencies history` shows it, with its undo."""
    [change] = body_history(app.warehouse(), change_id=change_id)
    app.out.print(change_line(change), markup=False)


@main.group("agencies")
def agencies() -> None:
    """The reporting bodies: list them, import a registry, rename, alias, merge and move them.

    A body is named as everywhere: its name, parent/name, or its division code. Every change
    waits for a running load, is recorded (see `ogi agencies history`, with the command that
    undoes it) and applies whole or not at all.

    \b
    Example:
      ogi agencies tree --under 孝感市
      ogi agencies merge 孝感市/安陆市 安陆市人民政府
    """


@agencies.command("list")
@_selection
@output_options()
@pass_app
def list_command(
    app: AppContext,
    under: str | None,
    level: str | None,
    merged: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """List the bodies, parents first: level, codes, status, aliases and report years.

    \b
    Example:
      ogi agencies list --under 安陆市 --level township --format json
    """
    records = list_bodies(app.warehouse(), under=under, level=level, merged=merged)
    output_rows(app, bodies_table(records), fmt, output)


@agencies.command("tree")
@_selection
@output_options()
@pass_app
def tree_command(
    app: AppContext,
    under: str | None,
    level: str | None,
    merged: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Show the bodies as a tree, each under its parent.

    \b
    Example:
      ogi agencies tree --under 孝感市
    """
    records = list_bodies(app.warehouse(), under=under, level=level, merged=merged)
    output_rows(app, bodies_tree(records), fmt, output)


@agencies.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what it would do, and write nothing.")
@_by
@output_options()
@pass_app
def import_command(
    app: AppContext, file: Path, dry_run: bool, by: str | None, fmt: str, output: Path | None
) -> None:
    """Create or update the bodies a registry (CSV or xlsx) names: every row, or none.

    Columns by their header: name (名称), parent (上级单位), level (层级), division_code
    (行政区划代码), aliases (别名, separated by ;), credit_code (统一社会信用代码). A body
    not yet in the warehouse is created provisional; one found (by its code, else by name or
    alias under its parent) gets the row's parent, level, codes and aliases. Any problem in
    any row fails the whole file, every problem listed.

    \b
    Example:
      ogi agencies import 安陆市-单位名录.xlsx --dry-run
      ogi agencies import 行政区划代码.csv --by 张三
    """
    rows = import_registry(app.warehouse(), file, dry_run=dry_run, by=by, on_event=_waiting(app))
    output_rows(app, import_table(rows, dry_run=dry_run), fmt, output)


@agencies.command("rename")
@click.argument("body")
@click.argument("new")
@_by
@pass_app
def rename_command(app: AppContext, body: str, new: str, by: str | None) -> None:
    """Rename BODY to NEW; the old name stays an alias, so files that use it still match.

    \b
    Example:
      ogi agencies rename 孝感市/陈店乡 陈店镇
    """
    _done(app, rename_body(app.warehouse(), body, new, by=by, on_event=_waiting(app)))


@agencies.command("alias")
@click.argument("body")
@click.argument("name")
@year_option()
@_by
@pass_app
def alias_command(
    app: AppContext, body: str, name: str, years: YearRange | None, by: str | None
) -> None:
    """Record NAME as another name of BODY (used in --year, if given).

    \b
    Example:
      ogi agencies alias 安陆市/王义贞镇 王义贞 --year 2016-2018
    """
    change = add_alias(app.warehouse(), body, name, years=years, by=by, on_event=_waiting(app))
    _done(app, change)


@agencies.command("unalias")
@click.argument("body")
@click.argument("name")
@_by
@pass_app
def unalias_command(app: AppContext, body: str, name: str, by: str | None) -> None:
    """Forget NAME as a name of BODY.

    \b
    Example:
      ogi agencies unalias 安陆市/王义贞镇 王义贞
    """
    _done(app, remove_alias(app.warehouse(), body, name, by=by, on_event=_waiting(app)))


@agencies.command("merge")
@click.argument("a")
@click.argument("b")
@_by
@pass_app
def merge_command(app: AppContext, a: str, b: str, by: str | None) -> None:
    """Merge body B into body A: B's reports, children and township figures move to A.

    Where both have a report for a year, the versions are numbered again by load time and
    the latest is current. B's name becomes an alias of A; B's row stays (status merged), so
    that `ogi agencies unmerge` can undo the merge exactly.

    \b
    Example:
      ogi agencies merge 孝感市/安陆市 安陆市人民政府
    """
    _done(app, merge_bodies(app.warehouse(), a, b, by=by, on_event=_waiting(app)))


@agencies.command("unmerge")
@click.argument("merge")
@_by
@pass_app
def unmerge_command(app: AppContext, merge: str, by: str | None) -> None:
    """Undo a merge, named by its change id or by the merged body's name.

    Everything the merge moved goes back as it was: reports with their versions and current
    flags, children, township figures.

    \b
    Example:
      ogi agencies unmerge 12
      ogi agencies unmerge 安陆市人民政府
    """
    _done(app, unmerge_bodies(app.warehouse(), merge, by=by, on_event=_waiting(app)))


@agencies.command("move")
@click.argument("body")
@click.argument("new_parent", required=False)
@click.option("--to-top", is_flag=True, help="Make BODY a body without a parent.")
@_by
@pass_app
def move_command(
    app: AppContext, body: str, new_parent: str | None, to_top: bool, by: str | None
) -> None:
    """Put BODY under NEW_PARENT (or at the top, with --to-top).

    A parent that is BODY itself or below it is refused.

    \b
    Example:
      ogi agencies move 合成丙县 合成02市
      ogi agencies move 合成丙县 --to-top
    """
    if (new_parent is None) != to_top:
        raise click.UsageError("give either NEW_PARENT or --to-top")
    _done(app, move_body(app.warehouse(), body, new_parent, by=by, on_event=_waiting(app)))


@agencies.command("history")
@click.argument("body", required=False)
@output_options()
@pass_app
def history_command(app: AppContext, body: str | None, fmt: str, output: Path | None) -> None:
    """List the changes to the bodies (of BODY, if given), oldest first, each with the
    command that undoes it.

    \b
    Example:
      ogi agencies history 孝感市/安陆市
    """
    output_rows(app, changes_table(body_history(app.warehouse(), body)), fmt, output)
