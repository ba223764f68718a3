"""The `ogi` command line: thin commands over the library, errors reported in one place.

Each command parses its options, calls one library function and prints what it returns.
A `WarehouseError` becomes `Error: ...` and its exit code, and so does what the disk or the
database refused (a full disk, a warehouse that cannot be written or is no database, a lost
connection: `etl.db.failures`); anything else is a bug and shows its traceback (`--traceback`
shows ours too).
"""

from __future__ import annotations

import gc
import importlib
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from etl import __version__
from etl.config import describe_url, resolve_database_url
from etl.db import create_warehouse_engine, require_head
from etl.db.failures import storage_error
from etl.errors import WarehouseError
from etl.values import printable

#: The width of output that is not a terminal (a pipe, a file, `make demo` in a log) when
#: COLUMNS does not say: rich would take 80 columns and squeeze tables into ellipses; this lets
#: them keep their natural width (rich pads nothing beyond it).
PIPED_WIDTH = 1000


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout or stderr: the terminal's width on a terminal, COLUMNS when set,
    else `PIPED_WIDTH`. Text is never wrapped (soft wrap).
    """
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and not os.environ.get("COLUMNS")
    return Console(stderr=stderr, soft_wrap=True, width=PIPED_WIDTH if piped else None)


@dataclass
class AppContext:
    """What every command needs: the database URL, an engine made on first use, consoles."""

    db: str | None
    traceback: bool = False
    out: Console = field(default_factory=make_console)
    err: Console = field(default_factory=lambda: make_console(stderr=True))
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The warehouse engine, whatever the schema version (for `ogi db`)."""
        if self._engine is None:
            self._engine = create_warehouse_engine(resolve_database_url(self.db))
        return self._engine

    def warehouse(self, *, alternative: str | None = None) -> Engine:
        """The engine, refusing a database that is not migrated to head."""
        require_head(self.engine, alternative=alternative)
        return self.engine


#: Each command and the module (of `etl.cli`) that defines it, imported when the command is
#: looked up: `ogi sql` or `ogi run` need not import openpyxl, alembic's commands or the
#: generator first. A test holds this map to what the modules define.
COMMAND_MODULES = {
    "agencies": "agency_commands",
    "compare": "report_commands",
    "db": "db_commands",
    "export": "export_commands",
    "generate": "generate_commands",
    "load": "load_commands",
    "report": "report_commands",
    "rules": "rules_commands",
    "run": "run_commands",
    "runs": "run_commands",
    "show": "load_commands",
    "sql": "sql_commands",
    "template": "template_commands",
    "validate": "load_commands",
}


class WarehouseGroup(click.Group):
    """The `ogi` group: commands imported on first use (`COMMAND_MODULES`), and a
    `WarehouseError` turned into `Error: ...` and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"etl.cli.{COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except (DBAPIError, OSError, sqlite3.Error) as exc:
                # A full disk, a warehouse that cannot be written or is no database, a
                # server that ended the connection: wherever they surface, not bugs.
                app = ctx.find_object(AppContext)
                engine = None if app is None else app._engine
                where = (
                    "the warehouse"
                    if engine is None
                    else f"the warehouse at {describe_url(engine.url)}"
                )
                found = storage_error(exc, where)
                if found is None:
                    raise
                raise found from exc
        except WarehouseError as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.traceback:
                raise
            click.echo(f"Error: {printable(str(exc))}", err=True)
            sys.exit(exc.exit_code)


pass_app = click.make_pass_decorator(AppContext)


@click.group(cls=WarehouseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="URL",
    help="Database URL or SQLite file [default: $OGI_DATABASE_URL, else data/warehouse.db].",
)
@click.option("--traceback", is_flag=True, help="Show the traceback of errors too.")
@click.version_option(__version__, prog_name="ogi")
@click.pass_context
def main(ctx: click.Context, db: str | None, traceback: bool) -> None:
    """ogi-warehouse: load 政府信息公开工作年度报告 spreadsheets into SQL and report on them.

    \b
    Example:
      ogi db upgrade
      OGI_DATABASE_URL=postgresql://postgres@127.0.0.1/ogi ogi db current
    """
    ctx.obj = AppContext(db=db, traceback=traceback)


__all__ = ["COMMAND_MODULES", "GC_YOUNG_THRESHOLD", "AppContext", "main", "pass_app"]


def program() -> None:
    """The `ogi` program (`python -m etl`): `main`, in a process of its own.

    What start-up made (modules, the schema's metadata, the layouts) lives as long as the
    process, so the cyclic garbage collector is told to leave it alone instead of scanning it
    again at every collection of a load: 2-4% of `ogi load`'s time, and worker processes
    forked from here share it unwritten. Only the program does this, not `main` called
    in-process (tests, a notebook), where it would keep uncollected garbage forever. The
    command's module is imported first, to be frozen too: left out, `ogi load` ran 10% slower.

    The youngest generation is then collected every `GC_YOUNG_THRESHOLD` allocations rather
    than 700 (`gc.set_threshold`; mypy does the same): see there.
    """
    module = command_module(sys.argv[1:])
    if module is not None:
        importlib.import_module(f"etl.cli.{module}")
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    main()


#: Allocations (less deallocations) of container objects between two collections of the
#: youngest generation, for the program. A load makes a few hundred objects per file (facts,
#: their cells, rows) that reference counting frees, so Python's 700 collected far more often
#: than it found garbage; this collects about a third as often, at the same peak RSS
#: (CHANGELOG.md has the counts).
GC_YOUNG_THRESHOLD = 10_000


def command_module(args: list[str]) -> str | None:
    """The module of the command that `args` (after `ogi`) runs, if they name one."""
    remaining = iter(args)
    for arg in remaining:
        if arg == "--db":
            next(remaining, None)  # its value
        elif not arg.startswith("-"):
            return COMMAND_MODULES.get(arg)
    return None
