"""The router, driven through the in-memory client exactly as a transport drives it."""

from __future__ import annotations

import errno
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
import pytest

from oro_framework import (
    AbortError,
    ByteStream,
    ErrnoError,
    EventStream,
    InternalError,
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    Request,
    RouteGroup,
    RouteTable,
    RouteTimeoutError,
    ServerSentEvent,
    hookimpl,
)
from oro_framework.host.app import Host
from oro_framework.host.envelope import decode_envelope
from oro_framework.host.router import Handler
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


class RoutesPlugin:
    """Registers ``handlers`` (route name → handler) under one permission."""

    def __init__(
        self,
        handlers: dict[str, Handler],
        *,
        name: str = "test-routes",
        permission: str = "runtime",
        declare: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self.handlers = handlers
        self.permission = permission
        self.declare = declare
        self.timeout = timeout

    @hookimpl
    def oro_register_permissions(self, permissions: Any) -> None:
        if self.declare is not None:
            permissions.add(self.declare, f"Test permission {self.declare}.")

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        for route, handler in self.handlers.items():
            routes.add(route, handler, permission=self.permission, timeout=self.timeout)


class PermissionDecider:
    name = "decider"

    def __init__(self, decision: bool | None) -> None:
        self.decision = decision
        self.permissions: list[str] = []

    @hookimpl
    def oro_permission_check(self, request: Request, permission: str) -> bool | None:
        self.permissions.append(permission)
        return self.decision


async def echo(request: Request) -> Any:
    """Answer the parameters."""
    return dict(request.params)


async def wait_forever(request: Request) -> None:
    await anyio.Event().wait()


# -------------------------------------------------------------------------------------------------
# Replies
# -------------------------------------------------------------------------------------------------


async def test_route_answers_its_data() -> None:
    async with make_host([RoutesPlugin({"test.echo": echo})]) as host:
        reply = await MemoryClient(host).call("test.echo", path="a.txt", size=3)

    assert reply.ok
    assert reply.data == {"path": "a.txt", "size": 3}
    assert reply.status == 200


async def test_reply_payload_is_the_encoded_envelope() -> None:
    async with make_host([RoutesPlugin({"test.echo": echo})]) as host:
        reply = await MemoryClient(host).call("test.echo", x=1)

    assert decode_envelope(reply.payload) == {"source": "test.echo", "id": "R1", "data": {"x": 1}}


async def test_bytes_result_is_answered_as_body() -> None:
    async def read(request: Request) -> bytes:
        return b"\x00\x01binary"

    async with make_host([RoutesPlugin({"test.read": read})]) as host:
        reply = await MemoryClient(host).call("test.read")

    assert reply.kind == "bytes"
    assert reply.body == b"\x00\x01binary"


async def test_unknown_route_is_not_found_error() -> None:
    async with make_host() as host:
        reply = await MemoryClient(host).call("nope.missing")

    assert isinstance(reply.error, NotFoundError)
    assert reply.status == 404
    assert reply.error.message == "Not found"
    assert decode_envelope(reply.payload)["err"]["type"] == "NotFoundError"


async def test_unknown_route_names_itself_in_the_url_as_oro_does() -> None:
    # Oro's page checks err.url.startsWith('ipc://test/?foo=bar&index=0&seq=R').
    async with make_host() as host:
        reply = await MemoryClient(host).call("test", foo="bar", n=2, index=0)

    assert isinstance(reply.error, NotFoundError)
    assert decode_envelope(reply.payload)["err"]["url"] == "ipc://test/?foo=bar&n=2&index=0&seq=R1"


async def test_route_lookup_is_case_insensitive() -> None:
    async with make_host([RoutesPlugin({"test.echo": echo})]) as host:
        reply = await MemoryClient(host).call("TEST.Echo", a=1)

    assert raise_for_error(reply) == {"a": 1}
    assert reply.source == "test.echo"


async def test_missing_parameter_is_type_error_missing_args() -> None:
    async def stat(request: Request) -> str:
        return request.params.require_str("path")

    async with make_host([RoutesPlugin({"test.stat": stat})]) as host:
        reply = await MemoryClient(host).call("test.stat")

    assert isinstance(reply.error, InvalidArgumentError)
    assert reply.error.to_dict()["type"] == "TypeError"
    assert reply.error.code == "ERR_MISSING_ARGS"
    assert reply.error.message == "Expecting 'path' in parameters"
    assert reply.status == 400


async def test_os_error_is_errno_error_with_its_node_code(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"

    async def read(request: Request) -> str:
        return missing.read_text()

    async with make_host([RoutesPlugin({"test.read": read})]) as host:
        reply = await MemoryClient(host).call("test.read")

    assert isinstance(reply.error, ErrnoError)
    assert reply.error.code == "ENOENT"
    assert reply.error.errno == -errno.ENOENT
    assert reply.error.to_dict()["path"] == str(missing)
    assert reply.status == 404


async def test_unexpected_exception_is_internal_error_without_its_text() -> None:
    async def explode(request: Request) -> None:
        raise ValueError("secret detail /home/user/.ssh")

    async with make_host([RoutesPlugin({"test.explode": explode})]) as host:
        reply = await MemoryClient(host).call("test.explode")

    assert isinstance(reply.error, InternalError)
    assert reply.status == 500
    assert "secret" not in reply.error.message
    assert b"secret" not in reply.payload


async def test_unexpected_exception_traceback_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def explode(request: Request) -> None:
        raise ValueError("secret detail")

    async with make_host([RoutesPlugin({"test.explode": explode})]) as host:
        with caplog.at_level(logging.ERROR, logger="oro_framework.router"):
            await MemoryClient(host).call("test.explode")

    (record,) = [record for record in caplog.records if record.name == "oro_framework.router"]
    assert "test.explode" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    assert "secret detail" in caplog.text


@pytest.mark.parametrize("exit_with", [SystemExit(0), KeyboardInterrupt()], ids=repr)
@pytest.mark.parametrize("in_thread", [False, True], ids=["async", "thread"])
async def test_a_plugin_route_that_exits_ends_its_call_not_the_host(
    exit_with: BaseException, in_thread: bool
) -> None:
    def leave_now(request: Request) -> None:
        raise exit_with

    async def leave(request: Request) -> None:
        leave_now(request)

    handler: Any = leave_now if in_thread else leave
    plugin = RoutesPlugin({"test.leave": handler, "test.echo": echo})
    async with make_host([plugin]) as host:
        client = MemoryClient(host)
        failed = await client.call("test.leave")
        reply = await client.call("test.echo", n=3)

    assert isinstance(failed.error, InternalError)
    assert raise_for_error(reply) == {"n": 3}


async def test_non_json_result_is_internal_error() -> None:
    async def weird(request: Request) -> object:
        return object()

    async with make_host([RoutesPlugin({"test.weird": weird})]) as host:
        reply = await MemoryClient(host).call("test.weird")

    assert isinstance(reply.error, InternalError)


async def test_failing_request_does_not_affect_the_next() -> None:
    async def explode(request: Request) -> None:
        raise RuntimeError("boom")

    plugin = RoutesPlugin({"test.explode": explode, "test.echo": echo})
    async with make_host([plugin]) as host:
        client = MemoryClient(host)
        failed = await client.call("test.explode")
        reply = await client.call("test.echo", n=2)

    assert isinstance(failed.error, InternalError)
    assert raise_for_error(reply) == {"n": 2}


async def test_calls_are_counted_and_none_stay_active() -> None:
    async with make_host([RoutesPlugin({"test.echo": echo})]) as host:
        client = MemoryClient(host)
        await client.call("test.echo")
        await client.call("test.echo")

        assert host.router.calls["test.echo"] == 2
        assert host.router.active["test.echo"] == 0


# -------------------------------------------------------------------------------------------------
# Permissions
# -------------------------------------------------------------------------------------------------


async def test_disabled_permission_is_not_allowed_and_handler_never_runs() -> None:
    ran: list[Request] = []

    async def snap(request: Request) -> None:
        ran.append(request)

    plugin = RoutesPlugin({"test.snap": snap}, permission="scanner", declare="scanner")
    async with make_host([plugin], config={"permissions.allow_scanner": False}) as host:
        reply = await MemoryClient(host).call("test.snap")

    assert isinstance(reply.error, NotAllowedError)
    assert reply.error.code == "NOT_ALLOWED_ERR"
    assert reply.status == 403
    assert ran == []


async def test_permission_check_returning_false_is_not_allowed() -> None:
    ran: list[Request] = []

    async def snap(request: Request) -> None:
        ran.append(request)

    decider = PermissionDecider(False)
    async with make_host([RoutesPlugin({"test.snap": snap}), decider]) as host:
        reply = await MemoryClient(host).call("test.snap")

    assert isinstance(reply.error, NotAllowedError)
    assert decider.permissions == ["runtime"]
    assert ran == []


@pytest.mark.parametrize("decision", [True, None])
async def test_permission_check_returning_true_or_none_allows(decision: bool | None) -> None:
    decider = PermissionDecider(decision)
    async with make_host([RoutesPlugin({"test.echo": echo}), decider]) as host:
        reply = await MemoryClient(host).call("test.echo", a=1)

    assert raise_for_error(reply) == {"a": 1}
    assert decider.permissions == ["runtime"]


# -------------------------------------------------------------------------------------------------
# Timeouts and cancellation
# -------------------------------------------------------------------------------------------------


async def test_route_timeout_is_timeout_error() -> None:
    plugin = RoutesPlugin({"test.wait": wait_forever}, timeout=0.05)
    async with make_host([plugin]) as host:
        reply = await MemoryClient(host).call("test.wait")

    assert isinstance(reply.error, RouteTimeoutError)
    assert reply.error.to_dict()["type"] == "TimeoutError"
    assert reply.error.code == "TIMEOUT_ERR"
    assert reply.status == 408


async def test_ipc_timeout_ms_sets_the_default_timeout() -> None:
    plugin = RoutesPlugin({"test.wait": wait_forever})
    async with make_host([plugin], config={"ipc.timeout_ms": 50}) as host:
        reply = await MemoryClient(host).call("test.wait")

    assert host.router.default_timeout == 0.05
    assert isinstance(reply.error, RouteTimeoutError)
    assert reply.error.extra["timeout"] == 0.05


async def test_cancelled_request_is_abort_error() -> None:
    requests: list[Request] = []
    entered = anyio.Event()

    async def wait(request: Request) -> None:
        requests.append(request)
        entered.set()
        await anyio.Event().wait()

    replies = []
    async with make_host([RoutesPlugin({"test.wait": wait})]) as host:

        async def call() -> None:
            replies.append(await MemoryClient(host).call("test.wait"))

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(call)
            await entered.wait()
            requests[0].cancel()

    (reply,) = replies
    assert isinstance(reply.error, AbortError)
    assert reply.error.code == "ABORT_ERR"


async def test_a_request_cancelled_before_dispatch_is_abort_error_at_once() -> None:
    # The transport may cancel (its client left) before the router ran: the route's
    # deadline is then added to the already cancelled scope, and the handler never waits.
    async with make_host([RoutesPlugin({"test.wait": wait_forever})]) as host:
        request = Request("test.wait", host=host)
        request.cancel()
        with anyio.fail_after(5):
            reply = await host.router.dispatch(request)
    assert isinstance(reply.error, AbortError)


async def test_a_scope_touched_before_dispatch_still_gets_the_route_timeout() -> None:
    async with make_host([RoutesPlugin({"test.wait": wait_forever}, timeout=0.05)]) as host:
        request = Request("test.wait", host=host)
        request.cancel_scope.shield = False  # a transport looked at it first
        with anyio.fail_after(5):
            reply = await host.router.dispatch(request)
    assert isinstance(reply.error, RouteTimeoutError)


# -------------------------------------------------------------------------------------------------
# Plain def handlers: run in worker threads
# -------------------------------------------------------------------------------------------------


class Blocker:
    """A plain ``def`` handler that blocks its thread until ``release`` is set."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()
        self.threads: list[int] = []

    def __call__(self, request: Request) -> str:
        self.threads.append(threading.get_ident())
        self.entered.set()
        try:
            # Bounded so that a failing test cannot leave a thread behind for ever.
            self.release.wait(10)
            return "released"
        finally:
            self.finished.set()


async def test_plain_def_handler_runs_in_a_worker_thread() -> None:
    threads: list[int] = []

    def handler(request: Request) -> dict[str, Any]:
        threads.append(threading.get_ident())
        return {"n": request.params.get_int("n", 0)}

    async with make_host([RoutesPlugin({"test.sync": handler})]) as host:
        reply = await MemoryClient(host).call("test.sync", n=3)

    assert raise_for_error(reply) == {"n": 3}
    assert threads != [threading.get_ident()]
    assert len(threads) == 1


async def test_a_blocked_plain_handler_does_not_hold_other_requests() -> None:
    blocker = Blocker()
    replies: list[Any] = []
    async with make_host([RoutesPlugin({"test.block": blocker, "test.echo": echo})]) as host:
        client = MemoryClient(host)

        async def call_blocker() -> None:
            replies.append(raise_for_error(await client.call("test.block")))

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(call_blocker)
            await anyio.to_thread.run_sync(blocker.entered.wait)

            assert raise_for_error(await client.call("test.echo", x=1)) == {"x": 1}
            assert replies == []
            blocker.release.set()

    assert replies == ["released"]


async def test_a_plain_handler_past_its_timeout_is_answered_and_its_thread_abandoned() -> None:
    blocker = Blocker()
    async with make_host([RoutesPlugin({"test.block": blocker}, timeout=0.05)]) as host:
        reply = await MemoryClient(host).call("test.block")

        assert isinstance(reply.error, RouteTimeoutError)
        assert reply.error.extra["timeout"] == 0.05
        # The thread cannot be interrupted: it is still blocked after the caller was answered.
        assert not blocker.finished.is_set()
        blocker.release.set()
        await anyio.to_thread.run_sync(blocker.finished.wait)
        assert host.router.active["test.block"] == 0


async def test_plain_handler_errors_are_answered_like_async_ones(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"

    def read(request: Request) -> str:
        return missing.read_text()

    def explode(request: Request) -> None:
        raise ValueError("secret detail")

    async with make_host([RoutesPlugin({"test.read": read, "test.explode": explode})]) as host:
        client = MemoryClient(host)
        not_found = await client.call("test.read")
        exploded = await client.call("test.explode")

    assert isinstance(not_found.error, ErrnoError)
    assert not_found.error.code == "ENOENT"
    assert isinstance(exploded.error, InternalError)
    assert "secret" not in exploded.error.message


async def test_a_plain_handler_returning_a_coroutine_is_internal_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with make_host([RoutesPlugin({"test.lambda": lambda request: echo(request)})]) as host:
        reply = await MemoryClient(host).call("test.lambda")

    assert isinstance(reply.error, InternalError)
    assert "appears to be asynchronous" in caplog.text


async def test_a_plain_handler_reaches_the_host_through_from_thread() -> None:
    def announce(request: Request) -> str:
        anyio.from_thread.run_sync(request.host.emit, "test.announced", {"from": "thread"})
        return "announced"

    async with (
        make_host([RoutesPlugin({"test.announce": announce})]) as host,
        host.events.subscribe(window=0) as events,
    ):
        assert (await MemoryClient(host).call("test.announce")).data == "announced"
        event = await events.receive()

    assert (event.name, event.data) == ("test.announced", {"from": "thread"})


async def test_a_plain_handler_that_sleeps_is_not_reported_by_the_watchdog(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def slow(request: Request) -> str:
        time.sleep(0.5)
        return "rested"

    caplog.set_level(logging.WARNING, logger="oro_framework.watchdog")
    async with make_host([RoutesPlugin({"test.slow": slow})]) as host:
        assert host.watchdog.is_active
        assert (await MemoryClient(host).call("test.slow")).data == "rested"
        await anyio.lowlevel.checkpoint()  # a report would be made at this step's end

        assert host.watchdog.stalls == {}
    assert not [record for record in caplog.records if record.name == "oro_framework.watchdog"]


async def test_sync_handler_threads_bound_the_plain_handlers_running_at_once() -> None:
    first, second = Blocker(), Blocker()
    plugin = RoutesPlugin({"test.first": first, "test.second": second})
    async with make_host([plugin], config={"ipc.sync_handler_threads": 1}) as host:
        client = MemoryClient(host)
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(client.call, "test.first")
            await anyio.to_thread.run_sync(first.entered.wait)
            task_group.start_soon(client.call, "test.second")
            await anyio.wait_all_tasks_blocked()

            assert host.router.thread_usage() == {"limit": 1, "busy": 1, "waiting": 1}
            assert not second.entered.is_set()
            first.release.set()
            second.release.set()

        assert host.router.thread_usage() == {"limit": 1, "busy": 0, "waiting": 0}


# -------------------------------------------------------------------------------------------------
# Streams
# -------------------------------------------------------------------------------------------------


class Ticker:
    """A handler answering ``count`` numbers as a stream, recording whether it was closed."""

    def __init__(self, count: int, *, fail_after: int | None = None) -> None:
        self.count = count
        self.fail_after = fail_after
        self.finished = False

    async def __call__(self, request: Request) -> AsyncIterator[int]:
        return self.ticks()

    async def ticks(self) -> AsyncIterator[int]:
        try:
            for number in range(self.count):
                if number == self.fail_after:
                    raise ValueError("secret mid-stream detail")
                yield number
        finally:
            self.finished = True


async def test_async_iterator_result_is_streamed_as_events() -> None:
    ticker = Ticker(3)
    async with make_host([RoutesPlugin({"test.ticks": ticker.__call__})]) as host:
        reply = await MemoryClient(host).call("test.ticks")
        assert reply.kind == "events"
        assert isinstance(reply.stream, EventStream)
        async with aclosing(reply.stream.events) as events:  # type: ignore[type-var]
            items = [item async for item in events]

    assert items == [0, 1, 2]
    assert ticker.finished


async def test_memory_client_stream_iterates_the_items() -> None:
    ticker = Ticker(3)
    async with make_host([RoutesPlugin({"test.ticks": ticker.__call__})]) as host:
        items = [item async for item in MemoryClient(host).stream("test.ticks")]

    assert items == [0, 1, 2]


async def test_event_stream_result_yields_its_events() -> None:
    async def events() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent({"n": 1}, event="tick", id="1")

    async def handler(request: Request) -> EventStream:
        return EventStream(events())

    async with make_host([RoutesPlugin({"test.events": handler})]) as host:
        items = [item async for item in MemoryClient(host).stream("test.events")]

    assert items == [ServerSentEvent({"n": 1}, event="tick", id="1")]


async def test_byte_stream_result_is_streamed_as_chunks() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"ab"
        yield b"cd"

    async def handler(request: Request) -> ByteStream:
        return ByteStream(chunks(), media_type="text/plain")

    async with make_host([RoutesPlugin({"test.bytes": handler})]) as host:
        reply = await MemoryClient(host).call("test.bytes")
        assert reply.kind == "chunks"
        assert isinstance(reply.stream, ByteStream)
        async with aclosing(reply.stream.chunks) as chunks_received:  # type: ignore[type-var]
            items = [item async for item in chunks_received]

    assert reply.stream.media_type == "text/plain"
    assert items == [b"ab", b"cd"]


async def drain(items: AsyncIterator[Any], *, into: list[Any]) -> None:
    async for item in items:
        into.append(item)


async def test_exception_mid_stream_is_internal_error() -> None:
    ticker = Ticker(3, fail_after=1)
    received: list[int] = []
    async with make_host([RoutesPlugin({"test.ticks": ticker.__call__})]) as host:
        with pytest.raises(InternalError) as raised:
            await drain(MemoryClient(host).stream("test.ticks"), into=received)

    assert received == [0]
    assert "secret" not in raised.value.message
    assert ticker.finished


async def test_closing_a_stream_early_runs_the_handler_generator_finally() -> None:
    ticker = Ticker(1000)
    async with make_host([RoutesPlugin({"test.ticks": ticker.__call__})]) as host:
        async with aclosing(MemoryClient(host).stream("test.ticks")) as items:
            async for item in items:
                assert item == 0
                assert not ticker.finished
                break

        assert ticker.finished


async def test_open_streams_go_back_to_zero() -> None:
    ticker = Ticker(1000)
    async with make_host([RoutesPlugin({"test.ticks": ticker.__call__})]) as host:
        async with aclosing(MemoryClient(host).stream("test.ticks")) as items:
            async for _ in items:
                assert host.router.open_streams["test.ticks"] == 1
                break

        assert host.router.open_streams["test.ticks"] == 0


async def test_stream_route_answering_an_error_raises_it_from_the_client() -> None:
    async with make_host() as host:
        with pytest.raises(NotFoundError):
            await drain(MemoryClient(host).stream("test.none"), into=[])


# -------------------------------------------------------------------------------------------------
# The route table
# -------------------------------------------------------------------------------------------------


def refusal(add: Callable[[RouteTable], Any]) -> RegistrationError:
    """What ``add(table)`` raises while plugin ``p`` registers."""
    table = RouteTable()
    with table.registering("p"), pytest.raises(RegistrationError) as raised:
        add(table)
    assert raised.value.plugin == "p"
    assert str(raised.value) == f"plugin 'p': {raised.value.reason}"
    return raised.value


@pytest.mark.parametrize(
    "name", ["", ".ping", "ping.", "fs..stat", "1fs.stat", "fs stat", "fs/stat", None]
)
def test_route_table_refuses_bad_names(name: Any) -> None:
    error = refusal(lambda table: table.add(name, echo, permission="runtime"))

    assert error.reason == f"route name {name!r} must look like 'namespace.action'"


@pytest.mark.parametrize("permission", [None, ""])
def test_route_table_refuses_a_route_without_permission(permission: str | None) -> None:
    error = refusal(lambda table: table.add("test.echo", echo, permission=permission))

    assert error.reason == (
        f"route 'test.echo' needs permission=<name of a declared permission>, got {permission!r}"
    )


def test_route_table_refuses_a_route_added_without_the_permission_keyword() -> None:
    refusal(lambda table: table.add("test.echo", echo))


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan"), float("inf"), True, "5"])
def test_route_table_refuses_a_timeout_that_is_not_a_positive_number(timeout: Any) -> None:
    error = refusal(
        lambda table: table.add("test.echo", echo, permission="runtime", timeout=timeout)
    )

    assert error.reason == (
        f"timeout of route 'test.echo' must be a positive number of seconds, got {timeout!r}"
    )


def test_route_table_refuses_a_handler_that_is_not_callable() -> None:
    error = refusal(lambda table: table.add("test.x", "echo", permission="runtime"))

    assert error.reason == (
        "handler of route 'test.x' must be a function taking the Request, got 'echo'"
    )


def test_route_table_refuses_a_plain_generator_function() -> None:
    def numbers(request: Request) -> Iterator[int]:
        yield 1

    error = refusal(lambda table: table.add("test.numbers", numbers, permission="runtime"))

    assert "is a generator function" in error.reason


def test_route_table_accepts_async_and_plain_handlers_and_says_which_run_in_threads() -> None:
    def blocking(request: Request) -> str:
        return "done"

    class Bound:
        async def __call__(self, request: Request) -> str:
            return "bound"

    table = RouteTable()
    routes = [
        table.add("test.echo", echo, permission="runtime"),
        table.add("test.partial", functools.partial(echo), permission="runtime"),
        table.add("test.callable", Bound(), permission="runtime"),
        table.add("test.blocking", blocking, permission="runtime"),
    ]

    assert [route.runs_in_thread for route in routes] == [False, False, False, True]


def test_route_doc_is_the_first_docstring_line() -> None:
    route = RouteTable().add("test.echo", echo, permission="runtime")

    assert route.doc == "Answer the parameters."
    assert route.namespace == "test"


def test_route_group_adds_every_route_with_its_permission_and_timeouts() -> None:
    table = RouteTable()
    group = RouteGroup(
        permission="runtime",
        doc="Test routes.",
        handlers={"test.echo": echo, "test.slow": echo},
        timeouts={"test.slow": 90.0},
    )

    added = table.add_group(group)

    assert [(route.name, route.permission, route.timeout) for route in added] == [
        ("test.echo", "runtime", None),
        ("test.slow", "runtime", 90.0),
    ]


def test_route_group_timeout_for_a_route_it_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match=r"test\.missing"):
        RouteGroup(permission="runtime", doc="x", handlers={}, timeouts={"test.missing": 1.0})


def test_same_route_from_two_plugins_is_a_conflict_naming_both(tmp_path: Path) -> None:
    first = RoutesPlugin({"test.echo": echo}, name="first-plugin")
    second = RoutesPlugin({"Test.Echo": echo}, name="second-plugin")

    with pytest.raises(PluginLoadError) as raised:
        Host(tmp_path, autoload=False, plugins=[first, second], environ={})

    assert raised.value.hook == "oro_register_routes"
    assert isinstance(raised.value.__cause__, RegistrationConflict)
    assert str(raised.value.__cause__) == (
        "route 'Test.Echo' from 'second-plugin' is already registered by 'first-plugin'"
    )


def test_route_declaring_an_unregistered_permission_fails_host_build(tmp_path: Path) -> None:
    plugin = RoutesPlugin({"test.echo": echo}, permission="teleport", name="beam-plugin")

    with pytest.raises(PluginLoadError, match="permission 'teleport'") as raised:
        Host(tmp_path, autoload=False, plugins=[plugin], environ={})

    assert raised.value.entry_point == "beam-plugin"


class BrokenDecider:
    name = "broken-decider"

    @hookimpl
    def oro_permission_check(self, request: Request, permission: str) -> bool | None:
        raise RuntimeError("decider bug")


async def test_permission_check_raising_unexpectedly_refuses_and_logs_the_plugin(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with make_host([RoutesPlugin({"test.echo": echo}), BrokenDecider()]) as host:
        client = MemoryClient(host)
        with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
            failed = await client.call("test.echo")
        assert isinstance(failed.error, NotAllowedError)
        assert "decider bug" not in failed.error.message
    assert caplog.messages == [
        "plugin 'broken-decider': hook oro_permission_check(runtime) raised RuntimeError: "
        "decider bug"
    ]


async def test_async_generator_handler_is_streamed() -> None:
    async def count(request: Request) -> AsyncIterator[int]:
        for number in range(request.params.get_int("up_to", 3)):
            yield number

    async with make_host([RoutesPlugin({"test.count": count})]) as host:
        items = [item async for item in MemoryClient(host).stream("test.count", up_to=4)]
    assert items == [0, 1, 2, 3]
