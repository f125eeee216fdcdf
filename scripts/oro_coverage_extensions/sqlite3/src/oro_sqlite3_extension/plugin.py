"""A port of Oro's test extension ``sqlite3`` (test/src/extensions/sqlite3/extension.cc): routes
``sqlite3.open`` (``{path}`` → ``{id, path}``), ``sqlite3.exec`` (``{id, query}`` → the rows, as
objects) and ``sqlite3.close`` (``{id}``), over Python's ``sqlite3``.

Unlike the C++ original, a database path must lie in the app's data or temp directory or in the
process's working directory (what pages see as ``process.cwd()``): a page names the file, and
an extension loaded by a page reaches no further than the app lets it.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Final

from oro_framework import (
    Host,
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    PermissionRegistry,
    Request,
    RouteGroup,
    RouteTable,
    Sandbox,
    SandboxRoot,
    StashKey,
    hookimpl,
)


@dataclass
class Databases:
    """The open databases by id (Oro's global map), shared by the handler threads."""

    sandbox: Sandbox
    open: dict[str, sqlite3.Connection] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, request: Request) -> sqlite3.Connection:
        name = request.params.require_str("id")
        with self.lock:
            connection = self.open.get(name)
        if connection is None:
            raise NotFoundError("Database not found", id=name)
        return connection


DATABASES: Final = StashKey[Databases]("sqlite3-extension")


class SQLiteError(IPCError):
    """What SQLite refused, with its message (Oro's extension answers sqlite3_errmsg)."""

    error_type = "Error"
    default_code = "SQLITE_ERROR"


def open_database(request: Request) -> dict[str, str]:
    """Open (or create) the database at `path`: `{id, path}`."""
    databases = request.host.stash[DATABASES]
    path = request.params.require_str("path")
    target = databases.sandbox.confine(path, base=os.getcwd(), for_writing=True)
    try:
        connection = sqlite3.connect(target.absolute, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise SQLiteError(str(error)) from None
    name = str(secrets.randbits(63))
    with databases.lock:
        databases.open[name] = connection
    return {"id": name, "path": target.absolute}


def exec_query(request: Request) -> list[dict[str, Any]]:
    """Run one statement, `query`, on database `id`: its rows as objects (blobs left out)."""
    query = request.params.get_str("query")
    if not query:
        raise InvalidArgumentError.missing("query")
    connection = request.host.stash[DATABASES].get(request)
    try:
        cursor = connection.execute(query)
        rows = cursor.fetchall()
    except sqlite3.Error as error:
        raise SQLiteError(str(error)) from None
    names = [column[0] for column in cursor.description or ()]
    return [
        {name: value for name, value in zip(names, row, strict=True) if type(value) is not bytes}
        for row in rows
    ]


def close_database(request: Request) -> None:
    """Close database `id`."""
    databases = request.host.stash[DATABASES]
    connection = databases.get(request)
    with databases.lock:
        databases.open.pop(request.params.require_str("id"), None)
    connection.close()


ROUTES: Final = RouteGroup(
    permission="sqlite3_extension",
    doc="The sqlite3 test extension's databases.",
    handlers={
        "sqlite3.open": open_database,
        "sqlite3.exec": exec_query,
        "sqlite3.close": close_database,
    },
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_configure(host: Host) -> None:
    roots = [
        SandboxRoot("data", os.path.realpath(host.paths.data), writable=True),
        SandboxRoot("temp", os.path.realpath(host.paths.temp), writable=True),
        SandboxRoot("cwd", os.path.realpath(os.getcwd()), writable=True),
    ]
    host.stash[DATABASES] = Databases(Sandbox(roots))


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_unconfigure(host: Host) -> None:
    databases = host.stash.pop(DATABASES, None)
    if databases is None:
        return
    with databases.lock:
        connections, databases.open = list(databases.open.values()), {}
    for connection in connections:
        connection.close()
