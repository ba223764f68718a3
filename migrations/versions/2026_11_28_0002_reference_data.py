"""reference data: regimes, levels, units, channels, taxonomies, measures

The code lists every fact points at, with the Chinese labels verbatim as the official formats
print them. Yearly facts are never seeded; only these lists are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


REGIMES = [
    ("pre2019", "2008年《条例》自由格式年度报告", 2008, 2018),
    ("std2019", "国办公开办函〔2019〕60号（试行）统一格式", 2019, 2020),
    ("std2021", "国办公开办函〔2021〕30号统一格式", 2021, None),
]

AGENCY_LEVELS = [
    ("province", "省级", 1),
    ("prefecture", "地市级", 2),
    ("county", "县级", 3),
    ("township", "乡镇（街道、办事处）", 4),
    ("department", "部门", 5),
]

UNITS = [
    ("条", "count", "items"),
    ("件", "count", "documents or cases"),
    ("项", "count", "entries"),
    ("人次", "count", "person-times"),
    ("户次", "count", "household-times"),
    ("人(户)次", "count", "person- or household-times"),
    ("期", "count", "issues"),
    ("份", "count", "copies"),
    ("家", "count", "organisations"),
    ("个", "count", "units"),
    ("次", "count", "times"),
    ("场", "count", "sessions"),
    ("篇", "count", "articles"),
    ("人", "count", "persons"),
    ("元", "money", "yuan"),
    ("万元", "money", "ten thousand yuan"),
    ("%", "ratio", "percent"),
]

CHANNELS = [
    ("gazette", "政府公报", None, 1),
    ("website", "政府网站", None, 2),
    ("new_media", "两微一端", None, 3),
    ("weibo", "政务微博", "new_media", 4),
    ("wechat", "政务微信", "new_media", 5),
    ("app", "政务客户端", "new_media", 6),
    ("other", "其他方式", None, 7),
]

PUBLISHER_GROUPS = [
    ("townships", "乡镇人民政府（开发区）、办事处", 1),
    ("departments", "市政府有关部门", 2),
    ("other", "其他", 3),
]

DISCLOSURE_CATEGORIES = [
    ("common_work", "共性工作信息", "条", 1),
    ("budgets", "财政预决算信息", "条", 2),
    ("procurement", "政府采购信息", "条", 3),
    ("poverty_alleviation", "扶贫信息", "条", 4),
    ("audit_reports", "审计公告", "期", 5),
    ("other", "其他", "条", 6),
]

APPLICANT_TYPES = [
    ("natural_person", "自然人", None, True, False, 1),
    ("legal_or_other", "法人或其他组织", None, False, False, 2),
    ("commercial", "商业企业", "legal_or_other", True, False, 3),
    ("research", "科研机构", "legal_or_other", True, False, 4),
    ("public_interest", "社会公益组织", "legal_or_other", True, False, 5),
    ("legal_service", "法律服务机构", "legal_or_other", True, False, 6),
    ("other_org", "其他", "legal_or_other", True, False, 7),
    ("total", "总计", None, True, True, 8),
]

REQUEST_COMPARABLES = [
    ("received", "本年新收申请", 1, None),
    ("carried_over", "上年结转申请", 2, "legacy tables have no carry-over"),
    ("disclosed", "予以公开", 3, "legacy: 属于已主动公开范围 + 同意公开"),
    ("partial", "部分公开", 4, None),
    ("withheld", "不予公开", 5, "legacy: 不同意公开"),
    ("cannot_provide", "无法提供", 6, "legacy: 不属于本行政机关公开 + 申请信息不存在"),
    ("not_processed", "不予处理", 7, "no legacy counterpart"),
    (
        "other",
        "其他处理",
        8,
        "std2021 splits std2019's one row into three; legacy: 告知作出更改补充 + 告知通过其他途径办理",
    ),
    ("total_processed", "办理结果总计", 9, "legacy: 申请答复数"),
    ("carried_forward", "结转下年度继续办理", 10, "legacy tables have no carry-forward"),
]


def _standard_request_rows(regime: str) -> list[tuple[Any, ...]]:
    """Table 三 of std2019 or std2021; they differ only in （六）其他处理."""
    p = regime
    rows: list[tuple[Any, ...]] = [
        (f"{p}.new", "一、本年新收政府信息公开申请数量", None, True, "received"),
        (f"{p}.carried_over", "二、上年结转政府信息公开申请数量", None, True, "carried_over"),
        (f"{p}.results", "三、本年度办理结果", None, False, None),
        (f"{p}.results.disclosed", "（一）予以公开", f"{p}.results", True, "disclosed"),
        (
            f"{p}.results.partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            f"{p}.results",
            True,
            "partial",
        ),
        (f"{p}.results.withheld", "（三）不予公开", f"{p}.results", False, None),
    ]
    groups = [
        (
            "withheld",
            "withheld",
            [
                ("state_secret", "1.属于国家秘密"),
                ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
                ("three_securities", "3.危及“三安全一稳定”"),
                ("third_party", "4.保护第三方合法权益"),
                ("internal_affairs", "5.属于三类内部事务信息"),
                ("process_information", "6.属于四类过程性信息"),
                ("enforcement_files", "7.属于行政执法案卷"),
                ("inquiry", "8.属于行政查询事项"),
            ],
        ),
        (
            "unavailable",
            "cannot_provide",
            [
                ("not_held", "1.本机关不掌握相关政府信息"),
                ("needs_creation", "2.没有现成信息需要另行制作"),
                ("still_unclear", "3.补正后申请内容仍不明确"),
            ],
        ),
        (
            "not_processed",
            "not_processed",
            [
                ("petition", "1.信访举报投诉类申请"),
                ("repeated", "2.重复申请"),
                ("publications", "3.要求提供公开出版物"),
                ("excessive", "4.无正当理由大量反复申请"),
                ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
            ],
        ),
    ]
    headings = {
        "withheld": None,  # already added above, to keep the official order
        "unavailable": "（四）无法提供",
        "not_processed": "（五）不予处理",
    }
    for group, comparable, leaves in groups:
        group_code = f"{p}.results.{group}"
        if headings[group] is not None:
            rows.append((group_code, headings[group], f"{p}.results", False, None))
        for leaf, label in leaves:
            rows.append((f"{group_code}.{leaf}", label, group_code, True, comparable))
    if regime == "std2019":
        rows.append((f"{p}.results.other", "（六）其他处理", f"{p}.results", True, "other"))
    else:
        rows.append((f"{p}.results.other", "（六）其他处理", f"{p}.results", False, None))
        rows += [
            (
                f"{p}.results.other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                f"{p}.results.other",
                True,
                "other",
            ),
            (
                f"{p}.results.other.unpaid_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                f"{p}.results.other",
                True,
                "other",
            ),
            (f"{p}.results.other.other", "3.其他", f"{p}.results.other", True, "other"),
        ]
    rows += [
        (f"{p}.results.total", "（七）总计", f"{p}.results", True, "total_processed"),
        (f"{p}.carried_forward", "四、结转下年度继续办理", None, True, "carried_forward"),
    ]
    return [(code, regime, label, parent, data, comp) for code, label, parent, data, comp in rows]


LEGACY_REQUEST_ROWS = [
    ("legacy.received", "收到申请数", None, True, "received"),
    ("legacy.received.in_person", "当面申请数", "legacy.received", True, None),
    ("legacy.received.fax", "传真申请数", "legacy.received", True, None),
    ("legacy.received.online", "网络申请数", "legacy.received", True, None),
    ("legacy.received.letter", "信函申请数", "legacy.received", True, None),
    ("legacy.completed", "已办结申请数", None, True, None),
    ("legacy.completed.on_time", "按时办结数", "legacy.completed", True, None),
    ("legacy.completed.extended", "延期办结数", "legacy.completed", True, None),
    ("legacy.replies", "申请答复数", None, True, "total_processed"),
    ("legacy.replies.already_public", "属于已主动公开范围数", "legacy.replies", True, "disclosed"),
    ("legacy.replies.granted", "同意公开答复数", "legacy.replies", True, "disclosed"),
    ("legacy.replies.partial", "同意部分公开答复数", "legacy.replies", True, "partial"),
    ("legacy.replies.refused", "不同意公开答复数", "legacy.replies", True, "withheld"),
    ("legacy.replies.refused.state_secret", "涉及国家秘密", "legacy.replies.refused", True, None),
    (
        "legacy.replies.refused.commercial_secret",
        "涉及商业秘密",
        "legacy.replies.refused",
        True,
        None,
    ),
    ("legacy.replies.refused.privacy", "涉及个人隐私", "legacy.replies.refused", True, None),
    (
        "legacy.replies.refused.security_stability",
        "危及国家安全、公共安全、经济安全和社会稳定",
        "legacy.replies.refused",
        True,
        None,
    ),
    (
        "legacy.replies.refused.not_government_information",
        "不是《条例》所指政府信息",
        "legacy.replies.refused",
        True,
        None,
    ),
    (
        "legacy.replies.refused.other_law",
        "法律法规规定的其他情形",
        "legacy.replies.refused",
        True,
        None,
    ),
    (
        "legacy.replies.not_this_agency",
        "不属于本行政机关公开数",
        "legacy.replies",
        True,
        "cannot_provide",
    ),
    ("legacy.replies.not_exist", "申请信息不存在数", "legacy.replies", True, "cannot_provide"),
    ("legacy.replies.amend", "告知作出更改补充数", "legacy.replies", True, "other"),
    ("legacy.replies.other_route", "告知通过其他途径办理数", "legacy.replies", True, "other"),
]


def _request_rows() -> list[tuple[Any, ...]]:
    legacy = [
        (code, "pre2019", label, parent, data, comp)
        for code, label, parent, data, comp in LEGACY_REQUEST_ROWS
    ]
    rows = legacy + _standard_request_rows("std2019") + _standard_request_rows("std2021")
    return [(*row, order) for order, row in enumerate(rows, start=1)]


REVIEW_BLOCKS = [
    ("review", "行政复议", 1),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）", 2),
    ("litigation_after_review", "行政诉讼（复议后起诉）", 3),
    ("litigation", "行政诉讼", 4),
    ("complaint", "举报投诉（申诉）", 5),
]

REVIEW_RESULTS = [
    ("upheld", "结果维持", False, 1),
    ("corrected", "结果纠正", False, 2),
    ("other", "其他结果", False, 3),
    ("pending", "尚未审结", False, 4),
    ("total", "总计", True, 5),
]

RELIEF_CATEGORIES = [
    ("social_assistance", "社会救助类", 1),
    ("living_security", "困难群众生活保障类", 2),
    ("disaster", "自然灾害救助类", 3),
    ("special_care", "优抚抚恤类", 4),
    ("emergency_platform", "救急难公众服务平台", 5),
]

RELIEF_PROGRAMMES = [
    ("temporary_assistance", "临时救助", "social_assistance", "人次", 1),
    ("medical_assistance", "医疗救助", "social_assistance", "人次", 2),
    ("urban_dibao", "城市低保", "living_security", "户次", 3),
    ("rural_dibao", "农村低保", "living_security", "户次", 4),
    ("rural_wubao", "农村五保", "living_security", "人次", 5),
    ("disaster_relief", "自然灾害救助", "disaster", "户次", 6),
    ("special_care", "优抚抚恤", "special_care", "人次", 7),
]

PROACTIVE_TABLE_ROWS = [
    ("std2019.rules", "std2019", "第（一）项", "规章", False, 1),
    ("std2019.normative", "std2019", "第（一）项", "规范性文件", False, 2),
    ("std2019.other_documents", "std2019", "第（一）项", "其他主动公开文件", True, 3),
    ("std2019.licensing", "std2019", "第（五）项", "行政许可", False, 4),
    ("std2019.other_services", "std2019", "第（五）项", "其他对外管理服务事项", False, 5),
    ("std2019.punishment", "std2019", "第（六）项", "行政处罚", False, 6),
    ("std2019.coercion", "std2019", "第（六）项", "行政强制", False, 7),
    ("std2019.fees", "std2019", "第（八）项", "行政事业性收费", False, 8),
    ("std2019.procurement", "std2019", "第（九）项", "政府集中采购", False, 9),
    ("std2021.rules", "std2021", "第（一）项", "规章", False, 10),
    ("std2021.normative", "std2021", "第（一）项", "行政规范性文件", False, 11),
    ("std2021.other_documents", "std2021", "第（一）项", "其他主动公开文件", True, 12),
    ("std2021.licensing", "std2021", "第（五）项", "行政许可", False, 13),
    ("std2021.punishment", "std2021", "第（六）项", "行政处罚", False, 14),
    ("std2021.coercion", "std2021", "第（六）项", "行政强制", False, 15),
    ("std2021.fees", "std2021", "第（八）项", "行政事业性收费", False, 16),
]

PROACTIVE_TABLE_COLUMNS = [
    ("std2019.made", "std2019", "本年新制作数量", "件", "count", 1),
    ("std2019.published", "std2019", "本年新公开数量", "件", "count", 2),
    ("std2019.total_public", "std2019", "对外公开总数量", "件", "count", 3),
    ("std2019.previous_items", "std2019", "上一年项目数量", "项", "count", 4),
    ("std2019.change", "std2019", "本年增/减", "项", "signed", 5),
    ("std2019.decisions", "std2019", "处理决定数量", "件", "count", 6),
    ("std2019.procurement_items", "std2019", "采购项目数量", "项", "count", 7),
    ("std2019.procurement_amount", "std2019", "采购总金额", None, "amount", 8),
    ("std2021.issued", "std2021", "本年制发件数", "件", "count", 9),
    ("std2021.repealed", "std2021", "本年废止件数", "件", "count", 10),
    ("std2021.in_force", "std2021", "现行有效件数", "件", "count", 11),
    ("std2021.decisions", "std2021", "本年处理决定数量", "件", "count", 12),
    ("std2021.fee_amount", "std2021", "本年收费金额（单位：万元）", "万元", "amount", 13),
]

# (code, label, section, fact table, unit, value kind, regime, parent)
MEASURES = [
    ("proactive.total", "主动公开政府信息数", "proactive", "figures", "条", "count", None, None),
    (
        "proactive.normative_documents",
        "其中：主动公开规范性文件数",
        "proactive",
        "figures",
        "件",
        "count",
        "pre2019",
        "proactive.total",
    ),
    (
        "proactive.normative_documents_issued",
        "制发规范性文件总数",
        "proactive",
        "figures",
        "件",
        "count",
        "pre2019",
        None,
    ),
    (
        "proactive.by_publisher",
        "主动公开政府信息数（按公开主体）",
        "proactive",
        "proactive_publisher_counts",
        "条",
        "count",
        None,
        "proactive.total",
    ),
    (
        "proactive.by_channel",
        "主动公开政府信息数（按公开渠道）",
        "proactive",
        "proactive_channel_figures",
        "条",
        "count",
        None,
        "proactive.total",
    ),
    (
        "proactive.channel_share_pct",
        "占主动公开政府信息总数的比例",
        "proactive",
        "proactive_channel_figures",
        "%",
        "percent",
        None,
        None,
    ),
    (
        "proactive.by_category",
        "主动公开政府信息数（按类别）",
        "proactive",
        "proactive_category_counts",
        None,
        "count",
        None,
        None,
    ),
    (
        "response.hot_topics",
        "回应公众关注热点或重大舆情数",
        "response",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "response.press_conferences",
        "召开新闻发布会次数",
        "response",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "response.online_interviews",
        "政府网站在线访谈次数",
        "response",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "response.policy_interpretations",
        "政策解读稿件发布数",
        "response",
        "figures",
        "篇",
        "count",
        "pre2019",
        None,
    ),
    (
        "response.social_media_responses",
        "微博微信回应事件数",
        "response",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "rights.items_total",
        "权责清单事项总计",
        "rights_lists",
        "figures",
        "项",
        "count",
        None,
        None,
    ),
    (
        "rights.townships",
        "公布权责清单的乡镇（办事处）数",
        "rights_lists",
        "figures",
        "个",
        "count",
        None,
        None,
    ),
    (
        "rights.items_by_township",
        "权责清单事项数（按乡镇、办事处）",
        "rights_lists",
        "responsibility_list_items",
        "项",
        "count",
        None,
        "rights.items_total",
    ),
    (
        "fiscal.budget_units",
        "公开部门预决算的市直单位数",
        "fiscal",
        "figures",
        "家",
        "count",
        None,
        None,
    ),
    (
        "fiscal.budget_disclosure_rate_pct",
        "部门预决算公开率",
        "fiscal",
        "figures",
        "%",
        "percent",
        None,
        None,
    ),
    (
        "fiscal.special_funds_required",
        "省确定应公开的专项资金项目数",
        "fiscal",
        "figures",
        "项",
        "count",
        None,
        None,
    ),
    (
        "fiscal.special_funds_allocated",
        "已下达专项资金项目数",
        "fiscal",
        "figures",
        "项",
        "count",
        None,
        None,
    ),
    (
        "fiscal.special_funds_allocated_amount",
        "已下达专项资金金额",
        "fiscal",
        "figures",
        "万元",
        "amount",
        None,
        None,
    ),
    (
        "fiscal.special_funds_disclosed",
        "已公开专项资金项目数",
        "fiscal",
        "figures",
        "项",
        "count",
        None,
        None,
    ),
    (
        "fiscal.special_funds_disclosed_pct",
        "已公开专项资金项目占应公开数的比例",
        "fiscal",
        "figures",
        "%",
        "percent",
        None,
        None,
    ),
    (
        "fiscal.special_funds_disclosed_amount",
        "已公开专项资金金额",
        "fiscal",
        "figures",
        "万元",
        "amount",
        None,
        None,
    ),
    (
        "fiscal.special_funds_disclosed_amount_pct",
        "已公开专项资金金额占应公开数的比例",
        "fiscal",
        "figures",
        "%",
        "percent",
        None,
        None,
    ),
    ("relief.disclosures", "公开社会救助信息数", "relief", "figures", "条", "count", None, None),
    (
        "relief.recipients_total",
        "公开社会救助对象总数",
        "relief",
        "figures",
        "人(户)次",
        "count",
        None,
        None,
    ),
    (
        "relief.recipients",
        "公开救助对象数（按救助项目）",
        "relief",
        "relief_recipient_counts",
        None,
        "count",
        None,
        "relief.recipients_total",
    ),
    (
        "relief.policies",
        "公开政策法规数（按救助类别）",
        "relief",
        "relief_policy_counts",
        "条",
        "count",
        None,
        None,
    ),
    (
        "requests.count",
        "政府信息公开申请数",
        "requests",
        "request_counts",
        "件",
        "count",
        None,
        None,
    ),
    ("requests.response_rate_pct", "申请答复率", "requests", "figures", "%", "percent", None, None),
    (
        "fees.charged_amount",
        "依申请公开政府信息收取的费用",
        "fees",
        "figures",
        "元",
        "amount",
        None,
        None,
    ),
    (
        "fees.waived_amount",
        "依申请公开政府信息减免的费用",
        "fees",
        "figures",
        "元",
        "amount",
        None,
        None,
    ),
    (
        "review.count",
        "行政复议、行政诉讼和举报投诉数",
        "review",
        "review_litigation_counts",
        "件",
        "count",
        None,
        None,
    ),
    (
        "organisation.dedicated_offices",
        "政府信息公开专门机构数",
        "organisation",
        "figures",
        "个",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.reading_points",
        "设置政府信息公开查阅点数",
        "organisation",
        "figures",
        "个",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.full_time_staff",
        "从事政府信息公开工作的专职人员数",
        "organisation",
        "figures",
        "人",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.part_time_staff",
        "从事政府信息公开工作的兼职人员数",
        "organisation",
        "figures",
        "人",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.budget_amount",
        "政府信息公开专项经费",
        "organisation",
        "figures",
        "万元",
        "amount",
        "pre2019",
        None,
    ),
    (
        "organisation.meetings",
        "召开政府信息公开工作会议次数",
        "organisation",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.trainings",
        "举办各类培训班次数",
        "organisation",
        "figures",
        "次",
        "count",
        "pre2019",
        None,
    ),
    (
        "organisation.trainees",
        "接受培训人员数",
        "organisation",
        "figures",
        "人次",
        "count",
        "pre2019",
        None,
    ),
    (
        "table2.value",
        "主动公开政府信息情况（第二十条）",
        "table2",
        "proactive_table_figures",
        None,
        "amount",
        None,
        None,
    ),
]


def upgrade() -> None:
    _insert("regimes", ("regime_code", "label_zh", "first_year", "last_year"), REGIMES)
    _insert("agency_levels", ("level_code", "label_zh", "sort_order"), AGENCY_LEVELS)
    _insert("units", ("unit_code", "unit_kind", "label_en"), UNITS)
    _insert("channels", ("channel_code", "label_zh", "parent_channel_code", "sort_order"), CHANNELS)
    _insert(
        "publisher_groups", ("publisher_group_code", "label_zh", "sort_order"), PUBLISHER_GROUPS
    )
    _insert(
        "disclosure_categories",
        ("category_code", "label_zh", "unit_code", "sort_order"),
        DISCLOSURE_CATEGORIES,
    )
    _insert(
        "applicant_types",
        (
            "applicant_type_code",
            "label_zh",
            "parent_applicant_type_code",
            "is_data_column",
            "is_total",
            "sort_order",
        ),
        APPLICANT_TYPES,
    )
    _insert(
        "request_comparables",
        ("comparable_code", "label_zh", "sort_order", "note"),
        REQUEST_COMPARABLES,
    )
    _insert(
        "request_rows",
        (
            "request_row_code",
            "regime_code",
            "label_zh",
            "parent_row_code",
            "is_data_row",
            "comparable_code",
            "sort_order",
        ),
        _request_rows(),
    )
    _insert("review_blocks", ("block_code", "label_zh", "sort_order"), REVIEW_BLOCKS)
    _insert("review_results", ("result_code", "label_zh", "is_total", "sort_order"), REVIEW_RESULTS)
    _insert(
        "relief_categories", ("relief_category_code", "label_zh", "sort_order"), RELIEF_CATEGORIES
    )
    _insert(
        "relief_programmes",
        ("programme_code", "label_zh", "relief_category_code", "unit_code", "sort_order"),
        RELIEF_PROGRAMMES,
    )
    _insert(
        "proactive_table_rows",
        (
            "table_row_code",
            "regime_code",
            "article_item",
            "label_zh",
            "is_provincial_extension",
            "sort_order",
        ),
        PROACTIVE_TABLE_ROWS,
    )
    _insert(
        "proactive_table_columns",
        ("table_column_code", "regime_code", "label_zh", "unit_code", "value_kind", "sort_order"),
        PROACTIVE_TABLE_COLUMNS,
    )
    _insert(
        "measures",
        (
            "measure_code",
            "label_zh",
            "section",
            "fact_table",
            "unit_code",
            "value_kind",
            "regime_code",
            "parent_measure_code",
            "sort_order",
        ),
        [(*m, order) for order, m in enumerate(MEASURES, start=1)],
    )


def _insert(name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    op.bulk_insert(_table(name, *columns), [dict(zip(columns, row, strict=True)) for row in rows])


SEEDED_TABLES = [
    "measures",
    "proactive_table_columns",
    "proactive_table_rows",
    "relief_programmes",
    "relief_categories",
    "review_results",
    "review_blocks",
    "request_rows",
    "request_comparables",
    "applicant_types",
    "disclosure_categories",
    "publisher_groups",
    "channels",
    "units",
    "agency_levels",
    "regimes",
]


def downgrade() -> None:
    # Self-references (measures, channels, request_rows, applicant_types) point at rows of the
    # same table, so children go first.
    op.execute("DELETE FROM measures WHERE parent_measure_code IS NOT NULL")
    op.execute("DELETE FROM channels WHERE parent_channel_code IS NOT NULL")
    op.execute("DELETE FROM applicant_types WHERE parent_applicant_type_code IS NOT NULL")
    for _depth in range(4):  # request rows nest at most four deep
        op.execute(
            "DELETE FROM request_rows WHERE request_row_code NOT IN "
            "(SELECT parent_row_code FROM request_rows WHERE parent_row_code IS NOT NULL)"
        )
    for name in SEEDED_TABLES:
        op.execute(f"DELETE FROM {name}")
