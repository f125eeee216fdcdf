""":class:`HeadlessEngine`: the :class:`~oro_framework.host.windows.engine.Engine` of an app
without a GUI (no display, ``--headless``, tests), what the window manager uses until ``oro run``
attaches a native one.

Its windows are records: what a page sets (title, size, position, maximised, background colour)
is kept and read back, and what needs a real page or screen (``window.eval``, the screen's size,
the toolkit's objects) is :class:`~oro_framework.NotSupportedError`. It has no GUI thread: the
manager calls it on the loop, where each method answers at once. Since it shows no page
(:attr:`HeadlessEngine.has_native_windows` is false), a window counts as shown as soon as it
exists, and its launch URL goes to whoever runs the app.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework.host.errors import NotFoundError, NotSupportedError
from oro_framework.host.windows.debugging import PageDebugging
from oro_framework.host.windows.model import (
    NativeState,
    Window,
    WindowColor,
    WindowOptions,
)

if TYPE_CHECKING:
    from oro_framework.host.permission_broker import PermissionAnswer
    from oro_framework.host.windows.engine import GuiDispatcher, GuiListener

__all__ = ["HEADLESS", "NO_GUI", "HeadlessEngine"]

HEADLESS: Final = "ERR_HEADLESS"
"""The code of what a headless app cannot do that a page may ask for (``window.eval``, the
screen's size)."""

NO_GUI: Final = "This needs a native window; the app runs headless"
"""What a plugin asking for the GUI thread or a toolkit object is told headless."""


@final
class _Record:
    """One headless window: what the routes set, read back as a native window's state."""

    def __init__(self, title: str, url: str, state: NativeState) -> None:
        self.title = title
        self.url = url
        self.state = state


@final
class HeadlessEngine:
    """Windows without a GUI: records kept in memory, every operation answered at once on the
    calling (loop) thread."""

    def __init__(self) -> None:
        self._records: dict[int, _Record] = {}

    @property
    def has_native_windows(self) -> bool:
        return False

    @property
    def toolkit(self) -> str | None:
        return None

    def _record(self, index: int) -> _Record:
        """:raises NotFoundError: window ``index`` was never opened or has closed, as a native
        engine answers."""
        record = self._records.get(index)
        if record is None:
            raise NotFoundError(f"Window {index} has no headless window", targetWindowIndex=index)
        return record

    def _change(self, index: int, **changes: Any) -> None:
        record = self._record(index)
        record.state = dataclasses.replace(record.state, **changes)

    # ---------------------------------------------------------------------------------------
    # Opening and closing: nothing is shown, so there is nothing to hide or bring forward
    # ---------------------------------------------------------------------------------------

    def open(
        self,
        window: Window,
        url: str,
        listener: GuiListener,
        options: WindowOptions | None = None,
    ) -> None:
        state = NativeState(
            x=window.x,
            y=window.y,
            width=window.width,
            height=window.height,
            maximized=window.maximized,
            minimized=window.minimized,
            always_on_top=window.always_on_top,
            background_color=window.background_color,
        )
        self._records[window.index] = _Record(window.title, url, state)

    def show(self, index: int) -> None:
        self._record(index)

    def hide(self, index: int) -> None:
        self._record(index)

    def focus(self, index: int) -> None:
        self._record(index)

    def blur(self, index: int) -> None:
        """Nothing is behind a headless window: nothing changes."""
        self._record(index)

    def close(self, index: int) -> None:
        self._record(index)
        del self._records[index]

    # ---------------------------------------------------------------------------------------
    # What a page sets, kept and read back
    # ---------------------------------------------------------------------------------------

    def set_title(self, index: int, title: str) -> None:
        self._record(index).title = title

    def set_size(self, index: int, width: int, height: int) -> None:
        self._change(index, width=width, height=height)

    def get_size(self, index: int) -> tuple[int, int]:
        state = self._record(index).state
        return state.width, state.height

    def navigate(self, index: int, url: str) -> None:
        self._record(index).url = url

    def maximize(self, index: int) -> None:
        self._change(index, maximized=True, minimized=False)

    def minimize(self, index: int) -> None:
        self._change(index, minimized=True)

    def restore(self, index: int) -> None:
        self._change(index, maximized=False, minimized=False)

    def set_position(self, index: int, x: int, y: int) -> None:
        self._change(index, x=x, y=y)

    def set_always_on_top(self, index: int, enabled: bool) -> None:
        self._change(index, always_on_top=enabled)

    def set_background_color(self, index: int, color: WindowColor) -> None:
        self._change(index, background_color=color)

    def state(self, index: int) -> NativeState:
        return self._record(index).state

    # ---------------------------------------------------------------------------------------
    # What needs a real page, screen or toolkit
    # ---------------------------------------------------------------------------------------

    def page_url(self, index: int) -> str:
        """:raises NotSupportedError: the page is in a browser the host cannot reach into
        (``window.eval`` asks this first)."""
        raise _no_page(index)

    def evaluate(self, index: int, script: str) -> Any:
        """:raises NotSupportedError: the page is in a browser the host cannot reach into."""
        raise _no_page(index)

    def screen_size(self) -> tuple[int, int]:
        """:raises NotSupportedError: the screen is the browser's, which only its page knows."""
        raise NotSupportedError(
            "The screen size needs a native window; this app runs headless", code=HEADLESS
        )

    def native(self, index: int) -> Any:
        raise NotSupportedError(NO_GUI)

    def configure_debugging(self, debugging: PageDebugging) -> None:
        """Nothing to do: the page's console is the browser's it runs in, and so are its
        developer tools."""

    def show_inspector(self, index: int) -> None:
        """:raises NotSupportedError: the page's browser has its own developer tools."""
        raise NotSupportedError(
            "showInspector() needs a native window; this app runs headless: open the "
            "developer tools of the browser the page is in",
            code=HEADLESS,
            targetWindowIndex=index,
        )

    def ask_permission(
        self, index: int, question: str, answer: Callable[[PermissionAnswer], None]
    ) -> None:
        """:raises NotSupportedError: no window of the app's own to ask in; what a page of a
        headless app asks of the web platform is its browser's to decide."""
        raise NotSupportedError(
            "A permission prompt needs a native window; this app runs headless",
            code=HEADLESS,
            targetWindowIndex=index,
        )

    def post(self, function: Callable[[], None]) -> None:
        raise NotSupportedError(NO_GUI)

    def start(self, dispatcher: GuiDispatcher) -> None:
        raise NotSupportedError(f"{NO_GUI}: there is no GUI loop to start")


def _no_page(index: int) -> NotSupportedError:
    return NotSupportedError(
        "window.eval needs a native window; this app runs headless",
        code=HEADLESS,
        targetWindowIndex=index,
    )
