"""Completions and chat over real HTTP against real llama.cpp on the generated tiny model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest

from oro_framework.testing import live_server, make_host, read_sse

pytestmark = pytest.mark.anyio


def _config(model: Path, **extra: Any) -> dict[str, Any]:
    return {"ai.llm.model_path": str(model.parent), "ai.llm.threads": 1, **extra}


async def test_chat_completion_answers_with_usage_and_finish_reason(tiny_model: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        response = await client.post(
            "/ai/llama/v1/chat/completions",
            json={
                "model": tiny_model.stem,
                "messages": [{"role": "user", "content": "hello"}],
                "max_tokens": 5,
                "temperature": 0,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
    assert body["object"] == "chat.completion"
    assert body["model"] == tiny_model.stem
    choice = body["choices"][0]
    assert choice["finish_reason"] in ("stop", "length")
    assert choice["message"]["role"] == "assistant"
    usage = body["usage"]
    assert usage["prompt_tokens"] > 0
    assert 0 < usage["completion_tokens"] <= 5 or choice["finish_reason"] == "stop"
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_text_completion_streams_until_length(tiny_model: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
        client.stream(
            "POST",
            "/ai/llama/v1/completions",
            json={
                "model": tiny_model.stem,
                "prompt": "abc",
                "max_tokens": 6,
                "stream": True,
                "stream_options": {"include_usage": True},
                "temperature": 0,
            },
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [event.data async for event in read_sse(response)]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(data) for data in events[:-1]]
    finishes = [chunk["choices"][0]["finish_reason"] for chunk in chunks if chunk["choices"]]
    assert finishes[-1] in ("stop", "length")
    assert all(reason is None for reason in finishes[:-1])
    usage = chunks[-1]["usage"]
    assert chunks[-1]["choices"] == []
    assert usage["completion_tokens"] <= 6


async def test_a_repeated_prompt_prefix_is_reused_from_the_cache(tiny_model: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        body = {
            "model": tiny_model.stem,
            "messages": [{"role": "user", "content": "the same question, asked twice"}],
            "max_tokens": 3,
            "temperature": 0,
        }
        first = await client.post("/ai/llama/v1/chat/completions", json=body)
        second = await client.post("/ai/llama/v1/chat/completions", json=body)
        metrics = (await client.get("/ai/llama/metrics")).text
    assert first.json()["choices"][0]["message"] == second.json()["choices"][0]["message"]
    prompt_tokens = first.json()["usage"]["prompt_tokens"]
    cached = next(
        int(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("oro_ai_prompt_tokens_cached_total ")
    )
    # Every prompt token but the last (decoded again for its logits) came from the cache.
    assert cached == prompt_tokens - 1


async def test_every_sampling_option_is_accepted(tiny_model: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        response = await client.post(
            "/ai/llama/v1/completions",
            json={
                "model": tiny_model.stem,
                "prompt": "sample",
                "max_tokens": 4,
                "temperature": 1.2,
                "top_p": 0.9,
                "top_k": 20,
                "min_p": 0.1,
                "seed": 7,
                "presence_penalty": 0.5,
                "frequency_penalty": 0.5,
                "repeat_penalty": 1.3,
                "response_format": {"type": "json_object"},
            },
        )
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["finish_reason"] in ("stop", "length")
