"""The body registry by hand: list the bodies, import a registry file, rename, alias, merge,
move; every change recorded in `agency_changes` and undone by another command (#16).

Each change runs under the ETL lock (`etl.runs.run.exclusive`: never beside a load) in one
transaction, and checks everything before it writes: a name that cannot be a body's, a body
that would be its own ancestor, a name two bodies under one parent would share. Problems are
collected and raised together as one `RegistryConflict`; nothing is half-applied.

- `rename_body` keeps the old name as an alias; renaming back undoes it.
- `add_alias` / `remove_alias` undo each other.
- `move_body` re-parents; moving back undoes it.
- `merge_bodies` moves one body's reports (renumbering the versions of a year both have, by
  load time), children and township figures to another and keeps the merged body's row as
  `merged`, with what moved in the change's `detail` (JSON); `unmerge_bodies` restores exactly
  that.
- `import_registry` creates (provisional) or updates the bodies a registry file names, found by
  the loader's identity rules (`etl.bodies.resolve.find_candidates`), all rows or none.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Engine, Row, and_, delete, func, insert, or_, select, update

from etl.bodies.names import (
    Level,
    code_level,
    government_key,
    infer_level,
    name_key,
    name_problem,
)
from etl.bodies.registry_file import Registry, RegistryRow, read_registry
from etl.bodies.resolve import Candidate, create_body, find_candidates, record_change
from etl.db import connect, read
from etl.errors import AmbiguousName, NotFound, RegistryConflict
from etl.reports.agencies import find_agency
from etl.runs.events import EventSink, discard
from etl.runs.run import exclusive
from models.agencies import Agency, AgencyAlias, AgencyChange, Report
from models.base import utc_now
from models.facts import ResponsibilityListItem
from models.reference import AgencyLevel

#: The levels a body can have, for `--level`.
LEVELS: tuple[str, ...] = get_args(Level)

#: A span of report years (first, last), as `--year 2016-2018` reads.
Years = tuple[int, int]


@dataclass(frozen=True, slots=True)
class BodyRecord:
    """A body as `ogi agencies list` shows it; `depth` is its depth among the bodies listed."""

    agency_id: int
    name: str
    parent_id: int | None
    parent_name: str | None
    level_code: str
    division_code: str | None
    credit_code: str | None
    status: str
    aliases: tuple[str, ...]
    years: tuple[int, ...]
    depth: int


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """A row of `agency_changes` as `ogi agencies history` shows it: bodies by their
    `parent/name`, a parent's id as its name, and the command that undoes it (if one does)."""

    change_id: int
    changed_at: datetime
    changed_by: str | None
    kind: str
    body: str
    other: str | None
    old_value: str | None
    new_value: str | None
    detail: str | None
    undo: str | None


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """What an import did with a row: the body it names now, `created`, `updated` or
    `unchanged`, and what changed."""

    row: int
    name: str
    body: str
    action: Literal["created", "updated", "unchanged"]
    changes: str


def who(by: str | None) -> str:
    """Who makes a change: `by`, else the operating system's user."""
    if by and by.strip():
        return by.strip()[:100]
    try:
        return getpass.getuser()[:100]
    except (OSError, KeyError):  # no user name in the environment or the password database
        return f"uid {os.getuid()}"


@contextmanager
def _changing(engine: Engine, on_event: EventSink) -> Iterator[Connection]:
    """A connection in a transaction, under the ETL lock (waiting for a load to finish)."""
    with (
        exclusive(engine, wait=True, on_event=on_event),
        connect(engine) as connection,
        connection.begin(),
    ):
        yield connection


# Listing


def list_bodies(
    engine: Engine, *, under: str | None = None, level: str | None = None, merged: bool = False
) -> list[BodyRecord]:
    """The bodies (`under` one and below it, of one `level`, merged ones too with `merged`),
    parents before their children, siblings by level, then division code, then name."""
    with read(engine) as connection:
        root = find_agency(connection, under).agency_id if under else None
        rows = {r.agency_id: r for r in connection.execute(_BODIES)}
        order = {
            code: sort
            for code, sort in connection.execute(
                select(AgencyLevel.level_code, AgencyLevel.sort_order)
            )
        }
        aliases: dict[int, list[str]] = {}
        for agency_id, alias in connection.execute(
            select(AgencyAlias.agency_id, AgencyAlias.name).order_by(AgencyAlias.alias_id)
        ):
            aliases.setdefault(agency_id, []).append(alias)
        years: dict[int, list[int]] = {}
        for agency_id, year in connection.execute(
            select(Report.agency_id, Report.year).where(Report.is_current).order_by(Report.year)
        ):
            years.setdefault(agency_id, []).append(year)
    children: dict[int | None, list[Any]] = {}
    for row in rows.values():
        parent = row.parent_agency_id if row.parent_agency_id in rows else None
        children.setdefault(parent, []).append(row)
    for siblings in children.values():
        siblings.sort(
            key=lambda r: (
                order.get(r.level_code, 99),
                r.division_code or "999999",
                r.name_key,
                r.agency_id,
            )
        )
    found: list[BodyRecord] = []

    def walk(row: Any, depth: int) -> None:
        shown = (merged or row.status != "merged") and (level is None or row.level_code == level)
        if shown:
            parent = rows.get(row.parent_agency_id)
            found.append(
                BodyRecord(
                    row.agency_id,
                    row.name,
                    row.parent_agency_id,
                    None if parent is None else parent.name,
                    row.level_code,
                    row.division_code,
                    row.credit_code,
                    row.status,
                    tuple(aliases.get(row.agency_id, ())),
                    tuple(years.get(row.agency_id, ())),
                    depth,
                )
            )
        for child in children.get(row.agency_id, []):
            walk(child, depth + 1 if shown else depth)

    for top in [rows[root]] if root is not None else children.get(None, []):
        walk(top, 0)
    return found


_BODIES = select(
    Agency.agency_id,
    Agency.name,
    Agency.name_key,
    Agency.parent_agency_id,
    Agency.level_code,
    Agency.division_code,
    Agency.credit_code,
    Agency.status,
)


def body_history(
    engine: Engine, body: str | None = None, *, change_id: int | None = None
) -> list[ChangeRecord]:
    """The changes to the registry, oldest first: all, those of `body` (and of the bodies
    merged into it), or the one `change_id`."""
    with read(engine) as connection:
        query = select(AgencyChange).order_by(AgencyChange.change_id)
        if body is not None:
            agency_id = find_agency(connection, body).agency_id
            ids = {agency_id} | set(
                connection.execute(
                    select(Agency.agency_id).where(Agency.merged_into_agency_id == agency_id)
                ).scalars()
            )
            query = query.where(
                or_(AgencyChange.agency_id.in_(ids), AgencyChange.other_agency_id.in_(ids))
            )
        if change_id is not None:
            query = query.where(AgencyChange.change_id == change_id)
        changes = connection.execute(query).all()
        names = {r.agency_id: (r.name, r.parent_agency_id) for r in connection.execute(_BODIES)}
    return [_change_record(change, names) for change in changes]


def _change_record(change: Row[Any], names: dict[int, tuple[str, int | None]]) -> ChangeRecord:
    def path(agency_id: int | str | None) -> str | None:
        if agency_id is None or agency_id == "":
            return None
        name, parent = names.get(int(agency_id), (f"#{agency_id}", None))
        return name if parent is None else f"{names.get(parent, (f'#{parent}',))[0]}/{name}"

    old, new = change.old_value, change.new_value
    if change.kind in ("moved", "adopted"):
        old, new = path(old), path(new)
    elif change.kind == "move_seen":
        old = path(old)
    body = path(change.agency_id) or ""
    other = path(change.other_agency_id)
    detail = change.detail
    undo: str | None = None
    if change.kind == "merged":
        moved = _merge_detail(change.detail)
        if moved is not None:
            detail = (
                f"{len([r for r in moved['reports'] if r['agency_id'] != change.agency_id])} "
                f"report(s), {len(moved['children'])} child(ren) and "
                f"{len(moved['township_facts'])} township figure(s) moved"
            )
            undo = f"ogi agencies unmerge {change.change_id}"
    elif change.kind == "unmerged":
        undone = _json_field(change.detail, "change_id")
        detail = f"undoes change {undone}" if undone else detail
        undo = f"ogi agencies merge {_arg(body)} {_arg(other or '')}"
    elif change.kind == "renamed":  # by the name it was given, whatever it is called now
        renamed = "/".join([*body.split("/")[:-1], new or ""])
        undo = f"ogi agencies rename {_arg(renamed)} {_arg(old or '')}"
    elif change.kind == "aliased":
        undo = f"ogi agencies unalias {_arg(body)} {_arg(new or '')}"
    elif change.kind == "unaliased":
        years = f" --year {change.detail}" if change.detail else ""
        undo = f"ogi agencies alias {_arg(body)} {_arg(old or '')}{years}"
    elif change.kind == "moved":
        undo = f"ogi agencies move {_arg(body)} " + (_arg(old) if old else "--to-top")
    elif change.kind == "adopted":
        undo = f"ogi agencies move {_arg(body)} --to-top"
    return ChangeRecord(
        int(change.change_id),
        change.changed_at,
        change.changed_by,
        change.kind,
        body,
        other,
        old,
        new,
        detail,
        undo,
    )


def _json_field(detail: str | None, key: str) -> Any:
    """`key` of a change's detail when it is a JSON object, else None."""
    try:
        found = json.loads(detail or "")
    except ValueError:
        return None
    return found.get(key) if isinstance(found, dict) else None


def _arg(text: str) -> str:
    """`text` as one shell word (Chinese names as they are)."""
    if text and not any(c.isspace() or c in "'\"\\$`;&|<>()*?" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


# Renaming, aliases, moving


def rename_body(
    engine: Engine,
    body: str,
    new_name: str,
    *,
    by: str | None = None,
    on_event: EventSink = discard,
) -> int:
    """Call `body` `new_name`, keeping its old name as an alias; the change's id."""
    new_name = new_name.strip()
    _check_name("NEW", new_name)
    with _changing(engine, on_event) as connection:
        found = find_agency(connection, body)
        row = _row(connection, found.agency_id)
        if new_name == row.name:
            raise RegistryConflict([f"NEW: {found.path} is called {new_name} already"])
        _refuse(_clash(connection, row.parent_agency_id, new_name, besides=row.agency_id), "NEW")
        key = name_key(new_name)
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == row.agency_id)
            .values(name=new_name, name_key=key)
        )
        detail = None
        was_alias = _alias(connection, row.agency_id, key)
        if was_alias is not None:
            connection.execute(
                delete(AgencyAlias).where(AgencyAlias.alias_id == was_alias.alias_id)
            )
            detail = f"{was_alias.name} was an alias ({_years_text(was_alias)}): it is the name now"
        if key != row.name_key and _alias(connection, row.agency_id, row.name_key) is None:
            _insert_alias(connection, row.agency_id, row.name, None, "command")
        return record_change(
            connection,
            row.agency_id,
            "renamed",
            old=row.name,
            new=new_name,
            detail=detail,
            by=who(by),
        )


def add_alias(
    engine: Engine,
    body: str,
    alias: str,
    *,
    years: Years | None = None,
    by: str | None = None,
    on_event: EventSink = discard,
) -> int:
    """Record `alias` as another name of `body` (used in `years`, if given); the change's id."""
    alias = alias.strip()
    _check_name("NAME", alias)
    with _changing(engine, on_event) as connection:
        found = find_agency(connection, body)
        row = _row(connection, found.agency_id)
        key = name_key(alias)
        if key == row.name_key:
            raise RegistryConflict([f"NAME: {alias} is the name of {found.path} itself"])
        if _alias(connection, row.agency_id, key) is not None:
            raise RegistryConflict([f"NAME: {alias} is an alias of {found.path} already"])
        _refuse(_clash(connection, row.parent_agency_id, alias, besides=row.agency_id), "NAME")
        _insert_alias(connection, row.agency_id, alias, years, "command")
        return record_change(
            connection,
            row.agency_id,
            "aliased",
            new=alias,
            detail=None if years is None else _span(*years),
            by=who(by),
        )


def remove_alias(
    engine: Engine,
    body: str,
    alias: str,
    *,
    by: str | None = None,
    on_event: EventSink = discard,
) -> int:
    """Forget `alias` as a name of `body`; the change's id (its detail keeps the years)."""
    with _changing(engine, on_event) as connection:
        found = find_agency(connection, body)
        held = _alias(connection, found.agency_id, name_key(alias))
        if held is None:
            known = connection.execute(
                select(AgencyAlias.name)
                .where(AgencyAlias.agency_id == found.agency_id)
                .order_by(AgencyAlias.alias_id)
            ).scalars()
            listed = ", ".join(known) or "none"
            raise RegistryConflict(
                [f"NAME: {alias} is not an alias of {found.path} (its aliases: {listed})"]
            )
        connection.execute(delete(AgencyAlias).where(AgencyAlias.alias_id == held.alias_id))
        return record_change(
            connection,
            found.agency_id,
            "unaliased",
            old=held.name,
            detail=_span(held.first_year, held.last_year) if held.first_year else None,
            by=who(by),
        )


def move_body(
    engine: Engine,
    body: str,
    new_parent: str | None,
    *,
    by: str | None = None,
    on_event: EventSink = discard,
) -> int:
    """Put `body` under `new_parent` (None: at the top); the change's id. A parent that is
    the body itself or below it is refused."""
    with _changing(engine, on_event) as connection:
        found = find_agency(connection, body)
        row = _row(connection, found.agency_id)
        parent_id = None if new_parent is None else find_agency(connection, new_parent).agency_id
        if parent_id == row.parent_agency_id:
            where = "at the top" if parent_id is None else f"under {new_parent}"
            raise RegistryConflict([f"BODY: {found.path} is {where} already"])
        problems = _cycle(connection, row.agency_id, parent_id, found.path, "NEW_PARENT")
        if (clash := _clash(connection, parent_id, row.name, besides=row.agency_id)) is not None:
            problems.append(f"NEW_PARENT: {clash}")
        _refuse_all(problems)
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == row.agency_id)
            .values(parent_agency_id=parent_id)
        )
        return record_change(
            connection,
            row.agency_id,
            "moved",
            old=_id_text(row.parent_agency_id),
            new=_id_text(parent_id),
            by=who(by),
        )


# Merging


def merge_bodies(
    engine: Engine,
    keep: str,
    drop: str,
    *,
    by: str | None = None,
    on_event: EventSink = discard,
) -> int:
    """Merge body `drop` into body `keep`: its reports (the versions of a year both have
    renumbered by load time, the latest current), its children and the township figures that
    name it move to `keep`; its name becomes an alias of `keep`, its row stays as `merged`.
    The change's id; its detail records what moved, for `unmerge_bodies`."""
    with _changing(engine, on_event) as connection:
        kept, dropped = find_agency(connection, keep), find_agency(connection, drop)
        if kept.agency_id == dropped.agency_id:
            raise RegistryConflict([f"B: {drop} names {kept.path}, the body A names"])
        a, b = _row(connection, kept.agency_id), _row(connection, dropped.agency_id)
        problems = []
        if _is_under(connection, a.agency_id, b.agency_id):
            problems.append(
                f"A: {kept.path} is under {dropped.path}, so merging would make it its own parent"
            )
        children = _children(connection, b.agency_id)
        for child in children:
            if (
                clash := _clash(connection, a.agency_id, child.name, besides=child.agency_id)
            ) is not None:
                problems.append(
                    f"B: its child {child.name} cannot move: {clash}; merge the two first"
                )
        problems += _township_clashes(connection, a.agency_id, b.agency_id)
        if problems:
            raise RegistryConflict(
                problems, heading=f"cannot merge {dropped.path} into {kept.path}:"
            )
        years = sorted(
            set(
                connection.execute(
                    select(Report.year).where(Report.agency_id == b.agency_id)
                ).scalars()
            )
        )
        reports = [
            _report_state(r)
            for r in connection.execute(
                select(*_REPORT_COLUMNS)
                .where(
                    or_(
                        Report.agency_id == b.agency_id,
                        and_(Report.agency_id == a.agency_id, Report.year.in_(years)),
                    )
                )
                .order_by(Report.year, Report.loaded_at, Report.report_id)
            )
        ]
        _renumber(connection, a.agency_id, reports)
        connection.execute(
            update(Agency)
            .where(Agency.agency_id.in_([c.agency_id for c in children]))
            .values(parent_agency_id=a.agency_id)
        )
        facts = list(
            connection.execute(
                select(ResponsibilityListItem.fact_id)
                .where(ResponsibilityListItem.township_agency_id == b.agency_id)
                .order_by(ResponsibilityListItem.fact_id)
            ).scalars()
        )
        connection.execute(
            update(ResponsibilityListItem)
            .where(ResponsibilityListItem.fact_id.in_(facts))
            .values(township_agency_id=a.agency_id)
        )
        alias_id = None
        if b.name_key != a.name_key and _alias(connection, a.agency_id, b.name_key) is None:
            span = (years[0], years[-1]) if years else None
            alias_id = _insert_alias(connection, a.agency_id, b.name, span, "merge")
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == b.agency_id)
            .values(status="merged", merged_into_agency_id=a.agency_id)
        )
        if years and a.status == "provisional":  # it has reports now
            connection.execute(
                update(Agency).where(Agency.agency_id == a.agency_id).values(status="active")
            )
        detail = {
            "reports": reports,
            "children": [c.agency_id for c in children],
            "township_facts": facts,
            "alias_id": alias_id,
            "status": b.status,
            "kept_status": a.status,
        }
        return record_change(
            connection,
            a.agency_id,
            "merged",
            other=b.agency_id,
            old=b.name,
            new=a.name,
            detail=json.dumps(detail, ensure_ascii=False),
            by=who(by),
        )


def unmerge_bodies(
    engine: Engine, merge: str, *, by: str | None = None, on_event: EventSink = discard
) -> int:
    """Undo a merge, named by its change id or by the merged body's name: what it moved goes
    back, versions, current flags and all, and the merged body is what it was; the change's
    id. Refused when reports of those years were loaded into the kept body since."""
    with _changing(engine, on_event) as connection:
        change = _merge_change(connection, merge)
        moved = _merge_detail(change.detail)
        a, b = int(change.agency_id), int(change.other_agency_id)
        if moved is None:
            raise RegistryConflict(
                [
                    f"change {change.change_id} (by {change.changed_by}) does not record what it "
                    "moved, so it cannot be undone exactly"
                ]
            )
        kept, dropped = _row(connection, a), _row(connection, b)
        latest = connection.execute(
            select(func.max(AgencyChange.change_id)).where(
                AgencyChange.other_agency_id == b, AgencyChange.kind == "merged"
            )
        ).scalar_one()
        if dropped.merged_into_agency_id != a or latest != change.change_id:
            raise RegistryConflict([f"change {change.change_id} is undone already"])
        if kept.status == "merged":
            raise RegistryConflict(
                [f"{kept.name} was merged into another body since: unmerge that first"]
            )
        recorded = {r["report_id"] for r in moved["reports"]}
        years = sorted({r["year"] for r in moved["reports"]})
        since = connection.execute(
            select(Report.year, Report.report_id)
            .where(Report.agency_id == a, Report.year.in_(years), Report.report_id.not_in(recorded))
            .order_by(Report.year, Report.report_id)
        ).all()
        if since:
            listed = ", ".join(f"{year} (report {report_id})" for year, report_id in since)
            raise RegistryConflict(
                [
                    f"{kept.name} has reports loaded since the merge for {listed}: unmerging would "
                    "split their versions"
                ]
            )
        _restore(connection, moved["reports"])
        connection.execute(
            update(Agency)
            .where(Agency.agency_id.in_(moved["children"]), Agency.parent_agency_id == a)
            .values(parent_agency_id=b)
        )
        connection.execute(
            update(ResponsibilityListItem)
            .where(
                ResponsibilityListItem.fact_id.in_(moved["township_facts"]),
                ResponsibilityListItem.township_agency_id == a,
            )
            .values(township_agency_id=b)
        )
        if moved["alias_id"] is not None:
            connection.execute(
                delete(AgencyAlias).where(
                    AgencyAlias.alias_id == moved["alias_id"], AgencyAlias.agency_id == a
                )
            )
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == b)
            .values(status=moved["status"], merged_into_agency_id=None)
        )
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == a)
            .values(status=moved.get("kept_status", kept.status))
        )
        return record_change(
            connection,
            a,
            "unmerged",
            other=b,
            old=dropped.name,
            new=kept.name,
            detail=json.dumps({"change_id": change.change_id}),
            by=who(by),
        )


_REPORT_COLUMNS = (
    Report.report_id,
    Report.agency_id,
    Report.year,
    Report.version,
    Report.is_current,
    Report.loaded_at,
    Report.superseded_at,
)


def _report_state(row: Any) -> dict[str, Any]:
    """A report's place before a merge, as the merge's detail records it (JSON)."""
    return {
        "report_id": int(row.report_id),
        "agency_id": int(row.agency_id),
        "year": int(row.year),
        "version": int(row.version),
        "is_current": bool(row.is_current),
        "superseded_at": None if row.superseded_at is None else row.superseded_at.isoformat(),
        "loaded_at": row.loaded_at.isoformat(),
    }


def _renumber(connection: Connection, agency_id: int, reports: list[dict[str, Any]]) -> None:
    """Give `reports` (in year and load order) to `agency_id`: a year only one body had keeps
    its versions; the versions of a year both had are numbered again by load time, the last
    current, each earlier one superseded when the next was loaded (if it was not before)."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for report in reports:
        by_year.setdefault(report["year"], []).append(report)
    for year, versions in by_year.items():
        if len({r["agency_id"] for r in versions}) == 1:
            _place(
                connection,
                [
                    (
                        r["report_id"],
                        agency_id,
                        r["version"],
                        r["is_current"],
                        _moment(r["superseded_at"]),
                    )
                    for r in versions
                ],
                year,
            )
            continue
        placed = []
        for number, report in enumerate(versions, start=1):
            last = number == len(versions)
            superseded = _moment(report["superseded_at"])
            if not last and superseded is None:
                superseded = _moment(versions[number]["loaded_at"])
            placed.append((report["report_id"], agency_id, number, last, superseded))
        _place(connection, placed, year)


def _restore(connection: Connection, reports: list[dict[str, Any]]) -> None:
    """Put each report back where the merge's detail says it was."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for report in reports:
        by_year.setdefault(report["year"], []).append(report)
    for year, versions in by_year.items():
        _place(
            connection,
            [
                (
                    r["report_id"],
                    r["agency_id"],
                    r["version"],
                    r["is_current"],
                    _moment(r["superseded_at"]),
                )
                for r in versions
            ],
            year,
        )


def _place(
    connection: Connection,
    placed: list[tuple[int, int, int, bool, datetime | None]],
    year: int,
) -> None:
    """Set each report's (body, version, current, superseded) in two steps: first out of
    the way (versions above any held, none current), so that no intermediate state breaks
    a body's one current report a year or its distinct versions."""
    ids = [report_id for report_id, *_ in placed]
    agencies = {agency_id for _, agency_id, *_ in placed}
    top = connection.execute(
        select(func.max(Report.version)).where(
            Report.year == year,
            or_(Report.report_id.in_(ids), Report.agency_id.in_(agencies)),
        )
    ).scalar_one()
    for offset, report_id in enumerate(ids, start=1):
        connection.execute(
            update(Report)
            .where(Report.report_id == report_id)
            .values(version=int(top or 0) + offset, is_current=False)
        )
    for report_id, agency_id, version, current, superseded in placed:
        connection.execute(
            update(Report)
            .where(Report.report_id == report_id)
            .values(
                agency_id=agency_id, version=version, is_current=current, superseded_at=superseded
            )
        )


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _merge_detail(detail: str | None) -> dict[str, Any] | None:
    """What a merge moved, from its detail; None for a merge that does not record it (those
    of migration 0009)."""
    try:
        moved = json.loads(detail or "")
    except ValueError:
        return None
    return moved if isinstance(moved, dict) and "reports" in moved else None


def _merge_change(connection: Connection, merge: str) -> Row[Any]:
    """The `merged` change that `merge` names: its id, else the latest merge of the merged
    body of that name (or division code)."""
    merge = merge.strip()
    if merge.isdigit():
        change = connection.execute(
            select(AgencyChange).where(
                AgencyChange.change_id == int(merge), AgencyChange.kind == "merged"
            )
        ).first()
        if change is not None:
            return change
        if len(merge) != 6:
            raise NotFound(f"no merge is change {merge}: see ogi agencies history")
    body = find_agency(connection, merge, merged=True)
    change = connection.execute(
        select(AgencyChange)
        .where(AgencyChange.other_agency_id == body.agency_id, AgencyChange.kind == "merged")
        .order_by(AgencyChange.change_id.desc())
        .limit(1)
    ).first()
    if change is None:
        raise NotFound(f"no change records how {body.path} was merged")
    return change


def _township_clashes(connection: Connection, a: int, b: int) -> list[str]:
    """A report's 权责清单 figure that names both bodies as townships: merged, they would be
    one figure twice."""
    item = ResponsibilityListItem
    other = item.__table__.alias("other")
    rows = connection.execute(
        select(Report.year, item.measure_code, _agency_name(Report.agency_id))
        .distinct()
        .join(Report, Report.report_id == item.report_id)
        .join(
            other,
            and_(
                other.c.report_id == item.report_id,
                other.c.measure_code == item.measure_code,
                other.c.township_agency_id == b,
            ),
        )
        .where(item.township_agency_id == a)
        .order_by(Report.year, item.measure_code)
    ).all()
    return [
        f"B: {reporter}'s {year} report lists both as townships ({measure}): the figures would "
        "collide"
        for year, measure, reporter in rows
    ]


def _agency_name(agency_id: Any) -> Any:
    return select(Agency.name).where(Agency.agency_id == agency_id).scalar_subquery()


# Importing a registry


def import_registry(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    by: str | None = None,
    on_event: EventSink = discard,
) -> list[ImportedRow]:
    """Create (provisional) or update the bodies the registry at `path` names: all its rows,
    or, when any row has a problem, none (`RegistryConflict` listing every problem). With
    `dry_run`, what it would do, rolled back."""
    registry = read_registry(path)
    with _changing(engine, on_event) as connection:
        plan = _Import(connection, registry, who(by))
        done = plan.run()
        if registry.problems:
            raise RegistryConflict(
                registry.messages(),
                heading=f"{registry.file}: {len(registry.problems)} problem(s); nothing was "
                "imported:",
            )
        if dry_run:
            connection.get_transaction().rollback()  # type: ignore[union-attr]
    return done


@dataclass
class _Import:
    """One import: the rows in parents-first order, each found, created or updated in turn."""

    connection: Connection
    registry: Registry
    by: str
    ids: dict[int, int] = field(default_factory=dict)  # row number -> body
    failed: set[int] = field(default_factory=set)  # rows with problems
    created_parents: dict[str, int] = field(default_factory=dict)

    def run(self) -> list[ImportedRow]:
        rows = self.registry.rows
        by_name: dict[str, list[RegistryRow]] = {}
        by_code = {r.division_code: r for r in rows if r.division_code}
        for row in rows:
            by_name.setdefault(name_key(row.name), []).append(row)
        parents = {row.number: self._parent_row(row, by_name, by_code) for row in rows}
        done = []
        for row in self._parents_first(rows, parents):
            parent: RegistryRow | str | int | None = parents[row.number]
            if isinstance(parent, RegistryRow) and parent.number in self.failed:
                # Its parent's problem is said; the row is still checked, under the body its
                # parent's row names if there is one.
                parent = self._existing(parent)
                if parent is None:
                    self.failed.add(row.number)
                    continue
            outcome = self._import(row, parent)
            if outcome is None:
                self.failed.add(row.number)
            else:
                done.append(outcome)
        paths = _paths(self.connection, {self.ids[d.row] for d in done})
        return sorted(
            (ImportedRow(d.row, d.name, paths[self.ids[d.row]], d.action, d.changes) for d in done),
            key=lambda d: d.row,
        )

    def _problem(self, row: RegistryRow, column: str | None, message: str) -> None:
        self.registry.note(row.number, column, message)

    def _parent_row(
        self,
        row: RegistryRow,
        by_name: dict[str, list[RegistryRow]],
        by_code: dict[str, RegistryRow],
    ) -> RegistryRow | str | None:
        """The row of this file that is `row`'s parent, else the parent as written (to find
        in the warehouse), else None. Without a parent, a division code implies its
        prefecture's or province's code, when a row or a body has it."""
        if row.parent is None:
            if row.division_code is None:
                return None
            for code in _parent_codes(row.division_code):
                if code in by_code:
                    return by_code[code]
                if self._code_holder(code) is not None:
                    return code
            return None
        if row.parent.isdigit() and row.parent in by_code:
            return by_code[row.parent]
        if "/" not in row.parent:
            named = [r for r in by_name.get(name_key(row.parent), []) if r is not row]
            if len(named) == 1:
                return named[0]
            if len(named) > 1:
                numbers = ", ".join(str(r.number) for r in named)
                self._problem(
                    row,
                    "parent",
                    f"{row.parent} names rows {numbers} of this file; "
                    "give the parent's division code to say which",
                )
                self.failed.add(row.number)
        return row.parent

    def _parents_first(
        self, rows: list[RegistryRow], parents: dict[int, RegistryRow | str | None]
    ) -> list[RegistryRow]:
        """The rows, each after the row that is its parent; rows in a cycle are problems."""
        ordered: list[RegistryRow] = []
        state: dict[int, str] = {}

        def visit(row: RegistryRow, path: list[RegistryRow]) -> None:
            if state.get(row.number) == "done":
                return
            if state.get(row.number) == "visiting":
                cycle = path[path.index(row) :]
                listed = ", ".join(str(r.number) for r in cycle)
                for member in cycle:
                    if member.number not in self.failed:
                        self._problem(
                            member, "parent", f"rows {listed} are each other's parents (a cycle)"
                        )
                        self.failed.add(member.number)
                return
            state[row.number] = "visiting"
            parent = parents[row.number]
            if isinstance(parent, RegistryRow):
                visit(parent, [*path, row])
            state[row.number] = "done"
            ordered.append(row)

        for row in rows:
            visit(row, [])
        return [r for r in ordered if r.number not in self.failed]

    def _code_holder(self, code: str) -> int | None:
        return self.connection.execute(
            select(Agency.agency_id).where(Agency.division_code == code)
        ).scalar_one_or_none()

    def _existing(self, row: RegistryRow) -> int | None:
        """The body a row names in the warehouse as it is, if one does (by code or name)."""
        for name in (row.division_code, row.name):
            if name:
                try:
                    return find_agency(self.connection, name).agency_id
                except (NotFound, AmbiguousName):
                    pass
        return None

    def _parent_id(
        self, row: RegistryRow, parent: RegistryRow | str | int | None
    ) -> int | Literal[False] | None:
        """The parent's body (found, or created as the loader creates a named parent), None
        for none, False after a problem."""
        if parent is None or isinstance(parent, int):
            return parent
        if isinstance(parent, RegistryRow):
            return self.ids[parent.number]
        try:
            return find_agency(self.connection, parent).agency_id
        except AmbiguousName as exc:
            self._problem(row, "parent", str(exc))
            return False
        except NotFound as exc:
            if "/" in parent or parent.isdigit():
                self._problem(row, "parent", str(exc))
                return False
        if parent not in self.created_parents:
            guess = infer_level(parent)
            agency_id = create_body(
                self.connection, parent, guess.level, None, status="provisional"
            )
            record_change(
                self.connection,
                agency_id,
                "created",
                new=parent,
                by=self.by,
                detail=f"named as a parent in {self.registry.where(row.number)}",
            )
            self.created_parents[parent] = agency_id
        return self.created_parents[parent]

    def _import(self, row: RegistryRow, parent: RegistryRow | str | int | None) -> _Done | None:
        """Find or create the row's body and bring it up to date; None after a problem."""
        errors = len(self.registry.problems)
        parent_id = self._parent_id(row, parent)
        if parent_id is False:
            return None
        found = find_candidates(self.connection, name_key(row.name), row.division_code)
        by_code = [c for c in found if c.via == "code"]
        by_name = _distinct([c for c in found if c.via != "code"])
        if parent_id is not None:
            named = [c for c in by_name if c.parent_agency_id == parent_id]
            named = named or [c for c in by_name if c.parent_agency_id is None]
        else:
            named = by_name
        body = self._identify(row, by_code, by_name, named, parent_id)
        if body is False:
            return None
        if body is not None and body.agency_id in self.ids.values():
            first = next(n for n, i in self.ids.items() if i == body.agency_id)
            self._problem(row, "name", f"row {first} names the same body, {_describe(body)}")
            return None
        done = self._create(row, parent_id) if body is None else self._update(row, body, parent_id)
        if done is None or len(self.registry.problems) > errors:
            return None
        return done

    def _identify(
        self,
        row: RegistryRow,
        by_code: list[Candidate],
        by_name: list[Candidate],
        named: list[Candidate],
        parent_id: int | None,
    ) -> Candidate | Literal[False] | None:
        """The body the row names (None: a new one), or False after a problem: the holder of
        its division code, which its name must not contradict, else the one body of its name
        under its parent (or without a parent)."""
        if by_code:
            holder = by_code[0]
            if named and holder.agency_id not in {c.agency_id for c in named}:
                self._problem(
                    row,
                    "division_code",
                    f"{row.division_code} is the code of "
                    f"{_describe(holder)}, and {row.name} is {_describe(named[0])}",
                )
                return False
            if holder.agency_id not in {c.agency_id for c in by_name} and government_key(
                row.name
            ) != government_key(holder.name):
                self._problem(
                    row,
                    "division_code",
                    f"{row.division_code} is the code of "
                    f"{_describe(holder)}, not of {row.name}: correct the code, or "
                    f"name {row.name} an alias of {holder.name} first",
                )
                return False
            return holder
        if len(named) > 1:
            listed = "; ".join(_describe(c) for c in named)
            where = "under its parent " if parent_id is not None else ""
            self._problem(
                row,
                "name",
                f"{row.name} names {len(named)} bodies {where}({listed}); "
                "give its division code to say which",
            )
            return False
        return named[0] if named else None

    def _create(self, row: RegistryRow, parent_id: int | None) -> _Done | None:
        if (clash := _clash(self.connection, parent_id, row.name, besides=0)) is not None:
            self._problem(row, "name", clash)
            return None
        if row.credit_code and not self._credit_code_free(row, row.credit_code, 0):
            return None
        parent_level = None if parent_id is None else _row(self.connection, parent_id).level_code
        level = (
            row.level
            or infer_level(
                row.name, division_code=row.division_code, parent_level=parent_level
            ).level
        )
        agency_id = create_body(
            self.connection,
            row.name,
            level,
            parent_id,
            division_code=row.division_code,
            status="provisional",
        )
        self.ids[row.number] = agency_id
        if row.credit_code:
            self.connection.execute(
                update(Agency)
                .where(Agency.agency_id == agency_id)
                .values(credit_code=row.credit_code)
            )
        record_change(
            self.connection,
            agency_id,
            "created",
            new=row.name,
            by=self.by,
            detail=f"from {self.registry.where(row.number)}",
        )
        changes = [f"level {level}"]
        changes += [f"division code {row.division_code}"] if row.division_code else []
        changes += [f"credit code {row.credit_code}"] if row.credit_code else []
        changes += self._aliases(row, agency_id, parent_id, row.name)
        return _Done(row.number, row.name, "created", "; ".join(changes))

    def _update(self, row: RegistryRow, body: Candidate, parent_id: int | None) -> _Done | None:
        agency_id = body.agency_id
        self.ids[row.number] = agency_id
        current = _row(self.connection, agency_id)
        changes: list[str] = []
        if parent_id is not None and parent_id != current.parent_agency_id:
            problems = _cycle(self.connection, agency_id, parent_id, current.name, None)
            clash = _clash(self.connection, parent_id, current.name, besides=agency_id)
            for problem in [*problems, *([clash] if clash else [])]:
                self._problem(row, "parent", problem)
            if problems or clash:
                return None
            self._set(agency_id, "parent_agency_id", parent_id)
            kind = "adopted" if current.parent_agency_id is None else "moved"
            record_change(
                self.connection,
                agency_id,
                kind,
                old=_id_text(current.parent_agency_id),
                new=str(parent_id),
                by=self.by,
            )
            changes.append(f"parent {_paths(self.connection, {parent_id})[parent_id]}")
        level = self._level(row, current, parent_id)
        if level is False:
            return None
        if level is not None:
            self._set(agency_id, "level_code", level)
            record_change(
                self.connection,
                agency_id,
                "level_set",
                old=current.level_code,
                new=level,
                by=self.by,
            )
            changes.append(f"level {level}")
        if row.division_code and row.division_code != current.division_code:
            if current.division_code is not None:
                self._problem(
                    row,
                    "division_code",
                    f"{current.name} has the division code "
                    f"{current.division_code}, not {row.division_code}",
                )
                return None
            self._set(agency_id, "division_code", row.division_code)
            record_change(self.connection, agency_id, "code_set", new=row.division_code, by=self.by)
            changes.append(f"division code {row.division_code}")
        if row.credit_code and row.credit_code != current.credit_code:
            if current.credit_code is not None:
                self._problem(
                    row,
                    "credit_code",
                    f"{current.name} has the credit code "
                    f"{current.credit_code}, not {row.credit_code}",
                )
                return None
            if not self._credit_code_free(row, row.credit_code, agency_id):
                return None
            self._set(agency_id, "credit_code", row.credit_code)
            record_change(
                self.connection, agency_id, "credit_code_set", new=row.credit_code, by=self.by
            )
            changes.append(f"credit code {row.credit_code}")
        changes += self._aliases(
            row,
            agency_id,
            current.parent_agency_id if parent_id is None else parent_id,
            current.name,
        )
        return _Done(
            row.number, row.name, "updated" if changes else "unchanged", "; ".join(changes)
        )

    def _level(
        self, row: RegistryRow, current: Row[Any], parent_id: int | None
    ) -> str | Literal[False] | None:
        """The level the row gives the body, None when it stays, False after a problem: the
        row's level, else what the body's new code or its name says of a body of unknown
        level. A level that contradicts the body's division code is a problem."""
        code = current.division_code or row.division_code
        if row.level is not None:
            level: str = row.level
            column = "level"
        elif code is not None and current.level_code != "unknown":
            level, column = code_level(code), "division_code"
        elif current.level_code == "unknown":
            parent_level = (
                None if parent_id is None else _row(self.connection, parent_id).level_code
            )
            level = infer_level(row.name, division_code=code, parent_level=parent_level).level
            column = "level"
        else:
            return None
        if level in (current.level_code, "unknown"):
            return None
        if code is not None and code_level(code) != level:
            self._problem(
                row,
                column,
                f"{current.name}'s division code {code} is a "
                f"{code_level(code)}'s, and the row says it is a {level}",
            )
            return False
        if column == "division_code":
            self._problem(
                row,
                column,
                f"{code} is a {level}'s code, and {current.name} is a {current.level_code}",
            )
            return False
        return level

    def _aliases(
        self, row: RegistryRow, agency_id: int, parent_id: int | None, own: str
    ) -> list[str]:
        """Add the row's name (when it is not the body's) and its aliases as aliases."""
        added = []
        for alias in (row.name, *row.aliases):
            key = name_key(alias)
            if key == name_key(own) or _alias(self.connection, agency_id, key) is not None:
                continue
            clash = _clash(self.connection, parent_id, alias, besides=agency_id)
            if clash is not None:
                self._problem(row, "aliases" if alias != row.name else "name", clash)
                continue
            _insert_alias(self.connection, agency_id, alias, None, "registry")
            record_change(
                self.connection,
                agency_id,
                "aliased",
                new=alias,
                by=self.by,
                detail=f"from {self.registry.where(row.number)}",
            )
            added.append(f"alias {alias}")
        return added

    def _credit_code_free(self, row: RegistryRow, credit_code: str, agency_id: int) -> bool:
        holder = self.connection.execute(
            select(Agency.agency_id).where(
                Agency.credit_code == credit_code, Agency.agency_id != agency_id
            )
        ).scalar_one_or_none()
        if holder is None:
            return True
        path = _paths(self.connection, {holder})[holder]
        self._problem(row, "credit_code", f"{credit_code} is the credit code of {path}")
        return False

    def _set(self, agency_id: int, column: str, value: object) -> None:
        self.connection.execute(
            update(Agency).where(Agency.agency_id == agency_id).values({column: value})
        )


@dataclass(frozen=True, slots=True)
class _Done:
    row: int
    name: str
    action: Literal["created", "updated", "unchanged"]
    changes: str


def _parent_codes(code: str) -> list[str]:
    """The codes of the bodies a division code implies are above it, nearest first: a
    county's prefecture and province, a prefecture's province."""
    level = code_level(code)
    if level == "county":
        return [code[:4] + "00", code[:2] + "0000"]
    if level == "prefecture":
        return [code[:2] + "0000"]
    return []


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    return list({c.agency_id: c for c in candidates}.values())


def _describe(candidate: Candidate) -> str:
    parent = f"{candidate.parent_name}/" if candidate.parent_name else ""
    return f"{parent}{candidate.name}"


# Shared checks


def _check_name(argument: str, name: str) -> None:
    if (why := name_problem(name)) is not None:
        raise RegistryConflict([f'{argument}: "{name}" cannot name a body: it is {why}'])


def _row(connection: Connection, agency_id: int) -> Row[Any]:
    return connection.execute(select(Agency).where(Agency.agency_id == agency_id)).one()


def _children(connection: Connection, agency_id: int) -> list[Row[Any]]:
    return list(
        connection.execute(
            select(Agency.agency_id, Agency.name)
            .where(Agency.parent_agency_id == agency_id, Agency.status != "merged")
            .order_by(Agency.agency_id)
        )
    )


def _alias(connection: Connection, agency_id: int, key: str) -> Row[Any] | None:
    return connection.execute(
        select(AgencyAlias).where(AgencyAlias.agency_id == agency_id, AgencyAlias.name_key == key)
    ).first()


def _insert_alias(
    connection: Connection, agency_id: int, name: str, years: Years | None, source: str
) -> int:
    first, last = years if years is not None else (None, None)
    return int(
        connection.execute(
            insert(AgencyAlias)
            .values(
                agency_id=agency_id,
                name=name,
                name_key=name_key(name),
                first_year=first,
                last_year=last,
                source=source,
                created_at=utc_now(),
            )
            .returning(AgencyAlias.alias_id)
        ).scalar_one()
    )


def _clash(connection: Connection, parent_id: int | None, name: str, *, besides: int) -> str | None:
    """What already holds `name` under `parent_id` (at the top for None), other than body
    `besides`: a body of that name or key, or with that alias; None when nothing does."""
    key = name_key(name)
    same_parent = (
        Agency.parent_agency_id.is_(None)
        if parent_id is None
        else Agency.parent_agency_id == parent_id
    )
    where = (
        "at the top" if parent_id is None else f"under {_paths(connection, {parent_id})[parent_id]}"
    )
    holder = connection.execute(
        select(Agency.name, Agency.status)
        .where(
            same_parent,
            Agency.agency_id != besides,
            or_(and_(Agency.status != "merged", Agency.name_key == key), Agency.name == name),
        )
        .limit(1)
    ).first()
    if holder is not None:
        merged = " (merged into another)" if holder.status == "merged" else ""
        return f"{holder.name}{merged} is {where} already"
    aliased = connection.execute(
        select(Agency.name, AgencyAlias.name.label("alias"))
        .join(AgencyAlias, AgencyAlias.agency_id == Agency.agency_id)
        .where(
            same_parent,
            Agency.agency_id != besides,
            Agency.status != "merged",
            AgencyAlias.name_key == key,
        )
        .limit(1)
    ).first()
    if aliased is not None:
        return f"{aliased.alias} is an alias of {aliased.name} {where}"
    return None


def _is_under(connection: Connection, agency_id: int, ancestor: int) -> bool:
    """Whether body `agency_id` is `ancestor` or below it."""
    seen: set[int] = set()
    current: int | None = agency_id
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = connection.execute(
            select(Agency.parent_agency_id).where(Agency.agency_id == current)
        ).scalar_one_or_none()
    return False


def _cycle(
    connection: Connection, agency_id: int, parent_id: int | None, name: str, argument: str | None
) -> list[str]:
    """Why `parent_id` cannot be the parent of `agency_id`: it is the body or below it."""
    if parent_id is None or not _is_under(connection, parent_id, agency_id):
        return []
    prefix = f"{argument}: " if argument else ""
    if parent_id == agency_id:
        return [f"{prefix}{name} cannot be its own parent"]
    path = _paths(connection, {parent_id})[parent_id]
    return [f"{prefix}{path} is below {name}, so {name} cannot move under it (a cycle)"]


def _refuse(problem: str | None, argument: str) -> None:
    if problem is not None:
        raise RegistryConflict([f"{argument}: {problem}"])


def _refuse_all(problems: list[str]) -> None:
    if problems:
        raise RegistryConflict(problems)


def _paths(connection: Connection, ids: set[int]) -> dict[int, str]:
    """`parent/name` of each body."""
    parent = Agency.__table__.alias("parent")
    return {
        int(agency_id): name if parent_name is None else f"{parent_name}/{name}"
        for agency_id, name, parent_name in connection.execute(
            select(Agency.agency_id, Agency.name, parent.c.name)
            .outerjoin(parent, parent.c.agency_id == Agency.parent_agency_id)
            .where(Agency.agency_id.in_(ids))
        )
    }


def _id_text(agency_id: int | None) -> str | None:
    return None if agency_id is None else str(agency_id)


def _span(first: int | None, last: int | None) -> str:
    return f"{first}" if first == last else f"{first}-{last}"


def _years_text(alias: Row[Any]) -> str:
    if alias.first_year is None:
        return "years not known"
    return _span(alias.first_year, alias.last_year)
