"""The app's own Python: ``backend.py`` beside ``oro.toml``, whose commands pages call.

::

    from oro_framework.backend import command, emit

    @command
    async def resize(path: str, width: int = 800) -> dict[str, int]:
        ...
        emit("resized", {"path": path})
        return {"width": width}

and in the page ``import backend from 'oro:backend'; await backend.resize({ path, width })``.
See docs/backend.md.
"""

from __future__ import annotations

from oro_framework.backend.commands import CommandSpec, command, commands_of
from oro_framework.backend.events import BackendEvent, emit, event, events_of
from oro_framework.host.app_backend import BACKEND_PLUGIN
from oro_framework.host.errors import (
    BackendError,
    BackendImportError,
    InvalidArgumentError,
    InvalidStateError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
)
from oro_framework.host.request import Request

__all__ = [
    "BACKEND_PLUGIN",
    "BackendError",
    "BackendEvent",
    "BackendImportError",
    "CommandSpec",
    "InvalidArgumentError",
    "InvalidStateError",
    "NotAllowedError",
    "NotFoundError",
    "OutOfRangeError",
    "Request",
    "command",
    "commands_of",
    "emit",
    "event",
    "events_of",
]
