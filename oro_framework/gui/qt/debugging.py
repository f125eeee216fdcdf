"""A Qt window's page console and developer tools (docs/debugging.md).

QtWebEngine reports every console message of a page, and its uncaught errors, unhandled
rejections and syntax errors as Chromium prints them, to the page's
``QWebEnginePage.javaScriptConsoleMessage``: the engine's own channel, which no
Content-Security-Policy of the page reaches. Each message costs the app's GUI thread, which every
window shares (some 50 µs: a million ``console.log`` calls held it, and every other window's
native work, for a minute, and grew the app by 700 MB): unless the developer tools are on (they
show every message), a script in each document (:data:`BUDGET_SCRIPT`) lets at most
:data:`PAGE_BUDGET` console calls a second through to the engine and says how many it dropped.
A page that takes an unwrapped ``console`` elsewhere (a frame the script has not run in yet)
still reaches the engine, and the terminal's own budget (:mod:`oro_framework.gui.console`). The
developer tools are Chromium's DevTools in a
second ``QWebEngineView`` (the page's ``devToolsPage``), a child window of the app's window, so
it closes with it; no remote-debugging port is opened, which any local process could reach.

Every function here runs on the GUI thread, on pywebview's ``BrowserView``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Final

from oro_framework.gui.console import HIDDEN_PAGE_BUDGET
from oro_framework.gui.qt.window import add_page_script
from oro_framework.host.windows.debugging import ConsoleLevel, ConsoleMessage

__all__ = ["BUDGET_SCRIPT", "PAGE_BUDGET", "show_devtools", "watch_console"]

DEVTOOLS_SIZE: Final = (900, 600)

PAGE_BUDGET: Final = 100
"""Console calls a document passes to the engine in a second, the developer tools off."""

BUDGET_SCRIPT: Final = """(() => {
  // Run by oro before the page's scripts in each document (oro_framework/gui/qt/debugging.py):
  // at most BUDGET console calls a second reach the engine, which hands each to the app's GUI
  // thread; the rest are counted, and said dropped once.
  const budget = __BUDGET__;
  const now = performance.now.bind(performance);
  const later = setTimeout;
  const warn = console.warn;
  let second = -1, sent = 0, dropped = 0, flushing = false;
  const flush = () => {
    flushing = false;
    if (!dropped) return;
    const count = dropped;
    dropped = 0;
    warn.call(console, `${count} console messages dropped in the page (more than ${budget}/s)`);
  };
  const admit = () => {
    const current = Math.floor(now() / 1000);
    if (current !== second) { second = current; sent = 0; flush(); }
    if (sent < budget) { sent++; return true; }
    dropped++;
    if (!flushing) { flushing = true; later(flush, 1500); }
    return false;
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml',
    'table', 'assert', 'count', 'countReset', 'group', 'groupCollapsed', 'time', 'timeLog',
    'timeEnd']) {
    const original = console[method];
    if (typeof original !== 'function') continue;
    console[method] = function (...values) {
      return admit() ? original.apply(this, values) : undefined;
    };
  }
})()"""
"""The budget script, its ``__BUDGET__`` replaced."""


def _level(level: Any) -> ConsoleLevel:
    levels = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
    kinds = levels.JavaScriptConsoleMessageLevel
    if level == kinds.ErrorMessageLevel:
        return "error"
    if level == kinds.WarningMessageLevel:
        return "warning"
    return "log"  # console.log, console.info and console.debug alike


def watch_console(
    widget: Any,
    index: int,
    console: Callable[[ConsoleMessage], None],
    *,
    limit: bool = True,
    hidden: bool = False,
) -> None:
    """Report the console of window ``index`` (``widget``'s page) to ``console``; with
    ``limit`` (the developer tools off), at most :data:`PAGE_BUDGET` calls a second per
    document, a ``hidden`` window's (a headless app's)
    :data:`~oro_framework.gui.console.HIDDEN_PAGE_BUDGET`."""
    page = widget.webview.page()
    if limit:
        budget = HIDDEN_PAGE_BUDGET if hidden else PAGE_BUDGET
        script = BUDGET_SCRIPT.replace("__BUDGET__", str(budget))
        add_page_script(page, "oro-console-budget", script, sub_frames=True)

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
