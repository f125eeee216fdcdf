"""``oro run`` of an app in a real window under Xvfb, on each web engine, for the window tests.

Every window test runs once per engine (:data:`ENGINES`) with the same assertions: ``system``
(WebKitGTK 4.1) and ``qt`` (QtWebEngine). The engine is named explicitly through
``ORO_WEBVIEW_ENGINE`` (``webview.engine``), never left to the default, which differs between
machines. The fixtures are module-scoped, so a module's tests run engine by engine on one Xvfb
display and may share a running app. A test module imports the fixtures
``display_fixture`` and ``engine_fixture``; its tests ask for them as ``display`` and ``engine``.

The tests reach a window's routes like any other local process: through the opt-in HTTP IPC
bridge (``ORO_HTTP_IPC_ENABLE``) with a random key.

Needs Xvfb, WebKitGTK 4.1 with the distro's ``gi`` and the ``gui`` extra (pywebview[qt]) with
Qt's xcb libraries: ``scripts/test`` installs them all.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from _oro_process import SHOWCASE, OroProcess, headless_environ, run_arguments
from _x11 import SCREEN

from oro_framework.testing import bridge_client, virtual_display

__all__ = [
    "ENGINES",
    "WEB_PROCESSES",
    "bridge_of",
    "display_fixture",
    "engine_fixture",
    "evaluate",
    "new_key",
    "start",
    "window_environ",
]

ENGINES: Final = ("system", "qt")
"""The web engines every window test runs on (``webview.engine``)."""

WEB_PROCESSES: Final = {"system": "WebKitWebProcess", "qt": "QtWebEngineProcess"}
"""The process each engine renders pages in, a child of ``oro run``."""


@pytest.fixture(scope="module", params=ENGINES, name="engine")
def engine_fixture(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module", name="display")
def display_fixture() -> Iterator[str]:
    """One Xvfb display for a module's tests, both engines: each app's windows are gone when
    its ``oro run`` ended."""
    with virtual_display(SCREEN) as number:
        yield number


def new_key() -> str:
    return secrets.token_urlsafe(24)


def window_environ(display: str, engine: str, key: str, **config: str) -> dict[str, str]:
    """The environment of ``oro run`` in a window of ``engine`` on ``display``, its HTTP IPC
    bridge open with ``key``; ``config`` are further ``ORO_*`` keys (``window_title`` is
    ``ORO_WINDOW_TITLE``) or, upper-case already, other variables."""
    extra = {
        (name if name.isupper() else f"ORO_{name.upper()}"): value for name, value in config.items()
    }
    return headless_environ(
        {
            "DISPLAY": display,
            "ORO_WEBVIEW_ENGINE": engine,
            # QtWebEngine's Chromium refuses to run as root with its sandbox (oro sets this too).
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
            **extra,
        }
    )


def start(
    display: str, engine: str, key: str, app: Path = SHOWCASE, *extra: str, **config: str
) -> OroProcess:
    """``oro run`` of ``app`` (plus ``extra`` arguments) in a window of ``engine``."""
    environ = window_environ(display, engine, key, **config)
    return OroProcess(*run_arguments(app, *extra), environ=environ, timeout=120)


def bridge_of(
    oro: OroProcess, key: str, name: str = "Oro Showcase", window: int = 0
) -> httpx.Client:
    """Once window ``window``'s page reported ready: a client for the app's routes."""
    opened = oro.wait_for_line(rf"^oro: opened {re.escape(name)} in a window")
    origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
    assert origin is not None, opened
    oro.wait_for_line(rf"^oro: window {window} ready$")
    return bridge_client(origin.group(0), key)


def evaluate(bridge: httpx.Client, script: str, index: int = 0) -> Any:
    """``script``'s completion value in window ``index``'s page (``window.eval``)."""
    reply = bridge.get(
        "/ipc/window.eval", params={"value": script, "targetWindowIndex": index}
    ).json()
    assert reply.get("err") is None, reply
    return reply["data"]


def engine_api_app(folder: Path, *, name: str, bundle: str, page: str, backend: str) -> Path:
    """An app in ``folder`` with oro's page globals off (the engine's own web APIs: media,
    location, permissions) whose page is ``page`` and whose ``backend.py`` is ``backend``."""
    folder.mkdir(parents=True)
    (folder / "oro.toml").write_text(
        f'[meta]\nname = "{name}"\ntitle = "{name}"\nbundle_identifier = "{bundle}"\n'
        "[webview]\noro_globals = false\n",
        encoding="utf-8",
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "backend.py").write_text(backend, encoding="utf-8")
    return folder


PROMPT: Final = "Permission request"
"""The permission prompt's title on both engines (``gui/gtk/permissions.py``,
``gui/qt/permissions.py``)."""
FAKE_DEVICE: Final = "--no-sandbox --use-fake-device-for-media-stream"
"""Chromium's flags for a camera and a microphone that exist (and its sandbox off, as root)."""
MOCK_CAPTURE_BACKEND: Final = '''
import os

from oro_framework import Request, hookimpl
from oro_framework.backend import command


@command
async def mock_capture_devices(request: Request) -> str:
    """WebKit's mock camera and microphone in the page's window (Chromium's fake ones are on
    the command line under Qt)."""
    windows = request.host.windows
    window = windows.get(request.require_window())

    def enable() -> str:
        settings = windows.native(window).view.get_settings()
        settings.set_enable_mock_capture_devices(True)
        return "mock" if settings.get_enable_mock_capture_devices() else "none"

    return await windows.run_on_gui(enable) if windows.toolkit == "gtk" else "fake"
'''
"""The start of the ``backend.py`` of an app whose page asks for the camera: the command that
gives a WebKitGTK window WebKit's mock devices."""
