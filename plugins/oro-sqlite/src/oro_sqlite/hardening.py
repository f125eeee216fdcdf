"""Every connection set up the way browsers and Android set up the SQLite they hand to pages,
before the page's first statement; and SQLite's heap limited for the whole process.

Per connection (:func:`harden`):

* ``PRAGMA trusted_schema = OFF`` (unless ``[sqlite] trusted_schema``): SQL stored in a
  database (views, triggers, defaults, CHECK and index expressions) may use only the functions
  and virtual tables SQLite marks innocuous, so a database file crafted by someone else runs
  nothing unexpected when the page reads it. This SQLite (3.40) does not mark its JSON
  functions, FTS or R*Tree tables innocuous, so an app whose triggers keep an FTS index or
  whose indexes use ``json_extract`` turns the key on; the authorizer still checks every
  function a view or trigger calls when a statement uses it, and SQLite never lets schema SQL
  call ``fts3_tokenizer()`` or ``load_extension()`` (they are ``SQLITE_DIRECTONLY``).
* ``sqlite3_db_config``: ``SQLITE_DBCONFIG_DEFENSIVE`` on (no ``writable_schema`` edits, no
  direct writes to FTS shadow tables, the way crafted FTS data reached memory bugs before),
  ``ENABLE_FTS3_TOKENIZER`` and ``ENABLE_LOAD_EXTENSION`` off, ``TRUSTED_SCHEMA`` as above. Python
  3.12 has ``Connection.setconfig``. Python 3.11 has no way to it, so on CPython 3.11 (whose
  ``sqlite3.Connection`` object starts with the ``sqlite3 *``) it is called through
  :mod:`ctypes` on the very library ``_sqlite3`` uses, and each switch is read back; anywhere
  else, or if a check fails, the connection goes without and the authorizer (:mod:`.policy`),
  which refuses ``fts3_tokenizer()`` and ``writable_schema`` itself, is the barrier. Even with
  the switch off SQLite still lets a *bound* tokenizer pointer through
  (``fts3_tokenizer('x', ?)``), so the authorizer is the barrier in every case.
* ``sqlite3_limit`` (``Connection.setlimit``): the longest value and SQL text, the most
  columns and attached databases, no helper threads, at most 32,766 parameters.

Per process (:func:`limit_heap`): ``PRAGMA hard_heap_limit``, so SQLite's own allocations (a
``randomblob(999000000)``, page caches, sorts) fail with ``SQLITE_NOMEM`` before they take the
host's memory. SQLite only lowers that limit, never raises it: the lowest configured value in a
process holds.
"""

from __future__ import annotations

import _sqlite3
import ctypes
import functools
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Final, NamedTuple, final

__all__ = [
    "MAX_VARIABLES",
    "ConnectionSetup",
    "busy_timeout",
    "harden",
    "heap_limit",
    "limit_heap",
]

_log: Final = logging.getLogger(__name__)

_DBCONFIG_ENABLE_FTS3_TOKENIZER: Final = 1004
_DBCONFIG_ENABLE_LOAD_EXTENSION: Final = 1005
_DBCONFIG_DEFENSIVE: Final = 1010
_DBCONFIG_TRUSTED_SCHEMA: Final = 1017
_DBCONFIG: Final = (
    (_DBCONFIG_DEFENSIVE, True),
    (_DBCONFIG_ENABLE_FTS3_TOKENIZER, False),
    (_DBCONFIG_ENABLE_LOAD_EXTENSION, False),
)
"""(``SQLITE_DBCONFIG_*`` option, wanted value) for every connection; ``TRUSTED_SCHEMA``
follows the setting."""

MAX_VARIABLES: Final = 32_766
"""``SQLITE_LIMIT_VARIABLE_NUMBER``: SQLite's own default before 3.32 (this build allows
250,000); a page binds its params from one JSON body."""


@final
class ConnectionSetup(NamedTuple):
    """The ``sqlite3_limit`` values of each connection and whether its schema is trusted, from
    ``[sqlite]``."""

    value_bytes: int
    """``SQLITE_LIMIT_LENGTH``: the longest text, blob or row (``max_value_bytes``)."""
    sql_bytes: int
    """``SQLITE_LIMIT_SQL_LENGTH``: the longest SQL statement."""
    columns: int
    """``SQLITE_LIMIT_COLUMN``: columns of a table, index, result or ``GROUP BY``."""
    attached: int
    """``SQLITE_LIMIT_ATTACHED``: databases ``ATTACH`` may add."""
    trusted_schema: bool = False
    """``PRAGMA trusted_schema``: whether schema SQL may use what SQLite does not mark
    innocuous."""


def harden(connection: sqlite3.Connection, setup: ConnectionSetup) -> None:
    """Set up a connection just opened, before a page's statement runs on it."""
    connection.execute(f"PRAGMA trusted_schema = {'ON' if setup.trusted_schema else 'OFF'}")
    _configure(connection, (*_DBCONFIG, (_DBCONFIG_TRUSTED_SCHEMA, setup.trusted_schema)))
    for category, value in (
        (sqlite3.SQLITE_LIMIT_LENGTH, setup.value_bytes),
        (sqlite3.SQLITE_LIMIT_SQL_LENGTH, setup.sql_bytes),
        (sqlite3.SQLITE_LIMIT_COLUMN, setup.columns),
        (sqlite3.SQLITE_LIMIT_ATTACHED, setup.attached),
        (sqlite3.SQLITE_LIMIT_WORKER_THREADS, 0),
        (sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, MAX_VARIABLES),
    ):
        # sqlite3_limit only lowers below the compiled-in maximum: a larger value keeps it.
        connection.setlimit(category, value)


def _configure(connection: sqlite3.Connection, wanted: Sequence[tuple[int, bool]]) -> None:
    setconfig = getattr(connection, "setconfig", None)  # Python 3.12 and later
    if setconfig is not None:
        for option, enable in wanted:
            setconfig(option, enable)
        return
    if not _configure_by_ctypes(connection, wanted):
        _warn_once()


@functools.cache
def _warn_once() -> None:
    _log.warning(
        "oro-sqlite: sqlite3_db_config is out of reach on this Python (%s); connections run "
        "without SQLITE_DBCONFIG_DEFENSIVE, with the authorizer's allow-list as the barrier",
        sys.version.split()[0],
    )


@final
class _Library:
    """``sqlite3_db_config`` of the SQLite library ``_sqlite3`` is linked with."""

    def __init__(self, library: ctypes.CDLL) -> None:
        self._db_config = library.sqlite3_db_config
        self._db_config.restype = ctypes.c_int

    def db_config(self, db: int, option: int, value: int) -> int | None:
        """Set ``option`` to ``value`` (``-1``: leave it) and answer what it is now, or
        ``None`` if SQLite refused."""
        now = ctypes.c_int(-1)
        # Variadic: each argument is given its C type by hand, none is left to ctypes' guess.
        code = self._db_config(
            ctypes.c_void_p(db), ctypes.c_int(option), ctypes.c_int(value), ctypes.byref(now)
        )
        return now.value if code == sqlite3.SQLITE_OK else None


@functools.cache
def _library() -> _Library | None:
    """The library, where reaching it is known to be sound: CPython 3.11 on Linux (3.12 has
    ``setconfig``; macOS on ARM passes variadic arguments on the stack, which ctypes of 3.11
    does not know for a function without ``argtypes``; Windows keeps SQLite in its own DLL)."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return None
    if not sys.platform.startswith("linux"):
        return None
    try:
        library = ctypes.CDLL(_sqlite3.__file__)
        version = library.sqlite3_libversion
        version.restype = ctypes.c_char_p
        # The very SQLite sqlite3 runs: the symbols resolved through _sqlite3's own handle.
        if version() != sqlite3.sqlite_version.encode():
            return None
        return _Library(library)
    except (OSError, AttributeError):
        return None


def _handle(connection: sqlite3.Connection) -> int | None:
    """The ``sqlite3 *`` of a CPython 3.11 connection: ``pysqlite_Connection`` holds it right
    after the object header (``Modules/_sqlite/connection.h``); reading it reads the Python
    object's own memory."""
    handle = ctypes.c_void_p.from_address(id(connection) + object.__basicsize__).value
    return handle or None


def _configure_by_ctypes(
    connection: sqlite3.Connection, wanted: Sequence[tuple[int, bool]]
) -> bool:
    library = _library()
    if library is None:
        return False
    db = _handle(connection)
    if db is None:
        return False
    # What makes the pointer sound is _library's gate (the one layout it knows); reading each
    # switch back confirms it took.
    for option, enable in wanted:
        if library.db_config(db, option, int(enable)) != int(enable):
            return False
    return True


@functools.cache
def _busy_library() -> Callable[[int, int], int] | None:
    """``sqlite3_busy_timeout`` of the library ``_sqlite3`` runs, on CPython 3.11 to 3.13 on
    Linux: their ``pysqlite_Connection`` starts with the ``sqlite3 *`` (:func:`_handle`), and
    the function is not variadic, so its arguments are typed once, here."""
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return None
    if not sys.platform.startswith("linux"):
        return None
    try:
        # PyDLL: the call keeps the GIL. It only sets a number, and letting the GIL go (CDLL)
        # made the event loop wait for it back on every inline query (~0.5 ms in a busy host).
        library = ctypes.PyDLL(_sqlite3.__file__)
        version = library.sqlite3_libversion
        version.restype = ctypes.c_char_p
        if version() != sqlite3.sqlite_version.encode():
            return None
        function = library.sqlite3_busy_timeout
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_void_p, ctypes.c_int)
    function.restype = ctypes.c_int
    setter: Callable[[int, int], int] = function
    return setter


def busy_timeout(connection: sqlite3.Connection) -> Callable[[int], None] | None:
    """A function that sets ``connection``'s busy timeout in milliseconds (``0``: a locked
    database answers ``SQLITE_BUSY`` at once), or ``None`` where sqlite3 offers no way to it
    (Python's ``timeout`` is given once, at ``connect``). Only call it while the connection is
    open."""
    function = _busy_library()
    db = _handle(connection) if function is not None else None
    if function is None or db is None:
        return None

    def set_timeout(milliseconds: int) -> None:
        function(db, milliseconds)

    return set_timeout


def limit_heap(max_bytes: int) -> int:
    """Limit SQLite's heap, for the whole process, to ``max_bytes`` (or less, if a lower limit
    holds already); the limit that holds now. The soft limit, past which SQLite frees cache
    memory first, is three quarters of it."""
    with sqlite3.connect(":memory:") as connection:
        connection.execute(f"PRAGMA hard_heap_limit = {int(max_bytes)}")
        limit = heap_limit(connection)
        connection.execute(f"PRAGMA soft_heap_limit = {limit * 3 // 4}")
    connection.close()
    return limit


def heap_limit(connection: sqlite3.Connection | None = None) -> int:
    """SQLite's hard heap limit for the process now (0: none)."""
    if connection is None:
        with sqlite3.connect(":memory:") as own:
            limit = heap_limit(own)
        own.close()
        return limit
    row = connection.execute("PRAGMA hard_heap_limit").fetchone()
    return int(row[0])
