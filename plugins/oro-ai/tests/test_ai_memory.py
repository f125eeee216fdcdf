"""What ``/ai/llama`` buffers on a page's behalf comes out of the host's one memory budget
(``ipc.memory_budget_bytes``, ``host.memory``): request bodies, an upstream's whole answer and
embeddings. Past it a request gets 507 ``out_of_memory`` before the memory is taken, the host
keeps serving, and every reservation is given back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import oro_ai.plugin
import pytest
from scripted_upstream import scripted_upstream

from oro_framework import Host
from oro_framework.testing import live_server, make_host, until

pytestmark = pytest.mark.anyio

BUDGET = 8 * 1024 * 1024


def _config(model: Path, **extra: Any) -> dict[str, Any]:
    return {
        "ai.llm.model_path": str(model.parent),
        "ai.llm.threads": 1,
        "ipc.memory_budget_bytes": BUDGET,
        **extra,
    }


async def _all_given_back(host: Host) -> None:
    """Wait until every reservation is released: a client reads the end of an answer a moment
    before the handler that sent it returns."""
    await anyio.to_thread.run_sync(
        lambda: until(lambda: host.memory.used == 0, "every reservation given back")
    )


def _refused(response: Any) -> None:
    assert response.status_code == 507, response.text
    error = response.json()["error"]
    assert error["code"] == "out_of_memory"
    assert error["type"] == "server_error"
    assert "ipc.memory_budget_bytes" in error["message"]


async def test_a_body_the_budget_cannot_hold_is_refused_before_it_is_parsed(
    tiny_model: Path,
) -> None:
    """Issue 39 item 3 (AI bodies): a parsed JSON body takes up to 20 times its size; 1 MiB
    bodies at once took the host's memory with no bound on their sum."""
    big = {"model": tiny_model.stem, "messages": [{"role": "user", "content": "x" * 512_000}]}
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        refused = await client.post("/ai/llama/v1/chat/completions", json=big)
        answered = await client.post(
            "/ai/llama/v1/chat/completions",
            json={**big, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2},
        )
        await _all_given_back(host)
        refusals = host.memory.snapshot()["refusals"]
    _refused(refused)
    assert answered.status_code == 200, answered.text
    assert refusals == 1


async def test_embeddings_of_many_short_inputs_are_refused_past_the_budget(
    tiny_model: Path,
) -> None:
    """Issue 39 item 3 (AI bodies): a small body of many one-character inputs asks for one
    vector each, many times the body's size (64 floats here, 576 for SmolLM2)."""
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        many = await client.post(
            "/ai/llama/v1/embeddings", json={"model": tiny_model.stem, "input": ["a"] * 4000}
        )
        few = await client.post(
            "/ai/llama/v1/embeddings", json={"model": tiny_model.stem, "input": ["a"] * 4}
        )
        await _all_given_back(host)
    _refused(many)
    assert few.status_code == 200, few.text
    assert len(few.json()["data"]) == 4


async def test_an_upstream_answer_the_budget_cannot_hold_is_refused_and_its_request_closed(
    tiny_model: Path,
) -> None:
    """Issue 39 item 3 (AI bodies): an upstream's whole answer (up to 64 MiB, more once parsed)
    was read into memory outside any budget."""
    with scripted_upstream() as upstream:
        config = _config(tiny_model, **{"ai.upstreams.scripted.base_url": upstream.url})
        async with (
            make_host([oro_ai.plugin], config=config) as host,
            live_server(host) as server,
            server.client(timeout=60) as client,
        ):
            chat = {"model": "sized", "messages": [{"role": "user", "content": "hi"}]}
            refused = await client.post(
                "/ai/llama/v1/chat/completions", json={**chat, "size": 4 * 1024 * 1024}
            )
            answered = await client.post(
                "/ai/llama/v1/chat/completions", json={**chat, "size": 100_000}
            )
            await _all_given_back(host)
            health = (await client.get("/ai/llama/health")).json()["upstreams"][0]
    _refused(refused)
    assert answered.status_code == 200, answered.text
    # Relayed as the upstream sent it.
    assert json.loads(answered.content)["choices"][0]["message"]["content"] == "x" * 100_000
    assert health["inFlight"] == 0
