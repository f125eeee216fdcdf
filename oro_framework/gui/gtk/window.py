"""One app window on GTK: a ``Gtk.Window`` holding a vertical ``Gtk.Box`` with the
``WebKitWebView`` in it, the window operations on them, and the state read back.

Every function and method here runs on the GUI thread. :class:`GtkWindowParts` is what
``host.windows.native(index)`` gives plugins under GTK (oro-desktop packs its menu bar into
``box`` above ``view``).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, final

from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.windows.model import NativeState, WindowColor
from oro_framework.records import record

__all__ = ["GtkWindowParts"]


@final
@record(frozen=False, eq=False)
class GtkWindowParts:
    """A window's GTK objects, and what GTK only reports through events."""

    window: Any
    box: Any
    view: Any
    minimized: bool = False
    maximized: bool = False
    always_on_top: bool = False
    size: tuple[int, int] = field(default=(0, 0))

    # The window manager answers maximize/iconify with a state event later; the state reads
    # what was asked at once (as Qt's window state does), and the events keep it true to what
    # the window manager or the user did since.

    def maximize(self) -> None:
        self.maximized = True
        self.minimized = False
        self.window.maximize()

    def minimize(self) -> None:
        self.minimized = True
        self.window.iconify()

    def restore(self) -> None:
        self.maximized = self.minimized = False
        self.window.unmaximize()
        self.window.deiconify()
        self.window.show()

    def focus(self) -> None:
        self.window.deiconify()
        self.window.show()
        gdk_window = self.window.get_window()
        if gdk_window is not None:
            # present() alone uses the time of the last GTK event, which a window manager may
            # find too old to steal the focus with (the request comes from the host, not a
            # click in this process).
            self.window.present_with_time(_server_time(gdk_window))
        else:
            self.window.present()

    def lower(self) -> None:
        gdk_window = self.window.get_window()
        if gdk_window is not None:
            gdk_window.lower()

    def set_always_on_top(self, enabled: bool) -> None:
        self.window.set_keep_above(enabled)
        self.always_on_top = enabled

    def set_background_color(self, color: WindowColor) -> None:
        gdk = repository("Gdk")
        rgba = gdk.RGBA()
        rgba.red, rgba.green, rgba.blue = color.red / 255, color.green / 255, color.blue / 255
        rgba.alpha = color.alpha
        self.view.set_background_color(rgba)

    def page_url(self) -> str:
        return str(self.view.get_uri() or "")

    def state(self) -> NativeState:
        x, y = self.window.get_position()
        width, height = self.window.get_size()
        background = self.view.get_background_color()
        return NativeState(
            x=int(x),
            y=int(y),
            width=int(width),
            height=int(height),
            maximized=self.maximized,
            minimized=self.minimized,
            always_on_top=self.always_on_top,
            background_color=WindowColor(
                round(background.red * 255),
                round(background.green * 255),
                round(background.blue * 255),
                round(float(background.alpha), 3),
            ),
        )


def _server_time(gdk_window: Any) -> int:
    try:
        gdk_x11 = repository("GdkX11")
    except (ImportError, ValueError):
        return 0
    if not isinstance(gdk_window, gdk_x11.X11Window):
        return 0
    return int(gdk_x11.x11_get_server_time(gdk_window))


def screen_size() -> tuple[int, int]:
    """The primary monitor's size in pixels (the first monitor where none is primary)."""
    gdk = repository("Gdk")
    display = gdk.Display.get_default()
    monitor = display.get_primary_monitor() or display.get_monitor(0)
    geometry = monitor.get_geometry()
    return int(geometry.width), int(geometry.height)
