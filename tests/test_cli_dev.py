"""``oro dev --headless`` in a real subprocess on an app in a temporary directory, its page in
the system Chromium: real files edited, a real watcher, real reloads and restarts.

The tests share one ``oro dev`` and one page (a browser start and a host start cost seconds) and
run in file order: each leaves the app working for the next.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _oro_process import OroProcess, headless_environ, until
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from oro_framework.host.dev import editable_plugin_sources

REPOSITORY = Path(__file__).resolve().parents[1]

_CONFIG = """[meta]
name = "{name}"
bundle_identifier = "dev.oro.test-cli-dev"
"""
# Counts its loads in sessionStorage (it survives reloads of the tab, not a new tab) and says
# when the event channel is open, so that a reload asked for after that cannot be missed.
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>dev</title>
<script type="module">
sessionStorage.loads = String(Number(sessionStorage.loads ?? 0) + 1)
globalThis.addEventListener('runtimeinit', () => { globalThis.ready = true })
</script></head>
<body data-marker="{marker}"><p>oro dev</p></body></html>
"""

_STATE = """() => ({
    ready: globalThis.ready === true,
    loads: Number(sessionStorage.loads),
    marker: document.body?.dataset.marker ?? null,
    boot: globalThis.__args?.devBoot ?? null,
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


@pytest.fixture(scope="module")
def oro(app: Path) -> Iterator[OroProcess]:
    with OroProcess("dev", str(app), "--headless", environ=headless_environ()) as process:
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

    return until(check, f"the page with {expected}")


def test_saving_an_app_file_reloads_the_page(app: Path, oro: OroProcess, page: Page) -> None:
    before = _settled(page, marker="initial")

    _write_index(app, "edited")

    after = _settled(page, marker="edited")
    assert after["loads"] == before["loads"] + 1
    assert after["boot"] == before["boot"]  # a reload, not a restart
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

    assert "5 more" not in burst and "and 2 more" in burst  # five files, one line
    assert after["loads"] == before["loads"] + 2
    assert [line for line in oro.lines if "reloading pages" in line][-2:] == [
        burst,
        "oro dev: reloading pages (index.html changed)",
    ]


def test_changing_oro_toml_restarts_the_host_and_the_page_reconnects(
    app: Path, oro: OroProcess, page: Page
) -> None:
    before = _settled(page, name="first")
    origin = page.url.split("/", 3)[:3]

    (app / "oro.toml").write_text(_CONFIG.format(name="second"), encoding="utf-8")

    oro.wait_for_line(r"^oro dev: oro\.toml changed; restarting the host")
    # The new host prints a launch URL of its own; the page needs none: its session holds.
    oro.launch_url()
    after = _settled(page, name="second")
    assert after["boot"] != before["boot"]
    assert after["loads"] == before["loads"] + 1
    assert page.url.split("/", 3)[:3] == origin
    assert "oro_launch" not in page.url


def test_a_broken_oro_toml_shows_in_the_page_and_terminal_and_fixing_it_recovers(
    app: Path, oro: OroProcess, page: Page
) -> None:
    before = _settled(page, name="second")

    (app / "oro.toml").write_text('[meta]\nname = "unterminated\n', encoding="utf-8")

    until(lambda: "invalid TOML" in oro.stderr(), "the TOML error on the terminal")

    def overlay() -> str | None:
        try:
            text: str | None = page.evaluate(
                "() => document.getElementById('oro-dev-overlay')?.textContent ?? null"
            )
        except PlaywrightError:
            return None
        return text

    shown = until(overlay, "the error in an overlay over the page")
    assert "invalid TOML" in shown
    assert "oro.toml" in shown

    (app / "oro.toml").write_text(_CONFIG.format(name="third"), encoding="utf-8")

    after = _settled(page, name="third", overlay=None)
    assert after["boot"] != before["boot"]
    assert after["loads"] == before["loads"] + 1


def test_a_page_opened_while_the_host_is_broken_gets_an_error_page_that_recovers(
    app: Path, oro: OroProcess, page: Page, chromium_browser: Browser
) -> None:
    _settled(page, name="third")
    (app / "oro.toml").write_text("[meta\n", encoding="utf-8")
    until(lambda: _overlay_shown(page), "the overlay")
    # A new tab of the same browser context: the session cookie, but no page loaded yet.
    fresh = page.context.new_page()
    try:
        origin = "/".join(page.url.split("/", 3)[:3])
        response = fresh.goto(origin + "/")
        assert response is not None
        assert response.status == 503
        assert "invalid TOML" in fresh.text_content("#oro-dev-error")

        (app / "oro.toml").write_text(_CONFIG.format(name="fourth"), encoding="utf-8")

        _settled(fresh, name="fourth")
        _settled(page, name="fourth", overlay=None)
    finally:
        fresh.close()


def _overlay_shown(page: Page) -> bool:
    state: Any = None
    try:
        state = page.evaluate("() => document.getElementById('oro-dev-overlay') !== null")
    except PlaywrightError:
        return False
    return bool(state)


def test_error_page_hides_the_error_from_requests_without_the_session(
    app: Path, oro: OroProcess, page: Page
) -> None:
    import httpx

    _settled(page, name="fourth")
    (app / "oro.toml").write_text("[meta\n", encoding="utf-8")
    until(lambda: _overlay_shown(page), "the overlay")
    origin = "/".join(page.url.split("/", 3)[:3])

    answer = httpx.get(origin + "/ipc/dev.boot")

    assert answer.status_code == 503
    message = json.loads(answer.text)["err"]["message"]
    assert "invalid TOML" not in message
    assert "terminal" in message
    (app / "oro.toml").write_text(_CONFIG.format(name="fifth"), encoding="utf-8")
    _settled(page, name="fifth", overlay=None)


def test_editable_plugins_of_this_workspace_are_watched() -> None:
    # The workspace installs its plugins editable: their project directories restart the host.
    sources = editable_plugin_sources()

    assert REPOSITORY / "plugins" / "oro-fs" in sources
    assert REPOSITORY not in sources  # oro-framework's own source is not an app's plugin
    assert all(re.search(r"oro-", path.name) for path in sources)
