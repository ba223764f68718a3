"""Workbook layouts as data, in a registry keyed by regime: pre2019, std2019 and std2021.

The template writer, the filler and the reader take a `Layout` from here: adding a regime is
adding a module of data and one `register_layout` line.
"""

from __future__ import annotations

from etl.errors import UnknownLayout
from etl.layouts.header import HEADER_FIELDS, HEADER_SHEET, HeaderField
from etl.layouts.model import (
    Grid,
    GridColumn,
    GridRow,
    HeaderSpan,
    Heading,
    Item,
    Layout,
    Part,
    RepeatingList,
    RowRole,
    Section,
)
from etl.layouts.pre2019 import PRE2019
from etl.layouts.std2019 import STD2019
from etl.layouts.std2021 import STD2021

_LAYOUTS: dict[str, Layout] = {}


def register_layout(layout: Layout) -> None:
    """Make `layout` the layout of its regime (replacing an earlier one, for tests)."""
    _LAYOUTS[layout.regime_code] = layout


def unregister_layout(regime_code: str) -> None:
    """Forget the layout of `regime_code` (for tests that register their own)."""
    _LAYOUTS.pop(regime_code, None)


def get_layout(regime_code: str) -> Layout:
    """The layout of `regime_code`; `UnknownLayout` names the ones there are."""
    try:
        return _LAYOUTS[regime_code]
    except KeyError:
        known = ", ".join(sorted(_LAYOUTS))
        raise UnknownLayout(
            f"no spreadsheet layout for regime {regime_code!r} yet; layouts exist for: {known}"
        ) from None


def registered_layouts() -> tuple[Layout, ...]:
    """Every registered layout."""
    return tuple(_LAYOUTS.values())


register_layout(PRE2019)
register_layout(STD2019)
register_layout(STD2021)

__all__ = [
    "HEADER_FIELDS",
    "HEADER_SHEET",
    "PRE2019",
    "STD2019",
    "STD2021",
    "Grid",
    "GridColumn",
    "GridRow",
    "HeaderField",
    "HeaderSpan",
    "Heading",
    "Item",
    "Layout",
    "Part",
    "RepeatingList",
    "RowRole",
    "Section",
    "get_layout",
    "register_layout",
    "registered_layouts",
    "unregister_layout",
]
