"""Broken plugins contained: a plugin that raises in a hook, conflicts or fails to import stops the
build with one ``PluginLoadError`` naming entry point, distribution and hook; skipping it drops the
plugin and everything it registered; runtime hooks that raise are logged and the host goes on.

The first part builds hosts in-process with inline plugins; the second installs real
distributions (a package and its ``.dist-info``) in a temporary directory and runs ``oro`` on
them in a subprocess, as a user would."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import textwrap
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from _oro_process import ORO, OroProcess, headless_environ, run_arguments
from anyio.abc import TaskStatus

import oro_framework.core.ping
from oro_framework import (
    ConfigError,
    ConfigRegistry,
    Host,
    JSModuleTable,
    LifecycleEvent,
    MountTable,
    NotAllowedError,
    PageEventTable,
    PermissionRegistry,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    Request,
    RouteTable,
    ServiceRegistry,
    hookimpl,
)
from oro_framework.host import builtin
from oro_framework.host.errors import PluginUnavailableError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

BUILD_HOOKS = (
    "oro_register_permissions",
    "oro_register_config",
    "oro_configure",
    "oro_register_routes",
    "oro_register_mounts",
    "oro_register_js_modules",
    "oro_register_services",
    "oro_register_page_events",
)


async def _echo(request: Request) -> str:
    return request.route


async def _asgi_app(scope: Any, receive: Any, send: Any) -> None:
    """Never called: the tests only look at the scheme table."""


async def _service(*, task_status: TaskStatus[None]) -> None:
    task_status.started()
    await anyio.sleep_forever()


class Registering:
    """Registers one entry of every kind under its own name in every build hook; raises in
    ``failing_hook`` after registering there, so that the entry added by the very hook that
    raised must be dropped too."""

    def __init__(self, name: str, module_file: Path, failing_hook: str | None = None) -> None:
        self.name = name
        self.module_file = module_file
        self.failing_hook = failing_hook
        self.log: list[str] = []

    def _done(self, hook: str) -> None:
        self.log.append(hook)
        if hook == self.failing_hook:
            raise RuntimeError(f"{self.name} cannot {hook}")

    @property
    def ident(self) -> str:
        return self.name.replace("-", "_")

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
        permissions.add(self.ident, "Use the plugin.")
        self._done("oro_register_permissions")

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        config.add(f"{self.ident}.level", int, 1, "A setting.")
        self._done("oro_register_config")

    @hookimpl
    def oro_configure(self) -> None:
        self._done("oro_configure")

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        routes.add(f"{self.ident}.echo", _echo, permission=self.ident)
        self._done("oro_register_routes")

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        mounts.mount(f"/{self.name}", _asgi_app, doc="An app.")
        self._done("oro_register_mounts")

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        modules.add(f"oro:{self.name}", self.module_file, aliases=(f"node:{self.name}",))
        self._done("oro_register_js_modules")

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        services.add(f"{self.name}-service", _service, doc="A service.")
        self._done("oro_register_services")

    @hookimpl
    def oro_register_page_events(self, events: PageEventTable) -> None:
        events.add(f"{self.name}.tick")
        self._done("oro_register_page_events")

    @hookimpl
    def oro_unconfigure(self) -> None:
        self.log.append("oro_unconfigure")


def registered_by(host: Host, plugin: str) -> dict[str, list[str]]:
    """What ``plugin`` owns in each of the host's tables (config values included)."""
    ident = plugin.replace("-", "_")
    tables: dict[str, Any] = {
        "permissions": host.permissions,
        "config keys": host.config_keys,
        "routes": host.routes,
        "mounts": host.mounts,
        "JS modules": host.js_modules,
        "services": host.services,
        "page events": host.events.declared,
    }
    owned = {
        kind: [str(entry) for entry in table if entry.plugin == plugin]
        for kind, table in tables.items()
    }
    owned["config values"] = [
        name
        for name in host.config
        if name.startswith(f"{ident}.") or name == f"permissions.allow_{ident}"
    ]
    return owned


@pytest.fixture
def module_file(tmp_path: Path) -> Path:
    path = tmp_path / "module.js"
    path.write_text("export const answer = 42\n", encoding="utf-8")
    return path


def build(tmp_path: Path, *plugins: object, **options: Any) -> Host:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    return Host(app, autoload=False, plugins=plugins, environ=options.pop("environ", {}), **options)


# -------------------------------------------------------------------------------------------------
# A hook that raises while the host is built
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", BUILD_HOOKS)
def test_a_build_hook_raising_is_plugin_load_error_naming_plugin_and_hook(
    tmp_path: Path, module_file: Path, hook: str
) -> None:
    broken = Registering("crashing", module_file, failing_hook=hook)

    with pytest.raises(PluginLoadError) as raised:
        build(tmp_path, Registering("healthy", module_file), broken)

    assert str(raised.value) == (
        f"plugin entry point 'crashing': hook {hook} raised RuntimeError: crashing cannot {hook}"
    )
    assert raised.value.hook == hook
    assert raised.value.entry_point == "crashing"
    assert isinstance(raised.value.__cause__, RuntimeError)


@pytest.mark.parametrize("hook", BUILD_HOOKS)
def test_a_skipped_plugin_loses_everything_it_registered_before_and_in_the_raising_hook(
    tmp_path: Path, module_file: Path, hook: str
) -> None:
    healthy = Registering("healthy", module_file)
    broken = Registering("crashing", module_file, failing_hook=hook)

    host = build(tmp_path, healthy, broken, skip_broken_plugins=True)
    host.close()

    assert not any(registered_by(host, "crashing").values())
    assert all(registered_by(host, "healthy").values())
    assert "node:crashing" not in host.js_modules
    info = host.plugin_info("crashing")
    assert info.failed_hook == hook
    assert info.error == f"hook {hook} raised RuntimeError: crashing cannot {hook}"
    # No later hook reaches it (host.close() included); it is unconfigured once, right when it
    # is dropped, if its oro_configure had returned.
    called = list(BUILD_HOOKS[: BUILD_HOOKS.index(hook) + 1])
    configured = BUILD_HOOKS.index(hook) > BUILD_HOOKS.index("oro_configure")
    assert broken.log == [*called, *(["oro_unconfigure"] if configured else [])]


@pytest.mark.anyio
async def test_a_host_with_a_skipped_plugin_serves_the_others(
    tmp_path: Path, module_file: Path
) -> None:
    plugins = [
        oro_framework.core.ping,
        Registering("healthy", module_file),
        Registering("crashing", module_file, failing_hook="oro_register_routes"),
    ]
    async with make_host(plugins, config={"plugins.skip_broken": True}) as host:
        client = MemoryClient(host)
        pong = raise_for_error(await client.call("ping"))
        echoed = raise_for_error(await client.call("healthy.echo"))
        gone = await client.call("crashing.echo")
        running = host.running_services

    assert (pong, echoed) == ("pong", "healthy.echo")
    # Its namespace says why rather than "Not found" (issue 73).
    assert isinstance(gone.error, PluginUnavailableError)
    assert gone.error.extra["plugin"] == "crashing"
    assert running == ["healthy-service"]


@pytest.mark.parametrize(
    "switch",
    [
        {"environ": {"ORO_SKIP_BROKEN_PLUGINS": "1"}},
        {"environ": {"ORO_PLUGINS_SKIP_BROKEN": "true"}},
        {"config": {"plugins.skip_broken": "yes"}},
        {"config": {"plugins_skip_broken": True}},
        {"oro.toml": "[plugins]\nskip_broken = true\n"},
    ],
    ids=["env alias", "env key", "override", "flattened override", "oro.toml"],
)
def test_skip_broken_is_also_switched_on_by_config_and_environment(
    tmp_path: Path, module_file: Path, switch: dict[str, Any]
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    switch = dict(switch)
    if "oro.toml" in switch:
        (app / "oro.toml").write_text(switch.pop("oro.toml"), encoding="utf-8")
    broken = Registering("crashing", module_file, failing_hook="oro_register_routes")

    host = build(tmp_path, broken, **switch)
    host.close()

    assert host.skips_broken_plugins
    assert host.config["plugins.skip_broken"] is True
    assert host.plugin_info("crashing").failed_hook == "oro_register_routes"


def test_skip_broken_false_in_oro_toml_leaves_the_build_strict(
    tmp_path: Path, module_file: Path
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text("[plugins]\nskip_broken = false\n", encoding="utf-8")

    with pytest.raises(PluginLoadError, match="hook oro_configure raised"):
        build(tmp_path, Registering("crashing", module_file, failing_hook="oro_configure"))


def test_skipping_is_logged_in_one_line_per_plugin(
    tmp_path: Path, module_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="oro_framework.plugins"):
        host = build(
            tmp_path,
            Registering("crashing", module_file, failing_hook="oro_register_mounts"),
            skip_broken_plugins=True,
        )
    host.close()

    assert caplog.messages == [
        "skipping broken plugin: plugin entry point 'crashing': hook oro_register_mounts "
        "raised RuntimeError: crashing cannot oro_register_mounts; the app goes on without it "
        "and its routes answer PluginUnavailableError (ERR_PLUGIN_NOT_LOADED); [plugins] "
        "require or --strict-plugins stops the app instead"
    ]


def test_a_config_error_raised_by_a_hook_passes_through_and_is_not_skipped(
    tmp_path: Path,
) -> None:
    class Strict:
        name = "strict"

        @hookimpl
        def oro_configure(self) -> None:
            raise ConfigError("key 'strict.port' must be positive", key="strict.port")

    with pytest.raises(ConfigError, match=r"strict\.port"):
        build(tmp_path, Strict(), skip_broken_plugins=True)


def test_the_builtin_plugin_is_never_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @hookimpl
    def oro_register_mounts(mounts: MountTable) -> None:
        raise RuntimeError("a bug in the host")

    monkeypatch.setattr(builtin, "oro_register_mounts", oro_register_mounts, raising=False)

    with pytest.raises(PluginLoadError, match="plugin entry point 'oro' from distribution"):
        build(tmp_path, skip_broken_plugins=True)


# -------------------------------------------------------------------------------------------------
# Bad add() calls, conflicts and undeclared permissions
# -------------------------------------------------------------------------------------------------


class BadCall:
    def __init__(self, hook: str, call: Any) -> None:
        self.name = "bad-call"
        setattr(self, hook, hookimpl(specname=hook)(call))


BAD_CALLS = {
    "permission name": (
        "oro_register_permissions",
        lambda permissions: permissions.add("Camera!", "Bad name."),
        "permission name 'Camera!' must match",
    ),
    "config key name": (
        "oro_register_config",
        lambda config: config.add("level", int, 1, "No section."),
        "config key 'level' must look like 'section.key'",
    ),
    "config key type": (
        "oro_register_config",
        lambda config: config.add("bad.map", dict, {}, "A dict."),
        "type must be one of",
    ),
    "config default": (
        "oro_register_config",
        lambda config: config.add("bad.size", int, "big", "Wrong default."),
        "default of config key 'bad.size'",
    ),
    "reserved scheme": (
        "oro_register_mounts",
        lambda mounts: mounts.mount("/ipc/mine", _asgi_app, doc="Under /ipc."),
        "reserved by the host",
    ),
    "relative scheme": (
        "oro_register_mounts",
        lambda mounts: mounts.mount("mine", _asgi_app, doc="Relative."),
        "must look like '/name'",
    ),
    "JS specifier": (
        "oro_register_js_modules",
        lambda modules: modules.add("mine", Path(__file__)),
        "JS module specifier 'mine' must match",
    ),
    "JS file": (
        "oro_register_js_modules",
        lambda modules: modules.add("oro:mine", Path("/nonexistent/mine.js")),
        "JS module file for 'oro:mine' does not exist",
    ),
    "page event name": (
        "oro_register_page_events",
        lambda events: events.add("two\nlines"),
        "page event name 'two\\nlines' must be 1 to 128 characters",
    ),
}


@pytest.mark.parametrize("case", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_a_bad_add_call_is_registration_error_naming_the_plugin(
    tmp_path: Path, case: tuple[str, Any, str]
) -> None:
    hook, call, reason = case

    with pytest.raises(PluginLoadError) as raised:
        build(tmp_path, BadCall(hook, call))

    cause = raised.value.__cause__
    assert isinstance(cause, RegistrationError)
    assert cause.plugin == "bad-call"
    assert reason in cause.reason
    assert f"hook {hook} raised RegistrationError: plugin 'bad-call': " in str(raised.value)


def test_a_route_without_permission_stops_the_build_in_one_error(tmp_path: Path) -> None:
    class NoPermission:
        name = "no-permission"

        @hookimpl
        def oro_register_routes(self, routes: Any) -> None:
            routes.add("nope.echo", _echo)

    with pytest.raises(PluginLoadError) as raised:
        build(tmp_path, NoPermission())

    message = str(raised.value)
    assert message.startswith("plugin entry point 'no-permission': hook oro_register_routes ")
    assert "permission" in message.removeprefix("plugin entry point 'no-permission'")
    assert "\n" not in message


def test_a_route_under_an_undeclared_permission_is_dropped_with_its_plugin(
    tmp_path: Path, module_file: Path
) -> None:
    class Undeclared:
        name = "undeclared"

        @hookimpl
        def oro_register_routes(self, routes: RouteTable) -> None:
            routes.add("undeclared.ok", _echo, permission="runtime")
            routes.add("undeclared.beam", _echo, permission="teleport")

    host = build(
        tmp_path, Undeclared(), Registering("healthy", module_file), skip_broken_plugins=True
    )
    host.close()

    assert "undeclared.ok" not in host.routes
    assert "healthy.echo" in host.routes
    assert host.plugin_info("undeclared").error == (
        "route 'undeclared.beam' declares permission 'teleport', which no plugin registers"
    )
    assert host.plugin_info("undeclared").failed_hook == "oro_register_routes"


class Claiming(Registering):
    """Registers its own entries, then claims one name ``owner`` already registered."""

    def __init__(self, name: str, module_file: Path, kind: str, owner: str) -> None:
        super().__init__(name, module_file)
        self.kind = kind
        self.owner = owner.replace("-", "_")

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        super().oro_register_config(config)
        if self.kind == "config key":
            config.add(f"{self.owner}.level", int, 2, "Clash.")

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        super().oro_register_routes(routes)
        if self.kind == "route":
            routes.add(f"{self.owner.upper()}.ECHO", _echo, permission=self.ident)


@pytest.mark.parametrize("kind", ["route", "config key"])
def test_two_plugins_claiming_one_name_stop_the_build_naming_both(
    tmp_path: Path, module_file: Path, kind: str
) -> None:
    owner = Registering("first", module_file)
    challenger = Claiming("second", module_file, kind, owner="first")

    with pytest.raises(PluginLoadError) as raised:
        build(tmp_path, owner, challenger)

    assert raised.value.entry_point == "second"
    assert isinstance(raised.value.__cause__, RegistrationConflict)
    assert "from 'second' is already registered by 'first'" in str(raised.value)


@pytest.mark.parametrize("kind", ["route", "config key"])
def test_skipping_a_conflict_drops_the_challenger_and_keeps_the_owner(
    tmp_path: Path, module_file: Path, kind: str
) -> None:
    owner = Registering("first", module_file)
    challenger = Claiming("second", module_file, kind, owner="first")

    host = build(tmp_path, owner, challenger, skip_broken_plugins=True)
    host.close()

    assert host.routes.owner("first.echo") == "first"
    assert all(registered_by(host, "first").values())
    assert not any(registered_by(host, "second").values())
    assert host.plugin_info("second").error is not None
    assert "is already registered by 'first'" in host.plugin_info("second").error
    assert host.plugin_info("first").error is None


def test_dropping_a_plugin_frees_its_names_and_flattened_config_names() -> None:
    registry = ConfigRegistry()
    with registry.registering("first"):
        registry.add("demo.root_dir", str, ".", "A key.")
        registry.add("demo.other", str, ".", "Another.")

    dropped = registry.drop_plugin("first")
    with registry.registering("second"):
        registry.add("demo_root.dir", str, ".", "Flattens like the dropped key.")

    assert [key.name for key in dropped] == ["demo.root_dir", "demo.other"]
    assert registry.owner("demo_root.dir") == "second"
    assert "demo.other" not in registry


def test_dropping_a_js_module_drops_its_aliases_once(module_file: Path) -> None:
    table = JSModuleTable()
    with table.registering("mod"):
        table.add("oro:thing", module_file, aliases=("node:thing",))

    dropped = table.drop_plugin("mod")

    assert [module.specifier for module in dropped] == ["oro:thing"]
    assert table.specifiers() == {}


# -------------------------------------------------------------------------------------------------
# Hooks called while the host runs: logged in one line, the host goes on
# -------------------------------------------------------------------------------------------------


class RaisingAtRuntime:
    name = "raising-at-runtime"

    @hookimpl
    def oro_lifecycle_event(self, event: LifecycleEvent) -> None:
        raise RuntimeError(f"cannot handle {event.value}")

    @hookimpl
    def oro_page_closed(self, window: int) -> None:
        raise RuntimeError("cannot close")

    @hookimpl
    def oro_page_args(self, window: int) -> dict[str, Any]:
        raise RuntimeError("no args")

    @hookimpl
    def oro_diagnostics(self) -> dict[str, Any]:
        raise RuntimeError("no report")

    @hookimpl
    def oro_permission_check(self, request: Request, permission: str) -> bool | None:
        if request.params.get("refuse") == "raise":
            raise RuntimeError("cannot decide")
        return None


@pytest.mark.anyio
async def test_runtime_hooks_that_raise_are_logged_in_one_line_and_the_host_serves(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
        async with make_host([oro_framework.core.ping, RaisingAtRuntime()]) as host:
            host.hooks.page_closed(host, 3)
            args = host.hooks.page_args(host, window=3, origin="http://127.0.0.1")
            reports = host.hooks.diagnostics(host)
            client = MemoryClient(host)
            pong = raise_for_error(await client.call("ping"))
            refused = await client.call("ping", refuse="raise")

    assert pong == "pong"
    assert isinstance(refused.error, NotAllowedError)
    assert reports["raising-at-runtime"] == {"error": "RuntimeError('no report')"}
    assert "raising-at-runtime" not in args
    plugin = "plugin 'raising-at-runtime': hook"
    assert caplog.messages == [
        f"{plugin} oro_lifecycle_event(started) raised RuntimeError: cannot handle started",
        f"{plugin} oro_page_closed(3) raised RuntimeError: cannot close",
        f"{plugin} oro_page_args(3) raised RuntimeError: no args",
        f"{plugin} oro_diagnostics raised RuntimeError: no report",
        f"{plugin} oro_permission_check(runtime) raised RuntimeError: cannot decide",
        f"{plugin} oro_lifecycle_event(stopping) raised RuntimeError: cannot handle stopping",
        f"{plugin} oro_lifecycle_event(stopped) raised RuntimeError: cannot handle stopped",
    ]
    assert all(record.exc_info is None for record in caplog.records)


@pytest.mark.anyio
async def test_runtime_hook_failures_carry_the_traceback_when_info_is_enabled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="oro_framework.hooks"):
        async with make_host([RaisingAtRuntime()]) as host:
            host.hooks.page_closed(host, 1)

    closed = [record for record in caplog.records if "oro_page_closed" in record.getMessage()]
    assert len(closed) == 1
    assert closed[0].exc_info is not None
    assert "cannot close" in caplog.text
    assert 'raise RuntimeError("cannot close")' in caplog.text


# -------------------------------------------------------------------------------------------------
# Real distributions and the `oro` command line
# -------------------------------------------------------------------------------------------------

CRASH = """\
from oro_framework import hookimpl


async def echo(request):
    return "crash"


@hookimpl
def oro_register_permissions(permissions):
    permissions.add("crash", "Crash things.")


@hookimpl
def oro_register_config(config):
    config.add("crash.level", int, 1, "How hard to crash.")


@hookimpl
def oro_register_routes(routes):
    routes.add("crash.ok", echo, permission="crash")
    routes.add("crash.nopermission", echo)
"""

STATPLUS = """\
from oro_framework import hookimpl


async def stat(request):
    return "not the real stat"


@hookimpl
def oro_register_permissions(permissions):
    permissions.add("statplus", "Better stats.")


@hookimpl
def oro_register_routes(routes):
    routes.add("statplus.ok", stat, permission="statplus")
    routes.add("fs.stat", stat, permission="statplus")
"""


def install(site: Path, distribution: str, entry_point: str, source: str | None) -> None:
    """Install ``distribution`` 0.1.0 into ``site`` as pip would: a package (unless ``source`` is
    ``None``: the entry point then names a module that does not exist) and its ``.dist-info``
    with an ``oro`` entry point ``<entry_point> = <package>.plugin``."""
    package = distribution.replace("-", "_")
    if source is not None:
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text("", encoding="utf-8")
        (site / package / "plugin.py").write_text(source, encoding="utf-8")
    info = site / f"{package}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[oro]\n{entry_point} = {package}.plugin\n", encoding="utf-8"
    )


SCENARIOS = {
    "crash": ("oro-crash", CRASH),
    "statplus": ("oro-statplus", STATPLUS),
    "gone": ("oro-gone", None),
}


def environment(site: Path, extra: MutableMapping[str, str] | None = None) -> dict[str, str]:
    return headless_environ({"PYTHONPATH": str(site), **(extra or {})})


@pytest.fixture
def app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Broken plugins"\n', encoding="utf-8")
    (app / "index.html").write_text("<!doctype html><title>app</title>\n", encoding="utf-8")
    return app


def site_with(tmp_path: Path, *names: str) -> Path:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    for name in names:
        distribution, source = SCENARIOS[name]
        install(site, distribution, name, source)
    return site


def oro(site: Path, app: Path, *arguments: str, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), *arguments],
        capture_output=True,
        text=True,
        env=environment(site, environ),
        cwd=app,
        timeout=120,
        check=False,
    )


ONE_LINE_ERRORS = {
    "crash": "Error: PluginLoadError: plugin entry point 'crash = oro_crash.plugin' from "
    "distribution 'oro-crash': hook oro_register_routes raised ",
    "statplus": "Error: PluginLoadError: plugin entry point 'statplus = oro_statplus.plugin' from "
    "distribution 'oro-statplus': hook oro_register_routes raised RegistrationConflict: "
    "route 'fs.stat' from 'statplus' is already registered by 'fs'",
    "gone": "Error: PluginLoadError: plugin entry point 'gone = oro_gone.plugin' from "
    "distribution 'oro-gone': import failed: ModuleNotFoundError: No module named 'oro_gone'",
}


STRICT = "; --strict-plugins (plugins.strict) stops on any broken plugin"


@pytest.mark.parametrize("scenario", ONE_LINE_ERRORS)
@pytest.mark.parametrize("command", [("routes",), ("config", "list")])
def test_a_broken_distribution_under_strict_plugins_is_one_line_on_stderr_and_exit_1(
    tmp_path: Path, app: Path, scenario: str, command: tuple[str, ...]
) -> None:
    completed = oro(site_with(tmp_path, scenario), app, *command, ORO_STRICT_PLUGINS="1")

    assert completed.returncode == 1
    assert completed.stdout == ""
    (line,) = completed.stderr.splitlines()
    assert line.startswith(ONE_LINE_ERRORS[scenario])
    assert line.endswith(STRICT)


@pytest.mark.parametrize("scenario", ONE_LINE_ERRORS)
def test_a_broken_distribution_is_skipped_with_one_warning_by_default(
    tmp_path: Path, app: Path, scenario: str
) -> None:
    completed = oro(site_with(tmp_path, scenario), app, "routes", "--json")

    assert completed.returncode == 0, completed.stderr
    routes = {row["name"]: row["plugin"] for row in json.loads(completed.stdout)}
    assert routes["fs.stat"] == "fs"
    assert scenario not in routes.values()
    (warning,) = completed.stderr.splitlines()
    skipped = ONE_LINE_ERRORS[scenario].removeprefix("Error: PluginLoadError: ")
    assert warning.startswith(f"WARNING oro_framework.plugins: skipping broken plugin: {skipped}")
    assert warning.endswith("[plugins] require or --strict-plugins stops the app instead")


def test_oro_run_strict_plugins_with_a_broken_distribution_is_one_line_and_exit_1(
    tmp_path: Path, app: Path
) -> None:
    completed = oro(site_with(tmp_path, "crash"), app, "run", "--headless", "--strict-plugins")

    assert completed.returncode == 1
    (line,) = completed.stderr.splitlines()
    assert line.startswith(ONE_LINE_ERRORS["crash"])
    assert "permission" in line.removeprefix(ONE_LINE_ERRORS["crash"])
    assert line.endswith(STRICT)


def test_verbose_shows_the_traceback_down_to_the_plugins_line(tmp_path: Path, app: Path) -> None:
    site = site_with(tmp_path, "crash")

    completed = oro(site, app, "-v", "routes", ORO_STRICT_PLUGINS="1")

    assert completed.returncode == 1
    lines = completed.stderr.splitlines()
    assert "Traceback (most recent call last):" in lines
    assert f'File "{site / "oro_crash" / "plugin.py"}", line 21, in oro_register_routes' in (
        completed.stderr
    )
    assert "The above exception was the direct cause of the following exception:" in lines
    assert lines[-1].startswith(ONE_LINE_ERRORS["crash"])


@pytest.mark.parametrize("scenario", ONE_LINE_ERRORS)
def test_skip_broken_plugins_lists_routes_without_the_plugin_and_warns_once(
    tmp_path: Path, app: Path, scenario: str
) -> None:
    completed = oro(site_with(tmp_path, scenario), app, "routes", "--json", "--skip-broken-plugins")

    assert completed.returncode == 0, completed.stderr
    routes = {row["name"]: row["plugin"] for row in json.loads(completed.stdout)}
    assert routes["fs.stat"] == "fs"
    assert scenario not in routes.values()
    (warning,) = completed.stderr.splitlines()
    skipped = ONE_LINE_ERRORS[scenario].removeprefix("Error: PluginLoadError: ")
    assert warning.startswith(f"WARNING oro_framework.plugins: skipping broken plugin: {skipped}")


def test_skip_switch_in_the_environment_drops_the_plugins_config_keys(
    tmp_path: Path, app: Path
) -> None:
    completed = oro(
        site_with(tmp_path, "crash"), app, "config", "list", ORO_SKIP_BROKEN_PLUGINS="1"
    )

    assert completed.returncode == 0, completed.stderr
    assert "crash" not in completed.stdout
    assert "plugins.skip_broken = true  # env ORO_SKIP_BROKEN_PLUGINS" in completed.stdout


def test_plugins_list_shows_what_was_installed_and_why_each_broken_one_is_broken(
    tmp_path: Path, app: Path
) -> None:
    site = site_with(tmp_path, "crash", "statplus", "gone")

    text = oro(site, app, "plugins", "list")
    rows = {
        row["name"]: row for row in json.loads(oro(site, app, "plugins", "list", "--json").stdout)
    }

    # Listed, and the exit code says that some are broken (issue 73).
    assert text.returncode == 1, text.stderr
    assert text.stderr == (
        "error: 3 broken plugins: crash, gone, statplus (oro plugins info NAME says why)\n"
    )
    lines = text.stdout.splitlines()
    crash = lines.index("oro-crash 0.1.0 (crash)")
    assert lines[crash + 1] == "  hooks: register_config, register_permissions, register_routes"
    assert lines[crash + 2].startswith("  error: hook oro_register_routes raised ")
    assert "oro-fs 0.1.0 (fs)" in lines
    gone = lines.index("oro-gone 0.1.0 (gone)")
    assert (
        lines[gone + 1] == "  error: import failed: ModuleNotFoundError: No module named 'oro_gone'"
    )
    assert rows["crash"]["distribution"] == "oro-crash"
    assert rows["crash"]["failed_hook"] == "oro_register_routes"
    assert rows["statplus"]["error"] == (
        "hook oro_register_routes raised RegistrationConflict: "
        "route 'fs.stat' from 'statplus' is already registered by 'fs'"
    )
    assert rows["gone"]["failed_hook"] is None
    assert rows["fs"]["error"] is None


def test_doctor_reports_each_broken_plugin_in_one_line_and_exits_1(
    tmp_path: Path, app: Path
) -> None:
    completed = oro(site_with(tmp_path, "crash", "statplus", "gone"), app, "doctor")

    assert completed.returncode == 1
    broken = [line for line in completed.stdout.splitlines() if line.startswith("fail plugin")]
    assert [line.split(":", 1)[0] for line in broken] == [
        "fail plugin crash",
        "fail plugin gone",
        "fail plugin statplus",
    ]
    assert broken[0].startswith(
        "fail plugin crash: broken (oro-crash 0.1.0): hook oro_register_routes"
    )
    assert "ok   plugin fs: oro-fs 0.1.0" in completed.stdout.splitlines()
    assert completed.stdout.splitlines()[-1].startswith(
        "oro run goes on without a broken installed plugin"
    )


def test_doctor_reports_an_app_that_cannot_be_built_and_exits_1(tmp_path: Path, app: Path) -> None:
    (app / "oro.toml").write_text("[window]\nwidth = 'wide'\n", encoding="utf-8")

    completed = oro(site_with(tmp_path), app, "doctor", "--json")

    assert completed.returncode == 1
    checks = {row["name"]: row for row in json.loads(completed.stdout)}
    assert checks["app"]["ok"] is False
    assert "oro.toml:2" in checks["app"]["detail"]
    assert checks["plugin fs"]["ok"] is True


def test_a_broken_plugin_command_hook_warns_and_the_other_commands_work(
    tmp_path: Path, app: Path
) -> None:
    site = site_with(tmp_path)
    install(
        site,
        "oro-badcli",
        "badcli",
        textwrap.dedent(
            """\
            from oro_framework import hookimpl


            @hookimpl
            def oro_register_commands(cli):
                @cli.command("doctor")
                def doctor():
                    '''Would replace oro doctor.'''
            """
        ),
    )

    # The plugins' commands join when the list is asked for (or a name that is not oro's):
    # then the broken hook is one warning, and oro's own doctor stays oro's.
    listed = oro(site, app, "--help")
    completed = oro(site, app, "doctor", "--json")

    assert listed.returncode == 0
    assert listed.stderr.splitlines() == [
        "warning: skipping the commands of broken plugin: plugin entry point "
        "'badcli = oro_badcli.plugin' from distribution 'oro-badcli': hook oro_register_commands "
        "raised RegistrationConflict: command 'doctor' from 'badcli' is already registered by 'oro'"
    ]
    assert "Report what this machine offers" in listed.stdout
    assert completed.returncode == 1
    checks = {row["name"]: row for row in json.loads(completed.stdout)}
    assert checks["plugin badcli"]["ok"] is False


@pytest.fixture
def served_with_broken_plugins(tmp_path: Path, app: Path) -> Iterator[tuple[httpx.Client, str]]:
    """``oro run --headless --skip-broken-plugins`` with all three broken distributions."""
    site = site_with(tmp_path, "crash", "statplus", "gone")
    arguments = run_arguments(app, "--headless", "--skip-broken-plugins")
    with OroProcess(*arguments, environ=environment(site)) as process:
        url = process.launch_url()
        with httpx.Client(follow_redirects=True, timeout=30) as client:
            assert client.get(url).status_code == 200
            yield client, url.split("/?", 1)[0]
        process.send_signal(signal.SIGTERM)
        assert process.wait() == 0
    warnings = [line for line in process.stderr().splitlines() if "skipping broken" in line]
    assert [warning.split("'")[1] for warning in warnings] == [
        "gone = oro_gone.plugin",
        "crash = oro_crash.plugin",
        "statplus = oro_statplus.plugin",
    ]


def test_the_app_without_its_broken_plugins_still_answers_fs_conduit_and_ai(
    served_with_broken_plugins: tuple[httpx.Client, str],
) -> None:
    client, origin = served_with_broken_plugins

    stat = client.get(f"{origin}/ipc/fs.stat", params={"path": "resources:index.html"})
    conduit = client.get(f"{origin}/ipc/internal.conduit.status")
    models = client.get(f"{origin}/ipc/ai.llm.model.list")
    gone = client.get(f"{origin}/ipc/crash.ok")

    assert stat.status_code == 200, stat.text
    assert stat.json()["data"]["size"] == len("<!doctype html><title>app</title>\n")
    assert conduit.status_code == 200, conduit.text
    assert models.status_code == 200, models.text
    assert gone.status_code == 503
    assert gone.json()["err"]["code"] == "ERR_PLUGIN_NOT_LOADED"
    assert gone.json()["err"]["plugin"] == "crash"
