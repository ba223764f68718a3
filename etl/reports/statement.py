"""What an ad hoc statement says, read as PostgreSQL's lexer reads it: its words, outside
comments and quoted text.

`ogi sql` sends the statement to the database, which refuses what the reader role may not do;
nothing here decides what is allowed in general. Two things are read from the words:
- whether the statement is a query (`is_query`), to read it through a server-side cursor;
- on a session that took the reader role by `SET ROLE` (`screen_role_changes`), a statement
  that could take the role off again: a superuser's session may `RESET ROLE`, or call
  `set_config('role', ...)`, from SQL. Those words are refused anywhere outside a quoted string,
  and so are the functions that run SQL given as text (`query_to_xml`, `ts_stat`, ...) and
  `DO` blocks, inside which the same could be spelt out of pieces.

The reading errs on the side of seeing words: a comment ends where PostgreSQL's does or earlier
(nested comments are followed), and a quoted identifier counts as a word. Strings are read with
`standard_conforming_strings` on, which `ogi sql` sets for its sessions. A third thing read is
whether it is `COPY ... TO STDOUT` (`copies_through_client`), which `ogi sql` cannot run.
"""

from __future__ import annotations

import re

from etl.errors import QueryRefused

#: Words that take a superuser's session off the reader role, or run SQL given as text.
ROLE_CHANGING_WORDS = frozenset(
    {
        "reset",
        "discard",
        "authorization",
        "session_authorization",
        "set_config",
        "pg_settings",
        "query_to_xml",
        "query_to_xml_and_xmlschema",
        "query_to_xmlschema",
        "cursor_to_xml",
        "cursor_to_xmlschema",
        "ts_stat",
        "ts_rewrite",
    }
)

#: The first words of a query that a server-side cursor can read.
QUERY_WORDS = frozenset({"select", "with", "values", "table"})

_IDENTIFIER = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")
_UNICODE_IDENTIFIER = '\x00u&"'  # a marker word: U&"..." can spell any name
_SCOPED_ROLE = (["session", "role"], ["local", "role"])


def statement_words(sql: str) -> list[str]:
    """The words of `sql` in order, lower-cased: keywords and identifiers (quoted ones
    unquoted), not comments, strings or dollar-quoted text."""
    words: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            i = _end_of_line(sql, i)
        elif sql.startswith("/*", i):
            i = _end_of_comment(sql, i)
        elif c in "eE" and sql.startswith("'", i + 1):
            i = _end_of_quoted(sql, i + 2, "'", backslash=True)
        elif c in "bBxXnN" and sql.startswith("'", i + 1):
            i = _end_of_quoted(sql, i + 2, "'")
        elif c in "uU" and sql.startswith("&'", i + 1):
            i = _end_of_quoted(sql, i + 3, "'")
        elif c in "uU" and sql.startswith('&"', i + 1):
            words.append(_UNICODE_IDENTIFIER)
            i = _end_of_quoted(sql, i + 3, '"')
        elif c == "'":
            i = _end_of_quoted(sql, i + 1, "'")
        elif c == '"':
            end = _end_of_quoted(sql, i + 1, '"')
            words.append(sql[i + 1 : end - 1].replace('""', '"').lower())
            i = end
        elif c == "$" and (tag := _DOLLAR_TAG.match(sql, i)) is not None:
            close = sql.find(tag.group(), tag.end())
            i = n if close < 0 else close + len(tag.group())
        elif (word := _IDENTIFIER.match(sql, i)) is not None:
            words.append(word.group().lower())
            i = word.end()
        else:
            i += 1
    return words


def is_query(sql: str) -> bool:
    """True when `sql` is a query (SELECT, WITH, VALUES, TABLE), which a cursor can read."""
    words = statement_words(sql)
    return bool(words) and words[0] in QUERY_WORDS


def copies_through_client(sql: str) -> bool:
    """True for `COPY ... TO STDOUT` or `FROM STDIN`, which a statement cannot run (the rows
    go through a protocol of their own)."""
    words = statement_words(sql)
    return words[:1] == ["copy"] and not {"stdout", "stdin"}.isdisjoint(words)


def screen_role_changes(sql: str) -> None:
    """Refuse a statement that could take a session off the reader role (see above)."""
    words = statement_words(sql)
    found = sorted(ROLE_CHANGING_WORDS.intersection(words))
    if _UNICODE_IDENTIFIER in words:
        found.append('U&"..." identifiers')
    if words[:1] == ["do"]:
        found.append("DO blocks")
    for i, word in enumerate(words):
        following = words[i + 1 : i + 3]
        if word == "set" and ("role" in following[:1] or following in _SCOPED_ROLE):
            found.append("SET ROLE")
            break
    if found:
        raise QueryRefused(
            f"ogi sql reads as the reader role and refuses what could change that: "
            f"{', '.join(found)}"
        )


def _end_of_line(sql: str, i: int) -> int:
    ends = [end for end in (sql.find("\n", i), sql.find("\r", i)) if end >= 0]
    return min(ends) + 1 if ends else len(sql)


def _end_of_comment(sql: str, i: int) -> int:
    """Past the block comment opening at `i`; comments nest, as in PostgreSQL."""
    depth, i = 1, i + 2
    while i < len(sql) and depth:
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _end_of_quoted(sql: str, i: int, quote: str, *, backslash: bool = False) -> int:
    """Past the closing `quote` of text starting at `i` (a doubled quote is part of it; with
    `backslash`, so is a quote after a backslash)."""
    while i < len(sql):
        c = sql[i]
        if backslash and c == "\\":
            i += 2
        elif c == quote:
            if not sql.startswith(quote, i + 1):
                return i + 1
            i += 2
        else:
            i += 1
    return len(sql)
