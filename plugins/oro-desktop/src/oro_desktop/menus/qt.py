"""Menus as Qt widgets. Every function here runs on the GUI thread (through
``host.windows.run_on_gui``) and returns at once: menus pop up with ``popup()``, never ``exec()``.
Qt is imported inside the functions, so that a headless host never loads it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from oro_desktop.menus.common import Click, Select
from oro_desktop.menus.text import Accelerator, Entry, Item, Menu, Separator, Submenu
from oro_framework import InvalidArgumentError, NotSupportedError

_QT_MODIFIERS: Final = {
    "Meta": "Meta",
    "Command": "Meta",
    "Control": "Ctrl",
    "CommandOrControl": "Ctrl",
    "Option": "Alt",
    "Alt": "Alt",
    "Shift": "Shift",
}
_QT_KEYS: Final = {
    "Escape": "Esc",
    "Delete": "Del",
    "Insert": "Ins",
    "PageUp": "PgUp",
    "PageDown": "PgDown",
}
_ORDER: Final = ("Ctrl", "Alt", "Shift", "Meta")
TRAY_ICON_SIZE: Final = 64
TRAY_COLOUR: Final = "#3a6ea5"


def key_sequence(accelerator: Accelerator) -> str:
    """Qt's portable text of ``accelerator`` (``Ctrl+Shift+O``); Oro's Meta and Command are the
    Meta (Super) key here, CommandOrControl is Ctrl."""
    modifiers = {_QT_MODIFIERS[name] for name in accelerator.modifiers}
    key = _QT_KEYS.get(accelerator.key, accelerator.key)
    if len(key) == 1:
        key = key.upper()
    return "+".join([*(name for name in _ORDER if name in modifiers), key])


def fill(menu: Any, entries: Iterable[Entry], parent: str, select: Select) -> list[Any]:
    """Add ``entries`` to QMenu ``menu``; the action of each entry (a separator's and a
    submenu's too), in order, for ``setSystemMenuItemEnabled``."""
    from qtpy import QtGui

    actions: list[Any] = []
    for entry in entries:
        if isinstance(entry, Separator):
            actions.append(menu.addSeparator())
        elif isinstance(entry, Submenu):
            submenu = menu.addMenu(entry.title)
            fill(submenu, entry.entries, entry.title, select)
            actions.append(submenu.menuAction())
        else:
            action = menu.addAction(entry.title)
            if entry.accelerator is not None:
                action.setShortcut(QtGui.QKeySequence(key_sequence(entry.accelerator)))
            action.setEnabled(entry.enabled)
            if entry.checked:
                action.setCheckable(True)
                action.setChecked(True)
            action.triggered.connect(_on_trigger(action, entry, parent, select))
            actions.append(action)
    return actions


def _on_trigger(action: Any, item: Item, parent: str, select: Select) -> Callable[..., None]:
    def triggered(*_: Any) -> None:
        # The page owns the state: a checked item keeps showing it until a new menu says not.
        if item.checked:
            action.setChecked(True)
        select(item, parent)

    return triggered


def set_menu_bar(native: Any, menus: tuple[Menu, ...], select: Select) -> list[list[Any]]:
    """Give QMainWindow ``native`` a new menu bar of ``menus`` (none: no menu bar); the actions
    of each menu's entries."""
    from qtpy import QtWidgets

    old = native.menuWidget()
    if not menus:
        if old is not None:
            native.setMenuWidget(None)
            old.deleteLater()
        return []
    bar = QtWidgets.QMenuBar(native)
    actions = [fill(bar.addMenu(menu.title), menu.entries, menu.title, select) for menu in menus]
    # QMainWindow deletes the bar it replaces.
    native.setMenuBar(bar)
    return actions


def set_enabled(action: Any, enabled: bool) -> None:
    action.setEnabled(enabled)


def popup(native: Any, entries: tuple[Entry, ...], previous: Any, select: Select) -> Any:
    """Pop up a context menu of ``entries`` at the cursor over ``native``, closing the one it
    replaces; the QMenu (owned by ``native``)."""
    from qtpy import QtGui, QtWidgets

    if previous is not None:
        close_menu(previous)
    menu = QtWidgets.QMenu(native)
    fill(menu, entries, "contextMenu", select)
    menu.popup(QtGui.QCursor.pos())
    return menu


def close_menu(menu: Any) -> None:
    try:
        menu.close()
        menu.deleteLater()
    except RuntimeError:
        pass  # its window, which owned it, is gone already


class Tray:
    """The tray icon and its menu; made, changed and removed on the GUI thread."""

    def __init__(self) -> None:
        self.icon: Any = None
        self.menu: Any = None

    def set(
        self,
        icon_path: Path | None,
        menus: tuple[Menu, ...],
        select: Select,
        click: Click,
    ) -> None:
        """Show the icon with ``menus`` (one menu: its items, its title the tooltip; several:
        a submenu each); no menus removes it.

        :raises NotSupportedError: no system tray on this desktop.
        :raises InvalidArgumentError: ``icon_path`` is not an image.
        """
        from qtpy import QtGui, QtWidgets

        if not menus:
            self.remove()
            return
        if not QtWidgets.QSystemTrayIcon.isSystemTrayAvailable():
            raise NotSupportedError(
                "This desktop has no system tray: run the app under a desktop or panel with a "
                "notification area (a tray host such as trayer or stalonetray on bare X11)",
                code="ERR_NO_SYSTEM_TRAY",
            )
        icon = _icon(icon_path)
        menu = QtWidgets.QMenu()
        if len(menus) == 1:
            fill(menu, menus[0].entries, menus[0].title, select)
        else:
            for each in menus:
                fill(menu.addMenu(each.title), each.entries, each.title, select)
        if self.icon is None:
            self.icon = QtWidgets.QSystemTrayIcon()
            activated = QtWidgets.QSystemTrayIcon.ActivationReason

            def on_activated(reason: Any) -> None:
                if reason == activated.Trigger:
                    position = QtGui.QCursor.pos()
                    click(position.x(), position.y())

            self.icon.activated.connect(on_activated)
        self.icon.setIcon(icon)
        self.icon.setToolTip(menus[0].title)
        self.icon.setContextMenu(menu)
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = menu
        self.icon.show()

    def remove(self) -> None:
        if self.icon is not None:
            self.icon.hide()
            self.icon.deleteLater()
            self.icon = None
        if self.menu is not None:
            self.menu.deleteLater()
            self.menu = None


def _icon(path: Path | None) -> Any:
    from qtpy import QtGui

    if path is None:
        pixmap = QtGui.QPixmap(TRAY_ICON_SIZE, TRAY_ICON_SIZE)
        pixmap.fill(QtGui.QColor(TRAY_COLOUR))
        return QtGui.QIcon(pixmap)
    icon = QtGui.QIcon(str(path))
    if icon.isNull() or (not icon.availableSizes() and QtGui.QPixmap(str(path)).isNull()):
        raise InvalidArgumentError(
            f"The tray icon {str(path)!r} is not an image Qt can read (PNG or SVG)",
            code="ERR_TRAY_ICON",
            path=str(path),
        )
    return icon
