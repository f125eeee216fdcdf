"""Socket Runtime apps run unchanged: each app under ``apps/`` is shaped like a kind of public
Socket app (their own files are not copied here; these are written in their image): a plain
HTML page using ``socket:fs/promises`` with only a ``socket.ini``; an app whose ``[build]
script`` bundles it and its tests, with the meta CSP of Socket's templates; and a
service-worker protocol-handler app (a custom ``notes:`` scheme answered by a default-export
handler that imports an npm package through ``npm:`` and the app's import map). Each is copied
to a temporary folder and run with the real ``oro`` command, as its author would."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ, run_oro, until

APPS = Path(__file__).with_name("apps")


def _copy_app(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(APPS / name, target, symlinks=True)
    return target


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


def _serve(app: Path, environ: dict[str, str] | None = None) -> OroProcess:
    # The app's data folder (where relative fs paths land) is per user: a fresh one per test.
    data = {"XDG_DATA_HOME": str(app.parent / "data"), **(environ or {})}
    return OroProcess("run", "--headless", "--port", "0", str(app), environ=headless_environ(data))


def test_a_plain_fs_app_with_only_a_socket_ini_runs_and_keeps_its_file(
    tmp_path: Path, page: Page
) -> None:
    app = _copy_app("fs-notes", tmp_path)
    with _serve(app) as oro:
        page.goto(oro.launch_url())
        page.wait_for_function("document.querySelector('#log').textContent !== ''")
        assert page.text_content("#log") == "notes.txt created"

        page.fill("#text", "second note")
        page.click("#save")
        page.wait_for_function("document.querySelector('#log').textContent === 'notes.txt saved'")
        page.reload()
        page.wait_for_function("document.querySelector('#log').textContent !== ''")
        assert page.text_content("#log") == "notes.txt loaded"
        assert page.input_value("#text") == "second note"
    output = "\n".join(oro.lines) + oro.stderr()
    # Platform-only keys are one warning line each, never an error.
    assert "[ios] simulator_device is not honoured" in output, output
    assert "Traceback" not in output, output


def test_a_bundled_app_with_the_template_csp_passes_its_own_tests(tmp_path: Path) -> None:
    app = _copy_app("bundled", tmp_path)
    completed = run_oro("test", "./test/index.js", cwd=app)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "ok 1 label on start" in completed.stdout, completed.stdout
    assert "# pass  5" in completed.stdout, completed.stdout
    assert (app / "build").is_dir(), "the build script's output is where socket.ini says"
    # The host stops once the run has its outcome; the page losing it (its Conduit failing to
    # reconnect) is neither printed nor reported as what went wrong.
    assert "ERR_CONNECTION_REFUSED" not in completed.stderr, completed.stderr


def _notes_app(page: Page) -> dict[str, Any]:
    page.wait_for_function("globalThis.notesApp !== undefined", timeout=60_000)
    state: dict[str, Any] = page.evaluate("globalThis.notesApp")
    return state


def test_a_protocol_handler_app_answers_its_custom_scheme_from_a_default_export(
    tmp_path: Path, page: Page
) -> None:
    app = _copy_app("protocol", tmp_path)
    with _serve(app, {"NOTES_GREETING": "hello from the host"}) as oro:
        page.goto(oro.launch_url())
        first = _notes_app(page)
        assert first["name"] == "tiny-router", "npm: through the app's import map"
        assert first["current"]["greeting"] == "hello from the host", "[build] env reaches it"
        assert first["counted"] == {"count": 1}
        assert first["permission"] in ("granted", "prompt", "denied")
        page.wait_for_function("globalThis.notesApp.received.length > 0")
        assert page.evaluate("globalThis.notesApp.received") == ["from the worker"]

        replies = until(
            lambda: page.evaluate(
                "async () => (await (await fetch('notes:current')).json()).replies"
            ),
            "the worker's own message listener got the page's reply",
        )
        assert replies == ["page got from the worker"]

        page.reload()
        assert _notes_app(page)["counted"] == {"count": 2}, "env persists across page loads"
