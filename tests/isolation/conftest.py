"""Fixtures: a running host with oro-hostile in a process of its own, beside an in-process
plugin, and a client of each window."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from oro_framework import Host, Request
from oro_framework.host.isolation.proxy import IsolatedPlugin
from oro_framework.host.isolation.supervisor import Supervisor
from oro_framework.testing import MemoryClient, RoutePlugin, make_host

PLUGINS = Path(__file__).parent / "plugins"
# The window tests' kit (tests/_window_app.py and its neighbours), which pytest puts on sys.path
# only for the test files of tests/ itself.
sys.path.insert(0, str(Path(__file__).parents[1]))
HOSTILE = "oro_hostile.plugin"
"""The plugin's name: an explicit module that no installed entry point names is named after
its module."""


async def _ping(request: Request) -> str:
    return "pong"


@pytest.fixture
def hostile_module(monkeypatch: pytest.MonkeyPatch) -> object:
    """oro-hostile's entry module, importable here and in the isolated process."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.setenv("PYTHONPATH", str(PLUGINS))
    import oro_hostile.plugin

    return oro_hostile.plugin


@pytest.fixture
def isolation_config() -> Mapping[str, Any]:
    return {"plugins.isolate": [HOSTILE], "plugins.isolated_unresponsive_ms": 1000}


@pytest.fixture
async def host(hostile_module: object, isolation_config: Mapping[str, Any]) -> AsyncIterator[Host]:
    in_process = RoutePlugin({"local.ping": _ping}, name="local", permission="local", declare=True)
    async with make_host([hostile_module, in_process], config=dict(isolation_config)) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host, window=0)


def unload_hostile() -> None:
    for name in [name for name in sys.modules if name.startswith("oro_hostile")]:
        del sys.modules[name]


def supervisor_of(host: Host) -> Supervisor:
    """oro-hostile's supervisor in ``host``: what its process's restart is waited on with."""
    proxy = host.hooks._manager.get_plugin(HOSTILE)
    assert isinstance(proxy, IsolatedPlugin)
    return proxy.supervisor
