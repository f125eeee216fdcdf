"""Streams cut mid-way by their clients: 100 server-sent-event streams and 20 AI generations.
Every handler's cleanup runs, generation stops, and the host's descriptors come back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import oro_ai.plugin
import pytest
from _census import Census, settled
from _rawhttp import RawConnection
from oro_ai.state import STATE
from oro_ai.testmodel import write_tiny_model

import oro_framework.core.ping
from oro_framework import EventStream, Request
from oro_framework.testing import RoutePlugin, live_server, make_host

pytestmark = pytest.mark.anyio

SSE_STREAMS = 100
AI_STREAMS = 20


class _Endless:
    """An event stream that never ends by itself, counting how many were cleaned up."""

    def __init__(self) -> None:
        self.closed = 0
        self.all_closed = anyio.Event()

    async def handler(self, request: Request) -> EventStream:
        async def tick() -> AsyncIterator[Any]:
            try:
                number = 0
                while True:
                    yield {"n": number}
                    number += 1
                    await anyio.sleep(0.01)
            finally:
                self.closed += 1
                if self.closed == SSE_STREAMS:
                    self.all_closed.set()

        return EventStream(tick())


async def _open_and_cut(connection: RawConnection, target: str, body: bytes = b"") -> None:
    """Start a streamed request, read until the first event arrived, then drop the socket."""
    headers = connection.headers([("content-length", str(len(body)))])
    method = "POST" if body else "GET"
    request = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    await connection.stream.send(request.encode() + b"\r\n" + body)
    received = b""
    while b"\n\n" not in received.partition(b"\r\n\r\n")[2]:
        received += await connection.stream.receive()
    assert received.startswith(b"HTTP/1.1 200"), received[:200]
    await connection.stream.aclose()


async def test_a_hundred_sse_streams_cut_mid_way_are_all_closed(figures: Any) -> None:
    endless = _Endless()
    routes = RoutePlugin({"test.endless": endless.handler}, permission="test", declare=True)
    async with make_host([oro_framework.core.ping, routes]) as host, live_server(host) as server:
        baseline = Census.of()
        connections = [await RawConnection.open(server) for _ in range(SSE_STREAMS)]
        async with anyio.create_task_group() as task_group:
            for connection in connections:
                task_group.start_soon(_open_and_cut, connection, "/ipc/test.endless")
        with anyio.fail_after(10):
            await endless.all_closed.wait()
        after = await settled(baseline)
        assert host.router.open_streams["test.endless"] == 0
        assert after.descriptors <= baseline.descriptors + 2
    figures(
        f"{SSE_STREAMS} SSE streams cut: {endless.closed} handlers cleaned up; "
        f"fds {baseline.descriptors} → {after.descriptors}"
    )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("models"))


async def test_twenty_ai_streams_cut_mid_way_stop_generating(
    tiny_model: Path, figures: Any
) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    body = json.dumps(
        {"model": tiny_model.stem, "prompt": "go", "max_tokens": 4000, "stream": True}
    ).encode()
    async with make_host([oro_ai.plugin], config=config) as host, live_server(host) as server:
        manager = host.stash[STATE].manager
        # Loaded once before the census: a resident model holds its own descriptors.
        async with await RawConnection.open(server) as warm:
            warm_body = json.dumps({"model": tiny_model.stem, "prompt": "go", "max_tokens": 1})
            reply = await warm.request(
                "POST",
                "/ai/llama/v1/completions",
                warm_body.encode(),
                [("content-type", "application/json")],
            )
            assert reply.status == 200
        baseline = Census.of()
        connections = [await RawConnection.open(server) for _ in range(AI_STREAMS)]
        async with anyio.create_task_group() as task_group:
            for connection in connections:
                task_group.start_soon(_open_and_cut, connection, "/ai/llama/v1/completions", body)
        with anyio.fail_after(60):
            # Polling: the workers count on their own thread and signal no event.
            while manager.stats()["active"] or manager.stats()["inFlight"]:  # noqa: ASYNC110
                await anyio.sleep(0.02)
        stats = manager.stats()
        after = await settled(baseline)
        assert stats["cancelled"] == AI_STREAMS
        assert stats["tokensGenerated"] < AI_STREAMS * 4000
        assert after.descriptors <= baseline.descriptors + 2
    figures(
        f"{AI_STREAMS} AI streams cut: {stats['cancelled']} generations cancelled after "
        f"{stats['tokensGenerated']} tokens in all; "
        f"fds {baseline.descriptors} → {after.descriptors}"
    )


async def test_a_finished_ai_stream_with_connection_close_closes_the_socket(
    tiny_model: Path,
) -> None:
    # The AI endpoints had their own disconnect watcher, cutting hypercorn off as it retired the
    # request: the socket was never closed. They now share the bridge's.
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    body = json.dumps({"model": tiny_model.stem, "prompt": "go", "max_tokens": 3, "stream": True})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        await RawConnection.open(server) as connection,
    ):
        reply = await connection.request(
            "POST",
            "/ai/llama/v1/completions",
            body.encode(),
            [("content-type", "application/json"), ("connection", "close")],
        )
        assert reply.status == 200
        assert reply.body.endswith(b"data: [DONE]\n\n")
        with anyio.fail_after(10):
            assert await connection.is_closed_by_server()
