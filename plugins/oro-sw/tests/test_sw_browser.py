"""oro-sw in a real headless Chromium: registration through oro:service-worker, the SW-side
helpers (fetch-first with the handler answering 404s, handler-first), storage, streaming SSE
through a worker, and auto-registration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import oro_sw.plugin
import pytest
from _sw_support import (
    CONTROLLED,
    REGISTER,
    RELOADED_INTO_WORKER,
    TEXT,
    StreamingMount,
    copy_app,
    goto_ready,
)
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app


@pytest.fixture(scope="module")
def mount() -> StreamingMount:
    return StreamingMount()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, mount: StreamingMount) -> Iterator[ServedApp]:
    app_dir = copy_app(tmp_path_factory.mktemp("sw") / "app")
    with served_app([oro_sw.plugin, mount], app_dir=app_dir) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def test_a_registered_worker_answers_what_the_host_404s(page: Page, app: ServedApp) -> None:
    registration = page.evaluate(REGISTER, ["/sw.js", {}])
    assert registration["scope"] == app.server.origin + "/"
    assert page.evaluate(CONTROLLED) == app.server.origin + "/sw.js"

    assert page.evaluate(TEXT, "/missing") == [200, "worker answered missing"]
    # Fetch-first: the host's file wins over the handler.
    assert page.evaluate(TEXT, "/exists.txt") == [200, "host text\n"]
    # The bridge is never the worker's: IPC still answers from the host.
    assert page.evaluate(TEXT, "/ipc/serviceWorker.getRegistrations")[0] == 200


def test_the_host_records_what_the_engine_reports(page: Page, app: ServedApp) -> None:
    registration = page.evaluate(REGISTER, ["/sw.js", {}])
    page.evaluate(CONTROLLED)

    # The page reports each state change in order, one at a time: the record reaches
    # 'activated' once the last report lands (each check asks the host once).
    answer = page.evaluate(
        """async (scope) => {
          const { request } = await import('oro:ipc')
          let answer
          for (let ask = 0; ask < 500; ask++) {
            answer = await request('serviceWorker.getRegistration', { scope })
            if (answer.registration?.state === 'activated') break
          }
          return answer
        }""",
        app.server.origin + "/page",
    )
    assert answer["registration"]["id"] == registration["id"]
    assert answer["registration"]["state"] == "activated"
    assert answer["registration"]["scriptURL"] == app.server.origin + "/sw.js"


def test_handler_first_answers_before_the_host(page: Page, app: ServedApp) -> None:
    page.evaluate(REGISTER, ["/prefer/sw.js", {}])
    goto_ready(page, app.server.origin + "/prefer/")
    assert page.evaluate(CONTROLLED) == app.server.origin + "/prefer/sw.js"

    assert page.evaluate(TEXT, "/prefer/exists.txt") == [200, "worker first"]
    assert page.evaluate(TEXT, "/prefer/other.txt") == [200, "host other\n"]


def test_worker_environment_and_page_storage_are_one(page: Page) -> None:
    registration = page.evaluate(REGISTER, ["/sw.js", {}])
    page.evaluate(CONTROLLED)

    assert page.evaluate(TEXT, "/env-set?value=shared") == [200, "set"]
    stored = page.evaluate(
        """async () => {
          const { serviceWorker } = await import('oro:service-worker')
          const registration = await serviceWorker.ready
          return [registration.id, await registration.storage.get('value')]
        }"""
    )
    assert stored == [registration["id"], '"shared"']
    page.evaluate(
        """async () => {
          const { serviceWorker } = await import('oro:service-worker')
          await (await serviceWorker.ready).storage.set('value', JSON.stringify('from page'))
        }"""
    )
    # The worker read its environment once; a new worker (after unregistering) reads it anew.
    env = page.evaluate(
        """async () => {
          const { serviceWorker } = await import('oro:service-worker')
          return (await serviceWorker.environment()).get('value')
        }"""
    )
    assert env == "from page"


def test_sse_streams_through_the_worker_incrementally(page: Page, mount: StreamingMount) -> None:
    page.evaluate(REGISTER, ["/sw.js", {}])
    page.evaluate(CONTROLLED)
    mount.release.clear()

    first = page.evaluate(
        """async () => {
          const response = await fetch('/stream')
          globalThis.__reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
          const { value } = await globalThis.__reader.read()
          return [response.headers.get('x-through'), value]
        }"""
    )
    # The second event is only written once the test releases it: the page had the first alone.
    assert first == ["worker", "data: first\n\n"]
    mount.release.set()
    rest = page.evaluate(
        """async () => {
          let text = ''
          for (;;) {
            const { value, done } = await globalThis.__reader.read()
            if (done) return text
            text += value
          }
        }"""
    )
    assert rest == "data: second\n\n"


def test_a_script_outside_the_app_is_a_security_error(page: Page) -> None:
    error = page.evaluate(
        """async () => {
          const { serviceWorker } = await import('oro:service-worker')
          try { await serviceWorker.register('http://example.com/sw.js') }
          catch (e) { return [e.name, e.code] }
        }"""
    )
    assert error == ["SecurityError", "SECURITY_ERR"]
    assert (
        page.evaluate("() => navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    )


def test_a_worker_script_can_take_a_scope_above_its_directory(page: Page, app: ServedApp) -> None:
    # Service-Worker-Allowed: / from the host lets /prefer/sw.js take the root scope.
    registration = page.evaluate(REGISTER, ["/prefer/sw.js", {"scope": "/"}])
    assert registration["scope"] == app.server.origin + "/"


def test_configured_workers_register_themselves(
    browser: Browser | WebKitBrowser, tmp_path: Path
) -> None:
    app_dir = copy_app(tmp_path / "app")
    config = {"webview_service-workers": "./sw.js"}
    with (
        served_app([oro_sw.plugin], app_dir=app_dir, config=config) as served,
        app_page(browser, served) as page,
    ):
        # A page of the worker's scope is answered by it from its first load, as under Oro:
        # it reloads once the worker is active (once per tab).
        page.wait_for_function(RELOADED_INTO_WORKER)
        assert page.evaluate("sessionStorage.getItem('oro:service-worker:reloaded')") == "1"
        # Through the shell, which runs a plain script as it is.
        shell = "/oro/service-worker/shell.js?script=%2Fsw.js"
        assert page.evaluate(CONTROLLED) == served.server.origin + shell
        assert page.evaluate(TEXT, "/missing") == [200, "worker answered missing"]


def test_auto_registration_can_be_switched_off(
    browser: Browser | WebKitBrowser, tmp_path: Path
) -> None:
    app_dir = copy_app(tmp_path / "app")
    config = {"webview.service-workers": "./sw.js", "webview.auto_register_service_workers": False}
    with (
        served_app([oro_sw.plugin], app_dir=app_dir, config=config) as served,
        app_page(browser, served) as page,
    ):
        # The preload ran (runtimeinit fired after it) and registered nothing.
        assert (
            page.evaluate("() => navigator.serviceWorker.getRegistrations().then((r) => r.length)")
            == 0
        )


FOUND = """async () => {
  const { serviceWorker } = await import('oro:service-worker')
  const engine = await navigator.serviceWorker.getRegistration()
  const found = await serviceWorker.getRegistration()
  return { engine: engine ? engine.scope : null, found: found ? [found.id, found.scope] : null,
           controlled: navigator.serviceWorker.controller?.scriptURL ?? null }
}"""


def test_get_registration_finds_the_worker_registered_again(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    """After unregister and register, WebKitGTK 2.50's ``getRegistration()`` answers nothing
    although the page is controlled: oro:service-worker's still finds the registration."""
    with app_page(browser, app) as first:
        first.evaluate(REGISTER, ["/sw.js", {}])
        first.evaluate(CONTROLLED)
        assert first.evaluate(
            "async () => (await import('oro:service-worker')).serviceWorker.unregister('/')"
        )
    with app_page(browser, app) as page:
        registration = page.evaluate(REGISTER, ["/sw.js", {}])
        page.evaluate(CONTROLLED)
        found = page.evaluate(FOUND)
        listed = page.evaluate(
            """async () => (await (await import('oro:service-worker')).serviceWorker
              .getRegistrations()).map((registration) => registration.id)"""
        )
    assert found["controlled"] == app.server.origin + "/sw.js"
    assert found["found"] == [registration["id"], app.server.origin + "/"]
    assert listed == [registration["id"]]
