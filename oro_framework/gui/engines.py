"""Which web engine shows an app's windows, and whether each one is installed.

Two engines sit behind the host's :class:`~oro_framework.host.windows.engine.Engine`,
each in a folder of its own (``gui/gtk/``, ``gui/qt/``), and only that folder imports its toolkit
(an import-linter contract says so):

* ``system``: the platform's own WebView. On Linux that is WebKitGTK 4.1 through PyGObject
  (``gi``), the distro's packages; macOS (WKWebView) and Windows (WebView2) would be further
  folders answering the same name.
* ``qt``: QtWebEngine through pywebview and PyQt6, a Chromium of its own, from PyPI.

The default is ``system`` wherever it imports, else ``qt``. A probe imports the engine's
bindings without starting its toolkit, so ``oro doctor`` can show both engines in one process.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from oro_framework.host.builtin_settings import WEBVIEW_ENGINES
from oro_framework.host.errors import EngineUnavailableError

if TYPE_CHECKING:
    from oro_framework.host.windows.engine import Engine

__all__ = [
    "ENGINE_LABELS",
    "EngineStatus",
    "choose_engine",
    "make_engine",
    "probe_engine",
]

ENGINE_LABELS: Final = {"system": "WebKitGTK", "qt": "QtWebEngine"}

SYSTEM_PACKAGES_DEBIAN: Final = ("python3-gi", "gir1.2-webkit2-4.1")
SYSTEM_PACKAGES_FEDORA: Final = ("python3-gobject", "webkit2gtk4.1")

SYSTEM_INSTALL: Final = (
    f"apt-get install {' '.join(SYSTEM_PACKAGES_DEBIAN)} (Debian, Ubuntu) or "
    f"dnf install {' '.join(SYSTEM_PACKAGES_FEDORA)} (Fedora); in a virtual environment, "
    "make it see the distro's gi: python3 -m venv --system-site-packages (docs/webview.md)"
)
QT_INSTALL: Final = "pip install 'oro-framework[qt]'"


class EngineStatus(NamedTuple):
    """What a probe found of one engine.

    :param problem: why it cannot be used here, ``None`` when it can.
    :param install: the command that installs what is missing.
    """

    name: str
    version: str | None
    problem: str | None
    install: str

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def label(self) -> str:
        return ENGINE_LABELS[self.name]


def probe_engine(name: str) -> EngineStatus:
    """Whether engine ``name`` (``system`` or ``qt``) can open windows in this process."""
    if name == "system":
        return _probe_system()
    if name == "qt":
        return _probe_qt()
    raise ValueError(f"unknown web engine {name!r}; one of {', '.join(WEBVIEW_ENGINES)}")


def _probe_system() -> EngineStatus:
    if not sys.platform.startswith("linux"):
        return EngineStatus("system", None, f"no system engine for {sys.platform} yet", "")
    try:
        from oro_framework.gui.gtk.toolkit import webkit_version

        version = webkit_version()
    except (ImportError, ValueError) as error:
        # Which interpreter lacks it: the packages may well be installed for another one (the
        # distro's /usr/bin/python3, where a venv's python3 came first).
        reason = f"WebKitGTK 4.1 cannot be loaded in {sys.executable}: {error}"
        return EngineStatus("system", None, reason, SYSTEM_INSTALL)
    return EngineStatus("system", version, None, SYSTEM_INSTALL)


def _probe_qt() -> EngineStatus:
    from oro_framework.gui.qt.toolkit import qt_webengine_version

    try:
        version = qt_webengine_version()
    except ImportError as error:
        return EngineStatus("qt", None, f"QtWebEngine cannot be loaded: {error}", QT_INSTALL)
    return EngineStatus("qt", version, None, QT_INSTALL)


def choose_engine(requested: str | None) -> str:
    """The engine to run: ``requested`` (``--webview`` or ``webview.engine``) when given, else
    ``system`` where it is installed, else ``qt``.

    :raises EngineUnavailableError: ``requested`` is named but not installed.
    """
    if requested:
        status = probe_engine(requested)
        if not status.available:
            raise EngineUnavailableError(
                f"the {requested} web engine ({status.label}) is not available: {status.problem}."
                f" Install it with: {status.install}"
            )
        return requested
    return "system" if _probe_system().available else "qt"


def system_engine_hint() -> str:
    """One line saying how to get the system engine, for a run that fell back to Qt."""
    return f"the system WebView (WebKitGTK) is not installed; to use it: {SYSTEM_INSTALL}"


def make_engine(
    name: str,
    *,
    storage_path: Path | None,
    protocol_schemes: Sequence[str] = (),
    plugin_schemes: Sequence[str] = (),
    hidden: bool = False,
) -> Engine:
    """A :class:`Engine` of engine ``name``, ready for its first window; with ``hidden``, one
    that never shows a window (a headless app's).

    :raises ImportError: its toolkit cannot be loaded.
    """
    if name == "system":
        from oro_framework.gui.gtk.engine import GtkEngine

        return GtkEngine(
            storage_path=storage_path,
            protocol_schemes=protocol_schemes,
            plugin_schemes=plugin_schemes,
            hidden=hidden,
        )
    from oro_framework.gui.qt.engine import QtEngine

    return QtEngine(
        storage_path=storage_path,
        protocol_schemes=protocol_schemes,
        plugin_schemes=plugin_schemes,
        hidden=hidden,
    )
