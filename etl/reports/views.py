"""The report views: their columns (the contract the reports rely on) and default order.

The views themselves are created by migrations 0003, 0005 (`rpt_checks`, recreated by 0008),
0006 (`rpt_regime_comparability`) and 0007 (`rpt_national`), SQL verbatim there;
this module lists what each must offer, so that a test can hold the database, this list and the
analyst guide (docs/analyst.md) together.
"""

from __future__ import annotations

#: The columns every per-report view starts with: the report and its body.
BODY_COLUMNS = (
    "report_id",
    "agency_id",
    "agency",
    "parent_agency_id",
    "parent_agency",
    "level_code",
    "division_code",
    "year",
    "regime_code",
)


def _columns(names: str, *, body: bool) -> tuple[str, ...]:
    return (*BODY_COLUMNS, *names.split()) if body else tuple(names.split())


#: Every report view with its columns, in creation order.
VIEW_COLUMNS: dict[str, tuple[str, ...]] = {
    "rpt_reports": _columns(
        "published_on version loaded_at source_file",
        body=True,
    ),
    "rpt_report_versions": _columns(
        "published_on version is_current loaded_at superseded_at source_file source_sha256",
        body=True,
    ),
    "rpt_figures_long": _columns(
        "measure_code label_zh section value_kind fact_table fact_id dim1_name dim1_code "
        "dim1_label dim1_sort_order dim2_name dim2_code dim2_label dim2_sort_order value "
        "value_qualifier unit_code source_file source_sheet source_cell",
        body=True,
    ),
    "rpt_proactive": _columns(
        "total_items township_items department_items other_publisher_items publisher_items_sum",
        body=True,
    ),
    "rpt_proactive_channels": _columns(
        "channel_code channel parent_channel_code sort_order channel_items "
        "reported_share_pct total_items computed_share_pct",
        body=True,
    ),
    "rpt_requests": _columns(
        "received carried_over answered carried_forward response_rate_pct "
        "computed_response_rate_pct",
        body=True,
    ),
    "rpt_request_outcomes": _columns(
        "request_row_code row_label parent_row_code parent_row_label comparable_code "
        "sort_order requests value_qualifier",
        body=True,
    ),
    "rpt_request_outcomes_compared": _columns(
        "comparable_code comparable_label sort_order requests rows_summed all_exact",
        body=True,
    ),
    "rpt_responsibility_lists": _columns(
        "township_agency_id township items value_qualifier total_items_reported items_sum "
        "fact_id share_pct items_rank",
        body=True,
    ),
    "rpt_relief_recipients": _columns(
        "programme_code programme relief_category_code relief_category sort_order "
        "recipients unit_code value_qualifier recipients_sum recipients_total_reported",
        body=True,
    ),
    "rpt_relief_policies": _columns(
        "relief_category_code relief_category sort_order policies value_qualifier "
        "disclosures_reported",
        body=True,
    ),
    "rpt_fiscal": _columns(
        "budget_units budget_disclosure_rate_pct special_funds_required "
        "special_funds_allocated special_funds_allocated_amount "
        "special_funds_allocated_amount_unit special_funds_disclosed "
        "special_funds_disclosed_pct special_funds_disclosed_amount "
        "special_funds_disclosed_amount_unit special_funds_disclosed_amount_pct "
        "special_funds_disclosed_computed_pct",
        body=True,
    ),
    "rpt_fees": _columns(
        "charged_amount charged_unit waived_amount waived_unit",
        body=True,
    ),
    "rpt_review_litigation": _columns(
        "block_code block block_sort_order result_code result result_sort_order cases "
        "value_qualifier",
        body=True,
    ),
    "rpt_year_over_year": _columns(
        "measure_code label_zh section value_kind fact_table fact_id dim1_name dim1_code "
        "dim1_label dim1_sort_order dim2_name dim2_code dim2_label dim2_sort_order value "
        "value_qualifier unit_code previous_year previous_value previous_value_qualifier "
        "previous_unit_code change change_pct",
        body=True,
    ),
    "rpt_regime_comparability": _columns(
        "table_code table_label from_regime to_regime is_comparable note sort_order",
        body=False,
    ),
    "rpt_rollup": _columns(
        "agency_id agency level_code division_code year measure_code label_zh section "
        "dim1_name dim1_code dim1_label dim1_sort_order dim2_name dim2_code dim2_label "
        "dim2_sort_order unit_code children_reporting children_value reported_value "
        "difference",
        body=False,
    ),
    "rpt_checks": _columns(
        "rule_code rule_kind severity description group_by_dim group_code reported computed "
        "difference tolerance passed skipped_reason terms rule_sort_order",
        body=True,
    ),
    "rpt_national": _columns(
        "level_code year measure_code label_zh section dim1_name dim1_code dim1_label "
        "dim1_sort_order dim2_name dim2_code dim2_label dim2_sort_order unit_code "
        "bodies_reporting national_value",
        body=False,
    ),
}

_DIM_ORDER = ("dim1_sort_order", "dim1_code", "dim2_sort_order", "dim2_code")

#: How `ogi report NAME` sorts each view (views have no order of their own).
VIEW_ORDER: dict[str, tuple[str, ...]] = {
    "rpt_reports": ("agency", "year"),
    "rpt_report_versions": ("agency", "year", "version"),
    "rpt_figures_long": ("agency", "year", "section", "measure_code", *_DIM_ORDER, "fact_id"),
    "rpt_proactive": ("agency", "year"),
    "rpt_proactive_channels": ("agency", "year", "sort_order"),
    "rpt_requests": ("agency", "year"),
    "rpt_request_outcomes": ("agency", "year", "sort_order"),
    "rpt_request_outcomes_compared": ("agency", "year", "sort_order"),
    "rpt_responsibility_lists": ("agency", "year", "fact_id"),
    "rpt_relief_recipients": ("agency", "year", "sort_order"),
    "rpt_relief_policies": ("agency", "year", "sort_order"),
    "rpt_fiscal": ("agency", "year"),
    "rpt_fees": ("agency", "year"),
    "rpt_review_litigation": ("agency", "year", "block_sort_order", "result_sort_order"),
    "rpt_year_over_year": ("agency", "year", "section", "measure_code", *_DIM_ORDER, "fact_id"),
    "rpt_regime_comparability": ("sort_order",),
    "rpt_rollup": ("agency", "year", "section", "measure_code", *_DIM_ORDER, "unit_code"),
    "rpt_checks": ("agency", "year", "rule_sort_order", "group_code"),
    "rpt_national": ("level_code", "year", "section", "measure_code", *_DIM_ORDER, "unit_code"),
}


def report_names() -> list[str]:
    """The names `ogi report` accepts: each view's name without `rpt_`."""
    return [view.removeprefix("rpt_") for view in VIEW_COLUMNS]
