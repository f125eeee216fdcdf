"""Oro's ``[ai.llm]`` keys on a real host with the generated tiny model: sampling defaults,
the API's prefix, the embeddings cap, LoRA adapters found in ``lora_path``, GPU layers and the
micro-batch handed to llama.cpp, route metrics, KV-clear logs; and Oro's own ``oro.ini``
naming them."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import llama_cpp
import oro_ai.plugin
import pytest
from oro_ai.state import STATE

from oro_framework import ConfigError, ConfigWarning, InvalidArgumentError, NotFoundError
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio


def _config(model: Path, **extra: Any) -> dict[str, Any]:
    return {"ai.llm.model_path": str(model.parent), "ai.llm.threads": 1, **extra}


async def _text(client: httpx.AsyncClient, body: dict[str, Any], prefix: str = "/ai/llama") -> str:
    reply = await client.post(f"{prefix}/v1/completions", json=body)
    assert reply.status_code == 200, reply.text
    text: str = reply.json()["choices"][0]["text"]
    return text


# ----------------------------------------------------------------------------------------------
# default_top_k, default_min_p
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("defaults", "turned_off"),
    [
        # top_k 1 keeps the likeliest token only: sampling at temperature 1 is greedy then.
        ({"ai.llm.default_top_k": 1}, {"top_k": 0, "min_p": 0}),
        # min_p 1 keeps the tokens as likely as the likeliest: greedy too.
        ({"ai.llm.default_top_k": 0, "ai.llm.default_min_p": 1.0}, {"min_p": 0}),
    ],
)
async def test_sampling_defaults_apply_when_a_request_sets_none(
    tiny_model: Path, defaults: dict[str, Any], turned_off: dict[str, Any]
) -> None:
    body = {"model": tiny_model.stem, "prompt": "abc", "max_tokens": 16, "seed": 7}
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model, **defaults)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        greedy = await _text(client, {**body, "temperature": 0})
        defaulted = await _text(client, {**body, "temperature": 1.0})
        sampled = await _text(client, {**body, "temperature": 1.0, **turned_off})
    assert defaulted == greedy
    # The request's own value wins over the default: a seeded draw from the whole vocabulary.
    assert sampled != greedy


async def test_sampling_defaults_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"ai\.llm\.default_top_k.*between 0 \(off\) and 1000"):
        async with make_host([oro_ai.plugin], config={"ai.llm.default_top_k": 1001}):
            pass
    with pytest.raises(ConfigError, match=r"ai\.llm\.default_min_p.*between 0 and 1"):
        async with make_host([oro_ai.plugin], config={"ai.llm.default_min_p": 1.5}):
            pass


# ----------------------------------------------------------------------------------------------
# server_prefix
# ----------------------------------------------------------------------------------------------


async def test_server_prefix_moves_the_api(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.server_prefix": "/llm/api/"})
    body = {"model": tiny_model.stem, "prompt": "abc", "max_tokens": 4, "temperature": 0}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        health = await client.get("/llm/api/health")
        completion = await client.post("/llm/api/v1/completions", json=body)
        missing = await client.get("/llm/api/v2/nothing")
        old = await client.get("/ai/llama/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert completion.status_code == 200, completion.text
    assert completion.json()["usage"]["completion_tokens"] == 4
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No endpoint /v2/nothing under /llm/api"
    # The API left the old place: nothing is there.
    assert old.status_code == 404
    assert "/ai/llama" not in old.text


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("ai/llama", "must be a URL path such as '/ai/llama'"),
        ("/", "must be a URL path"),
        ("/ai//llama", "must be a URL path"),
        ("/ai/../ipc", "must be a URL path"),
        ("/ipc/llama", "cannot be '/ipc/llama': .*reserved by the host"),
    ],
)
async def test_a_server_prefix_that_cannot_be_mounted_is_a_config_error(
    prefix: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as refused:
        async with make_host([oro_ai.plugin], config={"ai.llm.server_prefix": prefix}):
            pass
    assert refused.value.key == "ai.llm.server_prefix"


async def test_a_misspelt_key_is_named_with_the_one_meant(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("")
    (tmp_path / "oro.toml").write_text("[ai.llm]\nserver_prefx = '/llm'\ndefault_topk = 5\n")
    with pytest.warns(ConfigWarning) as warned:
        async with make_host([oro_ai.plugin], app_dir=tmp_path):
            pass
    messages = [str(warning.message) for warning in warned]
    assert any("did you mean 'ai.llm.server_prefix'?" in message for message in messages)
    assert any("did you mean 'ai.llm.default_top_k'?" in message for message in messages)


# ----------------------------------------------------------------------------------------------
# embed_max_total_bytes
# ----------------------------------------------------------------------------------------------


async def test_embedding_inputs_over_embed_max_total_bytes_are_refused(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.embed_max_total_bytes": 1000})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):

        async def embed(value: Any) -> httpx.Response:
            return await client.post(
                "/ai/llama/v1/embeddings", json={"model": tiny_model.stem, "input": value}
            )

        fits = await embed(["a" * 500, "b" * 500])
        together = await embed(["a" * 500, "b" * 501])
        one = await embed("é" * 501)  # 1002 bytes in UTF-8
    assert fits.status_code == 200, fits.text
    assert len(fits.json()["data"]) == 2
    for refused, size in ((together, 1001), (one, 1002)):
        assert refused.status_code == 413
        assert refused.json()["error"] == {
            "code": "input_too_large",
            "type": "invalid_request_error",
            "message": f"The embedding input is {size} bytes, over "
            "ai.llm.embed_max_total_bytes (1000)",
            "param": "input",
        }


# ----------------------------------------------------------------------------------------------
# lora_path, ORO_AI_LLM_LORA_PATH
# ----------------------------------------------------------------------------------------------


async def _lora_effect(
    host_config: dict[str, Any], environ: dict[str, str], tiny_model: Path, adapter: str
) -> tuple[str, str, dict[str, Any]]:
    """The greedy text before and after attaching ``adapter`` by name alone, and what
    ``ai.llm.lora.load {name}`` answers."""
    body = {"model": tiny_model.stem, "prompt": "abc", "max_tokens": 12, "temperature": 0}
    async with (
        make_host([oro_ai.plugin], config=host_config, environ=environ) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        ipc = MemoryClient(host)
        before = await _text(client, body)
        raise_for_error(
            await ipc.call("ai.llm.lora.attach", name=adapter, model=tiny_model.stem, scale=8.0)
        )
        during = await _text(client, body)
        loaded = raise_for_error(await ipc.call("ai.llm.lora.load", name=f"{adapter}.gguf"))
    assert during != before
    return before, during, loaded


async def test_adapters_in_lora_path_attach_by_name(
    tiny_model: Path, tiny_lora: Path, tmp_path: Path
) -> None:
    adapters = tmp_path / "adapters"
    adapters.mkdir()
    shutil.copy(tiny_lora, adapters / "style.gguf")
    config = _config(tiny_model, **{"ai.llm.lora_path": f"{tmp_path / 'none'}:{adapters}"})
    _, _, loaded = await _lora_effect(config, {}, tiny_model, "style")
    assert loaded == {"name": "style", "path": "style.gguf"}


async def test_the_lora_path_environment_variable(
    tiny_model: Path, tiny_lora: Path, tmp_path: Path
) -> None:
    shutil.copy(tiny_lora, tmp_path / "from-env.gguf")
    environ = {"ORO_AI_LLM_LORA_PATH": str(tmp_path)}
    _, _, loaded = await _lora_effect(_config(tiny_model), environ, tiny_model, "from-env")
    assert loaded == {"name": "from-env", "path": "from-env.gguf"}


async def test_lora_names_and_paths_outside_lora_path(
    tiny_model: Path, tiny_lora: Path, tmp_path: Path
) -> None:
    shutil.copy(tiny_lora, tmp_path / "style.gguf")
    (tmp_path / "notes.txt").write_text("not an adapter")
    config = _config(tiny_model, **{"ai.llm.lora_path": str(tmp_path)})
    async with make_host([oro_ai.plugin], config=config) as host:
        ipc = MemoryClient(host)
        unknown = await ipc.call("ai.llm.lora.attach", name="nope")
        escaping = await ipc.call("ai.llm.lora.load", name="../style")
        not_gguf = await ipc.call("ai.llm.lora.load", name="notes.txt")
        # lora_path is a place ai.llm.lora.load may read a path from.
        by_path = raise_for_error(
            await ipc.call("ai.llm.lora.load", path=str(tmp_path / "style.gguf"), name="s2")
        )
        # Where the app keeps adapters on disk is not handed to pages.
        pages = host.config.flattened(include_secrets=False)
    assert isinstance(unknown.error, NotFoundError)
    assert "ai.llm.lora_path" in unknown.error.message
    assert isinstance(escaping.error, InvalidArgumentError)
    assert isinstance(not_gguf.error, NotFoundError)
    assert by_path == {"name": "s2", "path": "style.gguf"}
    assert "ai_llm_lora_path" not in pages
    assert pages["ai_llm_server_prefix"] == "/ai/llama"


# ----------------------------------------------------------------------------------------------
# gpu_layer_count, context_n_ubatch
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("configured", "passed"), [({}, -1), ({"ai.llm.gpu_layer_count": 0}, 0)])
async def test_gpu_layer_count_is_llama_cpps_n_gpu_layers(
    tiny_model: Path, configured: dict[str, Any], passed: int
) -> None:
    async with make_host([oro_ai.plugin], config=_config(tiny_model, **configured)) as host:
        raise_for_error(await MemoryClient(host).call("ai.llm.model.load", name=tiny_model.stem))
        model = host.stash[STATE].manager.loaded[tiny_model.stem]
        # The parameters llama_model_load_from_file was called with.
        assert model.model.params.n_gpu_layers == passed


async def test_a_negative_gpu_layer_count_other_than_all_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"ai\.llm\.gpu_layer_count.*-1 \(every layer\)"):
        async with make_host([oro_ai.plugin], config={"ai.llm.gpu_layer_count": -2}):
            pass


@pytest.mark.parametrize(("ubatch", "expected"), [(0, 256), (16, 16), (1024, 256)])
async def test_context_n_ubatch_is_the_contexts_micro_batch(
    tiny_model: Path, ubatch: int, expected: int
) -> None:
    config = _config(tiny_model, **{"ai.llm.batch_size": 256, "ai.llm.context_n_ubatch": ubatch})
    body = {"model": tiny_model.stem, "prompt": "word " * 40, "max_tokens": 4, "temperature": 0}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        # A prompt of more tokens than the micro-batch is decoded in several passes.
        reply = await client.post("/ai/llama/v1/completions", json=body)
        model = host.stash[STATE].manager.loaded[tiny_model.stem]
        sizes = [llama_cpp.llama_n_ubatch(worker.context.ctx) for worker in model.workers]
    assert reply.status_code == 200, reply.text
    assert reply.json()["usage"]["prompt_tokens"] > 16
    assert sizes == [expected]


# ----------------------------------------------------------------------------------------------
# debug_route_metrics*, enable_metrics
# ----------------------------------------------------------------------------------------------


async def test_route_metrics_count_requests_and_statuses_per_endpoint(tiny_model: Path) -> None:
    config = _config(
        tiny_model,
        **{"ai.llm.debug_route_metrics": True, "ai.llm.debug_route_metrics_top_k": 2},
    )
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        tokenize = {"model": tiny_model.stem, "content": "hi"}
        for _ in range(3):
            assert (await client.post("/ai/llama/tokenize", json=tokenize)).status_code == 200
        assert (await client.post("/ai/llama/tokenize", content=b"{")).status_code == 400
        for _ in range(2):
            assert (await client.get("/ai/llama/v1/models")).status_code == 200
        assert (await client.get("/ai/llama/made/up")).status_code == 404
        health = (await client.get("/ai/llama/health")).json()["routes"]
        found = host.stash[STATE].diagnostics()["routes"]
    # Top 2 by count; /health counts itself, its status comes once it answered.
    assert health == {
        "counts": {"/ai/llama/tokenize": 4, "/ai/llama/v1/models": 2},
        "recent": [
            *["/ai/llama/tokenize"] * 4,
            *["/ai/llama/v1/models"] * 2,
            "unrouted",
            "/ai/llama/health",
        ],
        "status": {
            "/ai/llama/tokenize": {"2xx": 3, "4xx": 1},
            "/ai/llama/v1/models": {"2xx": 2},
        },
    }
    assert found["counts"] == health["counts"]
    assert found["recent"] == health["recent"]


async def test_route_metrics_recent_window_and_off_by_default(tiny_model: Path) -> None:
    window = _config(
        tiny_model,
        **{"ai.llm.debug_route_metrics": True, "ai.llm.debug_route_metrics_recent_ms": 1},
    )
    async with (
        make_host([oro_ai.plugin], config=window) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        await client.get("/ai/llama/v1/models")
        # The request was counted before its answer: the 1 ms window is over once the clock the
        # metrics read has moved 1 ms past that.
        answered = time.monotonic()
        while time.monotonic() <= answered + 0.001:
            await anyio.lowlevel.checkpoint()
        routes = host.stash[STATE].diagnostics()["routes"]
    assert routes["counts"] == {"/ai/llama/v1/models": 1}
    assert routes["recent"] == []
    async with (
        make_host([oro_ai.plugin], config=_config(tiny_model)) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        health = (await client.get("/ai/llama/health")).json()
        diagnostics = host.stash[STATE].diagnostics()
    assert health["routes"] is None
    assert "routes" not in diagnostics


async def test_enable_metrics_off_hides_the_metrics_endpoint(tiny_model: Path) -> None:
    config = _config(tiny_model, **{"ai.llm.enable_metrics": False})
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        metrics = await client.get("/ai/llama/metrics")
        health = await client.get("/ai/llama/health")
    assert metrics.status_code == 404
    assert metrics.json()["error"]["message"] == (
        "/ai/llama/metrics is off (ai.llm.enable_metrics = false)"
    )
    assert health.status_code == 200


# ----------------------------------------------------------------------------------------------
# debug_kv_log, debug_kv_log_interval_ms
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "interval_ms", "lines"), [(True, 0, 2), (True, 60_000, 1), (False, 0, 0)]
)
async def test_kv_clears_are_counted_and_logged_with_debug_kv_log(
    tiny_model: Path,
    caplog: pytest.LogCaptureFixture,
    enabled: bool,
    interval_ms: int,
    lines: int,
) -> None:
    config = _config(
        tiny_model,
        **{
            "ai.llm.parallel": 1,
            "ai.llm.debug_kv_log": enabled,
            "ai.llm.debug_kv_log_interval_ms": interval_ms,
        },
    )
    body = {"model": tiny_model.stem, "max_tokens": 2, "temperature": 0}
    caplog.set_level(logging.INFO, logger="oro_ai.kv")
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        # One sequence: each prompt that shares nothing with the last drops its cached tokens.
        for prompt in ("first prompt", "xyz other", "first prompt"):
            await _text(client, {**body, "prompt": prompt})
        stats = host.stash[STATE].manager.stats()
        health = (await client.get("/ai/llama/health")).json()
        metrics = (await client.get("/ai/llama/metrics")).text
    records = [record for record in caplog.records if record.name == "oro_ai.kv"]
    assert stats["kvClears"] == 2
    assert stats["kvTokensDropped"] > 0
    assert health["pool"]["kvClears"] == 2
    assert "\noro_ai_kv_clears_total 2\n" in metrics
    assert len(records) == lines
    if records:
        assert records[0].getMessage().startswith(f"kv_clear {tiny_model.stem}#0: 1 clear(s), ")


# ----------------------------------------------------------------------------------------------
# Oro's own config file
# ----------------------------------------------------------------------------------------------


async def test_oro_ini_ai_llm_keys_are_honoured(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("")
    (tmp_path / "oro.ini").write_text(
        "[meta]\nbundle_identifier = com.example.ai\n\n"
        "[ai.llm]\n"
        f"model_path = {tiny_model.parent}\n"
        "server_prefix = /llm\n"
        "default_top_k = 1\n"
        "debug_route_metrics = true\n"
        "gpu_layer_count = 0\n"
        # Oro's names of two keys named otherwise here: threads, batch_size.
        "n_threads = 1\n"
        "context_n_batch = 128\n"
        "context_n_ubatch = 32\n"
        # Oro's "no burst" is accepted.
        "rate_limit_burst = 0\n"
    )
    body = {"model": tiny_model.stem, "prompt": "abc", "max_tokens": 8, "seed": 3}
    async with (
        make_host([oro_ai.plugin], app_dir=tmp_path) as host,
        live_server(host) as server,
        server.client(timeout=60) as client,
    ):
        greedy = await _text(client, {**body, "temperature": 0}, prefix="/llm")
        defaulted = await _text(client, {**body, "temperature": 1.0}, prefix="/llm")
        routes = (await client.get("/llm/health")).json()["routes"]
        model = host.stash[STATE].manager.loaded[tiny_model.stem]
        assert model.model.params.n_gpu_layers == 0
        (worker,) = model.workers
        assert worker.threads == 1
        assert llama_cpp.llama_n_batch(worker.context.ctx) == 128
        assert llama_cpp.llama_n_ubatch(worker.context.ctx) == 32
    assert defaulted == greedy
    assert routes["counts"]["/llm/v1/completions"] == 2
