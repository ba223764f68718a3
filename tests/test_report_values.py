"""`plain_value`: a cell the same on SQLite (floats, ints) and PostgreSQL (Decimals)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from etl.values import plain_rows, plain_value

CST = timezone(timedelta(hours=8))


def test_whole_numbers_are_ints_and_the_rest_keep_their_type() -> None:
    assert plain_rows([(Decimal("8052.0000"), Decimal("88.6"), 3.0, 2.5, 7, "七", None)]) == [
        (8052, 88.6, 3, 2.5, 7, "七", None)
    ]
    kinds = [type(plain_value(v)) for v in (Decimal("1.0000"), Decimal("0.5"), 4.0, True)]
    assert kinds == [int, float, int, bool]
    assert plain_value(date(2017, 12, 31)) == date(2017, 12, 31)
    # Moments are UTC: SQLite returns them without a zone, PostgreSQL in the session's.
    moments = [datetime(2026, 11, 28, 9, 30), datetime(2026, 11, 28, 17, 30, tzinfo=CST)]
    assert [plain_value(m) for m in moments] == [datetime(2026, 11, 28, 9, 30, tzinfo=UTC)] * 2
    assert {str(plain_value(m)) for m in moments} == {"2026-11-28 09:30:00+00:00"}
    assert plain_value(b"bytes") == "b'bytes'"  # anything else: its text


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4))  # 13 digits: a float holds them
def test_a_stored_figure_reads_the_same_from_either_backend(stored: Decimal) -> None:
    from_postgresql, from_sqlite = plain_value(stored), plain_value(float(stored))
    assert from_postgresql == from_sqlite
    assert type(from_postgresql) is type(from_sqlite)
