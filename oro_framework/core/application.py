"""The ``application.*`` and ``window.*`` routes: the app's windows and the app itself.

Permission ``window`` guards window control (creating windows, messages between them, titles,
size, visibility, navigation, eval); permission ``application`` guards the window list, the
config and exit. Every ``window.*`` route takes ``targetWindowIndex`` (default: the window the
request proves it comes from, never a window it did not prove; for ``window.create``: the next
free index) and answers the window's descriptor ``{index, title, width, height, url, status,
isReady}`` unless it says otherwise.

A window controls itself: acting on another one needs permission ``window_control`` (off by
default: it collapses the isolation of windows; ``SecurityError`` ``ERR_WINDOW_CONTROL``),
except that a window may show, hide, close, focus, move, resize and retitle the windows its page
created (Oro's ``createWindow()`` handle), never run script in them (``window.eval``) or
navigate them. A request proving no window (a worker, a tab without its launch URL) controls
none and creates none once the app has a window (``SecurityError`` ``ERR_NO_WINDOW``).
Reading another window's title, size, position or colour stays allowed
(``application.getWindows`` lists the same), and so does ``window.send`` of an event to another
window: messages between windows are how Oro's apps talk, and the page that gets one decides
what it means.
The :class:`~oro_framework.WindowManager` behind them is
``host.windows``; it is headless (virtual windows) unless ``oro run`` attaches a GUI. Permission
``hotkeys`` guards Oro's ``window.hotkey.*`` routes (:mod:`oro_framework.core._hotkeys`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from oro_framework import (
    MAX_USER_SCRIPT,
    InvalidArgumentError,
    LifecycleEvent,
    OutOfRangeError,
    RouteGroup,
    SecurityError,
    WindowColor,
    WindowOptions,
    find_js_api,
    hookimpl,
    parse_aspect_ratio,
)
from oro_framework.core._hotkeys import BINDINGS_EVENT, HOTKEY_ROUTES, page_hotkeys
from oro_framework.core._window_send import WINDOW_MESSAGE_EVENT, send

if TYPE_CHECKING:
    from oro_framework import (
        ConfigRegistry,
        Host,
        JSModuleTable,
        PageEventTable,
        PermissionRegistry,
        Request,
        RouteTable,
        Window,
    )

WINDOW_CONTROL_PERMISSION: Final = "window_control"
"""The permission the window manager checks before a window acts on another one (the host's
``WindowManager.check_control``; a core plugin imports only the public API, hence the name
twice)."""

MAX_WINDOW_SIZE = 32767
"""The largest width or height a toolkit accepts (Qt's QWIDGETSIZE_MAX), and the bound on a
window coordinate (X11's)."""

MAX_EVAL_SCRIPT: Final = 1 << 20
"""The longest script `window.eval` runs, in bytes: a page's own code arrives as files, not
through eval, so anything longer is a mistake or an attack on the IPC."""

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


# -------------------------------------------------------------------------------------------------
# application.*
# -------------------------------------------------------------------------------------------------


async def get_windows(request: Request) -> list[dict[str, Any]]:
    """Descriptors of the app's windows, or of those listed in `indices`, read back from the
    real windows where there are some."""
    manager = request.host.windows
    indices = request.params.get("indices")
    if indices is None:
        windows = manager.windows
    else:
        if not isinstance(indices, list):
            indices = [indices]
        if not all(isinstance(index, int) and not isinstance(index, bool) for index in indices):
            raise InvalidArgumentError.invalid("indices", "a list of window indices")
        windows = [manager.get(index) for index in indices]
    return [(await manager.refresh(window)).to_json() for window in windows]


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


async def exit_application(request: Request) -> dict[str, int]:
    """Stop the app with exit code `value` (default 0): pages get applicationstop, services stop."""
    code = request.params.get_int("value", 0, minimum=0, maximum=255)
    request.host.windows.exit(code)
    return {"code": code}


async def config(request: Request) -> dict[str, Any]:
    """The effective config as flattened keys (`window_width`), secrets left out: the page needs
    none of them, and a page is where an injected script would look first."""
    host = request.host
    return host.config.flattened(include_secrets=False)


# -------------------------------------------------------------------------------------------------
# window.*
# -------------------------------------------------------------------------------------------------


_CREATE_SIZES: Final = (
    ("width", "width", 0),
    ("height", "height", 1),
    ("min_width", "minWidth", 0),
    ("min_height", "minHeight", 1),
    ("max_width", "maxWidth", 0),
    ("max_height", "maxHeight", 1),
)


def _is_percentage(value: Any) -> bool:
    return isinstance(value, str) and value.strip().endswith("%")


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
    if value is None or _is_percentage(value):
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
    (``WindowManager.check_control``): a page that could set its script would act as that
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
        field: await _length(request, name, 0, axis, 1)
        for field, name, axis in _CREATE_SIZES
        if _is_percentage(request.params.get(name))
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


def _window_action(method: str, doc: str) -> Callable[[Request], Awaitable[dict[str, Any]]]:
    """A route that calls the window manager's ``method`` on the request's window (an open one)
    and answers the window; ``doc`` is the route's documentation."""

    async def act(request: Request) -> dict[str, Any]:
        manager = request.host.windows
        window = manager.open_window(request, frame_only=True)
        await getattr(manager, method)(window)
        return window.to_json()

    act.__name__ = act.__qualname__ = method
    act.__doc__ = doc
    return act


show = _window_action(
    "show", "Show the window (restoring it if minimised); the app resumes if it was paused."
)


hide = _window_action("hide", "Hide the window; with every window hidden the app pauses.")
close = _window_action("close", "Close the window; closing the last open window stops the app.")


async def set_title(request: Request) -> dict[str, Any]:
    """Set the window's title to `value`."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    await manager.set_title(window, request.params.require_str("value"))
    return window.to_json()


async def get_title(request: Request) -> str:
    """The window's title."""
    return request.host.windows.target(request).title


_PERCENTAGE: Final = re.compile(r"(\d{1,3}(?:\.\d+)?)%", re.ASCII)


async def _length(request: Request, name: str, current: int, axis: int, minimum: int) -> int:
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
    width = await _length(request, "width", window.width, 0, 1)
    height = await _length(request, "height", window.height, 1, 1)
    await manager.set_size(window, width, height)
    return window.to_json()


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
        return await _length(request, name, current, axis, 0)
    # A window may start left of or above the primary screen (another monitor there).
    return request.params.require_int(name, minimum=-MAX_WINDOW_SIZE, maximum=MAX_WINDOW_SIZE)


async def get_position(request: Request) -> dict[str, int]:
    """The window frame's position: {x, y}."""
    manager = request.host.windows
    window = await manager.refresh(manager.target(request))
    return {"x": window.x, "y": window.y}


maximize = _window_action("maximize", "Maximise the window (shown if it was hidden or minimised).")


minimize = _window_action(
    "minimize", "Minimise the window; it then counts as hidden (status `hidden`)."
)


restore = _window_action("restore", "Give the window back its normal size and place, shown.")


async def focus(request: Request) -> dict[str, Any]:
    """Show the window above the others with the input focus (restored if minimised)."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    await manager.focus(window)
    return await _fresh(request, window)


blur = _window_action("blur", "Send the window behind the others (headless: nothing changes).")


show_inspector = _window_action(
    "show_inspector",
    "Open the window's developer tools (WebKit's Web Inspector, Chromium's DevTools); "
    "`NotSupportedError` `ERR_DEVTOOLS_OFF` unless `oro dev`, `oro run --devtools` or "
    "`[webview] devtools` turned them on.",
)


async def _fresh(request: Request, window: Window) -> dict[str, Any]:
    return (await request.host.windows.refresh(window)).to_json()


async def set_always_on_top(request: Request) -> dict[str, Any]:
    """Keep the window above the others (`value` true) or not."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    await manager.set_always_on_top(window, request.params.get_bool("value", False))
    return window.to_json()


async def get_always_on_top(request: Request) -> bool:
    """Whether the window stays above the others (read back from the toolkit)."""
    manager = request.host.windows
    return (await manager.refresh(manager.target(request))).always_on_top


def _channel(request: Request, name: str, default: int | None) -> int:
    value = request.params.get(name)
    if value is None:
        if default is None:
            raise InvalidArgumentError.invalid(name, "an integer from 0 to 255")
        return default
    return request.params.require_int(name, minimum=0, maximum=255)


async def set_background_color(request: Request) -> dict[str, Any]:
    """Paint the window's web view `red`, `green`, `blue` (0..255) with `alpha` (0..1, default
    1) where its page draws nothing."""
    manager = request.host.windows
    window = manager.open_window(request, frame_only=True)
    alpha = request.params.get_float("alpha", 1.0)
    if not 0.0 <= alpha <= 1.0:
        raise OutOfRangeError(f"'alpha' must be within [0, 1], got {alpha}", parameter="alpha")
    color = WindowColor(
        _channel(request, "red", None),
        _channel(request, "green", None),
        _channel(request, "blue", None),
        round(alpha, 3),
    )
    await manager.set_background_color(window, color)
    return window.to_json()


async def get_background_color(request: Request) -> str:
    """The window's background colour as CSS: `rgba(r, g, b, a)`."""
    manager = request.host.windows
    return (await manager.refresh(manager.target(request))).background_color.css()


async def get_size(request: Request) -> dict[str, int]:
    """The window's size in pixels: {width, height}."""
    manager = request.host.windows
    window = manager.target(request)
    if window.is_open:
        await manager.get_size(window)
    return {"width": window.width, "height": window.height}


async def navigate(request: Request) -> dict[str, Any]:
    """Load `url` (app origin, or an origin in window.allow_navigation) into the window."""
    manager = request.host.windows
    window = manager.open_window(request)
    await manager.navigate(window, request.params.require_str("url"))
    return window.to_json()


async def evaluate(request: Request) -> Any:
    """Evaluate the script `value` (at most 1 MiB) in the window's page, which must be on the
    app origin; its JSON result (native windows only; headless NotSupportedError)."""
    manager = request.host.windows
    window = manager.open_window(request)
    script = request.params.require_str("value")
    if len(script.encode("utf-8", "surrogatepass")) > MAX_EVAL_SCRIPT:
        raise OutOfRangeError(
            f"window.eval takes a script of at most {MAX_EVAL_SCRIPT} bytes",
            code="ERR_SCRIPT_TOO_LARGE",
            maximum=MAX_EVAL_SCRIPT,
        )
    return await manager.evaluate(window, script)


async def ready(request: Request) -> dict[str, Any]:
    """The page reports it has loaded and rendered; `oro run` prints "window N ready"."""
    manager = request.host.windows
    window = manager.open_window(request)
    manager.mark_ready(window)
    return window.to_json()


# -------------------------------------------------------------------------------------------------
# Hooks
# -------------------------------------------------------------------------------------------------


APPLICATION_ROUTES: Final = RouteGroup(
    permission="application",
    doc="Application: the window list, the config, exit.",
    handlers={
        "application.getWindows": get_windows,
        "application.exit": exit_application,
        "application.config": config,
        "application.getScreenSize": get_screen_size,
    },
)
WINDOW_ROUTES: Final = RouteGroup(
    permission="window",
    doc="Window control: titles, size, visibility, navigation, eval.",
    handlers={
        "window.create": create,
        "window.send": send,
        "window.show": show,
        "window.hide": hide,
        "window.close": close,
        "window.setTitle": set_title,
        "window.getTitle": get_title,
        "window.setSize": set_size,
        "window.getSize": get_size,
        "window.setPosition": set_position,
        "window.getPosition": get_position,
        "window.maximize": maximize,
        "window.minimize": minimize,
        "window.restore": restore,
        "window.focus": focus,
        "window.blur": blur,
        "window.showInspector": show_inspector,
        "window.setAlwaysOnTop": set_always_on_top,
        "window.getAlwaysOnTop": get_always_on_top,
        "window.setBackgroundColor": set_background_color,
        "window.getBackgroundColor": get_background_color,
        "window.navigate": navigate,
        "window.eval": evaluate,
        "window.ready": ready,
    },
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(WINDOW_ROUTES)
    permissions.add_group(APPLICATION_ROUTES)
    permissions.add_group(HOTKEY_ROUTES)
    permissions.add(
        WINDOW_CONTROL_PERMISSION,
        "Let a window control the app's other windows: window.eval and window.navigate of "
        "another window's page, and close, show/hide, size, position, focus... of windows it "
        "did not create. Off by default: it collapses window isolation (eval in another "
        "window's page acts as that window).",
        default=False,
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add(
        "webview.filesystem_picker_require_user_activation",
        bool,
        True,
        "Whether the page's showOpenFilePicker/showSaveFilePicker/showDirectoryPicker "
        "(oro:internal/pickers) need a user gesture, as on the web (false: a page may open "
        "them at any time).",
    )


@hookimpl
def oro_lifecycle_event(host: Host, event: LifecycleEvent) -> None:
    # Headless, the app still has its main window, a virtual one, as soon as it runs.
    if event is LifecycleEvent.STARTED and host.windows.is_headless and not host.windows.windows:
        host.windows.open_main_window()


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(APPLICATION_ROUTES)
    routes.add_group(WINDOW_ROUTES)
    routes.add_group(HOTKEY_ROUTES)


@hookimpl
def oro_register_page_events(events: PageEventTable) -> None:
    # window.send's carrier of Socket's message, and the hotkey set every page is told.
    events.add(WINDOW_MESSAGE_EVENT, BINDINGS_EVENT)


@hookimpl
def oro_page_args(host: Host) -> dict[str, Any]:
    # The app's hotkeys, so that a page matches key presses from its first one on.
    return {"hotkeys": page_hotkeys(host)}


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    directory = find_js_api()
    if directory is not None:
        modules.add_directory(directory, owner="application")
