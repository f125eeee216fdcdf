"""The model state pages observe (``ai.llm.model.status``, the ``aimodelstatechange`` event) and
the loading log lines, with the real llama.cpp loading real model files."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import anyio
import oro_ai.plugin
import pytest
from oro_ai.model_status import MODEL_STATE_EVENT, human_size

from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


@pytest.fixture
def broken_model(tmp_path: Path) -> Path:
    """A file named like a model that llama.cpp refuses (not GGUF)."""
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"this is not a GGUF file" * 64)
    return path


async def test_loading_logs_states_and_events(
    tiny_model: Path, broken_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="oro_ai")
    config = {
        "ai.llm.model_path": os.pathsep.join([str(tiny_model.parent), str(broken_model.parent)]),
        "ai.llm.default_model": tiny_model.stem,
        "ai.llm.threads": 1,
    }
    name = tiny_model.stem
    async with make_host([oro_ai.plugin], config=config) as host:
        client = MemoryClient(host)
        events: list[dict[str, Any]] = []
        async with host.events.subscribe() as stream:
            before = raise_for_error(await client.call("ai.llm.model.status"))
            loaded = raise_for_error(await client.call("ai.llm.model.load", name=name))
            after = raise_for_error(await client.call("ai.llm.model.status", name=name))
            failed = await client.call("ai.llm.model.load", name="broken")
            broken = raise_for_error(await client.call("ai.llm.model.status", name="broken"))
            raise_for_error(await client.call("ai.llm.model.unload", name=name))
            unloaded = raise_for_error(await client.call("ai.llm.model.status"))
            missing = await client.call("ai.llm.model.status", name="no-such-model")
            with anyio.fail_after(30):
                async for event in stream:
                    if event.name == MODEL_STATE_EVENT:
                        events.append(event.data)
                    if len(events) == 5:
                        break

    size = (await anyio.Path(tiny_model).stat()).st_size
    assert before == {
        "model": name,
        "path": tiny_model.name,
        "state": "unloaded",
        "size": size,
        "loadSeconds": None,
        "error": None,
    }
    assert loaded["loaded"] is True
    assert after["state"] == "ready"
    assert after["size"] == size
    assert isinstance(after["loadSeconds"], float)
    assert after["loadSeconds"] >= 0

    assert failed.error is not None
    assert broken["state"] == "error"
    assert "broken" in broken["error"]
    assert isinstance(broken["loadSeconds"], float)
    assert unloaded["state"] == "unloaded"
    assert missing.error is not None
    assert type(missing.error).__name__ == "NotFoundError"
    assert "'no-such-model' does not exist" in str(missing.error)

    assert [(event["model"], event["state"]) for event in events] == [
        (name, "loading"),
        (name, "ready"),
        ("broken", "loading"),
        ("broken", "error"),
        (name, "unloaded"),
    ]
    assert events[1]["loadSeconds"] == after["loadSeconds"]

    lines = [(rec.levelno, rec.getMessage()) for rec in caplog.records if rec.name == "oro_ai"]
    assert (logging.INFO, f"loading {name} ({human_size(size)})…") in lines
    ready = [text for level, text in lines if level == logging.INFO and "ready in" in text]
    assert len(ready) == 1
    assert re.fullmatch(rf"{re.escape(name)} ready in \d+\.\d s", ready[0])
    errors = [text for level, text in lines if level == logging.ERROR]
    assert len(errors) == 1
    assert re.match(r"loading broken failed after \d+\.\d s: ", errors[0])
    assert (logging.INFO, f"{name} unloaded") in lines


def test_human_size() -> None:
    assert [human_size(n) for n in (None, 0, 999, 1000, 105_500_000, 4_200_000_000)] == [
        "size unknown",
        "0 B",
        "999 B",
        "1.0 kB",
        "105.5 MB",
        "4.2 GB",
    ]
