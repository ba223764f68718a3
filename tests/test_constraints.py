"""The database itself refuses what the schema forbids, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from models import Agency, Figure, Report, RequestCount, SourceFile


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        yield connection


def _report(conn: Connection, *, year: int = 2017, current: bool = True) -> int:
    agency_id = conn.execute(select(Agency.agency_id).where(Agency.name == "安陆市")).scalar()
    if agency_id is None:
        agency_id = conn.execute(
            insert(Agency).values(name="安陆市", level_code="county", division_code="420982")
        ).inserted_primary_key[0]
    file_id = conn.execute(
        insert(SourceFile).values(
            sha256=uuid.uuid4().hex * 2,
            file_name="anlu.xlsx",
            original_path="data/samples/anlu.xlsx",
            file_format="xlsx",
            size_bytes=1,
            status="loaded",
        )
    ).inserted_primary_key[0]
    version = 1 + len(conn.execute(select(Report).where(Report.year == year)).all())
    return int(
        conn.execute(
            insert(Report).values(
                agency_id=agency_id,
                year=year,
                regime_code="pre2019",
                version=version,
                is_current=current,
                source_file_id=file_id,
            )
        ).inserted_primary_key[0]
    )


def _figure(report_id: int, value: object, measure: str = "proactive.total") -> dict[str, object]:
    return {
        "report_id": report_id,
        "measure_code": measure,
        "value": value,
        "unit_code": "条",
        "source_sheet": "主动公开",
        "source_cell": "C5",
    }


def test_a_valid_figure_is_stored(conn: Connection) -> None:
    report_id = _report(conn)
    conn.execute(insert(Figure).values(_figure(report_id, 8052)))
    assert conn.execute(select(Figure.value, Figure.value_qualifier)).all() == [(8052, "exact")]


def test_negative_count_is_refused(conn: Connection) -> None:
    report_id = _report(conn)
    with pytest.raises(IntegrityError, match="value_non_negative"):
        conn.execute(insert(Figure).values(_figure(report_id, -1)))


def test_negative_request_count_is_refused(conn: Connection) -> None:
    report_id = _report(conn)
    with pytest.raises(IntegrityError, match="value_non_negative"):
        conn.execute(
            insert(RequestCount).values(
                report_id=report_id,
                measure_code="requests.count",
                request_row_code="std2021.new",
                applicant_type_code="total",
                value=-3,
                source_cell="I5",
            )
        )


def test_unknown_qualifier_is_refused(conn: Connection) -> None:
    report_id = _report(conn)
    with pytest.raises(IntegrityError, match="qualifier"):
        conn.execute(insert(Figure).values({**_figure(report_id, 1), "value_qualifier": "guess"}))


def test_second_current_report_for_same_body_and_year_is_refused(conn: Connection) -> None:
    _report(conn)
    # PostgreSQL names the index; SQLite names its columns.
    with pytest.raises(
        IntegrityError, match=r"uq_reports_current_agency_year|reports\.agency_id, reports\.year"
    ):
        _report(conn)


def test_history_versions_may_coexist_with_the_current_one(conn: Connection) -> None:
    first = _report(conn)
    conn.execute(update(Report).where(Report.report_id == first).values(is_current=False))
    _report(conn)
    rows = conn.execute(select(Report.version, Report.is_current).order_by(Report.version)).all()
    assert rows == [(1, False), (2, True)]


def test_fact_pointing_at_a_missing_report_is_refused(conn: Connection) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(insert(Figure).values(_figure(999_999, 1)))


def test_fact_with_unknown_measure_is_refused(conn: Connection) -> None:
    report_id = _report(conn)
    with pytest.raises(IntegrityError):
        conn.execute(insert(Figure).values(_figure(report_id, 1, measure="no.such.measure")))


def test_year_out_of_range_is_refused(conn: Connection) -> None:
    with pytest.raises(IntegrityError, match="year_in_range"):
        _report(conn, year=1999)


@pytest.mark.parametrize("code", ["42098", "4209821", "42O982"])
def test_malformed_division_code_is_refused(conn: Connection, code: str) -> None:
    # Too long is refused by the column's type on PostgreSQL, by the CHECK on SQLite.
    with pytest.raises(DBAPIError, match=r"division_code_six_digits|too long"):
        conn.execute(insert(Agency).values(name="某县", level_code="county", division_code=code))


def test_sibling_bodies_need_distinct_names(conn: Connection) -> None:
    parent = conn.execute(
        insert(Agency).values(name="安陆市", level_code="county")
    ).inserted_primary_key[0]
    conn.execute(
        insert(Agency).values(name="赵棚镇", level_code="township", parent_agency_id=parent)
    )
    with pytest.raises(IntegrityError):
        conn.execute(
            insert(Agency).values(name="赵棚镇", level_code="township", parent_agency_id=parent)
        )


def test_top_level_bodies_need_distinct_names(conn: Connection) -> None:
    conn.execute(insert(Agency).values(name="湖北省", level_code="province"))
    with pytest.raises(IntegrityError, match=r"uq_agencies_name_top_level|agencies\.name"):
        conn.execute(insert(Agency).values(name="湖北省", level_code="province"))
