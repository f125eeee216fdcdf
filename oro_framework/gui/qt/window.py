"""Window operations pywebview does not offer, or does not report back, done on Qt's own
objects: maximise, minimise, restore, lower, always-on-top, the web view's background colour,
and the real window's state read back from Qt.

Every function here runs on the GUI thread, on pywebview's ``BrowserView`` (a ``QMainWindow``
whose ``webview`` is the ``QWebEngineView``). Qt is imported on first use: a host without a
window never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

from oro_framework.host.windows.model import NativeState, WindowColor


def _qt() -> tuple[Any, Any]:
    # As Any: qtpy's stubs lack much of what PyQt6 has at run time.
    core: Any = importlib.import_module("qtpy.QtCore")
    gui: Any = importlib.import_module("qtpy.QtGui")
    return core, gui


def maximize(widget: Any) -> None:
    widget.showMaximized()


def minimize(widget: Any) -> None:
    widget.showMinimized()


def restore(widget: Any) -> None:
    widget.showNormal()


def lower(widget: Any) -> None:
    widget.lower()


def page_url(widget: Any) -> str:
    return str(widget.webview.url().toString())


def set_always_on_top(widget: Any, enabled: bool) -> None:
    core, _gui = _qt()
    hint = core.Qt.WindowType.WindowStaysOnTopHint
    if bool(widget.windowFlags() & hint) == enabled:
        return
    # Changing a top-level window's flags hides it (Qt re-creates the native window): show it
    # again as it was, maximised or minimised included.
    visible, window_state = widget.isVisible(), widget.windowState()
    widget.setWindowFlag(hint, enabled)
    if visible:
        widget.setWindowState(window_state)
        widget.show()


def set_background_color(widget: Any, color: WindowColor) -> None:
    _core, gui = _qt()
    qcolor = gui.QColor(color.red, color.green, color.blue)
    qcolor.setAlphaF(color.alpha)
    widget.webview.page().setBackgroundColor(qcolor)


def state(widget: Any) -> NativeState:
    core, _gui = _qt()
    flags = widget.windowState()
    position, size = widget.pos(), widget.size()
    background = widget.webview.page().backgroundColor()
    return NativeState(
        x=int(position.x()),
        y=int(position.y()),
        width=int(size.width()),
        height=int(size.height()),
        maximized=bool(flags & core.Qt.WindowState.WindowMaximized),
        minimized=bool(flags & core.Qt.WindowState.WindowMinimized),
        always_on_top=bool(widget.windowFlags() & core.Qt.WindowType.WindowStaysOnTopHint),
        background_color=WindowColor(
            int(background.red()),
            int(background.green()),
            int(background.blue()),
            round(float(background.alphaF()), 3),
        ),
    )


def screen_size() -> tuple[int, int]:
    _core, gui = _qt()
    size = gui.QGuiApplication.primaryScreen().size()
    return int(size.width()), int(size.height())


def resize_centered(widget: Any, width: int, height: int) -> None:
    """Give a window that is not shown yet its size, centred on its screen as pywebview
    centres it (which it did for the size it was made with)."""
    widget.resize(width, height)
    # pywebview's window keeps its screen's geometry as ``screen`` (a QRect) once it has placed
    # the window, hiding QWidget.screen().
    screen = widget.screen
    geometry = screen().geometry() if callable(screen) else screen
    center = geometry.center() - widget.rect().center()
    widget.move(center.x(), center.y())


def add_page_script(page: Any, name: str, source: str, *, sub_frames: bool = False) -> None:
    """Run ``source`` at the creation of each document of ``page`` (a ``QWebEnginePage``),
    before the page's own scripts, in its main world; in its frames too with ``sub_frames``.
    The page's own collection, not the profile's, which every window shares."""
    engine: Any = importlib.import_module("qtpy.QtWebEngineCore")
    script = engine.QWebEngineScript()
    script.setName(name)
    script.setSourceCode(source)
    script.setInjectionPoint(engine.QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(engine.QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(sub_frames)
    page.scripts().insert(script)


def add_identity_script(widget: Any, source: str) -> None:
    """The window's identity script (:func:`~oro_framework.host.launch.window_identity_script`)
    in every document of its page, frames too (the script checks the origin itself)."""
    add_page_script(widget.webview.page(), "oro-window-identity", source, sub_frames=True)
