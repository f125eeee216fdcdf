"""``oro dev --headless`` in a real subprocess on an app in a temporary directory, its page in
the system Chromium: real files edited, a real watcher, real reloads and restarts.

The tests share one ``oro dev`` and one page (a browser start and a host start cost seconds) and
run in file order: each leaves the app working for the next.
"""

from __future__ import annotations

import json
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _oro_process import OroProcess, headless_environ, until
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from oro_framework.cli.dev_watch import editable_plugin_sources
from oro_framework.web.ports import is_port_free

REPOSITORY = Path(__file__).resolve().parents[1]

_CONFIG = """[meta]
name = "{name}"
bundle_identifier = "dev.oro.test-cli-dev"
"""
# Counts its loads in sessionStorage (it survives reloads of the tab, not a new tab) and says
# when the event channel is open (whenReady: runtimeinit may come before this script runs),
# so that a reload asked for after that cannot be missed.
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>dev</title>
<script type="module">
import { whenReady } from 'oro:bootstrap'
sessionStorage.loads = String(Number(sessionStorage.loads ?? 0) + 1)
whenReady().then(() => { globalThis.ready = true })
</script></head>
<body data-marker="{marker}"><p>oro dev</p></body></html>
"""

_STATE = """() => ({
    ready: globalThis.ready === true,
    loads: Number(sessionStorage.loads),
    marker: document.body?.dataset.marker ?? null,
    boot: globalThis.__args?.devBoot ?? null,
    debug: globalThis.__args?.debug ?? null,
    name: globalThis.__args?.config?.meta_name ?? null,
    overlay: document.getElementById('oro-dev-overlay')?.textContent ?? null,
})"""


def _state(page: Page) -> dict[str, Any] | None:
    """The page's state once it is loaded and its channel open; ``None`` meanwhile (a reload
    destroys the context an evaluation runs in)."""
    try:
        state: dict[str, Any] = page.evaluate(_STATE)
    except PlaywrightError:
        return None
    return state if state["ready"] else None


def _write_index(app: Path, marker: str) -> None:
    (app / "index.html").write_text(_INDEX.replace("{marker}", marker), encoding="utf-8")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("dev-app")
    (directory / "oro.toml").write_text(_CONFIG.format(name="first"), encoding="utf-8")
    _write_index(directory, "initial")
    return directory


_PLUGIN = """from oro_framework import hookimpl

ANSWER = "{answer}"


@hookimpl
def oro_register_routes(routes):
    async def answer(request):
        return ANSWER

    routes.add("devtest.answer", answer, permission="runtime")
"""


def _write_plugin(source: Path, text: str) -> None:
    (source / "oro_devtest.py").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plugin "installed in editable mode" without touching the environment: its metadata
    (an ``oro`` entry point, a ``direct_url.json`` saying editable) in a directory on
    PYTHONPATH, its source in a project directory also on PYTHONPATH, as an editable install's
    ``.pth`` file puts it. Returns the project directory."""
    root = tmp_path_factory.mktemp("plugin")
    source, site = root / "oro-devtest", root / "site"
    source.mkdir()
    _write_plugin(source, _PLUGIN.replace("{answer}", "one"))
    info = site / "oro_devtest-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oro-devtest\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[oro]\ndevtest = oro_devtest\n", encoding="utf-8")
    (info / "direct_url.json").write_text(
        json.dumps({"url": source.as_uri(), "dir_info": {"editable": True}}), encoding="utf-8"
    )
    return source


@pytest.fixture(scope="module")
def oro(app: Path, plugin: Path) -> Iterator[OroProcess]:
    path = os.pathsep.join([str(plugin.parent / "site"), str(plugin)])
    environ = headless_environ({"PYTHONPATH": path})
    with OroProcess("dev", str(app), "--headless", environ=environ) as process:
        yield process


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, oro: OroProcess) -> Iterator[Page]:
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(oro.launch_url())
    try:
        yield page
    finally:
        context.close()


def _settled(page: Page, **expected: Any) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        state = _state(page)
        if state is None or any(state[key] != value for key, value in expected.items()):
            return None
        return state

    state = until(lambda: check(), f"the page with {expected}")
    assert state is not None
    return state


def test_saving_an_app_file_reloads_the_page(app: Path, oro: OroProcess, page: Page) -> None:
    before = _settled(page, marker="initial")

    _write_index(app, "edited")

    after = _settled(page, marker="edited")
    assert after["loads"] == before["loads"] + 1
    assert after["boot"] == before["boot"]  # a reload, not a restart
    assert after["debug"] is True  # Oro's debug build: application.debug
    oro.wait_for_line(r"^oro dev: reloading pages \(index\.html changed\)")


def test_a_burst_of_saves_reloads_once(app: Path, oro: OroProcess, page: Page) -> None:
    before = _settled(page, marker="edited")

    for number in range(4):
        (app / f"part{number}.js").write_text(f"export const part = {number}\n", encoding="utf-8")
    _write_index(app, "burst")
    _settled(page, marker="burst")
    burst = oro.wait_for_line(r"^oro dev: reloading pages")
    # One more save: had the burst been split, its second reload would come before this one's.
    _write_index(app, "after-burst")
    after = _settled(page, marker="after-burst")
    oro.wait_for_line(r"^oro dev: reloading pages \(index\.html changed\)")

    assert burst.endswith(" and 2 more changed)")  # all five files, on one line
    assert after["loads"] == before["loads"] + 2
    assert [line for line in oro.lines if "reloading pages" in line][-2:] == [
        burst,
        "oro dev: reloading pages (index.html changed)",
    ]


def test_changing_oro_toml_restarts_the_host_and_the_page_reconnects(
    app: Path, oro: OroProcess, page: Page
) -> None:
    before = _settled(page, name="first")
    origin = _origin(page)

    (app / "oro.toml").write_text(_CONFIG.format(name="second"), encoding="utf-8")

    oro.wait_for_line(r"^oro dev: oro\.toml changed; restarting the host")
    # The new host prints a launch URL of its own; the page needs none: its session holds.
    oro.launch_url()
    after = _settled(page, name="second")
    assert after["boot"] != before["boot"]
    assert after["loads"] == before["loads"] + 1
    assert _origin(page) == origin
    assert "oro_launch" not in page.url


def test_a_broken_oro_toml_shows_over_the_running_page_and_fixing_it_restarts(
    app: Path, oro: OroProcess, page: Page
) -> None:
    before = _settled(page, name="second")

    (app / "oro.toml").write_text('[meta]\nname = "unterminated\n', encoding="utf-8")

    until(lambda: "invalid TOML" in oro.stderr(), "the TOML error on the terminal")
    shown = str(until(lambda: _overlay(page), "the error in an overlay over the open page"))
    # The host keeps running (it checked the file before asking for a restart): a page loaded
    # now (a new tab) is the app's, with the error over it.
    fresh = page.context.new_page()
    try:
        fresh.goto(_origin(page) + "/")
        fresh_state = _settled(fresh)

        (app / "oro.toml").write_text(_CONFIG.format(name="third"), encoding="utf-8")

        after = _settled(page, name="third", overlay=None)
        fresh_after = _settled(fresh, name="third", overlay=None)
    finally:
        fresh.close()
    assert "invalid TOML" in shown
    assert "oro.toml" in shown
    assert fresh_state["boot"] == before["boot"]
    assert fresh_state["overlay"] is not None
    assert "invalid TOML" in fresh_state["overlay"]
    assert after["boot"] != before["boot"]
    assert after["loads"] == before["loads"] + 1
    assert fresh_after["boot"] == after["boot"]


def _origin(page: Page) -> str:
    return "/".join(page.url.split("/", 3)[:3])


def _overlay(page: Page) -> str | None:
    try:
        text: str | None = page.evaluate(
            "() => document.getElementById('oro-dev-overlay')?.textContent ?? null"
        )
    except PlaywrightError:
        return None
    return text


def test_editable_plugins_of_this_workspace_are_watched() -> None:
    # The workspace installs its plugins editable: their project directories restart the host.
    sources = editable_plugin_sources()

    assert REPOSITORY / "plugins" / "oro-fs" in sources
    assert REPOSITORY not in sources  # oro-framework's own source is not an app's plugin
    assert all(re.search(r"oro-", path.name) for path in sources)


def _answer(page: Page) -> str | None:
    try:
        answer: str = page.evaluate(
            "async () => (await import('oro:ipc')).request('devtest.answer')"
        )
    except PlaywrightError:
        return None
    return answer


def test_a_plugin_source_change_restarts_the_host_with_the_new_code(
    oro: OroProcess, page: Page, plugin: Path
) -> None:
    before = _settled(page, overlay=None)
    assert _answer(page) == "one"

    # Broken first: the error shows; the fix brings the new code (imported afresh) back.
    _write_plugin(plugin, _PLUGIN.replace("{answer}", "two") + "\ndef broken(:\n")
    shown = str(until(lambda: _overlay(page), "the plugin's error over the page"))
    # A page loaded now (a new tab: the session cookie, no page yet) gets the error as a page
    # that reloads once the host is back.
    fresh = page.context.new_page()
    try:
        response = fresh.goto(_origin(page) + "/")
        assert response is not None
        fresh_status, fresh_text = response.status, fresh.text_content("#oro-dev-error")
        # Without the session (another local process), the error itself is not told.
        anonymous = httpx.get(_origin(page) + "/ipc/dev.boot")
        _write_plugin(plugin, _PLUGIN.replace("{answer}", "two"))
        after = _settled(page, overlay=None)
        _settled(fresh, boot=after["boot"])
    finally:
        fresh.close()
    answer = _answer(page)

    assert "oro_devtest" in shown
    assert "SyntaxError" in shown or "invalid syntax" in shown
    assert "SyntaxError" in oro.stderr() or "invalid syntax" in oro.stderr()
    assert fresh_status == 503
    assert fresh_text is not None
    assert "oro_devtest" in fresh_text
    assert anonymous.status_code == 503
    anonymous_message = anonymous.json()["err"]["message"]
    assert "oro_devtest" not in anonymous_message
    assert "terminal" in anonymous_message
    assert after["boot"] != before["boot"]
    assert answer == "two"


_BACKEND = """from oro_framework.backend import command


@command
def answer() -> str:
    return "{answer}"
"""


def _backend_answer(page: Page) -> Any:
    return page.evaluate("async () => (await import('oro:backend')).default.answer()")


def _backend_error(page: Page) -> Any:
    return page.evaluate(
        """async () => {
            try { await (await import('oro:backend')).default.answer() } catch (error) {
                return `${error.name} ${error.code}`
            }
            return null
        }"""
    )


def test_a_new_backend_py_restarts_the_host_and_later_saves_swap_it_in_place(
    app: Path, oro: OroProcess, page: Page
) -> None:
    before = _settled(page)
    (app / "backend.py").write_text(_BACKEND.replace("{answer}", "one"), encoding="utf-8")
    first = until(
        lambda: (state := _settled(page)) and state["boot"] != before["boot"] and state,
        "the host restarted with the backend",
    )
    answer_one = _backend_answer(page)
    types = (app / "backend.d.ts").read_text(encoding="utf-8")

    (app / "backend.py").write_text("def broken(:\n", encoding="utf-8")
    shown = str(until(lambda: _overlay(page), "the backend's error over the page"))
    broken_call = _backend_error(page)
    (app / "backend.py").write_text(_BACKEND.replace("{answer}", "two"), encoding="utf-8")
    after = _settled(page, overlay=None)
    answer_two = _backend_answer(page)

    assert answer_one == "one"
    assert "answer" in types
    assert "backend.py:1" in shown
    assert "SyntaxError" in shown
    assert "SyntaxError" in oro.stderr()
    assert broken_call == "BackendError ERR_BACKEND_IMPORT"
    # The same host, the same page: nothing restarted, nothing reloaded.
    assert after["boot"] == first["boot"]
    assert after["loads"] == first["loads"]
    assert answer_two == "two"


def test_sigterm_stops_oro_dev_and_its_host(oro: OroProcess, page: Page) -> None:
    port = int(_origin(page).rsplit(":", 1)[1])

    oro.send_signal(signal.SIGTERM)

    assert oro.wait() == 0
    assert is_port_free(port)  # the host process went with it
