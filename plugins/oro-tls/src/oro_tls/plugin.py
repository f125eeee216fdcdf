"""The oro-tls plugin: hook implementations only."""

from __future__ import annotations

from oro_framework import PermissionRegistry, hookimpl


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add("tcp", "Open TCP connections and listen for them (oro:net, node:net).")
    permissions.add("tls", "Open TLS connections and serve TLS (oro:tls, node:tls).")
