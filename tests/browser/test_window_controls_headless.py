"""``oro:window`` and ``oro:application`` as the Oro Runtime declares them (api/window.d.ts,
api/window/constants.d.ts, api/application.d.ts), in a real headless Chromium page of the real
``oro run --headless``: the virtual window keeps its state (size, position, maximised,
minimised, always on top, background colour), the synchronous getters read what the last
answer said, bad arguments are typed errors and the host keeps serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

PAGE = """<!doctype html>
<html>
<head><title>controls</title></head>
<body>
<script type="module">
import * as application from 'oro:application'
import ApplicationWindow, * as windows from 'oro:window'
import * as constants from 'oro:window/constants'
globalThis.oro = { application, windows, constants, ApplicationWindow }
globalThis.heard = []
for (const name of ['windowhide', 'windowshow']) {
  globalThis.addEventListener(name, (event) => heard.push({ name, index: event.detail.index }))
}
/** The error a promise rejects with, as plain fields. */
globalThis.failure = (promise) => promise.then(
  () => null,
  (error) => ({ name: error.name, code: error.code, type: error.type ?? null }))
document.body.dataset.ready = 'true'
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "controls"
bundle_identifier = "dev.oro.test.window-controls"

[window]
width = 640
height = 480
"""


@pytest.fixture
def page(tmp_path: Path, chromium_browser: Browser) -> Iterator[Page]:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    with OroProcess("run", str(tmp_path), "--headless", environ=headless_environ()) as oro:
        context = chromium_browser.new_context()
        page = context.new_page()
        page.goto(oro.launch_url())
        page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=15_000)
        yield page
        context.close()


def run(page: Page, script: str) -> Any:
    return page.evaluate(f"(async () => {{ {script} }})()")


def test_the_virtual_window_keeps_what_each_method_set(page: Page) -> None:
    """Each ApplicationWindow method of api/window.d.ts changes the window's state, which the
    answer, the synchronous getters and a fresh `application.getWindows()` all report."""
    result = run(
        page,
        """
        const { application } = oro
        const win = await application.getCurrentWindow()
        const out = { first: [win.getTitle(), win.getSize(), win.getPosition(), win.getStatus()] }
        await win.setTitle('Renamed')
        await win.setSize({ width: 500, height: 400 })
        await win.setPosition({ x: 30, y: -20 })
        out.set = [win.title, win.size, win.position]
        const maximized = await win.maximize()
        out.maximized = [maximized.maximized, win.state.maximized, win.status]
        await win.minimize()
        out.minimized = [win.state.minimized, win.status, win.statusName]
        await win.restore()
        out.restored = [win.state.minimized, win.state.maximized, win.status]
        await win.setAlwaysOnTop(true)
        out.onTop = await win.isAlwaysOnTop()
        await win.setBackgroundColor({ red: 10, green: 20, blue: 30, alpha: 0.5 })
        out.color = await win.getBackgroundColor()
        await win.focus()
        await win.blur()
        const fresh = await application.getWindow(0)
        out.fresh = [fresh.title, fresh.getSize(), fresh.getPosition(), fresh.state.alwaysOnTop,
          fresh.appearance.backgroundColor]
        out.list = [...(await application.getWindows())].map((w) => w.index)
        out.heard = heard
        return out
        """,
    )

    assert result["first"] == ["controls", {"width": 640, "height": 480}, {"x": 0, "y": 0}, 31]
    assert result["set"] == ["Renamed", {"width": 500, "height": 400}, {"x": 30, "y": -20}]
    assert result["maximized"] == [True, True, 31]
    # A minimised window counts as hidden: Oro's WINDOW_HIDDEN, and every page hears it.
    assert result["minimized"] == [True, 21, "hidden"]
    assert result["restored"] == [False, False, 31]
    assert result["onTop"] is True
    assert result["color"] == "rgba(10, 20, 30, 0.5)"
    assert result["fresh"] == [
        "Renamed",
        {"width": 500, "height": 400},
        {"x": 30, "y": -20},
        True,
        {"red": 10, "green": 20, "blue": 30, "alpha": 0.5},
    ]
    assert result["list"] == [0]
    assert result["heard"] == [
        {"name": "windowhide", "index": 0},
        {"name": "windowshow", "index": 0},
    ]


def test_the_modules_export_what_oros_declarations_declare(page: Page) -> None:
    """api/application.d.ts, api/window.d.ts and api/window/constants.d.ts: the exports and
    their shapes (the status numbers, the window list indexed by window index)."""
    result = run(
        page,
        """
        const { application, windows, constants, ApplicationWindow } = oro
        const list = await application.getWindows()
        return {
          application: ['MAX_WINDOWS', 'ApplicationWindowList', 'getScreenSize', 'getWindows',
            'getWindow', 'getCurrentWindow', 'getCurrentWindowIndex', 'createWindow', 'exit',
            'isPaused', 'config', 'runtimeVersion', 'debug', 'backend', 'client',
            'addEventListener', 'removeEventListener', 'setSystemMenu', 'setTrayMenu',
            'setSystemMenuItemEnabled'].filter((name) => !(name in application)),
          window: ['ApplicationWindow', 'formatURL', 'constants', 'client']
            .filter((name) => !(name in windows)),
          defaultIsTheClass: ApplicationWindow === windows.ApplicationWindow,
          statics: ApplicationWindow.constants.WINDOW_SHOWN,
          constants: [constants.WINDOW_NONE, constants.WINDOW_SHOWN, constants.WINDOW_HIDDEN,
            constants.WINDOW_CLOSED, constants.WINDOW_KILLED],
          max: application.MAX_WINDOWS,
          list: [list.length, list.size, list[0] === list.item(0), list.keys(),
            list.contains(0), list instanceof application.ApplicationWindowList],
          screen: await application.getScreenSize(),
          browserScreen: { width: screen.width, height: screen.height },
          formatted: windows.formatURL('/a.html'),
          inspector: await failure(list[0].showInspector()),
          backend: await failure(application.backend.open().then(({ err }) => { throw err })),
        }
        """,
    )

    assert result["application"] == []
    assert result["window"] == []
    assert result["defaultIsTheClass"] is True
    assert result["statics"] == 31
    assert result["constants"] == [0, 31, 21, 41, 61]
    assert result["max"] == 64
    assert result["list"] == [1, 1, True, [0], True, True]
    # Headless the screen is the browser's.
    assert result["screen"] == result["browserScreen"]
    assert result["formatted"].endswith("/a.html")
    assert result["inspector"]["name"] == "NotSupportedError"
    # The app declares no backend process ([process.backend] cmd, Oro's [linux] cmd): the
    # Result's err, as Socket's open() answers (api/application.js:635-638).
    assert result["backend"]["name"] == "NotFoundError"
    assert result["backend"]["code"] == "ERR_NO_BACKEND_CMD"


def test_bad_arguments_are_typed_errors_and_the_host_keeps_serving(page: Page) -> None:
    result = run(
        page,
        """
        const win = await oro.application.getCurrentWindow()
        const out = {
          negative: await failure(win.setSize({ width: -5, height: 10 })),
          huge: await failure(win.setSize({ width: 100000, height: 10 })),
          fraction: await failure(win.setSize({ width: 1.5, height: 10 })),
          percent: await failure(win.setSize({ width: '50%' })),
          offscreen: await failure(win.setPosition({ x: 40000 })),
          channel: await failure(win.setBackgroundColor({ red: 256, green: 0, blue: 0 })),
          alpha: await failure(win.setBackgroundColor({ red: 0, green: 0, blue: 0, alpha: 2 })),
          unknown: await failure(new oro.ApplicationWindow(9).setTitle('x')),
          index: await failure(oro.application.getWindow(1.5)),
          eval: await failure(win.eval('1 + 1')),
        }
        out.after = (await win.setTitle('still served')).title
        return out
        """,
    )

    assert result["negative"]["name"] == "RangeError"
    assert result["huge"]["name"] == "RangeError"
    assert result["fraction"]["code"] == "ERR_INVALID_ARG_TYPE"
    # A percentage is of the screen: headless, the page's own (it sends it along).
    assert result["percent"] is None
    assert result["offscreen"]["name"] == "RangeError"
    assert result["channel"]["name"] == "RangeError"
    assert result["alpha"]["name"] == "RangeError"
    assert result["unknown"]["name"] == "NotFoundError"
    assert result["index"]["code"] == "ERR_INVALID_ARG_TYPE"
    assert (result["eval"]["name"], result["eval"]["code"]) == ("NotSupportedError", "ERR_HEADLESS")
    assert result["after"] == "still served"
