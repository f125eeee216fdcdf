"""Menus in a real window under Xvfb, on both engines, driven by a real X client (xdotool): a
page sets a system menu whose accelerators real key presses trigger and pops up its own context
menu from a right click; each choice is the page's menuItemSelected event. The tray: under Qt an
icon in a real XEmbed tray host (trayer) that a click reaches; under GTK a StatusNotifierItem on
the session bus that a watcher sees and a panel's D-Bus calls (menu clicked, icon activated)
reach."""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import zlib
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
from _status_notifier_watcher import PROPERTIES, Panel, status_notifier_watcher
from oro_desktop.menus.sni import ITEM_PATH, MENU_PATH

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
// Before the page has a menu, as Socket's own suite calls it: nothing to change, no error.
const early = application.setSystemMenuItemEnabled({ indexMain: 0, indexSub: 0, enabled: false })
settle('early', early)
settle('system', early.then(() => application.setSystemMenu({ value: SYSTEM_MENU_TEXT })))
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
    screen: Desktop, engine: str, tmp_path: Path
) -> None:
    page = recorder_page(["menuItemSelected"], IMPORTS, PAGE_SCRIPT)
    app_dir = write_app(tmp_path / "app", page, name="menus system")
    with run_app(screen, app_dir, engine=engine) as app:
        assert settled(app, "system") == {
            "value": {"index": 0, "menus": 2, "items": 6, "shown": True}
        }
        # The early call changed nothing: Open, its item, stays enabled (its key works below).
        assert settled(app, "early") == {
            "value": {"index": 0, "indexMain": 0, "indexSub": 0, "applied": False}
        }
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
            "Array.from({ length: 1001 }, (_, i) => `Item ${i}: _`).join('\\n'))), null"
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
    """Qt's tray: an XEmbed icon (QSystemTrayIcon) in trayer."""
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
    with run_app(screen, app_dir, engine="qt") as app:
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


def rgba_png(pixels: list[tuple[int, int, int, int]]) -> bytes:
    """A valid one-row 8-bit RGBA PNG of ``pixels``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", len(pixels), 1, 8, 6, 0, 0, 0)
    row = b"\x00" + b"".join(bytes(pixel) for pixel in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )


TRAY_PIXELS = [(255, 0, 0, 255), (0, 128, 255, 64)]


def test_tray_as_a_status_notifier_item_on_the_session_bus(screen: Desktop, tmp_path: Path) -> None:
    """The GTK engine's tray: a StatusNotifierItem with a dbusmenu menu, toolkit-free. The
    watcher and the panel's calls are real D-Bus on the test's private session bus."""
    page = recorder_page(["menuItemSelected", "trayclick"])
    tray_menu = "Tray:\n  Show: s + Control\n  ---\n  !Later: _\n  *Quit: _;"
    app_dir = write_app(
        tmp_path / "app",
        page,
        name="menus sni",
        config='\n[desktop]\ntray_icon = "icons/tray.png"\n',
        files={"icons/tray.png": rgba_png(TRAY_PIXELS)},
    )
    with run_app(screen, app_dir, engine="system") as app:
        with pytest.raises(RouteError) as raised:
            app.call("application.setTrayMenu", value=tray_menu)
        assert (raised.value.type, raised.value.code) == ("NotSupportedError", "ERR_NO_SYSTEM_TRAY")
        assert "org.kde.StatusNotifierWatcher" in str(raised.value)

        panel = Panel(screen.bus)
        with status_notifier_watcher(screen.bus) as watcher:
            answer = app.call("application.setTrayMenu", value=tray_menu)
            assert answer == {
                "menus": 1,
                "items": 4,
                "icon": str((app_dir / "icons" / "tray.png").resolve()),
            }
            assert watcher.registered.wait(timeout=30)
            (service,) = watcher.items
            assert panel.has_owner(service)

            (item,) = panel.call(
                service, ITEM_PATH, PROPERTIES, "GetAll", "s", "org.kde.StatusNotifierItem"
            )
            assert item["Id"] == ("s", "dev.oro.test.menus-sni")
            assert item["Title"] == ("s", "Tray")
            assert item["Status"] == ("s", "Active")
            assert item["ItemIsMenu"] == ("b", False)
            assert item["Menu"] == ("o", MENU_PATH)
            # ARGB, network byte order: what the panel draws, pixel for pixel.
            argb = b"".join(bytes((a, r, g, b)) for r, g, b, a in TRAY_PIXELS)
            assert item["IconPixmap"] == ("a(iiay)", [(2, 1, argb)])

            revision, (root, _, children) = panel.call(
                service, MENU_PATH, "com.canonical.dbusmenu", "GetLayout", "iias", 0, -1, []
            )
            assert root == 0
            nodes = [node for _, node in children]
            assert [properties for _, properties, _ in nodes] == [
                {
                    "label": ("s", "Show"),
                    "enabled": ("b", True),
                    "shortcut": ("aas", [["Control", "s"]]),
                },
                {"type": ("s", "separator")},
                {"label": ("s", "Later"), "enabled": ("b", False)},
                {
                    "label": ("s", "Quit"),
                    "enabled": ("b", True),
                    "toggle-type": ("s", "checkmark"),
                    "toggle-state": ("i", 1),
                },
            ]
            show, later, quit_ = nodes[0][0], nodes[2][0], nodes[3][0]

            # The panel's clicks: a disabled item's is ignored, the others reach the page.
            for node in (later, show, quit_):
                panel.call(
                    service, MENU_PATH, "com.canonical.dbusmenu", "Event", "isvu",
                    node, "clicked", ("i", 0), 0,
                )  # fmt: skip
            assert until(
                lambda: (found := app.heard("menuItemSelected")) and len(found) >= 2 and found,
                "two menuItemSelected events",
            ) == [
                {"title": "Show", "parent": "Tray", "type": "tray", "state": 0},
                {"title": "Quit", "parent": "Tray", "type": "tray", "state": 1},
            ]
            panel.call(service, ITEM_PATH, "org.kde.StatusNotifierItem", "Activate", "ii", 10, 20)
            assert app.wait_until_heard("trayclick") == [{"x": 10, "y": 20}]

            # A new menu is a new layout revision under the same item.
            assert app.call("application.setTrayMenu", value="Other:\n  One: _;")["items"] == 1
            newer, (_, _, children) = panel.call(
                service, MENU_PATH, "com.canonical.dbusmenu", "GetLayout", "iias", 0, -1, []
            )
            assert newer > revision
            assert [node[1]["label"] for _, node in children] == [("s", "One")]

            # Removed: the item leaves the bus, which tells the panel.
            assert app.call("application.setTrayMenu", value="")["menus"] == 0
            until(lambda: not panel.has_owner(service), "the item leaving the bus")
        panel.close()
        assert app.call("ping") == "pong"


def popups(screen: Desktop) -> int:
    """How many menus are up: mapped override-redirect windows that can show something (no
    window manager runs). GTK maps an input-only one at -100,-100 to hold a menu's grab: it
    draws nothing, so it is no menu."""
    tree = screen.run("xwininfo", "-root", "-children").stdout
    count = 0
    for line in tree.splitlines():
        parts = line.split()
        if not parts or not parts[0].startswith("0x"):
            continue
        attributes = screen.run("xwininfo", "-id", parts[0]).stdout
        if "Class: InputOnly" in attributes:
            continue
        if "Map State: IsViewable" in attributes and "Override Redirect State: yes" in attributes:
            count += 1
    return count
