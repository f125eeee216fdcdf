"""A real page watches a real model load: `model.status()`, `model.ready()` and the
`aimodelstatechange` event, in headless Chromium against the real bridge and llama.cpp."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import oro_ai.plugin
import pytest
from playwright.sync_api import Browser

import oro_framework.core.ping
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app


@pytest.fixture(scope="module")
def app(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    # A model of its own: no other test of the session has loaded it.
    models = tmp_path_factory.mktemp("state-models")
    shutil.copy(tiny_model, models / "watched.gguf")
    (models / "broken.gguf").write_bytes(b"this is not a GGUF file" * 64)
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>ai</title><p>ai</p>")
    config = {
        "ai.llm.model_path": os.pathsep.join([str(models)]),
        "ai.llm.default_model": "watched",
        "ai.llm.threads": 1,
    }
    with served_app(
        [oro_framework.core.ping, oro_ai.plugin], config=config, app_dir=app_dir
    ) as served:
        yield served


def test_page_sees_the_model_load_and_fail(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app) as page:
        result = page.evaluate(
            """async () => {
                const ai = await import('oro:ai')
                const events = []
                const waiters = []
                globalThis.addEventListener(ai.MODEL_STATE_EVENT, (event) => {
                    events.push(event.detail)
                    for (const waiter of waiters.splice(0)) waiter()
                })
                const eventCount = async (n) => {
                    while (events.length < n) await new Promise((resolve) => waiters.push(resolve))
                }
                const before = await ai.model.status()
                const ready = ai.model.ready()
                const reply = await ai.chat({
                    max_tokens: 4, temperature: 0, messages: [{ role: 'user', content: 'hi' }],
                })
                const readyStatus = await ready
                await eventCount(2)
                await ai.model.unload({ name: 'watched' })
                await eventCount(3)
                const failing = ai.model.ready({ name: 'broken' })
                const loadError = await ai.model.load({ name: 'broken' }).then(
                    () => null, (error) => error.name)
                const readyError = await failing.then(() => null, (error) => ({
                    name: error.name, code: error.code, message: error.message,
                }))
                await eventCount(5)
                const aborted = new AbortController()
                const waiting = ai.model.ready({ signal: aborted.signal })
                aborted.abort()
                const abortName = await waiting.then(() => null, (error) => error.name)
                return {
                    before, readyStatus, events, loadError, readyError, abortName,
                    answered: reply.choices.length,
                    after: await ai.model.status({ name: 'watched' }),
                    broken: await ai.model.status({ name: 'broken' }),
                    fromDefault: ai.default.MODEL_STATE_EVENT,
                }
            }"""
        )
    assert result["before"]["state"] == "unloaded"
    assert result["before"]["model"] == "watched"
    assert result["before"]["size"] > 0
    assert result["answered"] == 1
    assert result["readyStatus"]["state"] == "ready"
    assert result["readyStatus"]["loadSeconds"] >= 0
    assert [(event["model"], event["state"]) for event in result["events"]] == [
        ("watched", "loading"),
        ("watched", "ready"),
        ("watched", "unloaded"),
        ("broken", "loading"),
        ("broken", "error"),
    ]
    assert result["events"][1]["size"] == result["before"]["size"]
    assert result["loadError"] is not None
    assert result["readyError"]["name"] == "AIError"
    assert result["readyError"]["code"] == "model_load_failed"
    assert "broken" in result["readyError"]["message"]
    assert result["abortName"] == "AbortError"
    assert result["after"]["state"] == "unloaded"
    assert result["broken"]["state"] == "error"
    assert result["broken"]["error"]
    assert result["fromDefault"] == "aimodelstatechange"
