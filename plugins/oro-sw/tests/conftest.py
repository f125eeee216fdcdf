"""Fixtures: hosts with oro-sw only, and hosts that keep their data directory across restarts
(the store lives there)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import oro_sw.plugin
import pytest
from anyio.from_thread import start_blocking_portal

from oro_framework import Host
from oro_framework.testing import MemoryClient, ServedApp, live_server, make_host


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    async with make_host([oro_sw.plugin]) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)


@asynccontextmanager
async def kept_host(
    app_dir: Path, data_dir: Path, config: Mapping[str, Any] | None = None
) -> AsyncIterator[Host]:
    """A running host of ``app_dir`` with oro-sw whose data directory is ``data_dir``, which
    outlives it (``make_host`` gives every host a fresh one)."""
    host = Host(
        app_dir,
        plugins=[oro_sw.plugin],
        autoload=False,
        config=config,
        environ={},
        data_dir=data_dir,
        cache_dir=data_dir.parent / "cache",
        temp_dir=data_dir.parent / "temp",
    )
    async with anyio.create_task_group() as task_group:
        await task_group.start(host.run)
        try:
            yield host
        finally:
            host.stop()


@contextmanager
def served_kept(
    app_dir: Path, data_dir: Path, *, port: int = 0, config: Mapping[str, Any] | None = None
) -> Iterator[ServedApp]:
    """:func:`kept_host` served on ``port`` (0: a free one) from a background trio loop."""
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(kept_host(app_dir, data_dir, config)) as running,
        portal.wrap_async_context_manager(live_server(running, port=port)) as server,
    ):
        yield ServedApp(server, portal)
