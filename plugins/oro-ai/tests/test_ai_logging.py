"""llama.cpp's log lines reach Python logging at their real level instead of stderr."""

from __future__ import annotations

import logging
from pathlib import Path

import oro_ai.plugin
import pytest

from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def test_llama_cpp_chatter_is_debug_logging_not_stderr(
    tiny_model: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="oro_ai.llama")
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    async with make_host([oro_ai.plugin], config=config) as host:
        raise_for_error(await MemoryClient(host).call("ai.llm.model.load", name=tiny_model.stem))
    reports = [rec for rec in caplog.records if "constructing llama_context" in rec.message]
    assert reports, "llama.cpp's context report did not reach the oro_ai.llama logger"
    assert all(rec.levelno == logging.INFO for rec in reports)
    assert "constructing llama_context" not in capfd.readouterr().err
