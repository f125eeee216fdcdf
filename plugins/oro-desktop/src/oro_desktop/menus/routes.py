"""The menus routes of oro-desktop, with the Oro Runtime's names and parameters (the host's
``oro:application`` and ``oro:window`` call them). Menu text is ``value``, or the UTF-8 request
body when ``value`` is absent (a long menu does not fit in a URL). Every route answers once the
menu is in place; a context menu is popped up, not waited on: the choice arrives as the event
``menuItemSelected``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from oro_desktop.permissions import MENUS
from oro_desktop.state import STATE
from oro_framework import InvalidArgumentError, NotFoundError, Request, RouteGroup, Window

if TYPE_CHECKING:
    # The part imports with the first menus call (oro_desktop/state.py).
    from oro_desktop.menus.part import Menus

__all__ = ["ROUTES"]


async def set_system_menu(request: Request) -> dict[str, Any]:
    """Replace window `index`'s (default: the caller's) menu bar with the menus of `value`.
    Headless the menu is checked and kept, not shown (`shown: false`), as on Socket's hidden
    headless window."""
    menus = _menus(request)
    return await menus.set_system_menu(_window(request), _text(request))


async def set_system_menu_item_enabled(request: Request) -> dict[str, Any]:
    """Enable or disable entry `indexSub` of menu `indexMain` of window `index`'s system menu;
    before it has one, nothing changes (`applied: false`), as on Socket."""
    menus = _menus(request)
    params = request.params
    return await menus.set_item_enabled(
        _window(request),
        params.require_bool("enabled"),
        params.require_int("indexMain", minimum=0),
        params.require_int("indexSub", minimum=0),
    )


async def set_context_menu(request: Request) -> dict[str, Any]:
    """Pop up a context menu of `value`'s items at the cursor over window `targetWindowIndex`."""
    menus = _menus(request)
    menus.require_gui()
    window = request.host.windows.open_window(request)
    return await menus.set_context_menu(window, _text(request))


async def set_tray_menu(request: Request) -> dict[str, Any]:
    """Show the tray icon with the menus of `value` (blank text removes it)."""
    menus = _menus(request)
    menus.require_gui()
    return await menus.set_tray_menu(_text(request))


def _menus(request: Request) -> Menus:
    return request.host.stash[STATE].menus


def _window(request: Request) -> Window:
    """Oro's ``index``: the window whose system menu it is (default: the caller's, else 0)."""
    default = request.window if request.window is not None else 0
    window = request.host.windows.get(request.params.get_int("index", default, minimum=0))
    if not window.is_open:
        raise NotFoundError(
            f"Window {window.index} is {window.status.value}",
            targetWindowIndex=window.index,
            status=window.status.value,
        )
    return window


def _text(request: Request) -> str:
    if "value" in request.params:
        return request.params.require_str("value")
    if not request.body:
        raise InvalidArgumentError.missing("value")
    try:
        return request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgumentError("Menu text must be UTF-8", parameter="value") from None


ROUTES: Final = RouteGroup.guarded(
    MENUS,
    handlers={
        "application.setSystemMenu": set_system_menu,
        "application.setSystemMenuItemEnabled": set_system_menu_item_enabled,
        "application.setTrayMenu": set_tray_menu,
        "window.setContextMenu": set_context_menu,
    },
)
