"""Reading an ad hoc statement's words as PostgreSQL's lexer does (`etl.reports.statement`):
what could take a session off the reader role is found however it is spelt, and words inside
strings, dollar quotes and comments are not words."""

from __future__ import annotations

import pytest

from etl.errors import QueryRefused
from etl.reports.statement import (
    copies_through_client,
    is_query,
    screen_role_changes,
    statement_words,
)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT a FROM t", ["select", "a", "from", "t"]),
        ("select 'reset' -- reset\n, x", ["select", "x"]),
        ("select 1 /* outer /* inner */ reset */ , y", ["select", "y"]),
        ("select E'it\\'s reset', z", ["select", "z"]),
        ("select 'it''s reset', z", ["select", "z"]),
        ("select $$ reset $$, $tag$ x $$ y $tag$, w", ["select", "w"]),
        ('select "Set_Config"(1), "a""b"', ["select", "set_config", 'a"b']),
        ("select a$b$c, $1", ["select", "a$b$c"]),
        ("select x'ff', b'01', n'名', u&'d\\0061', v", ["select", "v"]),
        ("select 1 -- comment ends at a carriage return\rreset", ["select", "reset"]),
        ("select 安陆市 from 表", ["select", "安陆市", "from", "表"]),
    ],
)
def test_words_outside_comments_and_strings(sql: str, words: list[str]) -> None:
    assert statement_words(sql) == words


@pytest.mark.parametrize(
    "sql",
    [
        "RESET ROLE",
        "reset all",
        "SET ROLE postgres",
        "set /* a comment */ role none",
        'SET "role" TO none',
        "SET SESSION ROLE NONE",
        "SET LOCAL ROLE NONE",
        "SET SESSION AUTHORIZATION postgres",
        "SELECT set_config('role', 'none', false)",
        "SELECT pg_catalog.set_config('role', 'none', false)",
        "SELECT \"set_config\"('role', 'none', false)",
        "SELECT U&\"\\0073et_config\"('role', 'none', false)",
        "UPDATE pg_settings SET setting = 'none' WHERE name = 'role'",
        "SELECT query_to_xml('select set_config(''role'', ''none'', false)', true, false, '')",
        "SELECT ts_stat('select 1')",
        "DO $$ BEGIN EXECUTE 'RE' || 'SET ROLE'; END $$",
        "/* first */ do 'begin null; end'",
        "DISCARD ALL",
        "SELECT 1; RESET ROLE",
        "SELECT '--', set_config('role', 'none', false)",
    ],
)
def test_what_could_change_the_role_is_refused(sql: str) -> None:
    with pytest.raises(QueryRefused, match="refuses what could change that"):
        screen_role_changes(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT role, term_no FROM consistency_terms WHERE role = 'share'",
        "SELECT 'reset role' AS said, $$ set_config $$ AS quoted -- RESET ROLE\n",
        "SELECT agency FROM rpt_proactive WHERE agency LIKE '%do%'",
        "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
    ],
)
def test_a_query_that_only_says_so_in_text_is_let_through(sql: str) -> None:
    screen_role_changes(sql)


@pytest.mark.parametrize(
    ("sql", "query"),
    [
        ("SELECT 1", True),
        ("  (select 1)", True),
        ("/* x */ WITH t AS (SELECT 1) SELECT * FROM t", True),
        ("VALUES (1)", True),
        ("TABLE figures", True),
        ("EXPLAIN SELECT 1", False),
        ("SHOW server_version", False),
        ("DELETE FROM figures", False),
        ("", False),
    ],
)
def test_queries_are_told_from_other_statements(sql: str, query: bool) -> None:
    assert is_query(sql) is query


@pytest.mark.parametrize(
    ("sql", "through_client"),
    [
        ("COPY figures TO STDOUT", True),
        ("copy (select 1) to stdout with (format csv)", True),
        ("COPY figures FROM STDIN", True),
        ("COPY (SELECT 1) TO PROGRAM 'true'", False),
        ("SELECT 'stdout'", False),
    ],
)
def test_copy_through_the_client_is_recognised(sql: str, through_client: bool) -> None:
    assert copies_through_client(sql) is through_client
