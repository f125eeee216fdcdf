"""Validators shared by every plugin's settings (``setting(4, "...", validator=positive)``).

Each takes a value of the key's declared type and raises :class:`ValueError` saying what is wrong;
the host reports it with the file and line the value came from. Plugins reach them as
``oro_framework.validators``.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = [
    "MIN_SECRET_LENGTH",
    "non_empty",
    "not_negative",
    "path",
    "port",
    "positive",
    "screen_length",
    "secret",
]

MIN_SECRET_LENGTH: Final = 16
"""The fewest characters a configured shared key or API key may have (an empty value usually
means "a random one per launch")."""


# ----------------------------------------------------------------------------------------------
# Validators shared by every plugin's declarations (``config.add(..., validator=positive)``)
# ----------------------------------------------------------------------------------------------


def non_empty(value: str) -> None:
    """A string with something in it besides white space."""
    if not value.strip():
        raise ValueError("must not be empty")


def secret(value: str) -> None:
    """Empty, or at least :data:`MIN_SECRET_LENGTH` characters."""
    if value and len(value) < MIN_SECRET_LENGTH:
        raise ValueError(f"must be empty or at least {MIN_SECRET_LENGTH} characters")


def port(value: int) -> None:
    """A TCP/UDP port, or 0 for any free one."""
    if not 0 <= value <= 65_535:
        raise ValueError("must be 0 (any free port) or 1 to 65535")


def positive(value: float) -> None:
    """A number above zero (and finite)."""
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number")


def positive_count(value: int) -> None:
    """An integer above zero, the refused value in the message (``must be positive, got 0``)."""
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")


def not_negative(value: float) -> None:
    """Zero or more (and finite)."""
    if not value >= 0 or value == float("inf"):
        raise ValueError("must not be negative")


def path(value: str) -> None:
    """A file-system path as written in ``oro.toml`` (empty means "not set"): no NUL character,
    which no OS accepts in a path."""
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")


def screen_length(value: int | str) -> None:
    """A window length (a :class:`~oro_framework.host.config.values.ScreenLength` key):
    positive pixels, or a share of the screen above 0% and at most 100% (``"50%"``), as
    ``window.create`` takes it."""
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"must be positive, got {value}")
        return
    percent = float(value.strip().removesuffix("%").strip())
    if not 0 < percent <= 100 or not math.isfinite(percent):
        raise ValueError(f"must be above 0% and at most 100% of the screen, got {value!r}")
