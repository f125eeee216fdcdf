"""oro-dns's permission (``allow_dns``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["DNS"]

DNS: Final = PermissionSpec(
    "dns",
    "Resolve host names and query DNS records (oro:dns, node:dns).",
)
