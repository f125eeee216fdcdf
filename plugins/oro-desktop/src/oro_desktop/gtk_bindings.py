"""PyGObject's GTK 3 bindings at the versions the system engine's windows use, for the parts'
``gtk`` engine modules (and only those: a Qt or headless host never imports this).

Loaded through ``importlib`` and typed ``Any``: PyGObject's modules are generated at run time
and ``gi`` ships no types.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

__all__ = ["repository"]

_VERSIONS: Final = {"Gtk": "3.0", "Gdk": "3.0", "GdkPixbuf": "2.0"}


def repository(name: str) -> Any:
    """``gi.repository.<name>`` (``Gtk``, ``Gdk``, ``GdkPixbuf``, ``GLib``) at GTK 3's versions.

    :raises ImportError: ``gi`` is missing; :raises ValueError: a typelib is missing.
    """
    gi: Any = importlib.import_module("gi")
    for module, version in _VERSIONS.items():
        gi.require_version(module, version)
    return importlib.import_module(f"gi.repository.{name}")
