"""oro-mcp's routes on a host built with the installed plugin, through its real router: the
permission, the window a registration and an answer belong to, bad fields, the endpoint's
options; and a property of the JSON-RPC check every POSTed message goes through."""

from __future__ import annotations

import json
import socket
from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oro_mcp.server import _invalid
from oro_mcp.state import STATE, TOOL_EVENT, Answer

from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    InvalidStateError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, installed_plugin, make_host, raise_for_error

pytestmark = pytest.mark.anyio
plugin = installed_plugin("mcp")
ALLOWED = {"permissions.allow_mcp": True, "mcp.call_timeout_ms": 200}


async def call(client: MemoryClient, route: str, fields: dict[str, Any] | None = None) -> Any:
    reply = await client.call(route, json.dumps(fields or {}).encode())
    if reply.error is not None:
        raise reply.error
    return raise_for_error(reply)


async def test_the_permission_is_off_unless_the_app_allows_it() -> None:
    async with make_host(plugins=[plugin]) as host:
        reply = await MemoryClient(host).call("mcp.server.status")
        assert isinstance(reply.error, NotAllowedError)


async def test_a_request_without_a_window_registers_nothing_and_starts_nothing() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        client = MemoryClient(host, window=None)
        for route in ("mcp.server.registerTool", "mcp.server.start", "mcp.server.setAuthHandler"):
            with pytest.raises(SecurityError) as refused:
                await call(client, route, {"name": "x", "port": 0})
            assert refused.value.code == "ERR_NO_WINDOW"
        assert host.stash[STATE].tools == {}


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"name": ""},
        {"name": "x" * 1025},
        {"name": "x", "inputSchema": {"type": "string"}},
        {"name": "x", "inputSchema": [1]},
        {"name": "x", "title": 5},
        {"name": "x", "icons": "a.png"},
        {"name": "x", "_meta": []},
    ],
)
async def test_bad_tool_fields_are_invalid_arguments(fields: dict[str, Any]) -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        with pytest.raises(InvalidArgumentError):
            await call(MemoryClient(host), "mcp.server.registerTool", fields)


async def test_a_body_that_is_not_a_json_object_is_refused() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        client = MemoryClient(host)
        for body in (b"[1, 2]", b"{not json"):
            reply = await client.call("mcp.server.registerResource", body)
            assert reply.status == 400


async def test_only_the_window_asked_may_answer_and_only_once() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        state = host.stash[STATE]
        answers: list[Answer] = []

        async def ask() -> None:
            answers.append(await state.ask(0, TOOL_EVENT, {"tool": "t"}))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ask)
            await anyio.wait_all_tasks_blocked()
            (question,) = state.questions
            with pytest.raises(SecurityError) as refused:
                state.answer(1, TOOL_EVENT, question, Answer(value="{}"))
            assert refused.value.code == "ERR_MCP_NOT_YOURS"
            await call(
                MemoryClient(host),
                "mcp.server.resolveInvocation",
                {"id": question, "result": '{"content": []}'},
            )
        assert answers == [Answer(value='{"content": []}')]
        with pytest.raises(NotFoundError):
            state.answer(0, TOOL_EVENT, question, Answer(value="{}"))


async def test_a_page_that_never_answers_is_a_timeout_naming_the_setting() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        state = host.stash[STATE]
        with pytest.raises(TimeoutError, match=r"mcp\.call_timeout_ms"):
            await state.ask(0, TOOL_EVENT, {"tool": "t"})
        assert state.questions == {}
        assert state.timeouts == 1


async def test_an_answer_that_is_not_a_json_object_is_refused() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        client = MemoryClient(host)
        for result in ("[1]", "nope", 5):
            with pytest.raises(InvalidArgumentError):
                await call(client, "mcp.server.resolveInvocation", {"id": "x", "result": result})


async def test_a_closed_page_takes_its_tools_and_questions_with_it() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        state = host.stash[STATE]
        await call(MemoryClient(host, window=0), "mcp.server.registerTool", {"name": "a"})
        await call(MemoryClient(host, window=1), "mcp.server.registerTool", {"name": "b"})
        failures: list[str | None] = []

        async def ask() -> None:
            failures.append((await state.ask(0, TOOL_EVENT, {"tool": "a"})).error)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ask)
            await anyio.wait_all_tasks_blocked()
            state.close_window(0)
        assert failures == ["window 0's page went away"]
        assert list(state.tools) == ["b"]


async def test_the_endpoint_options_are_checked_before_anything_listens() -> None:
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        client = MemoryClient(host)
        refusals: list[tuple[dict[str, Any], type[Exception]]] = [
            ({"host": "0.0.0.0", "port": 0}, SecurityError),
            ({"port": 0, "sse": "/sse"}, NotSupportedError),
            ({"port": 0, "oauth": {"defaultClientId": "c"}}, NotSupportedError),
            ({"port": 0, "endpoint": "mcp"}, InvalidArgumentError),
            ({"port": 0, "maxSessions": 0}, OutOfRangeError),
        ]
        for fields, error in refusals:
            with pytest.raises(error):
                await call(client, "mcp.server.start", fields)
        assert await call(client, "mcp.server.status") == {"running": False}
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            with pytest.raises(ErrnoError) as busy:
                await call(client, "mcp.server.start", {"port": taken.getsockname()[1]})
            assert busy.value.code == "EADDRINUSE"
        started = await call(client, "mcp.server.start", {"port": 0, "maxRequestBytes": 1 << 40})
        assert started["running"] is True
        # A page may lower the request limit, never raise it past mcp.max_request_bytes.
        server = host.stash[STATE].server
        assert server is not None
        assert server.options.max_request_bytes == 16 * 1024 * 1024
        with pytest.raises(InvalidStateError):
            await call(client, "mcp.server.start", {"port": 0})
        assert await call(client, "mcp.server.stop") == {"running": False}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
MESSAGES = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "1.0"])},
    optional={
        "id": JSON,
        "method": JSON | st.sampled_from(["ping", "tools/list"]),
        "result": JSON,
        "params": JSON,
    },
)


@given(JSON | MESSAGES)
def test_every_json_value_is_either_a_message_to_handle_or_a_stated_refusal(value: Any) -> None:
    problem = _invalid(value)
    if problem is None:
        assert isinstance(value, dict)
        assert value["jsonrpc"] == "2.0"
        assert "method" not in value or isinstance(value["method"], str)
        assert "id" not in value or type(value["id"]) in (str, int)
    else:
        assert problem.startswith("Invalid Request: ")


async def test_a_stalled_client_is_answered_408_and_a_connection_past_the_limit_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("oro_mcp.server.REQUEST_SECONDS", 0.2)
    monkeypatch.setattr("oro_mcp.server.MAX_CONNECTIONS", 2)
    async with make_host(plugins=[plugin], config=ALLOWED) as host:
        started = await call(MemoryClient(host), "mcp.server.start", {"port": 0})
        port = started["port"]
        request = f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 10\r\n\r\n"
        async with (
            await anyio.connect_tcp("127.0.0.1", port) as first,
            await anyio.connect_tcp("127.0.0.1", port) as second,
        ):
            await first.send(request.encode())  # and never the body
            await second.send(b"POST /mcp HTTP/1.1\r\n")  # and never the rest
            await anyio.wait_all_tasks_blocked()  # both accepted, each waiting for its request
            async with await anyio.connect_tcp("127.0.0.1", port) as third:
                with pytest.raises(anyio.EndOfStream):
                    await third.receive()
            for stalled in (first, second):
                assert (await stalled.receive()).startswith(b"HTTP/1.1 408 ")
        # Both freed their place: the endpoint serves the next client.
        async with await anyio.connect_tcp("127.0.0.1", port) as client:
            await client.send(f"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            assert (await client.receive()).startswith(b"HTTP/1.1 405 ")
        await call(MemoryClient(host), "mcp.server.stop")
