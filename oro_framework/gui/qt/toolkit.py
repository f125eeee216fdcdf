"""Whether the Qt engine's pieces are installed, without starting Qt."""

from __future__ import annotations

import importlib
import importlib.metadata

__all__ = ["qt_webengine_version"]


def qt_webengine_version() -> str:
    """The installed PyQt6-WebEngine's version.

    :raises ImportError: pywebview or PyQt6-WebEngine is not installed.
    """
    importlib.import_module("webview")
    try:
        return importlib.metadata.version("PyQt6-WebEngine")
    except importlib.metadata.PackageNotFoundError:
        raise ImportError("PyQt6-WebEngine is not installed") from None
