"""oro-sw's permission (``allow_service_worker``), declared without importing the routes
it guards (docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SERVICE_WORKER"]

SERVICE_WORKER: Final = PermissionSpec(
    "service_worker",
    "Register Service Workers and keep their storage (oro:service-worker).",
)
