"""Whether this session can show a window at all, whatever the engine."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping

from oro_framework.host.errors import DisplayError

__all__ = ["check_display", "has_display"]

_X_DISPLAY = re.compile(r"(?P<host>.*):(?P<number>\d+)(?:\.\d+)?")
"""An X display name, ``[host]:number[.screen]``; the host may be a name, an address (IPv6
ones hold colons), ``unix`` or a socket path (XQuartz)."""


def check_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> None:
    """Refuse a malformed ``DISPLAY`` before a web engine sees it: GTK aborts the process on
    one (``Gtk-ERROR``, a core dump), where Qt says nothing useful either.

    A ``DISPLAY`` of ``host::number`` (DECnet, which no X server speaks now) or without a number
    is malformed; a Wayland display that answers makes it moot (GTK and Qt take Wayland first).

    :raises DisplayError: ``DISPLAY`` is set, malformed, and no Wayland display answers.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    display = environ.get("DISPLAY", "")
    if platform in ("darwin", "win32") or not display:
        return
    match = _X_DISPLAY.fullmatch(display)
    if match is not None and not match.group("host").endswith(":"):
        return
    wayland = {"WAYLAND_DISPLAY": environ.get("WAYLAND_DISPLAY", ""), **_runtime(environ)}
    if has_display(wayland, platform):
        return
    raise DisplayError(display)


def _runtime(environ: Mapping[str, str]) -> dict[str, str]:
    runtime = environ.get("XDG_RUNTIME_DIR")
    return {} if runtime is None else {"XDG_RUNTIME_DIR": runtime}


def has_display(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    *,
    exists: Callable[[str], bool] = os.path.exists,
) -> bool:
    """Whether a window can be opened: always on macOS and Windows; elsewhere when ``DISPLAY``
    names an X server (a local one must have its socket) or ``WAYLAND_DISPLAY`` a compositor.

    A stale ``DISPLAY`` (an X server that has gone) would make Qt abort the process, so local
    displays are checked rather than trusted.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform in ("darwin", "win32"):
        return True
    wayland = environ.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = environ.get("XDG_RUNTIME_DIR", "")
        if os.path.isabs(wayland) or not runtime or exists(os.path.join(runtime, wayland)):
            return True
    display = environ.get("DISPLAY", "")
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local is not None:
        return exists(f"/tmp/.X11-unix/X{local.group(1)}")
    return bool(display)
