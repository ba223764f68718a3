"""Finding reporting bodies by name: `安陆市`, or `孝感市/安陆市` where a name is not unique."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from etl.errors import AmbiguousName, NotFound


@dataclass(frozen=True, slots=True)
class Body:
    """A reporting body as the reports name it."""

    agency_id: int
    name: str
    parent_name: str | None

    @property
    def path(self) -> str:
        """`parent/name`, the unambiguous way to name the body."""
        return f"{self.parent_name}/{self.name}" if self.parent_name else self.name


_SELECT = """SELECT a.agency_id, a.name, p.name FROM agencies a
LEFT JOIN agencies p ON p.agency_id = a.parent_agency_id"""


def find_agency(connection: Connection, name: str) -> Body:
    """The one body called `name` (or `parent/name`); an error names the candidates."""
    parent, _, own = name.rpartition("/")
    sql = f"{_SELECT} WHERE a.name = :name" + (" AND p.name = :parent" if parent else "")
    found = [
        Body(int(i), n, p)
        for i, n, p in connection.execute(text(sql), {"name": own.strip(), "parent": parent})
    ]
    if len(found) == 1:
        return found[0]
    if found:
        paths = ", ".join(sorted(b.path for b in found))
        raise AmbiguousName(f"{len(found)} bodies are called {name!r}: {paths}; name one")
    like = connection.execute(
        text(f"{_SELECT} WHERE a.name LIKE :pattern ORDER BY a.name LIMIT 5"),
        {"pattern": f"%{own.strip()}%"},
    ).all()
    hint = (
        f"; did you mean {', '.join(Body(int(i), n, p).path for i, n, p in like)}?" if like else ""
    )
    raise NotFound(f"no reporting body called {name!r} in the warehouse{hint}")


def find_children(connection: Connection, name: str) -> list[Body]:
    """The bodies whose parent is the body called `name`, by name."""
    parent = find_agency(connection, name)
    rows = connection.execute(
        text(f"{_SELECT} WHERE a.parent_agency_id = :parent ORDER BY a.name"),
        {"parent": parent.agency_id},
    )
    return [Body(int(i), n, p) for i, n, p in rows]
