"""What the reader derives from a layout's parts (label indexes, cells), built once per part.

Layouts are immutable and live for the whole process, while a bulk load reads the same sections
thousands of times: deriving their indexes per file was most of the reader's time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")

#: (id of the part, what) → (the part itself, what was built). Holding the part keeps its id
#: from being reused by another object while the entry lives.
_BUILT: dict[tuple[int, str], tuple[object, object]] = {}
_MAX_ENTRIES = 4096


def once(part: object, what: str, build: Callable[[], T]) -> T:
    """`build()` the first time `what` is asked of `part`; the same object after that."""
    key = (id(part), what)
    hit = _BUILT.get(key)
    if hit is not None and hit[0] is part:
        return cast(T, hit[1])
    value = build()
    if len(_BUILT) >= _MAX_ENTRIES:
        _BUILT.clear()  # parts made on the fly (tests): keep the cache bounded
    _BUILT[key] = (part, value)
    return value
