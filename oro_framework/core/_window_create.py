"""The ``window.create`` route, registered by the ``application`` plugin: Oro's options of a new
window, checked and turned into the host's :class:`~oro_framework.WindowOptions`.

Sizes are pixels or Oro's ``"N%"`` of the screen (:mod:`oro_framework.core._window_geometry`).
Options no engine here applies are accepted and named in the answer's ``unsupported`` list, so a
page can tell (docs/design.md, "Window options"). A ``userScript`` runs script as the new window,
so it needs what ``window.eval`` into another window needs.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Final

from oro_framework import (
    MAX_USER_SCRIPT,
    InvalidArgumentError,
    OutOfRangeError,
    SecurityError,
    WindowOptions,
    parse_aspect_ratio,
)
from oro_framework.core._window_geometry import (
    MAX_WINDOW_SIZE,
    is_percentage,
    length,
    page_screen,
)

if TYPE_CHECKING:
    from oro_framework import Request

WINDOW_CONTROL_PERMISSION: Final = "window_control"
"""The permission the window manager checks before a window acts on another one (the host's
``WindowPolicy.check_control``; a core plugin imports only the public API, hence the name
twice)."""

_UNSUPPORTED_FLAGS: Final = ("shouldPreferServiceWorker",)
_UNSUPPORTED_VALUES: Final = (
    "titlebarStyle",
    "trafficLightPosition",
    "windowControlOffsets",
    "backgroundColorLight",
    "backgroundColorDark",
    "radius",
    "margin",
    "config",
    "resourcesDirectory",
)
"""Oro's ``window.create`` options no engine here applies on Linux (``titlebarStyle``'s
``hidden``/``hiddenInset`` are macOS and Windows title bars; on Linux the window manager draws
the title bar, and ``frameless`` is how a page goes without it): accepted (checked where they
have a type) and named in the answer's ``unsupported`` list, so a page can tell (docs/design.md,
"Window options")."""

_CREATE_SIZES: Final = (
    ("width", "width", 0),
    ("height", "height", 1),
    ("min_width", "minWidth", 0),
    ("min_height", "minHeight", 1),
    ("max_width", "maxWidth", 0),
    ("max_height", "maxHeight", 1),
)

_NATIVE_ONLY: Final = (
    "maxWidth",
    "maxHeight",
    "aspectRatio",
    "closable",
    "minimizable",
    "maximizable",
    "utility",
    "userScript",
)
"""Options only a native window takes (the window manager's hints, a script the engine runs):
headless, a window is a browser tab, so they are accepted and listed in ``unsupported``."""

_BOUNDS: Final = ("minWidth", "minHeight", "maxWidth", "maxHeight")
"""Oro's size bounds, where 0 (Socket's default for each) means none."""


def _size(request: Request, name: str) -> int | None:
    value = request.params.get(name)
    if value is None or is_percentage(value):
        return None
    minimum = 0 if name in _BOUNDS else 1
    return request.params.require_int(name, minimum=minimum, maximum=MAX_WINDOW_SIZE) or None


def _aspect_ratio(request: Request) -> tuple[float, float] | None:
    value = request.params.get("aspectRatio")
    if value is None or value == "":
        return None  # Socket's createWindow sends '' for none
    if not isinstance(value, str):
        raise InvalidArgumentError.invalid("aspectRatio", "a string width:height such as '16:9'")
    try:
        return parse_aspect_ratio(value)
    except ValueError as error:
        raise OutOfRangeError(f"'aspectRatio': {error}", parameter="aspectRatio") from None


def _user_script(request: Request) -> str | None:
    """`userScript`: a string of at most :data:`MAX_USER_SCRIPT` characters, given only by a
    caller that may run script in the new window's pages (as `window.eval` would).

    The window a page creates is its opener's to show, move and close, never to script
    (``WindowPolicy.check_control``): a page that could set its script would act as that
    window, with the grants the user later gives it. So `userScript` needs what `window.eval`
    into another window needs: the HTTP IPC bridge key or ``permissions.allow_window_control``.
    """
    value = request.params.get("userScript")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError.invalid("userScript", "a string of JavaScript")
    if len(value) > MAX_USER_SCRIPT:
        raise OutOfRangeError(
            f"'userScript' takes at most {MAX_USER_SCRIPT} characters",
            code="ERR_SCRIPT_TOO_LARGE",
            parameter="userScript",
            maximum=MAX_USER_SCRIPT,
        )
    if not request.by_bridge_key and not request.host.is_permission_allowed(
        WINDOW_CONTROL_PERMISSION
    ):
        raise SecurityError(
            "window.create: a userScript runs script as the new window, which a page may do "
            f"only with permissions.allow_{WINDOW_CONTROL_PERMISSION} (as window.eval)",
            code="ERR_WINDOW_CONTROL",
            parameter="userScript",
        )
    return value


def _check_bounds(options: WindowOptions) -> None:
    for low, high, name in (
        (options.min_width, options.max_width, "Width"),
        (options.min_height, options.max_height, "Height"),
    ):
        if low is not None and high is not None and low > high:
            raise OutOfRangeError(
                f"'min{name}' ({low}) is above 'max{name}' ({high})",
                parameter=f"min{name}",
            )


def _window_options(request: Request) -> WindowOptions:
    params = request.params
    index = params.get_int("targetWindowIndex", -1, minimum=-1)
    unsupported: list[str] = []
    for name in _UNSUPPORTED_FLAGS:
        if params.get(name) is not None:
            params.require_bool(name)
            unsupported.append(name)
    unsupported += [name for name in _UNSUPPORTED_VALUES if params.get(name) not in (None, "")]
    options = WindowOptions(
        index=None if index == -1 else index,
        url=params.get_str("url", "/"),
        title=params.get_str("title"),
        width=_size(request, "width"),
        height=_size(request, "height"),
        min_width=_size(request, "minWidth"),
        min_height=_size(request, "minHeight"),
        max_width=_size(request, "maxWidth"),
        max_height=_size(request, "maxHeight"),
        aspect_ratio=_aspect_ratio(request),
        hidden=params.get_bool("headless", False),
        exit_on_close=params.get_bool("shouldExitApplicationOnClose", False),
        unsupported=tuple(unsupported),
        user_script=_user_script(request),
        resizable=params.get_bool("resizable", True),
        frameless=params.get_bool("frameless", False),
        closable=params.get_bool("closable", True),
        minimizable=params.get_bool("minimizable", True),
        maximizable=params.get_bool("maximizable", True),
        utility=params.get_bool("utility", False),
    )
    _check_bounds(options)
    return options


async def create(request: Request) -> dict[str, Any]:
    """Open a new window on `url` (a path of the app, default `/`, or an allowed origin) at
    `targetWindowIndex` (-1 or absent: the next free one; at most 64 windows) with `title`,
    `width`, `height`, `minWidth`, `minHeight`, `maxWidth`, `maxHeight` (pixels, or Oro's
    `"N%"` of the screen; 0: no bound), `aspectRatio` (`"16:9"`), `resizable`, `frameless`,
    `closable`, `minimizable`, `maximizable`, `utility`, `userScript` (with the power to
    `window.eval` in it), `headless` (hidden) and `shouldExitApplicationOnClose`. Oro's other
    options are accepted and listed in `unsupported`. Headless, the answer's `launchUrl` (also
    the `windowlaunch` event) opens it."""
    manager = request.host.windows
    if request.window is None and not request.by_bridge_key and manager.open_count:
        # The first window is the host's to open; after it, a window comes from a window's page
        # (headless, the session cookie alone must not mint a window and its launch URL).
        request.require_window()
    options = _window_options(request)
    # Oro's sizes may be "N%" of the screen, which only the GUI knows.
    sizes: dict[str, Any] = {
        field: await length(request, name, 0, axis, 1)
        for field, name, axis in _CREATE_SIZES
        if is_percentage(request.params.get(name))
    }
    if sizes:
        options = dataclasses.replace(options, **sizes)
        _check_bounds(options)
    window, launch_url = await manager.create(
        options, creator=request.window, page_screen=page_screen(request)
    )
    unsupported = list(options.unsupported)
    if manager.is_headless:
        unsupported += [name for name in _NATIVE_ONLY if request.params.get(name) not in (None, "")]
    return {**window.to_json(), "launchUrl": launch_url, "unsupported": unsupported}
