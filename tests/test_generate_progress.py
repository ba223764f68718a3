"""`ogi generate` says how far it is: the library tells a callback after each file, the command
shows a bar on a terminal and plain lines on stderr elsewhere (issue 15, item 7)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

import etl.cli
from etl.cli import generate_commands, main
from etl.synthetic import generate


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_callback_hears_of_every_file_in_order(tmp_path: Path, jobs: int) -> None:
    heard: list[tuple[int, int]] = []
    written = generate(
        tmp_path,
        bodies=3,
        years=[2016, 2017],
        file_format="csv",
        jobs=jobs,
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard == [(0, 6), (1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]
    assert len(written.files) == 6


def _generate(tmp_path: Path) -> tuple[str, str]:
    out = tmp_path / "out"
    args = ["generate", "--bodies", "5", "--years", "2016-2017", "--format", "csv", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_a_quick_set_says_nothing_but_its_summary(tmp_path: Path) -> None:
    stdout, stderr = _generate(tmp_path)
    assert stdout.startswith("Wrote 10 synthetic csv files to ")
    assert stderr == ""


def test_off_a_terminal_progress_is_lines_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_commands, "QUIET_SECONDS", 0.0)
    monkeypatch.setattr(generate_commands, "REPORT_EVERY_SECONDS", 0.0)
    stdout, stderr = _generate(tmp_path)
    lines = stderr.splitlines()
    assert lines[0] == f"writing 10 synthetic csv files to {tmp_path / 'out'} ..."
    assert [re.sub(r"\(\d+\.\d s\)", "(T)", line) for line in lines[1:-1]] == [
        f"{n}/10 written (T)" for n in range(10)
    ]
    assert re.fullmatch(r"10/10 written in \d+\.\d s", lines[-1])
    assert stdout.startswith("Wrote 10 synthetic csv files to ")


def test_on_a_terminal_progress_is_a_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(etl.cli, "make_console", lambda stderr=False: terminal)
    stdout, _ = _generate(tmp_path)
    assert "10/10" in screen.getvalue()
    assert "written" not in screen.getvalue()  # the bar, not the lines
    assert stdout.startswith("Wrote 10 synthetic csv files to ")
