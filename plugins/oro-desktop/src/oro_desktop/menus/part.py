"""The menus part of oro-desktop: each window's system menu (a menu bar), the context menu a
page pops up, and the app's tray icon with its menu.

The menu text is parsed on the loop (:mod:`oro_desktop.menus.text`); the widgets are made on
the GUI thread by the toolkit's engine module (:mod:`oro_desktop.menus.qt`,
:mod:`oro_desktop.menus.gtk`). The tray is Qt's ``QSystemTrayIcon`` under Qt and a
StatusNotifierItem over D-Bus under GTK (:mod:`oro_desktop.menus.sni`). A chosen item is the DOM
event
``menuItemSelected`` ``{title, parent, type, state}`` for the pages of the window whose menu it
is (the tray's: every page); a click on the tray icon is ``trayclick`` ``{x, y}``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, final

import anyio
import anyio.lowlevel

from oro_desktop.menus import MENU_ITEM_SELECTED, TRAY_CLICK
from oro_desktop.menus.common import Click, Select, Tray
from oro_desktop.menus.text import Entry, Item, Menu, count_entries, parse_items, parse_menus
from oro_desktop.part import Spawn, gui_toolkit, require_gui, say_headless
from oro_desktop.settings import DesktopSettings
from oro_framework import (
    BuildSettings,
    GuiHeld,
    Host,
    InvalidArgumentError,
    MetaSettings,
    NotFoundError,
    OutOfRangeError,
    Window,
)
from oro_framework.records import record

__all__ = ["MENU_ITEM_SELECTED", "TRAY_CLICK", "Menus"]

logger = logging.getLogger("oro_desktop.menus")

MenuType = Literal["system", "context", "tray"]
T = TypeVar("T")


@record(frozen=False)
class _SystemMenu:
    items: int
    shape: list[int]
    """How many entries each menu has."""
    actions: GuiHeld[list[list[Any]]] | None
    """The toolkit's object of each menu's entries (a ``QAction``, a ``GtkMenuItem``);
    ``None`` headless, where the menu is kept but not shown."""


class MenuEngine(Protocol):
    """What an engine module (``qt``, ``gtk``) offers; run on the GUI thread."""

    def set_menu_bar(
        self, native: Any, menus: tuple[Menu, ...], select: Select
    ) -> list[list[Any]]: ...

    def set_enabled(self, action: Any, enabled: bool) -> None: ...

    def popup(
        self, native: Any, entries: tuple[Entry, ...], previous: Any, select: Select
    ) -> Any: ...

    def close_menu(self, menu: Any) -> None: ...


@contextlib.contextmanager
def _gone_as_not_found(window: Window) -> Iterator[None]:
    try:
        yield
    except RuntimeError as error:
        # PyQt's answer when the window's C++ object was deleted meanwhile.
        raise NotFoundError(
            f"Window {window.index} is gone", targetWindowIndex=window.index
        ) from error


def _engine(toolkit: str) -> MenuEngine:
    """The engine module of ``toolkit``, imported now: a headless host never loads one."""
    if toolkit == "gtk":
        from oro_desktop.menus import gtk

        return gtk
    from oro_desktop.menus import qt

    return qt


@final
class Menus:
    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self._system: dict[int, _SystemMenu] = {}
        self._context: dict[int, GuiHeld[Any]] = {}
        self._tray: Tray | None = None
        self._tray_items = 0
        self._selected = 0
        self._tray_clicks = 0

    # -- routes ------------------------------------------------------------------------------

    async def set_system_menu(self, window: Window, text: str) -> dict[str, Any]:
        """Replace ``window``'s menu bar with the menus of ``text`` (blank: no menu bar).
        Headless the menus are checked and kept (``setSystemMenuItemEnabled`` finds them) but
        not shown, and the host says so once: a page that awaits its menu before drawing goes
        on, as on Socket's hidden headless window."""
        shown = self._host.windows.toolkit is not None
        menus = parse_menus(text, self._settings.max_menu_items)
        actions = None
        if shown:
            engine = _engine(self.require_gui())
            select = self._selector("system", window.index)
            actions = await self._on_window(window, engine.set_menu_bar, menus, select)
        elif menus:
            say_headless(self._host, "System menus", "no native window: kept, not shown")
        items = sum(count_entries(menu.entries) for menu in menus)
        if menus:
            shape = [count_entries(menu.entries) for menu in menus]
            self._system[window.index] = _SystemMenu(items, shape, actions)
        else:
            self._system.pop(window.index, None)
        return {"index": window.index, "menus": len(menus), "items": items, "shown": shown}

    async def set_item_enabled(
        self, window: Window, enabled: bool, index_main: int, index_sub: int
    ) -> dict[str, Any]:
        """Enable or disable entry ``index_sub`` (separators count) of menu ``index_main``;
        before the window has a system menu there is nothing to change (``applied: false``)."""
        menu = self._system.get(window.index)
        answer = {
            "index": window.index,
            "indexMain": index_main,
            "indexSub": index_sub,
            "applied": menu is not None,
        }
        if menu is None:
            # Socket answers success with no menu bar: a no-op on Linux
            # (src/runtime/window/linux.cc:1737), a return on macOS (apple.mm:887-890). A
            # ported app calling it before its setSystemMenu (Socket's own test suite does,
            # test/src/application.js:430) goes on; the answer says nothing changed.
            return answer
        if index_main >= len(menu.shape):
            raise OutOfRangeError(
                f"The system menu of window {window.index} has {len(menu.shape)} menus; "
                f"indexMain {index_main} is not one of them",
                indexMain=index_main,
            )
        entries = menu.shape[index_main]
        if index_sub >= entries:
            raise OutOfRangeError(
                f"Menu {index_main} of window {window.index} has {entries} entries; "
                f"indexSub {index_sub} is not one of them",
                indexSub=index_sub,
            )
        actions = menu.actions
        if actions is not None:
            engine = _engine(self.require_gui())
            await self._on_gui(
                window, lambda: engine.set_enabled(actions.get()[index_main][index_sub], enabled)
            )
        return answer

    async def set_context_menu(self, window: Window, text: str) -> dict[str, Any]:
        """Pop up a context menu of ``text``'s items at the cursor over ``window``."""
        engine = _engine(self.require_gui())
        entries = parse_items(text, self._settings.max_menu_items)
        if not entries:
            raise InvalidArgumentError(
                "Menu text, line 1: a context menu needs at least one item ('Label: key')",
                code="ERR_MENU_SYNTAX",
                line=1,
            )
        select = self._selector("context", window.index)
        previous = self._context.pop(window.index, None)

        def popup(native: Any) -> Any:
            return engine.popup(native, entries, previous and previous.get(), select)

        self._context[window.index] = await self._on_window(window, popup)
        return {"index": window.index, "items": count_entries(entries)}

    async def set_tray_menu(self, text: str) -> dict[str, Any]:
        """Show the tray icon with the menus of ``text`` (blank: remove the icon); answers the
        icon's file (``None``: the plain icon drawn here)."""
        toolkit = self.require_gui()
        menus = parse_menus(text, self._settings.max_menu_items)
        icon = await self._tray_icon() if menus else None
        tray = self._tray_of(toolkit)

        def select(item: Item, parent: str) -> None:
            self._emit_selected(_detail("tray", item, parent), None)

        await tray.set(icon, menus, select, self._emit_click)
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
        toolkit = gui_toolkit(self._host)
        if menu is not None and toolkit is not None:
            engine = _engine(toolkit)

            async def close() -> None:
                # NotFoundError: the GUI has ended, and the menu with it.
                with contextlib.suppress(NotFoundError):
                    await self._host.windows.run_on_gui(lambda: engine.close_menu(menu.get()))

            self._spawn(close)
        try:
            is_open = self._host.windows.get(window).is_open
        except NotFoundError:
            is_open = False
        if not is_open:
            # The menu bar went with its window; a reloaded page keeps its window's.
            self._system.pop(window, None)

    async def stop(self) -> None:
        if self._tray_items and self._tray is not None:
            self._tray_items = 0
            with contextlib.suppress(NotFoundError):
                await self._tray.remove()

    def diagnostics(self) -> dict[str, Any]:
        return {
            "systemMenus": {str(index): menu.items for index, menu in self._system.items()},
            "contextMenus": sorted(self._context),
            "trayItems": self._tray_items,
            "itemsSelected": self._selected,
            "trayClicks": self._tray_clicks,
        }

    # -- helpers -------------------------------------------------------------------------------

    def require_gui(self) -> str:
        """The app's toolkit; :raises NotSupportedError: headless or another toolkit."""
        return require_gui(self._host, "Menus and the tray", "a page can draw its own menu in HTML")

    def _tray_of(self, toolkit: str) -> Tray:
        """The tray of the app's toolkit, made once: Qt's own under Qt, a StatusNotifierItem
        on the session bus under GTK."""
        if self._tray is None:
            if toolkit == "gtk":
                from oro_desktop.menus.sni import StatusNotifierTray

                address = self._host.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
                app_id = self._host.settings(MetaSettings).bundle_identifier or "oro-app"
                self._tray = StatusNotifierTray(address, app_id, self._spawn)
            else:
                self._tray = _GuiTray(self._host, _qt_tray())
        return self._tray

    async def _on_window(
        self, window: Window, function: Callable[..., T], *args: Any
    ) -> GuiHeld[T]:
        """``function(native, *args)`` on the GUI thread; what it made comes back held."""
        with _gone_as_not_found(window):
            return await self._host.windows.make_on_window(window, function, *args)

    async def _on_gui(self, window: Window, function: Any, *args: Any) -> Any:
        with _gone_as_not_found(window):
            return await self._host.windows.run_on_gui(function, *args)

    def _selector(self, kind: MenuType, window: int | None) -> Select:
        """What the menu calls on the GUI thread when an item is chosen."""

        def select(item: Item, parent: str) -> None:
            detail = _detail(kind, item, parent)
            self._host.windows.to_loop(self._emit_selected, detail, window)

        return select

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
        icon = self._host.settings(BuildSettings).icon
        if icon:
            path = (self._host.paths.app / icon).resolve()
            if await anyio.Path(path).is_file():
                return path
        return None


def _detail(kind: MenuType, item: Item, parent: str) -> dict[str, Any]:
    """The ``menuItemSelected`` event's detail."""
    return {"title": item.title, "parent": parent, "type": kind, "state": 1 if item.checked else 0}


class GuiThreadTray(Protocol):
    """A toolkit's tray (Qt's), driven on the GUI thread; its callbacks come on that thread."""

    def set(
        self, icon_path: Path | None, menus: tuple[Menu, ...], select: Select, click: Click
    ) -> None: ...

    def remove(self) -> None: ...


def _qt_tray() -> GuiThreadTray:
    from oro_desktop.menus import qt

    return qt.Tray()


@final
class _GuiTray:
    """A :class:`Tray` over a tray that lives on the GUI thread: calls go there, choices and
    clicks come back to the loop."""

    def __init__(self, host: Host, tray: GuiThreadTray) -> None:
        self._host = host
        self._tray = tray

    async def set(
        self, icon_path: Path | None, menus: tuple[Menu, ...], select: Select, click: Click
    ) -> None:
        windows = self._host.windows

        def selected(item: Item, parent: str) -> None:
            windows.to_loop(select, item, parent)

        def clicked(x: int, y: int) -> None:
            windows.to_loop(click, x, y)

        await windows.run_on_gui(self._tray.set, icon_path, menus, selected, clicked)

    async def remove(self) -> None:
        await self._host.windows.run_on_gui(self._tray.remove)
