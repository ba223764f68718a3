"""The docs document what exists and work as written.

The generated references (docs/reference/) name every table, view and command and are current;
the guides name every command and every view with its columns; the site builds with
`mkdocs build --strict`; the README is short, sets up with `make demo` then `make test`, and
its tour runs, command by command, against a fresh warehouse.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from etl.cli import main
from etl.reports.views import BODY_COLUMNS, VIEW_COLUMNS
from scripts.docs_gen import walk_commands

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCES = [DOCS / "reference" / "cli.md", DOCS / "reference" / "schema.md"]
GUIDES = sorted(p for p in DOCS.glob("*.md"))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


README = _read(ROOT / "README.md")
SCHEMA = _read(DOCS / "reference" / "schema.md")
CLI = _read(DOCS / "reference" / "cli.md")
ANALYST = _read(DOCS / "analyst.md")


def _commands() -> list[str]:
    return [" ".join(path) for path, _, _ in walk_commands(main)]


def _headings(page: str, pattern: str) -> set[str]:
    return set(re.findall(rf"^#+ `({pattern})`$", page, flags=re.MULTILINE))


def test_the_schema_reference_lists_every_table_and_no_other(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert _headings(SCHEMA, "[a-z_]+") - set(VIEW_COLUMNS) == tables


def test_the_schema_reference_lists_every_view(engine: Engine) -> None:
    views = {v for v in inspect(engine).get_view_names() if v.startswith("rpt_")}
    assert _headings(SCHEMA, "rpt_[a-z_]+") == views


def test_the_cli_reference_documents_every_command_and_no_other() -> None:
    assert _headings(CLI, "ogi[a-z_ -]*") == set(_commands())


def test_the_guides_name_every_command() -> None:
    guides = "\n".join(_read(p) for p in GUIDES)
    missing = [c for c in _commands()[1:] if not re.search(rf"\b{c}(?![\w-])", guides)]
    assert missing == []


def test_the_analyst_guide_lists_every_view_with_its_columns(engine: Engine) -> None:
    rows = re.findall(r"^\| `(rpt_[a-z_]+)` \| (.+) \|$", ANALYST, flags=re.MULTILINE)
    documented = dict(rows)
    views = {v for v in inspect(engine).get_view_names() if v.startswith("rpt_")}
    assert set(documented) == views
    for view in views:
        listed = set(re.findall(r"`([a-z0-9_]+)`", documented[view]))
        missing = [c for c in VIEW_COLUMNS[view] if c not in listed and c not in BODY_COLUMNS]
        assert missing == [], f"docs/analyst.md's row of {view} lacks {missing}"


def test_the_generated_references_are_current() -> None:
    """What `make lint` checks; `make docs-refresh` regenerates them."""
    check = subprocess.run(
        [sys.executable, "-m", "cogapp", "-I", ".", "--check", "--diff", *map(str, REFERENCES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, f"run `make docs-refresh`:\n{check.stdout}{check.stderr}"


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed: pip install -e '.[dev]' (make install)")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "site" / "reference" / "schema.html").exists()


def test_the_readme_is_short_and_sets_up_with_the_two_commands() -> None:
    assert len(README.splitlines()) <= 160
    setup = README.index("## Set up")
    assert README.index("make demo", setup) < README.index("make test", setup)


def test_the_readme_links_to_pages_that_exist() -> None:
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README)
    assert links
    assert [link for link in links if not (ROOT / link).exists()] == []


def _tour() -> list[tuple[list[str], int]]:
    """The `ogi` commands of the README's tour, with the exit status each is said to have.

    The tour is the ```console block under "## A quick tour": a command is a line starting
    with `$ `; a comment saying "exit status N" documents a status other than 0.
    """
    section = README.split("## A quick tour", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"^```console\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    commands = []
    for line in block.splitlines():
        if not line.startswith("$ "):
            continue
        status = re.search(r"#.*exit status (\d)", line)
        words = shlex.split(line[2:], comments=True)
        if words and words[0] == "ogi":
            commands.append((words[1:], int(status.group(1)) if status else 0))
    return commands


def test_the_tour_is_a_tour() -> None:
    tour = _tour()
    assert tour[0] == (["db", "upgrade"], 0)
    assert len(tour) >= 8


@pytest.mark.slow
def test_the_tour_works_as_written(tmp_path: Path) -> None:
    """Each command of the tour, in order, on a fresh SQLite warehouse, from a directory that
    sees the repository's data/ (the samples) and keeps whatever the tour writes."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    env = {
        **os.environ,
        "OGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tour.db'}",
        "COLUMNS": "120",
        "PYTHONPATH": str(ROOT),
    }
    failed = []
    for args, expected in _tour():
        ran = subprocess.run(
            [sys.executable, "-m", "etl", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        if ran.returncode != expected:
            failed.append(
                f"ogi {shlex.join(args)}: exit status {ran.returncode}, not {expected}\n"
                f"{ran.stdout[-2000:]}{ran.stderr[-2000:]}"
            )
    assert failed == [], "\n\n".join(failed)
