"""Signal names and numbers as Node spells them (``"SIGTERM"``, ``15``)."""

from __future__ import annotations

import signal
from typing import Any

from oro_process.errors import unknown_signal

__all__ = ["parse_signal", "signal_name"]

# __members__ holds the aliases too (SIGIOT, SIGCLD, SIGPOLL), as Node knows them.
_BY_NAME = {name: member for name, member in signal.Signals.__members__.items()}
_NUMBERS = frozenset(int(member) for member in _BY_NAME.values())


def parse_signal(value: Any, default: int = signal.SIGTERM) -> int:
    """A signal number from a name (``"SIGKILL"``, ``"kill"`` is not one) or a number; ``None``
    is ``default``. 0 is valid: it checks that the process exists, as Node's ``kill(0)``.

    :raises InvalidArgumentError: ``ERR_UNKNOWN_SIGNAL``.
    """
    if value is None:
        return default
    if isinstance(value, bool):
        raise unknown_signal(value)
    if isinstance(value, int):
        if value == 0 or value in _NUMBERS:
            return value
        raise unknown_signal(value)
    if isinstance(value, str):
        member = _BY_NAME.get(value)
        if member is not None:
            return int(member)
    raise unknown_signal(value)


def signal_name(number: int) -> str:
    """``"SIGTERM"`` for 15; a number the system does not name stays a number's text."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
