"""The backend process's routes (:mod:`.backend`): ``application.backend.open``, ``close`` and
``status``, and ``process.write`` (Oro's names), guarded by their own permission,
``backend_process``: an app that turns pages' child processes off may still have a backend."""

from __future__ import annotations

import errno as errno_module
import json
from typing import Any, Final

from oro_framework import ErrnoError, InvalidArgumentError, Request, RouteGroup
from oro_process.backend import BACKEND, BackendProcess, oro_message
from oro_process.permissions import BACKEND_PROCESS

__all__ = ["BACKEND_ROUTES"]

_LONG: Final = 30 * 24 * 3600.0
"""Seconds ``process.write`` may wait for a backend that does not read its stdin."""
_STOPPING: Final = 60.0
"""Seconds ``open`` and ``close`` may take: ending the old process takes up to twice
``kill_grace_ms`` plus the wait for SIGKILL."""

Reply = dict[str, Any]


def _backend(request: Request) -> BackendProcess:
    return request.host.stash[BACKEND]


async def open_(request: Request) -> Reply:
    """Start the app's backend process (`[process.backend] cmd`, Oro's `[linux] cmd`) unless it
    runs; `force` restarts it. `{cmd, argv, path, pid, running, started}`."""
    return await _backend(request).open(force=request.params.get_bool("force"))


async def close(request: Request) -> Reply:
    """Stop the backend process (its process group) and wait until it is gone; `{closed,
    pid}`."""
    return await _backend(request).close()


async def status(request: Request) -> Reply:
    """Whether the app declares a backend and whether it runs: `{declared, running, pid, cmd,
    path}`."""
    return _backend(request).status()


def _data(request: Request) -> bytes:
    """The body as it is, or Oro's ``window.send({event, value, backend: true})`` as the line
    Oro writes for it: ``value`` is what the backend's handler gets, so it goes on the line as
    JSON, which ``@socketsupply/socket-node`` parses (a string too: ``"hello"``)."""
    if request.body:
        return request.body
    params = request.params
    event = params.get_str("event")
    if event is None:
        raise InvalidArgumentError(
            "process.write needs a body (the bytes for the backend's stdin) or an event",
            code="ERR_MISSING_ARGS",
            parameter="body",
        )
    value = params.get("value")
    if value is not None:
        value = json.dumps(value, separators=(",", ":"))
    index = params.get("index")
    window = request.window if index is None else params.get_int("index", -1)
    return oro_message(window, event, value).encode("utf-8")


async def write(request: Request) -> Reply:
    """Write the body to the backend process's stdin (as it is: add the newline a line-reading
    backend waits for), or Oro's `{event, value}` as its `ipc://process.write?...` line;
    `{bytes}` once the pipe took them."""
    data = _data(request)
    try:
        written = await _backend(request).write(data)
    except BrokenPipeError:
        raise ErrnoError.for_socket(errno_module.EPIPE, "write") from None
    return {"bytes": written}


BACKEND_ROUTES: Final = RouteGroup.guarded(
    BACKEND_PROCESS,
    handlers={
        "application.backend.open": open_,
        "application.backend.close": close,
        "application.backend.status": status,
        "process.write": write,
    },
    timeouts={
        "application.backend.open": _STOPPING,
        "application.backend.close": _STOPPING,
        "process.write": _LONG,
    },
)
"""Guarded by ``backend_process`` (``[permissions] allow_backend_process``)."""
