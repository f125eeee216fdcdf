"""`oro:ai` in a real headless Chromium follows `[ai.llm] server_prefix`."""

from __future__ import annotations

from pathlib import Path

import oro_ai.plugin
from playwright.sync_api import Browser

import oro_framework.core.ping
from oro_framework.testing import app_page, served_app


def test_oro_ai_talks_to_the_configured_prefix(
    chromium_browser: Browser, tiny_model: Path, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>ai</title><p>ai</p>")
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.default_model": tiny_model.stem,
        "ai.llm.server_prefix": "/llm",
        "ai.llm.threads": 1,
    }
    plugins = [oro_framework.core.ping, oro_ai.plugin]
    with (
        served_app(plugins, config=config, app_dir=tmp_path) as app,
        app_page(chromium_browser, app) as page,
    ):
        result = page.evaluate(
            """async () => {
                const { BASE_PATH, chat, models } = await import('oro:ai')
                const reply = await chat({
                    max_tokens: 3, temperature: 0, messages: [{ role: 'user', content: 'hi' }],
                })
                const listed = await models()
                const old = await fetch('/ai/llama/v1/models')
                return {
                    base: BASE_PATH, tokens: reply.usage.completion_tokens,
                    listed: listed.map((model) => model.id), old: old.status,
                }
            }"""
        )
    assert result["base"] == "/llm/v1"
    assert result["tokens"] == 3
    assert tiny_model.stem in result["listed"]
    assert result["old"] == 404
