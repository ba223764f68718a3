"""One way to name a body: a name, `parent/name` at any depth, or a division code, and two
errors that say what to type instead (`etl.reports.agencies.find_agency`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from factories import Warehouse
from sqlalchemy import Engine

from etl.cli import main
from etl.errors import AmbiguousName, NotFound
from etl.reports.agencies import Body, find_agency, find_children


@pytest.fixture
def bodies(engine: Engine) -> Engine:
    """Two prefectures, each with a 城关县 that has a 城关镇 (synthetic names), and a county
    with a division code and a reported year."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        for city in ("合成甲市", "合成乙市"):
            county = w.agency("城关县", "county", parent=w.agency(city, "prefecture"))
            w.agency("城关镇", "township", parent=county)
        city = w.agency("合成甲市", "prefecture")
        for name in ("合成一县", "合成二县", "合成三县", "合成四县", "合成五县", "合成六县"):
            w.agency(name, "county", parent=city)
        coded = w.agency("示例县（合成数据）", "county", parent=city, division_code="990101")
        w.fact(w.report(coded, 2017, file_name="synthetic-2017.xlsx"), "proactive.total", 5)
    return engine


def _find(engine: Engine, name: str) -> Body:
    with engine.connect() as connection:
        return find_agency(connection, name)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("合成一县", "合成甲市/合成一县"),
        ("合成甲市/合成一县", "合成甲市/合成一县"),
        ("合成乙市/城关县/城关镇", "城关县/城关镇"),  # as many parents as it takes
        ("合成乙市/城关县", "合成乙市/城关县"),
        ("990101", "合成甲市/示例县（合成数据）"),  # a division code
        ("示例县(合成数据)", "合成甲市/示例县（合成数据）"),  # NFKC: half-width brackets
        (" 合成甲市 / 示例县 （合成数据） ", "合成甲市/示例县（合成数据）"),  # spaces
    ],
)
def test_a_body_is_named_by_name_path_or_code(bodies: Engine, name: str, path: str) -> None:
    assert _find(bodies, name).path == path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "城关镇",
            "2 bodies are called '城关镇': 合成乙市/城关县/城关镇, 合成甲市/城关县/城关镇; "
            "name one of them as shown",
        ),
        (
            "城关县/城关镇",
            "2 bodies are called '城关县/城关镇': 合成乙市/城关县/城关镇, 合成甲市/城关县/城关镇; "
            "name one of them as shown",
        ),
        (
            "城关县",
            "2 bodies are called '城关县': 合成乙市/城关县, 合成甲市/城关县; "
            "name one of them as shown",
        ),
    ],
)
def test_an_ambiguous_name_lists_the_candidates_ready_to_copy(
    bodies: Engine, name: str, message: str
) -> None:
    with pytest.raises(AmbiguousName) as raised:
        _find(bodies, name)
    assert str(raised.value) == message
    for candidate in message.split(": ", 1)[1].split("; ")[0].split(", "):
        assert _find(bodies, candidate).name == name.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "合成七县",
            "no reporting body called '合成七县' in the warehouse; did you mean 合成甲市/合成一县, "
            "合成甲市/合成三县, 合成甲市/合成二县, 合成甲市/合成五县, 合成甲市/合成六县?",
        ),
        (
            "合成丙市/合成一县",  # the name is known, under another parent
            "no reporting body called '合成丙市/合成一县' in the warehouse; "
            "did you mean 合成甲市/合成一县?",
        ),
        (
            "示例",  # part of a name
            "no reporting body called '示例' in the warehouse; "
            "did you mean 合成甲市/示例县（合成数据）?",
        ),
        (
            "合成丙市/城关县/城关镇",
            "no reporting body called '合成丙市/城关县/城关镇' in the warehouse; "
            "did you mean 合成乙市/城关县/城关镇, 合成甲市/城关县/城关镇?",
        ),
        ("安陆市", "no reporting body called '安陆市' in the warehouse"),
        ("420982", "no reporting body has the division code 420982 in the warehouse"),
        ("/", "name a reporting body: its name, parent/name, or its division code"),
    ],
)
def test_an_unknown_name_suggests_up_to_five_similar_ones(
    bodies: Engine, name: str, message: str
) -> None:
    with pytest.raises(NotFound) as raised:
        _find(bodies, name)
    assert str(raised.value) == message


def test_children_are_found_through_the_same_lookup(bodies: Engine) -> None:
    with bodies.connect() as connection:
        assert [b.path for b in find_children(connection, "合成乙市/城关县")] == ["城关县/城关镇"]
        with pytest.raises(AmbiguousName):
            find_children(connection, "城关县")


@pytest.mark.parametrize(
    "command",
    [
        ["show", "--year", "2017"],
        ["report", "proactive"],
        ["report", "annual", "--year", "2017"],
        ["compare", "--measure", "proactive.total"],
    ],
)
def test_every_command_that_takes_a_body_says_the_same(
    bodies: Engine, db_env: str, command: list[str]
) -> None:
    runner = CliRunner()
    ambiguous = runner.invoke(main, [*command, "--agency", "城关镇"])
    assert (ambiguous.exit_code, ambiguous.output) == (
        1,
        "Error: 2 bodies are called '城关镇': 合成乙市/城关县/城关镇, 合成甲市/城关县/城关镇; "
        "name one of them as shown\n",
    )
    unknown = runner.invoke(main, [*command, "--agency", "示例"])
    assert (unknown.exit_code, unknown.output) == (
        1,
        "Error: no reporting body called '示例' in the warehouse; "
        "did you mean 合成甲市/示例县（合成数据）?\n",
    )


def test_parent_is_a_deprecated_way_to_say_parent_slash_name(bodies: Engine, db_env: str) -> None:
    runner = CliRunner()
    new = runner.invoke(main, ["show", "--agency", "合成甲市/示例县（合成数据）", "--year", "2017"])
    old = runner.invoke(
        main, ["show", "--agency", "示例县（合成数据）", "--parent", "合成甲市", "--year", "2017"]
    )
    assert (old.exit_code, old.stdout) == (0, new.stdout)
    assert old.stderr == (
        "DeprecationWarning: The option 'parent' is deprecated. give --agency PARENT/NAME\n"
    )
    assert "--parent" not in runner.invoke(main, ["show", "--help"]).output


def test_a_name_with_a_slash_is_named_whole_or_with_the_slash_escaped(engine: Engine) -> None:
    """`教育局/体育局` is one body's name, not 体育局 under 教育局 (#17): the whole name as
    typed finds it, `\\/` writes its slash in `parent/name`, and the paths offered where the
    name repeats are written so, ready to copy."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        for city in ("合成丙市", "合成丁市"):
            parent = w.agency(city, "prefecture")
            w.agency("教育局/体育局", "county", parent=parent)
        w.agency("教育局", "county", parent=w.agency("合成戊市", "prefecture"))
    with pytest.raises(AmbiguousName) as ambiguous:
        _find(engine, "教育局/体育局")
    assert str(ambiguous.value) == (
        "2 bodies are called '教育局/体育局': 合成丁市/教育局\\/体育局, 合成丙市/教育局\\/体育局; "
        "name one of them as shown"
    )
    body = _find(engine, "合成丙市/教育局\\/体育局")
    assert (body.name, body.parent_name, body.path) == (
        "教育局/体育局",
        "合成丙市",
        "合成丙市/教育局\\/体育局",
    )
    with pytest.raises(NotFound, match="no reporting body called '教育局/财政局'"):
        _find(engine, "教育局/财政局")  # no such name: 财政局 under 教育局, which has none
