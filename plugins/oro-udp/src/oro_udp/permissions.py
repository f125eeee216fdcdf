"""The permissions oro-udp declares (``[permissions] allow_<name>`` in an app), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["UDP"]

UDP: Final = PermissionSpec(
    "udp",
    "Send and receive UDP datagrams: unicast, broadcast, multicast (oro:dgram, node:dgram).",
)
