"""The window model: indices, statuses and the page events they raise, the options of a new
window and the :class:`Window` record the routes answer with."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, final

from oro_framework.host.lifecycle import PAGE_EVENTS

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


@final
@dataclass(frozen=True)
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
    resizable: bool = True
    frameless: bool = False
    hidden: bool = False
    exit_on_close: bool = False
    unsupported: tuple[str, ...] = ()
    screen_lengths: tuple[int | str, int | str] | None = None
    identity_script: str | None = None

    @property
    def min_size(self) -> tuple[int, int]:
        """The smallest width and height the window may be given: the options', else
        :data:`MIN_SIZE`."""
        return (self.min_width or MIN_SIZE[0], self.min_height or MIN_SIZE[1])


@final
@dataclass(frozen=True)
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
@dataclass(frozen=True)
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
@dataclass
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


HOST_EVENTS: Final = frozenset(
    {
        "open",
        "error",
        "message",
        # window.send's 'message' (a MessageEvent in the target page), carrying the sender's
        # window as the host proved it: a page sending it itself would name any sender.
        "windowmessage",
        "windowlaunch",
        "windowcrash",
        "hotkeybindings",
        *PAGE_EVENTS.values(),
        *WINDOW_EVENTS.values(),
    }
)
"""Event names only the host sends: a page must not make another believe the app stops."""
