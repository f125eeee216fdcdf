"""The menu routes without a native window (in memory, as ``oro run --headless``): a system
menu is checked and kept but not shown, as on Socket's hidden headless window, so a page that
awaits it goes on; a context menu and the tray answer NotSupportedError ERR_HEADLESS at once;
the host says each once on standard error; the permission turns them off."""

from __future__ import annotations

import logging
from typing import Any

import oro_desktop.plugin
import pytest
from oro_desktop.state import STATE

from oro_framework import WindowOptions
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

NOT_SHOWN: list[tuple[str, dict[str, Any]]] = [
    ("window.setContextMenu", {"value": "Copy: c"}),
    ("application.setTrayMenu", {"value": "App:\n  Quit: q;"}),
]


async def test_headless_a_system_menu_is_kept_not_shown_and_the_others_are_not_supported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        assert host.windows.toolkit is None
        await host.windows.create(WindowOptions(index=0))
        client = MemoryClient(host)
        # Before any menu, as on Socket: an answer that nothing changed, no error.
        early = await client.call(
            "application.setSystemMenuItemEnabled", enabled=False, indexMain=0, indexSub=0
        )
        assert early.error is None, early
        assert early.data == {"index": 0, "indexMain": 0, "indexSub": 0, "applied": False}
        with caplog.at_level(logging.WARNING, logger="oro_desktop"):
            for _ in range(2):
                reply = await client.call(
                    "application.setSystemMenu", value="File:\n  Open: o + Control\n  Quit: q;"
                )
                assert reply.error is None, reply
                assert reply.data == {"index": 0, "menus": 1, "items": 2, "shown": False}
            for route, params in NOT_SHOWN:
                reply = await client.call(route, **params)
                assert reply.error is not None, route
                error = reply.error.to_dict()
                assert (error["type"], error["code"]) == ("NotSupportedError", "ERR_HEADLESS")
                assert "headless" in error["message"]
        said = [record.getMessage() for record in caplog.records]
        assert len(said) == 2, said
        assert said[0].startswith("System menus cannot show: this app runs headless"), said
        assert said[1].startswith("Menus and the tray cannot show"), said

        # The kept menu answers as a shown one does, its mistakes typed as ever.
        enabled = await client.call(
            "application.setSystemMenuItemEnabled", enabled=False, indexMain=0, indexSub=1
        )
        assert enabled.error is None, enabled
        assert enabled.data["applied"] is True
        beyond = await client.call(
            "application.setSystemMenuItemEnabled", enabled=False, indexMain=0, indexSub=2
        )
        assert beyond.error is not None
        assert beyond.error.to_dict()["type"] == "RangeError"
        bad = await client.call("application.setSystemMenu", value="not a menu")
        assert bad.error is not None
        assert bad.error.to_dict()["code"] == "ERR_MENU_SYNTAX"
        diagnostics = host.stash[STATE].menus.diagnostics()
        assert diagnostics["systemMenus"] == {"0": 2}
        assert diagnostics["trayItems"] == 0


async def test_the_menus_permission_turns_the_routes_off() -> None:
    async with make_host([oro_desktop.plugin], config={"permissions.allow_menus": False}) as host:
        reply = await MemoryClient(host).call("application.setTrayMenu", value="A:\n b: _;")
        assert reply.error is not None
        assert reply.error.to_dict()["type"] == "NotAllowedError"
