"""Where a page's database may live, on a real host and real files: deny by default (only
``:memory:`` until ``[sqlite] roots`` names a directory), paths confined by their real path
(``..`` and symlinks included), read-only roots, the user's picked files, ``file:`` URIs, and
no way out through ``ATTACH``, ``VACUUM INTO``, ``load_extension()`` or the pragmas that move
SQLite's files. Oro's ``sqlite.open`` (``src/runtime/core/services/sqlite.cc``) answers
``SecurityError``/``EPERM`` for a path its file-system sandbox refuses and ``NotFoundError``/
``ENOENT`` for a missing file opened without ``OPEN_CREATE``; these tests follow that."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from oro_sqlite.paths import OPEN_CREATE, OPEN_READONLY, OPEN_READWRITE

from conftest import SQLITE_PLUGINS, call, exec_sql, open_memory
from oro_framework import Host, InvalidArgumentError, NotFoundError, SecurityError
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


def real_path(path: Path) -> str:
    """``path`` with every symlink resolved, as the host reports a database's path."""
    return os.path.realpath(path)


async def refused(client: MemoryClient, path: str, flags: int | None = None) -> SecurityError:
    params = {} if flags is None else {"flags": flags}
    reply = await client.call("sqlite.open", id="x", path=path, **params)
    assert isinstance(reply.error, SecurityError), reply.error
    assert reply.error.code == "EPERM"
    return reply.error


async def test_by_default_only_memory_databases_open(tmp_path: Path) -> None:
    async with make_host(SQLITE_PLUGINS, data_dir=tmp_path / "data") as host:
        client = MemoryClient(host)
        await open_memory(client)
        await call(client, "sqlite.open", id="uri", path="file::memory:")
        await refused(client, "app.db")
        await refused(client, "data:app.db")
    assert not (tmp_path / "data" / "app.db").exists()


async def test_a_relative_path_is_a_file_in_the_data_directory(host: Host) -> None:
    client = MemoryClient(host)
    answer = await call(client, "sqlite.open", id="a", path="notes.db")
    real = real_path(host.paths.data / "notes.db")
    assert answer["path"] == real
    await exec_sql(client, "a", "CREATE TABLE t (a); INSERT INTO t VALUES (42)")
    await call(client, "sqlite.close", id="a")
    with sqlite3.connect(real) as direct:
        assert direct.execute("SELECT a FROM t").fetchall() == [(42,)]
    prefixed = await call(client, "sqlite.open", id="b", path="data:notes.db")
    assert prefixed["path"] == real


async def test_paths_out_of_the_roots_are_refused(host: Host, tmp_path: Path) -> None:
    client = MemoryClient(host)
    outside = tmp_path / "outside.db"
    await refused(client, "../outside.db")
    await refused(client, "data:../../outside.db")
    await refused(client, str(outside))
    await refused(client, f"file:{outside}")
    await refused(client, "temp:x.db")  # temp is not in this host's roots
    await refused(client, str(host.paths.data))  # the root itself is no database
    assert not outside.exists()


async def test_a_symlink_leading_out_is_refused(host: Host, tmp_path: Path) -> None:
    client = MemoryClient(host)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (host.paths.data / "link").symlink_to(target, target_is_directory=True)
    (host.paths.data / "file.db").symlink_to(target / "x.db")
    await refused(client, "link/x.db")
    await refused(client, "file.db")
    assert list(target.iterdir()) == []


async def test_a_missing_file_without_create_is_not_found(client: MemoryClient) -> None:
    reply = await client.call("sqlite.open", id="a", path="missing.db", flags=OPEN_READWRITE)
    assert isinstance(reply.error, NotFoundError)
    assert reply.error.code == "ENOENT"


@pytest.mark.parametrize("oro_config", [{"sqlite.roots": ["resources"]}])
async def test_resources_open_read_only(host: Host) -> None:
    seed = host.paths.resources / "seed.db"
    with sqlite3.connect(seed) as direct:
        direct.execute("CREATE TABLE t (a)")
        direct.execute("INSERT INTO t VALUES (1)")
    direct.close()
    client = MemoryClient(host)
    error = await refused(client, "resources:seed.db")
    assert "OPEN_READONLY" in error.message
    await call(client, "sqlite.open", id="ro", path="resources:seed.db", flags=OPEN_READONLY)
    rows = (await exec_sql(client, "ro", "SELECT a FROM t"))["rows"]
    assert rows == [{"a": {"type": "integer", "value": "1"}}]
    write = await client.call("sqlite.exec", id="ro", sql="INSERT INTO t VALUES (2)")
    assert write.error is not None
    assert write.error.code == "8"  # SQLITE_READONLY


async def test_a_file_the_user_picked_opens_without_a_root(tmp_path: Path) -> None:
    picked = tmp_path / "picked.db"
    async with make_host(SQLITE_PLUGINS, data_dir=tmp_path / "data") as host:
        client = MemoryClient(host)
        await refused(client, str(picked))
        host.file_grants.grant(0, str(picked), is_writable=True)
        await call(client, "sqlite.open", id="a", path=str(picked))
        await exec_sql(client, "a", "CREATE TABLE t (a)")
        # Another window's page has no such grant.
        await refused(MemoryClient(host, window=1), str(picked))
    assert picked.exists()


async def test_file_uris_keep_only_mode_and_cache(client: MemoryClient, host: Host) -> None:
    real = real_path(host.paths.data / "u.db")
    answer = await call(client, "sqlite.open", id="a", path=f"file:{real}?mode=rwc")
    assert answer["path"] == real
    for parameter in ("vfs=unix-none", "nolock=1", "immutable=1", "psow=0"):
        reply = await client.call("sqlite.open", id="b", path=f"file:{real}?{parameter}")
        assert isinstance(reply.error, InvalidArgumentError), parameter
    remote = await client.call("sqlite.open", id="b", path="file://example.com/x.db")
    assert isinstance(remote.error, InvalidArgumentError)


async def test_a_uri_mode_narrows_the_flags(client: MemoryClient, host: Host) -> None:
    await call(client, "sqlite.open", id="a", path="n.db")
    await call(client, "sqlite.close", id="a")
    real = real_path(host.paths.data / "n.db")
    await call(client, "sqlite.open", id="ro", path=f"file:{real}?mode=ro")
    reply = await client.call("sqlite.exec", id="ro", sql="CREATE TABLE t (a)")
    assert reply.error is not None
    assert reply.error.code == "8"


async def test_attach_stays_in_the_sandbox(host: Host, tmp_path: Path) -> None:
    client = MemoryClient(host)
    db = await open_memory(client)
    inside = real_path(host.paths.data / "other.db")
    outside = tmp_path / "escape.db"
    await exec_sql(client, db, "ATTACH ':memory:' AS m")
    await exec_sql(client, db, f"ATTACH '{inside}' AS o; CREATE TABLE o.t (a)")
    for sql in (
        f"ATTACH '{outside}' AS x",
        f"ATTACH 'file:{outside}' AS x",
        "ATTACH 'relative.db' AS x",
        f"VACUUM INTO '{outside}'",
    ):
        reply = await client.call("sqlite.exec", id=db, sql=sql)
        assert isinstance(reply.error, SecurityError), sql
    by_param = await client.call("sqlite.exec", id=db, sql="ATTACH ? AS x", params=[str(outside)])
    assert isinstance(by_param.error, SecurityError)
    assert not outside.exists()
    assert not (Path.cwd() / "relative.db").exists()


async def test_no_extension_and_no_process_wide_pragmas(client: MemoryClient) -> None:
    db = await open_memory(client)
    for sql in (
        "SELECT load_extension('/lib/x')",
        "PRAGMA temp_store_directory = '/tmp'",
        "PRAGMA data_store_directory = '/tmp'",
    ):
        reply = await client.call("sqlite.exec", id=db, sql=sql)
        assert isinstance(reply.error, SecurityError), sql
        prepared = await client.call("sqlite.prepare", id=db, sql=sql)
        assert isinstance(prepared.error, SecurityError), sql
    assert (await exec_sql(client, db, "SELECT 1 AS a"))["rows"] == [
        {"a": {"type": "integer", "value": "1"}}
    ]


async def test_bad_paths_and_flags_are_type_errors(client: MemoryClient) -> None:
    for params in (
        {"path": ""},
        {"path": "a\0b.db"},
        {"path": "a.db", "flags": OPEN_CREATE},  # neither read-only nor read-write
    ):
        reply = await client.call("sqlite.open", id="a", **params)
        assert isinstance(reply.error, InvalidArgumentError), params
