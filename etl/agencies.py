"""Reporting bodies: found by name under their parent, created when a report names a new one.

Names are unique only among siblings (two counties may each have a 城关镇), so a body is found
by its name under its parent's. A parent is found by name among top-level bodies first, then
anywhere; a parent not yet known is created one level above the body (a county's parent is a
prefecture). Townships named in a county's 权责清单 figures become its children.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass
class AgencyIds:
    """Agency ids a run has found or created, so that later files need not ask again.

    What a file's transaction learns is pending until `keep` (after its commit) and forgotten
    by `drop` (after a rollback): the cache holds only what the warehouse holds. A body is
    known by (parent id, name); a parent found by name alone only when it is top-level (the
    lookup's first choice, which no later body can displace).
    """

    children: dict[tuple[int | None, str], int] = field(default_factory=dict)
    top_level: dict[str, int] = field(default_factory=dict)
    #: Bodies whose division code is recorded: the update that records one is not needed.
    coded: set[int] = field(default_factory=set)
    #: Bodies created in the current transaction: they have no reports before it.
    created: set[int] = field(default_factory=set)
    _children: dict[tuple[int | None, str], int] = field(default_factory=dict)
    _top_level: dict[str, int] = field(default_factory=dict)
    _coded: set[int] = field(default_factory=set)

    def child(self, parent_id: int | None, name: str) -> int | None:
        """The id of the body `name` under `parent_id`, if known."""
        key = (parent_id, name)
        return self.children.get(key) or self._children.get(key)

    def parent(self, name: str) -> int | None:
        """The id of the top-level body `name`, if known."""
        return self.top_level.get(name) or self._top_level.get(name)

    def is_coded(self, agency_id: int) -> bool:
        """Whether the body's division code is known to be recorded."""
        return agency_id in self.coded or agency_id in self._coded

    def learn_child(self, parent_id: int | None, name: str, agency_id: int) -> None:
        """Note the id of a body found or created in the current transaction."""
        self._children[(parent_id, name)] = agency_id

    def learn_parent(self, name: str, agency_id: int) -> None:
        """Note the id of a top-level body found by name in the current transaction."""
        self._top_level[name] = agency_id

    def learn_coded(self, agency_id: int) -> None:
        """Note that the body's division code is recorded in the current transaction."""
        self._coded.add(agency_id)

    def keep(self) -> None:
        """The transaction committed: keep what it learnt."""
        self.children |= self._children
        self.top_level |= self._top_level
        self.coded |= self._coded
        self.drop()

    def drop(self) -> None:
        """The transaction rolled back (or was kept): forget what is pending."""
        self._children.clear()
        self._top_level.clear()
        self._coded.clear()
        self.created.clear()


def find_agency(connection: Connection, header: ReportHeader) -> int | None:
    """The id of the body a report header names, or None if the warehouse does not know it."""
    parent_id: int | None = None
    if header.parent_agency_name:
        parent_id = _find_by_name(connection, header.parent_agency_name)
        if parent_id is None:
            return None
    return _find_child(connection, parent_id, header.agency_name)


def ensure_agency(
    connection: Connection, header: ReportHeader, ids: AgencyIds | None = None
) -> int:
    """The id of the body a report header names, creating it (and its parent) if new.

    A division code the header gives is recorded on a body that had none. With `ids` (a
    run's), bodies found or created before are not looked up again.
    """
    ids = AgencyIds() if ids is None else ids
    parent_id: int | None = None
    if header.parent_agency_name:
        parent_id = _ensure_parent(connection, header, ids)
    agency_id = ids.child(parent_id, header.agency_name)
    if agency_id is None:
        agency_id = _find_child(connection, parent_id, header.agency_name)
        if agency_id is None:
            agency_id = _create(
                connection, header.agency_name, header.level_code, parent_id, header.division_code
            )
            ids.created.add(agency_id)
            if header.division_code:
                ids.learn_coded(agency_id)
        ids.learn_child(parent_id, header.agency_name, agency_id)
    if header.division_code and not ids.is_coded(agency_id):
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == agency_id, Agency.division_code.is_(None))
            .values(division_code=header.division_code)
        )
        ids.learn_coded(agency_id)
    return agency_id


def _ensure_parent(connection: Connection, header: ReportHeader, ids: AgencyIds) -> int:
    """The id of the header's parent body: found by name, else created one level up."""
    name = header.parent_agency_name
    assert name
    parent_id = ids.parent(name)
    if parent_id is not None:
        return parent_id
    row = connection.execute(_BY_NAME, {"name": name}).first()
    if row is not None:
        if row.parent_agency_id is None:
            ids.learn_parent(name, row.agency_id)
        return int(row.agency_id)
    parent_id = _create(connection, name, PARENT_LEVELS[header.level_code], None)
    ids.created.add(parent_id)
    ids.learn_parent(name, parent_id)
    ids.learn_child(None, name, parent_id)
    return parent_id


def ensure_townships(
    connection: Connection, parent_id: int, names: Iterable[str], ids: AgencyIds | None = None
) -> dict[str, int]:
    """Ids of the named townships under `parent_id`, creating those not yet known. With
    `ids` (a run's), townships found or created before are not looked up again."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    if ids is not None:
        cached = {name: ids.child(parent_id, name) for name in wanted}
        if all(found is not None for found in cached.values()):
            return {name: found for name, found in cached.items() if found is not None}
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
    if ids is not None:
        for name, agency_id in known.items():
            ids.learn_child(parent_id, name, agency_id)
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
