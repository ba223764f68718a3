"""Which body a report header names, whatever order the files come in: found, adopted,
confirmed or created, never duplicated.

A body is known by its division code where the header gives one, else by its `name_key` (or an
alias) under the parent the header names. A body named before it reported (as a parent) is
`provisional` and top-level until a file says where it belongs: the first file that names its
parent *adopts* it there, and its own report *confirms* it. A header without 上级单位 names the
one body of that name wherever it is; two such bodies are an ambiguity, an error that lists
them, never a new row. A header that names another parent than the one on record is a warning,
and the move is recorded (`agency_changes`), not applied.

`identify` decides, reading only; `ensure_body` applies its decision in the file's transaction.
The validation of a file (`etl.load.validate`) reports `identify`'s findings, so a file whose
body is ambiguous is rejected before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    Row,
    Select,
    bindparam,
    insert,
    literal,
    select,
    union_all,
    update,
)

from etl.bodies.names import Level, infer_level, name_key, township_stem
from etl.db import table_of
from etl.records import Finding, Location, ReportHeader
from etl.rules import finding
from models.agencies import Agency, AgencyAlias, AgencyChange
from models.base import utc_now

#: The level a parent usually has, given its child's level (a 市 above a county is a
#: prefecture, above a township a county-level city); None where the child does not tell.
PARENT_LEVEL_OF: dict[str, Level | None] = {
    "prefecture": "province",
    "county": "prefecture",
    "township": "county",
    "department": None,
    "province": None,
    "unknown": None,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A body a name or code may mean: its row, and how it matched."""

    agency_id: int
    name: str
    parent_agency_id: int | None
    parent_name: str | None
    status: str
    division_code: str | None
    level_code: str
    via: Literal["name", "alias", "code"]


@dataclass(slots=True)
class Identity:
    """What `identify` decided for a header.

    `agency_id` is the body when it exists; `action` says what `ensure_body` does: `use` it,
    `adopt` it under `parent_id`, `confirm` a provisional body (with `adopt` if it also gets
    its parent), or `create` it. `parent_action` is the same for the parent the header names.
    """

    agency_id: int | None
    action: Literal["use", "adopt", "confirm", "adopt_confirm", "create"]
    parent_id: int | None = None
    parent_action: Literal["none", "use", "create"] = "none"
    level: Level | None = None
    parent_level: Level | None = None
    alias: str | None = None  # the header's name, when it is not the body's own
    moved_from: int | None = None  # the parent on record, when the header names another
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        """Whether the header cannot be resolved (an ambiguity)."""
        return any(f.severity == "error" for f in self.findings)


def identify(connection: Connection, header: ReportHeader) -> Identity:
    """Which body `header` names and what loading it would do; findings for an ambiguous
    name, a parent that differs from the one on record, and a level nothing decides."""
    where = header.location or Location("")
    parent_id: int | None = None
    parent_action: Literal["none", "use", "create"] = "none"
    parent_level: Level | None = None
    findings: list[Finding] = []
    child_level = (
        header.level_code
        or infer_level(header.agency_name, division_code=header.division_code).level
    )
    if header.parent_agency_name:
        found = find_candidates(connection, name_key(header.parent_agency_name), None)
        parent = _one(found, prefer_top_level=True)
        if isinstance(parent, list):
            return Identity(None, "create", findings=[_ambiguous(header, where, parent, True)])
        if parent is None:
            parent_action = "create"
            guess = infer_level(header.parent_agency_name)
            parent_level = guess.level
            if parent_level == "unknown" and guess.reason.startswith("市"):
                parent_level = PARENT_LEVEL_OF.get(child_level) or "unknown"
            if parent_level == "unknown":
                findings.append(_level_unknown(header.parent_agency_name, where, guess.reason))
        else:
            parent_id, parent_action = parent.agency_id, "use"
    key = name_key(header.agency_name)
    candidates = find_candidates(connection, key, header.division_code)
    level = _level(header, child_level, findings, where)
    by_code = [c for c in candidates if c.via == "code"]
    if by_code:
        body = by_code[0]
        return _found(body, header, parent_id, parent_action, parent_level, level, findings)
    if header.parent_agency_name:
        under = [c for c in candidates if c.parent_agency_id == parent_id and parent_id]
        if under:
            chosen = _one(under)
            if isinstance(chosen, list):
                return Identity(None, "create", findings=[_ambiguous(header, where, chosen)])
            assert chosen is not None
            return _found(chosen, header, parent_id, parent_action, parent_level, level, findings)
        loose = [c for c in candidates if c.parent_agency_id is None]
        if len(loose) == 1:
            return _found(loose[0], header, parent_id, parent_action, parent_level, level, findings)
        if len(loose) > 1:
            return Identity(None, "create", findings=[_ambiguous(header, where, loose)])
        return Identity(
            None, "create", parent_id, parent_action, level, parent_level, findings=findings
        )
    chosen = _one(candidates)
    if isinstance(chosen, list):
        return Identity(None, "create", findings=[_ambiguous(header, where, chosen)])
    if chosen is None:
        return Identity(None, "create", None, "none", level, findings=findings)
    return _found(chosen, header, chosen.parent_agency_id, "none", None, level, findings)


def _found(
    body: Candidate,
    header: ReportHeader,
    parent_id: int | None,
    parent_action: Literal["none", "use", "create"],
    parent_level: Level | None,
    level: Level,
    findings: list[Finding],
) -> Identity:
    """The decision for a header that names an existing body."""
    named_parent = bool(header.parent_agency_name)
    adopt = named_parent and body.parent_agency_id is None
    moved_from = None
    if named_parent and body.parent_agency_id is not None and body.parent_agency_id != parent_id:
        moved_from = body.parent_agency_id
        findings.append(_moved(header, body))
    confirm = body.status == "provisional"
    action: Literal["use", "adopt", "confirm", "adopt_confirm", "create"] = (
        "adopt_confirm"
        if adopt and confirm
        else "adopt"
        if adopt
        else "confirm"
        if confirm
        else "use"
    )
    alias = header.agency_name if name_key(header.agency_name) != name_key(body.name) else None
    return Identity(
        body.agency_id,
        action,
        parent_id if adopt else body.parent_agency_id,
        parent_action if adopt else "none",
        level,
        parent_level,
        alias,
        moved_from,
        findings,
    )


def _level(
    header: ReportHeader, child_level: str, findings: list[Finding], where: Location
) -> Level:
    """The level a body gets from its header, else its code or name; a warning if unknown."""
    if header.level_code:
        return header.level_code  # type: ignore[return-value]  # checked by the header reader
    guess = infer_level(header.agency_name, division_code=header.division_code)
    if guess.level == "unknown":
        findings.append(_level_unknown(header.agency_name, where, guess.reason))
    return guess.level


def _one(
    candidates: Sequence[Candidate], *, prefer_top_level: bool = False
) -> Candidate | list[Candidate] | None:
    """The one body the candidates name, None for none, the list when several do."""
    bodies = {c.agency_id: c for c in candidates}
    if len(bodies) <= 1:
        return next(iter(bodies.values()), None)
    if prefer_top_level:
        top = [c for c in bodies.values() if c.parent_agency_id is None]
        if len(top) == 1:
            return top[0]
    return sorted(bodies.values(), key=lambda c: c.agency_id)


def ensure_body(connection: Connection, header: ReportHeader, run_id: int | None = None) -> int:
    """The id of the body `header` names, adopting, confirming or creating it (and its parent)
    as `identify` decides; raises `ValueError` for an ambiguous header (validation rejects
    those first)."""
    identity = identify(connection, header)
    if identity.is_error:
        raise ValueError(identity.findings[0].message)
    return apply_identity(connection, header, identity, run_id)


def apply_identity(
    connection: Connection, header: ReportHeader, identity: Identity, run_id: int | None
) -> int:
    """Carry out `identity` for `header` in the file's transaction; the body's id."""
    parent_id = identity.parent_id
    if identity.parent_action == "create":
        assert header.parent_agency_name
        parent_id = create_body(
            connection, header.parent_agency_name, identity.parent_level or "unknown", None,
            status="provisional",
        )  # fmt: skip
    agency_id = identity.agency_id
    if agency_id is None:
        return create_body(
            connection,
            header.agency_name,
            identity.level or "unknown",
            parent_id,
            division_code=header.division_code,
        )
    values: dict[str, object] = {}
    if identity.action in ("adopt", "adopt_confirm"):
        values["parent_agency_id"] = parent_id
        record_change(connection, agency_id, "adopted", run_id, new=str(parent_id))
    if identity.action in ("confirm", "adopt_confirm"):
        values["status"] = "active"
        if header.level_code or identity.level != "unknown":
            values["level_code"] = identity.level
        record_change(connection, agency_id, "confirmed", run_id)
    if header.division_code:
        connection.execute(
            update(Agency)
            .where(Agency.agency_id == agency_id, Agency.division_code.is_(None))
            .values(division_code=header.division_code)
        )
    if values:
        connection.execute(update(Agency).where(Agency.agency_id == agency_id).values(**values))
    if identity.alias:
        note_alias(connection, agency_id, identity.alias, header.year, "report")
    if identity.moved_from is not None:
        record_change(
            connection, agency_id, "move_seen", run_id,
            old=str(identity.moved_from), new=header.parent_agency_name,
            detail=f"{header.agency_name} {header.year}: its file names "
            f"{header.parent_agency_name}",
        )  # fmt: skip
    return agency_id


def ensure_townships(
    connection: Connection, parent_id: int, names: Iterable[str], year: int
) -> dict[str, int]:
    """Ids of the named townships under `parent_id` (as a 权责清单 lists them), creating those
    not yet known (provisional, until their own reports arrive). A name matches a township of
    the same name, alias or stem (王义贞 and 王义贞镇 are one township), or else a parentless
    body of that name, which is placed here; a name other than the township's own is noted as
    an alias."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    known = _children(connection, parent_id)
    by_key = {key: agency_id for agency_id, key, _own in known}
    by_stem: dict[str, set[int]] = {}
    own_key = {agency_id: key for agency_id, key, own in known if own}
    for agency_id, key, _own in known:
        by_stem.setdefault(township_stem(key), set()).add(agency_id)
    found: dict[str, int] = {}
    for name in wanted:
        key = name_key(name)
        match = by_key.get(key)
        if match is None:
            stems = by_stem.get(township_stem(key), set())
            match = next(iter(stems)) if len(stems) == 1 else None
        if match is None:
            match = _adopt_loose(connection, key, parent_id)
        if match is None:
            match = create_body(connection, name, "township", parent_id, status="provisional")
            by_key[key] = match
            by_stem.setdefault(township_stem(key), set()).add(match)
            own_key[match] = key
        elif own_key.get(match) != key:
            note_alias(connection, match, name, year, "report")
        found[name] = match
    return found


def _adopt_loose(connection: Connection, key: str, parent_id: int) -> int | None:
    """The one parentless body named `key` (a township whose own file named no parent),
    placed under `parent_id`; None when there is none, or several."""
    loose = connection.execute(
        select(Agency.agency_id).where(
            Agency.name_key == key,
            Agency.parent_agency_id.is_(None),
            Agency.status != "merged",
            Agency.level_code.in_(("township", "unknown")),
        )
    ).all()
    if len(loose) != 1:
        return None
    agency_id = int(loose[0].agency_id)
    connection.execute(
        update(Agency).where(Agency.agency_id == agency_id).values(parent_agency_id=parent_id)
    )
    record_change(connection, agency_id, "adopted", None, new=str(parent_id))
    return agency_id


def note_alias(
    connection: Connection, agency_id: int, name: str, year: int | None, source: str
) -> None:
    """Record `name` as another name of the body, used in `year` (widening the years of an
    alias already recorded)."""
    key = name_key(name)
    row = connection.execute(
        select(AgencyAlias.alias_id, AgencyAlias.first_year, AgencyAlias.last_year).where(
            AgencyAlias.agency_id == agency_id, AgencyAlias.name_key == key
        )
    ).first()
    if row is None:
        connection.execute(
            insert(AgencyAlias).values(
                agency_id=agency_id, name=name, name_key=key, first_year=year, last_year=year,
                source=source, created_at=utc_now(),
            )
        )  # fmt: skip
    elif year is not None:
        first = year if row.first_year is None else min(row.first_year, year)
        last = year if row.last_year is None else max(row.last_year, year)
        if (first, last) != (row.first_year, row.last_year):
            connection.execute(
                update(AgencyAlias)
                .where(AgencyAlias.alias_id == row.alias_id)
                .values(first_year=first, last_year=last)
            )


def find_candidates(connection: Connection, key: str, division_code: str | None) -> list[Candidate]:
    """Bodies named `key` (or with that alias), and the body with `division_code`; a merged
    body stands for the one it was merged into."""
    found: list[Candidate] = []
    for row in connection.execute(_CANDIDATES, {"key": key, "code": division_code or ""}):
        via = row.via
        body: Row[Any] | None = row
        if row.status == "merged":
            target = _merged_target(connection, row.agency_id)
            body = connection.execute(_BODY, {"agency_id": target}).first()
        if body is None:
            continue
        found.append(
            Candidate(
                body.agency_id, body.name, body.parent_agency_id, body.parent_name, body.status,
                body.division_code, body.level_code, via,
            )
        )  # fmt: skip
    return found


def _merged_target(connection: Connection, agency_id: int) -> int:
    seen = set()
    while True:
        target = connection.execute(
            select(Agency.merged_into_agency_id).where(Agency.agency_id == agency_id)
        ).scalar_one_or_none()
        if target is None or target in seen:
            return agency_id
        seen.add(agency_id)
        agency_id = target


def _children(connection: Connection, parent_id: int) -> list[tuple[int, str, bool]]:
    """(id, key, whether it is the body's own name) for each name of each child of a body."""
    own = select(Agency.agency_id, Agency.name_key, literal(True)).where(
        Agency.parent_agency_id == parent_id, Agency.status != "merged"
    )
    aliases = (
        select(AgencyAlias.agency_id, AgencyAlias.name_key, literal(False))
        .join(Agency, Agency.agency_id == AgencyAlias.agency_id)
        .where(Agency.parent_agency_id == parent_id, Agency.status != "merged")
    )
    return [(int(a), str(k), bool(o)) for a, k, o in connection.execute(union_all(own, aliases))]


def create_body(
    connection: Connection,
    name: str,
    level_code: str,
    parent_id: int | None,
    *,
    division_code: str | None = None,
    status: str = "active",
) -> int:
    """Insert a body (its `name_key` from its name); its id."""
    return int(
        connection.execute(
            _INSERT,
            {
                "name": name,
                "name_key": name_key(name),
                "level_code": level_code,
                "parent_agency_id": parent_id,
                "division_code": division_code,
                "status": status,
                "created_at": utc_now(),
            },
        ).scalar_one()
    )


def record_change(
    connection: Connection,
    agency_id: int,
    kind: str,
    run_id: int | None = None,
    *,
    other: int | None = None,
    old: str | None = None,
    new: str | None = None,
    detail: str | None = None,
    by: str | None = None,
) -> int:
    """Add a row to `agency_changes` (by a load's run, or by a person); its id."""
    return int(
        connection.execute(
            insert(AgencyChange)
            .values(
                agency_id=agency_id, kind=kind, other_agency_id=other, old_value=old,
                new_value=new, detail=detail, run_id=run_id,
                changed_by=by if by is not None else "load" if run_id is not None else None,
                changed_at=utc_now(),
            )
            .returning(AgencyChange.change_id)
        ).scalar_one()
    )  # fmt: skip


def _ambiguous(
    header: ReportHeader, where: Location, candidates: Sequence[Candidate], parent: bool = False
) -> Finding:
    name = header.parent_agency_name if parent else header.agency_name
    listed = "; ".join(_describe(c) for c in candidates)
    return finding(
        "body.ambiguous",
        where,
        f"{name} names {len(candidates)} bodies: {listed}; fill in "
        + (
            "the parent's own 上级单位 or its division code"
            if parent
            else "上级单位 or 行政区划代码"
        )
        + " to say which",
        found=name,
        expected="a name that names one body",
    )


def _describe(candidate: Candidate) -> str:
    parent = f"{candidate.parent_name}/" if candidate.parent_name else ""
    code = f", code {candidate.division_code}" if candidate.division_code else ""
    return f"{parent}{candidate.name}{code}"


def _moved(header: ReportHeader, body: Candidate) -> Finding:
    return finding(
        "body.moved",
        header.location or Location(""),
        f"{header.agency_name} is on record under {body.parent_name}, and this file names "
        f"{header.parent_agency_name}: the move is recorded, not applied (ogi agencies move "
        "applies it)",
        found=header.parent_agency_name,
        expected=body.parent_name,
    )


def _level_unknown(name: str, where: Location, reason: str) -> Finding:
    return finding(
        "body.level_unknown",
        where,
        f"the level of {name} is not known ({reason}); it is stored as unknown until its own "
        "report, a division code or `ogi agencies import` says",
        found=name,
        expected="层级 or 行政区划代码",
    )


_PARENT = table_of(Agency).alias("parent")
_COLUMNS = (
    Agency.agency_id,
    Agency.name,
    Agency.parent_agency_id,
    _PARENT.c.name.label("parent_name"),
    Agency.status,
    Agency.division_code,
    Agency.level_code,
)


def _matching(via: str) -> Select[Any]:
    return select(*_COLUMNS, literal(via).label("via")).outerjoin(
        _PARENT, _PARENT.c.agency_id == Agency.parent_agency_id
    )


# Built once: the loader runs it for every report.
_CANDIDATES = union_all(
    _matching("code").where(Agency.division_code == bindparam("code")),
    _matching("name").where(Agency.name_key == bindparam("key")),
    _matching("alias")
    .join(AgencyAlias, AgencyAlias.agency_id == Agency.agency_id)
    .where(AgencyAlias.name_key == bindparam("key")),
)
_BODY = _matching("name").where(Agency.agency_id == bindparam("agency_id"))
_INSERT = insert(table_of(Agency)).returning(Agency.agency_id)
