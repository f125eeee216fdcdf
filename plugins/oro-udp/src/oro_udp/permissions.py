"""oro-udp's permission (``allow_udp``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["UDP"]

UDP: Final = PermissionSpec(
    "udp",
    "Send and receive UDP datagrams: unicast, broadcast, multicast (oro:dgram, node:dgram).",
)
