"""The menu routes without a window (in memory): each answers NotSupportedError ERR_HEADLESS at
once, never hangs, and the app keeps serving; the permission turns them off."""

from __future__ import annotations

from typing import Any

import oro_desktop.plugin
import pytest
from oro_desktop.state import STATE

from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("application.setSystemMenu", {"value": "File:\n  Open: o + Control;"}),
    ("application.setSystemMenu", {"value": "not a menu"}),
    ("application.setSystemMenuItemEnabled", {"enabled": False, "indexMain": 0, "indexSub": 0}),
    ("window.setContextMenu", {"value": "Copy: c"}),
    ("application.setTrayMenu", {"value": "App:\n  Quit: q;"}),
]


async def test_headless_every_menu_route_is_not_supported_at_once() -> None:
    async with make_host([oro_desktop.plugin]) as host:
        assert host.windows.toolkit is None
        client = MemoryClient(host)
        for route, params in CALLS:
            reply = await client.call(route, **params)
            assert reply.error is not None, route
            error = reply.error.to_dict()
            assert (error["type"], error["code"]) == ("NotSupportedError", "ERR_HEADLESS"), route
            assert "headless" in error["message"]
        diagnostics = host.stash[STATE].menus.diagnostics()
        assert diagnostics["systemMenus"] == {}
        assert diagnostics["trayItems"] == 0


async def test_the_menus_permission_turns_the_routes_off() -> None:
    async with make_host([oro_desktop.plugin], config={"permissions.allow_menus": False}) as host:
        reply = await MemoryClient(host).call("application.setTrayMenu", value="A:\n b: _;")
        assert reply.error is not None
        assert reply.error.to_dict()["type"] == "NotAllowedError"
