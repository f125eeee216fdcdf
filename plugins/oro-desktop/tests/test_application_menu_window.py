"""``oro:application/menu`` (``application.menu``, Oro's menu objects) in a real window under
Xvfb, on both engines: a menu bar set from Oro's object form whose accelerator a real key press
triggers, a context menu set from a list of labels and chosen with the keyboard, each choice a
``menuitem`` event on its menu and on the container; bad text a typed error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _desktop_app import Desktop, DesktopApp, recorder_page, run_app, write_app

from oro_framework.testing import until

PAGE_SCRIPT = """
const { menu } = application
globalThis.chosen = []
globalThis.settled = {}
globalThis.settle = (name, promise) => promise.then(
  (value) => { settled[name] = { value } },
  (error) => { settled[name] = { error: error.name, code: error.code, line: error.line ?? null } })
const record = (where) => (event) => chosen.push({
  where, title: event.title, tag: event.tag, type: event.data.type, menu: event.menu?.type ?? null
})
menu.system.onmenuitem = record('system')
menu.context.addEventListener('menuitem', record('context'))
menu.addEventListener('menuitem', record('container'))
settle('bad', menu.system.set('File:\\n  Open: o + Hyper;'))
settle('system', menu.system.set({ File: { Open: 'o + Control', '---': '', Quit: 'q + Control' } }))
addEventListener('contextmenu', (event) => {
  event.preventDefault()
  settle('context', menu.context.set(['Copy', 'Paste']))
})
"""

IMPORTS = "import * as application from 'oro:application'"


def settled(app: DesktopApp, name: str) -> Any:
    return until(
        lambda: app.eval(f"globalThis.settled?.[{json.dumps(name)}] ?? null"),
        f"the page's {name} call settles",
    )


def chosen(app: DesktopApp, count: int) -> list[Any]:
    def enough() -> list[Any]:
        found: list[Any] = app.eval("globalThis.chosen") or []
        return found if len(found) >= count else []

    return until(enough, f"{count} menuitem events")


def test_oros_menu_objects_set_the_menus_and_hear_their_choices(
    screen: Desktop, engine: str, tmp_path: Path
) -> None:
    page = recorder_page([], IMPORTS, PAGE_SCRIPT)
    app_dir = write_app(tmp_path / "app", page, name="application menu")
    with run_app(screen, app_dir, engine=engine) as app:
        assert settled(app, "bad") == {
            "error": "TypeError",
            "code": "ERR_MENU_SYNTAX",
            "line": 2,
        }
        system = settled(app, "system")["value"]
        assert (system["index"], system["menus"], system["shown"]) == (0, 1, True)

        window = app.window_id()
        screen.run("xdotool", "windowfocus", "--sync", window)
        screen.run("xdotool", "key", "ctrl+q")
        quit_item = {"title": "Quit", "tag": "File", "type": "system", "menu": "system"}
        # The container listens to each menu since the module loaded: it hears first.
        assert chosen(app, 2) == [
            {"where": "container", **quit_item},
            {"where": "system", **quit_item},
        ]

        screen.run("xdotool", "mousemove", "--window", window, "300", "300", "click", "3")
        assert settled(app, "context") == {"value": {"index": 0, "items": 2}}
        screen.run("xdotool", "key", "Down", "Down", "Return")
        paste = {"title": "Paste", "tag": "contextMenu", "type": "context", "menu": "context"}
        assert chosen(app, 4)[2:] == [
            {"where": "container", **paste},
            {"where": "context", **paste},
        ]
