"""The oro-sw plugin: its parts declared (each imported when a host first needs it,
:class:`oro_framework.Plugin`), the script every page runs and the page arguments as hooks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from oro_framework import Plugin, hookimpl

if TYPE_CHECKING:
    from oro_framework import Host, JSModuleTable, MountTable

JS_DIRECTORY: Final = Path(__file__).parent / "js"

plugin = Plugin(
    api=1,
    permissions=".permissions:SERVICE_WORKER",
    # Oro spells the keys flattened (webview_service-workers...); both reach the same key.
    settings={"webview": ".settings:SwSettings"},
    # Every change was written when it was made: nothing is open when the state is dropped.
    state={".state:STATE": ".state:SwState.from_host"},
    routes=".routes:ROUTES",
    # worker.js is imported by URL (/oro/service-worker/worker.js) from module workers, where
    # import maps do not apply; it imports its own siblings by URL too.
    js_modules="js",
    hooks={"oro_diagnostics": ".state:STATE.diagnostics"},
    # A page fetches for a caller outside it when asked (page_fetch.py).
    events=[".page_fetch:PAGE_FETCH_EVENT"],
)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Not a module pages import (it has no declarations): a script every page runs.
    modules.add("oro:service-worker/preload", JS_DIRECTORY / "preload.js", preload=True)


@hookimpl
def oro_register_mounts(mounts: MountTable, host: Host) -> None:
    from oro_sw.first_page import FIRST_PAGE, MOUNT, FirstPage
    from oro_sw.permissions import SERVICE_WORKER
    from oro_sw.state import STATE

    state = host.stash[STATE]
    if not (state.workers and state.settings.auto_register):
        return  # nothing to wait for: the window opens the app's page directly
    if not host.is_permission_allowed(SERVICE_WORKER.name):
        return
    doc = "the page a native main window opens first: the configured workers, then the app"
    mounts.mount(MOUNT, FirstPage(host, state.workers), doc=doc, permission=SERVICE_WORKER.name)
    host.windows.open_first(FIRST_PAGE)


@hookimpl
def oro_page_args(host: Host, window: int, origin: str) -> dict[str, Any] | None:
    from oro_sw.routes import ROUTES
    from oro_sw.state import STATE

    if not host.is_permission_allowed(ROUTES.permission):
        return None
    state = host.stash[STATE]
    return {
        "serviceWorker": {
            "scripts": state.settings.scripts,
            "workers": [worker.to_json() for worker in state.workers],
            "autoRegister": state.settings.auto_register,
        }
    }
