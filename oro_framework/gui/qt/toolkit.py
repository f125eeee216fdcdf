"""The Qt toolkit as the engine reaches it: whether its pieces are installed (without starting
Qt), and pywebview's Qt backend, imported with only the enums it names unscoped promoted
(:mod:`.enums`)."""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable
from types import ModuleType
from typing import Any, Final

from oro_framework.gui.qt.enums import promote_named

__all__ = ["PYWEBVIEW_QT", "import_pywebview_qt", "qt_webengine_version"]

PYWEBVIEW_QT: Final = "webview.platforms.qt"
"""pywebview's Qt backend."""


def qt_webengine_version() -> str:
    """The installed PyQt6-WebEngine's version.

    :raises ImportError: pywebview or PyQt6-WebEngine is not installed.
    """
    importlib.import_module("webview")
    try:
        return importlib.metadata.version("PyQt6-WebEngine")
    except importlib.metadata.PackageNotFoundError:
        raise ImportError("PyQt6-WebEngine is not installed") from None


def import_pywebview_qt() -> Any:
    """pywebview's Qt backend, imported (once) with the enums of
    :data:`~oro_framework.gui.qt.enums.UNSCOPED` promoted: how the host reaches it. Where qtpy
    promotes nothing (another binding than PyQt6) or its modules were imported already, the
    backend imports as it would."""
    compat: Any = importlib.import_module("qtpy.enums_compat")
    original: Callable[[ModuleType], None] | None = getattr(compat, "promote_enums", None)
    if original is None:
        return importlib.import_module(PYWEBVIEW_QT)
    compat.promote_enums = promote_named
    try:
        return importlib.import_module(PYWEBVIEW_QT)
    finally:
        compat.promote_enums = original
