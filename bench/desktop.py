"""oro-desktop in a real Qt window, each against the plain IPC ping of the same window.

The bench starts a fresh Xvfb, a private D-Bus session bus and Debian's ``notification-daemon``
on it, and runs a small app with ``oro run`` (every installed plugin, as an app author gets it)
in a real window. The page measures, one call after another, with ``performance.now()``:

* ``ping`` — the baseline: ``request('ping')`` from ``oro:ipc`` on the page's transport;
* ``clipboard write→read`` — ``writeText(s)`` then ``readText()`` (``oro:clipboard``, QClipboard
  on the GUI thread): two calls, compared with one ping;
* ``notification→presented`` — ``showNotification()`` until the page hears
  ``notificationpresented`` (the daemon accepted it over D-Bus), then closed again;
* ``menu key→event`` — a real key press for a system-menu accelerator, typed by a real X client
  (one long-lived ``xdotool -`` reading commands from its stdin, ``key --delay 0``: its default
  waits 12 ms between the key events of a chord), until the page hears
  ``menuItemSelected``: X server → Qt shortcut → host → the page's event channel. The bench
  takes the wall clock as it hands xdotool the line; the page takes
  ``performance.timeOrigin + performance.now()`` as the event arrives (one machine, one clock).

Columns: p50 per operation (µs), the baseline and its p50, ratio = ours ÷ ping p50. Issue 28
sets no goal for these ratios: they show what a desktop call costs next to the cheapest one.

Run: ``.venv/bin/python bench/desktop.py [--quick]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from _shared import parse_arguments, print_ratio_header, print_ratio_row

from oro_framework.testing import (
    OroProcess,
    bridge_client,
    session_bus,
    until,
    virtual_display,
)

NOTIFICATION_DAEMON = Path("/usr/lib/notification-daemon/notification-daemon")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bench</title></head>
<body><p>desktop bench</p>
<script type="module">
import { request } from 'oro:ipc'
import { setSystemMenu } from 'oro:application'
import { getCurrentWindow } from 'oro:window'
import clipboard from 'oro:clipboard'
import { showNotification } from 'oro:notification'

globalThis.menuTimes = []
globalThis.addEventListener('menuItemSelected', () => {
  menuTimes.push(performance.timeOrigin + performance.now())
})

async function timed (count, operation) {
  const times = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await operation(i)
    times.push(performance.now() - started)
  }
  return times
}

function presented (id) {
  return new Promise((resolve) => {
    const listener = (event) => {
      if (event.detail.id !== id) return
      globalThis.removeEventListener('notificationpresented', listener)
      resolve()
    }
    globalThis.addEventListener('notificationpresented', listener)
  })
}

globalThis.runBench = (count) => {
  globalThis.benchResult = null
  ;(async () => {
    const result = { ping: [], clipboard: [], notification: [] }
    for (let round = 0; round < 5; round++) {  // the kinds take turns round by round
      result.ping.push(...await timed(count, () => request('ping')))
      result.clipboard.push(...await timed(count, async (i) => {
        await clipboard.writeText(`bench ${round} ${i}`)
        await clipboard.readText()
      }))
      result.notification.push(...await timed(Math.max(2, count / 4), async (i) => {
        const id = `bench-${round}-${i}`
        const shown = presented(id)
        await showNotification('bench', { id, body: String(i) })
        await shown
        await request('notification.close', { id })
      }))
    }
    globalThis.benchResult = result
  })().catch((error) => { globalThis.benchResult = { error: String(error) } })
  return true
}

await setSystemMenu('Bench:\\n  Go: G + Control;')
getCurrentWindow().ready()
</script></body></html>
"""

CONFIG = """[meta]
name = "Desktop Bench"
bundle_identifier = "dev.oro.bench.desktop"

[window]
width = 640
height = 480
remember_state = false

[desktop]
notifications_per_second = 100000
"""


@contextlib.contextmanager
def started(command: list[str], environ: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command,
        env=environ,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)


@contextlib.contextmanager
def serving_notifications(desktop: dict[str, str]) -> Iterator[None]:
    """Once the daemon owns its name on the bus: the page's first notification must not race
    the daemon's start."""

    def owned() -> bool:
        answer = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ],
            env=desktop,
            capture_output=True,
            text=True,
            check=False,
        )
        return "boolean true" in answer.stdout

    until(owned, "notification daemon on the bus")
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    arguments = parse_arguments(parser)
    count = 8 if arguments.quick else 40
    presses = 10 if arguments.quick else 60
    for program in ("Xvfb", "dbus-daemon", "xdotool"):
        if shutil.which(program) is None:
            raise SystemExit(f"desktop bench: {program} is missing (scripts/test installs it)")
    if not NOTIFICATION_DAEMON.exists():
        raise SystemExit("desktop bench: notification-daemon is missing (apt-get install it)")

    with (
        tempfile.TemporaryDirectory() as scratch,
        virtual_display() as display,
        session_bus() as bus,
    ):
        app = Path(scratch) / "app"
        app.mkdir()
        (app / "oro.toml").write_text(CONFIG)
        (app / "index.html").write_text(PAGE)
        key = secrets.token_urlsafe(24)
        desktop = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus}
        environ = {
            **{name: value for name, value in desktop.items() if not name.startswith("ORO_")},
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
            "XDG_DATA_HOME": str(Path(scratch) / "data"),
        }
        with (
            started([str(NOTIFICATION_DAEMON)], desktop),
            serving_notifications(desktop),
            OroProcess("run", str(app), environ=environ, timeout=180) as oro,
        ):
            opened = oro.wait_for_line(r"^oro: opened .* in a window")
            origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
            assert origin is not None, opened
            oro.wait_for_line(r"^oro: window 0 ready$")
            with bridge_client(origin.group(0), key, timeout=120) as bridge:

                def evaluate(script: str) -> Any:
                    reply = bridge.get("/ipc/window.eval", params={"value": script}).json()
                    if reply.get("err") is not None:
                        raise SystemExit(f"desktop bench: {reply['err']}")
                    return reply["data"]

                evaluate(f"runBench({count})")
                result = until(
                    lambda: evaluate("globalThis.benchResult"), "page results", timeout=300
                )
                if "error" in result:
                    raise SystemExit(f"desktop bench: the page failed: {result['error']}")
                menu = measure_menu(bridge, evaluate, desktop, presses)

    ping = statistics.median(result["ping"]) / 1000
    print_ratio_header()
    print_ratio_row("ping (baseline)", ping, "ping", ping)
    print_ratio_row(
        "clipboard write→read", statistics.median(result["clipboard"]) / 1000, "ping", ping
    )
    print_ratio_row(
        "notification→presented", statistics.median(result["notification"]) / 1000, "ping", ping
    )
    print_ratio_row("menu key→event", statistics.median(menu) / 1000, "ping", ping)


def measure_menu(
    bridge: httpx.Client, evaluate: Any, desktop: dict[str, str], presses: int
) -> list[float]:
    """Milliseconds from handing xdotool a key press to the page's ``menuItemSelected``."""
    mark = f"bench-{secrets.token_hex(4)}"
    bridge.get("/ipc/window.setTitle", params={"value": mark})
    window = until(
        lambda: subprocess.run(
            ["xdotool", "search", "--name", mark], env=desktop, capture_output=True, text=True
        ).stdout.split(),
        "X window",
    )[0]
    # No window manager runs: give the window the keyboard as a user's click would.
    subprocess.run(["xdotool", "windowfocus", "--sync", window], env=desktop, check=True)
    latencies: list[float] = []
    with started(["xdotool", "-"], desktop) as typist:
        assert typist.stdin is not None
        for press in range(presses):
            sent = time.time() * 1000
            typist.stdin.write(b"key --delay 0 ctrl+shift+g\n")
            typist.stdin.flush()
            arrived = until(lambda seen=press: evaluate("menuTimes")[seen:], "menuItemSelected")
            latencies.append(arrived[0] - sent)
    return latencies


if __name__ == "__main__":
    sys.exit(main())
