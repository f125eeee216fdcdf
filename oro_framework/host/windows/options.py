"""The first window's options from the config (``[window]`` min/max sizes, aspect ratio and
flags), checked as ``window.create`` checks a page's, but forgiving: a value the window cannot
take is one warning and the default, never a refusal to start. Also the ``User-Agent`` product
Oro appends (``OroRuntime/<version>``) and the bounds given as shares of the screen."""

from __future__ import annotations

import dataclasses
import json
import logging

from oro_framework.host.config.values import screen_length_pixels
from oro_framework.host.windows.model import MAX_LENGTH, WindowOptions, parse_aspect_ratio
from oro_framework.host.windows.settings import WindowSettings

__all__ = ["configured_options", "guarded_user_script", "on_screen", "user_agent_product"]

logger = logging.getLogger("oro_framework.windows")


def user_agent_product() -> str:
    """``OroRuntime/<version>``: what the Oro Runtime appends to the engine's ``User-Agent``
    (its RUNTIME.md), so that a server can tell an app's requests."""
    # The version is the installed distribution's (oro_framework.__version__).
    from oro_framework import __version__

    return f"OroRuntime/{__version__}"


def _bound(settings: WindowSettings, key: str) -> int | str:
    """A bound as configured, 0 (none) where it cannot be one, with a warning."""
    value: int | str = getattr(settings, key)
    if isinstance(value, int) and not 0 <= value <= MAX_LENGTH:
        logger.warning(
            "window.%s = %d is not a length in pixels (0 to %d); the main window has no %s",
            key,
            value,
            MAX_LENGTH,
            key.replace("_", " "),
        )
        return 0
    if isinstance(value, str) and screen_length_pixels(value, 100, -1) == -1:
        logger.warning('window.%s = %r is not pixels or "N%%"; ignored', key, value)
        return 0
    return value


def _pixels_or_none(value: int | str, extent: int | None) -> int | None:
    if isinstance(value, int):
        return value or None
    pixels = screen_length_pixels(value, extent, 0)
    return min(pixels, MAX_LENGTH) or None


def _checked_order(options: WindowOptions) -> WindowOptions:
    """Bounds whose minimum is above their maximum keep the minimum, with a warning."""
    if _crossed("width", options.min_width, options.max_width):
        options = dataclasses.replace(options, max_width=None)
    if _crossed("height", options.min_height, options.max_height):
        options = dataclasses.replace(options, max_height=None)
    return options


def _crossed(side: str, minimum: int | None, maximum: int | None) -> bool:
    if minimum is None or maximum is None or minimum <= maximum:
        return False
    logger.warning(
        "window.min_%s (%d) is above window.max_%s (%d); the main window keeps the minimum "
        "and has no maximum",
        side,
        minimum,
        side,
        maximum,
    )
    return True


def _aspect(settings: WindowSettings) -> tuple[float, float] | None:
    if not settings.aspect_ratio.strip():
        return None
    try:
        return parse_aspect_ratio(settings.aspect_ratio)
    except ValueError as error:
        logger.warning("window.aspect_ratio: %s; the main window keeps no ratio", error)
        return None


def configured_options(
    settings: WindowSettings, screen_lengths: tuple[int | str, int | str] | None
) -> WindowOptions:
    """The main window's options from ``[window]``: a bad value warns once (here, as the
    window opens) and leaves that option at its default."""
    if settings.titlebar_style.strip():
        logger.warning(
            "window.titlebar_style = %r is not applied: Oro's title bar styles are macOS and "
            "Windows ones; on Linux the window manager draws the title bar (window.frameless "
            "goes without it)",
            settings.titlebar_style,
        )
    lengths = (
        _bound(settings, "min_width"),
        _bound(settings, "min_height"),
        _bound(settings, "max_width"),
        _bound(settings, "max_height"),
    )
    options = WindowOptions(
        screen_lengths=screen_lengths,
        aspect_ratio=_aspect(settings),
        resizable=settings.resizable,
        frameless=settings.frameless,
        closable=settings.closable,
        minimizable=settings.minimizable,
        maximizable=settings.maximizable,
        utility=settings.utility,
    )
    if any(isinstance(length, str) for length in lengths):
        # "N%": the GUI knows the screen once it runs (on_screen).
        return dataclasses.replace(options, bound_lengths=lengths)
    return on_screen(dataclasses.replace(options, bound_lengths=lengths), None)


def on_screen(options: WindowOptions, screen: tuple[int, int] | None) -> WindowOptions:
    """``options`` with the bounds of ``bound_lengths`` in pixels of ``screen`` (a share of
    an unknown screen bounds nothing), checked that no minimum is above its maximum."""
    if options.bound_lengths is None:
        return options
    width = None if screen is None else screen[0]
    height = None if screen is None else screen[1]
    min_width, min_height, max_width, max_height = options.bound_lengths
    resolved = dataclasses.replace(
        options,
        bound_lengths=None,
        min_width=_pixels_or_none(min_width, width),
        min_height=_pixels_or_none(min_height, height),
        max_width=_pixels_or_none(max_width, width),
        max_height=_pixels_or_none(max_height, height),
    )
    return _checked_order(resolved)


def guarded_user_script(source: str, origin: str) -> str:
    """A window's ``userScript`` as the engines run it: only where ``location.origin`` is the
    app's ``origin``, as ``window.eval`` runs only there (a page on an allowed outside origin
    is not the app's to script). The engines' URL pattern says so first; this is a second
    lock. The page's own declarations stay those of a script (a block, not a function)."""
    return f"if (location.origin === {json.dumps(origin)}) {{\n{source}\n}}\n"
