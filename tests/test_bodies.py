"""Bodies as master data: one body is one row, whatever order the files arrive in (#16)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from facts import anlu_2017
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from standin import StandInReader

from etl.bodies.names import infer_level, name_key, name_problem, township_stem
from etl.db import downgrade, upgrade
from etl.records import ExtractedReport
from etl.runs.commands import load_paths
from etl.synthetic.bodies import Body, synthetic_bodies
from etl.synthetic.facts import synthetic_report

#: Synthetic bodies: a province, a prefecture, a county with its townships and departments.
BODIES = synthetic_bodies(24, seed=7)


def _rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _tree(engine: Engine) -> list[tuple[Any, ...]]:
    """Every body that is not merged: name, parent's name, level, status, its report years."""
    return _rows(
        engine,
        "SELECT a.name, p.name, a.level_code, a.status,"
        " (SELECT count(*) FROM reports r WHERE r.agency_id = a.agency_id AND r.is_current)"
        " FROM agencies a LEFT JOIN agencies p ON p.agency_id = a.parent_agency_id"
        " WHERE a.status <> 'merged' ORDER BY a.name",
    )


def _rollup(engine: Engine) -> list[tuple[Any, ...]]:
    """`rpt_rollup`, its sums rounded: SQLite adds REAL figures in the order it meets them."""
    return [
        (*row[:-2], None if row[-2] is None else round(float(row[-2]), 6), row[-1])
        for row in _raw_rollup(engine)
    ]


def _raw_rollup(engine: Engine) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT agency, year, measure_code, dim1_code, dim2_code, unit_code, children_reporting,"
        " children_value, reported_value FROM rpt_rollup"
        " ORDER BY agency, year, measure_code, dim1_code, dim2_code, unit_code",
    )


def _report(body: Body, *, with_parent: bool = True) -> ExtractedReport:
    report = synthetic_report(body, 2017, 7, f"{body.code}.xlsx")
    if with_parent:
        return report
    return replace(report, header=replace(report.header, parent_agency_name=None))


def _clear(engine: Engine) -> None:
    """Empty the warehouse of everything a load writes (reference data stays)."""
    tables = (
        "validation_findings", "run_files", "responsibility_list_items", "review_litigation_counts",
        "request_counts", "relief_recipient_counts", "relief_policy_counts",
        "proactive_table_figures", "proactive_publisher_counts", "proactive_channel_figures",
        "proactive_category_counts", "figures", "reports", "agency_changes", "agency_aliases",
    )  # fmt: skip
    with engine.begin() as connection:
        for table in tables:
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(text("UPDATE agencies SET parent_agency_id = NULL"))
        connection.execute(
            text("UPDATE agencies SET merged_into_agency_id = NULL, status = 'active'")
        )
        connection.execute(text("DELETE FROM agencies"))
        connection.execute(text("DELETE FROM source_files"))
        connection.execute(text("DELETE FROM etl_runs"))


def _load_in_order(
    engine: Engine, reader: StandInReader, order: list[int], no_parent: set[int], tag: str
) -> None:
    for n in order:
        body = BODIES[n]
        path = reader.add(
            f"{tag}/{n:02d}.xlsx",
            _report(body, with_parent=n not in no_parent),
            variant=f"{tag}-{n}",
        )
        summary = load_paths(engine, [path])
        assert summary.rejected == 0, [r.message for r in summary.files]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(range(len(BODIES))),
    no_parent=st.sets(st.integers(0, len(BODIES) - 1)),
)
def test_any_order_with_or_without_parents_gives_the_parents_first_tree(
    engine: Engine, reader: StandInReader, order: list[int], no_parent: set[int]
) -> None:
    _clear(engine)
    _load_in_order(engine, reader, list(range(len(BODIES))), no_parent, "first")
    expected_tree, expected_rollup = _tree(engine), _rollup(engine)
    _clear(engine)

    _load_in_order(engine, reader, order, no_parent, "random")

    assert _tree(engine) == expected_tree
    assert _rollup(engine) == expected_rollup
    assert _rows(engine, "SELECT count(*) FROM agencies") == [(len(expected_tree),)]


def test_a_department_before_its_county_makes_one_county(
    engine: Engine, reader: StandInReader
) -> None:
    county = next(b for b in BODIES if b.level_code == "county")
    department = next(b for b in BODIES if b.level_code == "department")
    assert department.parent_name == county.name
    load_paths(engine, [reader.add("dept.xlsx", _report(department))])
    assert _rows(engine, "SELECT name, level_code, status FROM agencies ORDER BY agency_id") == [
        (county.name, "county", "provisional"),
        (department.name, "department", "active"),
    ]

    load_paths(engine, [reader.add("county.xlsx", _report(county))])

    assert _rows(
        engine,
        "SELECT a.name, p.name, a.level_code, a.status FROM agencies a"
        " LEFT JOIN agencies p ON p.agency_id = a.parent_agency_id"
        " WHERE a.level_code <> 'township' ORDER BY a.agency_id",  # its 权责清单's townships
    ) == [
        (county.name, county.parent_name, "county", "active"),
        (department.name, county.name, "department", "active"),
        (county.parent_name, None, "prefecture", "provisional"),
    ]
    assert _rows(engine, "SELECT kind FROM agency_changes ORDER BY change_id") == [
        ("adopted",),
        ("confirmed",),
    ]


def test_the_anlu_townships_are_fifteen_bodies_whatever_they_are_called(
    engine: Engine, reader: StandInReader
) -> None:
    anlu = anlu_2017()
    load_paths(engine, [reader.add("anlu-2017.xlsx", anlu)])
    renamed = []
    for fact in anlu.facts:
        dims = dict(fact.dims)
        if dims.get("township") == "王义贞":
            dims["township"] = "王义贞镇"
            fact = replace(fact, dims=tuple(sorted(dims.items())))
        renamed.append(fact)
    later = replace(anlu, header=replace(anlu.header, year=2018), facts=renamed)

    load_paths(engine, [reader.add("anlu-2018.xlsx", later)])

    townships = _rows(
        engine,
        "SELECT a.name FROM agencies a JOIN agencies p ON p.agency_id = a.parent_agency_id"
        " WHERE p.name = '安陆市' ORDER BY a.agency_id",
    )
    assert len(townships) == 15
    assert ("王义贞",) in townships
    assert _rows(engine, "SELECT name, first_year, last_year, source FROM agency_aliases") == [
        ("王义贞镇", 2018, 2018, "report")
    ]
    assert _rows(
        engine,
        "SELECT year, count(*) FROM rpt_responsibility_lists GROUP BY year ORDER BY year",
    ) == [(2017, 15), (2018, 15)]


def test_a_city_named_as_a_parent_is_a_prefecture_when_its_code_says(
    engine: Engine, reader: StandInReader
) -> None:
    department = Body("d", "合成孝感市财政局", "department", "合成孝感市")
    city = Body("c", "合成孝感市", "prefecture", "合成省", division_code="999900")
    load_paths(engine, [reader.add("d.xlsx", synthetic_report(department, 2017, 7, "d.xlsx"))])
    [(level, status)] = _rows(
        engine, "SELECT level_code, status FROM agencies WHERE name = '合成孝感市'"
    )
    assert (level, status) == ("unknown", "provisional")
    findings = _rows(
        engine,
        "SELECT rule_code, severity, message FROM validation_findings"
        " WHERE rule_code LIKE 'body.%'",
    )
    assert findings == [
        (
            "body.level_unknown",
            "warning",
            "the level of 合成孝感市 is not known (市 may be a prefecture-level or "
            "a county-level city); it is stored as unknown until its own report, a division code "
            "or `ogi agencies import` says",
        )
    ]

    own = synthetic_report(city, 2017, 7, "c.xlsx")
    own = replace(own, header=replace(own.header, level_code=None))
    load_paths(engine, [reader.add("c.xlsx", own)])

    assert _rows(
        engine, "SELECT level_code, status, division_code FROM agencies WHERE name = '合成孝感市'"
    ) == [("prefecture", "active", "999900")]


def test_two_bodies_of_one_name_make_a_file_without_a_parent_ambiguous(
    engine: Engine, reader: StandInReader
) -> None:
    for county in ("合成甲县", "合成乙县"):
        town = Body("t", "合成城关镇", "township", county)
        load_paths(
            engine, [reader.add(f"{county}.xlsx", synthetic_report(town, 2017, 7, "t.xlsx"))]
        )
    loose = synthetic_report(Body("t", "合成城关镇", "township", None), 2018, 7, "t.xlsx")

    summary = load_paths(engine, [reader.add("loose.xlsx", loose)])

    assert summary.rejected == 1
    [result] = summary.files
    [problem] = [f for f in result.findings if f.rule_code == "body.ambiguous"]
    assert problem.message.endswith(
        "合成城关镇 names 2 bodies: 合成甲县/合成城关镇; 合成乙县/合成城关镇; fill in 上级单位 or "
        "行政区划代码 to say which"
    )
    assert _rows(engine, "SELECT count(*) FROM agencies WHERE name = '合成城关镇'") == [(2,)]


def test_a_file_naming_another_parent_is_a_recorded_move_not_applied(
    engine: Engine, reader: StandInReader
) -> None:
    county = Body("c", "合成丙县", "county", "合成01市", division_code="990199")
    load_paths(engine, [reader.add("c.xlsx", synthetic_report(county, 2017, 7, "c.xlsx"))])
    moved = replace(county, parent_name="合成02市")

    summary = load_paths(
        engine, [reader.add("c2.xlsx", synthetic_report(moved, 2018, 7, "c.xlsx"))]
    )

    assert summary.loaded == 1
    [warning] = [f for f in summary.files[0].findings if f.rule_code == "body.moved"]
    assert "合成丙县 is on record under 合成01市, and this file names 合成02市" in warning.message
    assert _rows(
        engine,
        "SELECT p.name FROM agencies a JOIN agencies p ON p.agency_id = a.parent_agency_id"
        " WHERE a.name = '合成丙县'",
    ) == [("合成01市",)]
    assert _rows(engine, "SELECT kind, new_value FROM agency_changes WHERE kind = 'move_seen'") == [
        ("move_seen", "合成02市")
    ]


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("湖北省", "province"),
        ("北京市", "province"),
        ("恩施土家族苗族自治州", "prefecture"),
        ("孝感市", "unknown"),
        ("安陆市人民政府", "unknown"),
        ("云梦县", "county"),
        ("海淀区", "county"),
        ("王义贞镇", "township"),
        ("南城办事处", "township"),
        ("安陆市财政局", "department"),
        ("安陆市人民政府办公室", "department"),
        ("示例县（合成数据）", "county"),
    ],
)
def test_levels_follow_from_names(name: str, level: str) -> None:
    assert infer_level(name).level == level


def test_a_city_takes_its_level_from_its_code_or_parent() -> None:
    assert infer_level("孝感市", division_code="420900").level == "prefecture"
    assert infer_level("安陆市", division_code="420982").level == "county"
    assert infer_level("孝感市", parent_level="province").level == "prefecture"
    assert infer_level("安陆市", parent_level="prefecture").level == "county"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "blank"), ("  ", "blank"), ("——", "only punctuation"), ("()", "only punctuation"),
     ("县" * 101, "longer than 100 characters"), ("安陆市", None)],
)  # fmt: skip
def test_names_that_cannot_be_a_body(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem


def test_names_compare_without_width_or_spaces() -> None:
    assert name_key("示例县（合成数据）") == name_key("示例县 (合成数据)")
    assert township_stem("王义贞镇") == township_stem("王义贞") == "王义贞"
    assert township_stem("陈店乡") == township_stem("陈店镇")
    assert township_stem("镇") == "镇"


def test_the_migration_merges_the_duplicates_earlier_loads_made(
    engine: Engine, reader: StandInReader
) -> None:
    """Before #16 a department loaded before its county created the county twice: once
    top-level (as the department's parent), once under its prefecture (from its own file)."""
    county = next(b for b in BODIES if b.level_code == "county")
    department = next(b for b in BODIES if b.level_code == "department")
    load_paths(engine, [reader.add("county.xlsx", _report(county))])
    downgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO agencies (name, level_code, created_at)"
                " VALUES (:name, 'county', CURRENT_TIMESTAMP)"
            ),
            {"name": county.name},
        )
        connection.execute(
            text(
                "INSERT INTO agencies (name, level_code, parent_agency_id, created_at)"
                " SELECT :name, 'department', agency_id, CURRENT_TIMESTAMP FROM agencies"
                " WHERE name = :county AND parent_agency_id IS NULL"
            ),
            {"name": department.name, "county": county.name},
        )
        # The parentless copy has a version of the same year's report too, loaded later.
        connection.execute(
            text(
                "INSERT INTO reports (agency_id, year, regime_code, version, is_current,"
                " source_file_id, loaded_at)"
                " SELECT loose.agency_id, r.year, r.regime_code, 1, :current, r.source_file_id,"
                " CURRENT_TIMESTAMP FROM reports r"
                " JOIN agencies loose ON loose.name = :county AND loose.parent_agency_id IS NULL"
            ),
            {"county": county.name, "current": True},
        )

    upgrade(engine)

    assert _rows(
        engine,
        "SELECT a.name, p.name, a.status FROM agencies a"
        " LEFT JOIN agencies p ON p.agency_id = a.parent_agency_id"
        " WHERE a.level_code <> 'township' ORDER BY a.agency_id",
    ) == [
        (county.parent_name, None, "provisional"),
        (county.name, county.parent_name, "active"),
        (county.name, None, "merged"),
        (department.name, county.name, "provisional"),  # it has not reported
    ]
    assert _rows(engine, "SELECT kind, changed_by FROM agency_changes") == [
        ("merged", "migration 0009")
    ]
    # Both versions of the year are the kept body's, numbered by when they were loaded.
    assert _rows(
        engine,
        "SELECT a.status, r.version, r.is_current FROM reports r"
        " JOIN agencies a ON a.agency_id = r.agency_id ORDER BY r.version",
    ) == [("active", 1, False), ("active", 2, True)]
    with engine.connect() as connection:
        department_row = connection.execute(
            text("SELECT parent_agency_id FROM agencies WHERE name = :n"), {"n": department.name}
        ).scalar_one()
        kept = connection.execute(
            text("SELECT agency_id FROM agencies WHERE name = :n AND status = 'active'"),
            {"n": county.name},
        ).scalar_one()
    assert department_row == kept
