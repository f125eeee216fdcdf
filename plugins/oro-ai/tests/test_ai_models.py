"""Models and adapters through the ai.llm.* routes and the API: the search path, explicit
loading by path, unloading (on request and when idle), LoRA adapters, embeddings."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import anyio
import oro_ai.plugin
import pytest
from oro_ai.state import STATE

from oro_framework import InvalidArgumentError, NotFoundError
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def test_load_by_path_list_and_unload(tiny_model: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "more"
    elsewhere.mkdir()
    copy = shutil.copy(tiny_model, elsewhere / "other-tiny.gguf")
    # Paths must lie where models may come from (test_ai_model_paths.py): tmp_path is made
    # the models directory.
    config = {"ai.llm.threads": 1, "ai.llm.models_dir": str(tmp_path)}
    async with make_host([oro_ai.plugin], config=config) as host:
        client = MemoryClient(host)
        listed = raise_for_error(await client.call("ai.llm.model.list"))
        assert "other-tiny" not in [model["name"] for model in listed["models"]]
        loaded = raise_for_error(await client.call("ai.llm.model.load", path=str(copy)))
        assert loaded["name"] == "other-tiny"
        assert loaded["loaded"] is True
        listed = raise_for_error(await client.call("ai.llm.model.list"))
        entry = next(model for model in listed["models"] if model["name"] == "other-tiny")
        assert entry["loaded"] is True
        unloaded = raise_for_error(await client.call("ai.llm.model.unload", name="other-tiny"))
        assert unloaded == {"name": "other-tiny", "unloaded": True}
        assert "other-tiny" not in host.stash[STATE].manager.loaded
        again = raise_for_error(await client.call("ai.llm.model.unload", name="other-tiny"))
        assert again["unloaded"] is False
        missing = await client.call("ai.llm.model.load", name="nope")
        assert isinstance(missing.error, NotFoundError)
        no_file = await client.call("ai.llm.model.load", path=str(tmp_path / "absent.gguf"))
        assert isinstance(no_file.error, NotFoundError)
        not_gguf = tmp_path / "notes.txt"
        not_gguf.write_text("hello")
        refused = await client.call("ai.llm.model.load", path=str(not_gguf))
        assert isinstance(refused.error, InvalidArgumentError)
        garbage = tmp_path / "garbage.gguf"
        garbage.write_bytes(b"GGUF" + b"\x00" * 64)
        broken = await client.call("ai.llm.model.load", path=str(garbage))
        assert isinstance(broken.error, InvalidArgumentError)
        assert "cannot be loaded" in broken.error.message


async def test_idle_models_are_unloaded(tiny_model: Path) -> None:
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.llm.idle_timeout": 0.2,
    }
    async with make_host([oro_ai.plugin], config=config) as host:
        client = MemoryClient(host)
        raise_for_error(await client.call("ai.llm.model.load", name=tiny_model.stem))
        manager = host.stash[STATE].manager
        assert tiny_model.stem in manager.loaded
        with anyio.fail_after(20):
            # Polling: the state changes on the worker thread, which signals no event.
            while tiny_model.stem in manager.loaded:  # noqa: ASYNC110
                await anyio.sleep(0.05)


async def test_lora_routes_load_attach_detach(tiny_model: Path, tiny_lora: Path) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    body = {"model": tiny_model.stem, "prompt": "ab", "max_tokens": 8, "temperature": 0}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as http,
    ):
        client = MemoryClient(host)
        loaded = raise_for_error(
            await client.call("ai.llm.lora.load", path=str(tiny_lora), name="style")
        )
        assert loaded["name"] == "style"
        attached = raise_for_error(
            await client.call("ai.llm.lora.attach", name="style", model=tiny_model.stem, scale=4.0)
        )
        assert attached["scale"] == 4.0
        completion = await http.post("/ai/llama/v1/completions", json=body)
        assert completion.status_code == 200
        model = host.stash[STATE].manager.loaded[tiny_model.stem]
        assert model.describe()["adapters"] == [{"name": "style", "scale": 4.0}]
        detached = raise_for_error(
            await client.call("ai.llm.lora.detach", name="style", model=tiny_model.stem)
        )
        assert detached["detached"] is True
        assert model.describe()["adapters"] == []
        unknown = await client.call("ai.llm.lora.attach", name="nope", model=tiny_model.stem)
        assert isinstance(unknown.error, NotFoundError)


async def test_lora_attach_changes_generated_tokens(tiny_model: Path, tiny_lora: Path) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    body = {"model": tiny_model.stem, "prompt": "abc", "max_tokens": 12, "temperature": 0}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as http,
    ):
        client = MemoryClient(host)

        async def tokens() -> tuple[str, int]:
            reply = (await http.post("/ai/llama/v1/completions", json=body)).json()
            return reply["choices"][0]["text"], reply["usage"]["completion_tokens"]

        before = await tokens()
        raise_for_error(await client.call("ai.llm.lora.load", path=str(tiny_lora)))
        raise_for_error(
            await client.call(
                "ai.llm.lora.attach", name=tiny_lora.stem, model=tiny_model.stem, scale=8.0
            )
        )
        manager = host.stash[STATE].manager
        cached = manager.stats()["cachedPromptTokens"]
        during = await tokens()
        # The prompt's cached states were computed without the adapter: not reused.
        assert manager.stats()["cachedPromptTokens"] == cached
        raise_for_error(
            await client.call("ai.llm.lora.detach", name=tiny_lora.stem, model=tiny_model.stem)
        )
        after = await tokens()
    assert during != before
    assert after == before


async def test_embeddings_are_normalised_and_batched(tiny_model: Path) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    async with (
        make_host([oro_ai.plugin], config=config) as host,
        live_server(host) as server,
        server.client(timeout=60) as http,
    ):
        reply = await http.post(
            "/ai/llama/v1/embeddings",
            json={"model": tiny_model.stem, "input": ["one", "two words", "one"]},
        )
        empty = await http.post(
            "/ai/llama/v1/embeddings", json={"model": tiny_model.stem, "input": []}
        )
    assert reply.status_code == 200, reply.text
    data = reply.json()["data"]
    assert [item["index"] for item in data] == [0, 1, 2]
    vectors = [item["embedding"] for item in data]
    for vector in vectors:
        assert math.isclose(math.sqrt(sum(value * value for value in vector)), 1.0, rel_tol=1e-4)
    assert vectors[0] == pytest.approx(vectors[2])
    assert vectors[0] != pytest.approx(vectors[1])
    assert reply.json()["usage"]["prompt_tokens"] > 0
    assert empty.status_code == 422


async def test_health_answers_503_while_a_model_loads(tiny_model: Path) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async with make_host([oro_ai.plugin], config=config) as host:
        state = host.stash[STATE]
        async with anyio.create_task_group() as group:
            group.start_soon(state.manager.get, tiny_model.stem)
            while tiny_model.stem not in state.manager.loading:
                await anyio.lowlevel.checkpoint()
            # The ASGI app itself, called while the load runs in its thread.
            scope = {"type": "http", "method": "GET", "path": "/health", "headers": []}
            await state.api(scope, receive, send)
        assert tiny_model.stem in state.manager.loaded
    assert sent[0]["status"] == 503
    assert (b"retry-after", b"1") in sent[0]["headers"]  # type: ignore[operator]
