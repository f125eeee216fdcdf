"""One build pipeline (issue 51): a plugin the host starts with and an extension a page loads
later are built by the same steps (``host/pipeline.py``), in the same order, into the same
registries, and fail with the same words.

Real hosts and real installed distributions (``_extension_site``); the plugin loaded at start
is the extension's own module, handed to the host as any plugin object."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _extension_site import CLASHING, EVERY, UNDECLARED, install_test_extensions

import oro_framework.core.extension
import oro_framework.core.ping
from oro_framework import Host, InternalError, PluginLoadError
from oro_framework.host.pipeline import BUILD_STEPS, DECLARATION_STEPS
from oro_framework.testing import make_host

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.extension, oro_framework.core.ping]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_test_extensions(tmp_path_factory.mktemp("site"))


@pytest.fixture(autouse=True)
def installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(site))
    yield
    importlib.invalidate_caches()


def plugin_module(name: str) -> ModuleType:
    return importlib.import_module(f"oro_{name.replace('-', '_')}.plugin")


def allowing(*extensions: str, **more: Any) -> dict[str, Any]:
    return {"extensions.allow": list(extensions), "permissions.allow_extension": True, **more}


def registered_by(host: Host, plugin: str) -> dict[str, list[Any]]:
    """Every entry ``plugin`` owns, registry by registry."""
    registries: dict[str, Any] = {
        "permissions": host.permissions,
        "config keys": host.config_keys,
        "routes": host.routes,
        "mounts": host.mounts,
        "JS modules": host.js_modules,
        "services": host.services,
        "page events": host.events.declared,
    }
    return {
        kind: [entry for entry in registry if entry.plugin == plugin]
        for kind, registry in registries.items()
    }


async def test_a_plugin_is_built_alike_at_start_and_as_an_extension() -> None:
    events: list[str] = plugin_module(EVERY).EVENTS
    events.clear()
    async with make_host([*PLUGINS, plugin_module(EVERY)]) as at_start:
        assert at_start.plugin_info(EVERY).distribution == "oro-every-ext"
        started = registered_by(at_start, EVERY)
        hooks_at_start = list(events)
    events.clear()

    async with make_host(PLUGINS, config=allowing(EVERY)) as host:
        await host.extensions.load(EVERY, window=0)
        loaded = registered_by(host, EVERY)
        hooks_on_load = list(events)

    # Every registry holds the same entries, but the JS modules a running host cannot serve
    # (a page's import map is fixed when the page loads).
    assert all(started.values())
    assert loaded == {**started, "JS modules": []}
    assert hooks_on_load == [hook for hook in hooks_at_start if hook != "oro_register_js_modules"]
    assert hooks_at_start == [
        "oro_register_permissions",
        "oro_register_config",
        "oro_configure",
        "oro_register_routes",
        "oro_register_mounts",
        "oro_register_js_modules",
        "oro_register_services",
        "oro_register_page_events",
        "oro_lifecycle_event started",
    ]


def test_the_pipeline_names_every_registration_hook_once() -> None:
    hooks = [step.name for step in (*DECLARATION_STEPS, *BUILD_STEPS) if step.name[:4] == "oro_"]

    assert hooks == [
        "oro_register_permissions",
        "oro_register_config",
        "oro_configure",
        "oro_register_routes",
        "oro_register_mounts",
        "oro_register_schemes",
        "oro_register_js_modules",
        "oro_register_services",
        "oro_register_page_events",
    ]
    assert [step.name for step in BUILD_STEPS if not step.joins_running_host] == [
        "oro_register_js_modules"
    ]


async def test_a_route_without_its_permission_fails_in_the_same_words_on_both_paths(
    tmp_path: Path,
) -> None:
    with pytest.raises(PluginLoadError) as at_start:
        Host(
            tmp_path,
            plugins=[*PLUGINS, plugin_module(UNDECLARED)],
            autoload=False,
            environ={},
            data_dir=tmp_path / "data",
        )

    async with make_host(PLUGINS, config=allowing(UNDECLARED)) as host:
        with pytest.raises(InternalError) as on_load:
            await host.extensions.load(UNDECLARED, window=0)
        assert host.extensions.loaded == []
        assert "undeclared.hello" not in host.routes

    assert on_load.value.code == "ERR_EXTENSION_LOAD"
    cause = on_load.value.__cause__
    assert isinstance(cause, PluginLoadError)
    assert str(cause) == str(at_start.value)
    assert "route 'undeclared.hello' declares permission 'nobody_declares_this'" in str(cause)


async def test_an_extension_that_fails_to_load_is_not_dropped_as_broken_when_skipping() -> None:
    # Skipping broken plugins is for building the host: an extension that fails on load is
    # handed back to its loader, stays loadable and is not marked broken.
    config = allowing(CLASHING, **{"plugins.skip_broken": True})
    async with make_host(PLUGINS, config=config) as host:
        for _attempt in range(2):
            with pytest.raises(InternalError) as failed:
                await host.extensions.load(CLASHING, window=0)
            assert failed.value.code == "ERR_EXTENSION_LOAD"
        assert host.plugin_info(CLASHING).error is None
        assert host.extensions.available == [CLASHING]
        assert (await host.call("ping")).data == "pong"
