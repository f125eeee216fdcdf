"""Extensions (``oro:extension``, ``host.extensions``): installed plugins the app lists in
``[extensions] allow``, declared at start and loaded by a page while the app runs.

Real hosts, real installed distributions (a package and its ``.dist-info`` on ``sys.path``),
the real ``extension`` core plugin and router: routes appear on load and are an unknown route
again after unload, services start in the host's task group and are cancelled, hooks run in the
order a plugin loaded at start has them."""

from __future__ import annotations

import functools
import importlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from _extension_site import (
    CLASHING,
    ECHO,
    ECHO_DISTRIBUTION,
    ECHO_SUMMARY,
    ECHO_VERSION,
    OTHER,
    echo_events,
    install_test_extensions,
)

import oro_framework.core.extension
import oro_framework.core.ping
from oro_framework import (
    PLUGIN_API_VERSION,
    Host,
    InternalError,
    InvalidStateError,
    NotAllowedError,
    NotFoundError,
    ServiceState,
    ServiceUnavailableError,
    WindowOptions,
)
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.extension, oro_framework.core.ping]
ALLOWED = {
    "extensions.allow": [ECHO, CLASHING, "not-installed"],
    "permissions.allow_extension": True,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_test_extensions(tmp_path_factory.mktemp("site"))


@pytest.fixture(autouse=True)
def installed(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(site))
    yield
    importlib.invalidate_caches()


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    echo_events().clear()
    async with make_host(PLUGINS, config={**ALLOWED, "echo.greeting": "hi"}) as running:
        yield running


async def call(host: Host, route: str, *, window: int | None = 0, **params: Any) -> Any:
    return raise_for_error(await MemoryClient(host, window=window).call(route, **params))


async def error_of(host: Host, route: str, *, window: int | None = 0, **params: Any) -> Any:
    reply = await MemoryClient(host, window=window).call(route, **params)
    assert reply.error is not None, f"{route} answered {reply.data!r}"
    return reply.error


async def test_an_extension_is_declared_at_start_but_serves_nothing_until_loaded(
    host: Host,
) -> None:
    assert host.extensions.available == [CLASHING, ECHO]
    assert host.extensions.loaded == []
    # Its declarations are the app's from the start: oro.toml and -c may set its keys.
    assert host.config["echo.greeting"] == "hi"
    assert "echo" in host.permissions
    assert echo_events() == ["declared"]
    assert isinstance(await error_of(host, "echo.say", value="x"), NotFoundError)
    assert "echo.ticker" not in host.running_services


async def test_loading_serves_its_routes_at_once_and_unloading_takes_them_away(
    host: Host,
) -> None:
    loaded = await call(host, "extension.load", name=ECHO)

    assert loaded == {
        "abi": PLUGIN_API_VERSION,
        "name": ECHO,
        "version": ECHO_VERSION,
        "description": ECHO_SUMMARY,
        "loaded": True,
    }
    assert await call(host, "echo.say", value="there") == "hi there"
    assert host.service_status("echo.ticker").state is ServiceState.RUNNING
    assert await call(host, "extension.stats") == {
        "abi": PLUGIN_API_VERSION,
        "loaded": 1,
        "extensions": [ECHO],
    }
    assert echo_events() == ["declared", "configured", "service started", "lifecycle started"]

    assert await call(host, "extension.unload", name=ECHO) == {}

    unknown = await error_of(host, "echo.say", value="there")
    assert isinstance(unknown, NotFoundError)
    assert unknown.code == "NOT_FOUND_ERR"
    assert echo_events()[-2:] == ["service cancelled", "unconfigured"]
    with pytest.raises(KeyError):
        host.service_status("echo.ticker")
    assert await call(host, "extension.stats") == {
        "abi": PLUGIN_API_VERSION,
        "loaded": 0,
        "extensions": [],
    }


async def test_an_unloaded_extension_loads_again_from_the_start(host: Host) -> None:
    await call(host, "extension.load", name=ECHO)
    await call(host, "extension.unload", name=ECHO)
    echo_events().clear()

    await call(host, "extension.load", name=ECHO_DISTRIBUTION)  # by its distribution name

    assert await call(host, "echo.say", value="again") == "hi again"
    assert echo_events() == ["configured", "service started", "lifecycle started"]


async def test_the_permission_is_off_by_default() -> None:
    async with make_host(PLUGINS, config={"extensions.allow": [ECHO]}) as host:
        for route, params in (
            ("extension.load", {"name": ECHO}),
            ("extension.stats", {}),
            ("extension.unload", {"name": ECHO}),
            ("extension.type", {"name": ECHO}),
        ):
            refused = await error_of(host, route, **params)
            assert isinstance(refused, NotAllowedError)
            assert refused.extra == {"permission": "extension"}
        assert host.extensions.loaded == []
        assert isinstance(await error_of(host, "echo.say", value="x"), NotFoundError)


async def test_only_what_the_app_lists_can_be_loaded(host: Host) -> None:
    # Installed, but not one of the app's extensions: as if it were not installed at all.
    unlisted = await error_of(host, "extension.load", name=OTHER)
    assert isinstance(unlisted, NotFoundError)
    assert unlisted.code == "ERR_EXTENSION_NOT_FOUND"
    assert isinstance(await error_of(host, "other.hello"), NotFoundError)
    # Never a module, a path or an entry-point value.
    for name in ("oro_other_ext.plugin", "../oro_other_ext", "oro_other_ext.plugin:hello"):
        assert isinstance(await error_of(host, "extension.load", name=name), NotFoundError)
    assert host.extensions.loaded == []


async def test_an_unknown_name_is_not_found_with_the_nearest_extension(host: Host) -> None:
    unknown = await error_of(host, "extension.load", name="echo-extt")

    assert isinstance(unknown, NotFoundError)
    assert unknown.code == "ERR_EXTENSION_NOT_FOUND"
    assert unknown.message.endswith(f"did you mean '{ECHO}'?")
    assert unknown.extra == {"extension": "echo-extt"}


async def test_a_listed_plugin_that_is_not_installed_says_so(host: Host) -> None:
    missing = await error_of(host, "extension.load", name="not-installed")

    assert isinstance(missing, NotFoundError)
    assert "listed in [extensions] allow, but no installed plugin is named so" in missing.message


async def test_a_plugin_loaded_at_start_is_already_loaded(host: Host) -> None:
    loaded = await error_of(host, "extension.load", name="ping")
    not_unloaded = await error_of(host, "extension.unload", name="ping")

    assert isinstance(loaded, InvalidStateError)
    assert loaded.code == "ERR_EXTENSION_LOADED"
    assert isinstance(not_unloaded, InvalidStateError)
    assert not_unloaded.code == "ERR_EXTENSION_LOADED"
    assert await call(host, "ping") == "pong"


async def test_unloading_what_is_not_loaded_is_an_invalid_state(host: Host) -> None:
    not_loaded = await error_of(host, "extension.unload", name=ECHO)

    assert isinstance(not_loaded, InvalidStateError)
    assert not_loaded.code == "ERR_EXTENSION_NOT_LOADED"


async def test_a_disabled_plugin_is_no_extension() -> None:
    config = {**ALLOWED, "plugins.disable": [ECHO_DISTRIBUTION]}
    async with make_host(PLUGINS, config=config) as host:
        assert host.extensions.available == [CLASHING]
        assert isinstance(await error_of(host, "extension.load", name=ECHO), NotFoundError)


async def test_each_window_holds_it_until_the_last_one_unloads_it(host: Host) -> None:
    await call(host, "extension.load", name=ECHO, window=0)
    await call(host, "extension.load", name=ECHO, window=1)
    await call(host, "extension.load", name=ECHO, window=1)  # loaded already: nothing changes

    assert host.extensions.holders(ECHO) == {0, 1}
    await call(host, "extension.unload", name=ECHO, window=0)
    assert await call(host, "echo.say", value="still") == "hi still"
    assert echo_events().count("configured") == 1

    not_holding = await error_of(host, "extension.unload", name=ECHO, window=2)
    assert isinstance(not_holding, InvalidStateError)
    assert "not loaded by this window" in not_holding.message

    await call(host, "extension.unload", name=ECHO, window=1)
    assert isinstance(await error_of(host, "echo.say", value="gone"), NotFoundError)


async def test_a_windows_hold_ends_when_the_window_closes(host: Host) -> None:
    """Issue 50: an extension a window loaded outlived the window, and no other window could
    unload it. Its hold now ends with the window; the last hold ending unloads it."""
    manager = host.windows
    manager.open_main_window()  # closing the others then does not end the app
    first, _ = await manager.create(WindowOptions(index=1))
    second, _ = await manager.create(WindowOptions(index=2))
    await call(host, "extension.load", name=ECHO, window=1)
    await call(host, "extension.load", name=ECHO, window=2)

    await manager.close(first)
    with anyio.fail_after(10):
        while host.extensions.holders(ECHO) != {2}:
            await anyio.wait_all_tasks_blocked()
    assert await call(host, "echo.say", value="still") == "hi still"

    await manager.close(second)
    with anyio.fail_after(10):
        while host.extensions.loaded:
            await anyio.wait_all_tasks_blocked()
    assert isinstance(await error_of(host, "echo.say", value="gone"), NotFoundError)
    assert echo_events().count("unconfigured") == 1
    assert manager.get(0).is_open  # the app goes on without them


async def test_a_request_without_a_window_loads_nothing(host: Host) -> None:
    refused = await error_of(host, "extension.load", name=ECHO, window=None)

    assert refused.code == "ERR_NO_WINDOW"
    assert host.extensions.loaded == []


async def test_an_extension_that_cannot_load_leaves_nothing_behind(host: Host) -> None:
    failed = await error_of(host, "extension.load", name=CLASHING)

    assert isinstance(failed, InternalError)
    assert failed.code == "ERR_EXTENSION_LOAD"
    assert "details in the host log" in failed.message
    events = importlib.import_module("oro_clashing_ext.plugin").EVENTS
    assert events[-2:] == ["configured", "unconfigured"]
    assert isinstance(await error_of(host, "clash.first"), NotFoundError)
    assert await call(host, "ping") == "pong"
    assert host.extensions.loaded == []


async def test_feature_policies_without_ipc_map_no_route(host: Host) -> None:
    await call(host, "extension.load", name=ECHO, allow="none")
    assert isinstance(await error_of(host, "echo.say", value="x"), NotFoundError)
    await call(host, "extension.unload", name=ECHO)

    await call(host, "extension.load", name=ECHO, allow="context,ipc")
    assert await call(host, "echo.say", value="x") == "hi x"


async def test_a_call_running_when_it_unloads_finishes_before_it_is_unconfigured(
    host: Host,
) -> None:
    await call(host, "extension.load", name=ECHO)
    answers: list[Any] = []

    async def waiting() -> None:
        answers.append(await call(host, "echo.wait"))

    async with anyio.create_task_group() as task_group:
        task_group.start_soon(waiting)
        await anyio.wait_all_tasks_blocked()
        assert "wait started" in echo_events()
        task_group.start_soon(functools.partial(host.extensions.unload, ECHO, window=0))
        await anyio.wait_all_tasks_blocked()
        assert host.extensions.loaded == []
        # The route is gone for new calls while the running one still has its plugin.
        assert isinstance(await error_of(host, "echo.wait"), NotFoundError)
        assert "unconfigured" not in echo_events()
        host.stash[importlib.import_module("oro_echo_ext.plugin").RELEASE].set()

    assert answers == ["released"]
    assert echo_events()[-1] == "unconfigured"


async def test_a_call_still_running_after_the_grace_is_cancelled_and_typed(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oro_framework.host.extensions.UNLOAD_GRACE_SECONDS", 0.0)
    await call(host, "extension.load", name=ECHO)
    errors: list[Any] = []

    async def waiting() -> None:
        errors.append(await error_of(host, "echo.wait"))

    async with anyio.create_task_group() as task_group:
        task_group.start_soon(waiting)
        await anyio.wait_all_tasks_blocked()
        assert "wait started" in echo_events()
        await host.extensions.unload(ECHO, window=0)

    assert isinstance(errors[0], ServiceUnavailableError)
    assert "unloaded" in errors[0].message
    assert echo_events()[-1] == "unconfigured"


async def test_stats_and_type_of_one_extension(host: Host) -> None:
    assert await call(host, "extension.type", name=ECHO) == {"name": ECHO, "type": "shared"}
    assert await call(host, "extension.type", name="nope") == {"name": "nope", "type": "unknown"}
    assert await call(host, "extension.stats", name=ECHO) == {
        "abi": PLUGIN_API_VERSION,
        "name": ECHO,
        "type": "shared",
        "loaded": False,
    }


async def test_a_loaded_extension_is_unconfigured_when_the_app_stops() -> None:
    echo_events().clear()
    async with make_host(PLUGINS, config=ALLOWED) as host:
        await call(host, "extension.load", name=ECHO)

    # As a plugin loaded at start: told the app stops, its service cancelled, unconfigured.
    assert echo_events()[-4:] == [
        "lifecycle stopping",
        "service cancelled",
        "lifecycle stopped",
        "unconfigured",
    ]


def test_oro_toml_lists_the_extensions_and_configures_them(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text(
        f'[extensions]\nallow = ["{ECHO}"]\n\n[echo]\ngreeting = "salut"\n\n'
        "[permissions]\nallow_echo = false\n",
        encoding="utf-8",
    )
    host = Host(tmp_path, plugins=PLUGINS, autoload=False, environ={}, data_dir=tmp_path / "d")
    try:
        assert host.extensions.available == [ECHO]
        assert host.config["echo.greeting"] == "salut"
        assert host.is_permission_allowed("echo") is False
        assert host.is_permission_allowed("extension") is False
    finally:
        host.close()


def test_an_oro_apps_build_extensions_are_its_extensions(tmp_path: Path) -> None:
    (tmp_path / "socket.ini").write_text(
        "[build.extensions]\n"
        f"{ECHO} = src/extensions/echo.cc\n"
        "\n[build.extensions.mac]\nmac-only = src/mac\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"\[build.extensions.mac\] mac-only is not honoured"):
        host = Host(tmp_path, plugins=PLUGINS, autoload=False, environ={}, data_dir=tmp_path / "d")
    try:
        assert host.config["extensions.allow"] == [ECHO]
        assert host.config.source("extensions.allow") == "socket.ini:2"
        # Building an extension is what lets an Oro app's pages load it.
        assert host.is_permission_allowed("extension") is True
        assert host.extensions.available == [ECHO]
    finally:
        host.close()


def test_an_oro_app_may_still_deny_the_permission(tmp_path: Path) -> None:
    (tmp_path / "socket.ini").write_text(
        f"[build.extensions]\n{ECHO} = src/echo.cc\n\n[permissions]\nallow_extension = false\n",
        encoding="utf-8",
    )
    host = Host(tmp_path, plugins=PLUGINS, autoload=False, environ={}, data_dir=tmp_path / "d")
    try:
        assert host.is_permission_allowed("extension") is False
    finally:
        host.close()


def test_oro_init_from_an_oro_app_writes_its_extensions(tmp_path: Path) -> None:
    ini = tmp_path / "socket.ini"
    ini.write_text(f"[build.extensions]\n{ECHO} = src/echo.cc\n", encoding="utf-8")
    host = Host(tmp_path, plugins=PLUGINS, autoload=False, environ={}, data_dir=tmp_path / "d")
    try:
        text, _mapped = ini_file_as_toml(ini, host.config_keys)
    finally:
        host.close()
    ported = tmp_path / "ported"
    ported.mkdir()
    (ported / "oro.toml").write_text(text, encoding="utf-8")

    written = Host(ported, plugins=PLUGINS, autoload=False, environ={}, data_dir=tmp_path / "d")
    try:
        assert written.config_file == ported / "oro.toml"
        assert written.config["extensions.allow"] == [ECHO]
        assert written.is_permission_allowed("extension") is True
        assert written.extensions.available == [ECHO]
    finally:
        written.close()


async def test_a_core_plugin_is_no_extension(caplog: pytest.LogCaptureFixture) -> None:
    config = {"extensions.allow": ["ping"], "permissions.allow_extension": True}
    async with make_host([oro_framework.core.extension], config=config) as host:
        # Listing it neither starts it (this host was given no ping) nor sets it aside.
        assert host.extensions.available == []
        assert isinstance(await error_of(host, "ping"), NotFoundError)
    assert "a plugin of oro-framework: it starts with the app" in caplog.text
