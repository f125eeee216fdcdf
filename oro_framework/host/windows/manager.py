"""The :class:`WindowManager`: the app's windows as routes and the command line see them, shown
by an :class:`~oro_framework.host.windows.engine.Engine`: a native one ``oro run`` attaches, or
the :class:`~oro_framework.host.windows.headless.HeadlessEngine`.

The manager is its parts, one job each (as wry builds a window with one type and operates it
with another), sharing the windows by index:

* :mod:`.policy`: which window a request means, whether it may act on it, where a window may go;
* :mod:`.opening`: making windows, the main one and ``window.create``'s;
* :mod:`.operations`: what the loop does to windows through the engine; the manager is one;
* :mod:`.status`: a window's status, and the app lifecycle the statuses drive;
* :mod:`.inbox`: what the GUI thread hands the loop (the engine's ``GuiListener``);
* :mod:`.drops`: files dropped on a window, granted to its page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, final

from oro_framework.host.launch import WindowCredentials
from oro_framework.host.windows.inbox import GuiInbox
from oro_framework.host.windows.opening import WindowOpener
from oro_framework.host.windows.operations import EngineLink, WindowOperations
from oro_framework.host.windows.policy import WindowPolicy
from oro_framework.host.windows.status import WindowStatuses

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.request import Request
    from oro_framework.host.windows.engine import Engine, GuiDispatcher
    from oro_framework.host.windows.model import Window, WindowOptions

__all__ = ["WindowManager"]


@final
class WindowManager(WindowOperations):
    """The app's windows as routes and the CLI see them, and the lifecycle they drive
    (:mod:`~oro_framework.host.windows.status`). Every status a window reaches is also a page
    event to every page.

    Without :meth:`attach_gui` the manager is headless: its engine is a
    :class:`~oro_framework.host.windows.headless.HeadlessEngine`, whose windows are records,
    shown as soon as they are created, and :meth:`evaluate` raises
    :class:`~oro_framework.NotSupportedError`.
    Every method must be called on the loop thread, except :meth:`to_loop` and the
    :attr:`inbox`'s ``gui_*`` listener methods.

    :param host: the host whose lifecycle the windows drive.
    """

    def __init__(self, host: Host) -> None:
        self._windows: dict[int, Window] = {}
        self.credentials = WindowCredentials()
        """Which window a page is (:class:`~oro_framework.host.launch.WindowCredentials`):
        issued by the bridge when a window's launch URL opens, dropped when it closes."""
        link = EngineLink()
        policy = WindowPolicy(host, self._windows)
        statuses = WindowStatuses(host, self._windows, self.credentials)
        super().__init__(host, link, policy, statuses)
        self.inbox = GuiInbox(host, self._windows, link, policy, statuses, self)
        """What the engine reports its windows' events to, from the GUI's threads."""
        self._opener = WindowOpener(
            host, self._windows, link, policy, statuses, self.credentials, self.inbox, self
        )

    # ---------------------------------------------------------------------------------------
    # Setup (before and as the host starts)
    # ---------------------------------------------------------------------------------------

    def attach_gui(self, gui: Engine, dispatcher: GuiDispatcher) -> None:
        """Use native windows from ``gui``, reached through ``dispatcher``; before any window
        exists."""
        if self._windows:
            raise RuntimeError("attach the GUI before opening windows")
        self._link.engine = gui
        self._link.dispatcher = dispatcher

    def bind_loop(self) -> None:
        """Remember the running event loop, so that GUI events can reach it; on the loop."""
        self.inbox.bind_loop()

    @property
    def origin(self) -> str | None:
        """The app origin (``http://127.0.0.1:<port>``) once the server runs."""
        return self._policy.origin

    def set_origin(self, origin: str, launch_token: str | None = None) -> None:
        """The server runs at ``origin``: windows without a URL now show its root.

        :param launch_token: the run's launch token, from which every window created later
            gets a launch token of its own
            (:func:`~oro_framework.web.security.window_launch_token`); without it, created
            windows get no launch URL.
        """
        self._policy.origin = origin
        self._opener.launch_token = launch_token
        for window in self._windows.values():
            if window.url is None:
                window.url = f"{origin}/"

    def add_close_listener(self, listener: Callable[[Window], None]) -> None:
        """Call ``listener(window)`` on the loop when a window has closed, for what is held per
        window and must not outlive it (an extension it loaded). Must not block; an exception
        is logged."""
        self._statuses.add_close_listener(listener)

    def add_launch_listener(self, listener: Callable[[Window, str], None]) -> None:
        """Call ``listener(window, launch_url)`` on the loop when a headless window is created:
        nothing opens it, so whoever runs the app must (``oro run`` prints it)."""
        self._opener.add_launch_listener(listener)

    def to_loop(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function(*args)`` on the loop from a GUI callback (a menu item chosen, a dialog
        answered) and return once it ran; nothing happens before the loop runs or after it
        ended (the app is stopping: nobody is left to hear it). Call it from any thread but
        the loop's."""
        self.inbox.to_loop(function, *args)

    # ---------------------------------------------------------------------------------------
    # Opening (opening.py)
    # ---------------------------------------------------------------------------------------

    def open_main_window(self, launch_url: str | None = None) -> Window:
        """Create window 0 with the configured title and size.

        Headless, it is shown at once. With a GUI, the native window opens ``launch_url`` (the
        token URL that starts the page's session) when the GUI loop starts; its status follows
        the toolkit's events from then on.
        """
        return self._opener.open_main_window(launch_url)

    def open_first(self, path: str) -> None:
        """Have the native main window open ``path`` of the app origin before the app's page
        (``oro_configure``; oro-sw: a page that waits for the configured service workers, as
        Socket's runtime starts them before the window navigates). The page there goes on to
        the app's page itself, passing on the fragment it got (the window's credential).

        :raises ValueError: ``path`` is not an absolute path with no query.
        """
        if not path.startswith("/") or path.startswith("//") or "?" in path or "#" in path:
            raise ValueError(f"open_first needs a path of the app origin, not {path!r}")
        self._opener.first_page = path

    async def create(
        self,
        options: WindowOptions,
        *,
        creator: int | None = None,
        page_screen: tuple[int, int] | None = None,
    ) -> tuple[Window, str | None]:
        """Create a window as ``options`` say and load its page
        (:meth:`.opening.WindowOpener.create`).

        :return: the window and, headless with a server, its launch URL.
        """
        return await self._opener.create(options, creator=creator, page_screen=page_screen)

    # ---------------------------------------------------------------------------------------
    # Lookup and control (policy.py)
    # ---------------------------------------------------------------------------------------

    @property
    def windows(self) -> list[Window]:
        """Every window the app has had, by index; a closed one stays until its index is
        reused."""
        return self._policy.windows

    @property
    def open_count(self) -> int:
        return self._policy.open_count

    def get(self, index: int) -> Window:
        """:raises NotFoundError: no window has ``index``."""
        return self._policy.get(index)

    def target(self, request: Request) -> Window:
        """The window a request addresses, to read it (:meth:`.policy.WindowPolicy.target`).

        :raises SecurityError: ``ERR_NO_WINDOW``, the request proves no window and names none.
        """
        return self._policy.target(request)

    def check_control(self, request: Request, index: int, *, frame_only: bool = False) -> None:
        """Whether ``request`` may act on window ``index``
        (:meth:`.policy.WindowPolicy.check_control`).

        :raises SecurityError: ``ERR_NO_WINDOW`` without a window, ``ERR_WINDOW_CONTROL`` for
            another window without the permission.
        """
        self._policy.check_control(request, index, frame_only=frame_only)

    def open_window(self, request: Request, *, frame_only: bool = False) -> Window:
        """Like :meth:`target`, for operations on the window, which must be open and the
        request allowed (:meth:`.policy.WindowPolicy.open_window`)."""
        return self._policy.open_window(request, frame_only=frame_only)
