"""Oro's window options on a Qt window (pywebview's ``BrowserView``, a ``QMainWindow``) and its
``QWebEngineView``: size bounds (``setMinimumSize``/``setMaximumSize``: ``WM_NORMAL_HINTS``),
the window manager's close, minimise and maximise buttons (Qt's window flags, which Qt's xcb
plugin writes as ``_MOTIF_WM_HINTS``), a utility window (``Qt::Tool``:
``_NET_WM_WINDOW_TYPE_UTILITY``), the aspect ratio, the window's user script and the pages'
``User-Agent``.

Qt has no aspect-ratio setting, and its xcb plugin rewrites ``WM_NORMAL_HINTS`` whenever the
window's size changes, so a hint written beside it would not last: the window keeps its ratio
by a resize rule instead (:class:`_AspectKeeper`), its height following its width.

Every function here runs on the GUI thread, before the window is shown.
"""

from __future__ import annotations

import importlib
from typing import Any

from oro_framework.gui.qt.window import add_page_script
from oro_framework.host.config.values import screen_length_pixels
from oro_framework.host.windows.model import WindowOptions
from oro_framework.host.windows.options import guarded_user_script, on_screen

__all__ = ["apply_to_page", "apply_to_window"]


def apply_to_window(widget: Any, options: WindowOptions, screen: tuple[int, int]) -> None:
    """Bounds, buttons, type and aspect ratio of ``widget``, not shown yet; ``screen``: its
    screen's size, for bounds the config gives as shares of it."""
    core: Any = importlib.import_module("qtpy.QtCore")
    options = on_screen(options, screen)
    if not options.resizable:
        _fix_size(widget, options, screen)
    else:
        widget.setMinimumSize(*options.min_size)
        max_size = options.max_size
        if max_size is not None:
            widget.setMaximumSize(
                max(max_size[0], options.min_size[0]), max(max_size[1], options.min_size[1])
            )
    kinds = core.Qt.WindowType
    flags = widget.windowFlags()
    if options.utility:
        flags |= kinds.Tool
    if not (options.closable and options.minimizable and options.maximizable):
        # With CustomizeWindowHint, Qt gives the window manager exactly the buttons (and MWM
        # functions) whose hints are set, instead of its defaults.
        flags |= kinds.CustomizeWindowHint | kinds.WindowTitleHint | kinds.WindowSystemMenuHint
        for enabled, hint in (
            (options.closable, kinds.WindowCloseButtonHint),
            (options.minimizable, kinds.WindowMinimizeButtonHint),
            (options.maximizable, kinds.WindowMaximizeButtonHint),
        ):
            flags = (flags | hint) if enabled else (flags & ~hint)
    if flags != widget.windowFlags():
        # Changing a top-level window's flags hides it (Qt makes a new native window): a
        # window pywebview already showed is shown again.
        visible = widget.isVisible()
        widget.setWindowFlags(flags)
        if visible:
            widget.show()
    aspect = options.aspect
    if aspect is not None:
        keeper = _aspect_keeper(core)(aspect, widget)
        widget.installEventFilter(keeper)
        widget.oro_aspect_keeper = keeper  # kept alive with the window


def _fix_size(widget: Any, options: WindowOptions, screen: tuple[int, int]) -> None:
    """A window that is not resizable keeps its size: minimum and maximum both (pywebview
    fixes the size, then sets its own minimum of 200 by 100 over it)."""
    width, height = widget.width(), widget.height()
    if options.screen_lengths is not None:
        # "N%" of the screen, which the engine applies after this: fixed at that size.
        width = screen_length_pixels(options.screen_lengths[0], screen[0], width)
        height = screen_length_pixels(options.screen_lengths[1], screen[1], height)
    widget.setFixedSize(width, height)


def _aspect_keeper(core: Any) -> Any:
    class _AspectKeeper(core.QObject):  # type: ignore[misc]
        """Resizes the window to its ratio after each resize, height after width (clamped by
        Qt to the window's bounds; a clamped size settles: it resizes to itself)."""

        def __init__(self, aspect: float, parent: Any) -> None:
            super().__init__(parent)
            self._aspect = aspect

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == core.QEvent.Type.Resize and not watched.isMaximized():
                size = event.size()
                height = round(size.width() / self._aspect)
                if abs(height - size.height()) > 1:
                    watched.resize(size.width(), height)
            return False

    return _AspectKeeper


def apply_to_page(widget: Any, options: WindowOptions, origin: str) -> None:
    """The pages' ``User-Agent`` (on the profile every window shares) and the window's user
    script (on its own page), before its first document exists."""
    page = widget.webview.page()
    profile = page.profile()
    current = str(profile.httpUserAgent())
    wanted = options.page_user_agent(current)
    if wanted != current:
        # Once: setting it again (on the profile every window shares) makes QtWebEngine tell
        # every open page of it, which made each new window cost the others' time.
        profile.setHttpUserAgent(wanted)
    if options.user_script is None or not origin:
        return
    # The Greasemonkey header limits the script to the app's documents (QtWebEngine reads
    # @match as it is set); the guard inside is the second lock. After the identity script
    # (inserted first), before the page's own, in the main frame only.
    header = f"// ==UserScript==\n// @match {origin}/*\n// ==/UserScript==\n"
    add_page_script(
        page, "oro-user-script", header + guarded_user_script(options.user_script, origin)
    )
