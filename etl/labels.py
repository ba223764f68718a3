"""Label matching: the same label written with other punctuation, widths, spaces or notes.

Real files write 1、 for 1., full-width brackets, line breaks inside header cells and provincial
notes in parentheses. Labels are compared by keys, strictest first: the NFKC form without spaces
and quotes; then without parenthetical notes; then without leading numbering and 其中.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十\d]+\)|\d+\.|其中:?)+"
)
#: Most texts an index remembers the answer for (a file's labels repeat across files).
_MEMO_SIZE = 16384


def normalise_label(text: object) -> str:
    """The strict comparison form: NFKC, no whitespace, no quotes, 、→. , no trailing colon."""
    if text is None:
        return ""
    return _normalise(text if isinstance(text, str) else str(text))


# Sheets repeat the same few hundred labels: the reader asks for each many times per file.
@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    folded = "".join(folded.split()).replace("、", ".").replace("【", "[").replace("】", "]")
    return folded.rstrip(":").lower()


def label_keys(text: object) -> tuple[str, ...]:
    """The keys a label is known by, strictest first (empty for a blank label)."""
    return _keys(normalise_label(text))


@lru_cache(maxsize=65536)
def _keys(strict: str) -> tuple[str, ...]:
    if not strict:
        return ()
    keys = [strict]
    bare = _PARENTHETICAL.sub("", strict)
    if bare and bare not in keys:
        keys.append(bare)
    unnumbered = _NUMBERING.sub("", bare)
    if unnumbered and unnumbered not in keys:
        keys.append(unnumbered)
    return tuple(keys)


class LabelIndex(Generic[T]):
    """Looks things up by any of their labels' keys; a key two things share is dropped."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        found: dict[str, list[T]] = {}
        for label, value in entries:
            for key in label_keys(label):
                bucket = found.setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
        self._index = {key: values[0] for key, values in found.items() if len(values) == 1}
        # An index lives as long as its layout section: every file asks it the same labels.
        self._found: dict[str, T | None] = {}

    def find(self, text: object) -> T | None:
        """The entry whose label matches `text` by the strictest key that identifies one."""
        if isinstance(text, str):
            if text in self._found:
                return self._found[text]
            if len(self._found) >= _MEMO_SIZE:
                self._found.clear()
            found = self._found[text] = self._lookup(text)
            return found
        return self._lookup(text)

    def _lookup(self, text: object) -> T | None:
        for key in label_keys(text):
            if key in self._index:
                return self._index[key]
        return None
