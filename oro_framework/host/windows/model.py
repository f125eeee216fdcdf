"""The window model: indices, statuses and the page events they raise, the options of a new
window and the :class:`Window` record the routes answer with."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Final, final

from oro_framework.records import record

MAIN_WINDOW: Final = 0
"""Index of the window ``oro run`` opens. Closing it stops the app only when it is the last
open window, as for any other window."""

MAX_WINDOWS: Final = 64
"""How many windows an app may have open at once (the Oro Runtime's limit); their indices are
``0`` to ``MAX_WINDOWS - 1``."""

DEFAULT_SIZE: Final = (1024, 768)
"""A new window's width and height in pixels when neither the config (``window.width``,
``window.height``) nor the page names them, on every engine."""

MIN_SIZE: Final = (200, 100)
"""The smallest width and height a window may be given when its options name none, on every
engine (pywebview's default)."""


MAX_LENGTH: Final = 32767
"""The largest width or height a toolkit accepts (Qt's ``QWIDGETSIZE_MAX``; X11 lengths are
16-bit): an unbounded side of a maximum size."""

MAX_ASPECT: Final = 1000.0
"""The widest or tallest aspect ratio a window may keep (either way), far beyond any screen:
``aspectRatio`` beyond it is out of range rather than a window one pixel high."""

MAX_USER_SCRIPT: Final = 1 << 20
"""The longest ``userScript`` in characters, as ``window.eval``'s script: a page's code arrives
as files; anything longer is a mistake or an attack on the IPC."""


def parse_aspect_ratio(text: str) -> tuple[float, float]:
    """Oro's ``aspectRatio``: ``"W:H"``, two positive numbers (``"16:9"``, ``"1.5 : 1"``) as
    Socket reads them (``split(':')`` then ``std::stof`` of each, trimmed), whose ratio is
    within ``1/MAX_ASPECT`` to :data:`MAX_ASPECT`.

    :raises ValueError: anything else (``"abc"``, ``"0:1"``, ``"16:9:1"``, ``"inf:1"``); the
        message says what was expected.
    """
    parts = text.split(":")
    if len(parts) != 2:
        raise ValueError(f"expected width:height such as 16:9, got {text!r}")
    try:
        width, height = (float(part.strip()) for part in parts)
    except ValueError:
        raise ValueError(
            f"expected two numbers as width:height such as 16:9, got {text!r}"
        ) from None
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ValueError(f"expected two positive numbers as width:height, got {text!r}")
    if not 1 / MAX_ASPECT <= width / height <= MAX_ASPECT:
        raise ValueError(
            f"expected a ratio within 1:{MAX_ASPECT:g} and {MAX_ASPECT:g}:1, got {text!r}"
        )
    return (width, height)


class WindowStatus(enum.StrEnum):
    """Where a window is in its life: none → created → shown ⇄ hidden → closing → closed.

    A minimised window counts as hidden: the user cannot see it.
    """

    NONE = "none"
    CREATED = "created"
    SHOWN = "shown"
    HIDDEN = "hidden"
    CLOSING = "closing"
    CLOSED = "closed"


TRANSITIONS: Final[Mapping[WindowStatus, frozenset[WindowStatus]]] = {
    WindowStatus.NONE: frozenset({WindowStatus.CREATED}),
    WindowStatus.CREATED: frozenset(
        {WindowStatus.SHOWN, WindowStatus.HIDDEN, WindowStatus.CLOSING}
    ),
    WindowStatus.SHOWN: frozenset({WindowStatus.HIDDEN, WindowStatus.CLOSING}),
    WindowStatus.HIDDEN: frozenset({WindowStatus.SHOWN, WindowStatus.CLOSING}),
    WindowStatus.CLOSING: frozenset({WindowStatus.CLOSED}),
    WindowStatus.CLOSED: frozenset(),
}


WINDOW_EVENTS: Final[Mapping[WindowStatus, str]] = {
    WindowStatus.CREATED: "windowcreate",
    WindowStatus.SHOWN: "windowshow",
    WindowStatus.HIDDEN: "windowhide",
    WindowStatus.CLOSED: "windowclose",
}
"""The page event every page gets when a window reaches a status, with detail
``{index, status, window}`` (``window``: the descriptor)."""

LAUNCH_EVENT: Final = "windowlaunch"
"""The page event the creator of a window without native windows (headless) gets with the new
window's launch URL, ``{index, url}``."""

CRASH_EVENT: Final = "windowcrash"
"""The page event every page gets when a window's web process ended, ``{index, reason,
reloaded}``."""

ORO_WINDOW_EVENTS: Final = ("windowresize", "windowfocus", "windowblur")
"""Oro's runtime's window events, which Oro's pages listen for (oro:bootstrap subscribes them
from the start): this host sends none yet, and no page may send them for it."""


@final
@record
class WindowOptions:
    """What ``window.create`` asked for, checked.

    :ivar index: the index to use; ``None`` takes the lowest free one.
    :ivar url: what the window loads: a path of the app, or a URL on the app origin or on an
        origin listed in ``window.allow_navigation``.
    :ivar hidden: create it hidden (Oro's ``headless``): it exists, its page runs, nobody sees it.
    :ivar exit_on_close: closing this window stops the app (Oro's
        ``shouldExitApplicationOnClose``) even when others are open.
    :ivar unsupported: the Oro options given that no backend here applies (``closable``,
        ``utility``, ``maxWidth``...); accepted, and reported back to the caller.
    :ivar screen_lengths: ``window.width``/``window.height`` as configured when one is Oro's
        ``"N%"`` and the screen is not known yet (the first window opens before the GUI
        runs): the GUI sizes the window from them once it can see the screen.
    :ivar max_width: with ``max_height``, the largest size the user may give the window
        (Oro's ``maxWidth``/``maxHeight``); ``None`` bounds nothing.
    :ivar aspect_ratio: width and height whose ratio the window keeps as the user resizes it
        (Oro's ``aspectRatio``, ``"16:9"``: :func:`parse_aspect_ratio`).
    :ivar closable: the window manager offers to close it (Oro's ``closable``); when false,
        a close from the window manager (its button, Alt+F4) is refused, while the app and the
        page's own ``window.close()`` still close it.
    :ivar minimizable: the window manager offers to minimise it.
    :ivar maximizable: the window manager offers to maximise it.
    :ivar utility: a utility window (``_NET_WM_WINDOW_TYPE_UTILITY``: a small palette the
        window manager may decorate less and keep off the taskbar).
    :ivar user_script: script the window runs at the start of every document of its main
        frame, after the identity script and before any of the page's (Oro's
        ``userScript``); only a caller that could ``window.eval`` in the window may give it.
    :ivar user_agent: the whole ``User-Agent`` of the window's pages (``webview.user_agent``);
        empty keeps the engine's own with ``user_agent_product`` after it.
    :ivar user_agent_product: ``OroRuntime/<version>``, what Oro appends to the engine's
        User-Agent.
    :ivar bound_lengths: ``window.min_width``, ``min_height``, ``max_width``, ``max_height``
        as configured when one is ``"N%"`` and the screen is not known yet: the GUI sets the
        bounds from them once it sees the screen
        (:func:`~oro_framework.host.windows.options.on_screen`).
    :ivar identity_script: the script a native window runs at the start of each of its
        documents on the app origin, before any of the page's: it hands the window's
        credential to the preload (:func:`~oro_framework.host.launch.window_identity_script`),
        so that the page keeps its window across reloads without storing the credential
        where script could read it. The window manager sets it; ``None`` headless.
    """

    index: int | None = None
    url: str = "/"
    title: str | None = None
    width: int | None = None
    height: int | None = None
    min_width: int | None = None
    min_height: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    aspect_ratio: tuple[float, float] | None = None
    resizable: bool = True
    frameless: bool = False
    closable: bool = True
    minimizable: bool = True
    maximizable: bool = True
    utility: bool = False
    hidden: bool = False
    exit_on_close: bool = False
    unsupported: tuple[str, ...] = ()
    screen_lengths: tuple[int | str, int | str] | None = None
    bound_lengths: tuple[int | str, int | str, int | str, int | str] | None = None
    identity_script: str | None = None
    user_script: str | None = None
    user_agent: str = ""
    user_agent_product: str = ""

    @property
    def min_size(self) -> tuple[int, int]:
        """The smallest width and height the window may be given: the options', else
        :data:`MIN_SIZE`."""
        return (self.min_width or MIN_SIZE[0], self.min_height or MIN_SIZE[1])

    @property
    def max_size(self) -> tuple[int, int] | None:
        """The largest width and height the window may be given, ``None`` when the options
        bound neither (an unbounded side is :data:`MAX_LENGTH`)."""
        if self.max_width is None and self.max_height is None:
            return None
        return (self.max_width or MAX_LENGTH, self.max_height or MAX_LENGTH)

    @property
    def aspect(self) -> float | None:
        """Width over height the window keeps (``aspectRatio``), or ``None``."""
        if self.aspect_ratio is None:
            return None
        return self.aspect_ratio[0] / self.aspect_ratio[1]

    def page_user_agent(self, engine_default: str) -> str:
        """What the window's pages send as ``User-Agent``: the app's ``webview.user_agent``
        when set, else the engine's own followed by ``OroRuntime/<version>`` (Oro's
        RUNTIME.md), once."""
        if self.user_agent:
            return self.user_agent
        if not self.user_agent_product or engine_default.endswith(self.user_agent_product):
            return engine_default
        return f"{engine_default} {self.user_agent_product}".strip()


@final
@record
class WindowColor:
    """A window's background colour: red, green and blue 0..255, alpha 0..1 (CSS's ranges)."""

    red: int
    green: int
    blue: int
    alpha: float = 1.0

    def to_json(self) -> dict[str, int | float]:
        return {"red": self.red, "green": self.green, "blue": self.blue, "alpha": self.alpha}

    def css(self) -> str:
        """``rgba(r, g, b, a)``: what ``window.getBackgroundColor`` answers."""
        return f"rgba({self.red}, {self.green}, {self.blue}, {self.alpha:g})"


WHITE: Final = WindowColor(255, 255, 255, 1.0)
"""A new window's background, the web engine's default."""


@final
@record
class NativeState:
    """What the toolkit reports about a real window: its frame's position, its size, its state
    flags and the web view's background colour."""

    x: int
    y: int
    width: int
    height: int
    maximized: bool
    minimized: bool
    always_on_top: bool
    background_color: WindowColor


@final
@record(frozen=False)
class Window:
    """What the host knows about one window; changed only on the loop thread."""

    index: int
    title: str
    width: int
    height: int
    url: str | None = None
    status: WindowStatus = WindowStatus.NONE
    is_ready: bool = False
    exit_on_close: bool = False
    x: int = 0
    y: int = 0
    maximized: bool = False
    minimized: bool = False
    always_on_top: bool = False
    background_color: WindowColor = field(default_factory=lambda: WHITE)
    opener: Window | None = field(default=None, repr=False, compare=False)
    """The window whose page created this one (``window.create``), which may show, hide, close,
    move and resize it (never run script in it or navigate it); ``None`` for the main window
    and windows the host or an outside process made."""

    @property
    def is_open(self) -> bool:
        return self.status not in (WindowStatus.CLOSING, WindowStatus.CLOSED)

    def apply(self, state: NativeState) -> None:
        """Take on what the toolkit reports about the real window."""
        self.x, self.y, self.width, self.height = state.x, state.y, state.width, state.height
        self.maximized, self.minimized = state.maximized, state.minimized
        self.always_on_top = state.always_on_top
        self.background_color = state.background_color

    def to_json(self) -> dict[str, Any]:
        """The descriptor routes answer (``application.getWindows``, ``window.show``...)."""
        return {
            "index": self.index,
            "title": self.title,
            "width": self.width,
            "height": self.height,
            "position": {"x": self.x, "y": self.y},
            "url": self.url,
            "status": self.status.value,
            "isReady": self.is_ready,
            "maximized": self.maximized,
            "minimized": self.minimized,
            "alwaysOnTop": self.always_on_top,
            "backgroundColor": self.background_color.to_json(),
        }
