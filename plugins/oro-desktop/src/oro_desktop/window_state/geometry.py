"""A window's remembered rectangle and state: shared by the window state part and its engine
modules (which import nothing of the part)."""

from __future__ import annotations

from typing import Any, Final, final

from oro_framework.records import record

__all__ = ["MAX_COORDINATE", "Geometry"]

MAX_COORDINATE: Final = 32767
"""X11's and Qt's bound on a window coordinate or size; anything beyond is a corrupt file."""


@final
@record
class Geometry:
    """A window's normal rectangle and whether it is maximized."""

    x: int
    y: int
    width: int
    height: int
    maximized: bool = False

    @classmethod
    def from_json(cls, value: Any) -> Geometry | None:
        if not isinstance(value, dict):
            return None
        numbers = [value.get(name) for name in ("x", "y", "width", "height")]
        maximized = value.get("maximized", False)
        # type() rather than isinstance: JSON's true is a bool, which isinstance calls an int.
        if not all(type(number) is int for number in numbers) or type(maximized) is not bool:
            return None
        x, y, width, height = (number for number in numbers if type(number) is int)
        if not (abs(x) <= MAX_COORDINATE and abs(y) <= MAX_COORDINATE):
            return None
        if not (0 < width <= MAX_COORDINATE and 0 < height <= MAX_COORDINATE):
            return None
        return cls(x, y, width, height, maximized)
