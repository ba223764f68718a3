"""The report views give the Anlu 2017 report's figures exactly, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from factories import ANLU_TOWNSHIPS, Warehouse, insert_anlu_2017
from sqlalchemy import Engine, text

from etl.values import plain_value


@pytest.fixture
def anlu(engine: Engine) -> Iterator[Engine]:
    """A warehouse holding the real Anlu 2017 figures."""
    with engine.begin() as connection:
        insert_anlu_2017(Warehouse(connection))
    yield engine


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(plain_value(v) for v in row) for row in connection.execute(text(sql))]


def test_proactive_total_and_publishers(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT agency, year, total_items, township_items, department_items,"
        " publisher_items_sum FROM rpt_proactive",
    )
    assert rows == [("安陆市", 2017, 8052, 1383, 6669, 8052)]


def test_channel_shares_reported_and_computed(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT channel, channel_items, reported_share_pct, computed_share_pct, total_items"
        " FROM rpt_proactive_channels ORDER BY sort_order",
    )
    assert rows == [("政府网站", 7136, 88.6, 88.6, 8052), ("两微一端", 582, 7.2, 7.2, 8052)]


def test_townships_sum_to_the_total_with_share_and_rank(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT township, items, total_items_reported, items_sum, share_pct, items_rank"
        " FROM rpt_responsibility_lists ORDER BY fact_id",
    )
    assert [(t, i) for t, i, *_ in rows] == list(ANLU_TOWNSHIPS)
    assert {(total, items_sum) for _, _, total, items_sum, _, _ in rows} == {(1157, 1157)}
    by_name = {t: (items, share, rank) for t, items, _, _, share, rank in rows}
    assert by_name["孛畈镇"] == (78, 6.7, 1)
    assert by_name["巡店镇"] == (78, 6.7, 1)
    assert by_name["赵棚镇"] == (77, 6.7, 8)
    assert by_name["府城办事处"] == (75, 6.5, 14)
    assert by_name["陈店乡"] == (74, 6.4, 15)


def test_relief_recipients_and_policies(anlu: Engine) -> None:
    recipients = _rows(
        anlu,
        "SELECT programme, recipients, unit_code, recipients_sum, recipients_total_reported"
        " FROM rpt_relief_recipients ORDER BY sort_order",
    )
    assert [(p, n, u) for p, n, u, *_ in recipients] == [
        ("临时救助", 1103, "人次"),
        ("医疗救助", 1017, "人次"),
        ("城市低保", 39110, "户次"),
        ("农村低保", 118001, "户次"),
        ("农村五保", 35175, "人次"),
        ("自然灾害救助", 8882, "户次"),
        ("优抚抚恤", 13996, "人次"),
    ]
    assert {(s, t) for *_, s, t in recipients} == {(217284, 217284)}
    policies = _rows(
        anlu,
        "SELECT relief_category, policies, disclosures_reported FROM rpt_relief_policies"
        " ORDER BY sort_order",
    )
    assert policies == [
        ("社会救助类", 2, 11),
        ("困难群众生活保障类", 2, 11),
        ("优抚抚恤类", 3, 11),
        ("救急难公众服务平台", 25, 11),
    ]


def test_requests_received_answered_and_rate(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT received, answered, response_rate_pct, computed_response_rate_pct"
        " FROM rpt_requests",
    )
    assert rows == [(11, 11, 100, 100.0)]
    outcomes = _rows(
        anlu,
        "SELECT request_row_code, requests FROM rpt_request_outcomes ORDER BY sort_order",
    )
    assert outcomes == [
        ("legacy.received", 11),
        ("legacy.replies", 11),
        ("legacy.replies.already_public", 2),
        ("legacy.replies.granted", 6),
        ("legacy.replies.not_this_agency", 3),
    ]


def test_request_outcomes_through_the_crosswalk(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT comparable_code, requests, rows_summed FROM rpt_request_outcomes_compared"
        " ORDER BY sort_order",
    )
    assert rows == [
        ("received", 11, 1),
        ("disclosed", 8, 2),
        ("cannot_provide", 3, 1),
        ("total_processed", 11, 1),
    ]


def test_std2021_other_outcomes_sum_to_std2019s_one_row(engine: Engine) -> None:
    """Synthetic: std2021 （六） has three rows where std2019 has one; the crosswalk sums them."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        body = w.agency("合成县", "county")
        r2020 = w.report(body, 2020, "std2019", file_name="synthetic-2020.xlsx")
        r2021 = w.report(body, 2021, "std2021", file_name="synthetic-2021.xlsx")
        w.fact(r2020, "requests.count", 4, row="std2019.results.other", applicant="total")
        for row, n in [("no_correction", 1), ("unpaid_fee", 2), ("other", 3)]:
            w.fact(
                r2021, "requests.count", n, row=f"std2021.results.other.{row}", applicant="total"
            )
        w.fact(
            r2021,
            "requests.count",
            9,
            row="std2021.results.other.other",
            applicant="natural_person",
        )
    rows = _rows(
        engine,
        "SELECT year, regime_code, comparable_code, requests, rows_summed"
        " FROM rpt_request_outcomes_compared ORDER BY year",
    )
    assert rows == [(2020, "std2019", "other", 4, 1), (2021, "std2021", "other", 6, 3)]


def test_fiscal_fees_review(anlu: Engine) -> None:
    assert _rows(
        anlu,
        "SELECT budget_units, budget_disclosure_rate_pct, special_funds_required,"
        " special_funds_allocated, special_funds_allocated_amount,"
        " special_funds_allocated_amount_unit, special_funds_disclosed_computed_pct"
        " FROM rpt_fiscal",
    ) == [(74, 100, 64, 48, 89693, "万元", 100)]
    assert _rows(anlu, "SELECT charged_amount, charged_unit FROM rpt_fees") == [(0, "元")]
    assert _rows(
        anlu,
        "SELECT block, result, cases FROM rpt_review_litigation ORDER BY block_sort_order",
    ) == [("行政复议", "总计", 0), ("行政诉讼", "总计", 0), ("举报投诉（申诉）", "总计", 1)]


def test_long_format_has_every_current_figure_traced_to_its_cell(anlu: Engine) -> None:
    rows = _rows(
        anlu,
        "SELECT fact_table, COUNT(*) FROM rpt_figures_long GROUP BY fact_table ORDER BY fact_table",
    )
    assert rows == [
        ("figures", 16),
        ("proactive_category_counts", 2),
        ("proactive_channel_figures", 4),
        ("proactive_publisher_counts", 2),
        ("relief_policy_counts", 4),
        ("relief_recipient_counts", 7),
        ("request_counts", 5),
        ("responsibility_list_items", 15),
        ("review_litigation_counts", 3),
    ]
    assert _rows(
        anlu,
        "SELECT agency, parent_agency, level_code, division_code, regime_code, label_zh,"
        " value, unit_code, source_file, source_sheet, source_cell FROM rpt_figures_long"
        " WHERE measure_code = 'proactive.total'",
    ) == [
        (
            "安陆市",
            "孝感市",
            "county",
            "420982",
            "pre2019",
            "主动公开政府信息数",
            8052,
            "条",
            "anlu-2017.xlsx",
            "统计表",
            "C2",
        )
    ]


def test_views_read_only_the_current_version(anlu: Engine) -> None:
    with anlu.begin() as connection:
        w = Warehouse(connection)
        anlu_id = w.agency("安陆市", "county", parent=w.agency("孝感市", "prefecture"))
        r = w.report(anlu_id, 2017, file_name="synthetic-anlu-2017-v2.xlsx", version=2)
        w.fact(r, "proactive.total", 8053, unit="条")
    assert _rows(anlu, "SELECT year, total_items FROM rpt_proactive") == [(2017, 8053)]
    assert _rows(anlu, "SELECT version, is_current FROM rpt_report_versions ORDER BY version") in (
        [(1, False), (2, True)],
        [(1, 0), (2, 1)],
    )
