"""A Qt window's page console and developer tools (docs/debugging.md).

QtWebEngine reports every console message of a page, and its uncaught errors, unhandled
rejections and syntax errors as Chromium prints them, to the page's
``QWebEnginePage.javaScriptConsoleMessage``: the engine's own channel, which no
Content-Security-Policy of the page reaches. The developer tools are Chromium's DevTools in a
second ``QWebEngineView`` (the page's ``devToolsPage``), a child window of the app's window, so
it closes with it; no remote-debugging port is opened, which any local process could reach.

Every function here runs on the GUI thread, on pywebview's ``BrowserView``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Final

from oro_framework.host.windows.debugging import ConsoleLevel, ConsoleMessage

__all__ = ["show_devtools", "watch_console"]

DEVTOOLS_SIZE: Final = (900, 600)


def _level(level: Any) -> ConsoleLevel:
    levels = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
    kinds = levels.JavaScriptConsoleMessageLevel
    if level == kinds.ErrorMessageLevel:
        return "error"
    if level == kinds.WarningMessageLevel:
        return "warning"
    return "log"  # console.log, console.info and console.debug alike


def watch_console(widget: Any, index: int, console: Callable[[ConsoleMessage], None]) -> None:
    """Report the console of window ``index`` (``widget``'s page) to ``console``."""
    page = widget.webview.page()

    def message(level: Any, text: str, line: int, source: str) -> None:
        console(ConsoleMessage(index, _level(level), str(text), str(source), int(line)))

    # PyQt calls a virtual method's override found on the instance: the page is pywebview's
    # own subclass, which this does not replace.
    page.javaScriptConsoleMessage = message


def show_devtools(widget: Any) -> None:
    """Open (or raise) the DevTools window of ``widget``'s page."""
    core: Any = importlib.import_module("qtpy.QtCore")
    widgets: Any = importlib.import_module("qtpy.QtWebEngineWidgets")
    tools = getattr(widget, "_oro_devtools", None)
    if tools is None:
        tools = widgets.QWebEngineView(widget)
        tools.setWindowFlag(core.Qt.WindowType.Window, True)
        tools.setWindowTitle(f"Developer tools - {widget.windowTitle()}")
        tools.resize(*DEVTOOLS_SIZE)
        widget.webview.page().setDevToolsPage(tools.page())
        widget._oro_devtools = tools
    tools.show()
    tools.raise_()
    tools.activateWindow()
