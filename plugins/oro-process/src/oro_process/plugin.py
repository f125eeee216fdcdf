"""The oro-process plugin (``child_process`` and the app's backend process): its parts declared
(each imported when a host first needs it, :class:`oro_framework.Plugin`), its diagnostics as a
hook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oro_framework import Plugin, PluginService, hookimpl

if TYPE_CHECKING:
    from oro_framework import Host

plugin = Plugin(
    api=1,
    permissions=[".permissions:CHILD_PROCESS", ".permissions:BACKEND_PROCESS"],
    settings={
        "process": ".settings:ProcessSettings",
        "process.backend": ".settings:BackendSettings",
    },
    # The backend runs among the children: made after them. The service ends every child (the
    # backend too) when it stops, before the state is dropped.
    state={
        ".state:STATE": ".state:ChildProcesses.from_host",
        ".backend:BACKEND": ".backend:BackendProcess.from_host",
    },
    routes=[".routes:ROUTES", ".backend_routes:BACKEND_ROUTES"],
    js_modules="js",
    events=".backend:EVENTS",
    services=PluginService(
        ".state:SERVICE_NAME",
        ".state:STATE.run",
        doc="Watches the pages' child processes and the backend process; ends every child's "
        "process group when the app stops.",
    ),
    hooks={"oro_page_closed": ".state:STATE.close_window"},
)


@hookimpl
def oro_diagnostics(host: Host) -> dict[str, Any]:
    from oro_process.backend import BACKEND
    from oro_process.state import STATE

    return {**host.stash[STATE].diagnostics(), "backend": host.stash[BACKEND].diagnostics()}
