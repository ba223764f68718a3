"""Figures a report states beside its tables, in every regime: responses and interpretation
(回应解读), other services (咨询, 留言, 转载), the narrative totals of std reports, and the
figures of another period or scope (累计; the whole body's 行政复议 and 行政诉讼).

A std workbook carries them on an optional sheet of their own (正文数字); the pre2019 workbook
has them in its 主动公开, 回应解读 and 复议诉讼 sheets.
"""

from __future__ import annotations

from etl.layouts.model import Heading, Item, Section


def figure(measure: str, label: str, unit: str, *, indent: int = 0) -> Item:
    """A scalar figure: its code is its measure code."""
    return Item(measure, label, measure, (), unit, "count", indent=indent)


#: Cumulative and body-wide counts: kept apart from the year's disclosure figures.
CUMULATIVE_PROACTIVE = figure("proactive.total_cumulative", "累计主动公开政府信息数", "条")
BODY_WIDE = (
    Heading("本机关全部案件（不限于政府信息公开，不计入上表）"),
    figure("review.body_wide_reviews", "行政复议案件数（本机关全部，不限于政府信息公开）", "件"),
    figure("review.body_wide_litigation", "行政诉讼案件数（本机关全部，不限于政府信息公开）", "件"),
)

RESPONSES = (
    figure("response.concerns_website", "通过政府网站回应社会关切数", "次"),
    figure("response.concerns_media", "通过新闻媒体回应社会关切数", "次"),
    figure("response.concerns_other", "通过其他方式回应社会关切数", "次"),
    figure("response.gazette_issues", "发布政府公报期数", "期"),
)

SERVICES = (
    Heading("其他服务"),
    figure("services.consultations", "受理政务咨询数", "次"),
    figure("services.messages", "办理网站留言数", "条"),
    figure("services.reposts", "转载发布信息数", "条"),
)

#: The std workbook's sheet of the figures its report states in prose.
STD_NARRATIVE = Section(
    "正文数字",
    "报告正文中的数字（表格以外）",
    (
        Heading("主动公开"),
        figure("proactive.total", "本年主动公开政府信息数", "条"),
        CUMULATIVE_PROACTIVE,
        Heading("回应解读"),
        figure("response.hot_topics", "回应公众关注热点或重大舆情数", "次"),
        figure("response.press_conferences", "召开新闻发布会次数", "次"),
        figure("response.online_interviews", "政府网站在线访谈次数", "次"),
        figure("response.policy_interpretations", "政策解读稿件发布数", "篇"),
        figure("response.social_media_responses", "微博微信回应事件数", "次"),
        *RESPONSES,
        *SERVICES,
        Heading("依申请公开与复议诉讼"),
        figure("narrative.requests_handled", "办理政府信息公开申请数（报告正文）", "件"),
        figure("narrative.litigation_total", "行政诉讼案件数（报告正文，未分是否经复议）", "件"),
        *BODY_WIDE,
    ),
    required=False,
)
