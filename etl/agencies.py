"""Reporting bodies: found by name under their parent, created when a report names a new one.

Names are unique only among siblings (two counties may each have a 城关镇), so a body is found
by its name under its parent's. A parent is found by name among top-level bodies first, then
anywhere; a parent not yet known is created one level above the body (a county's parent is a
prefecture). Townships named in a county's 权责清单 figures become its children.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, insert, select, update

from etl.db import table_of
from etl.records import ReportHeader
from models.agencies import Agency
from models.base import utc_now

#: The level of a parent created for a body of each level.
PARENT_LEVELS = {
    "province": "province",
    "prefecture": "province",
    "county": "prefecture",
    "township": "county",
    "department": "county",
}


def find_agency(connection: Connection, header: ReportHeader) -> int | None:
    """The id of the body a report header names, or None if the warehouse does not know it."""
    parent_id: int | None = None
    if header.parent_agency_name:
        parent_id = _find_by_name(connection, header.parent_agency_name)
        if parent_id is None:
            return None
    return _find_child(connection, parent_id, header.agency_name)


def ensure_agency(connection: Connection, header: ReportHeader) -> int:
    """The id of the body a report header names, creating it (and its parent) if new.

    A division code the header gives is recorded on a body that had none.
    """
    parent_id: int | None = None
    if header.parent_agency_name:
        parent_id = _find_by_name(connection, header.parent_agency_name)
        if parent_id is None:
            parent_id = _create(
                connection, header.parent_agency_name, PARENT_LEVELS[header.level_code], None
            )
    agency_id = _find_child(connection, parent_id, header.agency_name)
    if agency_id is None:
        return _create(
            connection, header.agency_name, header.level_code, parent_id, header.division_code
        )
    if header.division_code:
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == agency_id, Agency.division_code.is_(None))
            .values(division_code=header.division_code)
        )
    return agency_id


def ensure_townships(
    connection: Connection, parent_id: int, names: Iterable[str]
) -> dict[str, int]:
    """Ids of the named townships under `parent_id`, creating those not yet known."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    query = select(Agency.name, Agency.agency_id).where(
        Agency.parent_agency_id == parent_id, Agency.name.in_(wanted)
    )
    known = {name: agency_id for name, agency_id in connection.execute(query)}
    new = [name for name in wanted if name not in known]
    if new:
        now = utc_now()
        connection.execute(
            insert(Agency),
            [
                {
                    "name": name,
                    "level_code": "township",
                    "parent_agency_id": parent_id,
                    "created_at": now,
                }
                for name in new
            ],
        )
        known = {name: agency_id for name, agency_id in connection.execute(query)}
    return known


def _find_by_name(connection: Connection, name: str) -> int | None:
    rows = connection.execute(_BY_NAME, {"name": name}).all()
    return rows[0].agency_id if rows else None


def _find_child(connection: Connection, parent_id: int | None, name: str) -> int | None:
    if parent_id is None:
        return connection.execute(_TOP_LEVEL, {"name": name}).scalar_one_or_none()
    return connection.execute(_CHILD, {"parent_id": parent_id, "name": name}).scalar_one_or_none()


def _create(
    connection: Connection,
    name: str,
    level_code: str,
    parent_id: int | None,
    division_code: str | None = None,
) -> int:
    return int(
        connection.execute(
            _INSERT,
            {
                "name": name,
                "level_code": level_code,
                "parent_agency_id": parent_id,
                "division_code": division_code,
                "created_at": utc_now(),
            },
        ).scalar_one()
    )


# Built once: the loader runs them for every report.
_BY_NAME = (
    select(Agency.agency_id, Agency.parent_agency_id)
    .where(Agency.name == bindparam("name"))
    .order_by(Agency.parent_agency_id.is_not(None), Agency.agency_id)
)
_TOP_LEVEL = select(Agency.agency_id).where(
    Agency.parent_agency_id.is_(None), Agency.name == bindparam("name")
)
_CHILD = select(Agency.agency_id).where(
    Agency.parent_agency_id == bindparam("parent_id"), Agency.name == bindparam("name")
)
_INSERT = insert(table_of(Agency)).returning(Agency.agency_id)
