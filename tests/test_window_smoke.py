"""A real pywebview window (Qt backend) under Xvfb: ``oro run`` opens the showcase, the page
reports ready through IPC, the window answers routes, a screenshot shows it, and SIGTERM closes
it cleanly.

Needs the system packages ``scripts/test`` installs (xvfb, x11-apps for ``xwd``, Qt's xcb
libraries) and the ``gui`` extra (pywebview[qt]).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _oro_process import SHOWCASE, OroProcess, headless_environ, run_arguments
from click.testing import CliRunner

from oro_framework.cli import cli
from oro_framework.testing import virtual_display

SCREEN = (1280, 800)


@pytest.fixture
def display() -> Iterator[str]:
    with virtual_display(SCREEN) as number:
        yield number


def xwd_to_rgb(xwd: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of an XWD dump as Xvfb's true-colour visual gives it:
    ZPixmap, least significant byte first, 24 or 32 bits per pixel, red mask 0xff0000."""
    fields = struct.unpack(">25I", xwd[:100])
    header_size, pixmap_format, width, height = fields[0], fields[2], fields[4], fields[5]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    red_mask, colour_count = fields[14], fields[19]
    assert (pixmap_format, byte_order, red_mask) == (2, 0, 0xFF0000), fields
    step = bits_per_pixel // 8
    start = header_size + colour_count * 12
    rgb = bytearray()
    for row in range(height):
        line = xwd[start + row * bytes_per_line : start + row * bytes_per_line + width * step]
        pixels = bytearray(width * 3)
        pixels[0::3], pixels[1::3], pixels[2::3] = line[2::step], line[1::step], line[0::step]
        rgb += pixels
    return width, height, bytes(rgb)


def rgb_to_png(width: int, height: int, rgb: bytes) -> bytes:
    rows = b"".join(b"\x00" + rgb[row * width * 3 : (row + 1) * width * 3] for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def distinct_colours(rgb: bytes) -> int:
    """Distinct colours among a sample of the pixels (every 7th)."""
    return len({rgb[offset : offset + 3] for offset in range(0, len(rgb) - 3, 3 * 7)})


def _start(display: str, key: str, app: Path = SHOWCASE, **config: str) -> OroProcess:
    """``oro run`` of ``app`` on ``display``. The test reaches the window's routes like any other
    local process: through the opt-in HTTP IPC bridge, with ``key``."""
    environ = headless_environ(
        {
            **{f"ORO_{name.upper()}": value for name, value in config.items()},
            "DISPLAY": display,
            # QtWebEngine's Chromium refuses to run as root with its sandbox (oro sets this too).
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
        }
    )
    return OroProcess(*run_arguments(app), environ=environ, timeout=120)


def _bridge(oro: OroProcess, key: str, name: str = "Oro Showcase") -> httpx.Client:
    """Once the page reported ready: a client for the window's routes."""
    opened = oro.wait_for_line(rf"^oro: opened {re.escape(name)} in a window")
    origin = re.search(r"http://127\.0\.0\.1:\d+", opened)
    assert origin is not None, opened
    oro.wait_for_line(r"^oro: window 0 ready$")
    return httpx.Client(base_url=origin.group(0), headers={"X-ORO-Auth": key})


def test_showcase_opens_in_a_real_window_and_closes_cleanly(display, tmp_path):
    key = secrets.token_urlsafe(24)
    with _start(display, key) as oro:
        with _bridge(oro, key) as bridge:
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            evaluated = bridge.get(
                "/ipc/window.eval", params={"value": "document.body.dataset.ready"}
            ).json()
            bridge.get("/ipc/window.setTitle", params={"value": "Smoke test"})
            title = bridge.get("/ipc/window.getTitle").json()["data"]
            size = bridge.get("/ipc/window.getSize").json()["data"]

        screenshot = subprocess.run(
            ["xwd", "-root", "-silent", "-display", display],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        width, height, rgb = xwd_to_rgb(screenshot)
        png = tmp_path / "showcase.png"
        png.write_bytes(rgb_to_png(width, height, rgb))

        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()

    assert [(w["index"], w["status"], w["isReady"]) for w in windows] == [(0, "shown", True)]
    assert evaluated["data"] == "true", evaluated
    assert title == "Smoke test"
    assert size == {"width": 1200, "height": 800}  # the showcase's [window] size
    assert (width, height) == SCREEN
    assert png.stat().st_size > 1000
    # A blank screen has one colour; the rendered page has text, panels and a coloured header.
    assert distinct_colours(rgb) > 20


@pytest.mark.parametrize(
    ("how", "expected_code"),
    [("SIGINT", 0), ("application.exit", 7), ("window.close", 0)],
)
def test_the_window_closes_cleanly_however_it_is_asked(display, how, expected_code):
    key = secrets.token_urlsafe(24)
    with _start(display, key) as oro:
        with _bridge(oro, key) as bridge:
            if how == "SIGINT":
                oro.send_signal(signal.SIGINT)
            elif how == "application.exit":
                assert bridge.get("/ipc/application.exit", params={"value": 7}).status_code == 200
            else:
                closed = bridge.get("/ipc/window.close").json()
                assert closed["data"]["status"] == "closed", closed

        assert oro.wait() == expected_code, oro.stderr()


def test_hiding_the_real_window_pauses_the_app_and_showing_resumes_it(display):
    key = secrets.token_urlsafe(24)
    with _start(display, key, lifecycle_desktop_always_running="false") as oro:
        with _bridge(oro, key) as bridge:
            hidden = bridge.get("/ipc/window.hide").json()["data"]
            paused = bridge.get("/ipc/diagnostics.query").json()["data"]["lifecycle"]
            shown = bridge.get("/ipc/window.show").json()["data"]
            running = bridge.get("/ipc/diagnostics.query").json()["data"]["lifecycle"]
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0, oro.stderr()
    assert (hidden["status"], paused) == ("hidden", "paused")
    assert (shown["status"], running) == ("shown", "running")


def test_a_scaffolded_app_renders_its_live_data_in_a_real_window(display, tmp_path):
    app = tmp_path / "hello"
    assert CliRunner().invoke(cli, ["init", str(app)]).exit_code == 0
    key = secrets.token_urlsafe(24)
    with _start(display, key, app) as oro:
        with _bridge(oro, key, "hello") as bridge:
            script = (
                "['ping', 'cpus', 'windows'].map(id => document.getElementById(id).textContent)"
            )
            shown = bridge.get("/ipc/window.eval", params={"value": script}).json()
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0, oro.stderr()
    assert shown["data"] == ["pong", str(os.cpu_count()), "#0 hello (shown)"], shown
