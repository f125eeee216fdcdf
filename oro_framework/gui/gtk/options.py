"""Oro's window options on a GTK window and its ``WebKitWebView``: size bounds and aspect ratio
(``WM_NORMAL_HINTS``, through ``gtk_window_set_geometry_hints``), the window manager's close,
minimise and maximise (``_MOTIF_WM_HINTS`` functions), a utility window's type, the window's
user script and the pages' ``User-Agent``.

Every function here runs on the GUI thread, as the window is made.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.windows.model import WindowOptions
from oro_framework.host.windows.options import guarded_user_script

__all__ = ["apply_to_view", "apply_to_window"]


def apply_to_window(native: Any, options: WindowOptions) -> None:
    """Bounds, aspect ratio, functions and type of ``native`` (a ``Gtk.Window`` not realized
    yet)."""
    gdk = repository("Gdk")
    geometry = gdk.Geometry()
    hints = gdk.WindowHints.MIN_SIZE
    geometry.min_width, geometry.min_height = options.min_size
    max_size = options.max_size
    if max_size is not None:
        geometry.max_width = max(max_size[0], geometry.min_width)
        geometry.max_height = max(max_size[1], geometry.min_height)
        hints |= gdk.WindowHints.MAX_SIZE
    aspect = options.aspect
    if aspect is not None:
        # Min and max aspect alike: the window manager keeps exactly this ratio (Socket sets
        # the same hint on Linux).
        geometry.min_aspect = geometry.max_aspect = aspect
        hints |= gdk.WindowHints.ASPECT
    native.set_geometry_hints(None, geometry, hints)
    # GTK's own close button (client-side decorations) and, when realized, the MWM close
    # function; the functions below say the rest.
    native.set_deletable(options.closable)
    if options.utility:
        native.set_type_hint(gdk.WindowTypeHint.UTILITY)
    functions = _disabled_functions(gdk, options)
    if functions:
        # GTK sets the MWM functions as it realizes the window (ALL|CLOSE when not deletable):
        # ours replace them after it, with minimise and maximise too, which GTK has no
        # setting for.
        native.connect_after(
            "realize",
            lambda widget: widget.get_window().set_functions(gdk.WMFunction.ALL | functions),
        )
    if not options.closable:
        # The window manager's close (its button, Alt+F4: WM_DELETE_WINDOW) is refused before
        # the engine's own handler reports a closing window; the app and the page's
        # window.close() destroy the window without this event.
        native.connect("delete-event", lambda *_: True)


def _disabled_functions(gdk: Any, options: WindowOptions) -> Any:
    """The MWM functions to take away (with ``ALL`` set, the others listed are disabled)."""
    functions = gdk.WMFunction(0)
    if not options.closable:
        functions |= gdk.WMFunction.CLOSE
    if not options.minimizable:
        functions |= gdk.WMFunction.MINIMIZE
    if not options.maximizable:
        functions |= gdk.WMFunction.MAXIMIZE
    return functions


def apply_to_view(view: Any, options: WindowOptions, origin: str) -> None:
    """The window's user script and its pages' ``User-Agent`` on ``view``."""
    webkit = repository("WebKit2")
    settings = view.get_settings()
    settings.set_user_agent(options.page_user_agent(str(settings.get_user_agent() or "")))
    if options.user_script is not None and origin:
        # The window's own content manager: this window's pages and no other's. After the
        # identity script (added first), before the page's own; in the main frame of the app's
        # documents only, as window.eval runs only there: a page on an allowed outside origin
        # is not the app's to script.
        view.get_user_content_manager().add_script(
            webkit.UserScript.new(
                guarded_user_script(options.user_script, origin),
                webkit.UserContentInjectedFrames.TOP_FRAME,
                webkit.UserScriptInjectionTime.START,
                [_url_pattern(origin)],
                None,
            )
        )


def _url_pattern(origin: str) -> str:
    """WebKit's allow-list pattern of ``origin``'s documents. WebKit matches a pattern's host
    against the URL's host without its port (``http://127.0.0.1:8000/*`` matches nothing), so
    the pattern names scheme and host, and the script's own guard checks the port."""
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.hostname}/*"
