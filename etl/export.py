"""Columnar export for analysts: the current figures as Parquet, one folder per year.

`export_parquet` writes the rows of `rpt_figures_long` to `DIR/year=YYYY/figures.parquet`
(Hive-style partitions, which DuckDB, pandas/pyarrow, Spark and Trino read as a `year` column),
so that a nation's figures are read without touching the warehouse. It is incremental: a
manifest (`DIR/_manifest.json`) keeps a fingerprint of each year's current reports, and a year
is written again only when its fingerprint changed (a new report, a new version, a body renamed
or merged); a year with no current report left loses its folder. Each file is written beside
its place and renamed into it, so a reader never sees half a file.

Figures are `decimal128(18, 4)`, exactly as stored (the warehouse's `Numeric(18, 4)`), ids and
years `int64`, the rest strings.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from etl.db import read
from etl.reports.views import VIEW_COLUMNS, VIEW_ORDER

VIEW = "rpt_figures_long"
MANIFEST = "_manifest.json"
FILE = "figures.parquet"

#: Rows held at once while a year is written: what bounds memory at national size.
BATCH_ROWS = 50_000

_INTEGER_COLUMNS = {
    "report_id", "agency_id", "parent_agency_id", "year", "fact_id", "dim1_sort_order",
    "dim2_sort_order",
}  # fmt: skip
_FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export did: the years written, those unchanged, those removed, rows written."""

    written: tuple[int, ...]
    unchanged: tuple[int, ...]
    removed: tuple[int, ...]
    rows: int


def export_parquet(
    engine: Engine, directory: Path, *, years: Sequence[int] | None = None, full: bool = False
) -> ExportSummary:
    """Write the current figures of every year (or of `years`) whose reports changed since the
    last export into `directory`; with `full`, every year again."""
    import pyarrow as pa  # imported here: only this command needs it
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / MANIFEST
    previous: dict[str, str] = (
        {} if full or not manifest_path.exists() else json.loads(manifest_path.read_text())
    )
    schema = _schema(pa)
    written: list[int] = []
    unchanged: list[int] = []
    removed: list[int] = []
    rows = 0
    with read(engine) as connection:
        fingerprints = _fingerprints(connection)
        wanted = sorted(fingerprints) if years is None else sorted(set(years) & set(fingerprints))
        for year in wanted:
            if previous.get(str(year)) == fingerprints[year] and _folder(directory, year).exists():
                unchanged.append(year)
                continue
            rows += _write_year(connection, directory, year, schema, pa, pq)
            written.append(year)
    for key in list(previous):
        year = int(key)
        if year not in fingerprints and (years is None or year in years):
            shutil.rmtree(_folder(directory, year), ignore_errors=True)
            removed.append(year)
    kept = {k: v for k, v in previous.items() if int(k) in fingerprints}
    kept.update({str(y): fingerprints[y] for y in (*written, *unchanged)})
    _replace_text(manifest_path, json.dumps(dict(sorted(kept.items())), indent=1) + "\n")
    return ExportSummary(tuple(written), tuple(unchanged), tuple(sorted(removed)), rows)


def _fingerprints(connection: Connection) -> dict[int, str]:
    """Per year with current reports, a text that changes whenever its exported rows may:
    its current reports (count, ids, last load) and the body registry (names, merges)."""
    bodies = connection.execute(text("SELECT count(*) FROM agencies")).scalar_one()
    changes = connection.execute(text("SELECT coalesce(max(change_id), 0) FROM agency_changes"))
    registry_mark = f"{bodies}:{changes.scalar_one()}"
    found = connection.execute(
        text(
            "SELECT year, count(*), sum(report_id), max(report_id) FROM reports"
            " WHERE is_current GROUP BY year ORDER BY year"
        )
    )
    return {int(y): f"{n}:{total}:{last}:{registry_mark}" for y, n, total, last in found}


def _write_year(
    connection: Connection, directory: Path, year: int, schema: Any, pa: Any, pq: Any
) -> int:
    """Write one year's rows to its folder (beside it first, then renamed); how many."""
    folder = _folder(directory, year)
    scratch = directory / f".year={year}.writing"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    count = 0
    with pq.ParquetWriter(scratch / FILE, schema, compression="zstd") as writer:
        for batch in _batches(connection, year):
            columns = {
                name: [_plain(name, row[i]) for row in batch] for i, name in enumerate(schema.names)
            }
            writer.write_table(pa.table(columns, schema=schema))
            count += len(batch)
    if folder.exists():
        old = directory / f".year={year}.old"
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
        scratch.rename(folder)
        shutil.rmtree(old)
    else:
        scratch.rename(folder)
    return count


def _batches(connection: Connection, year: int) -> Iterator[list[Any]]:
    columns = [c for c in VIEW_COLUMNS[VIEW] if c != "year"]
    statement = text(
        f"SELECT {', '.join(columns)} FROM {VIEW} WHERE year = :year"
        f" ORDER BY {', '.join(VIEW_ORDER[VIEW])}"
    )
    result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(
        statement, {"year": year}
    )
    for partition in result.partitions():
        yield list(partition)


def _schema(pa: Any) -> Any:
    """The columns of `rpt_figures_long` but `year` (the partition), typed."""
    fields = []
    for name in VIEW_COLUMNS[VIEW]:
        if name == "year":
            continue
        if name == "value":
            fields.append(pa.field(name, pa.decimal128(18, 4)))
        elif name in _INTEGER_COLUMNS:
            fields.append(pa.field(name, pa.int64()))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def _plain(name: str, value: Any) -> Any:
    """A value as its Parquet column takes it: figures exact to four places."""
    if value is None:
        return None
    if name == "value":
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.quantize(_FOUR_PLACES)
    if name in _INTEGER_COLUMNS:
        return int(value)
    return str(value)


def _folder(directory: Path, year: int) -> Path:
    return directory / f"year={year}"


def _replace_text(path: Path, content: str) -> None:
    scratch = path.with_name(path.name + ".writing")
    scratch.write_text(content, encoding="utf-8")
    os.replace(scratch, path)
