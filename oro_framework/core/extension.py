"""The ``extension.*`` routes of ``oro:extension``: the Oro Runtime's native extensions, which are
plugins here (``host.extensions``, :mod:`oro_framework.host.extensions`).

A page loads one of the app's extensions (an installed plugin ``[extensions] allow`` lists, which
did not start with the app) and its routes are served at once; it unloads it and they are gone.
Behind permission ``extension``, off unless the app turns it on: loading code into the running
app is the app's decision, not a page's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from oro_framework import PLUGIN_API_VERSION, IPCError, Plugin, RouteGroup

if TYPE_CHECKING:
    from oro_framework import Request

__all__ = ["PERMISSION", "ROUTES"]

PERMISSION: Final = "extension"
TYPE: Final = "shared"
"""Oro's type of an extension reached over IPC (its other one, ``wasm32``, runs in the page)."""


def _policies(request: Request) -> list[str] | None:
    # Oro's JS joins the `allow` array with commas; a missing parameter allows everything.
    text = request.params.get_str("allow")
    return None if text is None else text.split(",")


async def load(request: Request) -> dict[str, Any]:
    """Load an extension of the app for this window: `{abi, name, version, description}`."""
    name = request.params.require_str("name")
    window = request.require_window()
    extension = await request.host.extensions.load(name, window=window, allow=_policies(request))
    return extension.to_json()


async def unload(request: Request) -> dict[str, Any]:
    """Unload an extension this window loaded; its routes go once no window holds it."""
    name = request.params.require_str("name")
    await request.host.extensions.unload(name, window=request.require_window())
    return {}


async def stats(request: Request) -> dict[str, Any]:
    """`{abi, loaded}` (the number of loaded extensions), or one extension's `{abi, name, type}`."""
    name = request.params.get_str("name") or ""
    extensions = request.host.extensions
    if not name:
        return extensions.stats()
    try:
        described = extensions.describe(name)
    except IPCError:
        # Oro's stats of a name it does not know: its type says so, without an error.
        return {"abi": PLUGIN_API_VERSION, "name": name, "type": "unknown", "loaded": False}
    return {
        "abi": PLUGIN_API_VERSION,
        "name": described.name,
        "type": TYPE,
        "loaded": described.loaded,
    }


async def type_of(request: Request) -> dict[str, str]:
    """`{name, type}`: `shared` for one of the app's extensions, else `unknown`."""
    name = request.params.require_str("name")
    try:
        request.host.extensions.describe(name)
    except IPCError:
        return {"name": name, "type": "unknown"}
    return {"name": name, "type": TYPE}


ROUTES: Final = RouteGroup(
    permission=PERMISSION,
    doc="Load and unload the app's extensions ([extensions] allow) from a page (oro:extension).",
    handlers={
        "extension.load": load,
        "extension.unload": unload,
        "extension.stats": stats,
        "extension.type": type_of,
    },
    default=False,
)


plugin = Plugin(
    permissions=".extension:ROUTES",
    routes=".extension:ROUTES",
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    js_modules="oro_framework.host.builtin:find_js_api",
)
