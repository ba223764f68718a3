"""`rpt_checks` judges stored reports as `etl.checks` judges them in Python, on both backends.

Reports are stored as the loader stores them but without its gate, so that the view also meets
reports the loader would reject (an error rule broken). Apart from the real Anlu 2017 figures,
every report here is synthetic (合成县（测试用）, synthetic-*.xlsx).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from facts import SYNTHETIC_CITY, SYNTHETIC_COUNTY, anlu_2017, std2021_report, with_value
from sqlalchemy import Engine, insert, select, text

from bench.warehouse import build_warehouse
from etl.bodies.resolve import ensure_body, ensure_townships
from etl.checks import check_across_years, check_report
from etl.db import downgrade, upgrade
from etl.load.fact_rows import Catalogue, fact_rows, fact_table, stage_rows, staged_townships
from etl.load.lineage import save_source_file, start_run
from etl.load.versions import add_report_version
from etl.records import ExtractedReport, Fact, Location, ParsedValue, Qualifier
from etl.values import format_value
from etl.warehouse_facts import previous_report, read_report
from models.agencies import Report

FACT_TABLES = (
    "figures",
    "proactive_publisher_counts",
    "proactive_channel_figures",
    "proactive_category_counts",
    "responsibility_list_items",
    "relief_recipient_counts",
    "relief_policy_counts",
    "request_counts",
    "review_litigation_counts",
    "proactive_table_figures",
)

#: The first dimension of each fact table's unique key, after (report_id, measure_code).
FIRST_DIMS = {
    "proactive_publisher_counts": "publisher_group_code",
    "proactive_channel_figures": "channel_code",
    "proactive_category_counts": "category_code",
    "relief_recipient_counts": "programme_code",
    "relief_policy_counts": "relief_category_code",
    "request_counts": "request_row_code",
    "review_litigation_counts": "block_code",
    "proactive_table_figures": "table_row_code",
}

Failure = tuple[str, int, str, str | None, str]


def store(engine: Engine, report: ExtractedReport) -> int:
    """Write `report` as `etl.load` writes a file's report, whatever its findings."""
    run_id = start_run(engine)
    file = report.header.location.file if report.header.location else "synthetic.xlsx"
    digest = hashlib.sha256(repr(report).encode()).hexdigest()
    with engine.begin() as connection:
        source_file_id = save_source_file(
            connection,
            path=Path(file),
            sha256=digest,
            file_format="xlsx",
            content=b"synthetic test file",
            status="loaded",
        )
        agency_id = ensure_body(connection, report.header)
        report_id = add_report_version(connection, agency_id, report.header, source_file_id, run_id)
        catalogue = Catalogue.load(connection)
        named = staged_townships(stage_rows(catalogue, report))
        townships = ensure_townships(connection, agency_id, named, report.header.year)
        rows = fact_rows(catalogue, report, report_id, townships)
        for table, table_rows in rows.items():
            connection.execute(insert(fact_table(table)), table_rows)
    return report_id


def python_failures(engine: Engine) -> set[Failure]:
    """What `etl.checks` finds in every current report read back from the warehouse."""
    found: set[Failure] = set()
    with engine.connect() as connection:
        current = connection.execute(
            select(Report.report_id, Report.agency_id, Report.year).where(Report.is_current)
        ).all()
        for report_id, agency_id, year in current:
            report = read_report(connection, report_id)
            previous = previous_report(connection, agency_id, year)
            for f in check_report(report) + check_across_years(report, previous):
                group = re.search(r" \[\w+ ([^\]]+)\]: ", f.message)
                assert f.found is not None
                found.add(
                    (
                        report.header.agency_name,
                        year,
                        f.rule_code,
                        group[1] if group else None,
                        f.found,
                    )
                )
    return found


def view_failures(engine: Engine) -> set[Failure]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT agency, year, rule_code, group_code, reported FROM rpt_checks"
                " WHERE passed = 0"
            )
        ).all()
    return {(a, y, rule, group, format_value(Decimal(str(v)))) for a, y, rule, group, v in rows}


def _set(
    report: ExtractedReport,
    measure: str,
    value: str | int,
    qualifier: Qualifier = "exact",
    **dims: str,
) -> None:
    """Change one fact's value (and qualifier) in place."""
    key = (measure, tuple(dims.items()))
    for i, f in enumerate(report.facts):
        if f.key == key:
            report.facts[i] = replace(f, value=ParsedValue(Decimal(str(value)), qualifier))
            return
    raise KeyError(key)


def synthetic_pre2019() -> ExtractedReport:
    """The Anlu figures as a synthetic county's 2017 report, with parts that do not add up."""
    file = "synthetic-county-2017.xlsx"
    base = anlu_2017()
    facts = [
        replace(f, location=Location(file, f.location.sheet, f.location.cell)) for f in base.facts
    ]
    header = replace(
        base.header,
        agency_name=SYNTHETIC_COUNTY,
        parent_agency_name=SYNTHETIC_CITY,
        division_code=None,
        location=Location(file, "基本信息"),
    )
    report = ExtractedReport(header, facts)
    _set(report, "proactive.by_publisher", 6617, publisher_group_code="departments")
    _set(report, "proactive.channel_share_pct", 80, channel_code="website")
    # 582 / 8052 = 7.228%: "7.2" is within its rounding, "7.18" (±0.005) is not.
    _set(report, "proactive.channel_share_pct", "7.18", channel_code="new_media")
    _set(report, "requests.response_rate_pct", 90)
    # On the edge of its rounding, and so passing: 29 / 400 = 7.25%, reported 7.2 (±0.05).
    _set(report, "fiscal.special_funds_allocated_amount", 400)
    _set(report, "fiscal.special_funds_disclosed_amount", 29)
    _set(report, "fiscal.special_funds_disclosed_amount_pct", "7.2")
    # Not checkable: a lower bound against parts that do not add up, a zero denominator.
    _set(report, "rights.items_total", 1100, "lower_bound")
    _set(report, "fiscal.special_funds_allocated", 0)
    _set(report, "fiscal.special_funds_disclosed", 0)
    return report


def synthetic_std2021_pair() -> tuple[ExtractedReport, ExtractedReport]:
    """2020 and 2021 reports of the synthetic county (std2021 tables), the second inconsistent
    within itself (table 三 row and column, table 四) and with the first (carried over, in force).
    """
    last = std2021_report(2020, carried_forward=1, in_force=10)
    this = std2021_report(2021, carried_over=2, in_force=10, issued=2, repealed=1)
    with_value(this, "review.count", 2, block_code="review", result_code="upheld")
    with_value(
        this, "requests.count", 9, request_row_code="std2021.new", applicant_type_code="total"
    )
    return last, this


@pytest.fixture
def stored(engine: Engine) -> Engine:
    # A superseded version that fails, then the real Anlu report: only the current one counts.
    broken_anlu = anlu_2017()
    _set(broken_anlu, "proactive.by_publisher", 6600, publisher_group_code="departments")
    store(engine, broken_anlu)
    store(engine, anlu_2017())
    store(engine, synthetic_pre2019())
    for report in synthetic_std2021_pair():
        store(engine, report)
    return engine


def test_the_view_fails_exactly_the_rules_python_fails(stored: Engine) -> None:
    county = SYNTHETIC_COUNTY
    expected = {
        (county, 2017, "proactive.publisher_split", None, "8052"),
        (county, 2017, "proactive.channel_share", "website", "80"),
        (county, 2017, "proactive.channel_share", "new_media", "7.18"),
        (county, 2017, "requests.response_rate", None, "90"),
        (county, 2021, "std2021.table3.balance", "total", "11"),
        (county, 2021, "std2021.table3.row_total", "std2021.new", "9"),
        (county, 2021, "std2021.table4.block_total", "review", "2"),
        (county, 2021, "std2021.carried_over_continuity", "natural_person", "2"),
        (county, 2021, "std2021.carried_over_continuity", "total", "2"),
        (county, 2021, "std2021.in_force_continuity", "std2021.normative", "11"),
    }
    assert python_failures(stored) == expected
    assert view_failures(stored) == expected


def test_failed_rows_say_what_was_reported_and_computed(stored: Engine) -> None:
    with stored.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rule_code, group_code, reported, computed, difference, tolerance, terms"
                " FROM rpt_checks WHERE passed = 0 AND year = 2017"
                " AND rule_code IN ('proactive.channel_share', 'proactive.publisher_split')"
                " ORDER BY rule_sort_order, group_code"
            )
        ).all()
    plain = [
        (rule, group, *(float(v) for v in (reported, computed, difference, tolerance)), terms)
        for rule, group, reported, computed, difference, tolerance, terms in rows
    ]
    assert plain == [
        (
            "proactive.publisher_split",
            None,
            8052.0,
            8000.0,
            52.0,
            0.0,
            "8052 (主动公开!C3) ≠ 1383 (主动公开!C4) + 6617 (主动公开!C5)",
        ),
        (
            "proactive.channel_share",
            "new_media",
            7.18,
            7.23,
            -0.05,
            0.005,
            "7.18% (主动公开!D7) ≠ 582 (主动公开!C7) / 8052 (主动公开!C3)",
        ),
        (
            "proactive.channel_share",
            "website",
            80.0,
            88.62,
            -8.62,
            0.5,
            "80% (主动公开!D6) ≠ 7136 (主动公开!C6) / 8052 (主动公开!C3)",
        ),
    ]


def test_rules_that_cannot_be_checked_say_why(stored: Engine) -> None:
    with stored.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT year, rule_code, group_code, skipped_reason FROM rpt_checks"
                " WHERE passed IS NULL AND agency = :county"
                " ORDER BY year, rule_sort_order, group_code"
            ),
            {"county": SYNTHETIC_COUNTY},
        ).all()
    no_figure = "a side has no reported figure"
    no_previous = "no report of the year before"
    assert [tuple(r) for r in rows] == [
        (2017, "rights.townships_sum", None, "a figure is a lower bound or an estimate"),
        (2017, "fiscal.special_funds_disclosed_share", None, "the denominator is zero"),
        (2017, "requests.legacy_received_channels", None, no_figure),
        (2020, "std2021.carried_over_continuity", "commercial", no_previous),
        (2020, "std2021.carried_over_continuity", "natural_person", no_previous),
        (2020, "std2021.carried_over_continuity", "total", no_previous),
        (2020, "std2021.carried_over_from_std2019", "commercial", no_previous),
        (2020, "std2021.carried_over_from_std2019", "natural_person", no_previous),
        (2020, "std2021.carried_over_from_std2019", "total", no_previous),
        (2020, "std2021.in_force_continuity", "std2021.normative", no_previous),
        # The synthetic table 三 prints no subtotal above its item 本机关不掌握相关政府信息.
        (2020, "std2021.table3.subtotal_unavailable", "natural_person", no_figure),
        (2020, "std2021.table3.subtotal_unavailable", "total", no_figure),
        # 2020's table 三 is std2021's, not std2019's.
        (2021, "std2021.carried_over_from_std2019", "commercial", no_figure),
        (2021, "std2021.carried_over_from_std2019", "natural_person", no_figure),
        (2021, "std2021.carried_over_from_std2019", "total", no_figure),
        (2021, "std2021.table3.subtotal_unavailable", "natural_person", no_figure),
        (2021, "std2021.table3.subtotal_unavailable", "total", no_figure),
    ]


def test_the_real_anlu_2017_figures_pass_every_check_they_allow(engine: Engine) -> None:
    store(engine, anlu_2017())
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rule_code, group_code, passed, terms FROM rpt_checks"
                " WHERE agency = '安陆市' AND year = 2017 ORDER BY rule_sort_order, group_code"
            )
        ).all()
    assert [(rule, group, passed) for rule, group, passed, _ in rows] == [
        ("proactive.publisher_split", None, 1),
        ("proactive.channel_share", "new_media", 1),
        ("proactive.channel_share", "website", 1),
        ("rights.townships_sum", None, 1),
        ("fiscal.special_funds_disclosed_share", None, 1),
        ("fiscal.special_funds_amount_share", None, 1),
        ("relief.recipients_sum", None, 1),
        ("requests.legacy_reply_types", None, 1),
        ("requests.legacy_replies_received", None, 1),
        ("requests.legacy_received_channels", None, None),
        ("requests.response_rate", None, 1),
    ]
    terms = {(rule, group): t for rule, group, _, t in rows}
    assert terms[("proactive.channel_share", "website")] == (
        "88.6% (主动公开!D6) ≈ 7136 (主动公开!C6) / 8052 (主动公开!C3)"
    )
    assert terms[("requests.legacy_reply_types", None)] == (
        "11 (依申请公开!C4) = 2 (依申请公开!C5) + 6 (依申请公开!C6) + 3 (依申请公开!C7)"
    )
    assert python_failures(engine) == set() == view_failures(engine)


def test_a_rule_added_to_the_catalogue_is_checked_without_changing_the_view(
    engine: Engine,
) -> None:
    store(engine, anlu_2017())
    with engine.begin() as connection:  # a synthetic rule: 审计公告 (10 期) = 共性工作信息 (2980)
        connection.execute(
            text(
                "INSERT INTO consistency_rules (rule_code, rule_kind, severity, description,"
                " sort_order) VALUES ('synthetic.test_rule', 'sum', 'warning', 'synthetic', 99)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO consistency_rule_terms (rule_code, term_no, role, year_offset,"
                " measure_code, category_code) VALUES"
                " ('synthetic.test_rule', 1, 'left', 0, 'proactive.by_category', 'audit_reports'),"
                " ('synthetic.test_rule', 2, 'right', 0, 'proactive.by_category', 'common_work')"
            )
        )
    assert view_failures(engine) == {("安陆市", 2017, "synthetic.test_rule", None, "10")}


@pytest.mark.parametrize("where", ["agency_id = 1 AND year = 2017", "report_id = 1"])
def test_one_reports_checks_reach_the_facts_by_their_keys(
    engine: Engine, backend: str, where: str
) -> None:
    query = f"SELECT * FROM rpt_checks WHERE {where}"
    with engine.connect() as connection:
        if backend == "sqlite":
            plan = [r[3] for r in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
            # Scanned: the view's own levels and the rule catalogue (a few hundred rows) only.
            scanned = {p.split()[1] for p in plan if p.startswith("SCAN") and "(" not in p}
            assert scanned <= {"m", "n", "k", "c", "t", "cr", "me"}
            for table in FACT_TABLES:
                key = f"SEARCH f USING INDEX sqlite_autoindex_{table}_1 (report_id=? AND "
                assert any(p.startswith(key) for p in plan), table
            for table, dim in FIRST_DIMS.items():  # a term naming it finds it by the key
                key = f"{table}_1 (report_id=? AND measure_code=? AND {dim}=?)"
                assert any(p.endswith(key) for p in plan), table
            assert any(
                p.startswith("SEARCH tr USING INDEX sqlite_autoindex_reports_1 (agency_id=?")
                for p in plan
            )
        else:
            # On an empty database a sequential scan is cheapest; forbid it to see the plan
            # the indexes allow (a real warehouse has the statistics to choose it).
            connection.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in connection.execute(text(f"EXPLAIN {query}")))
            assert "Seq Scan" not in plan
            if "agency_id" in where:
                assert "Index Cond: ((agency_id = 1) AND (year = 2017))" in plan
            else:
                assert "Index Cond: (report_id = 1)" in plan
            for table in FACT_TABLES:
                assert f"on {table} f" in plan and f"uq_{table}_report_id" in plan, table


def test_a_fact_qualified_as_an_estimate_is_not_checked(engine: Engine) -> None:
    report = anlu_2017()
    report.facts[:] = [
        f if f.measure_code != "proactive.total" else _estimate(f) for f in report.facts
    ]
    _set(report, "proactive.by_publisher", 6000, publisher_group_code="departments")
    store(engine, report)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT passed, skipped_reason FROM rpt_checks"
                " WHERE rule_code = 'proactive.publisher_split'"
            )
        ).one()
    assert tuple(row) == (None, "a figure is a lower bound or an estimate")
    assert python_failures(engine) == set() == view_failures(engine)


def _estimate(f: Fact) -> Fact:
    return replace(f, value=replace(f.value, qualifier="estimate"))


def test_the_view_by_report_gives_the_rows_of_the_first_view(engine: Engine) -> None:
    """Revision 0008 rewrote rpt_checks for speed; 0005's view (restored by downgrading) gives
    the same rows on synthetic reports of every regime, some figures knocked off by one."""
    build_warehouse(engine, bodies=30, years=[2018, 2019, 2020, 2021], seed=3)
    with engine.begin() as connection:
        for table in FACT_TABLES:
            connection.execute(text(f"UPDATE {table} SET value = value + 1 WHERE fact_id % 9 = 0"))
    everything = "SELECT * FROM rpt_checks ORDER BY report_id, rule_code, group_code"
    with engine.connect() as connection:
        rewritten = connection.execute(text(everything)).all()
    downgrade(engine, "0007")
    try:
        with engine.connect() as connection:
            first = connection.execute(text(everything)).all()
    finally:
        upgrade(engine)
    assert rewritten == first
    outcomes = {row.passed for row in rewritten}
    assert outcomes == {0, 1, None} and len(rewritten) > 1000
