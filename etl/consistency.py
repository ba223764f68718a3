"""Consistency rules as data: which figures of a report must add up, or match a percentage.

Each rule is a plain record (PUDL-style "layouts as data"): a `SumRule` says its left terms add
up to its right terms, a `ShareRule` says a reported percentage is numerator / denominator.
`etl.checks` evaluates them in Python; migration 0004 seeds the same records into
`consistency_rules` / `consistency_rule_terms` so SQL views can evaluate them too (a test keeps
the two equal). A new identity is a new record here and there, never new machinery.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from etl.records import Dims, Severity
from models.consistency import DIM_COLUMNS

Role = Literal["left", "right", "share", "numerator", "denominator"]
YearOffset = Literal[0, -1]


@dataclass(frozen=True, slots=True)
class Term:
    """Selects the figures of one measure whose dimensions include `dims`; their values add up.

    `year_offset` -1 selects from the same body's current report of the previous year.
    """

    measure_code: str
    dims: Dims = ()
    year_offset: YearOffset = 0

    def __post_init__(self) -> None:
        unknown = [name for name, _ in self.dims if name not in DIM_COLUMNS]
        if unknown:
            raise ValueError(f"term of {self.measure_code!r} selects on unknown dims {unknown}")


@dataclass(frozen=True, slots=True)
class SumRule:
    """The left terms add up to the right terms (per value of `group_by`, if given)."""

    code: str
    severity: Severity
    description: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    regime_code: str | None = None
    group_by: str | None = None

    kind = "sum"

    def roles(self) -> Iterator[tuple[Role, Term]]:
        """Every term with its role, in order (the rows of `consistency_rule_terms`)."""
        yield from (("left", t) for t in self.left)
        yield from (("right", t) for t in self.right)


@dataclass(frozen=True, slots=True)
class ShareRule:
    """A reported percentage equals 100 × numerator / denominator, within its rounding.

    "Within its rounding" means within half a unit of the last decimal the report gave
    (88.6 → ±0.05, 100 → ±0.5), trailing zeros not counting as decimals.
    """

    code: str
    severity: Severity
    description: str
    share: Term
    numerator: tuple[Term, ...]
    denominator: tuple[Term, ...]
    regime_code: str | None = None
    group_by: str | None = None

    kind = "share"

    def roles(self) -> Iterator[tuple[Role, Term]]:
        """Every term with its role, in order (the rows of `consistency_rule_terms`)."""
        yield ("share", self.share)
        yield from (("numerator", t) for t in self.numerator)
        yield from (("denominator", t) for t in self.denominator)


ConsistencyRule = SumRule | ShareRule


def is_cross_year(rule: ConsistencyRule) -> bool:
    """Whether the rule reads the previous year's report too."""
    return any(term.year_offset for _, term in rule.roles())


def _requests(row: str, applicant: str | None = None, year_offset: YearOffset = 0) -> Term:
    dims: Dims = (("request_row_code", row),)
    if applicant is not None:
        dims += (("applicant_type_code", applicant),)
    return Term("requests.count", dims, year_offset)


def _table2(column: str, year_offset: YearOffset = 0) -> Term:
    return Term("table2.value", (("table_column_code", column),), year_offset)


# Parts against totals and percentages in pre2019 prose (domain README, identities 6 and 7).
# Measures that any regime may report carry no regime: the rule applies wherever they appear.
#: The reply types of the legacy table (`legacy.replies.*`), which add up to 申请答复数.
LEGACY_REPLY_TYPES = (
    "already_public",
    "granted",
    "partial",
    "refused",
    "not_this_agency",
    "not_exist",
    "amend",
    "other_route",
)
_LEGACY_REPLY_TYPES = tuple(_requests(f"legacy.replies.{leaf}") for leaf in LEGACY_REPLY_TYPES)

NARRATIVE_RULES: tuple[ConsistencyRule, ...] = (
    SumRule(
        "proactive.publisher_split",
        "warning",
        "items disclosed by each publisher group add up to the proactive total",
        left=(Term("proactive.total"),),
        right=(Term("proactive.by_publisher"),),
    ),
    ShareRule(
        "proactive.channel_share",
        "warning",
        "a channel's reported share is its items over the proactive total",
        share=Term("proactive.channel_share_pct"),
        numerator=(Term("proactive.by_channel"),),
        denominator=(Term("proactive.total"),),
        group_by="channel_code",
    ),
    SumRule(
        "rights.townships_sum",
        "warning",
        "the townships' responsibility-list items add up to the reported total",
        left=(Term("rights.items_total"),),
        right=(Term("rights.items_by_township"),),
    ),
    ShareRule(
        "fiscal.special_funds_disclosed_share",
        "warning",
        "the share of special funds disclosed is those disclosed over those allocated",
        share=Term("fiscal.special_funds_disclosed_pct"),
        numerator=(Term("fiscal.special_funds_disclosed"),),
        denominator=(Term("fiscal.special_funds_allocated"),),
    ),
    ShareRule(
        "fiscal.special_funds_amount_share",
        "warning",
        "the share of special-fund money disclosed is the amount disclosed over that allocated",
        share=Term("fiscal.special_funds_disclosed_amount_pct"),
        numerator=(Term("fiscal.special_funds_disclosed_amount"),),
        denominator=(Term("fiscal.special_funds_allocated_amount"),),
    ),
    SumRule(
        "relief.recipients_sum",
        "warning",
        "the recipients of each relief programme add up to the recipients total",
        left=(Term("relief.recipients_total"),),
        right=(Term("relief.recipients"),),
    ),
    SumRule(
        "requests.legacy_reply_types",
        "warning",
        "the replies by type add up to the replies total",
        left=(_requests("legacy.replies"),),
        right=_LEGACY_REPLY_TYPES,
        regime_code="pre2019",
    ),
    SumRule(
        "requests.legacy_replies_received",
        "warning",
        "the replies by type add up to the requests received",
        left=(_requests("legacy.received"),),
        right=_LEGACY_REPLY_TYPES,
        regime_code="pre2019",
    ),
    SumRule(
        "requests.legacy_received_channels",
        "warning",
        "requests received in person, by fax, online and by letter add up to those received",
        left=(_requests("legacy.received"),),
        right=tuple(
            _requests(f"legacy.received.{c}") for c in ("in_person", "fax", "online", "letter")
        ),
        regime_code="pre2019",
    ),
    SumRule(
        "requests.legacy_completed_split",
        "warning",
        "requests completed on time and late add up to those completed",
        left=(_requests("legacy.completed"),),
        right=(_requests("legacy.completed.on_time"), _requests("legacy.completed.extended")),
        regime_code="pre2019",
    ),
    SumRule(
        "requests.legacy_refusal_reasons",
        "warning",
        "refusals by reason add up to the refusals",
        left=(_requests("legacy.replies.refused"),),
        right=tuple(
            _requests(f"legacy.replies.refused.{reason}")
            for reason in (
                "state_secret",
                "commercial_secret",
                "privacy",
                "security_stability",
                "not_government_information",
                "other_law",
            )
        ),
        regime_code="pre2019",
    ),
    ShareRule(
        "requests.response_rate",
        "warning",
        "the reported response rate is the replies over the requests received",
        share=Term("requests.response_rate_pct"),
        numerator=(_requests("legacy.replies"),),
        denominator=(_requests("legacy.received"),),
        regime_code="pre2019",
    ),
)

# Across years of one body (identity 8): warnings, since last year's report may be the wrong one.
CROSS_YEAR_RULES: tuple[ConsistencyRule, ...] = (
    SumRule(
        "std2019.carried_over_continuity",
        "warning",
        "上年结转 equals last year's 结转下年度继续办理, in every column of table 三",
        left=(_requests("std2019.carried_over"),),
        right=(_requests("std2019.carried_forward", year_offset=-1),),
        regime_code="std2019",
        group_by="applicant_type_code",
    ),
    SumRule(
        "std2021.carried_over_continuity",
        "warning",
        "上年结转 equals last year's 结转下年度继续办理, in every column of table 三",
        left=(_requests("std2021.carried_over"),),
        right=(_requests("std2021.carried_forward", year_offset=-1),),
        regime_code="std2021",
        group_by="applicant_type_code",
    ),
    SumRule(
        "std2021.carried_over_from_std2019",
        "warning",
        "上年结转 equals 2020's 结转下年度继续办理 (std2019 table), in every column of table 三",
        left=(_requests("std2021.carried_over"),),
        right=(_requests("std2019.carried_forward", year_offset=-1),),
        regime_code="std2021",
        group_by="applicant_type_code",
    ),
    SumRule(
        "std2021.in_force_continuity",
        "warning",
        "现行有效件数 = last year's + 本年制发件数 − 本年废止件数, in every row of table 二",
        left=(_table2("std2021.in_force"), _table2("std2021.repealed")),
        right=(_table2("std2021.in_force", year_offset=-1), _table2("std2021.issued")),
        regime_code="std2021",
        group_by="table_row_code",
    ),
)

#: The leaf outcomes of table 三 under each group heading; std2021 splits （六） into three.
TABLE3_GROUPS: dict[str, tuple[str, ...]] = {
    "withheld": (
        "state_secret",
        "prohibited_by_law",
        "three_securities",
        "third_party",
        "internal_affairs",
        "process_information",
        "enforcement_files",
        "inquiry",
    ),
    "unavailable": ("not_held", "needs_creation", "still_unclear"),
    "not_processed": ("petition", "repeated", "publications", "excessive", "confirmation"),
}
STD2021_OTHER_LEAVES = ("no_correction", "unpaid_fee", "other")
APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
)
REVIEW_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending")


def _table3_leaves(regime: str) -> tuple[str, ...]:
    """Every leaf outcome row of table 三 of `regime`, in the official order."""
    results = f"{regime}.results"
    leaves = [f"{results}.disclosed", f"{results}.partial"]
    for group, items in TABLE3_GROUPS.items():
        leaves += [f"{results}.{group}.{item}" for item in items]
    if regime == "std2021":
        leaves += [f"{results}.other.{item}" for item in STD2021_OTHER_LEAVES]
    else:
        leaves.append(f"{results}.other")
    return tuple(leaves)


def _standard_table_rules(regime: str) -> tuple[ConsistencyRule, ...]:
    """Identities 1–4 of the standard tables: the report contradicts itself, an error."""
    p = regime
    results = f"{p}.results"
    subtotals = dict(TABLE3_GROUPS)
    if regime == "std2021":
        subtotals["other"] = STD2021_OTHER_LEAVES
    rules: list[ConsistencyRule] = [
        SumRule(
            f"{p}.table3.balance",
            "error",
            "一 + 二 = 三（七） + 四 in every column of table 三",
            left=(_requests(f"{p}.new"), _requests(f"{p}.carried_over")),
            right=(_requests(f"{results}.total"), _requests(f"{p}.carried_forward")),
            regime_code=p,
            group_by="applicant_type_code",
        ),
        SumRule(
            f"{p}.table3.row_total",
            "error",
            "总计 = 自然人 + the five 法人或其他组织 columns, in every row of table 三",
            left=(Term("requests.count", (("applicant_type_code", "total"),)),),
            right=tuple(
                Term("requests.count", (("applicant_type_code", a),)) for a in APPLICANT_COLUMNS
            ),
            regime_code=p,
            group_by="request_row_code",
        ),
        SumRule(
            f"{p}.table3.results_total",
            "error",
            "（七）总计 = the sum of every outcome, in every column of table 三",
            left=(_requests(f"{results}.total"),),
            right=tuple(_requests(leaf) for leaf in _table3_leaves(p)),
            regime_code=p,
            group_by="applicant_type_code",
        ),
    ]
    rules += [
        SumRule(
            f"{p}.table3.subtotal_{group}",
            "error",
            f"a subtotal printed on （{_HEADING_NUMBER[group]}） = the sum of its items",
            left=(_requests(f"{results}.{group}"),),
            right=tuple(_requests(f"{results}.{group}.{item}") for item in items),
            regime_code=p,
            group_by="applicant_type_code",
        )
        for group, items in subtotals.items()
    ]
    rules.append(
        SumRule(
            f"{p}.table4.block_total",
            "error",
            "维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四",
            left=(Term("review.count", (("result_code", "total"),)),),
            right=tuple(Term("review.count", (("result_code", r),)) for r in REVIEW_PARTS),
            regime_code=p,
            group_by="block_code",
        )
    )
    return tuple(rules)


_HEADING_NUMBER = {"withheld": "三", "unavailable": "四", "not_processed": "五", "other": "六"}

STANDARD_TABLE_RULES: tuple[ConsistencyRule, ...] = _standard_table_rules(
    "std2019"
) + _standard_table_rules("std2021")

#: Every consistency rule, in catalogue order (the `sort_order` of `consistency_rules`).
CONSISTENCY_RULES: tuple[ConsistencyRule, ...] = (
    NARRATIVE_RULES + CROSS_YEAR_RULES + STANDARD_TABLE_RULES
)
