"""consistency rules: the catalogue of etl.consistency, for SQL

The rules `ogi validate` and `ogi load` apply to a report's figures (parts against totals,
reported percentages, continuity across years, the identities of the standard tables), as
rows: `consistency_rules` and their `consistency_rule_terms`, so that SQL views can check every
report with the same catalogue. The rows are verbatim here, as any reference data; a test keeps
them equal to `etl.consistency.CONSISTENCY_RULES`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIM_COLUMNS = (
    "publisher_group_code",
    "channel_code",
    "category_code",
    "programme_code",
    "relief_category_code",
    "request_row_code",
    "applicant_type_code",
    "block_code",
    "result_code",
    "table_row_code",
    "table_column_code",
)

_DIM_TARGETS = {
    "publisher_group_code": "publisher_groups.publisher_group_code",
    "channel_code": "channels.channel_code",
    "category_code": "disclosure_categories.category_code",
    "programme_code": "relief_programmes.programme_code",
    "relief_category_code": "relief_categories.relief_category_code",
    "request_row_code": "request_rows.request_row_code",
    "applicant_type_code": "applicant_types.applicant_type_code",
    "block_code": "review_blocks.block_code",
    "result_code": "review_results.result_code",
    "table_row_code": "proactive_table_rows.table_row_code",
    "table_column_code": "proactive_table_columns.table_column_code",
}

# (code, kind, severity, regime, group by, description); sort order is the position.
# fmt: off
RULES: list[tuple[str, str, str, str | None, str | None, str]] = [
    ('proactive.publisher_split', 'sum', 'warning', None, None, 'items disclosed by each publisher group add up to the proactive total'),
    ('proactive.channel_share', 'share', 'warning', None, 'channel_code', "a channel's reported share is its items over the proactive total"),
    ('rights.townships_sum', 'sum', 'warning', None, None, "the townships' responsibility-list items add up to the reported total"),
    ('fiscal.special_funds_disclosed_share', 'share', 'warning', None, None, 'the share of special funds disclosed is those disclosed over those allocated'),
    ('fiscal.special_funds_amount_share', 'share', 'warning', None, None, 'the share of special-fund money disclosed is the amount disclosed over that allocated'),
    ('relief.recipients_sum', 'sum', 'warning', None, None, 'the recipients of each relief programme add up to the recipients total'),
    ('requests.legacy_reply_types', 'sum', 'warning', 'pre2019', None, 'the replies by type add up to the replies total'),
    ('requests.legacy_replies_received', 'sum', 'warning', 'pre2019', None, 'the replies by type add up to the requests received'),
    ('requests.legacy_received_channels', 'sum', 'warning', 'pre2019', None, 'requests received in person, by fax, online and by letter add up to those received'),
    ('requests.legacy_completed_split', 'sum', 'warning', 'pre2019', None, 'requests completed on time and late add up to those completed'),
    ('requests.legacy_refusal_reasons', 'sum', 'warning', 'pre2019', None, 'refusals by reason add up to the refusals'),
    ('requests.response_rate', 'share', 'warning', 'pre2019', None, 'the reported response rate is the replies over the requests received'),
    ('std2019.carried_over_continuity', 'sum', 'warning', 'std2019', 'applicant_type_code', "上年结转 equals last year's 结转下年度继续办理, in every column of table 三"),
    ('std2021.carried_over_continuity', 'sum', 'warning', 'std2021', 'applicant_type_code', "上年结转 equals last year's 结转下年度继续办理, in every column of table 三"),
    ('std2021.carried_over_from_std2019', 'sum', 'warning', 'std2021', 'applicant_type_code', "上年结转 equals 2020's 结转下年度继续办理 (std2019 table), in every column of table 三"),
    ('std2021.in_force_continuity', 'sum', 'warning', 'std2021', 'table_row_code', "现行有效件数 = last year's + 本年制发件数 − 本年废止件数, in every row of table 二"),
    ('std2019.table3.balance', 'sum', 'error', 'std2019', 'applicant_type_code', '一 + 二 = 三（七） + 四 in every column of table 三'),
    ('std2019.table3.row_total', 'sum', 'error', 'std2019', 'request_row_code', '总计 = 自然人 + the five 法人或其他组织 columns, in every row of table 三'),
    ('std2019.table3.results_total', 'sum', 'error', 'std2019', 'applicant_type_code', '（七）总计 = the sum of every outcome, in every column of table 三'),
    ('std2019.table3.subtotal_withheld', 'sum', 'error', 'std2019', 'applicant_type_code', 'a subtotal printed on （三） = the sum of its items'),
    ('std2019.table3.subtotal_unavailable', 'sum', 'error', 'std2019', 'applicant_type_code', 'a subtotal printed on （四） = the sum of its items'),
    ('std2019.table3.subtotal_not_processed', 'sum', 'error', 'std2019', 'applicant_type_code', 'a subtotal printed on （五） = the sum of its items'),
    ('std2019.table4.block_total', 'sum', 'error', 'std2019', 'block_code', '维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四'),
    ('std2021.table3.balance', 'sum', 'error', 'std2021', 'applicant_type_code', '一 + 二 = 三（七） + 四 in every column of table 三'),
    ('std2021.table3.row_total', 'sum', 'error', 'std2021', 'request_row_code', '总计 = 自然人 + the five 法人或其他组织 columns, in every row of table 三'),
    ('std2021.table3.results_total', 'sum', 'error', 'std2021', 'applicant_type_code', '（七）总计 = the sum of every outcome, in every column of table 三'),
    ('std2021.table3.subtotal_withheld', 'sum', 'error', 'std2021', 'applicant_type_code', 'a subtotal printed on （三） = the sum of its items'),
    ('std2021.table3.subtotal_unavailable', 'sum', 'error', 'std2021', 'applicant_type_code', 'a subtotal printed on （四） = the sum of its items'),
    ('std2021.table3.subtotal_not_processed', 'sum', 'error', 'std2021', 'applicant_type_code', 'a subtotal printed on （五） = the sum of its items'),
    ('std2021.table3.subtotal_other', 'sum', 'error', 'std2021', 'applicant_type_code', 'a subtotal printed on （六） = the sum of its items'),
    ('std2021.table4.block_total', 'sum', 'error', 'std2021', 'block_code', '维持 + 纠正 + 其他 + 尚未审结 = 总计, in every block of table 四'),
]

# (rule, term number, role, year offset, measure, dimensions)
TERMS: list[tuple[str, int, str, int, str, dict[str, str]]] = [
    ('proactive.publisher_split', 1, 'left', 0, 'proactive.total', {}),
    ('proactive.publisher_split', 2, 'right', 0, 'proactive.by_publisher', {}),
    ('proactive.channel_share', 1, 'share', 0, 'proactive.channel_share_pct', {}),
    ('proactive.channel_share', 2, 'numerator', 0, 'proactive.by_channel', {}),
    ('proactive.channel_share', 3, 'denominator', 0, 'proactive.total', {}),
    ('rights.townships_sum', 1, 'left', 0, 'rights.items_total', {}),
    ('rights.townships_sum', 2, 'right', 0, 'rights.items_by_township', {}),
    ('fiscal.special_funds_disclosed_share', 1, 'share', 0, 'fiscal.special_funds_disclosed_pct', {}),
    ('fiscal.special_funds_disclosed_share', 2, 'numerator', 0, 'fiscal.special_funds_disclosed', {}),
    ('fiscal.special_funds_disclosed_share', 3, 'denominator', 0, 'fiscal.special_funds_allocated', {}),
    ('fiscal.special_funds_amount_share', 1, 'share', 0, 'fiscal.special_funds_disclosed_amount_pct', {}),
    ('fiscal.special_funds_amount_share', 2, 'numerator', 0, 'fiscal.special_funds_disclosed_amount', {}),
    ('fiscal.special_funds_amount_share', 3, 'denominator', 0, 'fiscal.special_funds_allocated_amount', {}),
    ('relief.recipients_sum', 1, 'left', 0, 'relief.recipients_total', {}),
    ('relief.recipients_sum', 2, 'right', 0, 'relief.recipients', {}),
    ('requests.legacy_reply_types', 1, 'left', 0, 'requests.count', {'request_row_code': 'legacy.replies'}),
    ('requests.legacy_reply_types', 2, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.already_public'}),
    ('requests.legacy_reply_types', 3, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.granted'}),
    ('requests.legacy_reply_types', 4, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.partial'}),
    ('requests.legacy_reply_types', 5, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused'}),
    ('requests.legacy_reply_types', 6, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.not_this_agency'}),
    ('requests.legacy_reply_types', 7, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.not_exist'}),
    ('requests.legacy_reply_types', 8, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.amend'}),
    ('requests.legacy_reply_types', 9, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.other_route'}),
    ('requests.legacy_replies_received', 1, 'left', 0, 'requests.count', {'request_row_code': 'legacy.received'}),
    ('requests.legacy_replies_received', 2, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.already_public'}),
    ('requests.legacy_replies_received', 3, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.granted'}),
    ('requests.legacy_replies_received', 4, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.partial'}),
    ('requests.legacy_replies_received', 5, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused'}),
    ('requests.legacy_replies_received', 6, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.not_this_agency'}),
    ('requests.legacy_replies_received', 7, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.not_exist'}),
    ('requests.legacy_replies_received', 8, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.amend'}),
    ('requests.legacy_replies_received', 9, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.other_route'}),
    ('requests.legacy_received_channels', 1, 'left', 0, 'requests.count', {'request_row_code': 'legacy.received'}),
    ('requests.legacy_received_channels', 2, 'right', 0, 'requests.count', {'request_row_code': 'legacy.received.in_person'}),
    ('requests.legacy_received_channels', 3, 'right', 0, 'requests.count', {'request_row_code': 'legacy.received.fax'}),
    ('requests.legacy_received_channels', 4, 'right', 0, 'requests.count', {'request_row_code': 'legacy.received.online'}),
    ('requests.legacy_received_channels', 5, 'right', 0, 'requests.count', {'request_row_code': 'legacy.received.letter'}),
    ('requests.legacy_completed_split', 1, 'left', 0, 'requests.count', {'request_row_code': 'legacy.completed'}),
    ('requests.legacy_completed_split', 2, 'right', 0, 'requests.count', {'request_row_code': 'legacy.completed.on_time'}),
    ('requests.legacy_completed_split', 3, 'right', 0, 'requests.count', {'request_row_code': 'legacy.completed.extended'}),
    ('requests.legacy_refusal_reasons', 1, 'left', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused'}),
    ('requests.legacy_refusal_reasons', 2, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.state_secret'}),
    ('requests.legacy_refusal_reasons', 3, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.commercial_secret'}),
    ('requests.legacy_refusal_reasons', 4, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.privacy'}),
    ('requests.legacy_refusal_reasons', 5, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.security_stability'}),
    ('requests.legacy_refusal_reasons', 6, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.not_government_information'}),
    ('requests.legacy_refusal_reasons', 7, 'right', 0, 'requests.count', {'request_row_code': 'legacy.replies.refused.other_law'}),
    ('requests.response_rate', 1, 'share', 0, 'requests.response_rate_pct', {}),
    ('requests.response_rate', 2, 'numerator', 0, 'requests.count', {'request_row_code': 'legacy.replies'}),
    ('requests.response_rate', 3, 'denominator', 0, 'requests.count', {'request_row_code': 'legacy.received'}),
    ('std2019.carried_over_continuity', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.carried_over'}),
    ('std2019.carried_over_continuity', 2, 'right', -1, 'requests.count', {'request_row_code': 'std2019.carried_forward'}),
    ('std2021.carried_over_continuity', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.carried_over'}),
    ('std2021.carried_over_continuity', 2, 'right', -1, 'requests.count', {'request_row_code': 'std2021.carried_forward'}),
    ('std2021.carried_over_from_std2019', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.carried_over'}),
    ('std2021.carried_over_from_std2019', 2, 'right', -1, 'requests.count', {'request_row_code': 'std2019.carried_forward'}),
    ('std2021.in_force_continuity', 1, 'left', 0, 'table2.value', {'table_column_code': 'std2021.in_force'}),
    ('std2021.in_force_continuity', 2, 'left', 0, 'table2.value', {'table_column_code': 'std2021.repealed'}),
    ('std2021.in_force_continuity', 3, 'right', -1, 'table2.value', {'table_column_code': 'std2021.in_force'}),
    ('std2021.in_force_continuity', 4, 'right', 0, 'table2.value', {'table_column_code': 'std2021.issued'}),
    ('std2019.table3.balance', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.new'}),
    ('std2019.table3.balance', 2, 'left', 0, 'requests.count', {'request_row_code': 'std2019.carried_over'}),
    ('std2019.table3.balance', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.total'}),
    ('std2019.table3.balance', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2019.carried_forward'}),
    ('std2019.table3.row_total', 1, 'left', 0, 'requests.count', {'applicant_type_code': 'total'}),
    ('std2019.table3.row_total', 2, 'right', 0, 'requests.count', {'applicant_type_code': 'natural_person'}),
    ('std2019.table3.row_total', 3, 'right', 0, 'requests.count', {'applicant_type_code': 'commercial'}),
    ('std2019.table3.row_total', 4, 'right', 0, 'requests.count', {'applicant_type_code': 'research'}),
    ('std2019.table3.row_total', 5, 'right', 0, 'requests.count', {'applicant_type_code': 'public_interest'}),
    ('std2019.table3.row_total', 6, 'right', 0, 'requests.count', {'applicant_type_code': 'legal_service'}),
    ('std2019.table3.row_total', 7, 'right', 0, 'requests.count', {'applicant_type_code': 'other_org'}),
    ('std2019.table3.results_total', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.results.total'}),
    ('std2019.table3.results_total', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.disclosed'}),
    ('std2019.table3.results_total', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.partial'}),
    ('std2019.table3.results_total', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.state_secret'}),
    ('std2019.table3.results_total', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.prohibited_by_law'}),
    ('std2019.table3.results_total', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.three_securities'}),
    ('std2019.table3.results_total', 7, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.third_party'}),
    ('std2019.table3.results_total', 8, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.internal_affairs'}),
    ('std2019.table3.results_total', 9, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.process_information'}),
    ('std2019.table3.results_total', 10, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.enforcement_files'}),
    ('std2019.table3.results_total', 11, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.inquiry'}),
    ('std2019.table3.results_total', 12, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.not_held'}),
    ('std2019.table3.results_total', 13, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.needs_creation'}),
    ('std2019.table3.results_total', 14, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.still_unclear'}),
    ('std2019.table3.results_total', 15, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.petition'}),
    ('std2019.table3.results_total', 16, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.repeated'}),
    ('std2019.table3.results_total', 17, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.publications'}),
    ('std2019.table3.results_total', 18, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.excessive'}),
    ('std2019.table3.results_total', 19, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.confirmation'}),
    ('std2019.table3.results_total', 20, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.other'}),
    ('std2019.table3.subtotal_withheld', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld'}),
    ('std2019.table3.subtotal_withheld', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.state_secret'}),
    ('std2019.table3.subtotal_withheld', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.prohibited_by_law'}),
    ('std2019.table3.subtotal_withheld', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.three_securities'}),
    ('std2019.table3.subtotal_withheld', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.third_party'}),
    ('std2019.table3.subtotal_withheld', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.internal_affairs'}),
    ('std2019.table3.subtotal_withheld', 7, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.process_information'}),
    ('std2019.table3.subtotal_withheld', 8, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.enforcement_files'}),
    ('std2019.table3.subtotal_withheld', 9, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.withheld.inquiry'}),
    ('std2019.table3.subtotal_unavailable', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable'}),
    ('std2019.table3.subtotal_unavailable', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.not_held'}),
    ('std2019.table3.subtotal_unavailable', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.needs_creation'}),
    ('std2019.table3.subtotal_unavailable', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.unavailable.still_unclear'}),
    ('std2019.table3.subtotal_not_processed', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed'}),
    ('std2019.table3.subtotal_not_processed', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.petition'}),
    ('std2019.table3.subtotal_not_processed', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.repeated'}),
    ('std2019.table3.subtotal_not_processed', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.publications'}),
    ('std2019.table3.subtotal_not_processed', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.excessive'}),
    ('std2019.table3.subtotal_not_processed', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2019.results.not_processed.confirmation'}),
    ('std2019.table4.block_total', 1, 'left', 0, 'review.count', {'result_code': 'total'}),
    ('std2019.table4.block_total', 2, 'right', 0, 'review.count', {'result_code': 'upheld'}),
    ('std2019.table4.block_total', 3, 'right', 0, 'review.count', {'result_code': 'corrected'}),
    ('std2019.table4.block_total', 4, 'right', 0, 'review.count', {'result_code': 'other'}),
    ('std2019.table4.block_total', 5, 'right', 0, 'review.count', {'result_code': 'pending'}),
    ('std2021.table3.balance', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.new'}),
    ('std2021.table3.balance', 2, 'left', 0, 'requests.count', {'request_row_code': 'std2021.carried_over'}),
    ('std2021.table3.balance', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.total'}),
    ('std2021.table3.balance', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.carried_forward'}),
    ('std2021.table3.row_total', 1, 'left', 0, 'requests.count', {'applicant_type_code': 'total'}),
    ('std2021.table3.row_total', 2, 'right', 0, 'requests.count', {'applicant_type_code': 'natural_person'}),
    ('std2021.table3.row_total', 3, 'right', 0, 'requests.count', {'applicant_type_code': 'commercial'}),
    ('std2021.table3.row_total', 4, 'right', 0, 'requests.count', {'applicant_type_code': 'research'}),
    ('std2021.table3.row_total', 5, 'right', 0, 'requests.count', {'applicant_type_code': 'public_interest'}),
    ('std2021.table3.row_total', 6, 'right', 0, 'requests.count', {'applicant_type_code': 'legal_service'}),
    ('std2021.table3.row_total', 7, 'right', 0, 'requests.count', {'applicant_type_code': 'other_org'}),
    ('std2021.table3.results_total', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.results.total'}),
    ('std2021.table3.results_total', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.disclosed'}),
    ('std2021.table3.results_total', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.partial'}),
    ('std2021.table3.results_total', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.state_secret'}),
    ('std2021.table3.results_total', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.prohibited_by_law'}),
    ('std2021.table3.results_total', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.three_securities'}),
    ('std2021.table3.results_total', 7, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.third_party'}),
    ('std2021.table3.results_total', 8, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.internal_affairs'}),
    ('std2021.table3.results_total', 9, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.process_information'}),
    ('std2021.table3.results_total', 10, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.enforcement_files'}),
    ('std2021.table3.results_total', 11, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.inquiry'}),
    ('std2021.table3.results_total', 12, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.not_held'}),
    ('std2021.table3.results_total', 13, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.needs_creation'}),
    ('std2021.table3.results_total', 14, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.still_unclear'}),
    ('std2021.table3.results_total', 15, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.petition'}),
    ('std2021.table3.results_total', 16, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.repeated'}),
    ('std2021.table3.results_total', 17, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.publications'}),
    ('std2021.table3.results_total', 18, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.excessive'}),
    ('std2021.table3.results_total', 19, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.confirmation'}),
    ('std2021.table3.results_total', 20, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.no_correction'}),
    ('std2021.table3.results_total', 21, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.unpaid_fee'}),
    ('std2021.table3.results_total', 22, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.other'}),
    ('std2021.table3.subtotal_withheld', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld'}),
    ('std2021.table3.subtotal_withheld', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.state_secret'}),
    ('std2021.table3.subtotal_withheld', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.prohibited_by_law'}),
    ('std2021.table3.subtotal_withheld', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.three_securities'}),
    ('std2021.table3.subtotal_withheld', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.third_party'}),
    ('std2021.table3.subtotal_withheld', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.internal_affairs'}),
    ('std2021.table3.subtotal_withheld', 7, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.process_information'}),
    ('std2021.table3.subtotal_withheld', 8, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.enforcement_files'}),
    ('std2021.table3.subtotal_withheld', 9, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.withheld.inquiry'}),
    ('std2021.table3.subtotal_unavailable', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable'}),
    ('std2021.table3.subtotal_unavailable', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.not_held'}),
    ('std2021.table3.subtotal_unavailable', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.needs_creation'}),
    ('std2021.table3.subtotal_unavailable', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.unavailable.still_unclear'}),
    ('std2021.table3.subtotal_not_processed', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed'}),
    ('std2021.table3.subtotal_not_processed', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.petition'}),
    ('std2021.table3.subtotal_not_processed', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.repeated'}),
    ('std2021.table3.subtotal_not_processed', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.publications'}),
    ('std2021.table3.subtotal_not_processed', 5, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.excessive'}),
    ('std2021.table3.subtotal_not_processed', 6, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.not_processed.confirmation'}),
    ('std2021.table3.subtotal_other', 1, 'left', 0, 'requests.count', {'request_row_code': 'std2021.results.other'}),
    ('std2021.table3.subtotal_other', 2, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.no_correction'}),
    ('std2021.table3.subtotal_other', 3, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.unpaid_fee'}),
    ('std2021.table3.subtotal_other', 4, 'right', 0, 'requests.count', {'request_row_code': 'std2021.results.other.other'}),
    ('std2021.table4.block_total', 1, 'left', 0, 'review.count', {'result_code': 'total'}),
    ('std2021.table4.block_total', 2, 'right', 0, 'review.count', {'result_code': 'upheld'}),
    ('std2021.table4.block_total', 3, 'right', 0, 'review.count', {'result_code': 'corrected'}),
    ('std2021.table4.block_total', 4, 'right', 0, 'review.count', {'result_code': 'other'}),
    ('std2021.table4.block_total', 5, 'right', 0, 'review.count', {'result_code': 'pending'}),
]
# fmt: on


def upgrade() -> None:
    op.create_table(
        "consistency_rules",
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("rule_kind", sa.String(length=8), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=True),
        sa.Column("group_by_dim", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "rule_kind IN ('sum', 'share')", name=op.f("ck_consistency_rules_rule_kind")
        ),
        sa.CheckConstraint(
            "severity IN ('error', 'warning')", name=op.f("ck_consistency_rules_severity")
        ),
        sa.CheckConstraint(
            "group_by_dim IS NULL OR group_by_dim IN ("
            + ", ".join(f"'{c}'" for c in DIM_COLUMNS)
            + ")",
            name=op.f("ck_consistency_rules_group_by_dim"),
        ),
        sa.ForeignKeyConstraint(
            ["regime_code"],
            ["regimes.regime_code"],
            name=op.f("fk_consistency_rules_regime_code_regimes"),
        ),
        sa.PrimaryKeyConstraint("rule_code", name=op.f("pk_consistency_rules")),
    )
    op.create_table(
        "consistency_rule_terms",
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("term_no", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("year_offset", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        *(sa.Column(c, sa.String(length=_dim_length(c)), nullable=True) for c in DIM_COLUMNS),
        sa.CheckConstraint(
            "role IN ('left', 'right', 'share', 'numerator', 'denominator')",
            name=op.f("ck_consistency_rule_terms_role"),
        ),
        sa.CheckConstraint(
            "year_offset IN (0, -1)", name=op.f("ck_consistency_rule_terms_year_offset")
        ),
        sa.ForeignKeyConstraint(
            ["rule_code"],
            ["consistency_rules.rule_code"],
            name=op.f("fk_consistency_rule_terms_rule_code_consistency_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_consistency_rule_terms_measure_code_measures"),
        ),
        *(
            sa.ForeignKeyConstraint(
                [c],
                [target],
                name=op.f(f"fk_consistency_rule_terms_{c}_{target.split('.')[0]}"),
            )
            for c, target in _DIM_TARGETS.items()
        ),
        sa.PrimaryKeyConstraint("rule_code", "term_no", name=op.f("pk_consistency_rule_terms")),
    )
    rule_columns = ("rule_code", "rule_kind", "severity", "regime_code", "group_by_dim")
    op.bulk_insert(
        _table("consistency_rules", *rule_columns, "description", "sort_order"),
        [
            {
                **dict(zip(rule_columns, rule[:5], strict=True)),
                "description": rule[5],
                "sort_order": order,
            }
            for order, rule in enumerate(RULES, start=1)
        ],
    )
    op.bulk_insert(
        _table(
            "consistency_rule_terms",
            "rule_code",
            "term_no",
            "role",
            "year_offset",
            "measure_code",
            *DIM_COLUMNS,
        ),
        [
            {
                "rule_code": rule_code,
                "term_no": term_no,
                "role": role,
                "year_offset": year_offset,
                "measure_code": measure_code,
                **{c: dims.get(c) for c in DIM_COLUMNS},
            }
            for rule_code, term_no, role, year_offset, measure_code, dims in TERMS
        ],
    )


def downgrade() -> None:
    op.drop_table("consistency_rule_terms")
    op.drop_table("consistency_rules")


def _dim_length(column: str) -> int:
    return 64 if column in ("request_row_code", "table_row_code", "table_column_code") else 32


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))
