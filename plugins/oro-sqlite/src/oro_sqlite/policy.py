"""What SQL a page may use: the allow-list the authorizer of every connection applies.

Browsers (WebSQL) and Android harden the SQLite they hand to untrusted code the same way: an
authorizer that says yes only to what it knows, not no to what it fears. A deny-list missed
``fts3_tokenizer()``, whose one-argument form answers a raw pointer and whose two-argument form
installs one that ``CREATE VIRTUAL TABLE ... USING fts3(tokenize=...)`` then calls: a page that
picks the pointer crashes the host or runs its own code. So every statement kind, every SQL
function, every pragma and every virtual-table module a page may use is named here, and
anything else (a function or pragma a newer SQLite adds, one a test build has) is refused
until it is added with a reason.

:func:`refusal` decides one authorizer call: ``None`` to allow, or why not. ``ATTACH`` is not
decided here: which files a page may attach is the sandbox's question (:mod:`.paths`).
"""

from __future__ import annotations

import sqlite3
from typing import Final

__all__ = [
    "FUNCTIONS",
    "MODULES",
    "PRAGMAS_INTROSPECTION",
    "PRAGMAS_READ_ONLY",
    "PRAGMAS_SETTINGS",
    "refusal",
]

_STATEMENTS: Final = frozenset(
    {
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_CREATE_TABLE,
        sqlite3.SQLITE_CREATE_TEMP_INDEX,
        sqlite3.SQLITE_CREATE_TEMP_TABLE,
        sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
        sqlite3.SQLITE_CREATE_TEMP_VIEW,
        sqlite3.SQLITE_CREATE_TRIGGER,
        sqlite3.SQLITE_CREATE_VIEW,
        sqlite3.SQLITE_DELETE,
        sqlite3.SQLITE_DROP_INDEX,
        sqlite3.SQLITE_DROP_TABLE,
        sqlite3.SQLITE_DROP_TEMP_INDEX,
        sqlite3.SQLITE_DROP_TEMP_TABLE,
        sqlite3.SQLITE_DROP_TEMP_TRIGGER,
        sqlite3.SQLITE_DROP_TEMP_VIEW,
        sqlite3.SQLITE_DROP_TRIGGER,
        sqlite3.SQLITE_DROP_VIEW,
        sqlite3.SQLITE_INSERT,
        sqlite3.SQLITE_READ,  # a column of a table, view or table-valued function
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_TRANSACTION,
        sqlite3.SQLITE_UPDATE,
        sqlite3.SQLITE_DETACH,
        sqlite3.SQLITE_ALTER_TABLE,
        sqlite3.SQLITE_REINDEX,
        sqlite3.SQLITE_ANALYZE,
        sqlite3.SQLITE_DROP_VTABLE,
        sqlite3.SQLITE_SAVEPOINT,
        sqlite3.SQLITE_RECURSIVE,
    }
)
"""Authorizer actions allowed as they come. ``PRAGMA``, functions, ``CREATE VIRTUAL TABLE`` and
``ATTACH`` are decided by name; ``COPY`` (0, unused since SQLite 3) and any action a newer
SQLite adds are refused."""

FUNCTIONS: Final = frozenset(
    {
        # Core scalar functions.
        "abs", "char", "changes", "coalesce", "concat", "concat_ws", "format", "glob", "hex",
        "if", "ifnull", "iif", "instr", "last_insert_rowid", "length", "like", "likelihood",
        "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "quote",
        "random", "randomblob", "replace", "round", "rtrim", "sign", "soundex",
        "sqlite_source_id", "sqlite_version", "substr", "substring", "total_changes", "trim",
        "typeof", "unhex", "unicode", "unistr", "unistr_quote", "unlikely", "upper", "zeroblob",
        # Aggregates.
        "avg", "count", "group_concat", "median", "percentile", "percentile_cont",
        "percentile_disc", "string_agg", "sum", "total",
        # Window functions.
        "cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead", "nth_value",
        "ntile", "percent_rank", "rank", "row_number",
        # Date and time.
        "current_date", "current_time", "current_timestamp", "date", "datetime", "julianday",
        "strftime", "time", "timediff", "unixepoch",
        # Math.
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos",
        "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
        "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
        # JSON (and the -> and ->> operators, which SQLite names as functions).
        "->", "->>", "json", "json_array", "json_array_length", "json_error_position",
        "json_extract", "json_group_array", "json_group_object", "json_insert", "json_object",
        "json_patch", "json_pretty", "json_quote", "json_remove", "json_replace", "json_set",
        "json_type", "json_valid", "jsonb", "jsonb_array", "jsonb_extract",
        "jsonb_group_array", "jsonb_group_object", "jsonb_insert", "jsonb_object",
        "jsonb_patch", "jsonb_remove", "jsonb_replace", "jsonb_set",
        # Full-text search: MATCH, FTS3/FTS4's and FTS5's auxiliary functions.
        "match", "matchinfo", "offsets", "optimize", "snippet", "bm25", "highlight",
        "fts5_source_id",
        # SQLite's own helpers for ALTER TABLE: it calls them from the statements it runs
        # inside ALTER TABLE and refuses them in a page's SQL by itself.
        "sqlite_drop_column", "sqlite_rename_column", "sqlite_rename_quotefix",
        "sqlite_rename_table", "sqlite_rename_test",
    }
)  # fmt: skip
"""SQL functions a page may call. Not here, so refused: ``fts3_tokenizer`` (raw pointers),
``load_extension`` (native code), ``fts5`` (hands out the FTS5 API pointer), ``sqlite_log``,
``sqlite_compileoption_get``/``_used``, ``subtype`` and the R*Tree debugging functions
``rtreenode``, ``rtreedepth`` and ``rtreecheck``, none of which an app needs."""

MODULES: Final = frozenset({"fts3", "fts4", "fts4aux", "fts5", "fts5vocab", "rtree", "rtree_i32"})
"""Virtual-table modules ``CREATE VIRTUAL TABLE`` may use (full-text search and R*Trees).
FTS3/FTS4 tables use the built-in tokenizers only: registering another takes
``fts3_tokenizer()``, which is refused."""

PRAGMAS_INTROSPECTION: Final = frozenset(
    {
        "collation_list", "compile_options", "data_version", "database_list",
        "foreign_key_check", "foreign_key_list", "freelist_count", "function_list",
        "index_info", "index_list", "index_xinfo", "integrity_check", "module_list",
        "page_count", "pragma_list", "quick_check", "table_info", "table_list", "table_xinfo",
    }
)  # fmt: skip
"""Pragmas that read the schema or check the database; their argument names a table, an
index or a row limit. Also usable as table-valued functions (``pragma_table_info('t')``)."""

PRAGMAS_SETTINGS: Final = frozenset(
    {
        "analysis_limit", "application_id", "auto_vacuum", "automatic_index", "cache_size",
        "cache_spill", "case_sensitive_like", "cell_size_check", "checkpoint_fullfsync",
        "defer_foreign_keys", "encoding", "foreign_keys", "fullfsync",
        "ignore_check_constraints", "incremental_vacuum", "journal_mode", "journal_size_limit",
        "locking_mode", "max_page_count", "optimize", "page_size", "query_only",
        "recursive_triggers", "reverse_unordered_selects", "secure_delete", "shrink_memory",
        "synchronous", "temp_store", "user_version", "wal_autocheckpoint", "wal_checkpoint",
    }
)  # fmt: skip
"""Pragmas a page may read and set: they act on its own connection and databases, and the
memory they can take (``cache_size``, ``temp_store = MEMORY``) counts against SQLite's heap
limit. ``journal_mode = OFF`` is refused (a crash mid-write corrupts the database)."""

PRAGMAS_READ_ONLY: Final = frozenset(
    {"busy_timeout", "schema_version", "threads", "trusted_schema"}
)
"""Pragmas a page may read but not set: a long ``busy_timeout`` would hold a worker thread
that ``sqlite3_interrupt`` cannot stop, writing ``schema_version`` corrupts the database,
``threads`` is capped at 0 by the connection's limits, and ``trusted_schema`` stays off.

Any other pragma is refused, among them the process-wide ``hard_heap_limit``,
``soft_heap_limit``, ``temp_store_directory`` and ``data_store_directory``, ``mmap_size``
(maps the database file into the host's memory), ``writable_schema`` (edits
``sqlite_schema`` by hand: a corrupt schema is the classic way to memory bugs),
``legacy_alter_table`` and the deprecated and debugging pragmas."""

_UNSAFE_JOURNAL_MODES: Final = frozenset({"off"})


def _pragma(name: str, value: str | None) -> str | None:
    if name in PRAGMAS_INTROSPECTION:
        return None
    if name in PRAGMAS_SETTINGS:
        if name == "journal_mode" and (value or "").strip().lower() in _UNSAFE_JOURNAL_MODES:
            return "PRAGMA journal_mode = OFF is not allowed"
        return None
    if name in PRAGMAS_READ_ONLY:
        return None if value is None else f"PRAGMA {name} may be read but not set"
    return f"PRAGMA {name} is not allowed"


def refusal(action: int, first: str | None, second: str | None) -> str | None:
    """Why the authorizer refuses ``action`` (with its two arguments), or ``None`` to allow it.

    :param action: the authorizer action code (``sqlite3.SQLITE_FUNCTION``...).
    :param first: its first argument (a table, a pragma's name, a virtual table's name).
    :param second: its second (a column, a pragma's value, a function's or module's name).
    """
    if action in _STATEMENTS:
        return None
    if action == sqlite3.SQLITE_FUNCTION:
        name = (second or "").lower()
        return None if name in FUNCTIONS else f"the SQL function {second}() is not allowed"
    if action == sqlite3.SQLITE_PRAGMA:
        return _pragma((first or "").lower(), second)
    if action == sqlite3.SQLITE_CREATE_VTABLE:
        module = (second or "").lower()
        if module in MODULES:
            return None
        return f"CREATE VIRTUAL TABLE ... USING {second} is not allowed"
    if action == sqlite3.SQLITE_ATTACH:
        return None
    return f"this kind of statement (SQLite authorizer action {action}) is not allowed"
