"""A window's size and place, registered by the ``application`` plugin: ``window.setSize``,
``window.getSize``, ``window.setPosition``, ``window.getPosition`` and
``application.getScreenSize``, and the lengths a page gives them: pixels, or Oro's ``"N%"`` of
the screen (``window.create`` takes them too).

Headless, the screen is that of the browser the page is shown in, which only the page knows:
``oro:window`` sends it (``screenWidth``, ``screenHeight``) with each call that may need it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from oro_framework import OutOfRangeError

if TYPE_CHECKING:
    from oro_framework import Request

MAX_WINDOW_SIZE = 32767
"""The largest width or height a toolkit accepts (Qt's QWIDGETSIZE_MAX), and the bound on a
window coordinate (X11's)."""

_PERCENTAGE: Final = re.compile(r"(\d{1,3}(?:\.\d+)?)%", re.ASCII)


def is_percentage(value: Any) -> bool:
    """Whether ``value`` is written as Oro's ``"N%"`` of the screen."""
    return isinstance(value, str) and value.strip().endswith("%")


def page_screen(request: Request) -> tuple[int, int] | None:
    """The asking page's screen, `screenWidth` x `screenHeight` (what `oro:window` sends with
    each call that may need it): headless, the screen is the browser's, which only the page
    knows. ``None`` when it sent none."""
    params = request.params
    if params.get("screenWidth") is None or params.get("screenHeight") is None:
        return None
    return (
        params.require_int("screenWidth", minimum=1, maximum=MAX_WINDOW_SIZE),
        params.require_int("screenHeight", minimum=1, maximum=MAX_WINDOW_SIZE),
    )


async def get_screen_size(request: Request) -> dict[str, int]:
    """The primary screen's {width, height}; headless, the asking page's (`screenWidth`,
    `screenHeight`), else NotSupportedError `ERR_HEADLESS`."""
    width, height = await request.host.windows.screen_size(page_screen(request))
    return {"width": width, "height": height}


async def length(request: Request, name: str, current: int, axis: int, minimum: int) -> int:
    """Parameter `name` in pixels: an integer, or Oro's `"N%"` of the screen's width (`axis`
    0) or height (1); `current` when absent."""
    value = request.params.get(name)
    if value is None:
        return current
    if isinstance(value, str):
        match = _PERCENTAGE.fullmatch(value.strip())
        if match is not None:
            percent = float(match.group(1))
            if percent > 100:
                raise OutOfRangeError(
                    f"'{name}' must be within 0% to 100%, got {value}", parameter=name
                )
            screen = await request.host.windows.screen_size(page_screen(request))
            return max(minimum, round(screen[axis] * percent / 100))
    return request.params.require_int(name, minimum=minimum, maximum=MAX_WINDOW_SIZE)


async def set_size(request: Request) -> dict[str, Any]:
    """Resize the window to `width` x `height` pixels (or Oro's `"N%"` of the screen); either
    may be left out to keep it."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    width = await length(request, "width", window.width, 0, 1)
    height = await length(request, "height", window.height, 1, 1)
    await manager.set_size(window, width, height)
    return window.to_json()


async def get_size(request: Request) -> dict[str, int]:
    """The window's size in pixels: {width, height}."""
    manager = request.host.windows
    window = manager.target(request)
    if window.is_open:
        await manager.get_size(window)
    return {"width": window.width, "height": window.height}


async def set_position(request: Request) -> dict[str, Any]:
    """Move the window's frame to `x`, `y` (pixels on the desktop, or Oro's `"N%"` of the
    screen); either may be left out to keep it."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    await manager.refresh(window)
    x = await _position(request, "x", window.x, 0)
    y = await _position(request, "y", window.y, 1)
    await manager.set_position(window, x, y)
    return window.to_json()


async def _position(request: Request, name: str, current: int, axis: int) -> int:
    value = request.params.get(name)
    if value is None or (isinstance(value, str) and value.strip().endswith("%")):
        return await length(request, name, current, axis, 0)
    # A window may start left of or above the primary screen (another monitor there).
    return request.params.require_int(name, minimum=-MAX_WINDOW_SIZE, maximum=MAX_WINDOW_SIZE)


async def get_position(request: Request) -> dict[str, int]:
    """The window frame's position: {x, y}."""
    manager = request.host.windows
    window = await manager.refresh(manager.target(request))
    return {"x": window.x, "y": window.y}
