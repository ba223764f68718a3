"""Build data/samples/anlu-2017.xlsx: the pre2019 template filled, by codes, with every figure
of 安陆市2017年政府信息公开工作年度报告 (published 2018-01-17; real figures, as reported).

Run: .venv/bin/python scripts/make_anlu_sample.py [OUTPUT]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from etl.templates import fill_template, write_template

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "samples" / "anlu-2017.xlsx"

HEADER: dict[str, object] = {
    "header.agency_name": "安陆市",
    "header.parent_agency": "孝感市",
    "header.level": "县级",
    "header.division_code": "420982",
    "header.year": 2017,
    "header.regime": "pre2019",
    "header.published_on": date(2018, 1, 17),
}

#: 二(二)2: 权责清单事项 of the 15 乡镇政府(办事处), in the report's order.
TOWNSHIPS = {
    "赵棚镇": 77,
    "陈店乡": 74,
    "李店镇": 77,
    "巡店镇": 78,
    "辛榨乡": 78,
    "棠棣镇": 78,
    "木榨乡": 77,
    "雷公镇": 77,
    "王义贞": 77,
    "烟店镇": 78,
    "孛畈镇": 78,
    "洑水镇": 78,
    "接官乡": 77,
    "南城办事处": 78,
    "府城办事处": 75,
}

FIGURES: dict[str, object] = {
    # 二(一) 主动公开政府信息数量
    "proactive.total": 8052,
    "proactive.by_publisher.townships": 1383,
    "proactive.by_publisher.departments": 6669,
    "proactive.channel.website:count": 7136,
    "proactive.channel.website:share_pct": 88.6,
    "proactive.channel.new_media:count": 582,
    "proactive.channel.new_media:share_pct": 7.2,
    # 二(二)1 共性工作信息; 7 审计公告
    "proactive.by_category.common_work": 2980,
    "proactive.by_category.audit_reports": 10,
    # 二(二)2 权责清单
    "rights.items_total": 1157,
    "rights.townships": 15,
    "rights.items_by_township": TOWNSHIPS,
    # 二(二)3 财政资金
    "fiscal.budget_units": 74,
    "fiscal.budget_disclosure_rate_pct": 100,
    "fiscal.special_funds_required": 64,
    "fiscal.special_funds_allocated": 48,
    "fiscal.special_funds_allocated_amount": 89693,
    "fiscal.special_funds_disclosed": 48,
    "fiscal.special_funds_disclosed_pct": 100,
    "fiscal.special_funds_disclosed_amount": 89693,
    "fiscal.special_funds_disclosed_amount_pct": 100,
    # 二(二)4 社会救助
    "relief.disclosures": 11,
    "relief.recipients_total": 217284,
    "relief.policies.social_assistance": 2,
    "relief.recipients.temporary_assistance": 1103,
    "relief.recipients.medical_assistance": 1017,
    "relief.policies.living_security": 2,
    "relief.recipients.urban_dibao": 39110,
    "relief.recipients.rural_dibao": 118001,
    "relief.recipients.rural_wubao": 35175,
    "relief.recipients.disaster_relief": 8882,
    "relief.policies.special_care": 3,
    "relief.recipients.special_care": 13996,
    "relief.policies.emergency_platform": 25,
    # 三 依申请公开
    "requests.legacy.received": 11,
    "requests.legacy.replies": 11,
    "requests.legacy.replies.already_public": 2,
    "requests.legacy.replies.granted": 6,
    "requests.legacy.replies.not_this_agency": 3,
    "requests.response_rate_pct": 100,
    # 四 收费: "未发生涉及信息公开收费行为"
    "fees.charged_amount": "未发生",
    # 五 举报投诉 1 起; 未发生行政复议; 无行政诉讼
    "review.complaint:total": 1,
    "review.review:total": 0,
    "review.litigation:total": 0,
}


def build(output: Path = OUTPUT) -> Path:
    """Write the template and fill it through its codes."""
    write_template("pre2019", output, agency="安陆市", year=2017)
    fill_template(output, {**HEADER, **FIGURES}, units={"fees.charged_amount": "元"})
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
