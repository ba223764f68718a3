"""The generated references of docs/: the CLI from each command's `--help`, the schema from the
models' docstrings and columns and the report views' declared columns.

cog runs these from the markers in docs/reference/*.md: `make docs-refresh` rewrites the pages,
`make lint` (`cog --check`) fails when one is out of date. The output depends on nothing but the
code: help is formatted `HELP_WIDTH` columns wide whatever the terminal, and everything is
listed in a fixed order.
"""

from __future__ import annotations

import inspect
import pkgutil
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import click
from sqlalchemy import CheckConstraint, Column, Table, UniqueConstraint
from sqlalchemy.dialects import postgresql

ROOT = Path(__file__).resolve().parent.parent

#: Width of the help texts in the CLI reference (click's own default maximum).
HELP_WIDTH = 80

#: The models' modules in reading order: code lists first, facts after what they point at.
MODEL_ORDER = ("reference", "consistency", "agencies", "facts", "lineage")


def walk_commands(
    command: click.Command, path: tuple[str, ...] = ("ogi",), parent: click.Context | None = None
) -> Iterator[tuple[tuple[str, ...], click.Command, click.Context]]:
    """Every command under `command` (itself first) with its path and a context for its help.

    `etl.cli.main` imports its commands' modules on first look-up (`list_commands`,
    `get_command`), so this sees every command the program has.
    """
    settings = {**command.context_settings, "max_content_width": HELP_WIDTH}
    context = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=HELP_WIDTH, **settings
    )
    yield path, command, context
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                yield from walk_commands(sub, (*path, name), context)


def cli_reference() -> str:
    """Each command of `ogi` under a heading, with its `--help` output."""
    from etl.cli import main

    parts = []
    for path, command, context in walk_commands(main):
        level = "#" * max(2, len(path))  # ogi and its commands, then subcommands
        help_text = command.get_help(context).rstrip()
        parts.append(f"{level} `{' '.join(path)}`\n\n```text\n{help_text}\n```\n")
    return "\n".join(parts)


def schema_reference() -> str:
    """Each table of the models, grouped by module, then each report view."""
    parts = [_tables_of(module) for module in _model_modules()]
    parts.append(_views())
    return "\n".join(parts)


def documented_tables() -> list[str]:
    """The names of the tables `schema_reference` documents."""
    return [table.name for module in _model_modules() for table, _ in _mapped(module)]


def _model_modules() -> list[str]:
    import models

    found = [m.name for m in pkgutil.iter_modules(models.__path__) if m.name != "base"]
    ordered = [m for m in MODEL_ORDER if m in found] + sorted(set(found) - set(MODEL_ORDER))
    return [f"models.{name}" for name in ordered]


def _mapped(module_name: str) -> list[tuple[Table, type]]:
    """The tables a module's classes map, in the order the classes are defined."""
    module = import_module(module_name)
    found = []
    for value in vars(module).values():
        table = getattr(value, "__table__", None)
        if inspect.isclass(value) and value.__module__ == module_name and table is not None:
            found.append((table, value))
    return found


def _doc(thing: object) -> str:
    return inspect.cleandoc(thing.__doc__ or "")


def _tables_of(module_name: str) -> str:
    module = import_module(module_name)
    doc = _doc(module)
    first, _, rest = doc.partition("\n")
    title = re.split(r"[:.]", first)[0] if doc else module_name
    if title == first.rstrip("."):  # the first line is all title
        doc = rest.strip()
    path = module_name.replace(".", "/") + ".py"
    parts = [f"## {title}\n\n" + (f"{doc}\n\n" if doc else "") + f"Models: `{path}`.\n"]
    for table, model in _mapped(module_name):
        parts.append(_table(table, model))
    return "\n".join(parts)


def _table(table: Table, model: type) -> str:
    commented = any(column.comment for column in table.columns)
    header = "| column | type | null | key |" + (" comment |" if commented else "")
    rule = "|---|---|---|---|" + ("---|" if commented else "")
    rows = [header, rule]
    for column in table.columns:
        cells = [
            f"`{column.name}`",
            str(column.type.compile(dialect=postgresql.dialect())),
            "yes" if column.nullable else "no",
            _key(column),
        ]
        if commented:
            cells.append(column.comment or "")
        rows.append("| " + " | ".join(cells) + " |")
    lines = [f"### `{table.name}`\n", _doc(model), "", *rows]
    constraints = _constraints(table)
    if constraints:
        lines += ["", *constraints]
    return "\n".join(lines) + "\n"


def _key(column: Column[object]) -> str:
    keys = []
    if column.primary_key:
        keys.append("primary key")
    keys += [f"→ `{fk.target_fullname}`" for fk in sorted(column.foreign_keys, key=str)]
    return ", ".join(keys)


def _constraints(table: Table) -> list[str]:
    """Unique keys (also a column's own), checks and indexes, by name."""
    lines = []
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if isinstance(constraint, UniqueConstraint):
            columns = ", ".join(f"`{c.name}`" for c in constraint.columns)
            lines.append(f"- unique `{constraint.name}`: ({columns})")
        elif isinstance(constraint, CheckConstraint):
            condition = " ".join(str(constraint.sqltext).split())
            lines.append(f"- check `{constraint.name}`: `{condition}`")
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        columns = ", ".join(f"`{c.name}`" for c in index.columns)
        kind = "unique index" if index.unique else "index"
        where = index.dialect_options["postgresql"].get("where")
        condition = f" where `{where}`" if where is not None else ""
        lines.append(f"- {kind} `{index.name}`: ({columns}){condition}")
    return lines


def _views() -> str:
    from etl.reports.views import BODY_COLUMNS, VIEW_COLUMNS, VIEW_ORDER

    created = _views_created_by()
    body = ", ".join(f"`{c}`" for c in BODY_COLUMNS)
    parts = [
        "## Report views\n\n"
        "Created by the migrations, their SQL verbatim in the revision that creates or changes "
        "them; `etl/reports/views.py` declares the columns each must offer, and a test holds "
        "the database to it. What each view answers, with examples: "
        "[Analyst guide](../analyst.md#report-views).\n\n"
        f"*Body columns*, which the per-report views start with: {body}.\n"
    ]
    for view, columns in VIEW_COLUMNS.items():
        has_body = columns[: len(BODY_COLUMNS)] == BODY_COLUMNS
        shown = columns[len(BODY_COLUMNS) :] if has_body else columns
        listed = ", ".join(f"`{c}`" for c in shown)
        revisions = ", ".join(created.get(view, ["?"]))
        order = ", ".join(f"`{c}`" for c in VIEW_ORDER.get(view, ()))
        parts.append(
            f"### `{view}`\n\n"
            f"- columns: {'body columns, ' if has_body else ''}{listed}\n"
            f"- `ogi report {view.removeprefix('rpt_')}` sorts by {order or 'nothing'}\n"
            f"- created (or changed) by migration {revisions}\n"
        )
    return "\n".join(parts)


def _views_created_by() -> dict[str, list[str]]:
    """Each view and the revisions (their numbers) that create it or drop it to change it."""
    created: dict[str, list[str]] = {}
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        number = re.search(r"_(\d{4})_[a-z]", path.name)
        text = path.read_text(encoding="utf-8")
        views = re.findall(r"(?:CREATE VIEW|DROP VIEW IF EXISTS) (rpt_\w+)", text)
        for view in dict.fromkeys(views):
            created.setdefault(view, []).append(number.group(1) if number else path.stem)
    return created
