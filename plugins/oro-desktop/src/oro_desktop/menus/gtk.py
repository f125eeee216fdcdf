"""Menus as GTK 3 widgets: a window's menu bar and the context menus a page pops up. Every
function here runs on the GUI thread (through ``host.windows.run_on_gui``) and returns at once:
menus pop up with ``popup_at_rect()``, never a nested main loop. Imported only with GTK windows.

The tray is not here: GTK 3's ``GtkStatusIcon`` is an XEmbed icon that today's desktops no
longer show, so the GTK engine's tray is a StatusNotifierItem over D-Bus
(:mod:`oro_desktop.menus.sni`), which needs no toolkit at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from oro_desktop.gtk_bindings import repository
from oro_desktop.menus.common import Select
from oro_desktop.menus.text import Accelerator, Entry, Item, Menu, Separator, Submenu

__all__ = ["accelerator_of", "close_menu", "popup", "set_enabled", "set_menu_bar"]

_GDK_KEYS: Final = {
    "Enter": "Return",
    "Space": "space",
    "Backspace": "BackSpace",
    "PageUp": "Page_Up",
    "PageDown": "Page_Down",
}
_MASKS: Final = {
    # Oro's Meta and Command are the Super key here, as Qt's Meta is on Linux; CommandOrControl
    # is Control.
    "Meta": "SUPER_MASK",
    "Command": "SUPER_MASK",
    "Control": "CONTROL_MASK",
    "CommandOrControl": "CONTROL_MASK",
    "Option": "MOD1_MASK",
    "Alt": "MOD1_MASK",
    "Shift": "SHIFT_MASK",
}


class _Bar:
    """A window's menu bar and the accelerator group its items' shortcuts live in."""

    def __init__(self, bar: Any, accelerators: Any) -> None:
        self.bar = bar
        self.accelerators = accelerators


_bars: dict[Any, _Bar] = {}
"""Each window's menu bar, by its ``GtkWindow``; dropped as the window is destroyed."""


def accelerator_of(accelerator: Accelerator) -> tuple[int, Any]:
    """GTK's key value and modifier mask of ``accelerator`` (a letter's key value is its lower
    case: Shift is a modifier of its own)."""
    gdk = repository("Gdk")
    key = accelerator.key
    if len(key) == 1:
        keyval = gdk.unicode_to_keyval(ord(key.lower()))
    else:
        keyval = gdk.keyval_from_name(_GDK_KEYS.get(key, key))
    mask = gdk.ModifierType(0)
    for name in accelerator.modifiers:
        mask |= getattr(gdk.ModifierType, _MASKS[name])
    return int(keyval), mask


def fill(
    menu: Any, entries: Iterable[Entry], parent: str, select: Select, accelerators: Any
) -> list[Any]:
    """Add ``entries`` to ``GtkMenu`` ``menu``; the widget of each entry (a separator's and a
    submenu's too), in order, for ``setSystemMenuItemEnabled``. Shortcuts go in
    ``accelerators`` (``None``: shown nowhere, as in a context menu)."""
    gtk = repository("Gtk")
    widgets: list[Any] = []
    for entry in entries:
        if isinstance(entry, Separator):
            widget = gtk.SeparatorMenuItem()
        elif isinstance(entry, Submenu):
            widget = gtk.MenuItem.new_with_label(entry.title)
            submenu = gtk.Menu()
            if accelerators is not None:
                submenu.set_accel_group(accelerators)
            fill(submenu, entry.entries, entry.title, select, accelerators)
            widget.set_submenu(submenu)
        else:
            widget = _item(entry, parent, select, accelerators)
        menu.append(widget)
        widgets.append(widget)
    return widgets


def _item(item: Item, parent: str, select: Select, accelerators: Any) -> Any:
    gtk = repository("Gtk")
    if item.checked:
        widget = gtk.CheckMenuItem.new_with_label(item.title)
        widget.set_active(True)
    else:
        widget = gtk.MenuItem.new_with_label(item.title)
    if item.accelerator is not None and accelerators is not None:
        keyval, mask = accelerator_of(item.accelerator)
        widget.add_accelerator("activate", accelerators, keyval, mask, gtk.AccelFlags.VISIBLE)
    widget.set_sensitive(item.enabled)
    widget.connect("activate", _on_activate(item, parent, select))
    return widget


def _on_activate(item: Item, parent: str, select: Select) -> Callable[[Any], None]:
    def activated(widget: Any) -> None:
        # The page owns the state: a checked item keeps showing it until a new menu says not.
        if item.checked:
            widget.set_active(True)
        select(item, parent)

    return activated


def set_menu_bar(native: Any, menus: tuple[Menu, ...], select: Select) -> list[list[Any]]:
    """Give the window ``native`` (its ``GtkWindowParts``) a new menu bar of ``menus``, packed
    above its web view (none: no menu bar); the widgets of each menu's entries."""
    gtk = repository("Gtk")
    window = native.window
    old = _bars.pop(window, None)
    if old is not None:
        window.remove_accel_group(old.accelerators)
        old.bar.destroy()
    if not menus:
        return []
    accelerators = gtk.AccelGroup()
    bar = gtk.MenuBar()
    widgets: list[list[Any]] = []
    for menu in menus:
        top = gtk.MenuItem.new_with_label(menu.title)
        submenu = gtk.Menu()
        submenu.set_accel_group(accelerators)
        widgets.append(fill(submenu, menu.entries, menu.title, select, accelerators))
        top.set_submenu(submenu)
        bar.append(top)
    window.add_accel_group(accelerators)
    native.box.pack_start(bar, False, False, 0)
    native.box.reorder_child(bar, 0)
    bar.show_all()
    if old is None:
        window.connect("destroy", lambda *_: _bars.pop(window, None))
    _bars[window] = _Bar(bar, accelerators)
    return widgets


def set_enabled(widget: Any, enabled: bool) -> None:
    # An insensitive item's accelerator does nothing either (gtk_widget_can_activate_accel).
    widget.set_sensitive(enabled)


def popup(native: Any, entries: tuple[Entry, ...], previous: Any, select: Select) -> Any:
    """Pop up a context menu of ``entries`` at the cursor over the window ``native``, closing
    the one it replaces; the ``GtkMenu``."""
    gtk, gdk = repository("Gtk"), repository("Gdk")
    if previous is not None:
        close_menu(previous)
    menu = gtk.Menu()
    fill(menu, entries, "contextMenu", select, None)
    menu.attach_to_widget(native.view, None)
    menu.show_all()
    view_window = native.view.get_window()
    pointer = gdk.Display.get_default().get_default_seat().get_pointer()
    # Asked from a route, not from a click's handler: there is no current event to place the
    # menu by (popup_at_pointer's way), so it goes where the pointer is now.
    _window, x, y, _mask = view_window.get_device_position(pointer)
    rect = gdk.Rectangle()
    rect.x, rect.y, rect.width, rect.height = x, y, 1, 1
    menu.popup_at_rect(view_window, rect, gdk.Gravity.NORTH_WEST, gdk.Gravity.NORTH_WEST, None)
    return menu


def close_menu(menu: Any) -> None:
    menu.popdown()
    menu.destroy()
