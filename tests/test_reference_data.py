"""The code lists seeded by the migrations are complete and their labels verbatim."""

from __future__ import annotations

from sqlalchemy import Engine, select

from models import ApplicantType, Measure, RequestRow, ReviewBlock, ReviewResult, Unit

STD2021_TABLE3 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
]


def _labels(engine: Engine, regime: str, data_rows: bool) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(RequestRow.label_zh)
                .where(RequestRow.regime_code == regime, RequestRow.is_data_row == data_rows)
                .order_by(RequestRow.sort_order)
            ).scalars()
        )


def test_std2021_table3_has_all_25_rows_verbatim(engine: Engine) -> None:
    assert _labels(engine, "std2021", True) == STD2021_TABLE3
    assert _labels(engine, "std2021", False) == [
        "三、本年度办理结果",
        "（三）不予公开",
        "（四）无法提供",
        "（五）不予处理",
        "（六）其他处理",
    ]


def test_std2019_has_one_other_row_instead_of_three(engine: Engine) -> None:
    labels = _labels(engine, "std2019", True)
    assert len(labels) == 23
    assert "（六）其他处理" in labels
    assert "3.其他" not in labels


def test_all_seven_applicant_columns(engine: Engine) -> None:
    with engine.connect() as connection:
        rows = (
            connection.execute(
                select(ApplicantType.label_zh)
                .where(ApplicantType.is_data_column)
                .order_by(ApplicantType.sort_order)
            )
            .scalars()
            .all()
        )
    assert rows == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]


def test_table4_has_fifteen_cells(engine: Engine) -> None:
    with engine.connect() as connection:
        blocks = (
            connection.execute(
                select(ReviewBlock.label_zh)
                .where(
                    ReviewBlock.block_code.in_(
                        ["review", "litigation_direct", "litigation_after_review"]
                    )
                )
                .order_by(ReviewBlock.sort_order)
            )
            .scalars()
            .all()
        )
        results = (
            connection.execute(select(ReviewResult.label_zh).order_by(ReviewResult.sort_order))
            .scalars()
            .all()
        )
    assert blocks == ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    assert results == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_crosswalk_sums_std2021_other_rows_to_std2019_other(engine: Engine) -> None:
    with engine.connect() as connection:
        rows = connection.execute(
            select(RequestRow.regime_code, RequestRow.request_row_code)
            .where(RequestRow.comparable_code == "other", RequestRow.regime_code != "pre2019")
            .order_by(RequestRow.sort_order)
        ).all()
    assert rows == [
        ("std2019", "std2019.results.other"),
        ("std2021", "std2021.results.other.no_correction"),
        ("std2021", "std2021.results.other.unpaid_fee"),
        ("std2021", "std2021.results.other.other"),
    ]


def test_every_measure_names_an_existing_fact_table_and_unit(engine: Engine) -> None:
    from models import metadata

    with engine.connect() as connection:
        measures = connection.execute(select(Measure.measure_code, Measure.fact_table)).all()
        units = set(connection.execute(select(Unit.unit_code)).scalars())
    assert {"条", "件", "项", "人次", "户次", "期", "万元", "元", "%"} <= units
    for code, fact_table in measures:
        assert fact_table in metadata.tables, code
