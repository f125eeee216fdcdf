"""SQL text split into statements, as SQLite's own parser would cut it.

Python's :mod:`sqlite3` runs one statement per ``execute`` and hides the tail that
``sqlite3_prepare`` returns, while Oro's ``sqlite.exec`` runs every statement of its text (each
with the same parameters) and ``sqlite.prepare`` compiles the first. :func:`statements` finds
the boundaries in one linear pass: a ``;`` outside string literals, quoted identifiers and
comments ends a statement, except inside ``CREATE TRIGGER ... END``, whose body holds
semicolons of its own (the rule of SQLite's ``sqlite3_complete``).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["first_word", "statements"]

_WORD: Final = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
_CLOSERS: Final = {"'": "'", '"': '"', "`": "`", "[": "]"}


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
        blank = _LEADING.fullmatch(core) is not None
        return [] if blank else [sql]
    found: list[str] = []
    start = 0
    index = 0
    length = len(sql)
    words: list[str] = []
    """The statement's keywords so far, upper case (the first three are enough)."""
    last = ""
    """The statement's last token: a keyword upper case, or the character."""
    significant = False
    while index < length:
        char = sql[index]
        if char.isspace():
            index += 1
        elif sql.startswith("--", index):
            newline = sql.find("\n", index)
            index = length if newline == -1 else newline + 1
        elif sql.startswith("/*", index):
            close = sql.find("*/", index + 2)
            index = length if close == -1 else close + 2
        elif char in _CLOSERS:
            index = _skip_quoted(sql, index)
            significant = True
            last = char
        elif char == ";":
            index += 1
            if _in_trigger(words) and last != "END":
                last = ";"
                continue
            if significant:
                found.append(sql[start:index])
            start = index
            words = []
            last = ""
            significant = False
        else:
            significant = True
            match = _WORD.match(sql, index)
            if match is None:
                last = char
                index += 1
                continue
            word = match.group().upper()
            if len(words) < 4:
                words.append(word)
            last = word
            index = match.end()
    if significant:
        found.append(sql[start:])
    return found


def _in_trigger(words: list[str]) -> bool:
    """The statement so far is ``[EXPLAIN] CREATE [TEMP|TEMPORARY] TRIGGER ...``."""
    if words[:1] == ["EXPLAIN"]:
        words = words[1:]
    if words[:1] != ["CREATE"]:
        return False
    rest = words[1:]
    if rest[:1] in (["TEMP"], ["TEMPORARY"]):
        rest = rest[1:]
    return rest[:1] == ["TRIGGER"]


_LEADING: Final = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))*", re.DOTALL)


def first_word(statement: str) -> str:
    """The statement's first keyword, upper case (``""`` if it starts with something else)."""
    start = _LEADING.match(statement)
    match = _WORD.match(statement, start.end() if start else 0)
    return match.group().upper() if match else ""
