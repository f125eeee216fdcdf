"""README's first command, ``oro run examples/showcase``, as a user sees it: every panel that
fills itself on load shows an answer, none an error, and nothing goes uncaught; in headless
Chromium and in WebKit, against a real ``oro run`` with every installed plugin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from oro_framework.testing.webkit import WebKitBrowser
from tests._oro_process import SHOWCASE, OroProcess, headless_environ
from tests._showcase import LOADED, PANELS, errors_shown


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def showcase(home: Path) -> Iterator[OroProcess]:
    with OroProcess(
        *("run", "--headless", "--port", "0", str(SHOWCASE)),
        # Its own data folders (the notes panel writes data:notes/).
        environ=headless_environ(
            {
                "HOME": str(home),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_STATE_HOME": str(home / "state"),
            }
        ),
        timeout=120,
    ) as app:
        app.launch_url()
        yield app


def test_no_panel_of_the_showcase_shows_an_error(
    browser: Browser | WebKitBrowser, showcase: OroProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page_errors: list[str] = []
    if isinstance(browser, Browser):
        # Chromium tells uncaught errors to the test too; the page's own line says them on both.
        page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        page.goto(showcase.window_launch_url("/"))
        page.wait_for_function(LOADED, timeout=30_000)
        panels: dict[str, str] = page.evaluate(PANELS)
    finally:
        context.close()

    assert page_errors == []
    assert "Uncaught" not in panels["first screen"], panels["first screen"]
    assert re.search(r"memory free\s+\d+\.\d\d GiB", panels["Live from the host"])
    assert errors_shown(panels) == {}


def test_the_web_platform_panel_shows_the_brokers_states_and_the_network(
    browser: Browser | WebKitBrowser, showcase: OroProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(showcase.window_launch_url("/"))
        page.wait_for_function(LOADED, timeout=30_000)
        permissions = page.text_content("#platform-permissions") or ""
        network = page.text_content("#platform-network") or ""
        online = page.evaluate("navigator.onLine")
        page.click("#platform-locate")
        page.wait_for_function(
            "!['\\u2013', 'asking\\u2026']"
            ".includes(document.getElementById('platform-location').textContent)",
            timeout=30_000,
        )
        location = page.text_content("#platform-location") or ""
    finally:
        context.close()

    # Nobody has decided and a browser tab has no window of the app's to ask in: the states are
    # "prompt", and asking for the location is the typed PERMISSION_DENIED (code 1).
    assert json.loads(permissions) == {
        "camera": "prompt",
        "microphone": "prompt",
        "geolocation": "prompt",
    }
    assert json.loads(network) == {"online": online}
    assert location.startswith("GeolocationPositionError 1: "), location


REACH = """async (paths) => {
  const { send } = await import('oro:ipc')
  const grant = '{"app": {"camera": "granted"}}'
  const tried = {}
  for (const path of paths) {
    const answers = await Promise.all([
      send('fs.readFile', { path }),
      send('fs.stat', { path }),
      send('fs.writeFile', { path }, { body: grant }),
      send('sqlite.open', { id: 'probe', path }),
    ])
    tried[path] = answers.map((answer) => (answer.err ? String(answer.err.code) : 'reached'))
  }
  return tried
}"""
"""Each path read, statted, written and opened as a database by the page, as ``oro:ipc`` answers."""


def test_no_file_the_host_or_its_plugins_keep_is_reachable_from_the_page(
    browser: Browser | WebKitBrowser, showcase: OroProcess, home: Path
) -> None:
    """Issue 71 item 1: every panel run, every file the host and its plugins wrote for
    themselves (the state folder: the worker registry, storage...) is out of the page's reach by
    its absolute path, and the folders holding them too."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(showcase.window_launch_url("/"))
        page.wait_for_function(LOADED, timeout=30_000)
        # What the Service Worker panel's first fetch makes the host keep: a registration.
        page.evaluate(
            """async () => (await import('oro:ipc')).request('serviceWorker.register',
              { scriptURL: location.origin + '/showcase-sw.js' })"""
        )
        state = home / "state" / "oro-framework"
        kept = sorted(str(path) for path in state.rglob("*"))
        tried = page.evaluate(REACH, [*kept, str(state)])
    finally:
        context.close()

    assert any(path.endswith("service-workers.json") for path in kept), kept
    reached = {path: answers for path, answers in tried.items() if "reached" in answers}
    assert reached == {}
