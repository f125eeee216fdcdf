"""A plugin's URL scheme (``clip:``) in a real headless Chromium against the real bridge: the
page's ``fetch`` and ``import`` of ``clip:`` URLs, mapped by the preload to
``/oro/scheme/clip/...``, reach the plugin's handler with the page's window."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, served_app

sys.path.insert(0, str(Path(__file__).parent.parent))
from _scheme_plugin import ClipPlugin

PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>clip</title></head></html>\n'
# A module of the app importing from the scheme: the bridge rewrites the specifier as it serves
# the file (no import map maps a non-special scheme such as clip:).
USES_CLIP = "export { greeting } from 'clip://lib/hello.js'\n"
PLUGIN = ClipPlugin()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    directory = tmp_path_factory.mktemp("scheme-app")
    (directory / "index.html").write_text(PAGE)
    (directory / "uses-clip.js").write_text(USES_CLIP)
    with served_app([PLUGIN], app_dir=directory) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    context = chromium_browser.new_context()
    try:
        page = context.new_page()
        # The launch URL of window 2: the page proves it is that window.
        page.goto(app.server.window_launch_url("/", window=2))
        page.wait_for_function("() => globalThis.isOroRuntime === true")
        # oro:bootstrap maps the schemes as it loads.
        page.evaluate("() => import('oro:bootstrap').then(() => true)")
        yield page
    finally:
        context.close()


def test_fetch_of_a_clip_url_reaches_the_handler_with_the_pages_window(page: Page) -> None:
    seen = page.evaluate("async () => (await fetch('clip:hello?x=1')).json()")

    assert seen["url"] == "clip:hello?x=1"
    assert (seen["method"], seen["window"], seen["transport"]) == ("GET", 2, "http")


def test_a_post_body_and_a_request_object_reach_the_handler(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const posted = await fetch('clip:echo', { method: 'POST', body: 'note one' })
            const request = new Request('clip://board/7', { method: 'PUT', body: 'two' })
            const described = await (await fetch(request)).json()
            return { echoed: await posted.text(), header: posted.headers.get('x-clip'),
                     url: described.url, method: described.method, body: described.body }
        }"""
    )

    assert answer == {
        "echoed": "note one",
        "header": "1",
        "url": "clip://board/7",
        "method": "PUT",
        "body": "two",
    }


def test_a_streamed_reply_is_read_as_it_arrives(page: Page, app: ServedApp) -> None:
    page.evaluate(
        """async () => {
            const reader = (await fetch('clip:stream')).body.getReader()
            globalThis.clipReader = reader
            globalThis.clipFirst = new TextDecoder().decode((await reader.read()).value)
        }"""
    )
    assert page.evaluate("() => globalThis.clipFirst") == "first;"

    app.call(PLUGIN.release_async)

    rest = page.evaluate(
        """async () => {
            let text = ''
            for (;;) {
              const { value, done } = await globalThis.clipReader.read()
              if (done) return text
              text += new TextDecoder().decode(value)
            }
        }"""
    )
    assert rest == "last"


def test_aborting_a_fetch_cancels_the_handlers_stream(page: Page, app: ServedApp) -> None:
    error = page.evaluate(
        """async () => {
            const controller = new AbortController()
            const response = await fetch('clip:hang', { signal: controller.signal })
            const reader = response.body.getReader()
            await reader.read()
            controller.abort()
            try { await reader.read(); return null } catch (error) { return error.name }
        }"""
    )
    assert error == "AbortError"
    while "clip:hang" not in app.call(PLUGIN.cancellations):
        page.wait_for_timeout(20)


def test_a_module_of_the_app_imports_from_the_scheme(page: Page) -> None:
    greeting = page.evaluate("async () => (await import('/uses-clip.js')).greeting")

    assert greeting == "hello from clip"


def test_a_failing_handler_is_a_response_naming_the_plugin(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const response = await fetch('clip:boom')
            return { status: response.status, err: (await response.json()).err }
        }"""
    )

    assert answer["status"] == 500
    assert "plugin 'clipboard-kit'" in answer["err"]["message"]


def test_a_malformed_clip_url_is_a_type_error_in_the_page(page: Page) -> None:
    name = page.evaluate(
        "async () => { try { await fetch('clip:a b') } catch (error) { return error.name } }"
    )

    assert name == "TypeError"
