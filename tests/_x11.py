"""What the window tests read from X as a user's screen shows it: real X clients' output
(``xwininfo``, ``xprop``, ``xdotool``), a display managed by a real window manager (openbox),
and ``xwd`` dumps turned into pixels and PNG in pure Python (no imagemagick, no Pillow)."""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import zlib
from collections.abc import Iterator

from _oro_process import until

from oro_framework.testing import virtual_display

__all__ = [
    "SCREEN",
    "distinct_colours",
    "managed_display",
    "press",
    "rgb_to_png",
    "x",
    "xwd_to_rgb",
]

SCREEN = (1280, 800)


def x(display: str, *command: str) -> str:
    """A real X client's output on ``display`` (empty if it failed: the window may be changing)."""
    done = subprocess.run(
        list(command),
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout if done.returncode == 0 else ""


def press(display: str, window: str, key: str, timeout: float = 60.0) -> None:
    """``key`` typed by the user into ``window``, once the window manager has made it the
    active window: openbox's own keys (Alt+F4: close) act on the active window, and ``x``
    tells no failure, so a key sent before the focus moved would go to another window (a
    second close of the one before, which openbox answers by killing a client slow to answer
    its ping: seen in a loaded CI run)."""

    def active() -> bool:
        x(display, "xdotool", "windowactivate", "--sync", window)
        return x(display, "xdotool", "getactivewindow").strip() == window

    until(active, f"window {window} active", timeout)
    x(display, "xdotool", "key", "--clearmodifiers", key)


@contextlib.contextmanager
def managed_display(timeout: float = 60.0) -> Iterator[str]:
    """An Xvfb display with openbox managing its windows, once openbox announced itself
    (``_NET_SUPPORTING_WM_CHECK`` on the root window)."""
    with virtual_display(SCREEN) as display:
        environ = {**os.environ, "DISPLAY": display}
        managers: list[subprocess.Popen[bytes]] = []

        def managing() -> bool:
            # openbox now and then exits at once with status 1 and no message (4 starts in 25
            # here); another start then works. A real failure still ends at the deadline.
            if not managers or managers[-1].poll() is not None:
                managers.append(
                    subprocess.Popen(
                        ["openbox", "--sm-disable"],
                        env=environ,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            return "window id" in x(display, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK")

        try:
            until(managing, "openbox manages the display", timeout)
            yield display
        finally:
            for manager in managers:
                manager.terminate()
                manager.wait(timeout=30)


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
