"""Files that `ogi` writes on request (`-o FILE`): never over a database, never half a file.

An export named like the warehouse (`-o data/warehouse.db`) would destroy it, and exit 0. So a
FILE that is the warehouse, its WAL, shared-memory index or journal (`-wal`, `-shm`,
`-journal`), or any existing SQLite database or journal, is refused unless forced
(`check_output_file`). What is written goes to a temporary file beside FILE and is renamed onto
it when complete (`write_output_file`): an export that fails leaves FILE as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from etl.errors import OutputRefused

#: The first bytes of a SQLite database, of its WAL (two byte orders), and of its rollback
#: journal (sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"

#: The files SQLite keeps beside a database, by the suffix of their names.
SIDE_FILES = ("-wal", "-shm", "-journal")


def check_output_file(path: Path, *, warehouse: Path | None = None, force: bool = False) -> None:
    """Refuse to write `path` if it is the `warehouse` file or one of its side files, or an
    existing SQLite database, WAL or journal (or a side file of a database), unless `force`."""
    if force:
        return
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder: give a file name")
    reason = _database_reason(path, warehouse)
    if reason is not None:
        raise OutputRefused(
            f"{path} is {reason}; writing there would destroy it: choose another file "
            "(or pass --force if you mean it)"
        )


def write_output_file(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` whole: into a temporary file beside it,
    renamed onto `path` once written; the new file has the mode a new file gets (umask)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, _new_file_mode())
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputRefused(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def _database_reason(path: Path, warehouse: Path | None) -> str | None:
    """Why `path` must not be overwritten, or None."""
    if warehouse is not None:
        target = _resolved(path)
        for suffix in ("", *SIDE_FILES):
            if target == _resolved(warehouse.with_name(warehouse.name + suffix)):
                return "the warehouse" + (f"'s {suffix[1:]} file" if suffix else "")
    head = _head(path, 16)
    if head.startswith(SQLITE_HEADER):
        return "a SQLite database"
    if head.startswith(_WAL_MAGIC) or head.startswith(_JOURNAL_MAGIC):
        return "a SQLite database's journal"
    for suffix in SIDE_FILES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            base = path.with_name(path.name.removesuffix(suffix))
            if _head(base, 16).startswith(SQLITE_HEADER):
                return f"the {suffix[1:]} file of the SQLite database {base.name}"
    return None


def _resolved(path: Path) -> Path:
    return path.expanduser().resolve(strict=False)


def _head(path: Path, size: int) -> bytes:
    """The first `size` bytes of `path`; nothing when it is missing or cannot be read."""
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError:
        return b""


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
