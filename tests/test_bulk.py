"""Bulk inserts (executemany, or COPY on PostgreSQL) and synthetic reports without files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, insert, select

from etl.extract import read_file
from etl.load.bulk import COPY_THRESHOLD, insert_rows
from etl.load.fact_rows import fact_table
from etl.load.lineage import find_source_files
from etl.synthetic import write_report
from etl.synthetic.bodies import synthetic_bodies
from etl.synthetic.facts import synthetic_report
from models.agencies import Agency, Report
from models.base import utc_now
from models.lineage import SourceFile


def _report(engine: Engine) -> int:
    now = utc_now()
    with engine.begin() as connection:
        agency = connection.execute(
            insert(Agency)
            .values(name="合成县", level_code="county", created_at=now)
            .returning(Agency.agency_id)
        ).scalar_one()
        source = connection.execute(
            insert(SourceFile)
            .values(
                sha256="a" * 64,
                file_name="synthetic.csv",
                original_path="synthetic.csv",
                file_format="csv",
                size_bytes=0,
                status="loaded",
                first_seen_at=now,
                last_seen_at=now,
            )
            .returning(SourceFile.source_file_id)
        ).scalar_one()
        return int(
            connection.execute(
                insert(Report)
                .values(
                    agency_id=agency,
                    year=2017,
                    regime_code="pre2019",
                    version=1,
                    is_current=True,
                    source_file_id=source,
                    loaded_at=now,
                )
                .returning(Report.report_id)
            ).scalar_one()
        )


def test_a_few_rows_go_in_by_executemany(engine: Engine) -> None:
    report_id = _report(engine)
    rows = [
        {
            "report_id": report_id,
            "measure_code": "requests.count",
            "request_row_code": code,
            "applicant_type_code": "total",
            "value": n,
            "value_qualifier": "exact",
            "source_sheet": "依申请公开",
            "source_cell": f"C{n + 4}",
            "source_text": None,
        }
        for n, code in enumerate(["legacy.received", "legacy.replies", "legacy.completed"])
    ]
    table = fact_table("request_counts")
    with engine.begin() as connection:
        assert insert_rows(connection, table, rows) == 3
        assert insert_rows(connection, table, []) == 0
    with engine.connect() as connection:
        stored = connection.execute(
            select(table.c.request_row_code, table.c.value, table.c.source_cell).order_by(
                table.c.value
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("legacy.received", 0, "C4"), ("legacy.replies", 1, "C5"), ("legacy.completed", 2, "C6")
    ]  # fmt: skip


def test_copy_sized_batches_insert_every_row(engine: Engine) -> None:
    now = utc_now()
    rows = [
        {
            "name": f"合成镇{n:05d}",
            "name_key": f"合成镇{n:05d}",
            "level_code": "township",
            "created_at": now,
        }
        for n in range(COPY_THRESHOLD + 10)
    ]
    with engine.begin() as connection:
        assert insert_rows(connection, Agency.__table__, rows) == COPY_THRESHOLD + 10  # type: ignore[arg-type]
    with engine.connect() as connection:
        names = connection.execute(select(Agency.name).order_by(Agency.name)).scalars().all()
    assert (len(names), names[0], names[-1]) == (2010, "合成镇00000", "合成镇02009")


def test_find_source_files_by_digest(engine: Engine) -> None:
    _report(engine)
    with engine.connect() as connection:
        found = find_source_files(connection, ["a" * 64, "b" * 64])
    assert [(d, r.status) for d, r in found.items()] == [("a" * 64, "loaded")]


def test_a_synthetic_report_holds_what_its_file_reads_as(tmp_path: Path) -> None:
    body = synthetic_bodies(3, 7)[2]
    for year in (2017, 2020, 2022):
        path = tmp_path / f"synthetic-{year}.xlsx"
        write_report(path, body, year, seed=7)
        [read] = read_file(path).reports
        built = synthetic_report(body, year, 7, "synthetic-bulk")
        assert {(f.measure_code, f.dims, f.value.value, f.unit_code) for f in built.facts} == {
            (f.measure_code, f.dims, f.value.value, f.unit_code) for f in read.facts
        }
        assert built.header.agency_name == read.header.agency_name == "合成0101县"
