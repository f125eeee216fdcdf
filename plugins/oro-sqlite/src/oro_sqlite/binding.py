"""Parameters bound by position, as Oro binds them, on :mod:`sqlite3`'s one-call execute.

Python's :mod:`sqlite3` runs a statement as soon as it binds it and checks that the number of
parameters is exact, where Oro's C code prepares, binds by position and steps separately, and
lets a statement take fewer parameters than it has (the rest are NULL) or none at all. A
statement's parameter count comes from the binding error sqlite3 raises *before* it steps (so
nothing has run), and the call is made again with the parameters padded or dropped.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, final

from oro_sqlite.errors import too_many_params
from oro_sqlite.values import SQLValue

__all__ = ["Positional", "execute", "execute_many", "parameter_count"]

_BINDINGS: Final = re.compile(r"uses (\d+), and there are (\d+) supplied")


def parameter_count(error: sqlite3.ProgrammingError) -> int | None:
    """The statement's parameter count, from sqlite3's refusal of the count given."""
    match = _BINDINGS.search(str(error))
    return None if match is None else int(match.group(1))


@final
class Positional(Mapping[str, SQLValue]):
    """Values bound in order to named placeholders (``:a``, ``$b``), as Oro binds them by
    index; for the Pythons that refuse a sequence for names (3.14 onward)."""

    def __init__(self, values: Sequence[SQLValue]) -> None:
        self._values = list(values)
        self._asked: dict[str, SQLValue] = {}

    def __getitem__(self, name: str) -> SQLValue:
        if name not in self._asked:
            index = len(self._asked)
            self._asked[name] = self._values[index] if index < len(self._values) else None
        return self._asked[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._asked)

    def __len__(self) -> int:
        return len(self._values)


def execute(cursor: sqlite3.Cursor, sql: str, params: Sequence[SQLValue]) -> None:
    """Run ``sql`` with ``params`` bound by position, as Oro binds them: fewer than the
    statement takes leave the rest NULL, params for a statement that takes none are ignored.

    :raises OutOfRangeError: more params than the statement takes.
    """
    try:
        _execute_padded(cursor, sql, params)
    except UnicodeDecodeError as error:
        # SQLite's error message quoted bytes that are not UTF-8 (json_remove(0, x'80')), and
        # Python failed decoding the message itself: still SQLite's error, not the host's.
        message = bytes(error.object).decode("utf-8", "replace")
        raise sqlite3.OperationalError(message) from None


def _execute_padded(cursor: sqlite3.Cursor, sql: str, params: Sequence[SQLValue]) -> None:
    try:
        cursor.execute(sql, params)
    except sqlite3.ProgrammingError as error:
        needed = parameter_count(error)
        if needed is None:
            if "named parameter" not in str(error):
                raise
            cursor.execute(sql, Positional(params))
            return
    else:
        return
    if len(params) > needed and needed > 0:
        raise too_many_params(needed, len(params))
    padded = list(params[:needed]) + [None] * (needed - len(params))
    try:
        cursor.execute(sql, padded)
    except sqlite3.ProgrammingError as error:
        if "named parameter" not in str(error):
            raise
        cursor.execute(sql, Positional(padded))


def _sets(
    count: int, columns: list[list[Any]], width: int, needed: int | None
) -> Iterator[tuple[Any, ...]]:
    """``count`` parameter sets from their ``columns``, made to fit a statement of ``needed``
    parameters when that is known: the missing ones NULL (Oro's rule), all dropped for a
    statement that takes none. Made as sqlite3 binds them, not before."""
    if needed == 0 or not columns:
        return itertools.repeat((), count)
    if needed is not None and needed > width:
        missing = [itertools.repeat(None, count)] * (needed - width)
        return zip(*columns, *missing, strict=False)
    return zip(*columns, strict=True)


def execute_many(
    cursor: sqlite3.Cursor,
    sql: str,
    count: int,
    columns: list[list[Any]],
    width: int,
    needed: int | None,
) -> int | None:
    """Run ``sql`` for each of ``count`` parameter sets; the statement's parameter count once a
    count mismatch made it known (``None``: the sets fit as they are). sqlite3 checks the count
    when it binds the first set, before it steps: nothing has run when it refuses.

    :raises OutOfRangeError: the sets have more values than the statement takes.
    """
    try:
        cursor.executemany(sql, _sets(count, columns, width, needed))
    except sqlite3.ProgrammingError as error:
        if needed is not None:
            raise
        found = parameter_count(error)
        if found is None:
            if "named parameter" not in str(error):
                raise
            positional = [Positional(values) for values in _sets(count, columns, width, None)]
            cursor.executemany(sql, positional)
            return None
        if width > found > 0:
            raise too_many_params(found, width) from None
        cursor.executemany(sql, _sets(count, columns, width, found))
        return found
    return needed
