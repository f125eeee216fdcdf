"""Text as an answer can carry it."""

from __future__ import annotations

__all__ = ["printable"]


def printable(text: str) -> str:
    """``text`` as an answer can carry it: a lone surrogate (JSON lets a client send one, UTF-8
    cannot encode it) becomes its ``\\udXXX`` escape, so the error about it can be sent."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
