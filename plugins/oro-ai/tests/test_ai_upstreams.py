"""Requests for upstream models through ``/ai/llama``, against a real HTTP server on loopback
scripted to misbehave (:mod:`scripted_upstream`): routing by model id, pass-through, the error
answers, retries, fallback, cancellation, permissions, and 50 streams cancelled at random."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import oro_ai.plugin
import pytest
from scripted_upstream import scripted_upstream, unreachable_url

import oro_framework.core.ping
from oro_framework.testing import (
    LiveServer,
    live_server,
    make_host,
    open_descriptors,
    opened_since,
    read_sse,
    until,
)

pytestmark = pytest.mark.anyio

KEY = "sk-scripted-0123456789"


def _config(model: Path, upstream_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "ai.llm.model_path": str(model.parent),
        "ai.llm.threads": 1,
        "ai.upstreams.scripted.base_url": upstream_url,
        "ai.upstreams.scripted.api_key": KEY,
        **extra,
    }


@asynccontextmanager
async def _served(
    model: Path, upstream_url: str, **extra: Any
) -> AsyncIterator[tuple[LiveServer, httpx.AsyncClient]]:
    async with (
        make_host(
            [oro_ai.plugin, oro_framework.core.ping], config=_config(model, upstream_url, **extra)
        ) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        yield server, client


def _chat(model: str, **fields: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **fields}


async def _events(response: httpx.Response) -> list[Any]:
    return [
        event.data if event.data == "[DONE]" else json.loads(event.data)
        async for event in read_sse(response)
    ]


async def test_models_lists_local_and_upstream_models_with_where_each_lives(
    tiny_model: Path,
) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            listed = (await client.get("/ai/llama/v1/models")).json()["data"]
    where = {entry["id"]: (entry["location"], entry.get("upstream")) for entry in listed}
    assert where[tiny_model.stem] == ("local", None)
    assert where["fast"] == ("upstream", "scripted")
    assert where["echo"] == ("upstream", "scripted")
    # Pages see the upstream's name, never its address.
    assert upstream.url.split("//")[1] not in json.dumps(listed)


async def test_an_upstream_slow_to_list_its_models_holds_up_nothing_for_long(
    tiny_model: Path,
) -> None:
    with scripted_upstream() as upstream:
        upstream.models_hang = True
        async with _served(
            tiny_model, upstream.url, **{"ai.upstreams.scripted.read_timeout": 0.5}
        ) as (_, client):
            listed = (await client.get("/ai/llama/v1/models")).json()["data"]
            asked = await client.post("/ai/llama/v1/chat/completions", json=_chat("fast"))
            health = (await client.get("/ai/llama/health")).json()["upstreams"][0]
    # Local models are still listed; the upstream's are left out until it answers.
    assert {entry["location"] for entry in listed} == {"local"}
    assert tiny_model.stem in [entry["id"] for entry in listed]
    # Within 5 s, the failed attempt answers for it instead of asking again.
    assert [request.path for request in upstream.requests] == ["/v1/models"]
    assert asked.status_code == 504, asked.text
    assert "when asked for its model list" in asked.json()["error"]["message"]
    assert health["inFlight"] == 0


async def test_a_request_passes_through_with_the_hosts_key_and_nothing_of_the_page(
    tiny_model: Path,
) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    response_format = {"type": "json_object"}
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            response = await client.post(
                "/ai/llama/v1/chat/completions",
                json=_chat("echo", tools=tools, response_format=response_format, seed=3),
                headers={"x-page-secret": "mine"},
            )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["model"] == "echo"
    assert answer["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    seen = json.loads(answer["choices"][0]["message"]["content"])
    assert seen["path"] == "/v1/chat/completions"
    assert seen["body"]["tools"] == tools
    assert seen["body"]["response_format"] == response_format
    assert seen["body"]["seed"] == 3
    assert upstream.last("echo").headers["authorization"] == f"Bearer {KEY}"
    # An upstream that echoes the key in its answer does not hand it to the page.
    assert seen["headers"]["authorization"] == "Bearer [redacted]"
    assert KEY not in response.text
    for page_header in ("cookie", "x-page-secret", "origin", "referer"):
        assert page_header not in seen["headers"]


async def test_hard_max_tokens_bounds_what_an_upstream_is_asked_to_generate(
    tiny_model: Path,
) -> None:
    """Issue 39 item 4: ``ai.llm.hard_max_tokens`` bounded local generations only; a page could
    ask an upstream (a metered API, a shared GPU) for any number of tokens. Now the same bound
    applies to what is forwarded, all choices together, and a request without a limit gets
    one; the scripted upstream records what it received."""
    refused = [
        _chat("echo", max_tokens=65),
        _chat("echo", max_completion_tokens=10_000_000),
        _chat("echo", max_tokens=20, n=4),
        _chat("echo", n=65),
        {"model": "echo", "prompt": "x", "max_tokens": 30, "best_of": 3},
    ]
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url, **{"ai.llm.hard_max_tokens": 64}) as (
            _,
            client,
        ):
            answers = [
                await client.post(
                    "/ai/llama/v1/completions"
                    if "prompt" in body
                    else "/ai/llama/v1/chat/completions",
                    json=body,
                )
                for body in refused
            ]
            assert upstream.requests == []  # nothing refused was forwarded
            for body in (
                _chat("echo"),
                _chat("echo", n=4),
                _chat("echo", max_tokens=64),
                _chat("echo", max_completion_tokens=16, n=4),
            ):
                response = await client.post("/ai/llama/v1/chat/completions", json=body)
                assert response.status_code == 200, response.text
    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "invalid_value"
        assert "ai.llm.hard_max_tokens (64)" in answer.json()["error"]["message"]
    received = [
        (request.body.get("max_tokens"), request.body.get("max_completion_tokens"))
        for request in upstream.requests
    ]
    assert received == [(64, None), (16, None), (64, None), (None, 16)]


async def test_a_stream_arrives_chunk_by_chunk_with_usage_and_done(tiny_model: Path) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            body = _chat("fast", stream=True, max_tokens=5, stream_options={"include_usage": True})
            async with client.stream(
                "POST", "/ai/llama/v1/chat/completions", json=body
            ) as response:
                assert response.status_code == 200
                events = await _events(response)
            async with client.stream(
                "POST",
                "/ai/llama/v1/completions",
                json={"model": "fast", "prompt": "x", "max_tokens": 3, "stream": True},
            ) as response:
                text_events = await _events(response)
    assert events[-1] == "[DONE]"
    text = "".join(chunk["choices"][0]["delta"].get("content", "") for chunk in events[:-2])
    assert text == "t0 t1 t2 t3 t4 "
    assert events[-3]["choices"][0]["finish_reason"] == "length"
    assert events[-2]["usage"]["completion_tokens"] == 5
    assert "".join(chunk["choices"][0]["text"] for chunk in text_events[:-1]) == "t0 t1 t2 "


@pytest.mark.parametrize(
    ("model", "status", "upstream_status", "retry_after"),
    [
        ("status-429", 429, 429, "7"),
        ("status-400", 400, 400, None),
        ("status-500", 502, 500, None),
        ("status-401", 502, 401, None),
        ("badjson", 502, 200, None),
    ],
)
async def test_upstream_errors_keep_openais_shape_with_the_upstream_status(
    tiny_model: Path, model: str, status: int, upstream_status: int, retry_after: str | None
) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            response = await client.post("/ai/llama/v1/chat/completions", json=_chat(model))
            healthy = await client.get("/ai/llama/health")
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == "upstream_error"
    assert error["upstream"] == "scripted"
    assert error["upstream_status"] == upstream_status
    assert error["type"] == ("rate_limit_error" if status == 429 else error["type"])
    assert response.headers.get("retry-after") == retry_after
    assert upstream.url.split("//")[1] not in response.text
    assert healthy.status_code == 200


@pytest.mark.parametrize(
    ("model", "status", "shown"),
    [
        ("leak-400", 400, "Upstream 'scripted' answered 400: invalid max_tokens: request to"),
        ("leak-401", 502, "Upstream 'scripted' answered 401 (its message is in the host's log)"),
        ("leak-500", 502, "Upstream 'scripted' answered 500 (its message is in the host's log)"),
        ("leak-text", 400, "Upstream 'scripted' answered 400 (its message is in the host's log)"),
    ],
)
async def test_an_upstream_echoing_the_key_and_its_url_in_an_error_hands_neither_to_the_page(
    tiny_model: Path, model: str, status: int, shown: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 39 item 4: an upstream's error text reached the page verbatim, so one that echoes
    the request's ``Authorization`` header handed the page the API key and the upstream's URL.
    Now the page gets the typed error with at most a cleaned, bounded JSON ``message`` (only
    for its own request's faults); the host's log keeps the text, the key masked."""
    caplog.set_level(logging.INFO, logger="oro_ai.upstreams")
    upstream_status = 400 if model == "leak-text" else int(model.removeprefix("leak-"))
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            response = await client.post("/ai/llama/v1/chat/completions", json=_chat(model))
            streamed = await client.post(
                "/ai/llama/v1/completions", json={"model": model, "prompt": "x", "stream": True}
            )
        address = upstream.url.split("//")[1].split("/")[0]
    assert upstream.last(model).headers["authorization"] == f"Bearer {KEY}"
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == "upstream_error"
    assert error["upstream_status"] == upstream_status
    assert error["message"].startswith(shown)
    assert len(error["message"]) <= 400
    assert error["param"] is None  # the upstream's param held the header: not a field name
    for answer in (response.text, streamed.text):
        assert KEY not in answer
        assert KEY[:8] not in answer  # not even the key shortened, as OpenAI words it
        assert address not in answer
        assert address.split(":")[1] not in answer
        assert "Bearer" not in answer
        assert "Authorization" not in answer
    # The host's own log says what the upstream answered, without the key.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"upstream scripted answered {upstream_status}" in logged
    assert address in logged
    assert KEY not in logged


async def test_an_error_event_echoing_the_key_mid_stream_ends_the_stream_cleaned(
    tiny_model: Path,
) -> None:
    """Issue 39 item 4: an upstream's ``data: {"error": ...}`` event was relayed as it came."""
    with scripted_upstream() as upstream:
        async with (
            _served(tiny_model, upstream.url) as (_, client),
            client.stream(
                "POST", "/ai/llama/v1/chat/completions", json=_chat("leak-stream", stream=True)
            ) as response,
        ):
            events = await _events(response)
            text = json.dumps(events)
        address = upstream.url.split("//")[1].split("/")[0]
    assert events[0]["choices"][0]["delta"]["content"] == "t0 "
    assert events[-1] == "[DONE]"
    error = events[-2]["error"]
    assert error["code"] == "upstream_error"
    assert error["upstream"] == "scripted"
    assert error["message"].startswith("Upstream 'scripted' sent an error in its stream: backend")
    assert KEY not in text
    assert address not in text
    assert "Bearer" not in text


@pytest.mark.parametrize(
    ("model", "code", "message_part"),
    [
        ("drop", "upstream_error", "broke off"),
        ("badjson", "upstream_error", "not JSON"),
    ],
)
async def test_a_stream_the_upstream_breaks_ends_with_an_error_event(
    tiny_model: Path, model: str, code: str, message_part: str
) -> None:
    with scripted_upstream() as upstream:
        async with (
            _served(tiny_model, upstream.url) as (_, client),
            client.stream(
                "POST", "/ai/llama/v1/chat/completions", json=_chat(model, stream=True)
            ) as response,
        ):
            events = await _events(response)
    assert response.status_code == 200
    assert events[-1] == "[DONE]"
    error = events[-2]["error"]
    assert error["code"] == code
    assert message_part in error["message"]
    if model == "drop":
        assert [chunk["choices"][0]["delta"]["content"] for chunk in events[:-2]] == ["t0 ", "t1 "]


async def test_an_upstream_that_sends_nothing_times_out_and_its_request_is_closed(
    tiny_model: Path,
) -> None:
    with scripted_upstream() as upstream:
        async with _served(
            tiny_model, upstream.url, **{"ai.upstreams.scripted.read_timeout": 0.5}
        ) as (_, client):
            response = await client.post("/ai/llama/v1/chat/completions", json=_chat("hang"))
            assert response.status_code == 504, response.text
            assert response.json()["error"]["code"] == "upstream_timeout"
            assert await anyio.to_thread.run_sync(upstream.last("hang").client_left.wait, 30)


async def test_a_stream_that_falls_silent_ends_with_a_timeout_event(tiny_model: Path) -> None:
    with scripted_upstream() as upstream:
        async with _served(
            tiny_model, upstream.url, **{"ai.upstreams.scripted.read_timeout": 0.5}
        ) as (_, client):
            async with client.stream(
                "POST", "/ai/llama/v1/chat/completions", json=_chat("gated", stream=True)
            ) as response:
                events = await _events(response)
            request = upstream.last("gated")
            assert await anyio.to_thread.run_sync(request.client_left.wait, 30)
    assert events[0]["choices"][0]["delta"]["content"] == "t0 "
    assert events[-2]["error"]["code"] == "upstream_timeout"
    assert events[-1] == "[DONE]"
    assert request.chunks_sent == 1


async def test_an_unreachable_upstream_is_retried_then_answered_503(tiny_model: Path) -> None:
    url = unreachable_url()
    async with _served(
        tiny_model,
        url,
        **{"ai.upstreams.scripted.models": ["big"], "ai.upstreams.scripted.retries": 2},
    ) as (_, client):
        response = await client.post("/ai/llama/v1/chat/completions", json=_chat("big"))
        health = (await client.get("/ai/llama/health")).json()
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "upstream_unavailable"
    assert "no connection could be opened (3 attempts)" in error["message"]
    assert response.headers["retry-after"] == "1"
    assert str(url.split(":")[2].split("/")[0]) not in error["message"]
    assert health["upstreams"][0]["failures"] == 1


async def test_retries_only_before_the_first_byte(tiny_model: Path) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url, **{"ai.upstreams.scripted.retries": 3}) as (
            _,
            client,
        ):
            await client.post("/ai/llama/v1/chat/completions", json=_chat("status-500"))
            async with client.stream(
                "POST", "/ai/llama/v1/chat/completions", json=_chat("drop", stream=True)
            ) as response:
                await _events(response)
    # An upstream that answered, even badly, is asked once.
    assert [request.body["model"] for request in upstream.requests] == ["status-500", "drop"]


async def test_fallback_answers_locally_and_says_so(tiny_model: Path) -> None:
    url = unreachable_url()
    extra = {
        "ai.upstreams.scripted.models": ["big"],
        "ai.upstreams.scripted.retries": 0,
        "ai.fallback": tiny_model.stem,
    }
    async with _served(tiny_model, url, **extra) as (_, client):
        whole = await client.post(
            "/ai/llama/v1/chat/completions", json=_chat("big", max_tokens=3, temperature=0)
        )
        async with client.stream(
            "POST",
            "/ai/llama/v1/chat/completions",
            json=_chat("big", max_tokens=3, stream=True, stream_options={"include_usage": True}),
        ) as response:
            events = await _events(response)
        embedded = await client.post("/ai/llama/v1/embeddings", json={"model": "big", "input": "x"})
    assert whole.status_code == 200, whole.text
    answer = whole.json()
    assert answer["model"] == tiny_model.stem
    assert answer["fallback"]["requested"] == "big"
    assert answer["fallback"]["upstream"] == "scripted"
    assert answer["fallback"]["reason"] == "upstream_unavailable"
    chunks = [event for event in events if event != "[DONE]"]
    assert chunks
    assert all(chunk["fallback"]["requested"] == "big" for chunk in chunks)
    assert all(chunk["model"] == tiny_model.stem for chunk in chunks)
    # Embeddings of another model would not match the stored ones: no fallback for them.
    assert embedded.status_code == 503
    assert embedded.json()["error"]["code"] == "upstream_unavailable"


async def test_fallback_answers_for_an_upstream_that_sends_nothing_in_time(
    tiny_model: Path,
) -> None:
    extra = {"ai.upstreams.scripted.read_timeout": 0.5, "ai.fallback": tiny_model.stem}
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url, **extra) as (_, client):
            response = await client.post(
                "/ai/llama/v1/chat/completions", json=_chat("hang", max_tokens=2)
            )
    assert response.status_code == 200, response.text
    assert response.json()["model"] == tiny_model.stem
    assert response.json()["fallback"]["reason"] == "upstream_timeout"


async def test_fallback_does_not_hide_an_upstream_that_answered_an_error(tiny_model: Path) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url, **{"ai.fallback": tiny_model.stem}) as (
            _,
            client,
        ):
            response = await client.post("/ai/llama/v1/chat/completions", json=_chat("status-500"))
    assert response.status_code == 502
    assert response.json()["error"]["upstream_status"] == 500


async def test_the_permission_switches_upstreams_off_and_local_models_keep_answering(
    tiny_model: Path,
) -> None:
    extra = {"permissions.allow_ai_upstream": False, "ai.upstreams.scripted.models": ["fast"]}
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url, **extra) as (_, client):
            refused = await client.post("/ai/llama/v1/chat/completions", json=_chat("fast"))
            listed = (await client.get("/ai/llama/v1/models")).json()["data"]
            local = await client.post(
                "/ai/llama/v1/chat/completions", json=_chat(tiny_model.stem, max_tokens=2)
            )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert {entry["location"] for entry in listed} == {"local"}
    # Nothing left the machine: not the request, not even a question for the model list.
    assert upstream.requests == []
    assert local.status_code == 200


async def test_an_aborted_stream_closes_the_upstream_request_within_one_chunk(
    tiny_model: Path,
) -> None:
    with scripted_upstream() as upstream:
        async with _served(tiny_model, upstream.url) as (_, client):
            async with client.stream(
                "POST",
                "/ai/llama/v1/chat/completions",
                json=_chat("gated", stream=True, max_tokens=50),
            ) as response:
                async for event in read_sse(response):
                    assert json.loads(event.data)["choices"][0]["delta"]["content"] == "t0 "
                    break
            # The gate stays shut: the upstream learns of the abort without sending again.
            request = upstream.last("gated")
            assert await anyio.to_thread.run_sync(request.client_left.wait, 30)
            assert request.chunks_sent == 1
            stats = (await client.get("/ai/llama/health")).json()["upstreams"][0]
    assert stats["inFlight"] == 0


async def test_fifty_streams_cancelled_at_random_leak_nothing_and_others_keep_answering(
    tiny_model: Path,
) -> None:
    rng = random.Random(31)
    statuses: list[int] = []
    finished: list[bool] = []
    with scripted_upstream() as upstream:
        before = open_descriptors()
        async with _served(
            tiny_model, upstream.url, **{"ai.upstreams.scripted.max_concurrent": 8}
        ) as (_, client):

            async def one() -> None:
                cancel_after = rng.choice([None, 0, 1, 3, 10])
                body = _chat(rng.choice(["slow", "fast"]), stream=True, max_tokens=12)
                with anyio.CancelScope() as scope:
                    async with client.stream(
                        "POST", "/ai/llama/v1/chat/completions", json=body
                    ) as response:
                        statuses.append(response.status_code)
                        seen = 0
                        async for event in read_sse(response):
                            if event.data == "[DONE]":
                                finished.append(True)
                                break
                            assert "error" not in json.loads(event.data)
                            seen += 1
                            if cancel_after is not None and seen > cancel_after:
                                scope.cancel()

            async def others() -> list[int]:
                answers = []
                for _ in range(10):
                    answers.append((await client.get("/ai/llama/health")).status_code)
                    answers.append((await client.post("/ipc/ping")).status_code)
                    answers.append(
                        (
                            await client.post("/ai/llama/v1/chat/completions", json=_chat("echo"))
                        ).status_code
                    )
                return answers

            other: list[int] = []
            async with anyio.create_task_group() as group:
                for _ in range(50):
                    group.start_soon(one)

                async def run_others() -> None:
                    other.extend(await others())

                group.start_soon(run_others)
            health = (await client.get("/ai/llama/health")).json()["upstreams"][0]
            assert health["inFlight"] == 0
        # Every connection the host opened to the upstream is closed once the host stops.
        await anyio.to_thread.run_sync(
            lambda: until(lambda: upstream.open_connections == 0, "upstream connections closed")
        )
        assert opened_since(before) == {}
    assert len(statuses) == 50
    assert set(statuses) == {200}
    assert set(other) == {200}
    assert finished, "some streams ran to their end"
