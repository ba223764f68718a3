"""Real workbooks for the scheduled-run tests, made from the Anlu 2017 sample.

Each is the sample with another body (a synthetic one, named so), year or fee: the figures are
Anlu's real ones, the bodies and the variations are synthetic. `broken_report` has words where a
number belongs (主动公开!C4 "八千余"); `not_a_spreadsheet` is text named .xlsx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from etl.templates import fill_template

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "anlu-2017.xlsx"

#: Figures in each synthetic report (the Anlu sample's).
FIGURES_PER_FILE = 58


def synthetic_report(path: Path, agency: str, *, year: int = 2017, fee: int = 0) -> Path:
    """The sample as body `agency` (labelled synthetic) for `year`; `fee` varies the content
    (fees charged, which no rule relates to other figures)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, path)
    fill_template(
        path,
        {
            "header.agency_name": f"合成{agency}(synthetic)",
            "header.year": year,
            "header.division_code": None,  # unique per body; the synthetic ones have none
            "fees.charged_amount": fee,
        },
    )
    return path


def broken_report(path: Path, agency: str) -> Path:
    """A synthetic report whose proactive total is words, not a number: rejected."""
    synthetic_report(path, agency)
    fill_template(path, {"proactive.total": "八千余"})
    return path


def not_a_spreadsheet(path: Path) -> Path:
    """Text under a spreadsheet's name: rejected as not a spreadsheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("synthetic test file: not a spreadsheet\n", encoding="utf-8")
    return path
