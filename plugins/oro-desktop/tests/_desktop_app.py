"""A real app in a real window under Xvfb, on a private D-Bus session bus, for oro-desktop's
tests: ``oro run --webview <engine>`` in a subprocess with the opt-in HTTP IPC bridge, through
which a test calls routes and evaluates script in the page (``window.eval``), as any local
process could. Window tests run on both engines: ``qt`` (a Qt window with QtWebEngine) and
``system`` (a GTK window with WebKitGTK).

What it needs comes from ``scripts/test``'s system packages: Xvfb, dbus (``dbus-daemon``),
xdotool (a real X client that types and clicks), xclip, trayer, notification-daemon.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from oro_framework.testing import (
    OroProcess,
    bridge_client,
    headless_environ,
    session_bus,
    until,
    virtual_display,
)

SCREEN = (1280, 800)
ENGINES = ("qt", "system")
"""The engines window tests run on (``oro run --webview``)."""
TIMEOUT = 60.0

RECORDER_PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>desktop</title></head>
<body>
<h1>desktop test page</h1>
<script type="module">
{imports}
globalThis.heard = []
for (const name of {events}) {{
  globalThis.addEventListener(name, (event) => heard.push({{ name, detail: event.detail }}))
}}
{script}
const {{ getCurrentWindow }} = await import('oro:window')
getCurrentWindow().ready()
</script>
</body>
</html>
"""


def recorder_page(events: list[str], imports: str = "", script: str = "") -> str:
    """A page that records every event named in ``events`` in ``globalThis.heard`` as
    ``{name, detail}``, then reports ready."""
    return RECORDER_PAGE.format(imports=imports, events=json.dumps(events), script=script)


@dataclass
class Desktop:
    """A display and a session bus, and the environment that reaches both."""

    display: str
    bus: str

    @property
    def environ(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus}

    def run(self, *command: str, **options: Any) -> subprocess.CompletedProcess[Any]:
        """A real X/D-Bus client (``xdotool``, ``xclip``...) on this desktop; its output is
        text unless ``text=False`` (``xclip -o -t image/png``)."""
        environ = {**os.environ, **self.environ}
        return subprocess.run(
            list(command),
            env=environ,
            capture_output=True,
            check=True,
            text=options.pop("text", True),
            timeout=options.pop("timeout", 30),
            **options,
        )

    def start(self, *command: str, stdin: bytes | None = None) -> subprocess.Popen[bytes]:
        """A long-running client on this desktop (a tray host, a notification daemon, ``xclip
        -i -quiet`` serving a selection), fed ``stdin`` if given."""
        environ = {**os.environ, **self.environ}
        process = subprocess.Popen(
            list(command),
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        return process


@contextlib.contextmanager
def desktop() -> Iterator[Desktop]:
    with virtual_display(SCREEN) as display, session_bus() as bus:
        yield Desktop(display, bus)


class DesktopApp:
    """A running app: routes over the HTTP IPC bridge, script in its window's page."""

    def __init__(
        self, process: OroProcess, client: httpx.Client, app_dir: Path, desktop: Desktop
    ) -> None:
        self.process = process
        self.client = client
        self.app_dir = app_dir
        self.desktop = desktop

    def call(self, route: str, **params: Any) -> Any:
        """Call ``route``; its data, or :class:`RouteError` with the error envelope."""
        query = {
            name: json.dumps(value) if isinstance(value, (dict, list, bool)) else value
            for name, value in params.items()
        }
        reply = self.client.get(f"/ipc/{route}", params=query).json()
        if reply.get("err") is not None:
            raise RouteError(reply["err"])
        return reply.get("data")

    def eval(self, script: str, index: int = 0) -> Any:
        """The JSON result of ``script`` in window ``index``'s page. Never await something the
        user must answer (a dialog) here: keep its promise in a global and poll it."""
        return self.call("window.eval", value=script, targetWindowIndex=index)

    def heard(self, name: str, index: int = 0) -> list[Any]:
        script = f"heard.filter((item) => item.name === {json.dumps(name)}).map((i) => i.detail)"
        details: list[Any] = self.eval(script, index)
        return details

    def wait_until_heard(self, name: str, index: int = 0) -> list[Any]:
        return until(lambda: self.heard(name, index), f"window {index} hears {name}")

    def window_id(self, index: int = 0) -> str:
        """The X window id of window ``index`` (its title is set to a unique mark first)."""
        mark = f"oro-desktop-{secrets.token_hex(4)}"
        self.call("window.setTitle", value=mark, targetWindowIndex=index)

        def search() -> str:
            try:
                found = self.desktop.run("xdotool", "search", "--name", mark)
            except subprocess.CalledProcessError:
                return ""
            return found.stdout.split("\n")[0].strip()

        return until(search, f"an X window titled {mark}")


class RouteError(Exception):
    def __init__(self, error: Mapping[str, Any]) -> None:
        super().__init__(f"{error.get('type')}: {error.get('message')}")
        self.error = dict(error)
        self.type = error.get("type")
        self.code = error.get("code")


def write_app(
    directory: Path,
    page: str,
    *,
    name: str = "desktop",
    config: str = "",
    files: Mapping[str, bytes] | None = None,
) -> Path:
    """An app in ``directory``: ``oro.toml`` (plus ``config``) and ``index.html``."""
    directory.mkdir(parents=True, exist_ok=True)
    identifier = re.sub(r"[^a-z0-9]+", "-", name.lower())
    (directory / "oro.toml").write_text(
        f'[meta]\nname = "{name}"\nbundle_identifier = "dev.oro.test.{identifier}"\n\n'
        f"[window]\nwidth = 800\nheight = 600\n{config}"
    )
    (directory / "index.html").write_text(page)
    for relative, content in (files or {}).items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_bytes(content)
    return directory


@contextlib.contextmanager
def run_app(
    where: Desktop,
    app_dir: Path,
    *,
    engine: str,
    data_dir: Path | None = None,
    **environ: str,
) -> Iterator[DesktopApp]:
    """``oro run --webview engine app_dir`` in a real window on ``where``; once its page
    reported ready, yields the app. ``data_dir`` keeps the app's data directory (window state)
    between runs."""
    key = secrets.token_urlsafe(24)
    extra = {
        **where.environ,
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
        "ORO_HTTP_IPC_ENABLE": "true",
        "ORO_HTTP_IPC_SHARED_KEY": key,
        **environ,
    }
    if data_dir is not None:
        extra["XDG_DATA_HOME"] = str(data_dir)
        extra["XDG_STATE_HOME"] = str(data_dir / "state")
    process = OroProcess(
        "run", "--webview", engine, str(app_dir), environ=headless_environ(extra), timeout=120
    )
    with process as oro:
        opened = oro.wait_for_line(r"^oro: opened .* in a window")
        origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
        assert origin is not None, opened
        oro.wait_for_line(r"^oro: window 0 ready$")
        with bridge_client(origin.group(0), key, timeout=TIMEOUT) as client:
            yield DesktopApp(oro, client, app_dir, where)


def has_program(name: str) -> bool:
    return shutil.which(name) is not None
