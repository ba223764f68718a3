"""Naming a reporting body: the one lookup every command that takes a body goes through.

A body is named by its name (`安陆市`), by its name under its parents where a name is not
unique (`孝感市/安陆市`, as many levels up as it takes: `湖北省/孝感市/城关镇`), or by its
6-digit administrative-division code (`420982`). Names match exactly, else compared as NFKC
without spaces (`示例县(合成数据)` finds `示例县（合成数据）`, by the `name_key` column), else
as one of a body's aliases (`agency_aliases`: a name it had before, 王义贞 for 王义贞镇). A
body merged into another (`ogi agencies merge`) stands for the one it was merged into, and is
never offered as a candidate itself. Two errors, and each says what to type next: `NotFound`
suggests up to five similar names, `AmbiguousName` lists the candidates as `parent/name`,
ready to copy.

The loader identifies the body a report header names by rules of its own, creating bodies as
it goes (bodies as master data, #16); this is the lookup of everything that reads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, bindparam, select
from sqlalchemy.orm import aliased

from etl.errors import AmbiguousName, NotFound
from models.agencies import Agency, AgencyAlias, name_key

#: How many similar names a `NotFound` suggests, and how like the name asked for they must be
#: (difflib's ratio, as `get_close_matches`'s default).
SUGGESTIONS = 5
SIMILAR = 0.6

_DIVISION_CODE = re.compile(r"\d{6}")

#: A `/` between a parent's name and its child's: one not written `\/`.
_SEPARATOR = re.compile(r"(?<!\\)/")


@dataclass(frozen=True, slots=True)
class Body:
    """A reporting body as the reports name it."""

    agency_id: int
    name: str
    parent_name: str | None

    @property
    def path(self) -> str:
        """`parent/name`, the way to name the body where its name is not unique (a `/` in a
        name written `\\/`)."""
        names = [self.parent_name, self.name] if self.parent_name else [self.name]
        return "/".join(map(_escaped, names))


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A body that may be the one asked for, with the names of its ancestors read so far
    (nearest first) and the id of the next one up, if any."""

    agency_id: int
    name: str
    ancestors: tuple[str, ...]
    next_ancestor_id: int | None

    @property
    def body(self) -> Body:
        return Body(self.agency_id, self.name, self.ancestors[0] if self.ancestors else None)

    def path(self, depth: int) -> str:
        """The name after up to `depth - 1` of its ancestors: `孝感市/安陆市` at depth 2."""
        return "/".join(map(_escaped, [*reversed(self.ancestors[: depth - 1]), self.name]))


def find_agency(connection: Connection, name: str, *, merged: bool = False) -> Body:
    """The one body that `name` names (a name, `parent/name` at any depth, or a 6-digit
    division code); else `NotFound` with similar names, or `AmbiguousName` with the
    candidates as `parent/name`. With `merged`, the one merged body so named, as itself (for
    `ogi agencies unmerge`)."""
    parts = _name_parts(connection, name)
    if not parts:
        raise NotFound("name a reporting body: its name, parent/name, or its division code")
    *parents, own = parts
    status = Agency.status == "merged" if merged else Agency.status.is_not(None)
    what = "merged" if merged else "reporting"
    if not parents and _DIVISION_CODE.fullmatch(own):
        candidates = _candidates(connection, Agency.division_code == own, status)
        if not candidates:
            raise NotFound(f"no {what} body has the division code {own} in the warehouse")
    else:
        key = name_key(own)
        wanted = [name_key(p) for p in reversed(parents)]
        others: list[_Candidate] = []  # called so, under other parents
        # As typed, else by key, else as an alias; `parent/` compares the names' keys.
        for where in (Agency.name == own, Agency.name_key == key, Agency.agency_id.in_(_ALIASED)):
            found = _with_ancestors(
                connection, _candidates(connection, where, status, key=key), len(parents) + 1
            )
            candidates = [
                c for c in found if list(map(name_key, c.ancestors))[: len(wanted)] == wanted
            ]
            if candidates:
                break
            others = others or found
        else:
            if merged:
                raise NotFound(f"no merged body called {name!r} in the warehouse")
            raise NotFound(_not_found(connection, name, own, _followed(connection, others)))
    if not merged:
        candidates = _followed(connection, candidates)
    if len(candidates) > 1:
        raise AmbiguousName(
            f"{len(candidates)} bodies are called {name!r}: "
            f"{', '.join(_distinct_paths(connection, candidates))}; name one of them as shown"
        )
    return candidates[0].body


def _name_parts(connection: Connection, name: str) -> list[str]:
    """The names in `name`, parents first: split at each `/`, where a `/` in a name is written
    `\\/`; but a body whose whole name is `name`, slashes and all, is named by it as typed."""
    whole = name.strip()
    if "/" in whole:
        exact = select(Agency.agency_id).where(Agency.name == whole).limit(1)
        if connection.execute(exact).first() is not None:
            return [whole]
    parts = (part.replace("\\/", "/").strip() for part in _SEPARATOR.split(name))
    return [part for part in parts if part]


def _escaped(name: str) -> str:
    """A name as `parent/name` spells it: its own `/` written `\\/`."""
    return name.replace("/", "\\/")


def find_children(connection: Connection, name: str) -> list[Body]:
    """The bodies whose parent is the body `name` names, by name."""
    parent = find_agency(connection, name)
    children = _candidates(
        connection, Agency.parent_agency_id == parent.agency_id, Agency.status != "merged"
    )
    return sorted((c.body for c in children), key=lambda b: b.name)


_PARENT = aliased(Agency)

#: How many merges one after another a lookup follows (a body merged into one merged since).
_LONGEST_CHAIN = 20

#: The bodies with an alias whose key is `:key`.
_ALIASED = select(AgencyAlias.agency_id).where(AgencyAlias.name_key == bindparam("key"))


def _candidates(
    connection: Connection, *where: ColumnElement[bool], key: str | None = None
) -> list[_Candidate]:
    """The bodies meeting `where` (every body without), each with its parent's name; `key`
    binds `_ALIASED`'s parameter."""
    rows = connection.execute(
        select(Agency.agency_id, Agency.name, _PARENT.name, _PARENT.parent_agency_id)
        .outerjoin(_PARENT, _PARENT.agency_id == Agency.parent_agency_id)
        .where(*where)
        .order_by(Agency.agency_id),
        {} if key is None else {"key": key},
    )
    return [
        _Candidate(int(agency_id), own, () if parent is None else (parent,), next_id)
        for agency_id, own, parent, next_id in rows
    ]


def _followed(connection: Connection, candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """The candidates, a merged one replaced by the body it was merged into (at the end of a
    chain of merges), each once."""
    ids = {c.agency_id for c in candidates}
    for _ in range(_LONGEST_CHAIN):
        further = {
            int(own): int(target)
            for own, target in connection.execute(
                select(Agency.agency_id, Agency.merged_into_agency_id).where(
                    Agency.agency_id.in_(ids), Agency.merged_into_agency_id.is_not(None)
                )
            )
            if target is not None
        }
        if not further:
            break
        ids = {further.get(i, i) for i in ids}
    if ids == {c.agency_id for c in candidates}:
        return list(candidates)
    return _candidates(connection, Agency.agency_id.in_(ids), Agency.status != "merged")


def _with_ancestors(
    connection: Connection, candidates: Sequence[_Candidate], depth: int
) -> list[_Candidate]:
    """The candidates with the names of `depth - 1` ancestors read where they have them."""
    found = list(candidates)
    while True:
        short = {c.next_ancestor_id for c in found if len(c.ancestors) < depth - 1}
        short.discard(None)
        if not short:
            return found
        above = {
            agency_id: (own, parent_id)
            for agency_id, own, parent_id in connection.execute(
                select(Agency.agency_id, Agency.name, Agency.parent_agency_id).where(
                    Agency.agency_id.in_(short)
                )
            )
        }
        found = [
            _Candidate(
                c.agency_id,
                c.name,
                (*c.ancestors, above[c.next_ancestor_id][0]),
                above[c.next_ancestor_id][1],
            )
            if c.next_ancestor_id in above and len(c.ancestors) < depth - 1
            else c
            for c in found
        ]


def _distinct_paths(connection: Connection, candidates: Sequence[_Candidate]) -> list[str]:
    """The candidates as `parent/name`, or with as many more ancestors as tell them apart."""
    depth = 2
    while True:
        candidates = _with_ancestors(connection, candidates, depth)
        paths = [c.path(depth) for c in candidates]
        deeper = any(
            len(c.ancestors) >= depth or c.next_ancestor_id is not None for c in candidates
        )
        if len(set(paths)) == len(paths) or not deeper:
            return sorted(paths)
        depth += 1


def _not_found(
    connection: Connection, name: str, own: str, candidates: Sequence[_Candidate]
) -> str:
    """Why nothing is called `name`, with up to `SUGGESTIONS` bodies of similar names: those
    called `own` under other parents, else those whose names' keys are closest (difflib),
    then those whose names contain it (`甲县` for `合成甲县`)."""
    similar = _distinct_paths(connection, candidates)
    if not similar:
        everyone = _candidates(connection, Agency.status != "merged")
        keys = {name_key(c.name) for c in everyone}
        wanted = name_key(own)
        close = _closest(wanted, keys)
        close += sorted((k for k in keys if wanted in k and k not in close), key=len)
        rank = {key: i for i, key in enumerate(close)}
        matches = sorted(
            (c for c in everyone if name_key(c.name) in rank),
            key=lambda c: (rank[name_key(c.name)], c.body.path),
        )
        similar = [c.body.path for c in matches]
    hint = f"; did you mean {', '.join(similar[:SUGGESTIONS])}?" if similar else ""
    return f"no reporting body called {name!r} in the warehouse{hint}"


def _closest(wanted: str, keys: Iterable[str]) -> list[str]:
    """Up to `SUGGESTIONS` keys like `wanted` (difflib's ratio at least `SIMILAR`), the
    likest first, equally like ones in code-point order (`get_close_matches` would put them
    in reverse)."""
    matcher = difflib.SequenceMatcher(b=wanted)
    ratios: dict[str, float] = {}
    for key in keys:
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
            ratios[key] = matcher.ratio()
    ratios = {key: ratio for key, ratio in ratios.items() if ratio >= SIMILAR}
    return sorted(ratios, key=lambda key: (-ratios[key], key))[:SUGGESTIONS]
