"""The body registry by hand (`ogi agencies`, `etl.bodies.registry`): every change undone by
another command leaves every report, version, figure and history row as it was (#16)."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from factories import Warehouse
from openpyxl import Workbook
from sqlalchemy import Engine, text
from standin import StandInReader

from etl.bodies.registry import (
    add_alias,
    body_history,
    import_registry,
    list_bodies,
    merge_bodies,
    move_body,
    remove_alias,
    rename_body,
    unmerge_bodies,
)
from etl.cli import main
from etl.errors import AmbiguousName, NotFound, RegistryConflict
from etl.reports.agencies import find_agency
from etl.runs.commands import load_paths
from etl.runs.events import RunEvent
from etl.runs.locking import etl_lock
from etl.synthetic.bodies import Body
from etl.synthetic.facts import synthetic_report

CITY = Body("p", "合成01市", "prefecture", "合成省", division_code="990100")
COUNTY = Body(
    "c", "合成甲县", "county", "合成01市", "990101", townships=("合成甲县一镇", "合成甲县二镇")
)
#: The same county as a file without a code or parent named it: a second body.
COPY = Body("x", "合成甲县人民政府", "county", None)
#: Its 2018 file calls its second township otherwise: a second township body.
COUNTY_2018 = Body(
    "c", "合成甲县", "county", "合成01市", "990101", townships=("合成甲县一镇", "合成新二镇")
)
OTHER = Body("o", "合成乙县", "county", "合成01市", "990102", townships=("合成乙县一镇",))


def _rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _load(engine: Engine, reader: StandInReader, body: Body, year: int, seed: int = 7) -> None:
    name = f"{body.code}-{year}-{seed}.xlsx"
    path = reader.add(name, synthetic_report(body, year, seed, name), variant=name)
    summary = load_paths(engine, [path])
    assert summary.loaded == 1, [r.message for r in summary.files]


@pytest.fixture
def loaded(engine: Engine, reader: StandInReader) -> Engine:
    """合成甲县 with two versions of 2017 and a 2018 report (whose 合成新二镇 is a township of
    its own), its copy 合成甲县人民政府 (2017, loaded after both versions, and 2019), and
    合成乙县 (2017)."""
    _load(engine, reader, CITY, 2017)
    _load(engine, reader, COUNTY, 2017)
    _load(engine, reader, COUNTY, 2017, seed=8)
    _load(engine, reader, COUNTY_2018, 2018)
    _load(engine, reader, COPY, 2017)
    _load(engine, reader, COPY, 2019)
    _load(engine, reader, OTHER, 2017)
    return engine


def _state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a change to the registry may touch."""
    return {
        "versions": _rows(engine, "SELECT * FROM rpt_report_versions ORDER BY report_id"),
        "figures": _rows(
            engine,
            "SELECT agency_id, year, fact_table, fact_id, measure_code, dim1_code, dim2_code,"
            " value FROM rpt_figures_long ORDER BY fact_table, fact_id",
        ),
        "reports": _rows(
            engine,
            "SELECT report_id, agency_id, year, version, is_current, superseded_at"
            " FROM reports ORDER BY report_id",
        ),
        "agencies": _rows(
            engine,
            "SELECT agency_id, name, parent_agency_id, level_code, status, merged_into_agency_id"
            " FROM agencies ORDER BY agency_id",
        ),
        "aliases": _rows(
            engine, "SELECT agency_id, name, first_year, last_year, source FROM agency_aliases"
        ),
        "townships": _rows(
            engine,
            "SELECT fact_id, township_agency_id FROM responsibility_list_items ORDER BY fact_id",
        ),
    }


def _changes(engine: Engine) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT change_id, agency_id, kind, other_agency_id, old_value, new_value, changed_by"
        " FROM agency_changes ORDER BY change_id",
    )


def _id(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        return find_agency(connection, name).agency_id


def _versions(engine: Engine, name: str) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT r.year, r.version, r.is_current, s.file_name FROM reports r"
        " JOIN agencies a ON a.agency_id = r.agency_id"
        " JOIN source_files s ON s.source_file_id = r.source_file_id"
        " WHERE a.name = :name ORDER BY r.year, r.version",
        name=name,
    )


def test_a_merge_moves_the_reports_renumbering_a_year_both_have_and_unmerge_restores_all(
    loaded: Engine,
) -> None:
    before, history = _state(loaded), _changes(loaded)
    assert _versions(loaded, "合成甲县") == [
        (2017, 1, False, "c-2017-7.xlsx"),
        (2017, 2, True, "c-2017-8.xlsx"),
        (2018, 1, True, "c-2018-7.xlsx"),
    ]

    change = merge_bodies(loaded, "合成甲县", "合成甲县人民政府", by="测试员")

    assert _versions(loaded, "合成甲县") == [
        (2017, 1, False, "c-2017-7.xlsx"),
        (2017, 2, False, "c-2017-8.xlsx"),
        (2017, 3, True, "x-2017-7.xlsx"),  # loaded last: the current version
        (2018, 1, True, "c-2018-7.xlsx"),
        (2019, 1, True, "x-2019-7.xlsx"),
    ]
    assert _versions(loaded, "合成甲县人民政府") == []
    county = _id(loaded, "合成甲县")
    assert _id(loaded, "合成甲县人民政府") == county  # its name finds the body it is merged into
    assert _rows(loaded, "SELECT name, first_year, last_year, source FROM agency_aliases") == [
        ("合成甲县人民政府", 2017, 2019, "merge")
    ]
    assert [b.name for b in list_bodies(loaded, level="county")] == ["合成甲县", "合成乙县"]
    [record] = body_history(loaded, change_id=change)
    assert (record.kind, record.body, record.other, record.changed_by, record.detail) == (
        "merged",
        "合成01市/合成甲县",
        "合成甲县人民政府",
        "测试员",
        "2 report(s), 0 child(ren) and 0 township figure(s) moved",
    )
    assert record.undo == f"ogi agencies unmerge {change}"

    undone = unmerge_bodies(loaded, str(change), by="测试员")

    assert _state(loaded) == before
    assert _changes(loaded)[: len(history)] == history
    assert [c[2] for c in _changes(loaded)[len(history) :]] == ["merged", "unmerged"]
    assert body_history(loaded, change_id=undone)[0].detail == f"undoes change {change}"


def test_unmerge_by_the_merged_bodys_name(loaded: Engine) -> None:
    before = _state(loaded)
    merge_bodies(loaded, "合成01市/合成甲县", "合成甲县人民政府")
    unmerge_bodies(loaded, "合成甲县人民政府")
    assert _state(loaded) == before


def test_a_merged_township_takes_its_figures_and_its_children_move(loaded: Engine) -> None:
    before = _state(loaded)
    change = merge_bodies(loaded, "合成甲县/合成甲县二镇", "合成甲县/合成新二镇")
    assert _rows(
        loaded,
        "SELECT year, township FROM rpt_responsibility_lists WHERE agency = '合成甲县'"
        " ORDER BY year, township",
    ) == [
        (2017, "合成甲县一镇"),
        (2017, "合成甲县二镇"),
        (2018, "合成甲县一镇"),
        (2018, "合成甲县二镇"),
    ]
    assert body_history(loaded, change_id=change)[0].detail == (
        "0 report(s), 0 child(ren) and 1 township figure(s) moved"
    )
    unmerge_bodies(loaded, str(change))
    assert _state(loaded) == before

    # A county's children move with it, and come back.
    change = merge_bodies(loaded, "合成乙县", "合成甲县")
    assert {b.name for b in list_bodies(loaded, under="合成乙县", level="township")} == {
        "合成乙县一镇", "合成甲县一镇", "合成甲县二镇", "合成新二镇",
    }  # fmt: skip
    unmerge_bodies(loaded, str(change))
    assert _state(loaded) == before


@pytest.mark.parametrize(
    ("keep", "drop", "problem"),
    [
        (
            "合成甲县/合成甲县一镇",
            "合成甲县/合成甲县二镇",
            "B: 合成甲县's 2017 report lists both as townships (rights.items_by_township): the "
            "figures would collide",
        ),
        (
            "合成甲县",
            "合成01市",
            "A: 合成01市/合成甲县 is under 合成省/合成01市, so merging would make it its own "
            "parent",
        ),
    ],
)
def test_a_merge_that_cannot_be_undone_or_makes_no_sense_is_refused(
    loaded: Engine, keep: str, drop: str, problem: str
) -> None:
    before = _state(loaded)
    with pytest.raises(RegistryConflict) as raised:
        merge_bodies(loaded, keep, drop)
    assert problem in raised.value.problems
    assert _state(loaded) == before


def test_unmerge_is_refused_once_reports_of_those_years_arrived(
    loaded: Engine, reader: StandInReader
) -> None:
    change = merge_bodies(loaded, "合成甲县", "合成甲县人民政府")
    _load(loaded, reader, COUNTY, 2017, seed=9)
    with pytest.raises(RegistryConflict) as raised:
        unmerge_bodies(loaded, str(change))
    [report_id] = _rows(loaded, "SELECT max(report_id) FROM reports")[0]
    assert str(raised.value) == (
        f"合成甲县 has reports loaded since the merge for 2017 (report {report_id}): "
        "unmerging would split their versions"
    )


def test_a_merge_is_undone_once(loaded: Engine) -> None:
    first = merge_bodies(loaded, "合成甲县", "合成甲县人民政府")
    unmerge_bodies(loaded, str(first))
    with pytest.raises(RegistryConflict, match=f"change {first} is undone already"):
        unmerge_bodies(loaded, str(first))
    again = merge_bodies(loaded, "合成甲县", "合成甲县人民政府")
    with pytest.raises(RegistryConflict, match=f"change {first} is undone already"):
        unmerge_bodies(loaded, str(first))  # the merge in effect is the later one
    assert unmerge_bodies(loaded, "合成甲县人民政府") == again + 1


def test_a_change_waits_for_the_etl_lock(loaded: Engine) -> None:
    before = _state(loaded)
    events: list[RunEvent] = []
    done: list[int] = []
    with etl_lock(loaded):
        worker = threading.Thread(
            target=lambda: done.append(move_body(loaded, "合成乙县", None, on_event=events.append))
        )
        worker.start()
        for _ in range(200):
            if events:
                break
            worker.join(0.05)
        assert [e.event for e in events] == ["lock_wait"]
        assert _state(loaded) == before
    worker.join(30)
    assert len(done) == 1
    assert _rows(loaded, "SELECT parent_agency_id FROM agencies WHERE name = '合成乙县'") == [
        (None,)
    ]


def test_a_rename_keeps_the_old_name_as_an_alias_and_renaming_back_undoes_it(
    loaded: Engine,
) -> None:
    before, history = _state(loaded), _changes(loaded)
    rename_body(loaded, "合成甲县", "合成丙县")
    county = _id(loaded, "合成丙县")
    assert _id(loaded, "合成甲县") == county  # the old name is an alias
    assert _rows(loaded, "SELECT name, source FROM agency_aliases") == [("合成甲县", "command")]

    rename_body(loaded, "合成丙县", "合成甲县")

    after = _state(loaded)
    assert after["aliases"] == [(county, "合成丙县", None, None, "command")]
    assert {k: v for k, v in after.items() if k != "aliases"} == {
        k: v for k, v in before.items() if k != "aliases"
    }
    assert [c[2:6] for c in _changes(loaded)[len(history) :]] == [
        ("renamed", None, "合成甲县", "合成丙县"),
        ("renamed", None, "合成丙县", "合成甲县"),
    ]


def test_alias_then_unalias(loaded: Engine) -> None:
    before = _state(loaded)
    add_alias(loaded, "合成甲县", "甲县", years=(2016, 2018))
    assert _id(loaded, "甲县") == _id(loaded, "合成甲县")
    [record] = body_history(loaded, "甲县")[-1:]
    assert (record.kind, record.new_value, record.detail, record.undo) == (
        "aliased", "甲县", "2016-2018", "ogi agencies unalias 合成01市/合成甲县 甲县",
    )  # fmt: skip

    change = remove_alias(loaded, "合成甲县", "甲县")

    assert _state(loaded) == before
    assert body_history(loaded, change_id=change)[0].undo == (
        "ogi agencies alias 合成01市/合成甲县 甲县 --year 2016-2018"
    )


def test_move_then_move_back(loaded: Engine) -> None:
    before = _state(loaded)
    first = move_body(loaded, "合成乙县", None)
    assert (
        body_history(loaded, change_id=first)[0].undo
        == "ogi agencies move 合成乙县 合成省/合成01市"
    )
    move_body(loaded, "合成乙县", "合成01市")
    assert _state(loaded) == before


@pytest.mark.parametrize(
    ("body", "parent", "problem"),
    [
        (
            "合成01市",
            "合成甲县",
            "NEW_PARENT: 合成01市/合成甲县 is below 合成省/合成01市, so 合成省/合成01市 cannot "
            "move under it (a cycle)",
        ),
        (
            "合成01市",
            "合成甲县/合成甲县一镇",
            "NEW_PARENT: 合成甲县/合成甲县一镇 is below 合成省/合成01市, so 合成省/合成01市 "
            "cannot move under it (a cycle)",
        ),
        ("合成甲县", "合成甲县", "NEW_PARENT: 合成01市/合成甲县 cannot be its own parent"),
        ("合成甲县", "合成01市", "BODY: 合成01市/合成甲县 is under 合成01市 already"),
    ],
)
def test_move_refuses_a_cycle(loaded: Engine, body: str, parent: str, problem: str) -> None:
    before = _state(loaded)
    with pytest.raises(RegistryConflict) as raised:
        move_body(loaded, body, parent)
    assert str(raised.value) == problem
    assert _state(loaded) == before


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (lambda e: rename_body(e, "合成甲县", "  "), 'NEW: "" cannot name a body: it is blank'),
        (
            lambda e: rename_body(e, "合成甲县", "（）"),
            'NEW: "（）" cannot name a body: it is only punctuation',
        ),
        (
            lambda e: rename_body(e, "合成甲县", "县" * 101),
            f'NEW: "{"县" * 101}" cannot name a body: it is longer than 100 characters',
        ),
        (
            lambda e: rename_body(e, "合成甲县", "合成乙县"),
            "NEW: 合成乙县 is under 合成省/合成01市 already",
        ),
        (
            lambda e: add_alias(e, "合成甲县", "合成乙县"),
            "NAME: 合成乙县 is under 合成省/合成01市 already",
        ),
        (
            lambda e: add_alias(e, "合成甲县", "合成甲县"),
            "NAME: 合成甲县 is the name of 合成01市/合成甲县 itself",
        ),
        (
            lambda e: remove_alias(e, "合成甲县", "甲县"),
            "NAME: 甲县 is not an alias of 合成01市/合成甲县 (its aliases: none)",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(
    loaded: Engine, call: Any, problem: str
) -> None:
    before = _state(loaded)
    with pytest.raises(RegistryConflict) as raised:
        call(loaded)
    assert str(raised.value) == problem
    assert _state(loaded) == before


def test_the_lookup_follows_a_merge_and_never_offers_a_merged_body(engine: Engine) -> None:
    with engine.begin() as connection:
        w = Warehouse(connection)
        for county in ("合成甲县", "合成乙县"):
            w.agency("合成城关镇", "township", parent=w.agency(county))
        w.agency("合成甲县一镇", "township", parent=w.agency("合成甲县"))
    with pytest.raises(AmbiguousName):
        _id(engine, "合成城关镇")

    merge_bodies(engine, "合成乙县/合成城关镇", "合成甲县/合成城关镇")

    assert _id(engine, "合成城关镇") == _id(engine, "合成乙县/合成城关镇")
    assert _id(engine, "合成甲县/合成城关镇") == _id(engine, "合成乙县/合成城关镇")
    merge_bodies(engine, "合成甲县一镇", "合成乙县/合成城关镇")  # a chain of merges
    assert _id(engine, "合成城关镇") == _id(engine, "合成甲县一镇")
    with engine.connect() as connection:  # how `unmerge` names a merged body
        assert (
            find_agency(connection, "合成甲县/合成城关镇", merged=True).path
            == "合成甲县/合成城关镇"
        )
        with pytest.raises(AmbiguousName):
            find_agency(connection, "合成城关镇", merged=True)
        with pytest.raises(NotFound):
            find_agency(connection, "合成甲县一镇", merged=True)


# Importing a registry

HEADER = ["name", "parent", "level", "division_code", "aliases", "credit_code"]
REGISTRY = [
    ["合成乙县", "合成01市", "county", "990102", "", ""],
    ["合成乙县二镇", "合成乙县", "township", "", "合成乙县第二镇", ""],
    ["合成乙县财政局", "合成乙县", "department", "", "", "11990102MB0000001X"],
    ["合成甲县", "", "", "990101", "合成甲县政府；甲县", ""],
    ["合成丁县", "合成01市", "", "990104", "", ""],
    ["合成01市", "合成省", "prefecture", "", "", ""],
    ["合成省", "", "", "990000", "", ""],
]
IMPORTED = [
    (2, "合成乙县", "合成01市/合成乙县", "unchanged", ""),
    (3, "合成乙县二镇", "合成乙县/合成乙县二镇", "created", "level township; alias 合成乙县第二镇"),
    (
        4,
        "合成乙县财政局",
        "合成乙县/合成乙县财政局",
        "created",
        "level department; credit code 11990102MB0000001X",
    ),
    (5, "合成甲县", "合成01市/合成甲县", "updated", "alias 合成甲县政府; alias 甲县"),
    (6, "合成丁县", "合成01市/合成丁县", "created", "level county; division code 990104"),
    (7, "合成01市", "合成省/合成01市", "unchanged", ""),
    (8, "合成省", "合成省", "updated", "division code 990000"),
]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    return path


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append([int(v) if v.isdigit() else (v or None) for v in row])
    book.save(path)
    return path


def _imported(engine: Engine, path: Path, **options: Any) -> list[tuple[Any, ...]]:
    return [
        (r.row, r.name, r.body, r.action, r.changes)
        for r in import_registry(engine, path, **options)
    ]


def test_a_csv_registry_creates_and_updates_bodies(loaded: Engine, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "registry.csv", HEADER, REGISTRY)
    before = _state(loaded)

    assert _imported(loaded, path, dry_run=True) == IMPORTED
    assert _state(loaded) == before

    assert _imported(loaded, path, by="测试员") == IMPORTED

    assert _rows(
        loaded,
        "SELECT a.name, a.level_code, a.status, a.division_code, a.credit_code FROM agencies a"
        " WHERE a.name IN ('合成乙县二镇', '合成乙县财政局', '合成丁县', '合成省')"
        " ORDER BY a.agency_id",
    ) == [
        ("合成省", "province", "provisional", "990000", None),
        ("合成乙县二镇", "township", "provisional", None, None),
        ("合成乙县财政局", "department", "provisional", None, "11990102MB0000001X"),
        ("合成丁县", "county", "provisional", "990104", None),
    ]
    assert _id(loaded, "甲县") == _id(loaded, "合成甲县")
    assert [(c[2], c[5]) for c in _changes(loaded) if c[6] == "测试员"] == [
        ("code_set", "990000"),  # parents first: 合成省 before the rows under it
        ("created", "合成乙县二镇"),
        ("aliased", "合成乙县第二镇"),
        ("created", "合成乙县财政局"),
        ("aliased", "合成甲县政府"),
        ("aliased", "甲县"),
        ("created", "合成丁县"),
    ]
    # Again: nothing left to do.
    assert {r[3] for r in _imported(loaded, path)} == {"unchanged"}


def test_an_xlsx_registry_with_chinese_headers(loaded: Engine, tmp_path: Path) -> None:
    header = ["名称", "上级单位", "层级", "行政区划代码", "别名", "统一社会信用代码"]
    words = {"county": "县级", "township": "乡镇", "department": "部门", "prefecture": "地市级"}
    rows = [[*r[:2], words.get(r[2], r[2]), *r[3:]] for r in REGISTRY]
    path = _write_xlsx(tmp_path / "registry.xlsx", header, rows)
    assert _imported(loaded, path) == IMPORTED


def test_the_official_division_code_table(loaded: Engine, tmp_path: Path) -> None:
    """Codes and names only, in GB18030: a row's parent is the one its code implies, and the
    市辖区 grouping rows are no bodies."""
    rows = [
        ["990000", "合成省"],
        ["990100", "合成01市"],
        ["990101", "合成甲县"],
        ["990103", "合成丙县"],
        ["990200", "合成02市"],
        ["990201", "市辖区"],
        ["990202", "合成02市合成区"],
    ]
    path = tmp_path / "行政区划代码.csv"
    path.write_bytes(
        "\n".join(",".join(r) for r in [["行政区划代码", "单位名称"], *rows]).encode("gb18030")
    )
    assert _imported(loaded, path) == [
        (2, "合成省", "合成省", "updated", "division code 990000"),
        (3, "合成01市", "合成省/合成01市", "unchanged", ""),
        (4, "合成甲县", "合成01市/合成甲县", "unchanged", ""),
        (5, "合成丙县", "合成01市/合成丙县", "created", "level county; division code 990103"),
        (6, "合成02市", "合成省/合成02市", "created", "level prefecture; division code 990200"),
        (8, "合成02市合成区", "合成02市/合成02市合成区", "created",
         "level county; division code 990202"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "\n机关,编码\n合成丙县,990103\n".encode(),
            "registry.csv row 2: no column of names: expected a header name or 名称 or 单位名称 "
            "or 机构名称 or 单位, found 机关, 编码",
        ),
        (b"", "registry.csv: expected a spreadsheet, found an empty file"),
        ("名称\n".encode(), "registry.csv: no rows: expected a header row and a body a row"),
    ],
)
def test_a_file_that_is_no_registry(
    engine: Engine, tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "registry.csv"
    path.write_bytes(content)
    with pytest.raises(RegistryConflict) as raised:
        import_registry(engine, path)
    assert str(raised.value) == problem


def test_a_registry_with_bad_rows_applies_nothing_and_lists_every_problem(
    loaded: Engine, tmp_path: Path
) -> None:
    with loaded.begin() as connection:  # two 合成城关镇: a name without a parent is ambiguous
        w = Warehouse(connection)
        for county in ("合成甲县", "合成乙县"):
            w.agency("合成城关镇", "township", parent=_id(loaded, county))
    rows = [
        ["", "合成01市", "", "", "", ""],
        ["——", "合成01市", "", "", "", ""],
        ["县" * 101, "合成01市", "", "", "", ""],
        ["合成戊县", "合成01市", "county", "99010", "", ""],
        ["合成戊县", "合成01市", "township", "990105", "", ""],
        ["合成己县", "合成己县", "", "", "", ""],
        ["合成庚县", "合成辛县", "", "", "", ""],
        ["合成辛县", "合成庚县", "", "", "", ""],
        ["合成壬县", "合成01市", "", "990101", "", ""],
        ["合成甲县", "合成01市", "prefecture", "", "", ""],
        ["合成城关镇", "", "", "", "", ""],
        ["合成01市", "合成甲县一镇", "", "990100", "", ""],
        ["合成癸县", "合成01市", "县城", "", "", "ABC"],
        ["合成乙县", "合成01市", "", "", "合成甲县", ""],
        ["合成乙县", "合成01市", "", "", "", ""],
    ]
    path = _write_csv(tmp_path / "bad.csv", HEADER, rows)
    before, history = _state(loaded), _changes(loaded)

    with pytest.raises(RegistryConflict) as raised:
        import_registry(loaded, path)

    assert str(raised.value).splitlines() == [
        "bad.csv: 16 problem(s); nothing was imported:",
        '  bad.csv row 2, column name: "" cannot name a body: it is blank',
        '  bad.csv row 3, column name: "——" cannot name a body: it is only punctuation',
        f'  bad.csv row 4, column name: "{"县" * 101}" cannot name a body: it is longer than 100'
        " characters",
        '  bad.csv row 5, column division_code: "99010" is not a division code: not 6 digits',
        "  bad.csv row 6, column division_code: 990105 is the code of a county, and the row's "
        "level is township",
        "  bad.csv row 7, column parent: 合成己县 cannot be its own parent",
        "  bad.csv row 8, column parent: rows 8, 9 are each other's parents (a cycle)",
        "  bad.csv row 9, column parent: rows 8, 9 are each other's parents (a cycle)",
        "  bad.csv row 10, column division_code: 990101 is the code of 合成01市/合成甲县, not of "
        "合成壬县: correct the code, or name 合成壬县 an alias of 合成甲县 first",
        "  bad.csv row 11, column level: 合成甲县's division code 990101 is a county's, and the "
        "row says it is a prefecture",
        "  bad.csv row 12, column name: 合成城关镇 names 2 bodies (合成甲县/合成城关镇; "
        "合成乙县/合成城关镇); give its division code to say which",
        "  bad.csv row 13, column parent: 合成甲县/合成甲县一镇 is below 合成01市, so 合成01市 "
        "cannot move under it (a cycle)",
        '  bad.csv row 14, column level: "县城" is not a level: expected province, prefecture, '
        "county, township or department (省级, 地市级, 县级, 乡镇, 部门)",
        '  bad.csv row 14, column credit_code: "ABC" is not a 统一社会信用代码: expected 18 digits '
        "and capital letters",
        "  bad.csv row 15, column aliases: 合成甲县 is under 合成省/合成01市 already",
        "  bad.csv row 16, column name: row 15 names 合成乙县 under the same parent too",
    ]
    assert _state(loaded) == before
    assert _changes(loaded) == history


# The command line


@pytest.fixture
def small(engine: Engine) -> Engine:
    """A prefecture with two counties, one with a township, an alias and two years."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        city = w.agency("合成市", "prefecture", division_code="990100")
        county = w.agency("合成甲县", "county", parent=city, division_code="990101")
        w.agency("合成甲县一镇", "township", parent=county)
        w.agency("合成乙县", "county", parent=city)
        for year in (2017, 2018):
            w.fact(w.report(county, year, file_name=f"甲县-{year}.xlsx"), "proactive.total", 5)
    add_alias(engine, "合成甲县", "甲县", by="测试员")
    return engine


def test_agencies_list_as_json(small: Engine, db_env: str) -> None:
    result = CliRunner().invoke(main, ["agencies", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "agency_id": 1, "name": "合成市", "parent": None, "level": "prefecture",
            "division_code": "990100", "credit_code": None, "status": "active",
            "aliases": None, "years": None,
        },
        {
            "agency_id": 2, "name": "合成甲县", "parent": "合成市", "level": "county",
            "division_code": "990101", "credit_code": None, "status": "active",
            "aliases": "甲县", "years": "2017-2018",
        },
        {
            "agency_id": 3, "name": "合成甲县一镇", "parent": "合成甲县", "level": "township",
            "division_code": None, "credit_code": None, "status": "active",
            "aliases": None, "years": None,
        },
        {
            "agency_id": 4, "name": "合成乙县", "parent": "合成市", "level": "county",
            "division_code": None, "credit_code": None, "status": "active",
            "aliases": None, "years": None,
        },
    ]  # fmt: skip


def test_agencies_tree(small: Engine, db_env: str) -> None:
    result = CliRunner().invoke(main, ["agencies", "tree", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip("\ufeff").splitlines() == [
        "body,agency_id,level,division_code,status,aliases,years",
        "合成市,1,prefecture,990100,active,,",
        "├─ 合成甲县,2,county,990101,active,甲县,2017-2018",
        "│  └─ 合成甲县一镇,3,township,,active,,",
        "└─ 合成乙县,4,county,,active,,",
    ]
    table = CliRunner().invoke(main, ["agencies", "tree", "--under", "合成甲县"])
    assert "合成甲县一镇" in table.stdout and "合成乙县" not in table.stdout


def test_the_change_commands_say_what_they_did_and_how_to_undo_it(
    small: Engine, db_env: str
) -> None:
    runner = CliRunner()
    steps = [
        (["rename", "合成乙县", "合成丙县", "--by", "测试员"],
         "change 2: renamed 合成市/合成丙县 (合成乙县 → 合成丙县); undo: ogi agencies rename "
         "合成市/合成丙县 合成乙县"),
        (["move", "合成丙县", "--to-top"],
         "change 3: moved 合成丙县 (合成市 → -); undo: ogi agencies move 合成丙县 合成市"),
        (["move", "合成丙县", "合成市"],
         "change 4: moved 合成市/合成丙县 (- → 合成市); undo: ogi agencies move 合成市/合成丙县 "
         "--to-top"),
        (["merge", "合成甲县", "合成丙县"],
         "change 5: merged 合成市/合成甲县 and 合成市/合成丙县 (合成丙县 → 合成甲县); undo: ogi "
         "agencies unmerge 5"),
        (["unmerge", "5"],
         "change 6: unmerged 合成市/合成甲县 and 合成市/合成丙县 (合成丙县 → 合成甲县); undo: ogi "
         "agencies merge 合成市/合成甲县 合成市/合成丙县"),
        (["unalias", "合成甲县", "甲县"],
         "change 7: unaliased 合成市/合成甲县 (甲县 → -); undo: ogi agencies alias 合成市/合成甲县 "
         "甲县"),
    ]  # fmt: skip
    for args, said in steps:
        result = runner.invoke(main, ["agencies", *args])
        assert (result.exit_code, result.stdout) == (0, said + "\n"), result.output
    history = runner.invoke(main, ["agencies", "history", "合成丙县", "--format", "json"])
    assert [c["kind"] for c in json.loads(history.stdout)] == [
        "renamed", "moved", "moved", "merged", "unmerged",
    ]  # fmt: skip
    bad = runner.invoke(main, ["agencies", "move", "合成市", "合成甲县"])
    assert (bad.exit_code, bad.output) == (
        1,
        "Error: NEW_PARENT: 合成市/合成甲县 is below 合成市, so 合成市 cannot move under it (a "
        "cycle)\n",
    )
    usage = runner.invoke(main, ["agencies", "move", "合成市"])
    assert usage.exit_code == 2 and "give either NEW_PARENT or --to-top" in usage.output
