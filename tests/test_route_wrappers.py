"""Plugins that wrap route calls (``oro_route_call`` wrappers), on real hosts: order, refusing,
rewriting, caching a real plugin's route, streams, thread handlers, broken wrappers, what
``oro routes`` shows, and the router's ``missing`` answer."""

from __future__ import annotations

import json
import logging
import sys
import threading
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import anyio
import oro_fs.plugin
import pytest
from click.testing import CliRunner

import oro_framework
import oro_framework.core.ping
from oro_framework import (
    IPCError,
    NotAllowedError,
    NotFoundError,
    Params,
    PluginLoadError,
    Request,
    Route,
    RouteCall,
    RouteCallWrapper,
    RouteGroup,
    RouteTable,
    ServiceUnavailableError,
    answered,
    hookimpl,
    wrap_result,
)
from oro_framework.cli import cli
from oro_framework.host.dispatch import Router
from oro_framework.host.errors import RouteWrapperError
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio


class Routes:
    """``test.echo`` (its params back), ``test.ticks`` (a stream of 1, 2, 3) and
    ``test.thread`` (a plain ``def``: the name of the thread it ran in)."""

    name = "test-routes"

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def echo(request: Request) -> dict[str, Any]:
            self.calls += 1
            return dict(request.params)

        async def ticks(request: Request) -> AsyncIterator[int]:
            for tick in (1, 2, 3):
                yield tick

        def thread(request: Request) -> str:
            return threading.current_thread().name

        routes.add("test.echo", echo, permission="runtime")
        routes.add("test.ticks", ticks, permission="runtime")
        routes.add("test.thread", thread, permission="runtime")


class Tracer:
    """Records when it enters and leaves each call, under its name."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield

        async def traced() -> Any:
            self.log.append(f"{self.name} in")
            try:
                return await call
            finally:
                self.log.append(f"{self.name} out")

        return traced()


class FirstTracer(Tracer):
    @hookimpl(wrapper=True, tryfirst=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        return (yield from super().oro_route_call(request, route))


async def test_wrappers_nest_in_pluggys_order_last_registered_outermost_tryfirst_first() -> None:
    log: list[str] = []
    plugins = [Routes(), FirstTracer("first", log), Tracer("a", log), Tracer("b", log)]
    async with make_host(plugins) as host:
        assert host.hooks.route_wrappers() == ["first", "b", "a"]
        assert raise_for_error(await MemoryClient(host).call("test.echo", x=1)) == {"x": 1}
    assert log == ["first in", "b in", "a in", "a out", "b out", "first out"]


class Gate:
    """Refuses ``test.echo`` unless the call says ``please``, without running it."""

    name = "gate"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        if route.name == "test.echo" and not request.params.get("please"):
            raise NotAllowedError("say please", permission="runtime")
        return call


async def test_a_wrapper_refuses_a_call_with_a_typed_error_and_the_handler_does_not_run() -> None:
    routes = Routes()
    async with make_host([routes, Gate()]) as host:
        client = MemoryClient(host)
        refused = await client.call("test.echo")
        assert isinstance(refused.error, NotAllowedError)
        assert str(refused.error) == "say please"
        assert routes.calls == 0
        assert raise_for_error(await client.call("test.echo", please=True)) == {"please": True}
        assert routes.calls == 1


class Rewriter:
    """Adds a parameter before ``test.echo`` runs and marks its result afterwards."""

    name = "rewriter"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        if route.name != "test.echo":
            return call
        request.params = Params({**request.params, "added": "by rewriter"})
        return wrap_result(call, lambda data: {**data, "rewritten": True})


async def test_a_wrapper_rewrites_the_params_and_the_result() -> None:
    async with make_host([Routes(), Rewriter()]) as host:
        answer = raise_for_error(await MemoryClient(host).call("test.echo", x=1))
    assert answer == {"x": 1, "added": "by rewriter", "rewritten": True}


GUIDE: Final = Path(oro_framework.__file__).resolve().parents[1] / "docs" / "plugins.md"


def read_cache_plugin() -> types.ModuleType:
    """The read cache of docs/plugins.md, run as the guide shows it: its code block, as a
    module (a plugin module, as ``oro_readcache/plugin.py``)."""
    guide = GUIDE.read_text()
    section = guide[guide.index("## A cache for `fs.readFile`") :]
    start = section.index("```python\n") + len("```python\n")
    block = section[start : section.index("\n```", start)]
    module = types.ModuleType("oro_readcache.plugin")
    exec(compile(block, f"{GUIDE}:readcache", "exec"), module.__dict__)
    return module


async def test_the_guides_read_cache_caches_fs_read_file_of_the_real_fs_plugin() -> None:
    async with make_host([oro_fs.plugin, read_cache_plugin()]) as host:
        client = MemoryClient(host)
        notes = host.paths.data / "notes.txt"
        notes.write_bytes(b"first")
        assert (await client.call("fs.readFile", path="data:notes.txt")).body == b"first"
        notes.write_bytes(b"changed on disk")
        assert (await client.call("fs.readFile", path="data:notes.txt")).body == b"first"
        assert (await client.call("fs.writeFile", b"new", path="data:notes.txt")).ok
        assert (await client.call("fs.readFile", path="data:notes.txt")).body == b"new"
        missing = await client.call("fs.readFile", path="data:missing.txt")
        assert missing.error is not None
        assert missing.error.code == "ENOENT"


async def test_the_guides_read_cache_never_serves_one_windows_picked_file_to_another(
    tmp_path: Path,
) -> None:
    """Issue 50: the wrapper runs before oro-fs's own window checks. Window 0's page picked a
    file outside the sandbox (a dialog's grant); window 1 and a request without a window read
    the same path after window 0's answer was cached: each gets what oro-fs answers it (a
    refusal), never window 0's cached content."""
    picked = tmp_path / "picked.txt"
    picked.write_bytes(b"window 0's secret")
    async with make_host([oro_fs.plugin, read_cache_plugin()]) as host:
        host.file_grants.grant(0, str(picked))
        owner, other, nobody = (
            MemoryClient(host, window=0),
            MemoryClient(host, window=1),
            MemoryClient(host, window=None),
        )
        assert (await owner.call("fs.readFile", path=str(picked))).body == b"window 0's secret"
        picked.write_bytes(b"changed on disk")
        # Window 0's second read comes from the cache: the cache is in use.
        assert (await owner.call("fs.readFile", path=str(picked))).body == b"window 0's secret"

        for client in (other, nobody):
            answer = await client.call("fs.readFile", path=str(picked))
            assert answer.body is None
            assert answer.error is not None
            assert answer.error.status == 403

        # Granted to window 1 as well, window 1 reads the file as it is on disk (its own read,
        # then its own cache entry), not window 0's copy; no window still gets nothing.
        host.file_grants.grant(1, str(picked))
        assert (await other.call("fs.readFile", path=str(picked))).body == b"changed on disk"
        picked.write_bytes(b"changed again")
        assert (await other.call("fs.readFile", path=str(picked))).body == b"changed on disk"
        assert (await nobody.call("fs.readFile", path=str(picked))).error is not None


class WindowWatcher:
    """Notes the window and the route's per-window nature each call shows its wrappers."""

    name = "window-watcher"

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool, int | None]] = []

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def same(request: Request) -> str:
            return "the same for every caller"

        routes.add("test.same", same, permission="runtime", per_window=False)
        routes.add_group(
            RouteGroup(
                permission="runtime",
                doc="",
                handlers={"test.mine": same, "test.shared": same},
                shared=frozenset({"test.shared"}),
            )
        )

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        self.seen.append((route.name, route.per_window, request.window))
        return call


async def test_a_wrapper_sees_the_proven_window_and_whether_the_route_is_per_window() -> None:
    watcher = WindowWatcher()
    async with (
        make_host([watcher]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        credential = {"X-Oro-Window": server.window_credential(1)}
        for route in ("test.same", "test.mine", "test.shared"):
            assert (await client.get(f"/ipc/{route}", headers=credential)).status_code == 200
        # An index the page writes proves nothing: the wrapper sees no window.
        forged = {"X-IPC-Window-Index": "1"}
        assert (await client.get("/ipc/test.mine?index=1", headers=forged)).status_code == 200
    assert watcher.seen == [
        ("test.same", False, 1),
        ("test.mine", True, 1),
        ("test.shared", False, 1),
        ("test.mine", True, None),
    ]


def test_a_route_group_refuses_to_share_a_route_it_does_not_have() -> None:
    with pytest.raises(ValueError, match="shared names routes the group does not have"):
        RouteGroup(permission="runtime", doc="", handlers={}, shared=frozenset({"x.y"}))


class Doubler:
    """Doubles every item of ``test.ticks``, closing the handler's stream when it is done."""

    name = "doubler"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        if route.name != "test.ticks":
            return call
        return wrap_result(call, self._doubled)

    async def _doubled(self, ticks: AsyncIterator[int]) -> AsyncIterator[int]:
        try:
            async for tick in ticks:
                yield tick * 2
        finally:
            await ticks.aclose()  # type: ignore[attr-defined]


async def test_a_wrapper_wraps_a_streaming_route() -> None:
    async with make_host([Routes(), Doubler()]) as host:
        items = [item async for item in MemoryClient(host).stream("test.ticks")]
        assert items == [2, 4, 6]
        assert host.router.open_streams["test.ticks"] == 0


class ThreadWatcher:
    """Notes the thread its generator and its coroutine run in."""

    name = "thread-watcher"

    def __init__(self) -> None:
        self.threads: list[str] = []

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        self.threads.append(threading.current_thread().name)

        async def watched() -> Any:
            self.threads.append(threading.current_thread().name)
            return f"{await call} (wrapped)"

        return watched()


async def test_a_wrapper_runs_on_the_loop_around_a_handler_in_a_worker_thread() -> None:
    watcher = ThreadWatcher()
    async with make_host([Routes(), watcher]) as host:
        answer = raise_for_error(await MemoryClient(host).call("test.thread"))
    loop_thread = threading.current_thread().name
    assert watcher.threads == [loop_thread, loop_thread]
    handler_thread = answer.removesuffix(" (wrapped)")
    assert answer.endswith(" (wrapped)")
    assert handler_thread != loop_thread


class Broken:
    """Raises a plain exception for ``test.echo``: while awaited with ``late``, in its generator
    otherwise."""

    name = "broken-wrapper"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        if route.name != "test.echo":
            return call
        if not request.params.get("late"):
            raise RuntimeError("wrapper bug in the generator")

        async def failing() -> Any:
            await call
            raise RuntimeError("wrapper bug while awaited")

        return failing()


@pytest.mark.parametrize(
    ("late", "raised"),
    [(False, "wrapper bug in the generator"), (True, "wrapper bug while awaited")],
)
async def test_a_broken_wrapper_leaves_the_chain_and_the_host_keeps_serving(
    caplog: pytest.LogCaptureFixture, late: bool, raised: str
) -> None:
    log: list[str] = []
    routes = Routes()
    plugins = [oro_framework.core.ping, routes, Broken(), Tracer("outer", log)]
    async with make_host(plugins) as host:
        client = MemoryClient(host)
        with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
            broken = await client.call("test.echo", late=late)
            again = await client.call("test.echo", late=late)
        assert isinstance(broken.error, RouteWrapperError)
        assert str(broken.error) == (
            "The route wrapper of plugin 'broken-wrapper' failed on this call of 'test.echo' "
            "(it raised RuntimeError) and is disabled for the rest of the run (details in the "
            "host log)"
        )
        assert broken.error.extra["plugin"] == "broken-wrapper"
        assert b"Traceback" not in broken.payload
        assert b"wrapper bug" not in broken.payload
        # Taken out: the next call answers as if the wrapper had never been installed; the
        # other wrapper still runs around it.
        assert raise_for_error(again) == {"late": late}
        assert host.hooks.route_wrappers() == ["outer"]
        assert log[-2:] == ["outer in", "outer out"]
        assert [record.getMessage() for record in caplog.records] == [
            f"plugin 'broken-wrapper': hook oro_route_call(test.echo) raised RuntimeError: "
            f"{raised}; its route wrapper is taken out of the chain for the rest of the run. "
            "Fix: raise an IPCError (NotAllowedError, InvalidArgumentError...) to refuse a call; "
            "any other exception is a bug of the wrapper"
        ]
        assert raise_for_error(await client.call("ping")) == "pong"
        assert raise_for_error(await client.call("test.thread"))
    # The generator's fault comes before the handler; the awaited one's after it ran.
    assert routes.calls == (2 if late else 1)


async def test_a_wrapper_answering_something_not_awaitable_is_taken_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Careless:
        name = "careless"

        @hookimpl(wrapper=True)
        def oro_route_call(self) -> Any:
            yield
            return {"not": "awaitable"}

    async with make_host([oro_framework.core.ping, Careless()]) as host:
        client = MemoryClient(host)
        with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
            reply = await client.call("ping")
            assert raise_for_error(await client.call("ping")) == "pong"
    assert isinstance(reply.error, RouteWrapperError)
    assert "plugin 'careless'" in str(reply.error)
    (record,) = caplog.records
    assert record.getMessage().startswith(
        "plugin 'careless': hook oro_route_call(ping) returned dict, not an awaitable; its "
        "route wrapper is taken out of the chain for the rest of the run. Fix: end the wrapper "
        "with 'return call'"
    )


async def test_a_plain_implementation_makes_its_plugin_broken() -> None:
    class Replacer:
        name = "replacer"

        @hookimpl
        def oro_route_call(self) -> RouteCall:
            return answered("replaced")

    with pytest.raises(PluginLoadError, match="oro_route_call must be a wrapper") as raised:
        async with make_host([oro_framework.core.ping, Replacer()]):
            pass
    assert "'replacer'" in str(raised.value)


# -------------------------------------------------------------------------------------------------
# oro routes
# -------------------------------------------------------------------------------------------------

AUDIT_PLUGIN = """
from oro_framework import Request, Route, RouteCallWrapper, hookimpl


@hookimpl(wrapper=True)
def oro_route_call(request: Request, route: Route) -> RouteCallWrapper:
    return (yield)
"""


def test_oro_routes_lists_the_plugins_that_wrap_route_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "oro_wraptest").mkdir(parents=True)
    (site / "oro_wraptest" / "__init__.py").write_text(AUDIT_PLUGIN, encoding="utf-8")
    info = site / "oro_wraptest-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oro-wraptest\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[oro]\naudit = oro_wraptest\n", encoding="utf-8")
    monkeypatch.syspath_prepend(site)
    monkeypatch.delitem(sys.modules, "oro_wraptest", raising=False)
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Wrapped"\n', encoding="utf-8")
    runner = CliRunner()

    text = runner.invoke(cli, ["routes", "--app", str(app)], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert text.stdout.rstrip().endswith("Every route call is wrapped by, outermost first: audit")
    listed = runner.invoke(cli, ["routes", "--json", "--app", str(app)], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["ping"]["wrapped_by"] == ["audit"]


# -------------------------------------------------------------------------------------------------
# Router(missing=...)
# -------------------------------------------------------------------------------------------------


async def test_the_router_answers_what_missing_says_for_unknown_routes() -> None:
    def missing(name: str) -> IPCError | None:
        if name.startswith("backend."):
            return ServiceUnavailableError("backend.py does not import: SyntaxError", service="x")
        return None

    async with make_host([oro_framework.core.ping]) as host:
        router = Router(
            host.routes, host.hooks, is_permission_allowed=lambda _: True, missing=missing
        )
        broken = await router.dispatch(Request("backend.save", host=host))
        unknown = await router.dispatch(Request("nothing.here", host=host))
        served = await router.dispatch(Request("ping", host=host))
    assert isinstance(broken.error, ServiceUnavailableError)
    assert str(broken.error) == "backend.py does not import: SyntaxError"
    assert isinstance(unknown.error, NotFoundError)
    assert raise_for_error(served) == "pong"


async def test_without_wrappers_the_router_never_calls_the_hook() -> None:
    async with make_host([Routes()]) as host:
        assert host.hooks.route_wrappers() == []
        with anyio.fail_after(5):
            assert raise_for_error(await MemoryClient(host).call("test.echo")) == {}
