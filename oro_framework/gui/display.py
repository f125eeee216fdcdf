"""Whether this session can show a window at all, whatever the engine."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping

__all__ = ["has_display"]


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
