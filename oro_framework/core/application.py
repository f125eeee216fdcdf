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
``window.create`` (:mod:`~oro_framework.core._window_create`), a window's size and place
(:mod:`~oro_framework.core._window_geometry`) and ``window.send``
(:mod:`~oro_framework.core._window_send`) live beside this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework import (
    InvalidArgumentError,
    LifecycleEvent,
    OutOfRangeError,
    Plugin,
    RouteGroup,
    WindowColor,
    hookimpl,
    setting,
)
from oro_framework.core._hotkeys import page_hotkeys
from oro_framework.core._window_create import WINDOW_CONTROL_PERMISSION, create
from oro_framework.core._window_geometry import (
    get_position,
    get_screen_size,
    get_size,
    set_position,
    set_size,
)
from oro_framework.core._window_send import send
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework import (
        Host,
        PermissionRegistry,
        Request,
        Window,
    )

MAX_EVAL_SCRIPT: Final = 1 << 20
"""The longest script `window.eval` runs, in bytes: a page's own code arrives as files, not
through eval, so anything longer is a mistake or an attack on the IPC."""

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


@final
@record
class PickerSettings:
    """``[webview] filesystem_picker_require_user_activation``, read by pages
    (oro:internal/pickers)."""

    filesystem_picker_require_user_activation: bool = setting(
        True,
        "Whether the page's showOpenFilePicker/showSaveFilePicker/showDirectoryPicker "
        "(oro:internal/pickers) need a user gesture, as on the web (false: a page may open "
        "them at any time).",
    )


plugin = Plugin(
    permissions=[
        ".application:WINDOW_ROUTES",
        ".application:APPLICATION_ROUTES",
        "._hotkeys:HOTKEY_ROUTES",
    ],
    settings={"webview": ".application:PickerSettings"},
    routes=[
        ".application:APPLICATION_ROUTES",
        ".application:WINDOW_ROUTES",
        "._hotkeys:HOTKEY_ROUTES",
    ],
    # window.send's carrier of Socket's message, and the hotkey set every page is told.
    events=["._window_send:WINDOW_MESSAGE_EVENT", "._hotkeys:BINDINGS_EVENT"],
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    js_modules="oro_framework.host.builtin:find_js_api",
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    # Guards no route of its own: it widens what the window routes may do.
    permissions.add(
        WINDOW_CONTROL_PERMISSION,
        "Let a window control the app's other windows: window.eval and window.navigate of "
        "another window's page, and close, show/hide, size, position, focus... of windows it "
        "did not create. Off by default: it collapses window isolation (eval in another "
        "window's page acts as that window).",
        default=False,
    )


@hookimpl
def oro_lifecycle_event(host: Host, event: LifecycleEvent) -> None:
    # Headless, the app still has its main window, a virtual one, as soon as it runs.
    if event is LifecycleEvent.STARTED and host.windows.is_headless and not host.windows.windows:
        host.windows.open_main_window()


@hookimpl
def oro_page_args(host: Host) -> dict[str, Any]:
    # The app's hotkeys, so that a page matches key presses from its first one on.
    return {"hotkeys": page_hotkeys(host)}
