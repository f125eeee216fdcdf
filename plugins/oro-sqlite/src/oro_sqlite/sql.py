"""SQL text split into statements, as SQLite's own parser would cut it.

Python's :mod:`sqlite3` runs one statement per ``execute`` and hides the tail that
``sqlite3_prepare`` returns, while Oro's ``sqlite.exec`` runs every statement of its text (each
with the same parameters) and ``sqlite.prepare`` compiles the first. :func:`statements` finds
the boundaries in one linear pass: a ``;`` outside string literals, quoted identifiers and
comments ends a statement, except inside ``CREATE TRIGGER ... END``, whose body holds
semicolons of its own (the rule of SQLite's ``sqlite3_complete``).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from typing import Final

__all__ = ["first_word", "statements"]

_CLOSERS: Final = {"'": "'", '"': '"', "`": "`", "[": "]"}


@functools.cache
def _word() -> re.Pattern[str]:
    """A run of SQLite's identifier characters (letters, digits, ``_``, ``$``, anything past
    ASCII): one token to ``sqlite3_complete``, whatever it starts with (``1CREATE`` is no
    ``CREATE``); a keyword or name when it starts with neither a digit nor ``$``. Compiled at
    first use, not at import: its range up to U+10FFFF costs about 9 ms to compile, and every
    ``oro`` command imports the plugin."""
    return re.compile(r"[A-Za-z0-9_$\x80-\U0010ffff]+")


def _skip_quoted(sql: str, start: int) -> int:
    """The index after the literal or quoted name opening at ``start`` (a doubled closing
    quote stands for itself; ``[...]`` has no escape); the end of ``sql`` if unterminated."""
    closer = _CLOSERS[sql[start]]
    index = start + 1
    while True:
        end = sql.find(closer, index)
        if end == -1:
            return len(sql)
        if closer != "]" and sql.startswith(closer, end + 1):
            index = end + 2
            continue
        return end + 1


def statements(sql: str) -> list[str]:
    """The statements of ``sql``, each with its ``;``; text that holds only whitespace and
    comments is left out (SQLite compiles it to nothing)."""
    body = sql.rstrip()
    if ";" not in body[:-1]:
        # At most a final `;`: one statement, whatever its quotes and comments hold. The
        # common case, found without a Python-level pass over the text.
        core = body[:-1] if body.endswith(";") else body
        if _LEADING.fullmatch(core) is not None:
            return []
        # Cut after its `;` as the general pass cuts, the blanks after it being no statement;
        # unless that `;` lies in a comment or a quote and ends nothing.
        ends = body.endswith(";") and sqlite3.complete_statement(body)
        return [body if ends else sql]
    found: list[str] = []
    start = 0
    index = 0
    length = len(sql)
    state = _START
    """Where the statement is in ``sqlite3_complete``'s walk to ``CREATE ... TRIGGER``."""
    tokens = ["", ""]
    """The statement's last two tokens, the same way."""
    while index < length:
        char = sql[index]
        if char.isspace():
            index += 1
            continue
        if sql.startswith("--", index):
            newline = sql.find("\n", index)
            index = length if newline == -1 else newline + 1
            continue
        if sql.startswith("/*", index):
            close = sql.find("*/", index + 2)
            index = length if close == -1 else close + 2
            continue
        if char == ";":
            index += 1
            # A trigger's body ends at `; END ;` (sqlite3_complete's rule); any other `;` in
            # it belongs to the body.
            if state == _TRIGGER and tokens != [";", "END"]:
                tokens = [tokens[1], ";"]
                continue
            if state != _START:
                found.append(sql[start:index])
            start = index
            state = _START
            tokens = ["", ""]
            continue
        if char in _CLOSERS:
            index = _skip_quoted(sql, index)
            token = char
        else:
            match = _word().match(sql, index)
            if match is None:
                token = char
                index += 1
            else:
                token = match.group().upper()
                index = match.end()
        state = _next_state(state, token)
        tokens = [tokens[1], token]
    if state != _START:
        found.append(sql[start:])
    return found


_START, _NORMAL, _EXPLAIN, _CREATE, _TRIGGER = range(5)


def _next_state(state: int, token: str) -> int:
    """``sqlite3_complete``'s transitions up to a trigger (its ``trans`` table): after
    ``EXPLAIN`` any other token (``QUERY PLAN``, even a string) keeps looking for ``CREATE``;
    after ``CREATE``, ``TEMP``/``TEMPORARY`` keeps looking for ``TRIGGER``."""
    if state == _START:
        return {"EXPLAIN": _EXPLAIN, "CREATE": _CREATE}.get(token, _NORMAL)
    if state == _EXPLAIN:
        if token == "CREATE":
            return _CREATE
        return _NORMAL if token in _COMPLETE_KEYWORDS else _EXPLAIN
    if state == _CREATE:
        if token in ("TEMP", "TEMPORARY"):
            return _CREATE
        return _TRIGGER if token == "TRIGGER" else _NORMAL
    return state


_COMPLETE_KEYWORDS: Final = frozenset({"EXPLAIN", "CREATE", "TEMP", "TEMPORARY", "TRIGGER", "END"})
"""The words ``sqlite3_complete`` tells apart; every other token is the same to it."""


_LEADING: Final = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))*", re.DOTALL)


def first_word(statement: str) -> str:
    """The statement's first keyword, upper case (``""`` if it starts with something else)."""
    start = _LEADING.match(statement)
    match = _word().match(statement, start.end() if start else 0)
    if match is None or match.group()[0] in "0123456789$":
        return ""
    return match.group().upper()
