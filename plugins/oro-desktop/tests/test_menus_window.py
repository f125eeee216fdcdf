"""Menus in a real Qt window under Xvfb, driven by a real X client (xdotool): a page sets a
system menu whose accelerators real key presses trigger, pops up its own context menu from a
right click, and shows a tray icon in a real tray host (trayer) that a click reaches; each
choice is the page's menuItemSelected event."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _desktop_app import (
    Desktop,
    DesktopApp,
    RouteError,
    recorder_page,
    run_app,
    until,
    write_app,
)

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

SYSTEM_MENU = """
File:
  Open: o + Control
  Recent > Notes: N + Control
  ---
  *Autosave: _
  Quit: q + Control;
Help:
  About: _;
"""

PAGE_SCRIPT = """
globalThis.application = application
globalThis.settled = {}
globalThis.settle = (name, promise) => promise.then(
  (value) => { settled[name] = { value } },
  (error) => { settled[name] = { error: error.name, code: error.code, message: error.message } })
settle('system', application.setSystemMenu({ value: SYSTEM_MENU_TEXT }))
addEventListener('contextmenu', (event) => {
  event.preventDefault()
  settle('context', oroWindow.getCurrentWindow().setContextMenu('Copy: c\\nMore > Paste: _'))
})
""".replace("SYSTEM_MENU_TEXT", json.dumps(SYSTEM_MENU))

IMPORTS = "import * as application from 'oro:application'\nimport * as oroWindow from 'oro:window'"


def settled(app: DesktopApp, name: str) -> Any:
    """The outcome of the page's promise ``name`` once it settled."""
    return until(
        lambda: app.eval(f"globalThis.settled?.[{json.dumps(name)}] ?? null"),
        f"the page's {name} call settles",
    )


def focus(screen: Desktop, window: str) -> None:
    # No window manager runs: give the window the keyboard as one would.
    screen.run("xdotool", "windowfocus", "--sync", window)


def selected(app: DesktopApp, count: int) -> list[Any]:
    return until(
        lambda: (found := app.heard("menuItemSelected")) and len(found) >= count and found,
        f"{count} menuItemSelected events",
    )


def test_system_menu_accelerators_and_a_context_menu_reach_the_page(
    screen: Desktop, tmp_path: Path
) -> None:
    page = recorder_page(["menuItemSelected"], IMPORTS, PAGE_SCRIPT)
    app_dir = write_app(tmp_path / "app", page, name="menus system")
    with run_app(screen, app_dir) as app:
        assert settled(app, "system") == {"value": {"index": 0, "menus": 2, "items": 6}}
        window = app.window_id()
        focus(screen, window)

        screen.run("xdotool", "key", "ctrl+o")
        assert selected(app, 1) == [
            {"title": "Open", "parent": "File", "type": "system", "state": 0}
        ]
        # A capital key is Shift; a submenu item's parent is the submenu.
        screen.run("xdotool", "key", "ctrl+shift+n")
        assert selected(app, 2)[1] == {
            "title": "Notes",
            "parent": "Recent",
            "type": "system",
            "state": 0,
        }

        # Disabled, Open's accelerator does nothing: the next event is Quit's.
        app.call("application.setSystemMenuItemEnabled", enabled=False, indexMain=0, indexSub=0)
        screen.run("xdotool", "key", "ctrl+o", "ctrl+q")
        assert selected(app, 3)[2]["title"] == "Quit"
        with pytest.raises(RouteError) as raised:
            app.call("application.setSystemMenuItemEnabled", enabled=True, indexMain=2, indexSub=0)
        assert (raised.value.type, raised.value.code) == ("RangeError", "ERR_OUT_OF_RANGE")
        with pytest.raises(RouteError) as raised:
            app.call("application.setSystemMenuItemEnabled", enabled=True, indexMain=1, indexSub=1)
        assert raised.value.code == "ERR_OUT_OF_RANGE"

        # A right click: the page prevents its default menu and pops up its own.
        screen.run("xdotool", "mousemove", "--window", window, "300", "300", "click", "3")
        assert settled(app, "context") == {"value": {"index": 0, "items": 2}}
        # Only the page's menu: the browser's own (with Inspect Element) stays away.
        assert until(lambda: popups(screen), "the context menu popping up") == 1
        screen.run("xdotool", "key", "Down", "Return")
        assert selected(app, 4)[3] == {
            "title": "Copy",
            "parent": "contextMenu",
            "type": "context",
            "state": 0,
        }

        # Bad text is a typed error naming its line, and the app keeps serving.
        with pytest.raises(RouteError) as raised:
            app.call("application.setSystemMenu", value="File:\n  Open: o + Hyper;")
        assert (raised.value.type, raised.value.code) == ("TypeError", "ERR_MENU_SYNTAX")
        assert raised.value.error["line"] == 2
        assert "line 2" in str(raised.value)
        assert app.call("ping") == "pong"
        app.eval(
            "settle('big', application.setSystemMenu('Big:\\n' + "
            "Array.from({ length: 1001 }, (_, i) => `Item ${i}: _`).join('\\n')))"
        )
        big = settled(app, "big")
        assert (big["error"], big["code"]) == ("TypeError", "ERR_MENU_TOO_LARGE")

        # The menu set before the errors still works.
        screen.run("xdotool", "key", "ctrl+q")
        assert selected(app, 5)[4]["title"] == "Quit"


def tray_window(screen: Desktop) -> str:
    """The X window of trayer's panel, once it shows an icon (it grows from 2 pixels wide)."""

    def search() -> str:
        try:
            found = screen.run("xdotool", "search", "--classname", "^panel$").stdout.split()
            if not found:
                return ""
            geometry = screen.run("xdotool", "getwindowgeometry", "--shell", found[0]).stdout
        except subprocess.CalledProcessError:
            return ""
        width = int(dict(line.split("=") for line in geometry.split())["WIDTH"])
        return found[0] if width > 8 else ""

    return until(search, "trayer's panel showing the app's icon")


def test_tray_icon_in_a_real_tray_host_clicks_and_menu(screen: Desktop, tmp_path: Path) -> None:
    page = recorder_page(["menuItemSelected", "trayclick"])
    tray_menu = "Tray:\n  Show: _\n  Quit: _;"
    # A name of its own: apps of one name are one instance, whichever test started them.
    app_dir = write_app(
        tmp_path / "app",
        page,
        name="menus tray",
        config='\n[desktop]\ntray_icon = "icons/tray.png"\n',
        files={"icons/tray.png": PNG_1X1},
    )
    with run_app(screen, app_dir) as app:
        with pytest.raises(RouteError) as raised:
            app.call("application.setTrayMenu", value=tray_menu)
        assert (raised.value.type, raised.value.code) == ("NotSupportedError", "ERR_NO_SYSTEM_TRAY")
        assert "tray host" in str(raised.value)

        trayer = screen.start(
            "trayer", "--edge", "top", "--align", "left", "--widthtype", "request",
            "--height", "32",
        )  # fmt: skip
        try:

            def shown() -> Any:
                try:
                    return app.call("application.setTrayMenu", value=tray_menu)
                except RouteError as error:
                    # Until trayer owns the tray selection; any other failure is the test's.
                    if error.code != "ERR_NO_SYSTEM_TRAY":
                        raise
                    return None

            answer = until(shown, "the tray host taking the icon")
            assert answer == {
                "menus": 1,
                "items": 2,
                "icon": str((app_dir / "icons" / "tray.png").resolve()),
            }
            panel = tray_window(screen)
            screen.run("xdotool", "mousemove", "--window", panel, "16", "16", "click", "1")
            (click,) = app.wait_until_heard("trayclick")
            assert set(click) == {"x", "y"}

            # The right button opens the tray menu; the keyboard chooses in it.
            focus(screen, app.window_id())
            screen.run("xdotool", "mousemove", "--window", panel, "16", "16", "click", "3")
            until(lambda: popups(screen), "the tray menu popping up")
            screen.run("xdotool", "key", "Down", "Return")
            assert app.wait_until_heard("menuItemSelected") == [
                {"title": "Show", "parent": "Tray", "type": "tray", "state": 0}
            ]
            assert app.call("application.setTrayMenu", value="")["menus"] == 0
        finally:
            trayer.terminate()
            trayer.wait(timeout=30)


def popups(screen: Desktop) -> int:
    """How many menus are up: mapped override-redirect windows (no window manager runs)."""
    tree = screen.run("xwininfo", "-root", "-children").stdout
    count = 0
    for line in tree.splitlines():
        parts = line.split()
        if not parts or not parts[0].startswith("0x"):
            continue
        attributes = screen.run("xwininfo", "-id", parts[0]).stdout
        if "Map State: IsViewable" in attributes and "Override Redirect State: yes" in attributes:
            count += 1
    return count
