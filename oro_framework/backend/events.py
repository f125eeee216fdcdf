"""``emit``: the backend sends an event to the app's pages, which receive it with
``backend.on(name, listener)`` (the window event ``backend:<name>``).

``event(name, type)`` declares one, so that ``oro types`` gives listeners its data's type.
Commands emit on behalf of the host that runs them, from the loop or from their worker thread;
code outside a command (a service of the backend's hooks) emits on the host that loaded the
backend last.
"""

from __future__ import annotations

import functools
import re
import weakref
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, final

import anyio.from_thread

from oro_framework.backend.convert import jsonable
from oro_framework.host.app_backend import EVENT_PREFIX
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = ["EVENT_PREFIX", "BackendEvent", "current_host", "emit", "event", "events_of"]

DataT = TypeVar("DataT")

_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.]*$")

current_host: ContextVar[Host | None] = ContextVar("oro_backend_host", default=None)
"""The host running the current command (set around each call, copied into worker threads)."""
_loading_host: weakref.ref[Host] | None = None


def use_host(host: Host) -> None:
    """Make ``host`` the one that code outside a command emits on."""
    global _loading_host
    _loading_host = weakref.ref(host)


def _host() -> Host:
    host = current_host.get()
    if host is None and _loading_host is not None:
        host = _loading_host()
    if host is None:
        raise RuntimeError("emit() needs a running app: no host has loaded this backend")
    return host


def emit(name: str, data: Any = None, *, window: int | None = None) -> None:
    """Send event ``name`` with ``data`` (JSON data, dataclasses included) to every page, or to
    window ``window`` only.

    :raises ValueError: a name pages could not listen to (letters, digits, ``_-.``).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"event name {name!r}: letters, digits, '_', '-' and '.' only")
    host = _host()
    payload = jsonable(data)
    send = functools.partial(host.emit, EVENT_PREFIX + name, payload, window=window)
    try:
        # A command in a worker thread: the event bus belongs to the loop.
        anyio.from_thread.run_sync(send)
    except RuntimeError:
        send()


@final
@record
class BackendEvent(Generic[DataT]):
    """An event the backend declares, with the type of its data::

    progress = event("progress", Progress)
    ...
    progress.emit(Progress(done=3, total=10))
    """

    name: str
    type: Any

    def emit(self, data: DataT, *, window: int | None = None) -> None:
        emit(self.name, data, window=window)


def event(name: str, data_type: type[DataT] | Any = Any) -> BackendEvent[DataT]:
    """Declare event ``name`` whose data is a ``data_type``; :func:`emit` sends it."""
    if not _NAME.match(name):
        raise ValueError(f"event name {name!r}: letters, digits, '_', '-' and '.' only")
    return BackendEvent(name, data_type)


def events_of(namespace: dict[str, Any]) -> list[BackendEvent[Any]]:
    """The events a module declares at its top level."""
    return [value for value in namespace.values() if isinstance(value, BackendEvent)]
