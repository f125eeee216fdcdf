"""The ``[sqlite]`` config keys, declared once as the fields of :class:`SQLiteSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from oro_framework import setting, validators

__all__ = ["SQLiteSettings"]


def _roots(roots: list[str]) -> None:
    for root in roots:
        if not root or "\0" in root:
            raise ValueError(f"holds {root!r}, which is not a directory")


@final
@dataclass(frozen=True)
class SQLiteSettings:
    """The ``[sqlite]`` keys of one host. Deny by default: until ``roots`` names a directory,
    pages open only in-memory databases (and files their user picked in a file dialog)."""

    roots: list[str] = setting(
        [],
        "Where pages may open database files: 'data', 'temp', 'resources' (read-only) or a "
        "directory (~ expanded, relative to the app directory). Empty: only :memory: "
        "databases and files the page's user picked.",
        validator=_roots,
    )
    max_databases: int = setting(
        32,
        "Databases one window's page may have open at once; one more is a RangeError "
        "(ERR_SQLITE_TOO_MANY_DATABASES).",
        validator=validators.positive,
    )
    max_statements: int = setting(
        256,
        "Prepared statements one window's page may hold at once; one more is a RangeError "
        "(ERR_SQLITE_TOO_MANY_STATEMENTS).",
        validator=validators.positive,
    )
    max_result_rows: int = setting(
        50_000,
        "Rows one sqlite.exec may answer (Oro's limit); more is a RangeError (code '18', "
        "SQLITE_TOOBIG). Page through larger results with a prepared statement's step.",
        validator=validators.positive,
    )
    max_result_bytes: int = setting(
        16 << 20,
        "Bytes of values one sqlite.exec may answer (Oro's limit); more is a RangeError "
        "(code '18').",
        validator=validators.positive,
    )
    max_sql_bytes: int = setting(
        1 << 20,
        "Longest SQL text a page may send, in UTF-8 bytes; longer is a RangeError.",
        validator=validators.positive,
    )
