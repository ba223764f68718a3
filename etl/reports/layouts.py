"""Layouts of the annual statistical report, as data: one per regime.

A layout is a list of parts; a part is a list of lines. A line names a measure and the
dimension codes it shows (`*` for every stored value of that dimension, in catalogue order);
its label may use `{dim1}` and `{dim2}` (the dimension labels) and `{label}` (the measure's
catalogue label). A line with no measure is a heading. Figures no line shows are listed at
the end, so that nothing loaded goes unseen. Adding the std2019 / std2021 tables is adding a
layout here; `etl.reports.annual` and its renderers need no change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the report: a heading (no measure), or a measure with its dimension pattern."""

    label: str
    measure: str | None = None
    dims: tuple[str, ...] = ()
    indent: int = 0
    #: Indent each value by the depth of its first dimension's code (request table rows).
    nest: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    """A numbered part of the report (二、主动公开政府信息情况 ...)."""

    title: str
    lines: tuple[Line, ...]


def _each(measure: str, label: str = "{dim1}", indent: int = 1, dims: int = 1) -> Line:
    return Line(label, measure, ("*",) * dims, indent)


#: The statistical content of a pre-2019 report (概述 and 问题及改进 are prose: not here).
PRE2019: tuple[Part, ...] = (
    Part(
        "二、主动公开政府信息情况",
        (
            Line("（一）主动公开政府信息数量"),
            Line("主动公开政府信息数", "proactive.total"),
            _each("proactive.by_publisher", "其中：{dim1}"),
            _each("proactive.by_channel", "通过{dim1}公开"),
            _each("proactive.channel_share_pct", "{dim1}占主动公开总数的比例"),
            Line("{label}", "proactive.normative_documents", indent=1),
            Line("{label}", "proactive.normative_documents_issued", indent=1),
            Line("（二）主动公开的类别"),
            _each("proactive.by_category"),
            Line("权责清单"),
            Line("{label}", "rights.items_total"),
            Line("{label}", "rights.townships"),
            _each("rights.items_by_township"),
            Line("财政资金信息"),
            *(
                Line("{label}", f"fiscal.{m}")
                for m in (
                    "budget_units",
                    "budget_disclosure_rate_pct",
                    "special_funds_required",
                    "special_funds_allocated",
                    "special_funds_allocated_amount",
                    "special_funds_disclosed",
                    "special_funds_disclosed_pct",
                    "special_funds_disclosed_amount",
                    "special_funds_disclosed_amount_pct",
                )
            ),
            Line("社会救助信息"),
            Line("{label}", "relief.disclosures"),
            Line("{label}", "relief.recipients_total"),
            _each("relief.recipients", "{dim1}对象"),
            _each("relief.policies", "{dim1}政策法规"),
            Line("回应解读"),
            *(
                Line("{label}", f"response.{m}")
                for m in (
                    "hot_topics",
                    "press_conferences",
                    "online_interviews",
                    "policy_interpretations",
                    "social_media_responses",
                )
            ),
        ),
    ),
    Part(
        "三、依申请公开政府信息情况",
        (
            Line("{dim1}", "requests.count", ("*", "total"), nest=True),
            Line("{label}", "requests.response_rate_pct"),
        ),
    ),
    Part(
        "四、政府信息公开的收费及减免情况",
        (Line("{label}", "fees.charged_amount"), Line("{label}", "fees.waived_amount")),
    ),
    Part(
        "五、因政府信息公开申请行政复议、提起行政诉讼和举报投诉的情况",
        (Line("{dim1}（{dim2}）", "review.count", ("*", "*")),),
    ),
    Part(
        "机构建设、会议和培训",
        tuple(
            Line("{label}", f"organisation.{m}")
            for m in (
                "dedicated_offices",
                "reading_points",
                "full_time_staff",
                "part_time_staff",
                "budget_amount",
                "meetings",
                "trainings",
                "trainees",
            )
        ),
    ),
)

#: Layouts by regime; a regime without one is shown by the generic layout (every figure).
LAYOUTS: dict[str, tuple[Part, ...]] = {"pre2019": PRE2019}
