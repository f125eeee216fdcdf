"""The errors of ``sqlite.*``, shaped as Oro's: an SQL failure is a ``SQLiteError`` whose
``code`` is SQLite's primary result code as text (``"19"`` for a constraint), an unknown id a
``NotFoundError``, a result over the limits a ``RangeError`` with code ``"18"``
(SQLITE_TOOBIG). Each also carries a code of ours where Oro has none."""

from __future__ import annotations

import sqlite3
from typing import ClassVar, Final

from oro_framework import (
    InvalidArgumentError,
    InvalidStateError,
    IPCError,
    NotFoundError,
    OutOfMemoryError,
    OutOfRangeError,
    SecurityError,
)

__all__ = [
    "TOOBIG",
    "InvalidStateError",
    "SQLiteError",
    "bad_value",
    "from_sqlite",
    "id_taken",
    "out_of_memory",
    "outside_sandbox",
    "too_big",
    "too_many",
    "too_many_params",
    "unknown_database",
    "unknown_statement",
]

TOOBIG: Final = "18"
"""SQLITE_TOOBIG, the code Oro gives a result over its limits."""


class SQLiteError(IPCError):
    """SQLite refused or failed a statement: ``code`` is its primary result code as text (Oro's
    ``code``), ``errcode`` the extended code and ``errname`` its name
    (``SQLITE_CONSTRAINT_UNIQUE``)."""

    error_type = "SQLiteError"
    default_code = "1"
    http_status: ClassVar[int] = 400


def from_sqlite(error: sqlite3.Error) -> IPCError:
    """The page's error for what :mod:`sqlite3` raised."""
    extended = getattr(error, "sqlite_errorcode", None)
    if extended is None:
        # sqlite3's own checks (a closed connection, a misuse), not SQLite's.
        return InvalidStateError(str(error), code="ERR_SQLITE_MISUSE")
    name = getattr(error, "sqlite_errorname", "SQLITE_ERROR")
    return SQLiteError(str(error), code=str(extended & 0xFF), errcode=extended, errname=name)


def unknown_database(database_id: str) -> NotFoundError:
    return NotFoundError(
        "No database found for the provided id", code="ERR_SQLITE_UNKNOWN_DATABASE", id=database_id
    )


def unknown_statement(statement_id: str) -> NotFoundError:
    return NotFoundError(
        "No statement found for the provided id",
        code="ERR_SQLITE_UNKNOWN_STATEMENT",
        id=statement_id,
    )


def id_taken(database_id: str) -> InvalidStateError:
    return InvalidStateError(
        "A database with that id already exists", code="ERR_SQLITE_ID_TAKEN", id=database_id
    )


def too_many(what: str, limit: int, key: str) -> OutOfRangeError:
    """A page over its ``[sqlite] max_<what>`` limit."""
    return OutOfRangeError(
        f"This page has {limit} {what} open already ([sqlite] {key} = {limit})",
        code=f"ERR_SQLITE_TOO_MANY_{what.upper()}",
        limit=limit,
    )


def too_big() -> OutOfRangeError:
    return OutOfRangeError("SQLite exec result exceeds configured limits", code=TOOBIG)


def too_many_params(expected: int, given: int) -> OutOfRangeError:
    return OutOfRangeError(
        "Too many parameters supplied",
        code="ERR_SQLITE_TOO_MANY_PARAMS",
        expected=expected,
        given=given,
    )


def bad_value(index: int, expected: str) -> InvalidArgumentError:
    """Parameter ``index`` (from 1) cannot be bound."""
    return InvalidArgumentError(
        f"Parameter {index} must be {expected}", code="ERR_INVALID_ARG_VALUE", parameter="params"
    )


def outside_sandbox(reason: str, path: str) -> SecurityError:
    """The sandbox refused a database path (Oro's ``EPERM``)."""
    return SecurityError(f"EPERM: operation not permitted, {reason}", code="EPERM", path=path)


def out_of_memory() -> OutOfMemoryError:
    """SQLite (or the rows it answered) ran out of the memory it may have: Python's ``sqlite3``
    raises ``MemoryError`` for ``SQLITE_NOMEM``, which the heap limit makes SQLite answer."""
    return OutOfMemoryError(
        "SQLite ran out of memory: its heap is limited for the whole app ([sqlite] max_heap_bytes)",
        errcode=7,
        errname="SQLITE_NOMEM",
    )
