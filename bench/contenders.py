"""What the loader is measured against, each run as its own process on the same workbooks.

`baseline`: what a user would otherwise write, `pandas.read_excel(sheet_name=None,
engine="openpyxl")` and `DataFrame.to_sql` per workbook into SQLite (one table per sheet name,
appended, one commit per workbook): no validation, no lineage, no normalised facts.
`floor`: python-calamine reading every cell of every sheet and nothing else, the least any
reader of these workbooks must do.

Run: python -m bench.contenders baseline|floor DIR [DB]; prints the seconds spent on the files
(imports excluded) as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def workbooks(directory: Path) -> list[Path]:
    """The workbooks under `directory`, in the order `ogi load` takes them."""
    return sorted(p for p in directory.rglob("*.xlsx") if p.is_file())


def run_baseline(directory: Path, database: Path) -> dict[str, float | int]:
    """pandas + openpyxl into SQLite, one workbook at a time."""
    import sqlite3

    import pandas as pd

    files = workbooks(directory)
    started = time.perf_counter()
    with sqlite3.connect(database) as connection:
        for path in files:
            sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
            for name, frame in sheets.items():
                frame.to_sql(name, connection, if_exists="append", index=False)
            connection.commit()
    return {"files": len(files), "seconds": time.perf_counter() - started}


def run_floor(directory: Path) -> dict[str, float | int]:
    """python-calamine: open each workbook and read every cell of every sheet."""
    from python_calamine import CalamineWorkbook

    files = workbooks(directory)
    started = time.perf_counter()
    cells = 0
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return {"files": len(files), "cells": cells, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    which, directory = sys.argv[1], Path(sys.argv[2])
    if which == "baseline":
        result = run_baseline(directory, Path(sys.argv[3]))
    elif which == "floor":
        result = run_floor(directory)
    else:
        raise SystemExit(f"unknown contender {which!r}: baseline or floor")
    print(json.dumps(result))
