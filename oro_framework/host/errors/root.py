"""The root of every exception oro-framework raises on purpose (the tree: :mod:`.errors`)."""

from __future__ import annotations

__all__ = ["OroError"]


class OroError(Exception):
    """Root of every exception raised by oro-framework on purpose."""
