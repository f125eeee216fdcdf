"""Test kit for oro-framework and plugin authors (``pip install oro-framework[testing]``).

::

    import pytest
    import oro_framework.core.ping
    from oro_framework.testing import MemoryClient, make_host

    pytestmark = pytest.mark.anyio

    async def test_ping() -> None:
        async with make_host(plugins=[oro_framework.core.ping]) as host:
            reply = await MemoryClient(host).call("ping")
            assert reply.data == "pong"

Async tests run on anyio's pytest plugin. The runtime runs on **trio**; a project opts its tests
into the same backend with one ini option (the kit forces nothing on other projects that share
the environment)::

    [tool.pytest.ini_options]
    oro_anyio_backend = "trio"

Over real HTTP, :func:`live_server` serves the host's bridge on loopback and hands out httpx
clients that already hold the session cookie::

    async with make_host(plugins=[...]) as host, live_server(host) as server:
        async with server.client() as client:
            response = await client.get("/ipc/ping")

For a real browser, :func:`served_app` runs the app on a loop in a background thread and
:func:`open_app_page` opens it in the system Chromium (fixture ``chromium_browser``) or the system
WebKit (:func:`launch_webkit`, fixture ``webkit_browser``; fixture ``browser`` runs a test on each);
without an ``app_dir`` the app serves an empty default page. :class:`OroProcess` runs the real
``oro`` command in a subprocess (:func:`until` polls what it serves), :func:`virtual_display`
gives a real window an Xvfb screen and :func:`session_bus` a private D-Bus session bus.
:func:`open_descriptors` and :func:`opened_since` tell whether a test left a descriptor open.
:func:`installed_plugin` loads a plugin by its entry point from its installed distribution, as
``oro run`` does, so that a wrong entry point fails the tests.

The pieces live in ``hosts``, ``server``, ``browser``, ``webkit`` (with ``webkit_driver``,
``webkit_page`` and ``webkit_scripts``), ``node``, ``process``, ``display``, ``descriptors``,
``entry_points`` and ``transports`` (``served_app(transport=...)``, run over each transport an
app may use with the ``oro_transport`` fixture);
names are imported on first use, so that the pytest plugin (:mod:`oro_framework.testing.plugin`)
loads nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oro_framework.testing.browser import (
        CHROMIUM_ARGS,
        app_page,
        find_chromium,
        launch_chromium,
        open_app_page,
    )
    from oro_framework.testing.descriptors import open_descriptors, opened_since
    from oro_framework.testing.display import session_bus, virtual_display
    from oro_framework.testing.entry_points import installed_plugin
    from oro_framework.testing.hosts import (
        HookRecorder,
        MemoryClient,
        PageClosedProbe,
        RoutePlugin,
        make_host,
        raise_for_error,
    )
    from oro_framework.testing.memory import peak_rss, process_memory
    from oro_framework.testing.node import (
        js_api_dev_dependencies,
        run_in_node,
        run_node_tests,
        type_check_js,
    )
    from oro_framework.testing.process import (
        OroProcess,
        bridge_client,
        free_port,
        headless_environ,
        until,
    )
    from oro_framework.testing.server import (
        LiveServer,
        ServedApp,
        live_server,
        loopback_buffer_bound,
        read_sse,
        served_app,
    )
    from oro_framework.testing.webkit import WebKitBrowser, launch_webkit
    from oro_framework.testing.webkit_driver import find_webkit
    from oro_framework.testing.webkit_page import WebKitPage

_EXPORTS: dict[str, str] = {
    "CHROMIUM_ARGS": "browser",
    "app_page": "browser",
    "bridge_client": "process",
    "HookRecorder": "hosts",
    "LiveServer": "server",
    "MemoryClient": "hosts",
    "OroProcess": "process",
    "PageClosedProbe": "hosts",
    "RoutePlugin": "hosts",
    "ServedApp": "server",
    "WebKitBrowser": "webkit",
    "WebKitPage": "webkit_page",
    "find_chromium": "browser",
    "find_webkit": "webkit_driver",
    "launch_webkit": "webkit",
    "installed_plugin": "entry_points",
    "js_api_dev_dependencies": "node",
    "launch_chromium": "browser",
    "live_server": "server",
    "loopback_buffer_bound": "server",
    "make_host": "hosts",
    "open_app_page": "browser",
    "open_descriptors": "descriptors",
    "opened_since": "descriptors",
    "peak_rss": "memory",
    "process_memory": "memory",
    "raise_for_error": "hosts",
    "read_sse": "server",
    "run_in_node": "node",
    "run_node_tests": "node",
    "served_app": "server",
    "session_bus": "display",
    "type_check_js": "node",
    "free_port": "process",
    "headless_environ": "process",
    "until": "process",
    "virtual_display": "display",
}

__all__ = [
    "CHROMIUM_ARGS",
    "HookRecorder",
    "LiveServer",
    "MemoryClient",
    "OroProcess",
    "PageClosedProbe",
    "RoutePlugin",
    "ServedApp",
    "WebKitBrowser",
    "WebKitPage",
    "app_page",
    "bridge_client",
    "find_chromium",
    "find_webkit",
    "free_port",
    "headless_environ",
    "installed_plugin",
    "js_api_dev_dependencies",
    "launch_chromium",
    "launch_webkit",
    "live_server",
    "loopback_buffer_bound",
    "make_host",
    "open_app_page",
    "open_descriptors",
    "opened_since",
    "peak_rss",
    "process_memory",
    "raise_for_error",
    "read_sse",
    "run_in_node",
    "run_node_tests",
    "served_app",
    "session_bus",
    "type_check_js",
    "until",
    "virtual_display",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'oro_framework.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
