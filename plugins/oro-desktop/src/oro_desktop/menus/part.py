"""The menus part of oro-desktop: each window's system menu (a Qt menu bar), the context menu
a page pops up, and the app's tray icon with its menu.

The menu text is parsed on the loop (:mod:`oro_desktop.menus.text`); the widgets are made on
the GUI thread (:mod:`oro_desktop.menus.qt`). A chosen item is the DOM event
``menuItemSelected`` ``{title, parent, type, state}`` for the pages of the window whose menu it
is (the tray's: every page); a click on the tray icon is ``trayclick`` ``{x, y}``.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, final

import anyio
import anyio.lowlevel

from oro_desktop.menus import qt
from oro_desktop.menus.text import Item, count_entries, parse_items, parse_menus
from oro_desktop.part import Spawn, require_qt
from oro_desktop.settings import DesktopSettings
from oro_framework import (
    Host,
    InvalidArgumentError,
    NotFoundError,
    OutOfRangeError,
    Window,
)

__all__ = ["MENU_ITEM_SELECTED", "TRAY_CLICK", "Menus"]

logger = logging.getLogger("oro_desktop.menus")

MENU_ITEM_SELECTED: Final = "menuItemSelected"
TRAY_CLICK: Final = "trayclick"
MenuType = Literal["system", "context", "tray"]


@dataclass
class _SystemMenu:
    items: int
    actions: list[list[Any]]
    """The Qt actions of each menu's entries: touched on the GUI thread only."""


@final
class Menus:
    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self._system: dict[int, _SystemMenu] = {}
        self._context: dict[int, Any] = {}
        self._tray = qt.Tray()
        self._tray_items = 0
        self._selected = 0
        self._tray_clicks = 0

    # -- routes ------------------------------------------------------------------------------

    async def set_system_menu(self, window: Window, text: str) -> dict[str, Any]:
        """Replace ``window``'s menu bar with the menus of ``text`` (blank: no menu bar)."""
        self.require_gui()
        menus = parse_menus(text, self._settings.max_menu_items)
        select = self._selector("system", window.index)
        native = self._native(window)
        actions = await self._on_gui(window, qt.set_menu_bar, native, menus, select)
        items = sum(count_entries(menu.entries) for menu in menus)
        if menus:
            self._system[window.index] = _SystemMenu(items, actions)
        else:
            self._system.pop(window.index, None)
        return {"index": window.index, "menus": len(menus), "items": items}

    async def set_item_enabled(
        self, window: Window, enabled: bool, index_main: int, index_sub: int
    ) -> dict[str, Any]:
        """Enable or disable entry ``index_sub`` (separators count) of menu ``index_main``."""
        self.require_gui()
        menu = self._system.get(window.index)
        if menu is None:
            raise OutOfRangeError(
                f"Window {window.index} has no system menu: set one with setSystemMenu first",
                targetWindowIndex=window.index,
            )
        if index_main >= len(menu.actions):
            raise OutOfRangeError(
                f"The system menu of window {window.index} has {len(menu.actions)} menus; "
                f"indexMain {index_main} is not one of them",
                indexMain=index_main,
            )
        actions = menu.actions[index_main]
        if index_sub >= len(actions):
            raise OutOfRangeError(
                f"Menu {index_main} of window {window.index} has {len(actions)} entries; "
                f"indexSub {index_sub} is not one of them",
                indexSub=index_sub,
            )
        await self._on_gui(window, qt.set_enabled, actions[index_sub], enabled)
        return {"index": window.index, "indexMain": index_main, "indexSub": index_sub}

    async def set_context_menu(self, window: Window, text: str) -> dict[str, Any]:
        """Pop up a context menu of ``text``'s items at the cursor over ``window``."""
        self.require_gui()
        entries = parse_items(text, self._settings.max_menu_items)
        if not entries:
            raise InvalidArgumentError(
                "Menu text, line 1: a context menu needs at least one item ('Label: key')",
                code="ERR_MENU_SYNTAX",
                line=1,
            )
        select = self._selector("context", window.index)
        native = self._native(window)
        previous = self._context.pop(window.index, None)
        self._context[window.index] = await self._on_gui(
            window, qt.popup, native, entries, previous, select
        )
        return {"index": window.index, "items": count_entries(entries)}

    async def set_tray_menu(self, text: str) -> dict[str, Any]:
        """Show the tray icon with the menus of ``text`` (blank: remove the icon); answers the
        icon's file (``None``: the plain icon drawn here)."""
        self.require_gui()
        menus = parse_menus(text, self._settings.max_menu_items)
        icon = await self._tray_icon() if menus else None
        select = self._selector("tray", None)
        click = self._clicker()
        await self._host.windows.run_on_gui(self._tray.set, icon, menus, select, click)
        self._tray_items = sum(count_entries(menu.entries) for menu in menus)
        return {
            "menus": len(menus),
            "items": self._tray_items,
            "icon": None if icon is None else str(icon),
        }

    # -- DesktopPart ---------------------------------------------------------------------------

    def window_created(self, window: Window) -> None:
        # An index is reused once its window closed: what the old window had is gone.
        self._system.pop(window.index, None)
        self._context.pop(window.index, None)

    def page_closed(self, window: int) -> None:
        menu = self._context.pop(window, None)
        if menu is not None and not self._host.windows.is_headless:

            async def close() -> None:
                # NotFoundError: the GUI has ended, and the menu with it.
                with contextlib.suppress(NotFoundError):
                    await self._host.windows.run_on_gui(qt.close_menu, menu)

            self._spawn(close)
        try:
            is_open = self._host.windows.get(window).is_open
        except NotFoundError:
            is_open = False
        if not is_open:
            # The menu bar went with its window; a reloaded page keeps its window's.
            self._system.pop(window, None)

    async def stop(self) -> None:
        if self._tray_items and not self._host.windows.is_headless:
            self._tray_items = 0
            with contextlib.suppress(NotFoundError):
                await self._host.windows.run_on_gui(self._tray.remove)

    def diagnostics(self) -> dict[str, Any]:
        return {
            "systemMenus": {str(index): menu.items for index, menu in self._system.items()},
            "contextMenus": sorted(self._context),
            "trayItems": self._tray_items,
            "itemsSelected": self._selected,
            "trayClicks": self._tray_clicks,
        }

    # -- helpers -------------------------------------------------------------------------------

    def require_gui(self) -> None:
        require_qt(self._host, "Menus and the tray", "a page can draw its own menu in HTML")

    def _native(self, window: Window) -> Any:
        native = self._host.windows.native(window)
        if native is None:
            raise NotFoundError(
                f"Window {window.index} has no native window yet", targetWindowIndex=window.index
            )
        return native

    async def _on_gui(self, window: Window, function: Any, *args: Any) -> Any:
        try:
            return await self._host.windows.run_on_gui(function, *args)
        except RuntimeError as error:
            # PyQt's answer when the window's C++ object was deleted meanwhile.
            raise NotFoundError(
                f"Window {window.index} is gone", targetWindowIndex=window.index
            ) from error

    def _selector(self, kind: MenuType, window: int | None) -> qt.Select:
        """What the menu calls on the GUI thread when an item is chosen."""

        def select(item: Item, parent: str) -> None:
            detail = {
                "title": item.title,
                "parent": parent,
                "type": kind,
                "state": 1 if item.checked else 0,
            }
            self._host.windows.to_loop(self._emit_selected, detail, window)

        return select

    def _clicker(self) -> qt.Click:
        def click(x: int, y: int) -> None:
            self._host.windows.to_loop(self._emit_click, x, y)

        return click

    def _emit_selected(self, detail: dict[str, Any], window: int | None) -> None:
        self._selected += 1
        self._host.emit(MENU_ITEM_SELECTED, detail, window=window)

    def _emit_click(self, x: int, y: int) -> None:
        self._tray_clicks += 1
        self._host.emit(TRAY_CLICK, {"x": x, "y": y})

    async def _tray_icon(self) -> Path | None:
        """``desktop.tray_icon`` in the app's resources, else the app's icon (``build.icon``),
        else ``None`` (a plain icon is drawn)."""
        name = self._settings.tray_icon
        if name:
            resources = self._host.paths.resources.resolve()
            path = (resources / name).resolve()
            if not path.is_relative_to(resources) or not await anyio.Path(path).is_file():
                raise InvalidArgumentError(
                    f"desktop.tray_icon {name!r} is not a file in the app's resources "
                    f"({resources})",
                    code="ERR_TRAY_ICON",
                    path=name,
                )
            return path
        icon = str(self._host.config.get("build.icon") or "")
        if icon:
            path = (self._host.paths.app / icon).resolve()
            if await anyio.Path(path).is_file():
                return path
        return None
