"""oro-tls's permissions (``allow_tcp``, ``allow_tls``), declared without importing the routes
they guard (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["TCP", "TLS"]

TCP: Final = PermissionSpec(
    "tcp",
    "Open TCP connections and listen for them (oro:net, node:net).",
)
TLS: Final = PermissionSpec(
    "tls",
    "Open TLS connections and serve TLS, with certificate pins (oro:tls, node:tls).",
)
