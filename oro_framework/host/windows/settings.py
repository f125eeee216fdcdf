"""The host's ``[window]`` and ``[lifecycle]`` keys, declared beside the window manager that
reads them (the GUI runner reads ``window.port``); the host's plugin registers them."""

from __future__ import annotations

from typing import final

from oro_framework.host.config.settings import setting
from oro_framework.host.config.validators import screen_length
from oro_framework.records import record

__all__ = ["LifecycleSettings", "WindowSettings"]


def _port(value: int) -> None:
    if not 0 <= value <= 65535:
        raise ValueError(f"must be a TCP port (0 to 65535), got {value}")


@final
@record
class WindowSettings:
    """The windows: the main one's title and size, the port the app is served on, whether
    there are windows at all, what they keep between runs and where they may navigate."""

    title: str = setting("", "Title of the main window; empty means meta.name.")
    width: int | str = setting(
        1024,
        'Initial width of the main window in pixels, or Oro\'s "N%" of the screen ("50%").',
        validator=screen_length,
    )
    height: int | str = setting(
        768,
        'Initial height of the main window in pixels, or Oro\'s "N%" of the screen ("50%").',
        validator=screen_length,
    )
    # The first window's bounds and flags, as window.create's options for later windows. No
    # validator: a value the window cannot take (a negative length, min above max, an aspect
    # ratio that does not parse) is a warning and the default when the window opens, never a
    # refusal to start (WindowManager.configured_options).
    min_width: int | str = setting(
        0, 'Smallest width the user may give the main window: pixels or "N%"; 0 is none.'
    )
    min_height: int | str = setting(
        0, 'Smallest height the user may give the main window: pixels or "N%"; 0 is none.'
    )
    max_width: int | str = setting(
        0, 'Largest width the user may give the main window: pixels or "N%"; 0 is none.'
    )
    max_height: int | str = setting(
        0, 'Largest height the user may give the main window: pixels or "N%"; 0 is none.'
    )
    aspect_ratio: str = setting(
        "",
        'Width:height the main window keeps as the user resizes it ("16:9"); empty is none.',
    )
    resizable: bool = setting(True, "The user may resize the main window.")
    frameless: bool = setting(False, "The main window has no title bar or border.")
    closable: bool = setting(
        True,
        "The window manager offers to close the main window; false refuses its close (the "
        "page's window.close() and application.exit still close it).",
    )
    minimizable: bool = setting(True, "The window manager offers to minimise the main window.")
    maximizable: bool = setting(True, "The window manager offers to maximise the main window.")
    utility: bool = setting(
        False, "The main window is a utility window (_NET_WM_WINDOW_TYPE_UTILITY)."
    )
    titlebar_style: str = setting(
        "",
        "Oro's macOS/Windows title bar style (hidden, hiddenInset): accepted, with a warning, "
        "and not applied on Linux, where the window manager draws the title bar (frameless "
        "goes without it).",
    )
    port: int = setting(
        0,
        "Port on 127.0.0.1 the app is served on, run after run, so that what the browser keeps "
        "per origin (service workers, storage) carries over; 0 derives one from "
        "meta.bundle_identifier. `oro run --port` overrides it.",
        validator=_port,
    )
    headless: bool = setting(
        False,
        "Run the app's pages in windows that are never shown (Socket's [build] headless): a test "
        "app's suite runs and the app ends with its status. With no display, on a virtual one "
        "(Xvfb); without Xvfb the app is served and its URL printed, as `oro run --headless`.",
        oro_names=("build.headless",),
    )
    persistent_storage: bool = setting(
        True,
        "Keep the window's cookies, storage, caches and service workers between runs, in "
        "<data dir>/webview; false opens a private profile that forgets them when the app ends.",
    )
    allow_navigation: list[str] = setting(
        [],
        "Origins besides the app's own that window.navigate may load (https://example.com).",
    )


@final
@record
class LifecycleSettings:
    """What hiding or minimising every window does to the app."""

    desktop_always_running: bool = setting(
        True,
        "Keep services running when the window is minimised; pages still get pause/resume events.",
    )
