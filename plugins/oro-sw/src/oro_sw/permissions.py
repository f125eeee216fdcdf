"""The permissions oro-sw declares (``[permissions] allow_<name>`` in an app), written once:
``plugin.py`` declares them without importing the routes they guard, which name them with
``RouteGroup.guarded``."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["SERVICE_WORKER"]

SERVICE_WORKER: Final = PermissionSpec(
    "service_worker",
    "Register Service Workers and keep their storage (oro:service-worker).",
)
