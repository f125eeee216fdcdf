"""Concurrency and cancellation on real llama.cpp: many streams at once all finish properly, and
a client leaving mid-stream stops its generation and frees its sequence."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import oro_ai.plugin
import pytest
from oro_ai.state import STATE

from oro_framework.testing import live_server, make_host, read_sse

pytestmark = pytest.mark.anyio


async def test_eight_concurrent_streams_all_finish_with_a_reason(tiny_model: Path) -> None:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.llm.parallel": 4,
    }
    finishes: list[str | None] = []
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=120) as client,
    ):

        async def one(index: int) -> None:
            body = {
                "model": tiny_model.stem,
                "messages": [{"role": "user", "content": f"stream {index}"}],
                "max_tokens": 12,
                "stream": True,
            }
            async with client.stream("POST", "/ai/llama/v1/chat/completions", json=body) as reply:
                assert reply.status_code == 200
                events = [event.data async for event in read_sse(reply)]
            assert events[-1] == "[DONE]"
            last = json.loads(events[-2])
            finishes.append(last["choices"][0]["finish_reason"])

        async with anyio.create_task_group() as group:
            for index in range(8):
                group.start_soon(one, index)
    assert len(finishes) == 8
    assert all(reason in ("stop", "length") for reason in finishes), finishes


async def test_leaving_mid_stream_stops_generation_and_frees_the_sequence(
    tiny_model: Path,
) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    async with make_host([oro_ai.plugin], config=config) as host, live_server(host) as server:
        manager = host.stash[STATE].manager
        async with server.client(timeout=60) as client:
            body = {
                "model": tiny_model.stem,
                "prompt": "go",
                "max_tokens": 2000,
                "stream": True,
                "temperature": 1.0,
            }
            async with client.stream("POST", "/ai/llama/v1/completions", json=body) as reply:
                events = read_sse(reply)
                for _ in range(3):
                    await events.__anext__()
                model = manager.loaded[tiny_model.stem]
                assert model.describe()["active"] == 1
            # The response is closed: the server sees the disconnect and cancels the job.
        with anyio.fail_after(30):
            # Polling: the state changes on the worker thread, which signals no event.
            while model.describe()["active"] or model.in_flight:  # noqa: ASYNC110
                await anyio.sleep(0.01)
        # Stopped by the cancellation, not by reaching an end of its own.
        assert manager.stats()["cancelled"] == 1
        generated = manager.stats()["tokensGenerated"]
        await anyio.sleep(0.2)
        assert manager.stats()["tokensGenerated"] == generated
        assert generated < 2000
        # The freed sequence serves the next request.
        async with server.client(timeout=60) as client:
            again = await client.post(
                "/ai/llama/v1/completions",
                json={"model": tiny_model.stem, "prompt": "go", "max_tokens": 3},
            )
    assert again.status_code == 200
    assert again.json()["choices"][0]["finish_reason"] in ("stop", "length")


async def test_streams_the_kv_cache_cannot_hold_together_wait_and_all_finish(
    tiny_model: Path,
) -> None:
    """Issue 55 item 5: the KV cache is sized in tokens (``kv_cache_size``), not in sequences.
    Four streams each of which may fill a whole context, with a cache of one context: they run
    one after another, each to its end with its own answer (as alone), none cut or failed."""
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.llm.parallel": 4,
        "ai.llm.context_size": 256,
        "ai.llm.kv_cache_size": 256,
    }
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=120) as client,
    ):
        manager = host.stash[STATE].manager

        async def one(index: int) -> tuple[str, str]:
            body = {
                "model": tiny_model.stem,
                "prompt": f"stream {index}",
                "max_tokens": 240,
                "temperature": 0,
            }
            reply = await client.post("/ai/llama/v1/completions", json=body)
            assert reply.status_code == 200, reply.text
            choice = reply.json()["choices"][0]
            return choice["text"], choice["finish_reason"]

        alone = [await one(index) for index in range(4)]
        together: list[tuple[str, str]] = [("", "")] * 4

        async def into(index: int) -> None:
            together[index] = await one(index)

        async with anyio.create_task_group() as group:
            for index in range(4):
                group.start_soon(into, index)
        stats = manager.stats()
    assert together == alone
    assert all(finish == "length" and text for text, finish in together), together
    assert stats["cancelled"] == 0
