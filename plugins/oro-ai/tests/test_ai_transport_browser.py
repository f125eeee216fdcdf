"""`oro:ai` in real headless pages over each transport an app may use, on the shipped SmolLM2
model: a stream goes over the Conduit when the page's IPC does (one frame per token), over its
own fetch otherwise, with the same text and errors; and `llm` (Oro's `Model`, `LoRA`,
`Context`) drives the host's model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

QUESTION = [{"role": "user", "content": "What is the capital of France? Answer in one word."}]


@pytest.fixture(scope="module")
def app(
    oro_transport: str,
    tiny_model: Path,
    tiny_lora: Path,
    smollm2_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>ai</title><p>ai</p>")
    # SmolLM2 stays the default model; the tiny one (with its adapter) is on the search path.
    config = {"ai.llm.model_path": str(tiny_model.parent), "ai.llm.threads": 1}
    with served_app(
        [oro_ai.plugin], config=config, app_dir=app_dir, transport=oro_transport
    ) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


@pytest.fixture
def chromium_page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


STREAM = """async (messages) => {
    const ipc = await import('oro:ipc')
    const { chat } = await import('oro:ai')
    const transport = ipc.getTransport().name
    let frames = 0
    if (transport === 'conduit') {
        const { conduit } = (await import('oro:conduit')).transport()
        await conduit.connected
        conduit.addEventListener('message', (event) => {
            if (event.data.options.stream === 'data') frames += 1
        })
    }
    const fields = { messages, temperature: 0, max_tokens: 8 }
    const whole = await chat(fields)
    const stream = await chat({
        ...fields, stream: true, stream_options: { include_usage: true },
    })
    let chunks = 0
    let tokens = 0
    let text = ''
    for await (const chunk of stream) {
        chunks += 1
        const piece = chunk.choices[0]?.delta?.content
        if (piece) {
            tokens += 1
            text += piece
        }
    }
    return {
        transport, overFetch: stream.response !== null, frames, chunks, tokens, text,
        whole: whole.choices[0].message.content, usage: stream.usage,
        finish: stream.finishReason,
    }
}"""


def test_a_stream_goes_over_the_pages_transport_one_frame_a_token(
    page: Page, oro_transport: str
) -> None:
    result: dict[str, Any] = page.evaluate(STREAM, QUESTION)
    assert result["transport"] == oro_transport
    assert "Paris" in result["whole"]
    assert result["text"] == result["whole"]
    # Each token its own chunk (the end-of-generation token is not counted, and has no text).
    assert result["tokens"] == result["usage"]["completion_tokens"]
    assert result["finish"] in ("stop", "length")
    if oro_transport == "conduit":
        assert result["overFetch"] is False
        # One frame per event: every chunk, and the closing [DONE].
        assert result["frames"] == result["chunks"] + 1
    else:
        assert result["overFetch"] is True
        assert result["frames"] == 0


def test_stream_errors_and_abort_are_the_same_over_each_transport(page: Page) -> None:
    result = page.evaluate(
        """async (messages) => {
            const { chat, model } = await import('oro:ai')
            const failure = async (options) => {
                try {
                    await chat({ messages, stream: true, ...options })
                    return null
                } catch (error) {
                    return { name: error.name, code: error.code, status: error.status }
                }
            }
            const missing = await failure({ model: 'no-such-model' })
            const huge = await failure({
                messages: [{ role: 'user', content: 'a'.repeat(300 * 1024) }],
            })
            const stream = await chat({ messages, stream: true, max_tokens: 400 })
            const first = await stream.next()
            stream.abort()
            let aborted = null
            try {
                await stream.next()
            } catch (error) {
                aborted = error.name
            }
            // The host stops generating: no sequence of the model stays active.
            let active = -1
            for (let tries = 0; tries < 200; tries += 1) {
                const { models } = await model.list()
                active = models.reduce((sum, entry) => sum + (entry.active ?? 0), 0)
                if (active === 0) break
                await new Promise((resolve) => setTimeout(resolve, 25))
            }
            return { missing, huge, first: !first.done, aborted, active }
        }""",
        QUESTION,
    )
    assert result["missing"] == {"name": "AIError", "code": "model_not_found", "status": 404}
    assert result["huge"] == {"name": "AIError", "code": "prompt_too_large", "status": 413}
    assert result["first"] is True
    assert result["aborted"] == "AbortError"
    assert result["active"] == 0


def test_llm_model_context_and_lora_drive_the_hosts_model(
    chromium_page: Page, tiny_model: Path, tiny_lora: Path
) -> None:
    result = chromium_page.evaluate(
        """async ([name, adapter, directory]) => {
            const ai = await import('oro:ai')
            const { Model, LoRA, LoRAAttachment, Context } = ai.llm
            const direct = await import('oro:ai/llm')
            const model = new Model({ name })
            const context = new Context({ temp: 0, topK: 1 })
            await context.load(model)
            const stats = await context.stats()
            const reply = await context.complete({ prompt: 'x', max_tokens: 4 })
            const again = await context.complete({ prompt: 'x', max_tokens: 4 })
            const lora = new LoRA(model, { name: adapter })
            const attached = await lora.attach(context, { scale: 2, directory })
            const withAdapter = (await ai.model.list()).models.find((m) => m.name === name)
            const adapters = context.adapters.map((each) => each.name)
            const attachment = context.attachments[0] instanceof LoRAAttachment
            const detached = await lora.detach(context)
            const errors = {}
            try { new Model({}) } catch (error) { errors.noName = error.name }
            try {
                await new Model({ name: 'no-such-model' }).load()
            } catch (error) { errors.missing = error.name }
            try {
                await new Context().stats()
            } catch (error) { errors.unloaded = error.name }
            return {
                same: direct.default === ai.llm,
                id: model.id, loaded: model.loaded, contextLoaded: context.loaded,
                stats, size: context.size, options: context.options,
                texts: [reply.choices[0].text, again.choices[0].text],
                attached, adapters, attachment, withAdapter: withAdapter.adapters,
                detached, after: context.adapters.length, errors,
                json: JSON.parse(JSON.stringify(context)),
            }
        }""",
        [tiny_model.stem, tiny_lora.stem, str(tiny_lora.parent)],
    )
    assert result["same"] is True
    assert result["id"] == tiny_model.stem
    assert result["loaded"] is result["contextLoaded"] is True
    assert result["stats"]["size"] == result["size"] > 0
    assert 0 <= result["stats"]["used"] <= result["size"]
    assert result["options"] == {"size": 8192, "temp": 0, "topP": 0.95, "minP": 0.05, "topK": 1}
    # The context's sampling (temp 0) reached the host: the same answer twice.
    assert result["texts"][0] == result["texts"][1]
    assert result["attached"] == {"name": tiny_lora.stem, "model": tiny_model.stem, "scale": 2}
    assert result["withAdapter"] == [{"name": tiny_lora.stem, "scale": 2}]
    assert result["adapters"] == [tiny_lora.stem]
    assert result["attachment"] is True
    assert result["detached"] == {
        "name": tiny_lora.stem,
        "model": tiny_model.stem,
        "detached": True,
    }
    assert result["after"] == 0
    assert result["errors"] == {
        "noName": "TypeError",
        "missing": "NotFoundError",
        "unloaded": "TypeError",
    }
    assert result["json"]["model"] == {"name": tiny_model.stem}
