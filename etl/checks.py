"""Apply the consistency rules of `etl.consistency` to the facts of a report.

A rule is checked only where it can be: each side needs at least one reported figure (a blank
cell is unknown, not zero), a percentage needs a non-zero denominator, and a rule touching a
figure that is a lower bound or an estimate ("8000余", "约60") is not checked at all. A failed
rule gives one finding at its first figure's cell, naming every cell, value and the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import NamedTuple

from etl.consistency import (
    CONSISTENCY_RULES,
    ConsistencyRule,
    ShareRule,
    SumRule,
    Term,
    is_cross_year,
)
from etl.extract.memo import once
from etl.layouts.standard import APPLICANT_COLUMNS
from etl.records import ExtractedReport, Fact, Finding, Location
from etl.rules import finding
from etl.values import format_value


class _Match(NamedTuple):
    """A fact a term selected, and the year of the report it belongs to (a tuple: a rule
    grouped by applicant or row makes thousands of them per report)."""

    fact: Fact
    year: int
    previous: bool


class _Indexed:
    """A report with its facts looked up by term: a rule asks for a few measures of a report of
    a hundred figures, and scanning them all for every term was most of the checks' time.

    A term's facts (its measure's, whose dimensions include the term's) are found once per
    report, through an index of the measure's facts by each (dimension, value) they have.
    Every list keeps the report's order.
    """

    __slots__ = ("_by_dim", "_by_group", "_by_measure", "_by_term", "year")

    def __init__(self, report: ExtractedReport) -> None:
        self.year = report.header.year
        self._by_measure: dict[str, list[Fact]] = {}
        for fact in report.facts:
            self._by_measure.setdefault(fact.measure_code, []).append(fact)
        self._by_dim: dict[str, dict[tuple[str, str], list[Fact]]] = {}
        # By the term's id: hashing a term hashes its dimensions, and the rules, which hold
        # the terms, outlive this index.
        self._by_term: dict[int, list[Fact]] = {}
        self._by_group: dict[tuple[int, str], dict[str | None, list[Fact]]] = {}

    def facts_of(self, term: Term) -> list[Fact]:
        """The facts the term selects."""
        found = self._by_term.get(id(term))
        if found is None:
            if not term.dims:
                found = self._by_measure.get(term.measure_code, [])
            else:
                first, *rest = term.dims
                found = self._dim_index(term.measure_code).get(first, [])
                if rest:
                    wanted = set(rest)
                    found = [fact for fact in found if wanted <= set(fact.dims)]
            self._by_term[id(term)] = found
        return found

    def facts_in_group(self, term: Term, group_by: str, group: str | None) -> list[Fact]:
        """The facts the term selects whose `group_by` dimension is `group`, and those
        without that dimension: they belong to every group (the proactive total, against each
        channel). The term's facts are split by group once, not scanned again for each."""
        groups = self.groups_of(term, group_by)
        found = groups.get(group)
        return found if found is not None else groups.get(None, [])

    def groups_of(self, term: Term, group_by: str) -> dict[str | None, list[Fact]]:
        """The term's facts by their value of `group_by` (see `_split`), split once."""
        key = (id(term), group_by)
        groups = self._by_group.get(key)
        if groups is None:
            groups = self._by_group[key] = _split(self.facts_of(term), group_by)
        return groups

    def _dim_index(self, measure_code: str) -> dict[tuple[str, str], list[Fact]]:
        index = self._by_dim.get(measure_code)
        if index is None:
            index = self._by_dim[measure_code] = {}
            for fact in self._by_measure.get(measure_code, []):
                for pair in dict.fromkeys(fact.dims):  # a pair given twice selects it once
                    index.setdefault(pair, []).append(fact)
        return index


def _split(facts: list[Fact], group_by: str) -> dict[str | None, list[Fact]]:
    """The facts by their value of `group_by`, in order; those without it are in every list
    (and alone under None)."""
    values = [_dimension(fact, group_by) for fact in facts]
    groups: dict[str | None, list[Fact]] = {value: [] for value in values}
    for fact, value in zip(facts, values, strict=True):
        for members in groups.values() if value is None else (groups[value],):
            members.append(fact)
    return groups


def _dimension(fact: Fact, name: str) -> str | None:
    """The fact's value of dimension `name` (its last, as `dict(fact.dims)` would give)."""
    found = None
    for dim, value in fact.dims:
        if dim == name:
            found = value
    return found


def check_report(
    report: ExtractedReport, *, rules: Sequence[ConsistencyRule] = CONSISTENCY_RULES
) -> list[Finding]:
    """Findings of the rules about one year that apply to the report's regime."""
    current = _Indexed(report)
    return [
        f
        for rule in _rules_for(rules, report.header.regime_code, cross_year=False)
        for f in _evaluate(rule, current, None, cross_year=False)
    ]


def check_across_years(
    report: ExtractedReport,
    previous: ExtractedReport | None,
    *,
    rules: Sequence[ConsistencyRule] = CONSISTENCY_RULES,
) -> list[Finding]:
    """Findings of the rules comparing the report with the body's previous-year report."""
    if previous is None:
        return []
    current, before = _Indexed(report), _Indexed(previous)
    return [
        f
        for rule in _rules_for(rules, report.header.regime_code, cross_year=True)
        for f in _evaluate(rule, current, before, cross_year=True)
    ]


@cache
def cross_year_measures(regime: str) -> frozenset[str]:
    """The measures of this year's report that `check_across_years` reads for a regime's
    reports (with the catalogue's rules): the only facts it needs of them."""
    return frozenset(
        term.measure_code
        for rule in _rules_for(CONSISTENCY_RULES, regime, cross_year=True)
        for _role, term in rule.roles()
        if term.year_offset == 0
    )


def _rules_for(
    rules: Sequence[ConsistencyRule], regime: str, *, cross_year: bool
) -> Sequence[ConsistencyRule]:
    """The rules that apply to a regime's reports, one-year or cross-year ones, in order;
    worked out once per tuple of rules and regime, as every report of a load asks the same."""

    def build() -> tuple[ConsistencyRule, ...]:
        return tuple(
            rule
            for rule in rules
            if is_cross_year(rule) == cross_year
            and (rule.regime_code is None or rule.regime_code == regime)
        )

    if not isinstance(rules, tuple):
        return build()  # a list may change between calls
    return once(rules, f"checks of {regime}, cross-year {cross_year}", build)


def _select(
    terms: Iterable[Term],
    report: _Indexed,
    previous: _Indexed | None,
    group_by: str | None,
    group: str | None,
) -> list[_Match]:
    matches = []
    for term in terms:
        source = report if term.year_offset == 0 else previous
        if source is None:
            continue
        is_previous = source is previous
        selected = (
            source.facts_of(term)
            if group_by is None
            else source.facts_in_group(term, group_by, group)
        )
        matches += [_Match(fact, source.year, is_previous) for fact in selected]
    return matches


def _groups(
    rule: ConsistencyRule, report: _Indexed, previous: _Indexed | None
) -> Sequence[str | None]:
    """The values of the rule's grouping dimension among the facts it selects (or [None])."""
    if rule.group_by is None:
        return [None]
    values: set[str | None] = set()
    for _, term in rule.roles():
        source = report if term.year_offset == 0 else previous
        if source is not None:
            values.update(source.groups_of(term, rule.group_by))
    return sorted(v for v in values if v is not None)


def _evaluate(
    rule: ConsistencyRule, report: _Indexed, previous: _Indexed | None, *, cross_year: bool
) -> list[Finding]:
    """The rule's findings (`cross_year`: whether it is one of the rules across years)."""
    found = []
    for group in _groups(rule, report, previous):
        if isinstance(rule, SumRule):
            result = _check_sum(rule, report, previous, group, cross_year=cross_year)
        else:
            result = _check_share(rule, report, previous, group)
        if result is not None:
            found.append(result)
    return found


def _check_sum(
    rule: SumRule,
    report: _Indexed,
    previous: _Indexed | None,
    group: str | None,
    *,
    cross_year: bool,
) -> Finding | None:
    left = _select(rule.left, report, previous, rule.group_by, group)
    right = _select(rule.right, report, previous, rule.group_by, group)
    if not left or not right or not _all_exact(left + right):
        return None
    if cross_year and not any(m.previous for m in left + right):
        return None  # last year's report lacks the figure (a std2019 table 二 before std2021)
    left_sum, right_sum = _total(left), _total(right)
    if left_sum == right_sum:
        return None
    short = right if right_sum < left_sum else left  # the side that falls short
    blank = _blank_terms(rule.right if short is right else rule.left, short)
    if blank and rule.severity == "error":
        # Blank parts are unknown, not zero: they may hold the difference, so the rule's
        # failure is a warning here, not an error that rejects the file (#18).
        incomplete = finding(
            rule.code,
            _anchor(left + right),
            f"{rule.description}{_group_label(rule, group)}: {', '.join(blank)} "
            f"{'is' if len(blank) == 1 else 'are'} blank; if "
            f"{'it is' if len(blank) == 1 else 'they are'} 0, {_expression(left)} ≠ "
            f"{_expression(right)}, difference {format_value(left_sum - right_sum)}",
            found=format_value(left_sum),
            expected=format_value(right_sum),
        )
        return replace(incomplete, severity="warning")
    return finding(
        rule.code,
        _anchor(left + right),
        f"{rule.description}{_group_label(rule, group)}: {_expression(left)} ≠ "
        f"{_expression(right)}; difference {format_value(left_sum - right_sum)}",
        found=format_value(left_sum),
        expected=format_value(right_sum),
    )


def _check_share(
    rule: ShareRule, report: _Indexed, previous: _Indexed | None, group: str | None
) -> Finding | None:
    share = _select((rule.share,), report, previous, rule.group_by, group)
    numerator = _select(rule.numerator, report, previous, rule.group_by, group)
    denominator = _select(rule.denominator, report, previous, rule.group_by, group)
    if not share or not numerator or not denominator:
        return None
    if not _all_exact(share + numerator + denominator) or _total(denominator) == 0:
        return None
    reported = _total(share)
    ratio = _total(numerator) * 100 / _total(denominator)
    decimals = reported_decimals(reported)
    tolerance = _tolerance(decimals)
    if abs(reported - ratio) <= tolerance:
        return None
    hundredths = Decimal("0.01")
    shown = _expression(share, unit="%")
    return finding(
        rule.code,
        _anchor(share),
        f"{rule.description}{_group_label(rule, group)}: reported {shown} but "
        f"{_expression(numerator, bracket=True)} / {_expression(denominator, bracket=True)} "
        f"= {format_value(ratio.quantize(hundredths, ROUND_HALF_UP))}%; difference "
        f"{format_value((reported - ratio).quantize(hundredths, ROUND_HALF_UP))} points, "
        f"allowed ±{format_value(tolerance)}",
        found=format_value(reported),
        expected=format_value(ratio.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)),
    )


@cache
def _tolerance(decimals: int) -> Decimal:
    """Half a unit of the last of `decimals` decimals: 0.05 for one."""
    return Decimal(5).scaleb(-(decimals + 1))


def reported_decimals(value: Decimal) -> int:
    """How many decimals a percentage was given with, trailing zeros not counting (88.60 → 1).

    Stored values lose their trailing zeros' meaning (NUMERIC(18, 4)), so SQL can only do the
    same; both sides of the catalogue agree on this definition.
    """
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite: NaN and infinities never reach a fact
    return max(0, -exponent)


def _blank_terms(terms: Sequence[Term], matched: list[_Match]) -> list[str]:
    """The terms of one side that no figure filled (blank cells), by their labels."""
    blank = []
    for term in terms:
        wanted = set(term.dims)
        if not any(
            m.fact.measure_code == term.measure_code and wanted <= set(m.fact.dims) for m in matched
        ):
            code = term.dims[-1][1] if term.dims else term.measure_code
            blank.append(_DIM_LABELS.get(code, code))
    return blank


#: How a blank part is named: the std table 三 columns by their headings.
_DIM_LABELS = {code: label for code, label, _groups in APPLICANT_COLUMNS}


def _all_exact(matches: list[_Match]) -> bool:
    return all(m.fact.value.qualifier == "exact" for m in matches)


def _total(matches: list[_Match]) -> Decimal:
    if len(matches) == 1:  # most terms select one figure: its value is the sum
        return matches[0].fact.value.value
    return sum((m.fact.value.value for m in matches), Decimal(0))


def _anchor(matches: list[_Match]) -> Location:
    """Where a finding points: the first figure of this year's report it involves."""
    current = [m for m in matches if not m.previous]
    return (current or matches)[0].fact.location


def _group_label(rule: ConsistencyRule, group: str | None) -> str:
    return "" if group is None else f" [{rule.group_by} {group}]"


def _expression(matches: list[_Match], *, bracket: bool = False, unit: str = "") -> str:
    """`8052 (主动公开!C5)`, or `1383 (主动公开!C6) + 6669 (主动公开!C7) = 8052`."""
    parts = " + ".join(f"{format_value(m.fact.value.value)}{unit} ({_where(m)})" for m in matches)
    if len(matches) == 1:
        return parts
    summed = f"{parts} = {format_value(_total(matches))}"
    return f"({summed})" if bracket else summed


def _where(match: _Match) -> str:
    location = match.fact.location
    if match.previous:
        return f"{match.year}: {location}"
    if location.sheet and location.cell:
        return f"{location.sheet}!{location.cell}"
    return location.cell or str(location)
