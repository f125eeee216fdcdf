"""The host's ``[window]`` and ``[lifecycle]`` keys, declared beside the window manager that
reads them (the GUI runner reads ``window.port``); the host's plugin registers them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from oro_framework.host.config.settings import setting
from oro_framework.host.config.validators import screen_length

__all__ = ["LifecycleSettings", "WindowSettings"]


def _port(value: int) -> None:
    if not 0 <= value <= 65535:
        raise ValueError(f"must be a TCP port (0 to 65535), got {value}")


@final
@dataclass(frozen=True)
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
    port: int = setting(
        0,
        "Port on 127.0.0.1 the app is served on, run after run, so that what the browser keeps "
        "per origin (service workers, storage) carries over; 0 derives one from "
        "meta.bundle_identifier. `oro run --port` overrides it.",
        validator=_port,
    )
    headless: bool = setting(
        False,
        "Serve the app without opening a window, printing its URL (as `oro run --headless`).",
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
@dataclass(frozen=True)
class LifecycleSettings:
    """What hiding or minimising every window does to the app."""

    desktop_always_running: bool = setting(
        True,
        "Keep services running when the window is minimised; pages still get pause/resume events.",
    )
