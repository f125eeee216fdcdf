"""The routes ``ai.chat.completions`` and ``ai.completions`` (what ``oro:ai`` streams over when
the page's IPC goes over the Conduit) answer as the ``/ai/llama`` endpoints do, through the
host's router, on the shipped SmolLM2 model; and refuse what those refuse, the host serving on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import oro_ai.plugin
import pytest
from oro_ai.state import STATE

from oro_framework import (
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, live_server, make_host

pytestmark = pytest.mark.anyio

MESSAGES = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]
CONFIG = {"ai.llm.threads": 1}


def _body(**fields: Any) -> bytes:
    return json.dumps({"messages": MESSAGES, "temperature": 0, **fields}).encode()


async def test_the_relay_answers_as_the_endpoint_and_streams_one_chunk_per_message(
    smollm2_model: Path,
) -> None:
    async with (
        make_host([oro_ai.plugin], config=CONFIG) as host,
        live_server(host) as server,
        server.client(timeout=120) as client,
    ):
        posted = await client.post(
            "/ai/llama/v1/chat/completions",
            json={"messages": MESSAGES, "temperature": 0, "max_tokens": 8},
        )
        memory = MemoryClient(host)
        whole = await memory.call("ai.chat.completions", _body(max_tokens=8))
        # The fields may be parameters too, as Oro's routes take them.
        by_params = await memory.call(
            "ai.completions", prompt="The capital of France is", max_tokens=3, temperature=0
        )
        reply = await memory.call("ai.chat.completions", _body(max_tokens=8, stream=True))
        assert reply.stream is not None
        chunks = [chunk async for chunk in reply.stream.chunks]
    answer = posted.json()["choices"][0]["message"]["content"]
    assert whole.error is None, whole.error
    assert whole.data["choices"][0]["message"]["content"] == answer
    assert by_params.data["object"] == "text_completion"
    assert reply.stream.media_type == "text/event-stream"
    assert chunks[-1] == b"data: [DONE]\n\n"
    events = [json.loads(chunk.removeprefix(b"data: ")) for chunk in chunks[:-1]]
    # Each chunk is one whole event: the role, a token each, the finish.
    assert all(chunk.count(b"\n\n") == 1 for chunk in chunks)
    text = "".join(event["choices"][0]["delta"].get("content") or "" for event in events)
    assert text == answer


@pytest.mark.parametrize(
    ("fields", "kind", "code"),
    [
        ({"model": "no-such-model"}, NotFoundError, "model_not_found"),
        ({"messages": "hi"}, InvalidArgumentError, "invalid_type"),
        ({"max_tokens": 10**9}, InvalidArgumentError, "invalid_value"),
        ({"messages": [{"role": "user", "content": "a" * (300 * 1024)}]}, OutOfRangeError, None),
    ],
)
async def test_bad_requests_are_the_endpoints_typed_errors(
    smollm2_model: Path, fields: dict[str, Any], kind: type[Exception], code: str | None
) -> None:
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        memory = MemoryClient(host)
        refused = await memory.call("ai.chat.completions", _body(**fields))
        again = await memory.call("ai.chat.completions", _body(max_tokens=1))
        streams = host.stash[STATE].manager.stats()["active"]
    assert isinstance(refused.error, kind), refused.error
    api = refused.error.extra["api"]
    assert api["message"] == refused.error.message
    if code is not None:
        assert api["code"] == code
    assert again.error is None
    assert streams == 0


async def test_the_relay_is_refused_without_the_ai_permission_or_a_credential(
    tiny_model: Path,
) -> None:
    config = {**CONFIG, "ai.llm.model_path": str(tiny_model.parent), "permissions.allow_ai": False}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
    ):
        refused = await MemoryClient(host).call(
            "ai.chat.completions", _body(model=tiny_model.stem, max_tokens=2)
        )
        resident = dict(host.stash[STATE].manager.loaded)
        # Another process, without the session or the IPC bridge's key.
        async with httpx.AsyncClient(base_url=server.origin, timeout=30) as stranger:
            response = await stranger.post(
                "/ipc/ai.chat.completions", content=_body(model=tiny_model.stem, max_tokens=2)
            )
    assert isinstance(refused.error, NotAllowedError)
    assert resident == {}
    assert response.status_code in (401, 403), response.text


async def test_a_stream_left_early_stops_the_model(tiny_model: Path) -> None:
    config = {**CONFIG, "ai.llm.model_path": str(tiny_model.parent)}
    body = {"model": tiny_model.stem, "prompt": "go", "max_tokens": 2000, "temperature": 1.0}
    async with make_host([oro_ai.plugin], config=config) as host:
        manager = host.stash[STATE].manager
        reply = await MemoryClient(host).call(
            "ai.completions", json.dumps({**body, "stream": True}).encode()
        )
        assert reply.stream is not None
        chunks = reply.stream.chunks
        first = [await anext(chunks) for _ in range(3)]
        model = manager.loaded[tiny_model.stem]
        assert model.describe()["active"] == 1
        await chunks.aclose()  # type: ignore[attr-defined]
        with anyio.fail_after(30):
            # Polling: the state changes on the worker thread, which signals no event.
            while model.describe()["active"] or model.in_flight:  # noqa: ASYNC110
                await anyio.sleep(0.01)
        stats = manager.stats()
    assert all(chunk.startswith(b"data: ") for chunk in first)
    # Stopped by the cancellation, not by reaching an end of its own.
    assert stats["cancelled"] == 1
    assert stats["tokensGenerated"] < 2000
