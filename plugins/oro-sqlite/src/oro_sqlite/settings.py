"""The ``[sqlite]`` config keys, declared once as the fields of :class:`SQLiteSettings`."""

from __future__ import annotations

from typing import Final, final

from oro_framework import setting, validators
from oro_framework.records import record

__all__ = ["SQLiteSettings"]


_MIN_COLUMNS: Final = 16


def _columns(columns: int) -> None:
    if columns < _MIN_COLUMNS:
        raise ValueError(f"must be at least {_MIN_COLUMNS}")


def _roots(roots: list[str]) -> None:
    for root in roots:
        if not root or "\0" in root:
            raise ValueError(f"holds {root!r}, which is not a directory")


@final
@record
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
    max_batch_values: int = setting(
        4_000_000,
        "Parameter values one sqlite.execMany may carry (parameter sets times values per set); "
        "more is a RangeError (ERR_SQLITE_TOO_MANY_VALUES) before any is decoded. oro:sqlite's "
        "execMany sends larger batches in several calls.",
        validator=validators.positive,
    )
    max_sql_bytes: int = setting(
        1 << 20,
        "Longest SQL text a page may send, in UTF-8 bytes; longer is a RangeError.",
        validator=validators.positive,
    )
    max_value_bytes: int = setting(
        16 << 20,
        "Longest text, blob or row SQLite may make or read (SQLITE_LIMIT_LENGTH); longer is a "
        "SQLiteError with code '18' ('string or blob too big').",
        validator=validators.positive,
    )
    max_columns: int = setting(
        2000,
        "Most columns of a table, index or result (SQLITE_LIMIT_COLUMN; SQLite's default). At "
        f"least {_MIN_COLUMNS}: SQLite's own tables (the schema, FTS and R*Tree tables) need "
        "them.",
        validator=_columns,
    )
    max_attached: int = setting(
        8,
        "Most databases ATTACH may add to one connection (SQLITE_LIMIT_ATTACHED; SQLite "
        "allows at most 10).",
        validator=validators.not_negative,
    )
    trusted_schema: bool = setting(
        False,
        "Whether SQL stored in a database (triggers, views, indexes, defaults) may use what "
        "SQLite does not mark innocuous (PRAGMA trusted_schema). Off: such a database file "
        "runs nothing unexpected, but SQLite 3.40 then refuses FTS and R*Tree tables in "
        "triggers and views and JSON functions in views and indexes; turn it on for an app "
        "that uses them (the authorizer still checks every function they call).",
    )
    max_heap_bytes: int = setting(
        256 << 20,
        "Memory SQLite may allocate in the whole host process, every page's databases "
        "together (PRAGMA hard_heap_limit; SQLite only lowers it: the lowest value a process "
        "configured holds). Past it a statement fails with RangeError ERR_OUT_OF_MEMORY.",
        validator=validators.positive,
    )
