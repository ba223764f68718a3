"""The pre2019 workbook: every figure of a 2008-条例 report and the legacy national table.

It holds every figure of the Anlu 2017 report (see the domain README) and the legacy national
statistics table used 2014–2018: proactive disclosure by publisher, channel and category, 回应
解读, 权责清单 per township, fiscal disclosure, social-relief disclosure, requests by channel of
application and by reply, fees, review / litigation / complaints, and 机构建设 / 会议培训.
Labels are the reference data's (migration 0002) verbatim; codes are stable.
"""

from __future__ import annotations

from etl.layouts.model import (
    Grid,
    GridColumn,
    GridRow,
    Heading,
    Item,
    Layout,
    RepeatingList,
    Section,
)
from etl.layouts.narrative import BODY_WIDE, CUMULATIVE_PROACTIVE, RESPONSES, SERVICES
from etl.parse import ValueKind


def _figure(
    measure: str,
    label: str,
    unit: str,
    kind: ValueKind = "count",
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    indent: int = 0,
) -> Item:
    """A scalar figure (table `figures`): its code is its measure code."""
    return Item(measure, label, measure, (), unit, kind, required, aliases, indent=indent)


def _by(
    measure: str, column: str, code: str, label: str, unit: str, *, aliases: tuple[str, ...] = ()
) -> Item:
    """A figure of `measure` for one value of one dimension; code `measure.code`."""
    return Item(f"{measure}.{code}", label, measure, ((column, code),), unit, aliases=aliases)


PROACTIVE = Section(
    "主动公开",
    "主动公开政府信息情况",
    (
        _figure("proactive.total", "主动公开政府信息数", "条", required=True),
        _figure("proactive.normative_documents", "其中：主动公开规范性文件数", "件", indent=1),
        _figure("proactive.normative_documents_issued", "制发规范性文件总数", "件"),
        Heading("按公开主体"),
        _by(
            "proactive.by_publisher",
            "publisher_group_code",
            "townships",
            "乡镇人民政府（开发区）、办事处",
            "条",
            aliases=("乡镇、办事处",),
        ),
        _by(
            "proactive.by_publisher", "publisher_group_code", "departments", "市政府有关部门", "条"
        ),
        _by("proactive.by_publisher", "publisher_group_code", "other", "其他", "条"),
        Grid(
            "proactive.channels",
            "按公开渠道",
            "proactive.by_channel",
            tuple(
                GridRow(f"proactive.channel.{code}", label, (("channel_code", code),), aliases)
                for code, label, aliases in (
                    ("gazette", "政府公报", ()),
                    ("website", "政府网站", ("门户网站",)),
                    ("new_media", "两微一端", ()),
                    ("weibo", "政务微博", ()),
                    ("wechat", "政务微信", ()),
                    ("app", "政务客户端", ("客户端",)),
                    ("other", "其他方式", ()),
                )
            ),
            (
                GridColumn("count", "数量", unit="条", aliases=("主动公开政府信息数",)),
                GridColumn(
                    "share_pct",
                    "占主动公开政府信息总数的比例",
                    measure_code="proactive.channel_share_pct",
                    unit="%",
                    value_kind="percent",
                    aliases=("占比",),
                ),
            ),
        ),
        Heading("按类别"),
        *(
            _by("proactive.by_category", "category_code", code, label, unit)
            for code, label, unit in (
                ("common_work", "共性工作信息", "条"),
                ("budgets", "财政预决算信息", "条"),
                ("procurement", "政府采购信息", "条"),
                ("poverty_alleviation", "扶贫信息", "条"),
                ("audit_reports", "审计公告", "期"),
                ("other", "其他", "条"),
            )
        ),
        Heading("累计数（不计入本年数字）"),
        CUMULATIVE_PROACTIVE,
    ),
)

RESPONSE = Section(
    "回应解读",
    "回应解读情况",
    (
        _figure("response.hot_topics", "回应公众关注热点或重大舆情数", "次"),
        _figure("response.press_conferences", "召开新闻发布会次数", "次"),
        _figure("response.online_interviews", "政府网站在线访谈次数", "次"),
        _figure("response.policy_interpretations", "政策解读稿件发布数", "篇"),
        _figure("response.social_media_responses", "微博微信回应事件数", "次"),
        *RESPONSES,
        *SERVICES,
    ),
)

RIGHTS_LISTS = Section(
    "权责清单",
    "权责清单公开情况",
    (
        _figure("rights.items_total", "权责清单事项总计", "项"),
        _figure("rights.townships", "公布权责清单的乡镇（办事处）数", "个"),
        RepeatingList(
            "rights.items_by_township",
            "权责清单事项数（按乡镇、办事处）",
            "rights.items_by_township",
            name_dim="township",
            name_label="乡镇（办事处）名称",
            unit="项",
            total_code="rights.items_total",
        ),
    ),
)

FISCAL = Section(
    "财政资金",
    "财政资金信息公开情况",
    (
        _figure("fiscal.budget_units", "公开部门预决算的市直单位数", "家"),
        _figure("fiscal.budget_disclosure_rate_pct", "部门预决算公开率", "%", "percent"),
        Heading("财政专项资金"),
        _figure("fiscal.special_funds_required", "省确定应公开的专项资金项目数", "项"),
        _figure("fiscal.special_funds_allocated", "已下达专项资金项目数", "项"),
        _figure("fiscal.special_funds_allocated_amount", "已下达专项资金金额", "万元", "amount"),
        _figure("fiscal.special_funds_disclosed", "已公开专项资金项目数", "项"),
        _figure(
            "fiscal.special_funds_disclosed_pct",
            "已公开专项资金项目占应公开数的比例",
            "%",
            "percent",
        ),
        _figure("fiscal.special_funds_disclosed_amount", "已公开专项资金金额", "万元", "amount"),
        _figure(
            "fiscal.special_funds_disclosed_amount_pct",
            "已公开专项资金金额占应公开数的比例",
            "%",
            "percent",
        ),
    ),
)

RELIEF = Section(
    "社会救助",
    "社会救助信息公开情况",
    (
        _figure("relief.disclosures", "公开社会救助信息数", "条"),
        _figure("relief.recipients_total", "公开社会救助对象总数", "人(户)次"),
        Heading("公开救助对象数（按救助项目）"),
        *(
            _by("relief.recipients", "programme_code", code, label, unit)
            for code, label, unit in (
                ("temporary_assistance", "临时救助", "人次"),
                ("medical_assistance", "医疗救助", "人次"),
                ("urban_dibao", "城市低保", "户次"),
                ("rural_dibao", "农村低保", "户次"),
                ("rural_wubao", "农村五保", "人次"),
                ("disaster_relief", "自然灾害救助", "户次"),
                ("special_care", "优抚抚恤", "人次"),
            )
        ),
        Heading("公开政策法规数（按救助类别）"),
        *(
            _by("relief.policies", "relief_category_code", code, label, "条")
            for code, label in (
                ("social_assistance", "社会救助类"),
                ("living_security", "困难群众生活保障类"),
                ("disaster", "自然灾害救助类"),
                ("special_care", "优抚抚恤类"),
                ("emergency_platform", "救急难公众服务平台"),
            )
        ),
    ),
)

#: The legacy national table's request rows (request_rows `legacy.*`), with their depth.
LEGACY_REQUEST_ROWS: tuple[tuple[str, str, int], ...] = (
    ("legacy.received", "收到申请数", 0),
    ("legacy.received.in_person", "当面申请数", 1),
    ("legacy.received.fax", "传真申请数", 1),
    ("legacy.received.online", "网络申请数", 1),
    ("legacy.received.letter", "信函申请数", 1),
    ("legacy.completed", "已办结申请数", 0),
    ("legacy.completed.on_time", "按时办结数", 1),
    ("legacy.completed.extended", "延期办结数", 1),
    ("legacy.replies", "申请答复数", 0),
    ("legacy.replies.already_public", "属于已主动公开范围数", 1),
    ("legacy.replies.granted", "同意公开答复数", 1),
    ("legacy.replies.partial", "同意部分公开答复数", 1),
    ("legacy.replies.refused", "不同意公开答复数", 1),
    ("legacy.replies.refused.state_secret", "涉及国家秘密", 2),
    ("legacy.replies.refused.commercial_secret", "涉及商业秘密", 2),
    ("legacy.replies.refused.privacy", "涉及个人隐私", 2),
    (
        "legacy.replies.refused.security_stability",
        "危及国家安全、公共安全、经济安全和社会稳定",
        2,
    ),
    ("legacy.replies.refused.not_government_information", "不是《条例》所指政府信息", 2),
    ("legacy.replies.refused.other_law", "法律法规规定的其他情形", 2),
    ("legacy.replies.not_this_agency", "不属于本行政机关公开数", 1),
    ("legacy.replies.not_exist", "申请信息不存在数", 1),
    ("legacy.replies.amend", "告知作出更改补充数", 1),
    ("legacy.replies.other_route", "告知通过其他途径办理数", 1),
)

REQUESTS = Section(
    "依申请公开",
    "依申请公开政府信息情况",
    (
        *(
            Item(
                f"requests.{row}",
                label,
                "requests.count",
                (("request_row_code", row), ("applicant_type_code", "total")),
                "件",
                required=row == "legacy.received",
                indent=depth,
            )
            for row, label, depth in LEGACY_REQUEST_ROWS
        ),
        _figure("requests.response_rate_pct", "申请答复率", "%", "percent", aliases=("答复率",)),
    ),
)

FEES = Section(
    "收费",
    "政府信息公开的收费及减免情况",
    tuple(
        Item(code, label, code, (), "元", "amount", unit_choices=("元", "万元"))
        for code, label in (
            ("fees.charged_amount", "依申请公开政府信息收取的费用"),
            ("fees.waived_amount", "依申请公开政府信息减免的费用"),
        )
    ),
)

REVIEW = Section(
    "复议诉讼",
    "因政府信息公开申请行政复议、提起行政诉讼和举报投诉的情况",
    (
        Grid(
            "review.grid",
            "行政复议、行政诉讼和举报投诉数",
            "review.count",
            tuple(
                GridRow(f"review.{code}", label, (("block_code", code),), aliases)
                for code, label, aliases in (
                    ("review", "行政复议", ("行政复议数",)),
                    ("litigation", "行政诉讼", ("行政诉讼数",)),
                    ("complaint", "举报投诉（申诉）", ("举报投诉数", "申诉")),
                )
            ),
            tuple(
                GridColumn(code, label, (("result_code", code),), unit="件", aliases=aliases)
                for code, label, aliases in (
                    ("upheld", "结果维持", ("维持具体行政行为数", "维持")),
                    ("corrected", "结果纠正", ("被依法纠错数", "被依法纠错", "纠正")),
                    ("other", "其他结果", ("其他情形数", "其他情形")),
                    ("pending", "尚未审结", ()),
                    ("total", "总计", ("合计",)),
                )
            ),
        ),
        *BODY_WIDE,
    ),
)

ORGANISATION = Section(
    "机构建设",
    "机构建设和会议培训情况",
    (
        Heading("机构建设"),
        _figure("organisation.dedicated_offices", "政府信息公开专门机构数", "个"),
        _figure("organisation.reading_points", "设置政府信息公开查阅点数", "个"),
        _figure("organisation.full_time_staff", "从事政府信息公开工作的专职人员数", "人"),
        _figure("organisation.part_time_staff", "从事政府信息公开工作的兼职人员数", "人"),
        _figure("organisation.budget_amount", "政府信息公开专项经费", "万元", "amount"),
        Heading("会议和培训"),
        _figure("organisation.meetings", "召开政府信息公开工作会议次数", "次"),
        _figure("organisation.trainings", "举办各类培训班次数", "次"),
        _figure("organisation.trainees", "接受培训人员数", "人次"),
    ),
)

PRE2019 = Layout(
    "pre2019",
    "政府信息公开工作年度报告统计表（2008年《条例》，2008–2018年度）",
    (
        PROACTIVE,
        RESPONSE,
        RIGHTS_LISTS,
        FISCAL,
        RELIEF,
        REQUESTS,
        FEES,
        REVIEW,
        ORGANISATION,
    ),
)
