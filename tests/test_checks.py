"""The consistency rules: the real Anlu 2017 figures pass, each rule fires when broken."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from facts import anlu_2017, fact, std2021_report, with_value

from etl.checks import check_across_years, check_report, reported_decimals
from etl.consistency import CONSISTENCY_RULES, Term
from etl.records import ParsedValue
from etl.rules import get_rule


def _messages(findings: list) -> list[tuple[str, str, str | None, str | None, str]]:
    return [(f.rule_code, str(f.location), f.found, f.expected, f.message) for f in findings]


def test_the_anlu_2017_report_passes_every_check() -> None:
    assert check_report(anlu_2017()) == []


def test_every_consistency_rule_is_in_the_catalogue_with_its_severity() -> None:
    for rule in CONSISTENCY_RULES:
        assert get_rule(rule.code).severity == rule.severity
        assert get_rule(rule.code).description == rule.description


def test_a_term_selects_only_on_dimension_columns() -> None:
    with pytest.raises(ValueError, match=r"selects on unknown dims \['township'\]"):
        Term("rights.items_by_township", (("township", "赵棚镇"),))


@pytest.mark.parametrize(
    ("measure", "dims", "value", "expected"),
    [
        (
            "proactive.by_publisher",
            {"publisher_group_code": "departments"},
            6617,
            (
                "proactive.publisher_split",
                "anlu-2017.xlsx 主动公开!C3",
                "8052",
                "8000",
                "items disclosed by each publisher group add up to the proactive total: "
                "8052 (主动公开!C3) ≠ 1383 (主动公开!C4) + 6617 (主动公开!C5) = 8000; "
                "difference 52",
            ),
        ),
        (
            "rights.items_total",
            {},
            1175,
            (
                "rights.townships_sum",
                "anlu-2017.xlsx 主动公开!C10",
                "1175",
                "1157",
                "the townships' responsibility-list items add up to the reported total: "
                "1175 (主动公开!C10) ≠ 77 (主动公开!C12) + 74 (主动公开!C13) + 77 (主动公开!C14)"
                " + 78 (主动公开!C15) + 78 (主动公开!C16) + 78 (主动公开!C17) + 77 (主动公开!C18)"
                " + 77 (主动公开!C19) + 77 (主动公开!C20) + 78 (主动公开!C21) + 78 (主动公开!C22)"
                " + 78 (主动公开!C23) + 77 (主动公开!C24) + 78 (主动公开!C25) + 75 (主动公开!C26)"
                " = 1157; difference 18",
            ),
        ),
        (
            "relief.recipients",
            {"programme_code": "special_care"},
            13990,
            (
                "relief.recipients_sum",
                "anlu-2017.xlsx 主动公开!C37",
                "217284",
                "217278",
                "the recipients of each relief programme add up to the recipients total: "
                "217284 (主动公开!C37) ≠ 1103 (主动公开!C38) + 1017 (主动公开!C39) + 39110 "
                "(主动公开!C40) + 118001 (主动公开!C41) + 35175 (主动公开!C42) + 8882 "
                "(主动公开!C43) + 13990 (主动公开!C44) = 217278; difference 6",
            ),
        ),
        (
            "proactive.channel_share_pct",
            {"channel_code": "website"},
            "86.6",
            (
                "proactive.channel_share",
                "anlu-2017.xlsx 主动公开!D6",
                "86.6",
                "88.6",
                "a channel's reported share is its items over the proactive total "
                "[channel_code website]: reported 86.6% (主动公开!D6) but 7136 (主动公开!C6) / "
                "8052 (主动公开!C3) = 88.62%; difference -2.02 points, allowed ±0.05",
            ),
        ),
        (
            "proactive.channel_share_pct",
            {"channel_code": "new_media"},
            "7.3",
            (
                "proactive.channel_share",
                "anlu-2017.xlsx 主动公开!D7",
                "7.3",
                "7.2",
                "a channel's reported share is its items over the proactive total "
                "[channel_code new_media]: reported 7.3% (主动公开!D7) but 582 (主动公开!C7) / "
                "8052 (主动公开!C3) = 7.23%; difference 0.07 points, allowed ±0.05",
            ),
        ),
        (
            "fiscal.special_funds_disclosed_pct",
            {},
            75,
            (
                "fiscal.special_funds_disclosed_share",
                "anlu-2017.xlsx 主动公开!C33",
                "75",
                "100",
                "the share of special funds disclosed is those disclosed over those allocated: "
                "reported 75% (主动公开!C33) but 48 (主动公开!C32) / 48 (主动公开!C30) = 100%; "
                "difference -25 points, allowed ±0.5",
            ),
        ),
        (
            "fiscal.special_funds_disclosed_amount",
            {},
            80000,
            (
                "fiscal.special_funds_amount_share",
                "anlu-2017.xlsx 主动公开!C35",
                "100",
                "89",
                "the share of special-fund money disclosed is the amount disclosed over that "
                "allocated: reported 100% (主动公开!C35) but 80000 (主动公开!C34) / 89693 "
                "(主动公开!C31) = 89.19%; difference 10.81 points, allowed ±0.5",
            ),
        ),
        (
            "requests.response_rate_pct",
            {},
            90,
            (
                "requests.response_rate",
                "anlu-2017.xlsx 依申请公开!C8",
                "90",
                "100",
                "the reported response rate is the replies over the requests received: "
                "reported 90% (依申请公开!C8) but 11 (依申请公开!C4) / 11 (依申请公开!C3) = 100%; "
                "difference -10 points, allowed ±0.5",
            ),
        ),
    ],
)
def test_a_broken_anlu_figure_fires_its_rule(
    measure: str, dims: dict[str, str], value: str | int, expected: tuple[str, ...]
) -> None:
    report = anlu_2017()
    with_value(report, measure, value, **dims)
    assert _messages(check_report(report)) == [expected]


def test_reply_types_are_checked_against_replies_and_requests_received() -> None:
    report = anlu_2017()
    with_value(report, "requests.count", 5, request_row_code="legacy.replies.granted")
    assert _messages(check_report(report)) == [
        (
            "requests.legacy_reply_types",
            "anlu-2017.xlsx 依申请公开!C4",
            "11",
            "10",
            "the replies by type add up to the replies total: 11 (依申请公开!C4) ≠ "
            "2 (依申请公开!C5) + 5 (依申请公开!C6) + 3 (依申请公开!C7) = 10; difference 1",
        ),
        (
            "requests.legacy_replies_received",
            "anlu-2017.xlsx 依申请公开!C3",
            "11",
            "10",
            "the replies by type add up to the requests received: 11 (依申请公开!C3) ≠ "
            "2 (依申请公开!C5) + 5 (依申请公开!C6) + 3 (依申请公开!C7) = 10; difference 1",
        ),
    ]


@pytest.mark.parametrize(
    ("share", "fires"),
    [("88.6", False), ("88.62", False), ("89", False), ("88.7", True), ("88.65", True)],
)
def test_a_share_is_allowed_the_rounding_of_its_decimals(share: str, fires: bool) -> None:
    report = anlu_2017()
    with_value(report, "proactive.channel_share_pct", share, channel_code="website")
    assert [f.rule_code for f in check_report(report)] == (
        ["proactive.channel_share"] if fires else []
    )


@pytest.mark.parametrize(("value", "decimals"), [("88.6", 1), ("88.60", 1), ("100", 0), ("7", 0)])
def test_reported_decimals_ignore_trailing_zeros(value: str, decimals: int) -> None:
    assert reported_decimals(Decimal(value)) == decimals


def test_a_rule_touching_a_lower_bound_is_not_checked() -> None:
    report = anlu_2017()
    report.facts = [
        replace(f, value=ParsedValue(Decimal(8000), "lower_bound", "8000余"))
        if f.measure_code == "proactive.total"
        else f
        for f in report.facts
    ]
    assert check_report(report) == []


def test_a_rule_with_a_side_unreported_is_not_checked() -> None:
    report = anlu_2017()
    report.facts = [f for f in report.facts if f.measure_code != "relief.recipients_total"]
    assert check_report(report) == []


def test_legacy_request_parts_are_checked() -> None:
    report = anlu_2017()
    requests = "依申请公开"
    report.facts += [
        fact("requests.count", 9, "C20", sheet=requests, request_row_code="legacy.received.online"),
        fact("requests.count", 1, "C21", sheet=requests, request_row_code="legacy.received.letter"),
        fact("requests.count", 11, "C22", sheet=requests, request_row_code="legacy.completed"),
        fact(
            "requests.count", 11, "C23", sheet=requests, request_row_code="legacy.completed.on_time"
        ),
    ]
    assert _messages(check_report(report)) == [
        (
            "requests.legacy_received_channels",
            "anlu-2017.xlsx 依申请公开!C3",
            "11",
            "10",
            "requests received in person, by fax, online and by letter add up to those "
            "received: 11 (依申请公开!C3) ≠ 9 (依申请公开!C20) + 1 (依申请公开!C21) = 10; "
            "difference 1",
        )
    ]


def test_the_synthetic_std2021_report_passes_the_table_identities() -> None:
    assert check_report(std2021_report(2021)) == []


def test_table_three_identities_are_errors() -> None:
    report = std2021_report(2021)
    with_value(
        report,
        "requests.count",
        4,
        request_row_code="std2021.results.disclosed",
        applicant_type_code="natural_person",
    )
    assert _messages(check_report(report)) == [
        (
            "std2021.table3.row_total",
            "synthetic-county-2021.xlsx 表三!H6",
            "5",
            "6",
            "总计 = 自然人 + the five 法人或其他组织 columns, in every row of table 三 "
            "[request_row_code std2021.results.disclosed]: 5 (表三!H6) ≠ 4 (表三!B6) + "
            "2 (表三!C6) = 6; difference -1",
        ),
        (
            "std2021.table3.results_total",
            "synthetic-county-2021.xlsx 表三!B32",
            "5",
            "6",
            "（七）总计 = the sum of every outcome, in every column of table 三 "
            "[applicant_type_code natural_person]: 5 (表三!B32) ≠ 4 (表三!B6) + 1 (表三!B7) + "
            "1 (表三!B18) = 6; difference -1",
        ),
    ]
    assert {f.severity for f in check_report(report)} == {"error"}


def test_table_four_blocks_add_up() -> None:
    report = std2021_report(2021)
    with_value(report, "review.count", 3, block_code="review", result_code="total")
    assert _messages(check_report(report)) == [
        (
            "std2021.table4.block_total",
            "synthetic-county-2021.xlsx 表四!E4",
            "3",
            "2",
            "维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四 [block_code review]: "
            "3 (表四!E4) ≠ 1 (表四!A4) + 0 (表四!B4) + 0 (表四!C4) + 1 (表四!D4) = 2; "
            "difference 1",
        )
    ]


def test_continuity_across_years_holds_for_consistent_reports() -> None:
    last_year = std2021_report(2021, carried_forward=2, in_force=10)
    this_year = std2021_report(2022, carried_over=2, in_force=11, issued=2, repealed=1)
    assert check_across_years(this_year, last_year) == []


def test_continuity_across_years_warns() -> None:
    last_year = std2021_report(2021, carried_forward=1, in_force=10)
    this_year = std2021_report(2022, carried_over=2, in_force=12, issued=2, repealed=1)
    assert _messages(check_across_years(this_year, last_year)) == [
        (
            "std2021.carried_over_continuity",
            "synthetic-county-2022.xlsx 表三!B4",
            "2",
            "1",
            "上年结转 equals last year's 结转下年度继续办理, in every column of table 三 "
            "[applicant_type_code natural_person]: 2 (表三!B4) ≠ "
            "1 (2021: synthetic-county-2021.xlsx 表三!B33); difference 1",
        ),
        (
            "std2021.carried_over_continuity",
            "synthetic-county-2022.xlsx 表三!H4",
            "2",
            "1",
            "上年结转 equals last year's 结转下年度继续办理, in every column of table 三 "
            "[applicant_type_code total]: 2 (表三!H4) ≠ "
            "1 (2021: synthetic-county-2021.xlsx 表三!H33); difference 1",
        ),
        (
            "std2021.in_force_continuity",
            "synthetic-county-2022.xlsx 表二!D5",
            "13",
            "12",
            "现行有效件数 = last year's + 本年制发件数 − 本年废止件数, in every row of table 二 "
            "[table_row_code std2021.normative]: 12 (表二!D5) + 1 (表二!C5) = 13 ≠ "
            "10 (2021: synthetic-county-2021.xlsx 表二!D5) + 2 (表二!B5) = 12; difference 1",
        ),
    ]
    assert {f.severity for f in check_across_years(this_year, last_year)} == {"warning"}


def test_one_year_checks_skip_cross_year_rules_and_vice_versa() -> None:
    report = std2021_report(2022, carried_over=5)
    assert check_report(report) == []
    assert check_across_years(report, None) == []


def test_a_total_short_of_its_parts_while_some_are_blank_is_a_warning() -> None:
    """Blank columns are unknown, not zero: a row total above its filled columns may be made
    up by the blank ones, so the rule warns and names them rather than rejecting the file."""
    report = std2021_report(2021)
    with_value(
        report,
        "requests.count",
        1,
        request_row_code="std2021.results.disclosed",
        applicant_type_code="natural_person",
    )
    found = check_report(report)
    assert [(f.rule_code, f.severity) for f in found] == [
        ("std2021.table3.row_total", "warning"),
        ("std2021.table3.results_total", "warning"),
    ]
    assert found[0].message == (
        "总计 = 自然人 + the five 法人或其他组织 columns, in every row of table 三 "
        "[request_row_code std2021.results.disclosed]: 科研机构, 社会公益组织, 法律服务机构, "
        "其他 are blank; if they are 0, 5 (表三!H6) ≠ 1 (表三!B6) + 2 (表三!C6) = 3, "
        "difference 2"
    )
