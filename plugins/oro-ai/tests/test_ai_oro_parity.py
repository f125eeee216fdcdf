"""The Oro Runtime's AI server contract, on the shipped SmolLM2 model through the real server:
the endpoints over GET with their fields as query parameters, a stream chosen by
``?stream=true`` or ``Accept: text/event-stream``, one ASGI message per generated token, and
Oro's defaults for an app configured by ``oro.ini``/``socket.ini``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import oro_ai.plugin
import pytest
from oro_ai.settings import ORO_INI_DEFAULTS
from oro_ai.state import STATE

from oro_framework import Host
from oro_framework.testing import live_server, make_host, read_sse

pytestmark = pytest.mark.anyio

MESSAGES = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]


@asynccontextmanager
async def _served() -> AsyncIterator[tuple[Host, httpx.AsyncClient]]:
    """The default model (SmolLM2, from oro-ai-smollm2) behind the real server."""
    async with (
        make_host([oro_ai.plugin], config={"ai.llm.threads": 1}) as host,
        live_server(host) as server,
        server.client(timeout=120) as client,
    ):
        yield host, client


def _query(**fields: Any) -> str:
    """``fields`` as a query string, each value JSON unless it is text."""
    return "&".join(
        f"{name}={quote(value if isinstance(value, str) else json.dumps(value))}"
        for name, value in fields.items()
    )


async def _events(response: httpx.Response) -> list[Any]:
    assert response.status_code == 200, await response.aread()
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [event.data async for event in read_sse(response)]
    assert events[-1] == "[DONE]"
    return [json.loads(data) for data in events[:-1]]


def _chat_text(chunks: list[Any]) -> str:
    return "".join(
        chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks if chunk["choices"]
    )


async def test_chat_over_get_with_query_fields_answers_as_post_does(
    smollm2_model: Path,
) -> None:
    async with _served() as (_, client):
        posted = await client.post(
            "/ai/llama/v1/chat/completions",
            json={"messages": MESSAGES, "temperature": 0, "max_tokens": 8},
        )
        got = await client.get(
            "/ai/llama/v1/chat/completions?"
            + _query(messages=MESSAGES, temperature=0, max_tokens=8)
        )
        # The query fills the fields the body leaves out.
        mixed = await client.post(
            "/ai/llama/v1/chat/completions?temperature=0&max_tokens=8", json={"messages": MESSAGES}
        )
    assert posted.status_code == got.status_code == mixed.status_code == 200, got.text
    answer = posted.json()["choices"][0]["message"]["content"]
    assert "Paris" in answer
    assert got.json()["choices"][0]["message"]["content"] == answer
    assert mixed.json()["choices"][0]["message"]["content"] == answer


async def test_a_stream_is_chosen_by_the_query_the_accept_header_or_the_body(
    smollm2_model: Path,
) -> None:
    fields = {"messages": MESSAGES, "temperature": 0, "max_tokens": 8}
    async with _served() as (_, client):
        whole = await client.post("/ai/llama/v1/chat/completions", json=fields)
        answer = whole.json()["choices"][0]["message"]["content"]
        async with client.stream(
            "POST", "/ai/llama/v1/chat/completions?stream=true", json=fields
        ) as response:
            by_query = await _events(response)
        async with client.stream(
            "GET",
            f"/ai/llama/v1/chat/completions?{_query(**fields)}",
            headers={"Accept": "text/event-stream"},
        ) as response:
            by_accept = await _events(response)
        async with client.stream(
            "GET",
            f"/ai/llama/v1/completions?{_query(prompt='Paris is', max_tokens=4, stream=True)}",
        ) as response:
            completion = await _events(response)
        # The body's "stream": false wins over the Accept header.
        unstreamed = await client.post(
            "/ai/llama/v1/chat/completions",
            json={**fields, "stream": False},
            headers={"Accept": "text/event-stream"},
        )
    assert _chat_text(by_query) == _chat_text(by_accept) == answer
    assert completion[-1]["choices"][0]["finish_reason"] == "length"
    assert "".join(chunk["choices"][0]["text"] for chunk in completion if chunk["choices"])
    assert unstreamed.headers["content-type"].startswith("application/json")
    assert unstreamed.json()["choices"][0]["message"]["content"] == answer


async def test_tokenize_detokenize_and_embeddings_over_get(smollm2_model: Path) -> None:
    async with _served() as (_, client):
        tokens = await client.get("/ai/llama/tokenize?content=Paris&add_special=false")
        assert tokens.status_code == 200, tokens.text
        ids = tokens.json()["tokens"]
        # A text field stays text even when it reads as JSON.
        digits = await client.get("/ai/llama/tokenize?content=42&add_special=false")
        text = await client.get(f"/ai/llama/detokenize?{_query(tokens=ids)}")
        embeddings = await client.get("/ai/llama/v1/embeddings?input=Paris")
    assert text.json()["content"] == "Paris"
    assert digits.status_code == 200, digits.text
    assert embeddings.status_code == 200, embeddings.text
    assert len(embeddings.json()["data"][0]["embedding"]) > 0


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("max_tokens=many", 422, "invalid_type"),
        ("max_tokens=1&max_tokens=2", 400, "invalid_query"),
        ("max_tokens=%FF", 400, "invalid_query"),
        ("messages=%5B%5D", 422, "invalid_type"),
        ("temperature=NaN", 400, "invalid_value"),
        ("", 422, "invalid_type"),
    ],
)
async def test_bad_query_fields_get_typed_errors(
    smollm2_model: Path, query: str, status: int, code: str
) -> None:
    async with _served() as (_, client):
        messages = "" if "messages" in query or not query else f"&{_query(messages=MESSAGES)}"
        response = await client.get(f"/ai/llama/v1/chat/completions?{query}{messages}")
        healthy = await client.post(
            "/ai/llama/v1/chat/completions", json={"messages": MESSAGES, "max_tokens": 1}
        )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert healthy.status_code == 200


async def test_each_token_is_its_own_asgi_message(smollm2_model: Path) -> None:
    """Nothing between the model and the socket joins tokens: each leaves as one message."""
    async with make_host([oro_ai.plugin], config={"ai.llm.threads": 1}) as host:
        body = json.dumps(
            {
                # A long answer, so that the limit ends it: every token is then text.
                "messages": [{"role": "user", "content": "Count from one to fifty in words."}],
                "temperature": 0,
                "max_tokens": 12,
                "stream": True,
                "stream_options": {"include_usage": True},
            }
        ).encode()
        requests = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if requests:
                return requests.pop()
            await anyio.sleep_forever()  # the client stays until the answer is complete
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/v1/chat/completions",
            "query_string": b"",
            "headers": [(b"content-type", b"application/json")],
        }
        await host.stash[STATE].serve(scope, receive, send)
    bodies = [message["body"] for message in sent if message["type"] == "http.response.body"]
    # Each message is one whole event.
    assert all(body.endswith(b"\n\n") and body.count(b"\n\ndata:") == 0 for body in bodies)
    chunks = [json.loads(body.removeprefix(b"data: ")) for body in bodies[:-1]]
    assert bodies[-1] == b"data: [DONE]\n\n"
    usage = chunks[-1]["usage"]
    content = [
        chunk
        for chunk in chunks
        if chunk["choices"] and chunk["choices"][0]["delta"].get("content")
    ]
    finish = [chunk["choices"][0]["finish_reason"] for chunk in chunks if chunk["choices"]][-1]
    assert finish == "length"
    assert len(content) == usage["completion_tokens"] == 12


# ----------------------------------------------------------------------------------------------
# Oro's defaults for apps configured by Oro's files
# ----------------------------------------------------------------------------------------------


async def test_an_ini_app_gets_oros_defaults_and_a_toml_app_keeps_oro_ais(
    tmp_path: Path,
) -> None:
    ini_app = tmp_path / "ini"
    ini_app.mkdir()
    (ini_app / "index.html").write_text("")
    (ini_app / "socket.ini").write_text("[meta]\nbundle_identifier = com.example.ini\n")
    set_app = tmp_path / "set"
    set_app.mkdir()
    (set_app / "index.html").write_text("")
    (set_app / "oro.ini").write_text(
        "[meta]\nbundle_identifier = com.example.set\n\n[ai.llm]\ndefault_max_tokens = 300\n"
    )
    async with make_host([oro_ai.plugin], app_dir=ini_app) as host:
        ini = host.stash[STATE]
        limiter = ini.api.limiter
        defaults = ini.api.defaults
    async with make_host([oro_ai.plugin], app_dir=set_app) as host:
        kept = host.stash[STATE].settings
    async with make_host([oro_ai.plugin]) as host:
        toml = host.stash[STATE].settings
    assert {name: getattr(ini.settings, name) for name in ORO_INI_DEFAULTS} == ORO_INI_DEFAULTS
    assert ORO_INI_DEFAULTS == {
        "rate_limit_concurrency": 4,
        "rate_limit_burst": 0,
        "default_max_tokens": 128,
        "default_temperature": 0.8,
        "max_prompt_bytes": 131072,
    }
    assert (defaults.max_tokens, defaults.temperature, defaults.max_prompt_bytes) == (
        128,
        0.8,
        131072,
    )
    assert limiter.concurrency == 4
    # A key the INI sets is its own; the others still Oro's.
    assert kept.default_max_tokens == 300
    assert kept.default_temperature == 0.8
    # oro.toml (here: none) keeps oro-ai's defaults.
    assert (toml.default_max_tokens, toml.default_temperature, toml.rate_limit_concurrency) == (
        256,
        0.7,
        0,
    )
    assert toml.max_prompt_bytes == 256 * 1024


async def test_an_ini_app_refuses_a_prompt_over_128_kib(
    tmp_path: Path, smollm2_model: Path
) -> None:
    (tmp_path / "index.html").write_text("")
    (tmp_path / "oro.ini").write_text("[meta]\nbundle_identifier = com.example.big\n")
    prompt = "a" * (128 * 1024 + 1)
    async with (
        make_host([oro_ai.plugin], app_dir=tmp_path) as host,
        live_server(host) as server,
        server.client(timeout=120) as client,
    ):
        response = await client.post(
            "/ai/llama/v1/completions", json={"prompt": prompt, "max_tokens": 1}
        )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "prompt_too_large"
    assert "131072" in response.json()["error"]["message"]
