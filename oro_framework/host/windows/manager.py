"""The :class:`WindowManager`: the app's windows as routes and the command line see them, shown
by an :class:`~oro_framework.host.windows.engine.Engine`: a native one ``oro run`` attaches, or
the :class:`~oro_framework.host.windows.headless.HeadlessEngine`.

Events travel from the GUI to the loop: the toolkit reports shown/minimised/restored/closing/closed
on the GUI thread or short-lived threads of its own, and the manager moves them onto the loop with
``anyio.from_thread``. The loop never waits synchronously for the GUI, so these hops cannot
deadlock. Headless (no display, ``--headless``, tests) there is no GUI and no dispatcher: the
headless engine keeps the windows as records, answering on the loop, so every route works
except ``window.eval``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, final
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_framework.host import tracing
from oro_framework.host.config.values import screen_length_pixels
from oro_framework.host.errors import (
    InvalidArgumentError,
    IPCError,
    LifecycleError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.host.launch import (
    LAUNCH_PARAMETER,
    WindowCredentials,
    window_identity_script,
    window_launch_token,
)
from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState, emit_to_pages
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.permissions import PERMISSION_KINDS
from oro_framework.host.request import json_parse_bound
from oro_framework.host.windows import drops
from oro_framework.host.windows.engine import Engine, GuiDispatcher
from oro_framework.host.windows.headless import HEADLESS, NO_GUI, HeadlessEngine
from oro_framework.host.windows.held import GuiHeld
from oro_framework.host.windows.model import (
    CRASH_EVENT,
    DEFAULT_SIZE,
    LAUNCH_EVENT,
    MAIN_WINDOW,
    MAX_WINDOWS,
    TRANSITIONS,
    WINDOW_EVENTS,
    Window,
    WindowColor,
    WindowOptions,
    WindowStatus,
)
from oro_framework.host.windows.options import configured_options, user_agent_product
from oro_framework.host.windows.settings import LifecycleSettings, WindowSettings

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

    from oro_framework.host.app import Host
    from oro_framework.host.request import Request

__all__ = ["WINDOW_CONTROL_PERMISSION", "WindowManager"]

QUERY_NAMES: Final = {"display-capture": "screen"}
"""``navigator.permissions.query`` names that are another of the broker's kinds."""

WINDOW_CONTROL_PERMISSION: Final = "window_control"
"""The permission (``permissions.allow_window_control``, off unless the app turns it on) a window
needs to act on another window: eval, navigate, close, resize...
(:meth:`WindowManager.check_control`)."""

logger = logging.getLogger("oro_framework.windows")

ResultT = TypeVar("ResultT")
HeldT = TypeVar("HeldT")


@final
class WindowManager:
    """The app's windows as routes and the CLI see them, and the lifecycle they drive.

    * every open window hidden or minimised → the app goes to the background: pages get
      ``applicationpause``; with ``lifecycle.desktop_always_running = false`` the host really
      pauses (:meth:`Host.pause`, which stops ``stop_on_pause`` services and tells the pages);
    * a window shown or restored → back to the foreground: ``applicationresume``, or
      :meth:`Host.resume`;
    * no window left open (the last one closing), or a window created with
      ``exit_on_close`` closing → :meth:`Host.stop`.

    Every status a window reaches is also a page event to every page (:data:`WINDOW_EVENTS`).

    Without :meth:`attach_gui` the manager is headless: its engine is a
    :class:`~oro_framework.host.windows.headless.HeadlessEngine`, whose windows are records,
    shown as soon as they are created, and :meth:`evaluate` raises
    :class:`~oro_framework.NotSupportedError`.
    Every method except the ``gui_*`` listener methods must be called on the loop thread.

    :param host: the host whose lifecycle the windows drive.
    """

    def __init__(self, host: Host) -> None:
        self._host = host
        self._windows: dict[int, Window] = {}
        self._engine: Engine = HeadlessEngine()
        self._dispatcher: GuiDispatcher | None = None
        """How the loop reaches a native engine's GUI; ``None``: the engine answers on the loop."""
        self._token: EventLoopToken | None = None
        self._lifecycle_lock = anyio.Lock()
        self._is_in_background = False
        self._ready_listeners: list[Callable[[Window], None]] = []
        self._close_listeners: list[Callable[[Window], None]] = []
        self._launch_listeners: list[Callable[[Window, str], None]] = []
        self._launch_token: str | None = None
        self.credentials = WindowCredentials()
        """Which window a page is (:class:`~oro_framework.host.launch.WindowCredentials`):
        issued by the bridge when a window's launch URL opens, dropped when it closes."""
        self.origin: str | None = None
        """The app origin (``http://127.0.0.1:<port>``) once the server runs."""
        self.exit_code = 0
        """The code ``application.exit`` asked for; ``oro run`` exits with it."""

    # ---------------------------------------------------------------------------------------
    # Setup (before and as the host starts)
    # ---------------------------------------------------------------------------------------

    @property
    def is_headless(self) -> bool:
        return not self._engine.has_native_windows

    @property
    def toolkit(self) -> str | None:
        """The GUI toolkit's name (``"qt"``), ``None`` headless: which native objects
        :meth:`native` gives a plugin."""
        return self._engine.toolkit

    def attach_gui(self, gui: Engine, dispatcher: GuiDispatcher) -> None:
        """Use native windows from ``gui``, reached through ``dispatcher``; before any window
        exists."""
        if self._windows:
            raise RuntimeError("attach the GUI before opening windows")
        self._engine = gui
        self._dispatcher = dispatcher

    def bind_loop(self) -> None:
        """Remember the running event loop, so that GUI events can reach it; on the loop."""
        self._token = anyio.lowlevel.current_token()

    def set_origin(self, origin: str, launch_token: str | None = None) -> None:
        """The server runs at ``origin``: windows without a URL now show its root.

        :param launch_token: the run's launch token, from which every window created later
            gets a launch token of its own
            (:func:`~oro_framework.web.security.window_launch_token`); without it, created
            windows get no launch URL.
        """
        self.origin = origin
        self._launch_token = launch_token
        for window in self._windows.values():
            if window.url is None:
                window.url = f"{origin}/"

    def add_ready_listener(self, listener: Callable[[Window], None]) -> None:
        """Call ``listener(window)`` on the loop whenever a page reports ready
        (``window.ready``)."""
        self._ready_listeners.append(listener)

    def add_close_listener(self, listener: Callable[[Window], None]) -> None:
        """Call ``listener(window)`` on the loop when a window has closed, for what is held per
        window and must not outlive it (an extension it loaded). Must not block; an exception
        is logged."""
        self._close_listeners.append(listener)

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
            url=f"{self.origin}/" if self.origin else None,
        )
        self._windows[MAIN_WINDOW] = window
        self._set_status(window, WindowStatus.CREATED)
        shares = lengths if any(isinstance(length, str) for length in lengths) else None
        # [window]'s bounds and flags, checked here: a bad one is a warning, not a failure.
        configured = configured_options(self._host.settings(WindowSettings), shares)
        url, options = self._engine_options(window, launch_url, configured)
        self._engine.open(window, url, self, options)
        self._opened(window, options)
        return window

    def _engine_options(
        self, window: Window, launch_url: str | None, options: WindowOptions
    ) -> tuple[str, WindowOptions]:
        """What the engine opens for ``window`` (its launch URL, which starts the page's
        session) and the options it opens it with: a native window also gets the script that
        tells its pages which window they are."""
        if not self._engine.has_native_windows:
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
            self._set_status(window, WindowStatus.HIDDEN)
        if self._engine.has_native_windows:
            return None
        if not options.hidden:
            self._set_status(window, WindowStatus.SHOWN)
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
        parts = urlsplit(self.origin or url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return window_identity_script(origin, self.credentials.issue(index))

    # ---------------------------------------------------------------------------------------
    # Lookup
    # ---------------------------------------------------------------------------------------

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

    # ---------------------------------------------------------------------------------------
    # Operations (routes call these on the loop thread)
    # ---------------------------------------------------------------------------------------

    async def _on_engine(self, function: Callable[..., ResultT], *args: Any) -> ResultT:
        """``function(*args)``, one of the engine's methods, where the engine runs: on the
        dispatcher thread, or at once on the loop for an engine without a GUI (headless)."""
        if self._dispatcher is None:
            return function(*args)
        return await self._dispatcher.call(function, *args)

    def _gui_thread(self) -> GuiDispatcher:
        """:raises NotSupportedError: the engine has no GUI thread (headless)."""
        if self._dispatcher is None:
            raise NotSupportedError(NO_GUI)
        return self._dispatcher

    async def run_on_gui(self, function: Callable[..., ResultT], *args: Any) -> ResultT:
        """Run ``function(*args)`` on the GUI thread and return its result, for plugins that
        work on the toolkit's objects (menus, dialogs, the clipboard; :attr:`toolkit` says
        which). It does not queue behind window operations and must not block: a dialog is
        opened with ``open()`` and its answer handed back to the loop, never ``exec()``.

        :raises NotSupportedError: headless: there is no GUI thread.
        :raises NotFoundError: the GUI has ended.
        """
        dispatcher = self._gui_thread()
        return await dispatcher.call_on_gui_thread(self._engine.post, function, *args)

    def hold(self, value: HeldT) -> GuiHeld[HeldT]:
        """``value``, a toolkit object made on the GUI thread, in a holder the loop may keep:
        however it is dropped, the object is let go on the GUI thread (a GTK object finalized
        on another thread aborts the app). Call it on the GUI thread, inside the function
        :meth:`run_on_gui` runs, before the object reaches the loop.

        :raises NotSupportedError: headless.
        """
        self._gui_thread()
        return GuiHeld(value, self._engine.post)

    async def make_on_window(
        self, window: Window, function: Callable[..., HeldT], *args: Any
    ) -> GuiHeld[HeldT]:
        """Run ``function(native, *args)`` on the GUI thread with ``window``'s own toolkit object
        and return what it made (a dialog, a menu) :meth:`hold`-held: neither the window nor
        the made object is ever let go on the loop.

        :raises NotSupportedError: headless.
        :raises NotFoundError: the toolkit has not made the window yet, or the GUI has ended.
        """

        def on_window() -> GuiHeld[HeldT]:
            native = self.native(window)
            if native is None:
                raise NotFoundError(
                    f"Window {window.index} has no native window yet",
                    targetWindowIndex=window.index,
                )
            return self.hold(function(native, *args))

        return await self.run_on_gui(on_window)

    def native(self, window: Window) -> Any:
        """``window``'s own toolkit object (a ``QMainWindow`` under Qt), or ``None`` if the
        toolkit has not made it yet; touch it only inside a function :meth:`run_on_gui` runs.

        :raises NotSupportedError: headless.
        """
        return self._engine.native(window.index)

    async def create(
        self,
        options: WindowOptions,
        *,
        creator: int | None = None,
        page_screen: tuple[int, int] | None = None,
    ) -> tuple[Window, str | None]:
        """Create a window as ``options`` say and load its page.

        The page URL carries ``?index=N`` (the page's ``__args.index``). Once the server runs,
        the window opens a launch URL of its own (``...&oro_launch=<token>``, single-use): a
        native window opens it itself; headless, the launch listeners and the page event
        ``windowlaunch`` (``{index, url}``, to the ``creator`` window's pages only) hand it to
        whoever opens it.

        :raises OutOfRangeError: ``options.index`` is outside ``[0, MAX_WINDOWS)``, or
            :data:`MAX_WINDOWS` windows are open already.
        :raises InvalidArgumentError: ``options.index`` belongs to an open window.
        :raises SecurityError: the URL is neither on the app nor on an allowed origin.
        :param page_screen: the screen of the page asking, headless (see :meth:`screen_size`).
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
        self._set_status(window, WindowStatus.CREATED)
        try:
            url, engine_options = self._engine_options(window, launch_url or page_url, options)
            await self._on_engine(self._engine.open, window, url, self, engine_options)
        except Exception:
            # No window came of it. (Cancelled, the queued job still creates one.)
            self._set_status(window, WindowStatus.CLOSING)
            self._set_status(window, WindowStatus.CLOSED)
            raise
        handed_over = self._opened(window, options, launch_url, creator)
        if self._engine.has_native_windows and not options.hidden:
            # Socket's window.create shows the window before it answers: the answer and
            # application.getWindows say "shown" at once. The toolkit's own report of it comes
            # later (Qt's after a turn of its loop) and then changes nothing.
            self._set_status(window, WindowStatus.SHOWN)
        await self._sync_lifecycle()
        return window, handed_over

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
        target = self._resolve_url(f"{self.origin}/" if self.origin else None, url)
        parts = urlsplit(target)
        is_app = not parts.scheme or (
            self.origin is not None
            and f"{parts.scheme}://{parts.netloc}".lower() == self.origin.lower()
        )
        if not is_app:
            return target, None
        query = [
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if name not in ("index", LAUNCH_PARAMETER)
        ]
        page_url = urlunsplit(parts._replace(query=urlencode([*query, ("index", str(index))])))
        if self._launch_token is None or self.origin is None:
            return page_url, None
        token = window_launch_token(self._launch_token, index)
        launch_query = urlencode([*query, ("index", str(index)), (LAUNCH_PARAMETER, token)])
        return page_url, urlunsplit(parts._replace(query=launch_query))

    async def send(self, target: Window, event: str, value: Any) -> None:
        """Deliver page event ``event`` with detail ``value`` to ``target``'s pages only, once
        its page listens.

        :raises NotFoundError: ``target`` is closing or closed.
        :raises OutOfMemoryError: its page is not listening yet and the host's budget cannot
            hold ``value`` until it does.
        """
        if not target.is_open:
            raise NotFoundError(
                f"Window {target.index} is {target.status.value}",
                targetWindowIndex=target.index,
                status=target.status.value,
            )
        events = self._host.events
        if events.is_subscribed(target.index):
            events.emit(event, value, window=target.index)
            return
        # Held until the window's page connects its event channel (the page may have added its
        # listener, and the sender seen the window open, before its channel is up), in the
        # budget: the page that sent it has had its answer and no longer holds its request.
        size = json_parse_bound(json.dumps(value, default=str).encode())
        memory = self._host.memory.reserve(size, purpose="a message held for a window's page")
        events.emit_when_subscribed(event, value, window=target.index, memory=memory)

    async def show(self, window: Window) -> None:
        await self._on_engine(self._engine.show, window.index)
        self._set_status(window, WindowStatus.SHOWN)
        await self._sync_lifecycle()

    async def focus(self, window: Window) -> None:
        """Bring ``window`` to the front (a second launch of the app asks for it)."""
        await self._on_engine(self._engine.focus, window.index)
        self._set_status(window, WindowStatus.SHOWN)
        await self._sync_lifecycle()

    async def hide(self, window: Window) -> None:
        await self._on_engine(self._engine.hide, window.index)
        self._set_status(window, WindowStatus.HIDDEN)
        await self._sync_lifecycle()

    async def close(self, window: Window) -> None:
        """Close ``window``; closing the last open window (or one created with
        ``exit_on_close``) stops the host."""
        self._set_status(window, WindowStatus.CLOSING)
        try:
            await self._on_engine(self._engine.close, window.index)
        finally:
            self._set_status(window, WindowStatus.CLOSED)
            if window.exit_on_close:
                self._host.stop()
            await self._sync_lifecycle()

    async def close_all(self) -> None:
        """Close every open window (the host is stopping); the GUI loop then ends."""
        for window in self.windows:
            if window.status is WindowStatus.CLOSED:
                continue
            self._set_status(window, WindowStatus.CLOSING)
            try:
                await self._on_engine(self._engine.close, window.index)
            except NotFoundError:
                pass  # the GUI has already ended
            finally:
                self._set_status(window, WindowStatus.CLOSED)

    async def set_title(self, window: Window, title: str) -> None:
        await self._on_engine(self._engine.set_title, window.index, title)
        window.title = title

    async def set_size(self, window: Window, width: int, height: int) -> None:
        await self._on_engine(self._engine.set_size, window.index, width, height)
        window.width, window.height = width, height

    async def get_size(self, window: Window) -> tuple[int, int]:
        """The size the engine reports (the user may have resized it)."""
        window.width, window.height = await self._on_engine(self._engine.get_size, window.index)
        return window.width, window.height

    async def refresh(self, window: Window) -> Window:
        """Bring ``window``'s record in line with the engine's window (the user may have moved,
        resized, maximised or minimised it)."""
        if window.is_open:
            window.apply(await self._on_engine(self._engine.state, window.index))
        return window

    async def maximize(self, window: Window) -> None:
        """Maximise ``window`` (shown, if it was hidden or minimised)."""
        await self._on_engine(self._engine.maximize, window.index)
        await self.refresh(window)
        self._set_status(window, WindowStatus.SHOWN)
        await self._sync_lifecycle()

    async def minimize(self, window: Window) -> None:
        """Minimise ``window``; a minimised window counts as hidden (the app may pause)."""
        await self._on_engine(self._engine.minimize, window.index)
        await self.refresh(window)
        self._set_status(window, WindowStatus.HIDDEN)
        await self._sync_lifecycle()

    async def restore(self, window: Window) -> None:
        """Give ``window`` back its normal size and place, shown."""
        await self._on_engine(self._engine.restore, window.index)
        await self.refresh(window)
        self._set_status(window, WindowStatus.SHOWN)
        await self._sync_lifecycle()

    async def blur(self, window: Window) -> None:
        """Send ``window`` behind the others; headless there is nothing behind, so nothing
        changes."""
        await self._on_engine(self._engine.blur, window.index)
        await self.refresh(window)

    async def show_inspector(self, window: Window) -> None:
        """Open ``window``'s developer tools; :class:`~oro_framework.NotSupportedError` when
        they are off (``ERR_DEVTOOLS_OFF``) or the app runs headless."""
        await self._on_engine(self._engine.show_inspector, window.index)

    async def set_position(self, window: Window, x: int, y: int) -> None:
        """Move ``window``'s frame to ``(x, y)`` on the virtual desktop."""
        await self._on_engine(self._engine.set_position, window.index, x, y)
        await self.refresh(window)

    async def set_always_on_top(self, window: Window, enabled: bool) -> None:
        """Keep ``window`` above other windows (``enabled``), or not."""
        await self._on_engine(self._engine.set_always_on_top, window.index, enabled)
        await self.refresh(window)

    async def set_background_color(self, window: Window, color: WindowColor) -> None:
        """Paint ``window``'s web view ``color`` where its page draws nothing."""
        await self._on_engine(self._engine.set_background_color, window.index, color)
        await self.refresh(window)

    async def _screen_for(
        self, lengths: tuple[object, ...], page_screen: tuple[int, int] | None = None
    ) -> tuple[int | None, int | None]:
        """The screen's size when one of ``lengths`` (``window.width``/``height``) is Oro's
        ``"N%"`` and the screen can be known; ``None`` each otherwise (the key's default then)."""
        if not any(isinstance(length, str) for length in lengths):
            return None, None
        with contextlib.suppress(IPCError):
            return await self.screen_size(page_screen)
        return None, None

    async def screen_size(self, page_screen: tuple[int, int] | None = None) -> tuple[int, int]:
        """The primary screen's size; headless, ``page_screen``: the screen of the browser the
        asking page is shown in, which only the page knows (it sends its ``screen``).

        :raises NotSupportedError: headless without ``page_screen`` (code ``ERR_HEADLESS``).
        """
        try:
            return await self._on_engine(self._engine.screen_size)
        except NotSupportedError as error:
            # The engine sees no screen (headless): the page's browser is on the one it sent.
            if page_screen is None or error.code != HEADLESS:
                raise
            return page_screen

    async def navigate(self, window: Window, url: str) -> str:
        """Load ``url`` (resolved against the window's page) into ``window``.

        :raises SecurityError: the URL is neither on the app origin nor on an origin listed in
            ``window.allow_navigation``.
        :return: the absolute URL loaded.
        """
        target = self._resolve_navigation(window, url)
        await self._on_engine(self._engine.navigate, window.index, target)
        window.url = target
        window.is_ready = False
        return target

    def _resolve_navigation(self, window: Window, url: str) -> str:
        return self._resolve_url(window.url or (f"{self.origin}/" if self.origin else None), url)

    def _resolve_url(self, base: str | None, url: str) -> str:
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

    async def evaluate(self, window: Window, script: str) -> Any:
        """Run ``script`` in the window's page and return its JSON result.

        Only a page on the app origin runs it: a window navigated to an allowed outside site
        (``window.allow_navigation``) shows that site's page, whose data is not the app's to
        read.

        :raises NotSupportedError: headless (code ``ERR_HEADLESS``): the pages are in browsers
            the host cannot reach into.
        :raises SecurityError: the window shows a page on another origin.
        """
        engine = self._engine
        index = window.index
        origin = self.origin

        def run() -> Any:
            # The check and the script run in one dispatcher job: nothing navigates between.
            current = engine.page_url(index)
            parts = urlsplit(current or "")
            if origin is None or f"{parts.scheme}://{parts.netloc}".lower() != origin.lower():
                raise SecurityError(
                    f"window.eval runs only in pages of the app; window {index} shows another "
                    "origin's page",
                    code="ERR_EVAL_ORIGIN",
                    targetWindowIndex=index,
                )
            return engine.evaluate(index, script)

        return await self._on_engine(run)

    def mark_ready(self, window: Window) -> None:
        """The window's page reports it has loaded and rendered (route ``window.ready``)."""
        window.is_ready = True
        for listener in list(self._ready_listeners):
            listener(window)

    def exit(self, code: int) -> None:
        """Stop the app with exit code ``code`` (route ``application.exit``)."""
        self.exit_code = code
        self._host.stop()

    # ---------------------------------------------------------------------------------------
    # Status and lifecycle
    # ---------------------------------------------------------------------------------------

    def _set_status(self, window: Window, status: WindowStatus) -> bool:
        if status is window.status:
            return False
        if status not in TRANSITIONS[window.status]:
            if status is WindowStatus.CLOSED and window.is_open:
                window.status = WindowStatus.CLOSING
            else:
                logger.debug("window %d: ignoring %s while %s", window.index, status, window.status)
                return False
        window.status = status
        if status is WindowStatus.CLOSED:
            self.credentials.revoke(window.index)
            self._host.events.forget(window.index)
            for listener in list(self._close_listeners):
                try:
                    listener(window)
                except Exception:
                    logger.exception("a close listener of window %d failed", window.index)
        name = WINDOW_EVENTS.get(status)
        if name is not None:
            detail = {"index": window.index, "status": status.value, "window": window.to_json()}
            self._host.emit(name, detail)
        return True

    async def _sync_lifecycle(self) -> None:
        """Bring the app's lifecycle in line with what the user can see."""
        async with self._lifecycle_lock:
            open_windows = [window for window in self._windows.values() if window.is_open]
            if not open_windows:
                if self._windows:
                    self._host.stop()
                return
            if any(window.status is WindowStatus.SHOWN for window in open_windows):
                await self._move_to_background(False)
            elif all(window.status is WindowStatus.HIDDEN for window in open_windows):
                await self._move_to_background(True)

    async def _move_to_background(self, is_hidden: bool) -> None:
        if is_hidden == self._is_in_background:
            return
        if self._host.lifecycle not in (LifecycleState.RUNNING, LifecycleState.PAUSED):
            return  # starting or stopping: windows no longer steer the host
        self._is_in_background = is_hidden
        if self._host.settings(LifecycleSettings).desktop_always_running:
            # Services keep running (the Oro Runtime's desktop default); pages are told anyway,
            # with the payload the host's own pause/resume would send.
            if is_hidden:
                emit_to_pages(self._host, LifecycleEvent.PAUSED, LifecycleState.PAUSED)
            else:
                emit_to_pages(self._host, LifecycleEvent.RESUMED, LifecycleState.RUNNING)
            return
        try:
            if is_hidden and self._host.lifecycle is LifecycleState.RUNNING:
                await self._host.pause()
            elif not is_hidden and self._host.lifecycle is LifecycleState.PAUSED:
                await self._host.resume()
        except LifecycleError as error:
            logger.debug("lifecycle unchanged: %s", error)

    # ---------------------------------------------------------------------------------------
    # GuiListener: called by the toolkit on its threads, hopping onto the loop
    # ---------------------------------------------------------------------------------------

    def gui_status_changed(self, index: int, status: WindowStatus) -> None:
        if status is WindowStatus.CLOSING:
            # pywebview calls this on the GUI thread, in the middle of closing: record it and
            # ask the host to stop, no more (the loop is free to run this at once).
            self.to_loop(self._closing_from_gui, index)
        else:
            self._to_loop_async(self._status_from_gui, index, status)

    def gui_resized(self, index: int, width: int, height: int) -> None:
        self.to_loop(self._resized_from_gui, index, width, height)

    def gui_window_created(self, index: int) -> None:
        if index == MAIN_WINDOW:
            tracing.startup("window created")
        self.to_loop(self._created_from_gui, index)

    def gui_web_process_ended(self, index: int, reason: str, reloaded: bool) -> None:
        self.to_loop(self._web_process_ended, index, reason, reloaded)

    def gui_files_dropped(self, index: int, uri_list: bytes, x: int, y: int) -> None:
        self.to_loop(self._files_dropped, index, uri_list, x, y)

    def _files_dropped(self, index: int, uri_list: bytes, x: int, y: int) -> None:
        """Files dropped on window ``index``: each is granted to its page alone, read-only,
        as a picked file is, and the page gets Oro's ``dropin`` event ``{files, x, y}``
        (``platformdrop`` in the page). A drop that names no local file (text, a link) is the
        page's own DOM drop only."""
        window = self._windows.get(index)
        if window is None or not window.is_open:
            return
        try:
            dropped = drops.parse_uri_list(uri_list)
        except OutOfRangeError as error:
            logger.warning("window %d: a drop was refused (%s): %s", index, error.code, error)
            return
        if not dropped.paths:
            # Text or links: the page's own DOM drop has them; nothing to grant.
            logger.info("window %d: a drop named no local file", index)
            return
        if dropped.skipped or dropped.left_out:
            logger.warning(
                "window %d: a drop named %d local path(s); %d entries named none (links, text, "
                "another host, bad bytes) and %d past the first %d were left out",
                index,
                len(dropped.paths) + dropped.left_out,
                dropped.skipped,
                dropped.left_out,
                drops.MAX_DROPPED_FILES,
            )
        files = drops.grant_dropped(self._host.file_grants, index, dropped.paths)
        if files:
            logger.info("window %d: %d dropped path(s) granted to its page", index, len(files))
            self._host.emit(drops.DROP_EVENT, {"files": files, "x": x, "y": y}, window=index)

    def gui_close_requested(self, index: int) -> None:
        # The GUI thread must not wait here: closing needs it.
        self._to_loop_waiting(f"oro-window-{index}-close", self._close_requested_by_page, index)

    def gui_permission_requested(
        self,
        index: int,
        kinds: tuple[str, ...],
        origin: str,
        answer: Callable[[bool], None],
        *,
        page: str | None = None,
        frames: tuple[str, ...] = (),
    ) -> None:
        # The decision may wait for the user's answer to a prompt, which needs the GUI thread.
        self._to_loop_waiting(
            f"oro-window-{index}-permission",
            self._permission_requested_by_page,
            *(index, kinds, origin, answer, page, frames),
        )

    def gui_permission_state(
        self,
        index: int,
        name: str,
        origin: str,
        answer: Callable[[str], None],
        *,
        page: str | None = None,
    ) -> None:
        # The app's hook is called on the loop, as for a request; nobody is asked, so the
        # answer comes soon, and the engine holds the page's query meanwhile.
        self._to_loop_waiting(
            f"oro-window-{index}-permission-state",
            self._permission_state_for_page,
            *(index, name, origin, answer, page),
        )

    async def _permission_state_for_page(
        self, index: int, name: str, origin: str, answer: Callable[[str], None], page: str | None
    ) -> None:
        state = "prompt"
        try:
            kind = QUERY_NAMES.get(name, name)
            if kind in PERMISSION_KINDS:
                broker = self._host.permission_broker
                state = (await broker.state(kind, origin, index, embedder=page)).state
        except Exception:
            logger.exception("window %d: no permission state for %s of %s", index, name, origin)
        finally:
            self._answer_on_gui(answer, state)

    async def _permission_requested_by_page(
        self,
        index: int,
        kinds: tuple[str, ...],
        origin: str,
        answer: Callable[[bool], None],
        page: str | None = None,
        frames: tuple[str, ...] = (),
    ) -> None:
        """The engine asks for a frame of window ``index``'s page: the broker decides, and the
        engine hears it on the GUI thread. Anything that goes wrong denies."""
        allowed = False
        try:
            broker = self._host.permission_broker
            allowed = await broker.decide_in_page(kinds, origin, index, page=page, frames=frames)
        except Exception:
            logger.exception("window %d: denied %s to %s", index, kinds, origin)
        finally:
            self._answer_on_gui(answer, allowed)

    def _answer_on_gui(self, answer: Callable[[ResultT], None], value: ResultT) -> None:
        """Call the engine's ``answer(value)`` on the GUI thread."""
        with contextlib.suppress(Exception):  # the GUI has ended: nobody is left to hear
            self._engine.post(lambda: answer(value))

    async def ask_permission(self, index: int, question: str) -> PermissionAnswer:
        """Ask the user ``question`` (the permission broker's prompt) over window ``index``
        and wait for the answer; a window closed before it is answered is a denial.

        :raises NotSupportedError: headless (``ERR_HEADLESS``): no window to ask in.
        :raises NotFoundError: window ``index`` is not open, or the GUI has ended.
        """
        window = self.get(index)
        if not window.is_open:
            raise NotFoundError(f"Window {index} is closed", targetWindowIndex=index)
        answered = anyio.Event()
        answers: list[PermissionAnswer] = []
        token = anyio.lowlevel.current_token()

        def answer(given: PermissionAnswer) -> None:  # on the GUI thread
            if answers:
                return
            answers.append(given)
            with contextlib.suppress(anyio.RunFinishedError):
                anyio.from_thread.run_sync(answered.set, token=token)

        if not self._engine.has_native_windows:
            self._engine.ask_permission(index, question, answer)  # raises: headless
        await self.run_on_gui(self._engine.ask_permission, index, question, answer)
        await answered.wait()
        return answers[0]

    async def _close_requested_by_page(self, index: int) -> None:
        """Window ``index``'s page called ``window.close()``: the window closes as when the user
        closes it, and the app ends with its last window (as under the Oro Runtime). The engine
        reports only a window's own main frame: a page closes no other window this way."""
        window = self._windows.get(index)
        if window is None or not window.is_open:
            return
        logger.info("window %d: its page let it close (window.close(), or the user's close)", index)
        with contextlib.suppress(NotFoundError):  # closed meanwhile, or the GUI has ended
            await self.close(window)

    def _web_process_ended(self, index: int, reason: str, reloaded: bool) -> None:
        window = self._windows.get(index)
        if window is None:
            return
        # The page is gone: it reports ready again once its reload ran.
        window.is_ready = False
        detail = {"index": index, "reason": reason, "reloaded": reloaded}
        self._host.emit(CRASH_EVENT, detail)

    def to_loop(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function(*args)`` on the loop from a GUI callback (a menu item chosen, a dialog
        answered) and return once it ran; nothing happens before the loop runs or after it
        ended (the app is stopping: nobody is left to hear it). Call it from any thread but
        the loop's."""
        if self._token is None:
            logger.debug("GUI event before the loop runs: %s%r", function.__name__, args)
            return
        with contextlib.suppress(anyio.RunFinishedError):
            anyio.from_thread.run_sync(function, *args, token=self._token)

    def _to_loop_waiting(self, name: str, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)``, a coroutine function, on the loop from a GUI callback that
        must not wait for it (it may need the GUI thread, or take the user's time): a thread
        named ``name`` waits for the loop instead (pages ask rarely)."""
        threading.Thread(
            target=self._to_loop_async, args=(function, *args), name=name, daemon=True
        ).start()

    def _to_loop_async(self, function: Callable[..., Any], *args: Any) -> None:
        if self._token is None:
            logger.debug("GUI event before the loop runs: %s%r", function.__name__, args)
            return
        with contextlib.suppress(anyio.RunFinishedError):
            anyio.from_thread.run(function, *args, token=self._token)

    def _closing_from_gui(self, index: int) -> None:
        closing = self.get(index)
        self._set_status(closing, WindowStatus.CLOSING)
        if closing.exit_on_close or not any(window.is_open for window in self._windows.values()):
            self._host.stop()

    async def _status_from_gui(self, index: int, status: WindowStatus) -> None:
        if self._set_status(self.get(index), status):
            await self._sync_lifecycle()

    def _created_from_gui(self, index: int) -> None:
        window = self._windows.get(index)
        if window is not None and window.is_open:
            self._host.hooks.window_created(self._host, window)

    def _resized_from_gui(self, index: int, width: int, height: int) -> None:
        window = self.get(index)
        window.width, window.height = width, height
