"""Where ``ai.llm.model.load`` and ``ai.llm.lora.load`` may read a ``path`` from: the app's
resources, its data directory, ``ai.llm.models_dir`` and the search path. Anywhere else is
``SecurityError`` ``EPERM``, answered identically whether or not a file is there."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest

from oro_framework import IPCError, SecurityError
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio

CONFIG = {"ai.llm.threads": 1}


def refusal(error: IPCError | None, path: Path) -> dict[str, Any]:
    """The error a page sees, with the path it asked for blanked out."""
    assert isinstance(error, SecurityError)
    return {
        name: value.replace(str(path), "<path>") if isinstance(value, str) else value
        for name, value in {**error.to_dict(), "status": error.status}.items()
    }


@pytest.fixture
def outside(tmp_path: Path, tiny_model: Path, tiny_lora: Path) -> Path:
    """A directory models may not come from, holding a real model and adapter."""
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    shutil.copy(tiny_model, directory / "stray.gguf")
    shutil.copy(tiny_lora, directory / "stray-lora.gguf")
    return directory


async def test_model_path_outside_is_eperm_whether_or_not_the_file_exists(outside: Path) -> None:
    existing, missing = outside / "stray.gguf", outside / "missing.gguf"
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        client = MemoryClient(host)
        for_existing = await client.call("ai.llm.model.load", path=str(existing))
        for_missing = await client.call("ai.llm.model.load", path=str(missing))
        for_directory = await client.call("ai.llm.model.load", path=str(outside))
        listed = raise_for_error(await client.call("ai.llm.model.list"))

    assert refusal(for_existing.error, existing) == refusal(for_missing.error, missing)
    assert refusal(for_existing.error, existing)["code"] == "EPERM"
    assert refusal(for_existing.error, existing)["status"] == 403
    assert refusal(for_directory.error, outside)["code"] == "EPERM"
    assert "stray" not in [model["name"] for model in listed["models"]]


async def test_lora_path_outside_is_eperm_whether_or_not_the_file_exists(outside: Path) -> None:
    existing, missing = outside / "stray-lora.gguf", outside / "missing-lora.gguf"
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        client = MemoryClient(host)
        for_existing = await client.call("ai.llm.lora.load", path=str(existing))
        for_missing = await client.call("ai.llm.lora.load", path=str(missing))

    assert refusal(for_existing.error, existing) == refusal(for_missing.error, missing)
    assert refusal(for_existing.error, existing)["code"] == "EPERM"


async def test_symlink_or_parent_segments_leading_out_of_the_models_dir_are_eperm(
    outside: Path,
) -> None:
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        models = host.paths.data / "models"
        models.mkdir()
        (models / "link.gguf").symlink_to(outside / "stray.gguf")
        escaping = models / ".." / ".." / outside.name / "stray.gguf"
        client = MemoryClient(host)
        linked = await client.call("ai.llm.model.load", path=str(models / "link.gguf"))
        climbed = await client.call("ai.llm.model.load", path=str(escaping))

    assert isinstance(linked.error, SecurityError)
    assert isinstance(climbed.error, SecurityError)
    assert (linked.error.code, climbed.error.code) == ("EPERM", "EPERM")


async def test_model_in_the_models_dir_loads_by_path_and_by_name(tiny_model: Path) -> None:
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        models = host.paths.data / "models"
        models.mkdir()
        copy = shutil.copy(tiny_model, models / "mine.gguf")
        client = MemoryClient(host)
        listed = raise_for_error(await client.call("ai.llm.model.list"))
        loaded = raise_for_error(await client.call("ai.llm.model.load", path=str(copy)))

    assert {"name": "mine", "source": "search-path"}.items() <= next(
        model for model in listed["models"] if model["name"] == "mine"
    ).items()
    assert loaded["loaded"] is True


async def test_model_in_the_resources_loads_by_relative_path(
    tmp_path: Path, tiny_model: Path
) -> None:
    app = tmp_path / "app"
    (app / "models").mkdir(parents=True)
    shutil.copy(tiny_model, app / "models" / "bundled.gguf")
    async with make_host([oro_ai.plugin], config=CONFIG, app_dir=app) as host:
        loaded = raise_for_error(
            await MemoryClient(host).call("ai.llm.model.load", path="models/bundled.gguf")
        )

    assert loaded["name"] == "bundled"


async def test_configured_models_dir_and_model_path_are_allowed(
    tmp_path: Path, tiny_model: Path, tiny_lora: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(tiny_model, mine / "configured.gguf")
    config = {**CONFIG, "ai.llm.models_dir": str(mine), "ai.llm.model_path": str(tiny_lora.parent)}
    async with make_host([oro_ai.plugin], config=config) as host:
        client = MemoryClient(host)
        model = raise_for_error(
            await client.call("ai.llm.model.load", path=str(mine / "configured.gguf"))
        )
        adapter = raise_for_error(await client.call("ai.llm.lora.load", path=str(tiny_lora)))

    assert model["name"] == "configured"
    assert adapter["name"] == tiny_lora.stem


async def test_refused_model_path_is_403_eperm_over_http(outside: Path) -> None:
    async with (
        make_host([oro_ai.plugin], config=CONFIG) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get(
            "/ipc/ai.llm.model.load", params={"path": str(outside / "stray.gguf")}
        )

    assert response.status_code == 403
    assert response.json()["err"]["type"] == "SecurityError"
    assert response.json()["err"]["code"] == "EPERM"


async def test_a_path_with_a_nul_byte_is_eperm_not_an_internal_error() -> None:
    # Found by the reliability fuzz: realpath raised ValueError, answered as a 500.
    async with make_host([oro_ai.plugin], config=CONFIG) as host:
        client = MemoryClient(host)
        model = await client.call("ai.llm.model.load", path="models/a\0b.gguf")
        lora = await client.call("ai.llm.lora.load", path="\0")
    assert isinstance(model.error, SecurityError)
    assert (model.error.code, model.error.status) == ("EPERM", 403)
    assert isinstance(lora.error, SecurityError)
    assert lora.error.code == "EPERM"


async def test_no_answer_a_page_gets_holds_a_host_path(
    tmp_path: Path, tiny_model: Path, tiny_lora: Path
) -> None:
    """Issue 39 item 4: ``ai.llm.model.list`` (and the routes and events describing a model)
    showed each model's absolute path, telling a page the user's name and the app's layout.
    Now a page sees file names only, errors included."""
    search = tmp_path / "search"
    search.mkdir()
    shutil.copy(tiny_model, search / "tiny.gguf")
    (search / "broken.gguf").write_bytes(b"GGUF but not a model")
    config = {**CONFIG, "ai.llm.model_path": str(search)}
    async with make_host([oro_ai.plugin], config=config) as host:
        models = host.paths.data / "models"
        models.mkdir()
        adapter = shutil.copy(tiny_lora, models / "style.gguf")
        client = MemoryClient(host)
        answers = [
            raise_for_error(await client.call("ai.llm.model.list")),
            raise_for_error(await client.call("ai.llm.model.status", name="tiny")),
            raise_for_error(await client.call("ai.llm.model.load", path=str(search / "tiny.gguf"))),
            raise_for_error(await client.call("ai.llm.model.list")),
            raise_for_error(await client.call("ai.llm.lora.load", path=str(adapter))),
            raise_for_error(await client.call("ai.llm.model.status", name="tiny")),
        ]
        failed = await client.call("ai.llm.model.load", name="broken")
        broken = raise_for_error(await client.call("ai.llm.model.status", name="broken"))
        not_model = await client.call("ai.llm.model.load", path=str(models / "style.gguf"))
        async with live_server(host) as server, server.client() as http:
            health = (await http.get("/ai/llama/health")).json()
        places = [str(search), str(host.paths.data), str(tmp_path), str(Path.home())]

    assert failed.error is not None
    assert not_model.error is not None  # an adapter is no model: llama.cpp's error names it
    shown = [*answers, broken, health, failed.error.message, not_model.error.message]
    text = repr(shown)
    for place in places:
        assert place not in text
    listed = {model["name"]: model["path"] for model in answers[3]["models"]}
    assert listed["tiny"] == "tiny.gguf"
    assert all("/" not in path for path in listed.values())  # the default model's too
    assert answers[2]["path"] == "tiny.gguf"
    assert answers[4] == {"name": "style", "path": "style.gguf"}
    assert answers[5]["path"] == "tiny.gguf"
    assert broken["state"] == "error"
    assert "broken.gguf" in broken["error"]
