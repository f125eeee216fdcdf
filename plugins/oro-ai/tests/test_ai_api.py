"""The HTTP API's contract on the generated tiny model: streaming with stop sequences, grammar
output, the error answers (400/404/413/422/429), auth for other processes, health and metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import oro_ai.plugin
import pytest

import oro_framework.core.ping
from oro_framework.testing import live_server, make_host, read_sse

pytestmark = pytest.mark.anyio

API_KEY = "test-api-key-0123456789"


def _config(model: Path, **extra: Any) -> dict[str, Any]:
    return {"ai.llm.model_path": str(model.parent), "ai.llm.threads": 1, **extra}


def _chat(path: Path, **fields: Any) -> dict[str, Any]:
    return {
        "model": path.stem,
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0,
        **fields,
    }


async def _stream_text(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[str, list[Any]]:
    async with client.stream("POST", "/ai/llama/v1/completions", json=body) as response:
        assert response.status_code == 200
        events = [event.data async for event in read_sse(response)]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(data) for data in events[:-1]]
    text = "".join(chunk["choices"][0]["text"] for chunk in chunks if chunk["choices"])
    return text, chunks


async def test_stream_stops_before_a_stop_sequence_and_never_shows_its_start(
    tiny_model: Path,
) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        body = {"model": tiny_model.stem, "prompt": "x", "max_tokens": 24, "temperature": 0}
        full, _ = await _stream_text(client, {**body, "stream": True})
        assert len(full) >= 4, full
        # A stop sequence taken from the middle of the greedy output: the stream must end right
        # before it, with finish_reason "stop", whatever the token boundaries are.
        stop = full[2:4]
        cut = full[: full.index(stop)]
        text, chunks = await _stream_text(client, {**body, "stream": True, "stop": [stop]})
    assert text == cut
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_json_schema_response_format_constrains_the_output(tiny_model: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}},
        "required": ["ok"],
        "additionalProperties": False,
    }
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        response = await client.post(
            "/ai/llama/v1/chat/completions",
            json=_chat(
                tiny_model,
                max_tokens=64,
                response_format={"type": "json_schema", "json_schema": {"schema": schema}},
            ),
        )
    assert response.status_code == 200, response.text
    choice = response.json()["choices"][0]
    if choice["finish_reason"] == "stop":
        assert isinstance(json.loads(choice["message"]["content"])["ok"], bool)
    else:
        assert choice["finish_reason"] == "length"
        assert choice["message"]["content"].startswith("{")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"model": "no-such-model"}, 404, "model_not_found"),
        ({"max_tokens": 10**9}, 400, "invalid_value"),
        ({"temperature": 5}, 400, "invalid_value"),
        ({"messages": "hi"}, 422, "invalid_type"),
        ({"max_tokens": "ten"}, 422, "invalid_type"),
        ({"n": 2}, 400, "invalid_value"),
        ({"response_format": {"type": "json_schema", "json_schema": {}}}, 422, "invalid_schema"),
        (
            {"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]},
            400,
            "tools_not_supported",
        ),
    ],
)
async def test_bad_requests_get_typed_errors(
    tiny_model: Path, body: dict[str, Any], status: int, code: str
) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        response = await client.post(
            "/ai/llama/v1/chat/completions", json=_chat(tiny_model, **body)
        )
        # The server keeps serving after any of them.
        healthy = await client.get("/ai/llama/health")
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["type"]
    assert healthy.status_code == 200


async def test_size_caps_answer_413(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.max_prompt_bytes": 100, "ai.llm.max_body_bytes": 2000})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        prompt = await client.post(
            "/ai/llama/v1/completions", json={"model": tiny_model.stem, "prompt": "y" * 500}
        )
        body = await client.post(
            "/ai/llama/v1/completions", json={"model": tiny_model.stem, "prompt": "y" * 5000}
        )
        broken = await client.post(
            "/ai/llama/v1/completions",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
    assert prompt.status_code == 413
    assert prompt.json()["error"]["code"] == "prompt_too_large"
    assert body.status_code == 413
    assert body.json()["error"]["code"] == "request_too_large"
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_json"


async def test_full_queue_answers_429_with_retry_after_and_spares_the_running_stream(
    tiny_model: Path,
) -> None:
    config = _config(tiny_model, **{"ai.llm.parallel": 1, "ai.llm.queue_size": 0})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        body = {"model": tiny_model.stem, "prompt": "z", "max_tokens": 40, "temperature": 0}
        async with client.stream(
            "POST", "/ai/llama/v1/completions", json={**body, "stream": True}
        ) as running:
            events = read_sse(running)
            first = await events.__anext__()
            assert first.data != "[DONE]"
            refused = await client.post("/ai/llama/v1/completions", json=body)
            rest = [event.data async for event in events]
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert int(refused.headers["retry-after"]) >= 1
    assert rest[-1] == "[DONE]"
    last = json.loads(rest[-2])
    assert last["choices"][0]["finish_reason"] in ("stop", "length")


async def test_rate_limit_token_bucket_answers_429(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.rate_limit_rps": 0.01, "ai.llm.rate_limit_burst": 1})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        body = {"model": tiny_model.stem, "prompt": "z", "max_tokens": 2}
        first = await client.post("/ai/llama/v1/completions", json=body)
        second = await client.post("/ai/llama/v1/completions", json=body)
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limit_exceeded"
    assert "retry-after" in second.headers


async def test_other_processes_need_the_api_key_or_the_ipc_key(tiny_model: Path) -> None:
    shared = "ipc-shared-key-0123456789"
    config = _config(
        tiny_model,
        **{"ai.llm.api_key": API_KEY, "http.ipc.enable": True, "http.ipc.shared_key": shared},
    )
    async with make_host([oro_ai.plugin], config=config) as host, live_server(host) as server:
        url = f"{server.origin}/ai/llama/v1/models"
        async with httpx.AsyncClient() as client:
            anonymous = await client.get(url)
            wrong = await client.get(url, headers={"Authorization": "Bearer wrong-key-0123456789"})
            bearer = await client.get(url, headers={"Authorization": f"Bearer {API_KEY}"})
            ipc_key = await client.get(url, headers={"X-ORO-Auth": shared})
            foreign = await client.get(
                url,
                headers={"Authorization": f"Bearer {API_KEY}", "Origin": "http://evil.example"},
            )
    assert anonymous.status_code == 403
    assert wrong.status_code == 403
    assert bearer.status_code == 200
    assert tiny_model.stem in [model["id"] for model in bearer.json()["data"]]
    assert ipc_key.status_code == 200
    assert foreign.status_code == 403


async def test_the_api_key_opens_the_mount_only_not_ipc(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.api_key": API_KEY})
    plugins = [oro_ai.plugin, oro_framework.core.ping]
    async with make_host(plugins, config=config) as host, live_server(host) as server:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        async with httpx.AsyncClient(base_url=server.origin, headers=headers) as client:
            ipc = await client.post("/ipc/ping")
            health = await client.get("/ai/llama/health")
    assert ipc.status_code == 403
    assert health.status_code == 200


async def test_health_metrics_tokenize_detokenize(tiny_model: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        tokens = await client.post(
            "/ai/llama/tokenize",
            json={"model": tiny_model.stem, "content": "héllo", "add_special": False},
        )
        assert tokens.status_code == 200, tokens.text
        ids = tokens.json()["tokens"]
        text = await client.post(
            "/ai/llama/detokenize", json={"model": tiny_model.stem, "tokens": ids}
        )
        bad = await client.post(
            "/ai/llama/detokenize", json={"model": tiny_model.stem, "tokens": [10**9]}
        )
        health = await client.get("/ai/llama/health")
        metrics = await client.get("/ai/llama/metrics")
        missing = await client.get("/ai/llama/v2/nothing")
    assert ids
    assert text.json()["content"] == "héllo"
    assert bad.status_code == 400
    assert health.status_code == 200
    assert health.json()["models"][0]["name"] == tiny_model.stem
    assert "oro_ai_models_loaded 1" in metrics.text
    assert metrics.headers["content-type"].startswith("text/plain")
    assert missing.status_code == 404


async def test_context_limits_are_refused_or_reported_never_silently_cut(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.context_size": 32})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        too_long = await client.post(
            "/ai/llama/v1/completions", json={"model": tiny_model.stem, "prompt": "q" * 200}
        )
        filled = await client.post(
            "/ai/llama/v1/completions",
            json={"model": tiny_model.stem, "prompt": "q", "max_tokens": 100, "temperature": 0},
        )
    assert too_long.status_code == 400
    assert too_long.json()["error"]["code"] == "context_length_exceeded"
    assert filled.status_code == 200
    body = filled.json()
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["total_tokens"] <= 32


async def test_concurrency_limit_answers_429_while_a_stream_runs(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.rate_limit_concurrency": 1})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        body = {"model": tiny_model.stem, "prompt": "z", "max_tokens": 30, "temperature": 0}
        async with client.stream(
            "POST", "/ai/llama/v1/completions", json={**body, "stream": True}
        ) as running:
            events = read_sse(running)
            await events.__anext__()
            refused = await client.post("/ai/llama/v1/completions", json=body)
            rest = [event.data async for event in events]
        after = await client.post("/ai/llama/v1/completions", json={**body, "max_tokens": 2})
    assert refused.status_code == 429
    assert "rate_limit_concurrency" in refused.json()["error"]["message"]
    assert rest[-1] == "[DONE]"
    assert after.status_code == 200
