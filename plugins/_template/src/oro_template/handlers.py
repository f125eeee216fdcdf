"""Route handlers of oro-template; :mod:`oro_template.plugin` registers them."""

from __future__ import annotations

from typing import Any

from oro_framework import Request


async def echo(request: Request) -> dict[str, Any]:
    """Answer `value` back, with the configured greeting."""
    value = request.params.require("value")
    return {"value": value, "greeting": request.host.config["template.greeting"]}
