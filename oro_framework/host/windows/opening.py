"""Opening windows: the main one as ``[window]`` configures it, and those ``window.create`` asks
for. As wry builds a window with one type and operates it with another, a window is made here and
operated by :class:`~oro_framework.host.windows.operations.WindowOperations` from then on.

A window's page URL carries ``?index=N`` (the page's ``__args.index``). Once the server runs,
the window opens a launch URL of its own (``...&oro_launch=<token>``, single-use), which starts
its page's session: a native window opens it itself; headless, the launch listeners and the page
event ``windowlaunch`` hand it to whoever opens it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from oro_framework.host.config.values import screen_length_pixels
from oro_framework.host.errors import InvalidArgumentError, IPCError, OutOfRangeError
from oro_framework.host.launch import (
    LAUNCH_PARAMETER,
    window_identity_script,
    window_launch_token,
)
from oro_framework.host.windows.model import (
    DEFAULT_SIZE,
    LAUNCH_EVENT,
    MAIN_WINDOW,
    MAX_WINDOWS,
    Window,
    WindowOptions,
    WindowStatus,
)
from oro_framework.host.windows.options import configured_options, user_agent_product
from oro_framework.host.windows.settings import WindowSettings

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.launch import WindowCredentials
    from oro_framework.host.windows.engine import GuiListener
    from oro_framework.host.windows.operations import EngineLink, WindowOperations
    from oro_framework.host.windows.policy import WindowPolicy
    from oro_framework.host.windows.status import WindowStatuses

__all__ = ["WindowOpener"]


@final
class WindowOpener:
    """Makes the app's windows and has the engine open them. On the loop thread.

    :param windows: the manager's windows by index, shared with its other parts: a window made
        here is added.
    :param link: the engine that opens them.
    :param policy: the app origin, and where a window may go.
    :param credentials: the windows' credentials; a native window's page gets one.
    :param listener: what the engine reports each window's events to.
    :param operations: the screen's size, for Oro's ``"N%"`` sizes.
    """

    def __init__(
        self,
        host: Host,
        windows: dict[int, Window],
        link: EngineLink,
        policy: WindowPolicy,
        statuses: WindowStatuses,
        credentials: WindowCredentials,
        listener: GuiListener,
        operations: WindowOperations,
    ) -> None:
        self._host = host
        self._windows = windows
        self._link = link
        self._policy = policy
        self._statuses = statuses
        self._credentials = credentials
        self._listener = listener
        self._operations = operations
        self.first_page: str | None = None
        """The path the native main window opens first (``WindowManager.open_first``)."""
        self._launch_listeners: list[Callable[[Window, str], None]] = []
        self.launch_token: str | None = None
        """The run's launch token, from which every window created gets a launch token of its
        own (:func:`~oro_framework.host.launch.window_launch_token`); ``None``: created
        windows get no launch URL."""

    def add_launch_listener(self, listener: Callable[[Window, str], None]) -> None:
        """Call ``listener(window, launch_url)`` on the loop when a headless window is created:
        nothing opens it, so whoever runs the app must (``oro run`` prints it)."""
        self._launch_listeners.append(listener)

    def open_main_window(self, launch_url: str | None = None) -> Window:
        """Create window 0 with the configured title and size.

        Headless, it is shown at once. With a GUI, the native window opens ``launch_url`` (the
        token URL that starts the page's session) when the GUI loop starts; its status follows
        the toolkit's events from then on.
        """
        lengths = self._configured_size()
        window = Window(
            index=MAIN_WINDOW,
            title=self._configured_title(),
            width=screen_length_pixels(lengths[0], None, DEFAULT_SIZE[0]),
            height=screen_length_pixels(lengths[1], None, DEFAULT_SIZE[1]),
            url=self._policy.root,
        )
        self._windows[MAIN_WINDOW] = window
        self._statuses.set(window, WindowStatus.CREATED)
        shares = lengths if any(isinstance(length, str) for length in lengths) else None
        # [window]'s bounds and flags, checked here: a bad one is a warning, not a failure.
        configured = configured_options(self._host.settings(WindowSettings), shares)
        if launch_url is not None and self.first_page and self._link.engine.has_native_windows:
            # The launch token starts the session on the first page just as on the app's.
            launch_url = urlunsplit(urlsplit(launch_url)._replace(path=self.first_page))
        url, options = self._engine_options(window, launch_url, configured)
        self._link.engine.open(window, url, self._listener, options)
        self._opened(window, options)
        return window

    async def create(
        self,
        options: WindowOptions,
        *,
        creator: int | None = None,
        page_screen: tuple[int, int] | None = None,
    ) -> tuple[Window, str | None]:
        """Create a window as ``options`` say and load its page (its launch URL, once the server
        runs); headless, the page event ``windowlaunch`` (``{index, url}``) goes to the
        ``creator`` window's pages only.

        :raises OutOfRangeError: ``options.index`` is outside ``[0, MAX_WINDOWS)``, or
            :data:`MAX_WINDOWS` windows are open already.
        :raises InvalidArgumentError: ``options.index`` belongs to an open window.
        :raises SecurityError: the URL is neither on the app nor on an allowed origin.
        :param page_screen: the screen of the page asking, headless (see
            :meth:`~oro_framework.host.windows.operations.WindowOperations.screen_size`).
        :return: the window and, headless with a server, its launch URL.
        """
        index = self._free_index(options.index)
        page_url, launch_url = self._window_urls(index, options.url)
        configured = self._configured_size()
        screen = await self._screen_for(configured, page_screen)
        window = Window(
            index=index,
            title=self._configured_title() if options.title is None else options.title,
            width=options.width or screen_length_pixels(configured[0], screen[0], DEFAULT_SIZE[0]),
            height=options.height
            or screen_length_pixels(configured[1], screen[1], DEFAULT_SIZE[1]),
            url=page_url,
            exit_on_close=options.exit_on_close,
            opener=None if creator is None else self._windows.get(creator),
        )
        self._windows[index] = window
        self._statuses.set(window, WindowStatus.CREATED)
        try:
            url, engine_options = self._engine_options(window, launch_url or page_url, options)
            engine = self._link.engine
            await self._link.call(engine.open, window, url, self._listener, engine_options)
        except Exception:
            # No window came of it. (Cancelled, the queued job still creates one.)
            self._statuses.set(window, WindowStatus.CLOSING)
            self._statuses.set(window, WindowStatus.CLOSED)
            raise
        handed_over = self._opened(window, options, launch_url, creator)
        if self._link.engine.has_native_windows and not options.hidden:
            # Socket's window.create shows the window before it answers: the answer and
            # application.getWindows say "shown" at once. The toolkit's own report of it comes
            # later (Qt's after a turn of its loop) and then changes nothing.
            self._statuses.set(window, WindowStatus.SHOWN)
        await self._statuses.sync_lifecycle()
        return window, handed_over

    def _engine_options(
        self, window: Window, launch_url: str | None, options: WindowOptions
    ) -> tuple[str, WindowOptions]:
        """What the engine opens for ``window`` (its launch URL, which starts the page's
        session) and the options it opens it with: a native window also gets the script that
        tells its pages which window they are."""
        if not self._link.engine.has_native_windows:
            return launch_url or window.url or "", options
        if launch_url is None:
            raise ValueError("a GUI window needs the launch URL")
        identity = self._identity_script(window.index, launch_url)
        # Imported here: the host's own settings module declares the [webview] keys.
        from oro_framework.host.builtin_settings import WebviewSettings

        return launch_url, dataclasses.replace(
            options,
            identity_script=identity,
            user_agent=self._host.settings(WebviewSettings).user_agent,
            user_agent_product=user_agent_product(),
        )

    def _opened(
        self,
        window: Window,
        options: WindowOptions,
        launch_url: str | None = None,
        creator: int | None = None,
    ) -> str | None:
        """``window``'s engine has opened it. A native engine reports the rest (made, shown)
        through :class:`~oro_framework.host.windows.engine.GuiListener`; an engine without
        native windows has nothing to report: the window is shown (unless created hidden) and
        its launch URL goes to the launch listeners and the ``creator`` window's pages, which
        is returned."""
        if options.hidden:
            self._statuses.set(window, WindowStatus.HIDDEN)
        if self._link.engine.has_native_windows:
            return None
        if not options.hidden:
            self._statuses.set(window, WindowStatus.SHOWN)
        self._host.hooks.window_created(self._host, window)
        if launch_url is not None:
            for listener in list(self._launch_listeners):
                listener(window, launch_url)
            if creator is not None:
                detail = {"index": window.index, "url": launch_url}
                self._host.emit(LAUNCH_EVENT, detail, window=creator)
        return launch_url

    def _configured_title(self) -> str:
        """A new window's title unless its page names one: ``window.title``, else the app's
        name."""
        title = self._host.settings(WindowSettings).title
        # Imported here: the host's own settings module declares the windows' keys too.
        from oro_framework.host.builtin_settings import MetaSettings

        return title or self._host.settings(MetaSettings).name

    def _configured_size(self) -> tuple[int | str, int | str]:
        """``window.width`` and ``window.height`` as configured: pixels or Oro's ``"N%"``."""
        window = self._host.settings(WindowSettings)
        return (window.width, window.height)

    def _identity_script(self, index: int, url: str) -> str:
        """What a native window runs before each page of the app origin to know its window:
        a credential of its own, kept by the engine, never by the page (docs/design.md#window-
        identity)."""
        parts = urlsplit(self._policy.origin or url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return window_identity_script(origin, self._credentials.issue(index))

    async def _screen_for(
        self, lengths: tuple[object, ...], page_screen: tuple[int, int] | None = None
    ) -> tuple[int | None, int | None]:
        """The screen's size when one of ``lengths`` (``window.width``/``height``) is Oro's
        ``"N%"`` and the screen can be known; ``None`` each otherwise (the key's default then)."""
        if not any(isinstance(length, str) for length in lengths):
            return None, None
        with contextlib.suppress(IPCError):
            return await self._operations.screen_size(page_screen)
        return None, None

    def _free_index(self, wanted: int | None) -> int:
        if wanted is not None:
            if not 0 <= wanted < MAX_WINDOWS:
                raise OutOfRangeError(
                    f"'targetWindowIndex' must be within [0, {MAX_WINDOWS - 1}] (or -1 for the "
                    f"next free index), got {wanted}",
                    parameter="targetWindowIndex",
                )
            existing = self._windows.get(wanted)
            if existing is not None and existing.is_open:
                # Oro's words exactly (pages compare them); what to do instead is the hint.
                raise InvalidArgumentError(
                    f"Window with index {wanted} already exists",
                    code="ERR_WINDOW_EXISTS",
                    targetWindowIndex=wanted,
                    status=existing.status.value,
                    hint="close it first, or pass targetWindowIndex -1 for the next free index",
                )
            return wanted
        for index in range(MAX_WINDOWS):
            existing = self._windows.get(index)
            if existing is None or not existing.is_open:
                return index
        raise OutOfRangeError(
            f"An app may have at most {MAX_WINDOWS} windows open; close one first",
            code="ERR_MAX_WINDOWS",
            maximum=MAX_WINDOWS,
        )

    def _window_urls(self, index: int, url: str) -> tuple[str, str | None]:
        """The page URL of window ``index`` and its launch URL (``None`` without a server,
        or for a page on another origin, which needs no session of ours)."""
        origin = self._policy.origin
        target = self._policy.resolve_url(self._policy.root, url)
        parts = urlsplit(target)
        is_app = not parts.scheme or (
            origin is not None and f"{parts.scheme}://{parts.netloc}".lower() == origin.lower()
        )
        if not is_app:
            return target, None
        query = [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if name not in ("index", LAUNCH_PARAMETER)
        ]
        page_url = urlunsplit(parts._replace(query=urlencode([*query, ("index", str(index))])))
        if self.launch_token is None or origin is None:
            return page_url, None
        token = window_launch_token(self.launch_token, index)
        launch_query = urlencode([*query, ("index", str(index)), (LAUNCH_PARAMETER, token)])
        return page_url, urlunsplit(parts._replace(query=launch_query))
