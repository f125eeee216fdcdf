"""`oro:ai` in a real headless Chromium with an upstream server (:mod:`scripted_upstream`, a real
HTTP server on loopback): page code unchanged, an `AbortSignal` closing the upstream request,
upstream errors as `AIError`s, and the fallback's field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import oro_ai.plugin
import pytest
from playwright.sync_api import Browser, Page
from scripted_upstream import ScriptedUpstream, scripted_upstream, unreachable_url

import oro_framework.core.ping
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app


@pytest.fixture(scope="module")
def upstream() -> Iterator[ScriptedUpstream]:
    with scripted_upstream() as server:
        yield server


@pytest.fixture(scope="module")
def app(
    tiny_model: Path, upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>ai</title><p>ai</p>")
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.threads": 1,
        "ai.upstreams.scripted.base_url": upstream.url,
        # Nothing listens there: its model is answered by the fallback.
        "ai.upstreams.gone.base_url": unreachable_url(),
        "ai.upstreams.gone.models": ["big"],
        "ai.upstreams.gone.retries": 0,
        "ai.fallback": tiny_model.stem,
    }
    with served_app(
        [oro_framework.core.ping, oro_ai.plugin], config=config, app_dir=app_dir
    ) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    """A page on each engine: streams, aborts and errors are what differs between them."""
    with app_page(browser, app) as page:
        yield page


def test_page_code_streams_an_upstream_model_and_lists_where_models_live(
    page: Page, tiny_model: Path
) -> None:
    result = page.evaluate(
        """async () => {
            const { chat, models } = await import('oro:ai')
            const stream = await chat({
                model: 'fast', stream: true, max_tokens: 3,
                messages: [{ role: 'user', content: 'hi' }],
                stream_options: { include_usage: true },
            })
            const deltas = []
            for await (const delta of stream.text()) deltas.push(delta)
            const listed = await models()
            return {
                deltas, finish: stream.finishReason, usage: stream.usage,
                where: Object.fromEntries(
                    listed.map((m) => [m.id, [m.location, m.upstream ?? null]])),
            }
        }"""
    )
    assert result["deltas"] == ["t0 ", "t1 ", "t2 "]
    assert result["finish"] == "length"
    assert result["usage"]["completion_tokens"] == 3
    assert result["where"]["fast"] == ["upstream", "scripted"]
    assert result["where"]["big"] == ["upstream", "gone"]
    assert result["where"][tiny_model.stem] == ["local", None]


def test_an_abort_signal_closes_the_upstream_request_within_one_chunk(
    page: Page, upstream: ScriptedUpstream
) -> None:
    result = page.evaluate(
        """async () => {
            const { chat } = await import('oro:ai')
            const controller = new AbortController()
            const stream = await chat({
                model: 'gated', stream: true, max_tokens: 50, signal: controller.signal,
                messages: [{ role: 'user', content: 'hi' }],
            })
            const seen = []
            try {
                for await (const delta of stream.text()) {
                    seen.push(delta)
                    controller.abort()
                }
            } catch (error) {
                return { seen, name: error.name, code: error.code }
            }
            return { seen, name: null }
        }"""
    )
    assert result == {"seen": ["t0 "], "name": "AbortError", "code": "ABORT_ERR"}
    request = upstream.last("gated")
    # The gate never opened: the upstream learnt of the abort after its first chunk.
    assert request.client_left.wait(30)
    assert request.chunks_sent == 1


def test_upstream_errors_and_the_fallback_reach_page_code(page: Page, tiny_model: Path) -> None:
    result = page.evaluate(
        """async () => {
            const { chat, AIError } = await import('oro:ai')
            const messages = [{ role: 'user', content: 'hi' }]
            const errors = {}
            for (const model of ['status-429', 'status-500']) {
                try {
                    await chat({ model, messages })
                } catch (error) {
                    errors[model] = {
                        isAIError: error instanceof AIError, code: error.code, status: error.status,
                        upstream: error.upstream, upstreamStatus: error.upstreamStatus,
                        retryAfter: error.retryAfter,
                    }
                }
            }
            const answer = await chat({ model: 'big', messages, max_tokens: 2 })
            return { errors, model: answer.model, fallback: answer.fallback }
        }"""
    )
    assert result["errors"]["status-429"] == {
        "isAIError": True,
        "code": "upstream_error",
        "status": 429,
        "upstream": "scripted",
        "upstreamStatus": 429,
        "retryAfter": 7,
    }
    assert result["errors"]["status-500"]["status"] == 502
    assert result["errors"]["status-500"]["upstreamStatus"] == 500
    assert result["model"] == tiny_model.stem
    assert result["fallback"]["requested"] == "big"
    assert result["fallback"]["upstream"] == "gone"
    assert result["fallback"]["reason"] == "upstream_unavailable"
