"""Fixtures: a running host with oro-sqlite whose ``[sqlite] roots`` allows the app's data
directory, and helpers that call its routes the way ``oro:sqlite`` does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import oro_sqlite.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host, raise_for_error

SQLITE_PLUGINS = (oro_sqlite.plugin,)
CONFIG: dict[str, Any] = {"sqlite.roots": ["data"]}


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return {}


@pytest.fixture
async def host(oro_config: Mapping[str, Any]) -> AsyncIterator[Host]:
    """A running host with oro-sqlite, :data:`CONFIG` plus the test's ``oro_config``."""
    async with make_host(SQLITE_PLUGINS, config={**CONFIG, **oro_config}) as h:
        yield h


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)


async def call(client: MemoryClient, route: str, **params: Any) -> Any:
    """``route``'s data; its error raised."""
    return raise_for_error(await client.call(route, **params))


async def open_memory(client: MemoryClient, database_id: str = "db") -> str:
    await call(client, "sqlite.open", id=database_id, path=":memory:")
    return database_id


async def exec_sql(
    client: MemoryClient, database_id: str, sql: str, *params: Any, **options: Any
) -> Any:
    if params:
        options["params"] = list(params)
    return await call(client, "sqlite.exec", id=database_id, sql=sql, **options)
