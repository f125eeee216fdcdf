"""The host's lifecycle state machine: init → running ⇄ paused → stopping → stopped."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

from oro_framework.host.errors import LifecycleError

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = ["PAGE_EVENTS", "LifecycleEvent", "LifecycleState", "emit_to_pages", "transition"]


class LifecycleState(enum.Enum):
    INIT = "init"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    STOPPED = "stopped"


class LifecycleEvent(enum.StrEnum):
    """What ``oro_lifecycle_event`` is notified of, after the transition happened."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    STOPPING = "stopping"
    STOPPED = "stopped"


_ALLOWED: Final[dict[LifecycleState, frozenset[LifecycleState]]] = {
    LifecycleState.INIT: frozenset({LifecycleState.RUNNING, LifecycleState.STOPPING}),
    LifecycleState.RUNNING: frozenset({LifecycleState.PAUSED, LifecycleState.STOPPING}),
    LifecycleState.PAUSED: frozenset({LifecycleState.RUNNING, LifecycleState.STOPPING}),
    LifecycleState.STOPPING: frozenset({LifecycleState.STOPPED}),
    LifecycleState.STOPPED: frozenset(),
}


def transition(current: LifecycleState, target: LifecycleState) -> LifecycleState:
    """Return ``target`` if the machine may go there from ``current``.

    :raises LifecycleError: the transition is not allowed (e.g. pausing a stopped host).
    """
    if target not in _ALLOWED[current]:
        raise LifecycleError(f"cannot go from {current.value} to {target.value}")
    return target


SIGNAL_EVENT: Final = "signal"
"""The page event a signal the app receives becomes (``oro:signal``'s ``SignalEvent``): the GUI
runner emits it, as Oro forwards its process's signals to its pages."""

PAGE_EVENTS: Final = {
    LifecycleEvent.PAUSED: "applicationpause",
    LifecycleEvent.RESUMED: "applicationresume",
    LifecycleEvent.STOPPING: "applicationstop",
}
"""The event pages receive on ``/oro/events`` for each lifecycle notification."""


def emit_to_pages(host: Host, event: LifecycleEvent, state: LifecycleState) -> None:
    """Tell every page about ``event`` (``applicationpause``...) with ``{"state": ...}``; also
    used when windows move to the background while services keep running."""
    name = PAGE_EVENTS.get(event)
    if name is not None:
        host.emit(name, {"state": state.value})
