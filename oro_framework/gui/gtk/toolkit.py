"""Loading PyGObject's GTK 3 and WebKitGTK 4.1 bindings, the one place that names versions.

``gi`` comes from the distro (``python3-gi``): PyPI's PyGObject has no wheels, and from 3.52 it
needs girepository-2.0, which Debian 12 lacks. Loading them opens no display (GTK's
initialisation waits for the first window), so ``oro doctor`` can probe anywhere.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Final

__all__ = ["GTK_VERSION", "WEBKIT_VERSION", "repository", "webkit_version"]

GTK_VERSION: Final = "3.0"
WEBKIT_VERSION: Final = "4.1"
"""WebKit2 4.1 is WebKitGTK for GTK 3 with libsoup 3 (4.0 is libsoup 2, 6.0 is GTK 4)."""

_VERSIONS: Final = {
    "Gtk": GTK_VERSION,
    "Gdk": GTK_VERSION,
    "WebKit2": WEBKIT_VERSION,
    "JavaScriptCore": WEBKIT_VERSION,
}


def _require_versions() -> Any:
    gi: Any = importlib.import_module("gi")
    for name, version in _VERSIONS.items():
        gi.require_version(name, version)
    return gi


def repository(name: str) -> Any:
    """``gi.repository.<name>`` at the versions above (``Gtk``, ``Gdk``, ``GLib``, ``Gio``,
    ``WebKit2``). As ``Any``: PyGObject's modules are generated at run time.

    :raises ImportError: ``gi`` is missing; :raises ValueError: a typelib is missing.
    """
    _require_versions()
    module: ModuleType = importlib.import_module(f"gi.repository.{name}")
    return module


def webkit_version() -> str:
    """The installed WebKitGTK's version (``"2.50.6"``).

    :raises ImportError: ``gi`` is missing; :raises ValueError: WebKit2 4.1's typelib is.
    """
    webkit = repository("WebKit2")
    return f"{webkit.get_major_version()}.{webkit.get_minor_version()}.{webkit.get_micro_version()}"
