"""The one parser of figures: every notation real files use, and nothing else."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.parse import COUNT_UNITS, TEXTUAL_ZEROS, ValueParseError, parse_value
from etl.records import ParsedValue


@pytest.mark.parametrize(
    ("raw", "kind", "value", "qualifier"),
    [
        (8052, "count", 8052, "exact"),
        (8052.0, "count", 8052, "exact"),
        ("8052", "count", 8052, "exact"),
        ("８０５２", "count", 8052, "exact"),
        ("8,052", "count", 8052, "exact"),
        ("8，052", "count", 8052, "exact"),
        ("8 052", "count", 8052, "exact"),
        (" 8052 ", "count", 8052, "exact"),
        ("8052条", "count", 8052, "exact"),
        ("217284人(户)次", "count", 217284, "exact"),
        ("217284人（户）次", "count", 217284, "exact"),
        ("1103人次", "count", 1103, "exact"),
        ("10期", "count", 10, "exact"),
        ("无", "count", 0, "exact"),
        ("没有", "count", 0, "exact"),
        ("未发生", "count", 0, "exact"),
        ("—", "count", 0, "exact"),
        ("－", "count", 0, "exact"),
        ("-", "count", 0, "exact"),
        ("零", "count", 0, "exact"),
        ("0条", "count", 0, "exact"),
        ("8000余", "count", 8000, "lower_bound"),
        ("8000多", "count", 8000, "lower_bound"),
        ("8000余条", "count", 8000, "lower_bound"),
        ("约8000", "count", 8000, "estimate"),
        ("大约8000条", "count", 8000, "estimate"),
        ("-3", "signed", -3, "exact"),
        ("+3", "signed", 3, "exact"),
        ("88.6%", "percent", Decimal("88.6"), "exact"),
        (88.6, "percent", Decimal("88.6"), "exact"),
        (100.0, "percent", 100, "exact"),
        ("89693万元", "amount", 89693, "exact"),
        ("0.25", "amount", Decimal("0.25"), "exact"),
        (Decimal("1.5"), "amount", Decimal("1.5"), "exact"),
    ],
)
def test_accepts_every_notation(raw: object, kind: str, value: object, qualifier: str) -> None:
    parsed = parse_value(raw, value_kind=kind)
    assert parsed is not None
    assert (parsed.value, parsed.qualifier) == (Decimal(str(value)), qualifier)


@pytest.mark.parametrize("raw", [None, "", "   ", "\n"])
def test_blank_is_unknown_not_zero(raw: object) -> None:
    assert parse_value(raw, value_kind="count") is None


def test_text_is_kept_for_traceability() -> None:
    assert parse_value("8,052条", value_kind="count") == ParsedValue(
        Decimal(8052), "exact", "8,052条"
    )
    assert parse_value(8052.0, value_kind="count") == ParsedValue(Decimal(8052), "exact", None)


@pytest.mark.parametrize(
    ("raw", "kind", "rule", "message"),
    [
        ("八千余", "count", "cell.not_a_number", 'expected a whole number, found "八千余"'),
        ("8052.5", "count", "cell.not_whole", 'expected a whole number, found "8052.5"'),
        (3.5, "count", "cell.not_whole", 'expected a whole number, found "3.5"'),
        ("-3", "count", "cell.negative", 'expected a whole number, not negative, found "-3"'),
        ("-0.5", "amount", "cell.negative", 'expected an amount, not negative, found "-0.5"'),
        ("1,23", "count", "cell.not_a_number", 'expected a whole number, found "1,23"'),
        ("12 3", "count", "cell.not_a_number", 'expected a whole number, found "12 3"'),
        ("50%", "count", "cell.not_a_number", 'expected a whole number, found "50%"'),
        ("5条", "amount", "cell.not_a_number", 'expected an amount, found "5条"'),
        ("1e3", "count", "cell.not_a_number", 'expected a whole number, found "1e3"'),
        ("/", "count", "cell.not_a_number", 'expected a whole number, found "/"'),
        ("1.2万", "count", "cell.not_a_number", 'expected a whole number, found "1.2万"'),
        ("约8000余", "count", "cell.not_a_number", 'expected a whole number, found "约8000余"'),
        (True, "count", "cell.not_a_number", 'expected a whole number, found "True"'),
        (
            date(2017, 1, 1),
            "count",
            "cell.not_a_number",
            'expected a whole number, found "2017-01-01"',
        ),
        (float("nan"), "amount", "cell.not_a_number", 'expected an amount, found "nan"'),
    ],
)
def test_rejects_anything_else(raw: object, kind: str, rule: str, message: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value(raw, value_kind=kind)
    assert (caught.value.rule_code, str(caught.value)) == (rule, message)


def test_names_the_unit_expected_and_refuses_another_money_unit() -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value("八千余", value_kind="count", unit="条")
    assert str(caught.value) == 'expected a whole number of 条, found "八千余"'
    with pytest.raises(ValueParseError) as caught:
        parse_value("89693元", value_kind="amount", unit="万元")
    assert str(caught.value) == 'expected an amount in 万元, found "89693元"'


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@st.composite
def _rendered_count(draw: st.DrawFn) -> tuple[object, int, str]:
    """A count rendered in one of the notations real files use: (cell, value, qualifier)."""
    n = draw(st.integers(min_value=0, max_value=10**12))
    unit = draw(st.sampled_from(("", *COUNT_UNITS)))
    notation = draw(
        st.sampled_from(
            ("int", "float", "plain", "full", "comma", "fullcomma", "space", "yu", "yue")
        )
    )
    text = {
        "plain": str(n),
        "full": str(n).translate(FULL_WIDTH),
        "comma": _grouped(n, ","),
        "fullcomma": _grouped(n, "，"),
        "space": _grouped(n, " "),
        "yu": f"{n}{draw(st.sampled_from(['余', '多']))}",
        "yue": f"{draw(st.sampled_from(['约', '大约']))}{n}",
    }
    if notation == "int":
        return n, n, "exact"
    if notation == "float":
        return float(n), n, "exact"
    qualifier = {"yu": "lower_bound", "yue": "estimate"}.get(notation, "exact")
    return text[notation] + unit, n, qualifier


@given(_rendered_count())
def test_round_trips_counts_through_every_notation(case: tuple[object, int, str]) -> None:
    raw, n, qualifier = case
    if isinstance(raw, float) and raw != n:  # floats past 2**53 cannot hold n
        return
    parsed = parse_value(raw, value_kind="count")
    assert parsed is not None
    assert (parsed.value, parsed.qualifier) == (Decimal(n), qualifier)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_round_trips_amounts(amount: Decimal) -> None:
    parsed = parse_value(f"{amount}万元", value_kind="amount", unit="万元")
    assert parsed is not None
    assert parsed.value == amount


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_round_trips_signed(n: int) -> None:
    parsed = parse_value(str(n), value_kind="signed")
    assert parsed is not None and parsed.value == n


@given(
    st.integers(min_value=0, max_value=10**6),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Nd", "Zs", "Cc", "Cs"),
            blacklist_characters="".join({*"".join(COUNT_UNITS), "余", "多", ",", "，", ".", "．"}),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_rejects_numbers_with_anything_else_attached(n: int, junk: str) -> None:
    raw = f"{n}{junk}"
    with pytest.raises(ValueParseError):
        parse_value(raw, value_kind="count")


@given(st.text(max_size=12))
def test_never_fails_otherwise_and_never_invents_a_number(raw: str) -> None:
    """Any text parses or raises ValueParseError; a value is the digits of the text (before a
    decimal point), or zero for a textual zero."""
    try:
        parsed = parse_value(raw, value_kind="count")
    except ValueParseError:
        return
    text = unicodedata.normalize("NFKC", "".join(raw.split()))
    if parsed is None:
        assert text == ""
        return
    digits = "".join(c for c in text.split(".")[0] if c in "0123456789")
    assert parsed.value == (int(digits) if digits else 0)
    assert digits or text in TEXTUAL_ZEROS


@pytest.mark.parametrize("raw", [10**14, "100000000000000", 1e20, "-99999999999999999"])
def test_absurdly_large_figures_are_refused(raw: object) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value(raw, value_kind="signed")
    assert caught.value.rule_code == "cell.not_a_number"
    assert caught.value.expected == "a whole number, + or -, below 10^14"
