"""Who may act on which window, and where a window may go: the part of the
:class:`~oro_framework.host.windows.manager.WindowManager` every ``window.*`` route asks first.

A request names the window it acts on, or means its own (:meth:`WindowPolicy.target`); it acts
on itself, and on another window only as :meth:`WindowPolicy.check_control` allows. A window
shows pages of the app origin, or of an origin ``window.allow_navigation`` lists
(:meth:`WindowPolicy.resolve_url`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, final
from urllib.parse import urljoin, urlsplit

from oro_framework.host.errors import NotFoundError, SecurityError
from oro_framework.host.windows.model import MAIN_WINDOW, Window
from oro_framework.host.windows.settings import WindowSettings

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.request import Request

__all__ = ["WINDOW_CONTROL_PERMISSION", "WindowPolicy"]

WINDOW_CONTROL_PERMISSION: Final = "window_control"
"""The permission (``permissions.allow_window_control``, off unless the app turns it on) a window
needs to act on another window: eval, navigate, close, resize...
(:meth:`WindowPolicy.check_control`)."""


@final
class WindowPolicy:
    """The app's windows by index, which window a request means, and whether it may act on it.

    :param host: the host whose permissions decide.
    :param windows: the manager's windows by index, shared with its other parts (only read
        here).
    """

    def __init__(self, host: Host, windows: dict[int, Window]) -> None:
        self._host = host
        self._windows = windows
        self.origin: str | None = None
        """The app origin (``http://127.0.0.1:<port>``) once the server runs."""

    @property
    def windows(self) -> list[Window]:
        """Every window the app has had, by index; a closed one stays until its index is
        reused."""
        return [self._windows[index] for index in sorted(self._windows)]

    @property
    def open_count(self) -> int:
        return sum(window.is_open for window in self._windows.values())

    def get(self, index: int) -> Window:
        """:raises NotFoundError: no window has ``index``."""
        window = self._windows.get(index)
        if window is None:
            raise NotFoundError(f"No window with index {index}", targetWindowIndex=index)
        return window

    def target(self, request: Request) -> Window:
        """The window a request addresses, to read it: ``targetWindowIndex``, else the window
        the request proves it comes from. Never a default the request did not prove: without a
        window it must name one (an outside process let in by the bridge key gets the main
        window).

        :raises SecurityError: ``ERR_NO_WINDOW``, the request proves no window and names none.
        """
        own = request.window
        if own is None and request.by_bridge_key:
            own = MAIN_WINDOW
        if request.params.get("targetWindowIndex") is None:
            return self.get(request.require_window() if own is None else own)
        return self.get(request.params.require_int("targetWindowIndex", minimum=0))

    def check_control(self, request: Request, index: int, *, frame_only: bool = False) -> None:
        """Whether ``request`` may act on window ``index``: a window acts on itself; on another
        only while ``permissions.allow_window_control`` is true (it collapses the isolation of
        windows: eval in another window's page reads what that window holds). With
        ``frame_only`` (show, hide, close, move, resize...: nothing that reaches the page), a
        window may also act on the windows its page created, as Oro's ``createWindow()``
        handle does. A request without a window (a worker, another process, a tab without its
        launch URL) controls none; the HTTP IPC bridge key's outside process (``http.ipc``)
        controls all.

        :raises SecurityError: ``ERR_NO_WINDOW`` without a window, ``ERR_WINDOW_CONTROL`` for
            another window without the permission.
        """
        if request.by_bridge_key:
            return
        own = request.require_window()
        if index == own or self._host.is_permission_allowed(WINDOW_CONTROL_PERMISSION):
            return
        target = self._windows.get(index)
        opener = None if target is None else target.opener
        if not (frame_only and opener is not None and opener is self._windows.get(own)):
            raise SecurityError(
                f"{request.route}: window {own} may not control window {index} "
                f"(permissions.allow_{WINDOW_CONTROL_PERMISSION} is false)",
                code="ERR_WINDOW_CONTROL",
                window=own,
                targetWindowIndex=index,
            )

    def open_window(self, request: Request, *, frame_only: bool = False) -> Window:
        """Like :meth:`target`, for operations on the window (a closing or closed one cannot
        do them), which the request must be allowed (:meth:`check_control`; ``frame_only``:
        the operation does not reach the page, so the window's opener may do it too)."""
        window = self.target(request)
        self.check_control(request, window.index, frame_only=frame_only)
        if not window.is_open:
            raise NotFoundError(
                f"Window {window.index} is {window.status.value}",
                targetWindowIndex=window.index,
                status=window.status.value,
            )
        return window

    @property
    def root(self) -> str | None:
        """The app's root page (``<origin>/``), ``None`` before the server runs."""
        return f"{self.origin}/" if self.origin else None

    def resolve_url(self, base: str | None, url: str) -> str:
        """``url`` resolved against ``base``, where a window may go: the app origin (a path
        without a server), or an origin ``window.allow_navigation`` lists.

        :raises SecurityError: any other URL.
        """
        target = urljoin(base, url) if base else url
        parts = urlsplit(target)
        if not parts.scheme:
            if target.startswith("/") and not target.startswith("//"):
                return target  # no server yet (tests): a path on the app origin
            raise SecurityError(f"Navigation to '{url}' is not allowed: not a URL on the app")
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        listed = self._host.settings(WindowSettings).allow_navigation
        allowed = [item.rstrip("/").lower() for item in listed]
        if self.origin is not None and origin == self.origin.lower():
            return target
        if origin in allowed:
            return target
        raise SecurityError(
            f"Navigation to '{url}' is not allowed: '{origin}' is neither the app origin nor "
            "listed in window.allow_navigation",
            url=url,
        )
