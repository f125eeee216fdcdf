"""Oro's window options (issue 54) in real windows of each web engine (WebKitGTK and
QtWebEngine) under Xvfb with a real window manager (openbox), checked from outside the app as X
and the window manager see them: the size bounds in ``WM_NORMAL_HINTS`` and what openbox does
with a resize beyond them (``xdotool windowsize``), the close/minimise/maximise functions in
``_MOTIF_WM_HINTS`` and a close from the window manager (Alt+F4, openbox's Close) that an
unclosable window survives, the aspect ratio a resize keeps, a utility window's
``_NET_WM_WINDOW_TYPE``; and in the pages: ``userScript`` ran before the page's first script,
in every document of its window and no other's, and the ``User-Agent`` (``navigator.userAgent``
and the header the host receives) is the engine's own followed by ``OroRuntime/<version>``, or
the app's ``webview.user_agent``.

The first window takes its options from ``[window]``; the others from ``window.create`` over the
HTTP IPC bridge key (which may script any window, so it may give a ``userScript``), and once
from a page without ``permissions.allow_window_control`` (refused).

Needs what ``tests/_window_app.py`` says plus ``openbox``, ``xdotool`` and ``x11-utils``.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from _oro_process import OroProcess, until
from _window_app import bridge_of, engine_fixture, evaluate, new_key, start  # noqa: F401
from _x11 import managed_display, press, x

from oro_framework import __version__

TIMEOUT = 60.0
PRODUCT = f"OroRuntime/{__version__}"

# The page's first script reads what a userScript left; its module asks the host (through the
# app's backend) which User-Agent header the page's request carried.
PAGE = """<!doctype html>
<html>
<head><title>options</title>
<script>globalThis.seen = globalThis.marker ?? null</script>
</head>
<body>
<script type="module">
import { request } from 'oro:ipc'
import { getCurrentWindow } from 'oro:window'
globalThis.tries = {}
globalThis.attempt = (name, promise) => promise.then(
  (data) => { tries[name] = { data } },
  (error) => { tries[name] = { code: error.code ?? error.name } })
attempt('agent', request('backend.agent'))
getCurrentWindow().ready()
</script>
</body>
</html>
"""

BACKEND = '''
from oro_framework import Request
from oro_framework.backend import command


@command
async def agent(request: Request) -> str:
    """The User-Agent header the host received with this call."""
    return request.headers.get("user-agent", "")
'''

CONFIG = """[meta]
name = "options"
title = "options-main"
bundle_identifier = "dev.oro.test.window-options"

[window]
width = 640
height = 480
min_width = 300
min_height = 200
max_width = 700
max_height = 520
closable = false
minimizable = false
maximizable = false
remember_state = false
"""

MWM_FUNC_ALL, MWM_FUNC_MINIMIZE, MWM_FUNC_MAXIMIZE, MWM_FUNC_CLOSE = 1, 8, 16, 32
MWM_HINTS_DECORATIONS = 2
GEOMETRY_LINE = re.compile(r"^\s*(Width|Height):\s*(\d+)", re.M)


@pytest.fixture(scope="module", name="display")
def managed_display_fixture() -> Iterator[str]:
    with managed_display(TIMEOUT) as number:
        yield number


@dataclass
class App:
    oro: OroProcess
    bridge: httpx.Client
    display: str

    def call(self, route: str, **params: Any) -> Any:
        """The route's data; a failed route gives its error envelope under ``"err"``."""
        reply = self.bridge.get(f"/ipc/{route}", params=params).json()
        return reply if reply.get("err") is not None else reply.get("data")

    def window_id(self, title: str) -> str:
        found = until(
            lambda: x(self.display, "xdotool", "search", "--name", f"^{title}$").split(),
            f"an X window named {title}",
            TIMEOUT,
        )
        return str(found[0])

    def prop(self, title: str, name: str) -> str:
        return x(self.display, "xprop", "-id", self.window_id(title), name)

    def size(self, title: str) -> tuple[int, int]:
        info = dict(
            GEOMETRY_LINE.findall(x(self.display, "xwininfo", "-id", self.window_id(title)))
        )
        return int(info.get("Width", 0)), int(info.get("Height", 0))

    def resize(self, title: str, width: int, height: int) -> None:
        x(self.display, "xdotool", "windowsize", self.window_id(title), str(width), str(height))

    def page(self, script: str, index: int) -> Any:
        return evaluate(self.bridge, script, index)

    def tried(self, name: str, index: int) -> Any:
        return until(
            lambda: self.page(f"tries[{json.dumps(name)}] ?? null", index),
            f"window {index}'s {name}",
            TIMEOUT,
        )


class Outside:
    """A site on another origin (another port of 127.0.0.1) the app may navigate to: its page
    reports, by loading an image, what it found of a userScript, with the User-Agent."""

    PAGE = (
        b"<!doctype html><title>outside</title><script>new Image().src = '/seen?marker=' +"
        b" encodeURIComponent(String(globalThis.marker))</script>"
    )

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        outside = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/seen?"):
                    marker = parse_qs(urlsplit(self.path).query)["marker"][0]
                    outside.seen.append((marker, self.headers.get("user-agent", "")))
                body = Outside.PAGE if self.path == "/" else b""
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module", name="outside")
def outside_fixture() -> Iterator[Outside]:
    outside = Outside()
    yield outside
    outside.server.shutdown()
    outside.server.server_close()


@pytest.fixture(scope="module", name="app")
def app_fixture(
    display: str, engine: str, outside: Outside, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[App]:
    """The app on ``engine``: window 0 from [window], window 1 and 2 from window.create."""
    folder = tmp_path_factory.mktemp(f"options-{engine}")
    (folder / "oro.toml").write_text(CONFIG + f'allow_navigation = ["{outside.origin}"]\n')
    (folder / "index.html").write_text(PAGE)
    (folder / "backend.py").write_text(BACKEND)
    key = new_key()
    with start(display, engine, key, folder) as oro:
        with bridge_of(oro, key, "options-main") as bridge:
            app = App(oro, bridge, display)
            first = app.call(
                "window.create",
                url="/index.html",
                title="options-one",
                width=600,
                height=300,
                aspectRatio="2:1",
                userScript="globalThis.marker = 'one' + location.search",
            )
            assert first.get("err") is None, first
            assert first["unsupported"] == []  # a native window applies every one
            oro.wait_for_line(r"^oro: window 1 ready$")
            second = app.call(
                "window.create",
                url="/index.html",
                title="options-two",
                width=400,
                height=300,
                utility=True,
                userScript="globalThis.marker = 'two'",
            )
            assert second.get("err") is None, second
            oro.wait_for_line(r"^oro: window 2 ready$")
            yield app
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()


def mwm_functions(hints: str) -> int:
    """The functions field of ``_MOTIF_WM_HINTS`` as xprop prints it (flags, functions, ...);
    a window without the property allows every function."""
    if "=" not in hints:
        return MWM_FUNC_ALL
    numbers = re.findall(r"0x[0-9a-f]+|\d+", hints.partition("=")[2])
    assert len(numbers) >= 2, hints
    return int(numbers[1], 0)


def allows(functions: int, function: int) -> bool:
    # With MWM_FUNC_ALL set, the other bits name the functions taken away (GDK writes it so);
    # without it, those given (Qt's way).
    return not functions & function if functions & MWM_FUNC_ALL else bool(functions & function)


def test_config_bounds_reach_wm_normal_hints_and_the_window_manager_keeps_them(app: App):
    hints = app.prop("options-main", "WM_NORMAL_HINTS")
    app.resize("options-main", 1000, 900)
    widest = until(
        lambda: app.size("options-main") == (700, 520), "clamped to the maximum", TIMEOUT
    )
    app.resize("options-main", 100, 50)
    narrowest = until(
        lambda: app.size("options-main") == (300, 200), "kept at the minimum", TIMEOUT
    )

    assert "program specified minimum size: 300 by 200" in hints, hints
    assert "program specified maximum size: 700 by 520" in hints, hints
    assert widest
    assert narrowest


def test_config_takes_close_minimise_and_maximise_from_the_window_manager(app: App):
    functions = mwm_functions(app.prop("options-main", "_MOTIF_WM_HINTS"))
    # The window created without those options keeps every function.
    others = mwm_functions(app.prop("options-one", "_MOTIF_WM_HINTS"))

    assert not allows(functions, MWM_FUNC_CLOSE), hex(functions)
    assert not allows(functions, MWM_FUNC_MINIMIZE), hex(functions)
    assert not allows(functions, MWM_FUNC_MAXIMIZE), hex(functions)
    assert allows(others, MWM_FUNC_CLOSE), hex(others)


def test_a_utility_window_is_one_to_the_window_manager(app: App):
    assert "_NET_WM_WINDOW_TYPE_UTILITY" in app.prop("options-two", "_NET_WM_WINDOW_TYPE")
    assert "_NET_WM_WINDOW_TYPE_UTILITY" not in app.prop("options-one", "_NET_WM_WINDOW_TYPE")


def test_the_aspect_ratio_is_kept_as_the_user_resizes(app: App):
    app.resize("options-one", 800, 700)
    width, height = until(
        lambda: (s := app.size("options-one"))[0] != 600 and abs(s[0] - 2 * s[1]) <= 2 and s,
        "a 2:1 window after the resize",
        TIMEOUT,
    )
    assert abs(width - 2 * height) <= 2, (width, height)


def test_a_user_script_runs_first_in_each_document_of_its_window_and_no_other(app: App):
    first = until(lambda: app.page("globalThis.seen", 1), "window 1's first page", TIMEOUT)
    app.page("globalThis.seen = null; setTimeout(() => location.href = '?next'); 1", 1)
    following = until(lambda: app.page("globalThis.seen", 1), "window 1's next page", TIMEOUT)
    main = app.page("[globalThis.seen, 'marker' in globalThis]", 0)
    second = app.page("globalThis.seen", 2)

    assert first == "one?index=1"  # before the page's first script
    assert following == "one?next"  # in the next document too
    assert main == [None, False]  # window 0's page never ran it
    assert second == "two"  # a second window runs its own


def test_a_user_script_never_runs_in_a_page_of_another_origin(app: App, outside: Outside):
    """Window 1 navigated to an allowed outside site: its userScript stays with the app's
    documents, as window.eval does; the site gets the app's User-Agent."""
    outside.seen.clear()
    navigated = app.call("window.navigate", url=f"{outside.origin}/", targetWindowIndex=1)
    seen = until(lambda: list(outside.seen), "the outside page reported", TIMEOUT)

    assert not (isinstance(navigated, dict) and navigated.get("err")), navigated
    assert seen[0][0] == "undefined", seen
    assert seen[0][1].endswith(f" {PRODUCT}"), seen


def test_a_page_cannot_give_a_user_script_without_window_control(app: App):
    app.page(
        "attempt('create', import('oro:window').then((w) => w.createWindow({url: '/index.html',"
        " userScript: 'globalThis.marker = 1'}))); 1",
        0,
    )
    assert app.tried("create", 0) == {"code": "ERR_WINDOW_CONTROL"}


def test_the_user_agent_is_the_engines_followed_by_oro_runtime(app: App, engine: str):
    agent = app.page("navigator.userAgent", 0)
    received = app.tried("agent", 0)

    assert agent.endswith(f" {PRODUCT}"), agent
    assert ("QtWebEngine" if engine == "qt" else "AppleWebKit") in agent, agent
    assert agent.count("OroRuntime/") == 1, agent
    assert received == {"data": agent}


def test_an_unclosable_window_survives_the_window_managers_close(app: App):
    """Alt+F4 (openbox's Close) on window 0, then on window 2: openbox handles them in order,
    so once window 2 is gone, window 0's close was handled too, and refused."""
    main, two = app.window_id("options-main"), app.window_id("options-two")
    for window in (main, two):
        press(app.display, window, "alt+F4", TIMEOUT)
    until(
        lambda: not x(app.display, "xdotool", "search", "--name", "^options-two$").strip(),
        "window 2 closed by the window manager",
        TIMEOUT,
    )
    statuses = until(
        lambda: (
            (s := {w["index"]: w["status"] for w in app.call("application.getWindows")})[2]
            == "closed"
            and s
        ),
        "the host heard window 2 closed",
        TIMEOUT,
    )

    assert x(app.display, "xdotool", "search", "--name", "^options-main$").strip()
    assert app.call("window.getTitle", targetWindowIndex=0) == "options-main"
    assert statuses[0] == "shown", statuses


def test_a_kiosk_window_from_the_config_with_its_own_user_agent(
    display: str, engine: str, tmp_path: Path
):
    """``webview.user_agent`` replaces the whole User-Agent; ``[window] frameless`` and
    ``resizable = false`` reach the first window (no decorations, min = max size)."""
    (tmp_path / "oro.toml").write_text(
        '[meta]\nname = "options"\ntitle = "options-kiosk"\n'
        'bundle_identifier = "dev.oro.test.window-agent"\n'
        '[webview]\nuser_agent = "ExampleAgent/2.0 (kiosk)"\n'
        "[window]\nwidth = 500\nheight = 400\nframeless = true\nresizable = false\n"
        "remember_state = false\n"
    )
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "backend.py").write_text(BACKEND)
    key = new_key()
    with start(display, engine, key, tmp_path) as oro:
        with bridge_of(oro, key, "options-kiosk") as bridge:
            app = App(oro, bridge, display)
            agent = evaluate(bridge, "navigator.userAgent")
            received = until(lambda: evaluate(bridge, "tries.agent ?? null"), "the header", TIMEOUT)
            hints = app.prop("options-kiosk", "WM_NORMAL_HINTS")
            motif = app.prop("options-kiosk", "_MOTIF_WM_HINTS")
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()

    assert agent == "ExampleAgent/2.0 (kiosk)"
    assert received == {"data": agent}
    assert "program specified minimum size: 500 by 400" in hints, hints
    assert "program specified maximum size: 500 by 400" in hints, hints
    # flags, functions, decorations: the decorations field is given, and is none.
    fields = [int(n, 0) for n in re.findall(r"0x[0-9a-f]+|\d+", motif.partition("=")[2])]
    assert fields[0] & MWM_HINTS_DECORATIONS, motif
    assert fields[2] == 0, motif
