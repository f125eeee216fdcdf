"""Which shared libraries a native plugin of the window engine needs and the system lacks.

PyQt6's wheel carries Qt but not every X11 library its ``xcb`` platform plugin links against
(``libxcb-cursor0`` since Qt 6.5); without one, the window aborts at start-up with a message
that names no package. ``ldd`` reads the same dependency list the dynamic loader will, so
``oro doctor`` can name what is missing before a window is opened."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

__all__ = ["DEBIAN_PACKAGES", "missing_libraries", "qt_xcb_plugin"]

_NOT_FOUND: Final = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)

DEBIAN_PACKAGES: Final = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
"""The Debian package of each library Qt's xcb plugin is known to miss on a minimal system."""


def missing_libraries(library: Path) -> list[str]:
    """The sonames ``library`` (or a library it loads) needs that the loader cannot find; empty
    when everything resolves or ``ldd`` is not available (nothing is claimed missing then)."""
    ldd = shutil.which("ldd")
    if ldd is None or not library.is_file():
        return []
    try:
        completed = subprocess.run(
            [ldd, str(library)], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted(set(_NOT_FOUND.findall(completed.stdout)))


def qt_xcb_plugin() -> Path | None:
    """PyQt6's X11 platform plugin, on Linux when PyQt6 is installed."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        spec = importlib.util.find_spec("PyQt6")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(location) / "Qt6" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None
