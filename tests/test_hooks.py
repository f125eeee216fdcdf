"""One test (at least) per hook of :mod:`oro_framework.hookspecs`, named ``test_<hook>_...``.

Each test builds a host with an inline plugin implementing the hook and checks the hook's
documented effect. ``test_every_hook_has_a_test_here`` keeps this file complete.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import anyio
import click
import pytest
from anyio.abc import TaskStatus
from click.testing import CliRunner

import oro_framework.core.application
import oro_framework.core.ping
from oro_framework import (
    ConfigError,
    ConfigRegistry,
    DoctorCheck,
    Host,
    JSModuleTable,
    LifecycleEvent,
    MountTable,
    NotAllowedError,
    NotFoundError,
    PageEventTable,
    PermissionRegistry,
    PluginLoadError,
    RegistrationConflict,
    Request,
    Route,
    RouteCallWrapper,
    RouteTable,
    SchemeRequest,
    SchemeResponse,
    SchemeTable,
    ServiceRegistry,
    StashKey,
    Window,
    hookimpl,
    hookspecs,
    wrap_result,
)
from oro_framework.cli.commands import add_plugin_commands
from oro_framework.cli.doctor_checks import plugin_checks
from oro_framework.host.plugins import create_plugin_manager
from oro_framework.host.schemes import answer, canonical_url
from oro_framework.testing import (
    HookRecorder,
    MemoryClient,
    live_server,
    make_host,
    raise_for_error,
)

pytestmark = pytest.mark.anyio


def build_host(app_dir: Path, *plugins: object) -> Host:
    """A host that is built but never run, for hooks called while it is built."""
    return Host(app_dir, autoload=False, plugins=plugins, environ={})


# -------------------------------------------------------------------------------------------------
# 1. Declarations read before the configuration is loaded
# -------------------------------------------------------------------------------------------------


async def test_oro_register_permissions_declares_a_permission_config_can_switch_off() -> None:
    class ScannerPlugin:
        name = "scanner-plugin"

        @hookimpl
        def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
            permissions.add("scanner", "Scan pages.", default=False)

    async with make_host([ScannerPlugin()]) as host:
        assert host.permissions.owner("scanner") == "scanner-plugin"
        assert host.config["permissions_allow_scanner"] is False
        assert host.config_keys.owner("permissions.allow_scanner") == "scanner-plugin"
        assert not host.is_permission_allowed("scanner")

    async with make_host([ScannerPlugin()], config={"permissions.allow_scanner": True}) as host:
        assert host.is_permission_allowed("scanner")


def test_oro_register_config_declares_a_key_that_oro_toml_sets(tmp_path: Path) -> None:
    class GreetingPlugin:
        name = "greeting-plugin"

        @hookimpl
        def oro_register_config(self, config: ConfigRegistry) -> None:
            config.add("greeting.text", str, "hello", "What to say.", env=("GREETING",))

    (tmp_path / "oro.toml").write_text('[greeting]\ntext = "bonjour"\n', encoding="utf-8")

    host = build_host(tmp_path, GreetingPlugin())
    host.close()

    assert host.config["greeting_text"] == "bonjour"
    assert host.config.source("greeting.text") == "oro.toml:2"
    assert host.config_keys.owner("greeting.text") == "greeting-plugin"


# -------------------------------------------------------------------------------------------------
# 2. Configuration is loaded
# -------------------------------------------------------------------------------------------------


class VaultPlugin:
    """Declares a secret key and resolves ``vault:<name>`` references from a dict, as a secret
    store's plugin would; records what it was asked."""

    name = "vault-plugin"

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.asked: list[tuple[str, str]] = []
        self.configured_with: str | None = None

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        config.add("vault.token", str, "", "A token.", secret=True)

    @hookimpl
    def oro_resolve_secret(self, scheme: str, name: str) -> str | None:
        self.asked.append((scheme, name))
        if scheme != "vault":
            return None
        if name not in self.secrets:
            raise NotFoundError(f"no secret {name!r} in the vault; add it with `vault put`")
        return self.secrets[name]

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self.configured_with = host.config["vault.token"]


def test_oro_resolve_secret_answers_a_reference_in_oro_toml_before_configure(
    tmp_path: Path,
) -> None:
    (tmp_path / "oro.toml").write_text('[vault]\ntoken = "vault:deploy"\n', encoding="utf-8")
    vault = VaultPlugin({"deploy": "s3cret-token"})
    recorder = HookRecorder()

    # Asked in registration order until one answers: the recorder answers nothing.
    host = build_host(tmp_path, recorder, vault)
    host.close()

    assert vault.asked == [("vault", "deploy")]
    assert vault.configured_with == "s3cret-token"
    assert host.config["vault.token"] == "s3cret-token"
    assert str(host.config.reference("vault.token")) == "vault:deploy"
    assert host.config.source("vault.token") == "oro.toml:2"
    assert "vault_token" not in host.config.flattened(include_secrets=False)
    assert [call["name"] for call in recorder.arguments("oro_resolve_secret")] == ["deploy"]
    assert recorder.names().index("oro_resolve_secret") < recorder.names().index("oro_configure")


def test_oro_resolve_secret_failures_are_config_errors_naming_key_and_line(tmp_path: Path) -> None:
    oro_toml = tmp_path / "oro.toml"
    oro_toml.write_text('[vault]\ntoken = "vault:missing"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^oro\.toml:2: key 'vault\.token' .*`vault put`"):
        build_host(tmp_path, VaultPlugin({}))

    oro_toml.write_text('[vault]\n\ntoken = "keychain:deploy"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^oro\.toml:3: .*no installed plugin resolves 'keychain:'"
    ):
        build_host(tmp_path, VaultPlugin({}))


def test_oro_resolve_secret_is_not_asked_for_values_outside_oro_toml(tmp_path: Path) -> None:
    vault = VaultPlugin({"deploy": "s3cret-token"})
    host = Host(
        tmp_path,
        autoload=False,
        plugins=[vault],
        environ={"ORO_VAULT_TOKEN": "vault:deploy"},
    )
    host.close()

    # The environment holds secrets themselves, whatever they look like.
    assert vault.asked == []
    assert host.config["vault.token"] == "vault:deploy"


def test_oro_resolve_secret_is_skipped_for_hosts_that_only_read_tables(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[vault]\ntoken = "vault:missing"\n', encoding="utf-8")
    vault = VaultPlugin({})

    host = Host(tmp_path, autoload=False, plugins=[vault], environ={}, resolve_secrets=False)
    host.close()

    assert vault.asked == []
    assert str(host.config.reference("vault.token")) == "vault:missing"


class OrderedPlugin:
    """Logs configure/register/unconfigure calls into a shared list and keeps per-host state."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log
        self.state = StashKey[int](name)

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self.log.append(f"configure {self.name}")
        host.stash[self.state] = host.config["ipc.timeout_ms"]

    @hookimpl
    def oro_register_routes(self, routes: RouteTable, host: Host) -> None:
        self.log.append(f"routes {self.name} saw {host.stash[self.state]}")

    @hookimpl
    def oro_unconfigure(self, host: Host) -> None:
        self.log.append(f"unconfigure {self.name}")
        del host.stash[self.state]


async def test_oro_configure_runs_in_registration_order_before_routes_with_per_host_state() -> None:
    log: list[str] = []
    plugins = [OrderedPlugin("first", log), OrderedPlugin("second", log)]

    async with (
        make_host(plugins, config={"ipc.timeout_ms": 1000}) as one,
        make_host(plugins, config={"ipc.timeout_ms": 2000}) as two,
    ):
        assert one.stash[plugins[0].state] == 1000
        assert two.stash[plugins[0].state] == 2000

    assert log[:4] == [
        "configure first",
        "configure second",
        "routes first saw 1000",
        "routes second saw 1000",
    ]


# -------------------------------------------------------------------------------------------------
# 3. What the plugin serves
# -------------------------------------------------------------------------------------------------


async def test_oro_register_routes_registers_a_callable_route() -> None:
    class AddPlugin:
        name = "add-plugin"

        @hookimpl
        def oro_register_routes(self, routes: RouteTable) -> None:
            async def add(request: Request) -> int:
                """Add two integers."""
                return request.params.require_int("a") + request.params.require_int("b")

            routes.add("math.add", add, permission="runtime")

    async with make_host([AddPlugin()]) as host:
        reply = await MemoryClient(host).call("math.add", a=2, b="3")
        route = host.routes.get("math.add")

    assert raise_for_error(reply) == 5
    assert route is not None
    assert (route.plugin, route.permission, route.doc) == (
        "add-plugin",
        "runtime",
        "Add two integers.",
    )


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def test_oro_register_schemes_serves_a_url_scheme_attributed_to_its_plugin() -> None:
    async def describe(request: SchemeRequest) -> SchemeResponse:
        return SchemeResponse(f"{request.method} {request.host} {request.path}".encode())

    class ClipPlugin:
        name = "clip-plugin"

        @hookimpl
        def oro_register_schemes(self, schemes: SchemeTable) -> None:
            schemes.add("clip", describe, doc="Clips.")

    async with make_host([ClipPlugin()]) as host:
        scheme = host.schemes.get("clip")
        response = await answer(host, SchemeRequest(canonical_url("clip://board/./1")))

    assert scheme is not None
    assert (scheme.plugin, scheme.doc) == ("clip-plugin", "Clips.")
    assert response.body == b"GET board /1"


async def test_oro_register_mounts_mounts_an_asgi_app() -> None:
    async def echo_path(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    class MountPlugin:
        name = "mount-plugin"

        @hookimpl
        def oro_register_mounts(self, mounts: MountTable) -> None:
            mounts.mount("/demo/echo", echo_path, doc="Echoes the path.")

    async with make_host([MountPlugin()]) as host:
        mount = host.mounts.resolve("/demo/echo/some/thing")
        assert mount is not None
        assert host.mounts.resolve("/demo/echoes") is None

        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "path": "/demo/echo/some/thing",
            "query_string": b"",
            "headers": [],
        }
        await mount.app(scope, receive, send)

    assert (mount.prefix, mount.plugin) == ("/demo/echo", "mount-plugin")
    assert sent == [
        {"type": "http.response.start", "status": 200, "headers": []},
        {"type": "http.response.body", "body": b"/demo/echo/some/thing"},
    ]


async def test_oro_register_js_modules_registers_a_file_under_its_specifiers(
    tmp_path: Path,
) -> None:
    module_file = tmp_path / "demo.js"
    module_file.write_text("export const answer = 42\n", encoding="utf-8")

    class ModulePlugin:
        name = "module-plugin"

        @hookimpl
        def oro_register_js_modules(self, modules: JSModuleTable) -> None:
            modules.add("oro:demo/promises", module_file, aliases=("node:demo/promises",))

    async with make_host([ModulePlugin()]) as host:
        module = host.js_modules.get("oro:demo/promises")
        specifiers = host.js_modules.specifiers()

    assert module is not None
    assert module.url_path == "/oro/demo/promises.js"
    assert module.path == module_file
    assert module.plugin == "module-plugin"
    assert specifiers["node:demo/promises"] is module
    assert module.preload is False


async def test_oro_register_js_modules_preload_module_is_loaded_by_every_page(
    tmp_path: Path,
) -> None:
    (tmp_path / "index.html").write_text("<html><head></head><body></body></html>")
    (tmp_path / "auto.js").write_text("globalThis.autoLoaded = true\n", encoding="utf-8")

    class PreloadPlugin:
        name = "preload-plugin"

        @hookimpl
        def oro_register_js_modules(self, modules: JSModuleTable) -> None:
            modules.add("oro:auto", tmp_path / "auto.js", aliases=("node:auto",), preload=True)

    async with (
        make_host([PreloadPlugin()], app_dir=tmp_path) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        page = (await client.get("/")).text

    bootstrap = page.index('<script type="module" src="/oro/bootstrap.js">')
    auto = page.index('<script type="module" src="/oro/auto.js">')
    assert bootstrap < auto
    assert page.count('/oro/auto.js"></script>') == 1


async def test_oro_register_services_runs_a_service_while_the_host_runs() -> None:
    running = anyio.Event()
    stopped = anyio.Event()

    async def heartbeat(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        running.set()
        try:
            await anyio.sleep_forever()
        finally:
            stopped.set()

    class ServicePlugin:
        name = "service-plugin"

        @hookimpl
        def oro_register_services(self, services: ServiceRegistry) -> None:
            services.add("heartbeat", heartbeat, doc="Beats.")

    async with make_host([ServicePlugin()]) as host:
        assert running.is_set()
        assert host.services.owner("heartbeat") == "service-plugin"
        assert not stopped.is_set()

    assert stopped.is_set()


async def test_oro_register_page_events_reserves_a_plugins_names_from_window_send(
    tmp_path: Path,
) -> None:
    class Scanner:
        name = "scanner"

        @hookimpl
        def oro_register_page_events(self, events: PageEventTable) -> None:
            events.add("scannerread")
            events.add_prefix("scanner:")

    class Copycat:
        name = "copycat"

        @hookimpl
        def oro_register_page_events(self, events: PageEventTable) -> None:
            events.add("scannerread")

    async with make_host([oro_framework.core.application, Scanner()]) as host:
        client = MemoryClient(host, window=0)
        refused = [
            (await client.call("window.send", event=name, targetWindowIndex=0)).error
            for name in ("scannerread", "scanner:code")
        ]
        sent = await client.call("window.send", event="scanner", targetWindowIndex=0)
        assert host.events.declared.owner("scannerread") == "scanner"

    assert [getattr(error, "code", None) for error in refused] == ["ERR_RESERVED_EVENT"] * 2
    assert sent.error is None
    with pytest.raises(PluginLoadError) as raised:
        build_host(tmp_path, Scanner(), Copycat())
    assert isinstance(raised.value.__cause__, RegistrationConflict)
    assert "page event 'scannerread' from 'copycat' is already registered by 'scanner'" in str(
        raised.value.__cause__
    )


# -------------------------------------------------------------------------------------------------
# 4. While the host runs
# -------------------------------------------------------------------------------------------------


async def test_oro_permission_request_grants_what_a_page_asks_of_the_web_platform() -> None:
    from oro_framework.host.permission_broker import PermissionRequest

    class Kiosk:
        name = "kiosk"

        @hookimpl
        def oro_permission_request(self, host: Host, request: PermissionRequest) -> bool | None:
            return True if request.kinds == ("camera",) else None

    async with make_host([Kiosk()]) as host:
        broker = host.permission_broker
        camera = await broker.decide(broker.request(["camera"], "app", 0))
        location = await broker.decide(broker.request(["geolocation"], "app", 0))

    # The camera without a prompt; the location left to the user, and headless nobody is asked.
    assert (camera, location) == (True, False)


async def test_oro_permission_check_decides_per_request() -> None:
    class ReadOnly:
        name = "read-only"

        def __init__(self) -> None:
            self.checked: list[tuple[str, str, int | None]] = []

        @hookimpl
        def oro_permission_check(self, request: Request, permission: str) -> bool | None:
            self.checked.append((request.route, permission, request.window))
            return False if request.params.get("mode") == "write" else None

        @hookimpl
        def oro_register_routes(self, routes: RouteTable) -> None:
            async def open_file(request: Request) -> str:
                return "opened"

            routes.add("demo.open", open_file, permission="runtime")

    plugin = ReadOnly()
    async with make_host([plugin]) as host:
        client = MemoryClient(host, window=4)
        allowed = await client.call("demo.open", mode="read")
        refused = await client.call("demo.open", mode="write")

    assert allowed.data == "opened"
    assert isinstance(refused.error, NotAllowedError)
    assert plugin.checked == [("demo.open", "runtime", 4), ("demo.open", "runtime", 4)]


async def test_oro_route_call_wraps_a_route_call_after_the_permission_check() -> None:
    class Timer:
        name = "timer"

        def __init__(self) -> None:
            self.seen: list[tuple[str, str]] = []

        @hookimpl(wrapper=True)
        def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
            call = yield
            self.seen.append((route.name, route.plugin))
            return wrap_result(call, lambda data: {"answer": data, "timed": True})

    timer = Timer()
    recorder = HookRecorder()
    async with make_host([oro_framework.core.ping, recorder, timer]) as host:
        client = MemoryClient(host)
        assert raise_for_error(await client.call("ping")) == {"answer": "pong", "timed": True}
        assert isinstance((await client.call("nothing.here")).error, NotFoundError)

    assert timer.seen == [("ping", "ping")]
    names = recorder.names()
    assert names.index("oro_permission_check") < names.index("oro_route_call")
    assert recorder.arguments("oro_route_call")[0]["route"].name == "ping"


async def test_oro_lifecycle_event_is_notified_of_every_transition() -> None:
    recorder = HookRecorder()
    async with make_host([recorder]) as host:
        await host.pause()
        await host.resume()

    assert [call["event"] for call in recorder.arguments("oro_lifecycle_event")] == [
        LifecycleEvent.STARTED,
        LifecycleEvent.PAUSED,
        LifecycleEvent.RESUMED,
        LifecycleEvent.STOPPING,
        LifecycleEvent.STOPPED,
    ]


async def test_oro_page_closed_when_the_last_event_channel_of_a_window_ends() -> None:
    send, receive = anyio.create_memory_object_stream[int](10)

    class PageWatcher:
        name = "page-watcher"

        @hookimpl
        def oro_page_closed(self, host: Host, window: int) -> None:
            send.send_nowait(window)

    async with (
        make_host([PageWatcher()]) as host,
        live_server(host) as server,
        server.client() as client,
        anyio.create_task_group() as task_group,
    ):

        async def channel(window: int, opened: anyio.Event, close: anyio.Event) -> None:
            credential = server.window_credential(window)
            async with client.stream(
                "GET", "/oro/events", params={"oro_window": credential}, timeout=30
            ) as events:
                lines = events.aiter_lines()  # held: a dropped generator closes the stream
                await lines.__anext__()  # ": connected"
                opened.set()
                await close.wait()

        async def open_channel(window: int) -> anyio.Event:
            opened, close = anyio.Event(), anyio.Event()
            task_group.start_soon(channel, window, opened, close)
            await opened.wait()
            return close

        first = await open_channel(1)
        second = await open_channel(1)  # a reloaded page, connected before the old one left
        other = await open_channel(2)
        first.set()
        second.set()
        assert await receive.receive() == 1
        other.set()
        assert await receive.receive() == 2
    # Window 1 was notified once: not when its first channel ended while the second was live.
    assert receive.statistics().current_buffer_used == 0


async def test_oro_window_created_for_the_main_window_and_each_created_window() -> None:
    created: list[tuple[int, str]] = []

    class Decorator:
        name = "decorator"

        @hookimpl
        def oro_window_created(self, host: Host, window: Window) -> None:
            created.append((window.index, window.status.value))

    class Broken:
        name = "broken"

        @hookimpl
        def oro_window_created(self, host: Host, window: Window) -> None:
            raise RuntimeError("cannot decorate")

    async with make_host([oro_framework.core.application, Broken(), Decorator()]) as host:
        await MemoryClient(host).call("window.create", headless=True)
        windows = [window.index for window in host.windows.windows]

    assert created == [(0, "shown"), (1, "hidden")]
    assert windows == [0, 1]  # the broken plugin's error did not stop a window opening


async def test_oro_diagnostics_reports_under_plugin_name() -> None:
    class HandlePlugin:
        name = "handle-plugin"

        @hookimpl
        def oro_diagnostics(self, host: Host) -> dict[str, Any]:
            return {"handles": {"count": 2, "ids": ["1", "2"]}}

    class BrokenReport:
        name = "broken-report"

        @hookimpl
        def oro_diagnostics(self) -> dict[str, Any]:
            raise RuntimeError("cannot count")

    class Silent:
        name = "silent"

        @hookimpl
        def oro_diagnostics(self) -> None:
            return None

    async with make_host([HandlePlugin(), BrokenReport(), Silent()]) as host:
        reports = host.hooks.diagnostics(host)

    assert reports == {
        "handle-plugin": {"handles": {"count": 2, "ids": ["1", "2"]}},
        "broken-report": {"error": "RuntimeError('cannot count')"},
    }


async def test_oro_page_args_adds_entries_to_each_served_pages_args(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html><head></head><body></body></html>")
    seen: list[tuple[int, str]] = []

    class ArgsPlugin:
        name = "args-plugin"

        @hookimpl
        def oro_page_args(self, window: int, origin: str) -> dict[str, Any]:
            seen.append((window, origin))
            return {"argsPlugin": {"window": window, "calls": len(seen)}}

    class BrokenArgs:
        name = "broken-args"

        @hookimpl
        def oro_page_args(self) -> dict[str, Any]:
            raise RuntimeError("no args today")

    async with (
        make_host([ArgsPlugin(), BrokenArgs()], app_dir=tmp_path) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        first = (await client.get("/?index=3")).text
        second = (await client.get("/")).text

    assert '"argsPlugin":{"window":3,"calls":1}' in first
    assert '"argsPlugin":{"window":0,"calls":2}' in second
    assert seen == [(3, server.origin), (0, server.origin)]


async def test_oro_service_worker_modules_are_imported_by_every_workers_shell_by_plugin(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "worker.js").write_text("export default () => null\n")

    class Extending:
        name = "extending"

        @hookimpl
        def oro_register_js_modules(self, modules: JSModuleTable) -> None:
            modules.add("oro:extending/worker", tmp_path / "worker.js")

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            return ["oro:extending/worker"]

    class Borrowing:
        """Names another plugin's module and one nobody has."""

        name = "borrowing"

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            return ["oro:extending/worker", "oro:nothing/here"]

    class Malformed:
        name = "malformed"

        @hookimpl
        def oro_service_worker_modules(self) -> str:
            return "oro:extending/worker"

    class Raising:
        name = "raising"

        @hookimpl
        def oro_service_worker_modules(self) -> list[str]:
            raise RuntimeError("no worker today")

    import oro_sw.plugin

    plugins = [oro_sw.plugin, Extending(), Borrowing(), Malformed(), Raising()]
    with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
        async with (
            make_host(plugins) as host,
            live_server(host) as server,
            server.client(session=False) as client,
        ):
            shell = await client.get(
                "/oro/service-worker/shell.js",
                params={"script": "/sw.js"},
                headers={"sec-fetch-dest": "serviceworker"},
            )

    assert shell.status_code == 200
    imports = [line for line in shell.text.splitlines() if line.startswith("import")]
    assert imports[1:] == [
        'import * as extension0 from "/oro/extending/worker.js"',
        'import * as module from "/sw.js"',
    ]
    assert (
        'extensions: [{ plugin: "extending", specifier: "oro:extending/worker", '
        "module: extension0 }]" in shell.text
    )
    errors = [record.getMessage() for record in caplog.records]
    assert (
        "plugin 'borrowing': oro_service_worker_modules named 'oro:extending/worker', a JS "
        "module of plugin 'extending': left out of the app's service workers (name a JS module "
        "your plugin registers)" in errors
    )
    assert any(
        "'borrowing'" in error and "'oro:nothing/here', no JS module" in error for error in errors
    )
    assert any(
        error.startswith("plugin 'malformed': hook oro_service_worker_modules raised TypeError")
        for error in errors
    )
    assert (
        "plugin 'raising': hook oro_service_worker_modules raised RuntimeError: no worker today"
        in errors
    )


# -------------------------------------------------------------------------------------------------
# 5. Shutdown
# -------------------------------------------------------------------------------------------------


async def test_oro_unconfigure_runs_in_reverse_order_after_services_stopped() -> None:
    log: list[str] = []

    async def service(*, task_status: TaskStatus[None]) -> None:
        task_status.started()
        try:
            await anyio.sleep_forever()
        finally:
            log.append("service stopped")

    class WithService(OrderedPlugin):
        @hookimpl
        def oro_register_services(self, services: ServiceRegistry) -> None:
            services.add("svc", service, doc="A service.")

    async with make_host([WithService("first", log), OrderedPlugin("second", log)]) as host:
        log.clear()

    assert log == ["service stopped", "unconfigure second", "unconfigure first"]
    assert len(host.stash) == 0


def test_oro_unconfigure_failure_is_logged_and_the_others_still_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []

    class Failing:
        name = "failing"

        @hookimpl
        def oro_unconfigure(self) -> None:
            raise RuntimeError("could not release")

    host = build_host(tmp_path, OrderedPlugin("first", log), Failing())
    with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
        host.close()

    assert "unconfigure first" in log
    assert "could not release" in caplog.text
    assert "'failing'" in caplog.text


# -------------------------------------------------------------------------------------------------
# 6. Command line
# -------------------------------------------------------------------------------------------------


class CommandPlugin:
    def __init__(self, name: str, command: str = "hello") -> None:
        self.name = name
        self.command = command

    @hookimpl
    def oro_register_commands(self, cli: click.Group) -> None:
        @cli.command(self.command)
        @click.option("--who", default="world")
        def hello(who: str) -> None:
            """Say hello."""
            click.echo(f"hello {who}")


def test_oro_register_commands_adds_a_cli_command(tmp_path: Path) -> None:
    host = build_host(tmp_path, CommandPlugin("hello-plugin"))
    host.close()
    cli = click.Group("oro")

    add_plugin_commands(cli, host.hooks)
    result = CliRunner().invoke(cli, ["hello", "--who", "plugins"])

    assert result.exit_code == 0, result.output
    assert result.output == "hello plugins\n"


def test_oro_register_commands_conflicting_name_keeps_the_first_and_reports_the_second(
    tmp_path: Path,
) -> None:
    host = build_host(tmp_path, CommandPlugin("first-plugin"), CommandPlugin("second-plugin"))
    host.close()
    cli = click.Group("oro")

    failures = add_plugin_commands(cli, host.hooks)

    assert list(failures) == ["second-plugin"]
    assert failures["second-plugin"].hook == "oro_register_commands"
    assert "command 'hello' from 'second-plugin' is already registered by 'first-plugin'" in (
        str(failures["second-plugin"])
    )
    assert list(cli.commands) == ["hello"]


def test_oro_register_commands_cannot_replace_a_builtin_command(tmp_path: Path) -> None:
    host = build_host(tmp_path, CommandPlugin("hijacker", command="run"))
    host.close()
    cli = click.Group("oro")

    @cli.command("run")
    def run() -> None:
        """The real run."""

    failures = add_plugin_commands(cli, host.hooks)

    assert "already registered by 'oro'" in str(failures["hijacker"])
    assert cli.commands["run"].help == "The real run."


def test_oro_register_commands_raising_adds_none_of_the_plugins_commands(tmp_path: Path) -> None:
    class HalfDone:
        name = "half-done"

        @hookimpl
        def oro_register_commands(self, cli: click.Group) -> None:
            @cli.command("first")
            def first() -> None:
                """Added before the failure."""

            raise RuntimeError("second command misconfigured")

    host = build_host(tmp_path, CommandPlugin("hello-plugin"), HalfDone())
    host.close()
    cli = click.Group("oro")

    failures = add_plugin_commands(cli, host.hooks)

    assert list(cli.commands) == ["hello"]
    assert str(failures["half-done"]) == (
        "plugin entry point 'half-done': hook oro_register_commands raised RuntimeError: "
        "second command misconfigured"
    )


def test_oro_register_commands_accepts_the_bare_decorator(tmp_path: Path) -> None:
    class BarePlugin:
        name = "bare"

        @hookimpl
        def oro_register_commands(self, cli: click.Group) -> None:
            @cli.command
            def shout() -> None:
                click.echo("HEY")

    host = build_host(tmp_path, BarePlugin())
    host.close()
    cli = click.Group("oro")
    add_plugin_commands(cli, host.hooks)

    assert CliRunner().invoke(cli, ["shout"]).output == "HEY\n"


def test_oro_unconfigure_runs_when_the_build_fails_after_configure(tmp_path: Path) -> None:
    log: list[str] = []

    class Clashing:
        name = "clashing"

        @hookimpl
        def oro_register_routes(self, routes: RouteTable) -> None:
            async def handler(request: Request) -> None:
                return None

            routes.add("dup.route", handler, permission="runtime")
            routes.add("dup.route", handler, permission="runtime")

    with pytest.raises(PluginLoadError) as raised:
        build_host(tmp_path, OrderedPlugin("first", log), Clashing())

    assert isinstance(raised.value.__cause__, RegistrationConflict)

    assert log == ["configure first", "routes first saw 32000", "unconfigure first"]


# -------------------------------------------------------------------------------------------------
# This file covers every hook
# -------------------------------------------------------------------------------------------------


def hook_names() -> list[str]:
    return [
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("oro_") and hasattr(function, f"{hookspecs.PROJECT_NAME}_spec")
    ]


# -------------------------------------------------------------------------------------------------
# 7. oro doctor
# -------------------------------------------------------------------------------------------------


def test_oro_doctor_checks_lines_come_in_plugin_order_and_a_raising_plugin_gets_a_failed_line():
    class Reporter:
        name = "reporter"

        @hookimpl
        def oro_doctor_checks(self) -> list[DoctorCheck]:
            return [
                DoctorCheck("gizmo", True, "found at /usr/bin/gizmo"),
                DoctorCheck("gadget", False, "missing", required=True, hint="apt-get install x"),
            ]

    class Silent:
        name = "silent"

        @hookimpl
        def oro_doctor_checks(self) -> None:
            return None

    class Raiser:
        name = "raiser"

        @hookimpl
        def oro_doctor_checks(self) -> list[DoctorCheck]:
            raise RuntimeError("probe crashed")

    loaded = create_plugin_manager(autoload=False, plugins=[Reporter(), Silent(), Raiser()])

    checks = plugin_checks(loaded)

    assert [(check.name, check.status) for check in checks] == [
        ("gizmo", "ok"),
        ("gadget", "fail"),
        ("plugin raiser checks", "fail"),
    ]
    assert checks[1].to_json()["hint"] == "apt-get install x"
    assert checks[2].detail == "oro_doctor_checks raised RuntimeError: probe crashed"


def test_every_hook_has_a_test_here() -> None:
    tests = [name for name in vars(sys.modules[__name__]) if name.startswith("test_")]
    hooks = hook_names()

    missing = [hook for hook in hooks if not any(t.startswith(f"test_{hook}_") for t in tests)]

    assert len(hooks) >= 12
    assert missing == []
