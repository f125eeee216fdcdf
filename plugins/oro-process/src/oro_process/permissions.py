"""oro-process's permissions, declared without importing the routes they guard
(docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["BACKEND_PROCESS", "CHILD_PROCESS"]

BACKEND_PROCESS: Final = PermissionSpec(
    "backend_process",
    "Start, stop and write to the app's backend process ([process.backend] cmd, Oro's "
    "[linux] cmd; application.backend, oro:backend).",
)
CHILD_PROCESS: Final = PermissionSpec(
    "child_process",
    "Run the programs [process] allows as child processes (oro:child_process, node:child_process).",
)
