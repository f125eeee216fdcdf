"""``oro:worker_threads`` (``node:worker_threads``) in real pages, headless Chromium and
WebKitGTK, against the real bridge: the same script (``worker_threads_differential.mjs``) run
under ``node`` and in the page gives the same events, messages, exit codes and errors; a worker
that never ends is ended by ``terminate()`` and by its page's unload; bad input is a typed
error and the page goes on."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

import oro_framework.core.process
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app, until

SCRIPT = Path(__file__).with_name("worker_threads_differential.mjs")


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("worker-threads")
    (app / "index.html").write_text("<!doctype html><html><head></head><body>threads</body></html>")
    shutil.copy(SCRIPT, app / "threads.mjs")
    (app / "forever.mjs").write_text(
        "import { parentPort } from 'node:worker_threads'\n"
        "parentPort.postMessage('started')\n"
        "for (;;) { /* never ends */ }\n"
    )
    return app


@pytest.fixture(scope="module")
def app(app_dir: Path) -> Iterator[ServedApp]:
    # oro:process (node:process), which the script imports.
    with served_app([oro_framework.core.process], app_dir=app_dir) as served:
        yield served


@pytest.fixture(scope="module")
def in_node(app_dir: Path) -> Any:
    """What the script saw under Node (its own worker_threads)."""
    completed = subprocess.run(
        ["node", str(app_dir / "threads.mjs")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout)


def test_the_same_script_sees_in_a_page_what_it_sees_under_node(
    browser: Browser | WebKitBrowser, app: ServedApp, in_node: Any
) -> None:
    with app_page(browser, app) as page:
        in_page = page.evaluate(
            "async () => { await import('/threads.mjs'); return globalThis.workerThreadsResult }"
        )
    assert in_node["echo"]["seen"][1][1]["greeting"] == "hello"  # the script did run
    assert in_page == in_node


def test_a_worker_that_never_ends_is_ended_by_terminate_and_the_page_goes_on(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app) as page:
        seen = page.evaluate(
            """async () => {
              const { Worker } = await import('node:worker_threads')
              const worker = new Worker('/forever.mjs')
              const exited = new Promise((resolve) => worker.once('exit', resolve))
              await new Promise((resolve) => worker.once('message', resolve))
              const code = await worker.terminate()
              const again = await worker.terminate()
              const after = new Worker('/forever.mjs')
              const started = await new Promise((resolve) => after.once('message', resolve))
              await after.terminate()
              return { code, exit: await exited, again: again ?? null, started }
            }"""
        )
    assert seen == {"code": 1, "exit": 1, "again": None, "started": "started"}


def test_a_pages_workers_end_with_it(chromium_browser: Browser, app: ServedApp) -> None:
    with app_page(chromium_browser, app) as page:
        page.evaluate(
            """async () => {
              const { Worker } = await import('node:worker_threads')
              const worker = new Worker('/forever.mjs')
              await new Promise((resolve) => worker.once('message', resolve))
            }"""
        )
        assert len(page.workers) == 1
        page.reload()
        until(lambda: page.workers == [], "the spinning worker ended with its page")
        assert page.evaluate("() => document.body.textContent") == "threads"


def test_bad_input_is_a_typed_error_and_a_failing_worker_says_why(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app) as page:
        seen = page.evaluate(
            """async () => {
              const { Worker } = await import('node:worker_threads')
              const caught = (work) => {
                try { work(); return null } catch (e) { return [e.name, e.code ?? null] }
              }
              const refused = [
                caught(() => new Worker({})),
                caught(() => new Worker('/threads.mjs', 'options')),
                caught(() => new Worker('/threads.mjs', { transferList: 'x' })),
                caught(() => new Worker('/threads.mjs', { workerData: Symbol('x') })),
              ]
              const run = (url) => new Promise((resolve) => {
                const worker = new Worker(url)
                const errors = []
                worker.on('error', (error) => errors.push(error instanceof Error))
                worker.on('exit', (code) => resolve({ errors, code }))
              })
              return { refused, missing: await run('/missing.mjs') }
            }"""
        )
    assert seen == {
        "refused": [
            ["TypeError", "ERR_INVALID_ARG_TYPE"],
            ["TypeError", "ERR_INVALID_ARG_TYPE"],
            ["TypeError", "ERR_INVALID_ARG_TYPE"],
            ["DataCloneError", 25],  # DOMException's DATA_CLONE_ERR
        ],
        "missing": {"errors": [True], "code": 1},
    }


def test_process_exit_in_a_worker_ends_the_thread_not_the_app(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with app_page(chromium_browser, app) as page:
        code = page.evaluate(
            """async () => {
              const { Worker } = await import('node:worker_threads')
              const source = "import('/oro/process.js').then(({ default: p }) => p.exit(7))"
              const worker = new Worker(source, { eval: true })
              return await new Promise((resolve) => worker.once('exit', resolve))
            }"""
        )
        # The app still serves its page: the worker's exit stopped only its thread.
        page.reload()
        assert page.evaluate("() => document.body.textContent") == "threads"
    assert code == 7
