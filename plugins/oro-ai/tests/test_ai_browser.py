"""`oro:ai` in real headless Chromium against the real server and the real llama.cpp; the stream,
abort and error cases on WebKitGTK too (it reads a fetch body whether the page reads or not)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest
from oro_ai.state import STATE
from playwright.sync_api import Browser, Page

import oro_framework.core.ping
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app


@pytest.fixture(scope="module")
def app(
    tiny_model: Path, tiny_lora: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>ai</title><p>ai</p>")
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.llm.default_model": tiny_model.stem,
    }
    with served_app(
        [oro_framework.core.ping, oro_ai.plugin], config=config, app_dir=app_dir
    ) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    """A page on each engine."""
    with app_page(browser, app) as page:
        yield page


@pytest.fixture
def chromium_page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    """A page on Chromium only: plain calls, which WebKit's cases already cover."""
    with app_page(chromium_browser, app) as page:
        yield page


def test_chat_streams_chunks_and_text(page: Page, tiny_model: Path) -> None:
    result = page.evaluate(
        """async (model) => {
            const { chat } = await import('oro:ai')
            const stream = await chat({
                model, stream: true, max_tokens: 12, temperature: 0,
                messages: [{ role: 'user', content: 'hello' }],
                stream_options: { include_usage: true },
            })
            const objects = new Set()
            let text = ''
            for await (const chunk of stream) {
                objects.add(chunk.object)
                text += chunk.choices[0]?.delta?.content ?? ''
            }
            const again = await chat({
                model, max_tokens: 12, temperature: 0,
                messages: [{ role: 'user', content: 'hello' }],
            })
            const deltas = []
            const third = await chat({
                model, stream: true, max_tokens: 12, temperature: 0,
                messages: [{ role: 'user', content: 'hello' }],
            })
            for await (const delta of third.text()) deltas.push(delta)
            return {
                objects: [...objects], text, finish: stream.finishReason, usage: stream.usage,
                whole: again.choices[0].message.content, deltas,
            }
        }""",
        tiny_model.stem,
    )
    assert result["objects"] == ["chat.completion.chunk"]
    assert result["text"]
    assert result["finish"] == "length"
    assert result["usage"]["completion_tokens"] == 12
    # Streaming and non-streaming greedy answers are the same text.
    assert result["whole"] == result["text"]
    assert "".join(result["deltas"]) == result["text"]
    assert len(result["deltas"]) > 1


def test_complete_embed_and_models(chromium_page: Page, tiny_model: Path) -> None:
    page = chromium_page
    result = page.evaluate(
        """async (model) => {
            const { complete, embed, models } = await import('oro:ai')
            const options = { model, prompt: 'tiny llama', max_tokens: 5, temperature: 0 }
            const completion = await complete(options)
            const streamed = await (await complete({ ...options, stream: true })).fullText()
            const vectors = await embed(['hello', 'world'], { model })
            const [choice] = completion.choices
            return {
                text: choice.text, streamed, finish: choice.finish_reason,
                dims: vectors.data.map((item) => item.embedding.length),
                ids: (await models()).map((item) => item.id),
            }
        }""",
        tiny_model.stem,
    )
    assert result["text"]
    assert result["streamed"] == result["text"]
    assert result["finish"] == "length"
    assert result["dims"][0] > 0
    assert result["dims"][0] == result["dims"][1]
    assert tiny_model.stem in result["ids"]


def _pool_stats(app: ServedApp) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        return app.host.stash[STATE].manager.stats()

    return app.call(read)


def test_abort_mid_stream_stops_generation_and_the_server_keeps_serving(
    page: Page, app: ServedApp, tiny_model: Path
) -> None:
    page.evaluate("async (name) => (await import('oro:ai')).model.load({ name })", tiny_model.stem)
    before = _pool_stats(app)["tokensGenerated"]
    result = page.evaluate(
        """async (model) => {
            const { chat } = await import('oro:ai')
            const controller = new AbortController()
            const stream = await chat({
                model, stream: true, max_tokens: 2000, temperature: 0,
                messages: [{ role: 'user', content: 'hello' }], signal: controller.signal,
            })
            let received = 0
            let error = null
            try {
                for await (const chunk of stream) {
                    received += 1
                    if (received === 3) controller.abort()
                }
            } catch (e) {
                error = { name: e.name, code: e.code }
            }
            const messages = [{ role: 'user', content: 'hi' }]
            // An already-aborted signal rejects before any request is sent.
            let early = null
            try {
                await chat({ model, stream: true, messages, signal: controller.signal })
            } catch (e) {
                early = e.name
            }
            // Breaking out of the loop closes the stream as well.
            const second = await chat({ model, stream: true, max_tokens: 2000, messages })
            let count = 0
            for await (const chunk of second) { if (++count === 2) break }
            const after = await chat({ model, max_tokens: 4, messages })
            const finish = stream.finishReason
            // Wait until the host has retired both cut streams (each asked for 2000 tokens).
            const { model: models } = await import('oro:ai')
            for (let i = 0; i < 400; i++) {
                const { models: listed } = await models.list()
                if (listed.find((entry) => entry.name === model)?.active === 0) break
                await new Promise((resolve) => setTimeout(resolve, 25))
            }
            return { received, error, early, finish, after: after.choices[0].finish_reason }
        }""",
        tiny_model.stem,
    )
    assert result["received"] == 3
    assert result["error"] == {"name": "AbortError", "code": "ABORT_ERR"}
    assert result["early"] == "AbortError"
    assert result["finish"] is None  # cut by the client, never finished by the server
    assert result["after"] == "length"
    stats = _pool_stats(app)
    assert stats["active"] == 0
    # Had the host kept generating for a closed connection, one stream alone would add 2000.
    generated = stats["tokensGenerated"] - before
    assert 3 + 2 + 4 <= generated < 2000


def test_errors_are_rehydrated(page: Page, tiny_model: Path) -> None:
    result = page.evaluate(
        """async (model) => {
            const { chat, embed, AIError } = await import('oro:ai')
            const errors = []
            const messages = [{ role: 'user', content: 'hi' }]
            for (const call of [
                () => chat({ model: 'no-such-model', messages }),
                () => chat({ model: 'no-such-model', stream: true, messages }),
                () => chat({ model, messages: 'not a list' }),
            ]) {
                try { await call(); errors.push(null) } catch (e) {
                    errors.push({
                        name: e.name, code: e.code, type: e.type, status: e.status,
                        isAIError: e instanceof AIError, isError: e instanceof Error,
                        message: e.message,
                    })
                }
            }
            return errors
        }""",
        tiny_model.stem,
    )
    missing, missing_stream, invalid = result
    for error in (missing, missing_stream):
        assert error["name"] == "AIError"
        assert error["code"] == "model_not_found"
        assert error["status"] == 404
        assert error["isAIError"]
        assert error["isError"]
        assert "no-such-model" in error["message"]
    assert invalid["status"] in (400, 422)
    assert invalid["type"] == "invalid_request_error"


def test_model_and_lora_routes(chromium_page: Page, tiny_model: Path, tiny_lora: Path) -> None:
    page = chromium_page
    result = page.evaluate(
        """async ([model, loraPath]) => {
            const { chat, model: models, lora } = await import('oro:ai')
            const messages = [{ role: 'user', content: 'hello' }]
            const ask = async () => (await chat({
                model, max_tokens: 8, temperature: 0, messages,
            })).choices[0].message.content
            await models.load({ name: model })
            const listed = await models.list()
            const before = await ask()
            await lora.load({ path: loraPath, name: 'tiny-lora' })
            await lora.attach({ name: 'tiny-lora', model, scale: 1.0 })
            const adapted = await ask()
            await lora.detach({ name: 'tiny-lora', model })
            const after = await ask()
            let unknown = null
            try {
                await lora.attach({ name: 'no-such-lora', model })
            } catch (e) {
                unknown = e.name
            }
            return { listed: JSON.stringify(listed), before, adapted, after, unknown }
        }""",
        [tiny_model.stem, str(tiny_lora)],
    )
    assert tiny_model.stem in result["listed"]
    assert result["adapted"] != result["before"]
    assert result["after"] == result["before"]
    assert result["unknown"] == "NotFoundError"


SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def test_showcase_chat_panel_streams_an_answer(chromium_browser: Browser, tiny_model: Path) -> None:
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.default_model": tiny_model.stem}
    with (
        served_app(
            [oro_framework.core.ping, oro_ai.plugin], config=config, app_dir=SHOWCASE
        ) as showcase,
        app_page(chromium_browser, showcase) as page,
    ):
        page.wait_for_function(
            "() => document.getElementById('ai-model').textContent.startsWith('models:')"
        )
        assert tiny_model.stem in page.text_content("#ai-model")
        page.fill("#ai-prompt", "hello there")
        page.click("#ai-send")
        page.wait_for_function(
            "() => / tok\\/s, first token /.test(document.querySelector('#ai-stats').textContent)"
        )
        transcript = page.text_content("#ai-transcript")
        assert transcript.startswith("you: hello there\nassistant: ")
        assert len(transcript) > len("you: hello there\nassistant: ")
        assert "(length)" in page.text_content("#ai-stats")
        assert page.is_disabled("#ai-stop")
