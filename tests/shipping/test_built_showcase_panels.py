"""The showcase's panels in real headless Chromium against the built app (the frozen binary in
its folder, run from a clean environment), as the plugins' own showcase tests drive them under
`oro run`: fs, dns, udp, tcp, ai, service workers and windows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import BuiltApp, clean_environ
from tests._oro_process import OroProcess


@pytest.fixture(scope="module")
def built_launch(
    built_showcase: BuiltApp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OroProcess, Path]]:
    """The running built showcase and its HOME."""
    home = tmp_path_factory.mktemp("home")
    with OroProcess(
        "--headless",
        "--port",
        "0",
        executable=built_showcase.executable,
        environ=clean_environ(home),
        timeout=120,
    ) as app:
        app.launch_url()  # it serves
        yield app, home


@pytest.fixture
def page(chromium_browser: Browser, built_launch: tuple[OroProcess, Path]) -> Iterator[Page]:
    """The main window's page in a fresh browser, opened as the app's windows open theirs (a
    launch URL of window 0), so it holds the session and the window's credential."""
    context = chromium_browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    page.goto(built_launch[0].window_launch_url("/"))
    page.wait_for_function("() => globalThis.__oroInitialised === true", timeout=30_000)
    try:
        yield page
    finally:
        context.close()


def _json(page: Page, selector: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(page.text_content(selector) or "{}")
    return result


def _wait_text(page: Page, element: str, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([id, text]) => document.getElementById(id).textContent.includes(text)",
        arg=[element, text],
        timeout=timeout,
    )


def test_the_notes_panel_saves_into_the_app_data(
    page: Page, built_launch: tuple[OroProcess, Path]
) -> None:
    page.wait_for_selector("#fs-panel[data-ready='true']", timeout=30_000)
    page.fill("#fs-name", "built.md")
    page.fill("#fs-text", "from the built app\n")
    page.click("#fs-save")
    page.wait_for_selector("#fs-notes li:has-text('built.md')")
    notes = built_launch[1] / ".local" / "share" / "dev.oro.showcase" / "notes"
    assert (notes / "built.md").read_text() == "from the built app\n"


def test_the_dns_panel_looks_localhost_up(page: Page) -> None:
    _wait_text(page, "dns-result", "addresses")
    first = _json(page, "#dns-result")
    assert {"address": "127.0.0.1", "family": 4} in first["addresses"]  # type: ignore[operator]


def test_the_udp_panel_echoes_through_loopback(page: Page) -> None:
    _wait_text(page, "udp-result", "client")
    page.fill("#udp-text", "built udp")
    page.click("#udp-send")
    _wait_text(page, "udp-result", "echoed")
    assert _json(page, "#udp-result")["echoed"] == "BUILT UDP"


def test_the_tcp_panel_echoes_through_a_page_server(page: Page) -> None:
    _wait_text(page, "tcp-result", "client")
    assert _json(page, "#tcp-result")["tls"]["provider"] == "openssl"  # type: ignore[index]
    page.fill("#tcp-text", "built tcp")
    page.click("#tcp-send")
    _wait_text(page, "tcp-result", "echoed")
    assert _json(page, "#tcp-result")["echoed"] == "BUILT TCP"


def test_the_chat_panel_answers_with_the_bundled_model(page: Page) -> None:
    page.wait_for_function(
        "() => document.getElementById('ai-model').textContent.startsWith('models:')",
        timeout=60_000,
    )
    assert "SmolLM2-135M-Instruct" in (page.text_content("#ai-model") or "")
    page.fill("#ai-prompt", "hello there")
    page.click("#ai-send")
    page.wait_for_function(
        "() => / tok\\/s, first token /.test(document.querySelector('#ai-stats').textContent)",
        timeout=120_000,
    )
    transcript = page.text_content("#ai-transcript") or ""
    assert transcript.startswith("you: hello there\nassistant: ")
    assert len(transcript) > len("you: hello there\nassistant: ")


def test_the_windows_panel_opens_a_window_and_fetches_its_protocol(
    page: Page, chromium_browser: Browser
) -> None:
    page.click("#windows-open")
    _wait_text(page, "windows-result", "open")
    launch_url = str(_json(page, "#windows-result")["open"])
    assert "/second.html?index=1&oro_launch=" in launch_url
    second = chromium_browser.new_context().new_page()
    try:
        second.goto(launch_url)
        second.wait_for_function("() => document.body.dataset.ready === 'true'")
    finally:
        second.context.close()
    page.evaluate("() => { document.getElementById('windows-result').textContent = '' }")
    page.click("#windows-fetch")
    _wait_text(page, "windows-result", "servedBy")
    visit = _json(page, "#windows-result")
    assert visit["servedBy"] == "showcase-sw.js"
    assert str(visit["url"]).startswith("web+showcase://note/")
