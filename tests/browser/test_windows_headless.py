"""Many windows, headless, as a user runs them: the real ``oro run --headless`` in a
subprocess and headless Chromium. Window 0's page creates window 1, whose single-use launch URL
``oro run`` prints and window 0 hears as ``windowlaunch``; a second browser context (a session
of its own) opens it; the two pages talk with ``win.send``; closing window 1 keeps the app; and
Ctrl-C reaches every page as ``applicationstop``."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

PAGE = """<!doctype html>
<html>
<head><title>windows</title></head>
<body>
<script type="module">
import { createWindow, getWindow, getWindows } from 'oro:window'
globalThis.heard = []
const names = ['greeting', 'reply', 'windowcreate', 'windowshow', 'windowclose',
  'windowlaunch', 'applicationstop']
for (const name of names) {
  globalThis.addEventListener(name, (event) => heard.push({ name, detail: event.detail }))
}
// Window 1 answers a greeting from whoever is window 0.
globalThis.addEventListener('greeting', (event) => {
  getWindow(0).send('reply', { got: event.detail, from: globalThis.__args.index })
})
globalThis.windows = { createWindow, getWindow, getWindows }
document.body.dataset.ready = 'true'
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "windows"
bundle_identifier = "dev.oro.test.windows"
"""

WINDOW_LINE = re.compile(r"^oro: window (\d+) at (http://127\.0\.0\.1:\d+/\S+)$")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    return tmp_path


@pytest.fixture
def oro(app: Path) -> Iterator[OroProcess]:
    with OroProcess("run", str(app), "--headless", environ=headless_environ()) as process:
        yield process


def open_page(browser: Browser, url: str) -> Page:
    """``url`` in a browser context of its own (so it must open its own session), once the
    page's module ran and its event channel is open."""
    page = browser.new_context().new_page()
    page.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    page.goto(url)
    page.wait_for_function(
        "() => globalThis.__oroInitialised === true && document.body.dataset.ready === 'true'",
        timeout=15_000,
    )
    return page


def heard(page: Page, name: str) -> list[Any]:
    details: list[Any] = page.evaluate(
        "(name) => heard.filter((item) => item.name === name).map((item) => item.detail)", name
    )
    return details


def wait_for_event(page: Page, name: str, count: int = 1) -> None:
    page.wait_for_function(
        "([name, count]) => heard.filter((item) => item.name === name).length >= count",
        arg=[name, count],
        timeout=15_000,
    )


def create_second_window(oro: OroProcess, first: Page) -> tuple[dict[str, Any], str]:
    created: dict[str, Any] = first.evaluate(
        "windows.createWindow({ url: '/index.html', title: 'second' }).then((w) => w.toJSON())"
    )
    printed = WINDOW_LINE.match(oro.wait_for_line(r"^oro: window \d+ at "))
    assert printed is not None
    assert printed.group(1) == "1"
    return created, printed.group(2)


def test_two_headless_windows_talk_and_closing_the_second_keeps_the_app(
    chromium_browser: Browser, oro: OroProcess
) -> None:
    first = open_page(chromium_browser, oro.launch_url())
    created, printed = create_second_window(oro, first)
    wait_for_event(first, "windowlaunch")
    second = open_page(chromium_browser, printed)

    assert created["index"] == 1
    assert created["title"] == "second"
    assert created["launchUrl"] == printed
    assert heard(first, "windowlaunch") == [{"index": 1, "url": printed}]
    assert second.evaluate("globalThis.__args.index") == 1
    assert second.url.endswith("/index.html?index=1")  # the token is gone from the address
    # The launch URL is spent: a third context cannot open a session with it.
    spent = chromium_browser.new_context().new_page()
    assert spent.goto(printed).status == 403
    spent.context.close()

    first.evaluate("windows.getWindow(1).send('greeting', { text: 'hi' })")
    wait_for_event(first, "reply")

    assert heard(second, "greeting") == [{"text": "hi"}]
    assert heard(first, "reply") == [{"got": {"text": "hi"}, "from": 1}]
    # Events reach a page in the order they were sent, so a greeting meant for window 0 too
    # would have come before the reply.
    assert heard(first, "greeting") == []

    # The second window closes itself: a window controls no other unless the app lets it
    # (permissions.allow_window_control, issue 50).
    closed = second.evaluate("windows.getWindow(1).close()")
    wait_for_event(first, "windowclose")
    statuses = first.evaluate(
        "windows.getWindows().then((list) => list.map((w) => [w.index, w.status]))"
    )

    # Oro's status number, as Oro's close() answers; the host's name beside it.
    assert (closed["status"], closed["statusName"]) == (41, "closed")
    assert [detail["index"] for detail in heard(first, "windowclose")] == [1]
    assert statuses == [[0, 31], [1, 41]]  # Oro's WINDOW_SHOWN, WINDOW_CLOSED
    assert oro.process.poll() is None  # the app still runs

    first.evaluate("windows.getWindow(0).close()")
    assert oro.wait() == 0, oro.stderr()


def test_ctrl_c_with_two_windows_open_tells_every_page_applicationstop(
    chromium_browser: Browser, oro: OroProcess
) -> None:
    first = open_page(chromium_browser, oro.launch_url())
    _, printed = create_second_window(oro, first)
    second = open_page(chromium_browser, printed)

    oro.send_signal(signal.SIGINT)
    wait_for_event(first, "applicationstop")
    wait_for_event(second, "applicationstop")

    assert oro.wait() == 0, oro.stderr()
    assert heard(first, "applicationstop") == [{"state": "stopping"}]
    assert heard(second, "applicationstop") == [{"state": "stopping"}]
