"""The README documents what exists: every table, every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
from sqlalchemy import Engine, inspect

from etl.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _documented_names() -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", README, flags=re.MULTILINE))


def test_readme_lists_every_table_and_no_other(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    documented = {name for name in _documented_names() if not name.startswith("rpt_")}
    assert documented == tables


def _commands(group: click.Group, prefix: str = "ogi") -> list[str]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


def test_readme_documents_every_command() -> None:
    missing = [c for c in _commands(main) if f"`{c}" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    setup = README.index("## Set up")
    assert README.index("make demo", setup) < README.index("make test", setup)
