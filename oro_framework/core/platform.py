"""The ``platform.primordials`` and ``mime.lookup`` routes: what the runtime is and runs on."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

from oro_framework import Request, RouteTable, __version__, hookimpl
from oro_framework.core import _mime, _system


async def primordials(request: Request) -> dict[str, Any]:
    """Runtime facts: architecture, platform, Python, oro-framework and plugin versions, cwd."""
    return {
        "arch": _system.architecture(),
        "platform": sys.platform,
        "python": {
            "version": platform.python_version(),
            "implementation": sys.implementation.name,
        },
        "version": {"full": __version__, "short": _system.release_version(__version__)},
        "plugins": {plugin.name: plugin.version for plugin in request.host.plugins},
        "host-operating-system": platform.system(),
        "cwd": os.getcwd(),
    }


async def mime_lookup(request: Request) -> dict[str, str]:
    """MIME type of a path or URL (`value`), application/octet-stream when unknown."""
    value = request.params.require_str("value")
    return {"url": value, "type": _mime.guess_media_type(value)}


@hookimpl
def oro_configure() -> None:
    _mime.load_system_types()


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("platform.primordials", primordials, permission="runtime")
    routes.add("mime.lookup", mime_lookup, permission="runtime")
