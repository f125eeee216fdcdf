"""Issue 50, `diagnostics.query`: on by default, it answered any request with the session (no
window needed) with every plugin's host-wide report, other windows' resources and host paths
among them. Now a page must prove its window, and sees the reports of plugins that scope them to
that window, and service errors without host paths. Over the real bridge and sockets."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import oro_framework.core.diagnostics
from oro_framework import ServiceState, hookimpl
from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

SECRET_PATH = "/home/someone/.local/share/app/window-1-notes.db"


class HostWide:
    """A plugin reporting what it holds for every window, with paths (as oro-sqlite's does)."""

    name = "host-wide"

    @hookimpl
    def oro_diagnostics(self, host: Any) -> dict[str, Any]:
        return {"handles": {"count": 1, "ids": ["db1"]}, "paths": [SECRET_PATH]}

    @hookimpl
    def oro_register_services(self, services: Any) -> None:
        async def run(*, task_status: Any) -> None:
            raise RuntimeError(f"cannot open {SECRET_PATH}: disk full")

        services.add("opener", run, doc="Fails to open its database.")


async def test_a_page_needs_its_window_and_sees_no_other_windows_resources_or_host_paths() -> None:
    config = {"services.restart_limit": 0}
    async with (
        make_host([oro_framework.core.diagnostics, HostWide()], config=config) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        with anyio.fail_after(10):
            while host.service_status("opener").state is not ServiceState.FAILED:
                await anyio.wait_all_tasks_blocked()
        windowless = (await client.get("/ipc/diagnostics.query")).json()
        page = (
            await client.get(
                "/ipc/diagnostics.query", headers={"X-Oro-Window": server.window_credential(0)}
            )
        ).json()

    assert windowless["err"]["code"] == "ERR_NO_WINDOW"
    assert windowless["err"]["type"] == "SecurityError"
    assert page["data"]["plugins"] == {}
    error = page["data"]["services"]["states"]["opener"]["error"]
    assert error == {"type": "RuntimeError", "message": "cannot open <path> disk full"}
    assert SECRET_PATH not in str(page)
