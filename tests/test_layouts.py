"""Layouts are data that agree with the reference data of the migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from etl.errors import UnknownLayout
from etl.layouts import (
    PRE2019,
    Grid,
    GridColumn,
    GridRow,
    Item,
    Layout,
    RepeatingList,
    Section,
    get_layout,
    registered_layouts,
)
from etl.layouts.header import LEVELS, REGIMES

#: Each fact table's dimension columns, and the reference table (code column, label column)
#: each dimension points at; `township` names an agency and has no code list.
DIMENSIONS = {
    "figures": {},
    "scoped_figures": {},
    "proactive_publisher_counts": {"publisher_group_code": "publisher_groups"},
    "proactive_channel_figures": {"channel_code": "channels"},
    "proactive_category_counts": {"category_code": "disclosure_categories"},
    "responsibility_list_items": {"township": None},
    "relief_recipient_counts": {"programme_code": "relief_programmes"},
    "relief_policy_counts": {"relief_category_code": "relief_categories"},
    "request_counts": {
        "request_row_code": "request_rows",
        "applicant_type_code": "applicant_types",
    },
    "review_litigation_counts": {"block_code": "review_blocks", "result_code": "review_results"},
    "proactive_table_figures": {
        "table_row_code": "proactive_table_rows",
        "table_column_code": "proactive_table_columns",
    },
}
CODE_COLUMN = {
    "relief_programmes": "programme_code",
    "disclosure_categories": "category_code",
    "request_rows": "request_row_code",
}


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _all_inputs(layout: Layout) -> Iterator[Item]:
    for section in layout.sections:
        yield from section.cells()
        for part in section.lists():
            yield part.item("某乡镇")


def test_every_code_and_dimension_exists_with_its_label(engine: Engine) -> None:
    measures = {
        code: (label, table, unit, kind)
        for code, label, table, unit, kind in _rows(
            engine, "SELECT measure_code, label_zh, fact_table, unit_code, value_kind FROM measures"
        )
    }
    units = {u for (u,) in _rows(engine, "SELECT unit_code FROM units")}
    problems = []
    for item in _all_inputs(PRE2019):
        if item.measure_code not in measures:
            problems.append(f"{item.code}: no measure {item.measure_code}")
            continue
        label, table, unit, kind = measures[item.measure_code]
        if item.unit not in units:
            problems.append(f"{item.code}: unknown unit {item.unit}")
        if kind != item.value_kind:
            problems.append(f"{item.code}: kind {item.value_kind}, measure says {kind}")
        if unit is not None and unit != item.unit:
            problems.append(f"{item.code}: unit {item.unit}, measure says {unit}")
        if [d for d, _ in item.dims] != list(DIMENSIONS[str(table)]):
            problems.append(f"{item.code}: dims {item.dims} do not fit {table}")
            continue
        if not item.dims and item.label != label:
            problems.append(f"{item.code}: label {item.label!r}, measure says {label!r}")
        for column, value in item.dims:
            reference = DIMENSIONS[str(table)][column]
            if reference is None:
                continue
            code_column = CODE_COLUMN.get(reference, column)
            found = _rows(
                engine, f"SELECT label_zh FROM {reference} WHERE {code_column} = '{value}'"
            )
            if not found:
                problems.append(f"{item.code}: no {column} {value!r} in {reference}")
            elif ":" not in item.code and column == item.dims[0][0] and item.label != found[0][0]:
                problems.append(
                    f"{item.code}: label {item.label!r}, {reference} says {found[0][0]!r}"
                )
    assert problems == []


def test_grid_and_row_labels_are_the_reference_labels(engine: Engine) -> None:
    channels = dict(_rows(engine, "SELECT channel_code, label_zh FROM channels"))
    blocks = dict(_rows(engine, "SELECT block_code, label_zh FROM review_blocks"))
    results = dict(_rows(engine, "SELECT result_code, label_zh FROM review_results"))
    grids = {grid.code: grid for section in PRE2019.sections for grid in section.grids()}
    channel_grid, review_grid = grids["proactive.channels"], grids["review.grid"]
    assert [(row.label) for row in channel_grid.rows] == [
        channels[dict(row.dims)["channel_code"]] for row in channel_grid.rows
    ]
    assert [row.label for row in review_grid.rows] == [
        blocks[dict(row.dims)["block_code"]] for row in review_grid.rows
    ]
    assert [col.label for col in review_grid.columns] == [
        results[dict(col.dims)["result_code"]] for col in review_grid.columns
    ]


def test_relief_programme_units_are_the_reference_units(engine: Engine) -> None:
    units = dict(_rows(engine, "SELECT programme_code, unit_code FROM relief_programmes"))
    relief = PRE2019.section("社会救助")
    assert {
        dict(item.dims)["programme_code"]: item.unit
        for item in relief.items()
        if item.measure_code == "relief.recipients"
    } == units


def test_header_code_lists_match_the_reference_data(engine: Engine) -> None:
    levels = dict(_rows(engine, "SELECT level_code, label_zh FROM agency_levels"))
    assert levels == {**LEVELS, "unknown": "级别未定"}  # unknown: inferred, never typed
    assert {
        code: (label, first, last)
        for code, label, first, last in _rows(
            engine, "SELECT regime_code, label_zh, first_year, last_year FROM regimes"
        )
    } == REGIMES


def test_pre2019_holds_every_legacy_request_row(engine: Engine) -> None:
    legacy = _rows(
        engine,
        "SELECT request_row_code FROM request_rows WHERE regime_code = 'pre2019' "
        "ORDER BY sort_order",
    )
    in_layout = [
        dict(item.dims)["request_row_code"]
        for item in PRE2019.section("依申请公开").items()
        if item.measure_code == "requests.count"
    ]
    assert in_layout == [code for (code,) in legacy]


def test_every_organisation_and_response_measure_is_in_pre2019(engine: Engine) -> None:
    wanted = {
        code
        for (code,) in _rows(
            engine,
            "SELECT measure_code FROM measures WHERE section IN "
            "('organisation', 'response', 'fiscal', 'relief', 'rights_lists', 'fees')",
        )
    }
    assert wanted - {item.measure_code for item in _all_inputs(PRE2019)} == set()


def test_registry_is_keyed_by_regime() -> None:
    assert get_layout("pre2019") is PRE2019
    assert sorted(layout.regime_code for layout in registered_layouts()) == [
        "pre2019",
        "std2019",
        "std2021",
    ]
    with pytest.raises(UnknownLayout) as caught:
        get_layout("std2031")
    assert str(caught.value) == (
        "no spreadsheet layout for regime 'std2031' yet; layouts exist for: pre2019, std2019, "
        "std2021"
    )


def test_codes_are_unique() -> None:
    with pytest.raises(ValueError, match=r"code 'x\.a' is used twice"):
        Layout(
            "test",
            "test",
            (Section("s", "s", (Item("x.a", "A", "m"), Item("x.a", "B", "m"))),),
        )


def test_table_four_grid_yields_fifteen_cells_with_both_dimensions() -> None:
    """The grid machinery std2019/std2021 will use: blocks × results."""
    grid = Grid(
        "table4",
        "行政复议、行政诉讼",
        "review.count",
        tuple(
            GridRow(f"t4.{code}", label, (("block_code", code),))
            for code, label in (
                ("review", "行政复议"),
                ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
                ("litigation_after_review", "行政诉讼（复议后起诉）"),
            )
        ),
        tuple(
            GridColumn(code, label, (("result_code", code),), unit="件")
            for code, label in (
                ("upheld", "结果维持"),
                ("corrected", "结果纠正"),
                ("other", "其他结果"),
                ("pending", "尚未审结"),
                ("total", "总计"),
            )
        ),
    )
    cells = list(grid.cells())
    assert len(cells) == 15
    assert cells[6] == Item(
        "t4.litigation_direct:corrected",
        "行政诉讼（未经复议直接起诉） / 结果纠正",
        "review.count",
        (("block_code", "litigation_direct"), ("result_code", "corrected")),
        "件",
    )


def test_a_unit_column_gives_its_amount_column_the_unit_choices() -> None:
    grid = Grid(
        "table2",
        "政府集中采购",
        "table2.value",
        (GridRow("t2.procurement", "政府集中采购", (("table_row_code", "std2019.procurement"),)),),
        (
            GridColumn(
                "amount",
                "采购总金额",
                (("table_column_code", "std2019.procurement_amount"),),
                value_kind="amount",
            ),
            GridColumn(
                "unit", "单位", value_kind="unit", unit_for="amount", unit_choices=("元", "万元")
            ),
        ),
    )
    assert [(c.code, c.value_kind, c.unit_choices) for c in grid.cells()] == [
        ("t2.procurement:amount", "amount", ("元", "万元"))
    ]


def test_lists_name_their_rows() -> None:
    part = next(PRE2019.section("权责清单").lists())
    assert isinstance(part, RepeatingList)
    assert part.item("赵棚镇").dims == (("township", "赵棚镇"),)


@pytest.mark.parametrize("regime", ["std2019", "std2021"])
def test_std_layouts_are_the_reference_data(engine: Engine, regime: str) -> None:
    layout = get_layout(regime)
    (table3,) = layout.section("表三").grids()
    assert [
        (dict(row.dims)["request_row_code"], row.label, row.role == "data") for row in table3.rows
    ] == _rows(
        engine,
        "SELECT request_row_code, label_zh, is_data_row FROM request_rows "
        f"WHERE regime_code = '{regime}' ORDER BY sort_order",
    )
    assert [(dict(c.dims)["applicant_type_code"], c.label) for c in table3.columns] == _rows(
        engine,
        "SELECT applicant_type_code, label_zh FROM applicant_types WHERE is_data_column "
        "ORDER BY sort_order",
    )
    table2 = list(layout.section("表二").grids())
    rows = [(dict(r.dims)["table_row_code"], r.label) for g in table2 for r in g.rows]
    assert rows == _rows(
        engine,
        "SELECT table_row_code, label_zh FROM proactive_table_rows "
        f"WHERE regime_code = '{regime}' ORDER BY sort_order",
    )
    columns = {
        (dict(c.dims)["table_column_code"], c.label, c.unit, c.value_kind)
        for g in table2
        for c in g.value_columns
    }
    assert columns == set(
        _rows(
            engine,
            "SELECT table_column_code, label_zh, unit_code, value_kind "
            f"FROM proactive_table_columns WHERE regime_code = '{regime}'",
        )
    )
    (table4,) = layout.section("表四").grids()
    blocks = dict(_rows(engine, "SELECT block_code, label_zh FROM review_blocks"))
    results = dict(_rows(engine, "SELECT result_code, label_zh FROM review_results"))
    assert {(dict(c.dims)["block_code"], c.label) for c in table4.columns} == {
        (block, results[result])
        for block in ("review", "litigation_direct", "litigation_after_review")
        for result in results
    }
    assert {(c.groups[-1], dict(c.dims)["block_code"]) for c in table4.columns} == {
        ("行政复议", "review"), ("未经复议直接起诉", "litigation_direct"),
        ("复议后起诉", "litigation_after_review"),
    }  # fmt: skip
    assert blocks["litigation_direct"] == "行政诉讼（未经复议直接起诉）"
