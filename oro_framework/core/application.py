"""The ``application.*`` and ``window.*`` routes: the app's windows and the app itself.

Permission ``window`` guards window control (creating windows, messages between them, titles,
size, visibility, navigation, eval); permission ``application`` guards the window list, the
config and exit. Every ``window.*`` route takes ``targetWindowIndex`` (default: the window the
request comes from, else 0; for ``window.create``: the next free index) and answers the window's
descriptor ``{index, title, width, height, url, status, isReady}`` unless it says otherwise.
The :class:`~oro_framework.WindowManager` behind them is
``host.windows``; it is headless (virtual windows) unless ``oro run`` attaches a GUI.
"""

from __future__ import annotations

import re
from typing import Any, Final

from oro_framework import (
    HOST_EVENTS,
    ConfigRegistry,
    Host,
    InvalidArgumentError,
    JSModuleTable,
    LifecycleEvent,
    PermissionRegistry,
    Request,
    RouteGroup,
    RouteTable,
    WindowOptions,
    find_js_api,
    hookimpl,
)

MAX_WINDOW_SIZE = 32767
"""The largest width or height a toolkit accepts (Qt's QWIDGETSIZE_MAX)."""

_UNSUPPORTED_FLAGS: Final = (
    "closable",
    "maximizable",
    "minimizable",
    "utility",
    "shouldPreferServiceWorker",
)
_UNSUPPORTED_SIZES: Final = ("maxWidth", "maxHeight")
_UNSUPPORTED_VALUES: Final = (
    "aspectRatio",
    "titlebarStyle",
    "trafficLightPosition",
    "backgroundColorLight",
    "backgroundColorDark",
    "radius",
    "margin",
    "config",
    "userScript",
    "resourcesDirectory",
)
"""Oro's ``window.create`` options pywebview has no equivalent for: accepted (checked where
they have a type) and named in the answer's ``unsupported`` list, so a page can tell."""

# An event name travels as an SSE ``event:`` line and becomes a DOM event type: no line breaks,
# nothing a page could not listen for.
_EVENT_NAME: Final = re.compile(r"[A-Za-z][\w.:-]{0,127}", re.ASCII)


# -------------------------------------------------------------------------------------------------
# application.*
# -------------------------------------------------------------------------------------------------


async def get_windows(request: Request) -> list[dict[str, Any]]:
    """Descriptors of the app's windows, or of those listed in `indices`."""
    manager = request.host.windows
    indices = request.params.get("indices")
    if indices is None:
        return [window.to_json() for window in manager.windows]
    if not isinstance(indices, list):
        indices = [indices]
    if not all(isinstance(index, int) and not isinstance(index, bool) for index in indices):
        raise InvalidArgumentError.invalid("indices", "a list of window indices")
    return [manager.get(index).to_json() for index in indices]


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


def _size(request: Request, name: str) -> int | None:
    value = request.params.get(name)
    if value is None:
        return None
    return request.params.require_int(name, minimum=1, maximum=MAX_WINDOW_SIZE)


def _window_options(request: Request) -> WindowOptions:
    params = request.params
    index = params.get_int("targetWindowIndex", -1, minimum=-1)
    unsupported: list[str] = []
    for name in _UNSUPPORTED_FLAGS:
        if params.get(name) is not None:
            params.require_bool(name)
            unsupported.append(name)
    for name in _UNSUPPORTED_SIZES:
        if _size(request, name) is not None:
            unsupported.append(name)
    unsupported += [name for name in _UNSUPPORTED_VALUES if params.get(name) is not None]
    return WindowOptions(
        index=None if index == -1 else index,
        url=params.get_str("url", "/"),
        title=params.get_str("title"),
        width=_size(request, "width"),
        height=_size(request, "height"),
        min_width=_size(request, "minWidth"),
        min_height=_size(request, "minHeight"),
        resizable=params.get_bool("resizable", True),
        frameless=params.get_bool("frameless", False),
        hidden=params.get_bool("headless", False),
        exit_on_close=params.get_bool("shouldExitApplicationOnClose", False),
        unsupported=tuple(unsupported),
    )


async def create(request: Request) -> dict[str, Any]:
    """Open a new window on `url` (a path of the app, default `/`, or an allowed origin) at
    `targetWindowIndex` (-1 or absent: the next free one; at most 64 windows) with `title`,
    `width`, `height`, `minWidth`, `minHeight`, `resizable`, `frameless`, `headless` (hidden)
    and `shouldExitApplicationOnClose`. Oro's other options are accepted and listed in
    `unsupported`. Headless, the answer's `launchUrl` (also the `windowlaunch` event) opens it."""
    manager = request.host.windows
    options = _window_options(request)
    window, launch_url = await manager.create(options, creator=request.window)
    return {**window.to_json(), "launchUrl": launch_url, "unsupported": list(options.unsupported)}


async def send(request: Request) -> dict[str, Any]:
    """Deliver page event `event` with detail `value` to the pages of window
    `targetWindowIndex` only."""
    manager = request.host.windows
    event = request.params.require_str("event")
    if _EVENT_NAME.fullmatch(event) is None:
        raise InvalidArgumentError.invalid(
            "event", "a name of letters, digits and ._:- starting with a letter"
        )
    if event in HOST_EVENTS:
        raise InvalidArgumentError(
            f"'{event}' is an event only the host sends", code="ERR_RESERVED_EVENT", event=event
        )
    window = manager.target(request)
    await manager.send(window, event, request.params.get("value"))
    return {"index": window.index, "event": event}


async def show(request: Request) -> dict[str, Any]:
    """Show the window (restoring it if minimised); the app resumes if it was paused."""
    manager = request.host.windows
    window = manager.open_window(request)
    await manager.show(window)
    return window.to_json()


async def hide(request: Request) -> dict[str, Any]:
    """Hide the window; with every window hidden the app pauses."""
    manager = request.host.windows
    window = manager.open_window(request)
    await manager.hide(window)
    return window.to_json()


async def close(request: Request) -> dict[str, Any]:
    """Close the window; closing the last open window stops the app."""
    manager = request.host.windows
    window = manager.open_window(request)
    await manager.close(window)
    return window.to_json()


async def set_title(request: Request) -> dict[str, Any]:
    """Set the window's title to `value`."""
    manager = request.host.windows
    window = manager.open_window(request)
    await manager.set_title(window, request.params.require_str("value"))
    return window.to_json()


async def get_title(request: Request) -> str:
    """The window's title."""
    return request.host.windows.target(request).title


async def set_size(request: Request) -> dict[str, Any]:
    """Resize the window to `width` x `height` pixels."""
    manager = request.host.windows
    window = manager.open_window(request)
    width = request.params.require_int("width", minimum=1, maximum=MAX_WINDOW_SIZE)
    height = request.params.require_int("height", minimum=1, maximum=MAX_WINDOW_SIZE)
    await manager.set_size(window, width, height)
    return window.to_json()


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
    """Evaluate the script `value` in the window's page; its JSON result (native windows only)."""
    manager = request.host.windows
    window = manager.open_window(request)
    return await manager.evaluate(window, request.params.require_str("value"))


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
        "window.navigate": navigate,
        "window.eval": evaluate,
        "window.ready": ready,
    },
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(WINDOW_ROUTES)
    permissions.add_group(APPLICATION_ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add(
        "window.headless",
        bool,
        False,
        "Serve the app without opening a window, printing its URL (as `oro run --headless`).",
    )
    config.add(
        "window.persistent_storage",
        bool,
        True,
        "Keep the window's cookies, storage, caches and service workers between runs, in "
        "<data dir>/webview; false opens a private profile that forgets them when the app ends.",
    )
    config.add(
        "window.allow_navigation",
        list,
        [],
        "Origins besides the app's own that window.navigate may load (https://example.com).",
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


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    directory = find_js_api()
    if directory is not None:
        modules.add_directory(directory, owner="application")
