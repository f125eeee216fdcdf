"""What the loop does to the app's windows through their engine: show, hide, close, resize,
navigate, eval... (the ``window.*`` routes' operations), and how plugins reach the toolkit's own
objects on the GUI thread (:meth:`WindowOperations.run_on_gui`).

The engine is a native one ``oro run`` attaches, whose operations run on its dispatcher thread,
or the :class:`~oro_framework.host.windows.headless.HeadlessEngine`, which answers on the loop:
:class:`EngineLink` holds it and says where to call it. The loop never waits synchronously for
the GUI.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, final
from urllib.parse import urlsplit

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_framework.host.errors import NotFoundError, NotSupportedError, SecurityError
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.request import json_parse_bound
from oro_framework.host.windows.engine import Engine, GuiDispatcher
from oro_framework.host.windows.headless import HEADLESS, NO_GUI, HeadlessEngine
from oro_framework.host.windows.held import GuiHeld
from oro_framework.host.windows.model import Window, WindowColor, WindowStatus

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.windows.policy import WindowPolicy
    from oro_framework.host.windows.status import WindowStatuses

__all__ = ["EngineLink", "WindowOperations"]

ResultT = TypeVar("ResultT")
HeldT = TypeVar("HeldT")


@final
class EngineLink:
    """The engine that shows the windows, and where the loop calls it: the
    :class:`~oro_framework.host.windows.headless.HeadlessEngine` until a GUI is attached."""

    def __init__(self) -> None:
        self.engine: Engine = HeadlessEngine()
        self.dispatcher: GuiDispatcher | None = None
        """How the loop reaches a native engine's GUI; ``None``: the engine answers on the loop."""

    async def call(self, function: Callable[..., ResultT], *args: Any) -> ResultT:
        """``function(*args)``, one of the engine's methods, where the engine runs: on the
        dispatcher thread, or at once on the loop for an engine without a GUI (headless)."""
        if self.dispatcher is None:
            return function(*args)
        return await self.dispatcher.call(function, *args)

    def gui_thread(self) -> GuiDispatcher:
        """:raises NotSupportedError: the engine has no GUI thread (headless)."""
        if self.dispatcher is None:
            raise NotSupportedError(NO_GUI)
        return self.dispatcher


class WindowOperations:
    """The operations on the app's windows, each on the loop thread: the
    :class:`~oro_framework.host.windows.manager.WindowManager` is one, with its other parts.

    Headless, the engine's windows are records, and :meth:`evaluate` raises
    :class:`~oro_framework.NotSupportedError`.

    :param host: the host the windows belong to.
    :param link: the engine and where to call it.
    :param policy: where a window may navigate, and the app origin.
    :param statuses: what each operation changes of a window's status.
    """

    def __init__(
        self, host: Host, link: EngineLink, policy: WindowPolicy, statuses: WindowStatuses
    ) -> None:
        self._host = host
        self._link = link
        self._policy = policy
        self._statuses = statuses
        self._ready_listeners: list[Callable[[Window], None]] = []
        self.exit_code = 0
        """The code ``application.exit`` asked for; ``oro run`` exits with it."""

    @property
    def is_headless(self) -> bool:
        return not self._link.engine.has_native_windows

    @property
    def toolkit(self) -> str | None:
        """The GUI toolkit's name (``"qt"``), ``None`` headless: which native objects
        :meth:`native` gives a plugin."""
        return self._link.engine.toolkit

    def add_ready_listener(self, listener: Callable[[Window], None]) -> None:
        """Call ``listener(window)`` on the loop whenever a page reports ready
        (``window.ready``)."""
        self._ready_listeners.append(listener)

    # ---------------------------------------------------------------------------------------
    # The toolkit's own objects, for plugins
    # ---------------------------------------------------------------------------------------

    async def run_on_gui(self, function: Callable[..., ResultT], *args: Any) -> ResultT:
        """Run ``function(*args)`` on the GUI thread and return its result, for plugins that
        work on the toolkit's objects (menus, dialogs, the clipboard; :attr:`toolkit` says
        which). It does not queue behind window operations and must not block: a dialog is
        opened with ``open()`` and its answer handed back to the loop, never ``exec()``.

        :raises NotSupportedError: headless: there is no GUI thread.
        :raises NotFoundError: the GUI has ended.
        """
        dispatcher = self._link.gui_thread()
        return await dispatcher.call_on_gui_thread(self._link.engine.post, function, *args)

    def hold(self, value: HeldT) -> GuiHeld[HeldT]:
        """``value``, a toolkit object made on the GUI thread, in a holder the loop may keep:
        however it is dropped, the object is let go on the GUI thread (a GTK object finalized
        on another thread aborts the app). Call it on the GUI thread, inside the function
        :meth:`run_on_gui` runs, before the object reaches the loop.

        :raises NotSupportedError: headless.
        """
        self._link.gui_thread()
        return GuiHeld(value, self._link.engine.post)

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
        return self._link.engine.native(window.index)

    async def ask_permission(self, index: int, question: str) -> PermissionAnswer:
        """Ask the user ``question`` (the permission broker's prompt) over window ``index``
        and wait for the answer; a window closed before it is answered is a denial.

        :raises NotSupportedError: headless (``ERR_HEADLESS``): no window to ask in.
        :raises NotFoundError: window ``index`` is not open, or the GUI has ended.
        """
        window = self._policy.get(index)
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

        engine = self._link.engine
        if not engine.has_native_windows:
            engine.ask_permission(index, question, answer)  # raises: headless
        await self.run_on_gui(engine.ask_permission, index, question, answer)
        await answered.wait()
        return answers[0]

    # ---------------------------------------------------------------------------------------
    # Operations (routes call these on the loop thread)
    # ---------------------------------------------------------------------------------------

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
        await self._link.call(self._link.engine.show, window.index)
        self._statuses.set(window, WindowStatus.SHOWN)
        await self._statuses.sync_lifecycle()

    async def focus(self, window: Window) -> None:
        """Bring ``window`` to the front (a second launch of the app asks for it)."""
        await self._link.call(self._link.engine.focus, window.index)
        self._statuses.set(window, WindowStatus.SHOWN)
        await self._statuses.sync_lifecycle()

    async def hide(self, window: Window) -> None:
        await self._link.call(self._link.engine.hide, window.index)
        self._statuses.set(window, WindowStatus.HIDDEN)
        await self._statuses.sync_lifecycle()

    async def close(self, window: Window) -> None:
        """Close ``window``; closing the last open window (or one created with
        ``exit_on_close``) stops the host."""
        self._statuses.set(window, WindowStatus.CLOSING)
        try:
            await self._link.call(self._link.engine.close, window.index)
        finally:
            self._statuses.set(window, WindowStatus.CLOSED)
            if window.exit_on_close:
                self._host.stop()
            await self._statuses.sync_lifecycle()

    async def close_all(self) -> None:
        """Close every open window (the host is stopping); the GUI loop then ends."""
        for window in self._policy.windows:
            if window.status is WindowStatus.CLOSED:
                continue
            self._statuses.set(window, WindowStatus.CLOSING)
            try:
                await self._link.call(self._link.engine.close, window.index)
            except NotFoundError:
                pass  # the GUI has already ended
            finally:
                self._statuses.set(window, WindowStatus.CLOSED)

    async def set_title(self, window: Window, title: str) -> None:
        await self._link.call(self._link.engine.set_title, window.index, title)
        window.title = title

    async def set_size(self, window: Window, width: int, height: int) -> None:
        await self._link.call(self._link.engine.set_size, window.index, width, height)
        window.width, window.height = width, height

    async def get_size(self, window: Window) -> tuple[int, int]:
        """The size the engine reports (the user may have resized it)."""
        size = await self._link.call(self._link.engine.get_size, window.index)
        window.width, window.height = size
        return window.width, window.height

    async def refresh(self, window: Window) -> Window:
        """Bring ``window``'s record in line with the engine's window (the user may have moved,
        resized, maximised or minimised it)."""
        if window.is_open:
            window.apply(await self._link.call(self._link.engine.state, window.index))
        return window

    async def maximize(self, window: Window) -> None:
        """Maximise ``window`` (shown, if it was hidden or minimised)."""
        await self._link.call(self._link.engine.maximize, window.index)
        await self.refresh(window)
        self._statuses.set(window, WindowStatus.SHOWN)
        await self._statuses.sync_lifecycle()

    async def minimize(self, window: Window) -> None:
        """Minimise ``window``; a minimised window counts as hidden (the app may pause)."""
        await self._link.call(self._link.engine.minimize, window.index)
        await self.refresh(window)
        self._statuses.set(window, WindowStatus.HIDDEN)
        await self._statuses.sync_lifecycle()

    async def restore(self, window: Window) -> None:
        """Give ``window`` back its normal size and place, shown."""
        await self._link.call(self._link.engine.restore, window.index)
        await self.refresh(window)
        self._statuses.set(window, WindowStatus.SHOWN)
        await self._statuses.sync_lifecycle()

    async def blur(self, window: Window) -> None:
        """Send ``window`` behind the others; headless there is nothing behind, so nothing
        changes."""
        await self._link.call(self._link.engine.blur, window.index)
        await self.refresh(window)

    async def show_inspector(self, window: Window) -> None:
        """Open ``window``'s developer tools; :class:`~oro_framework.NotSupportedError` when
        they are off (``ERR_DEVTOOLS_OFF``) or the app runs headless."""
        await self._link.call(self._link.engine.show_inspector, window.index)

    async def set_position(self, window: Window, x: int, y: int) -> None:
        """Move ``window``'s frame to ``(x, y)`` on the virtual desktop."""
        await self._link.call(self._link.engine.set_position, window.index, x, y)
        await self.refresh(window)

    async def set_always_on_top(self, window: Window, enabled: bool) -> None:
        """Keep ``window`` above other windows (``enabled``), or not."""
        await self._link.call(self._link.engine.set_always_on_top, window.index, enabled)
        await self.refresh(window)

    async def set_background_color(self, window: Window, color: WindowColor) -> None:
        """Paint ``window``'s web view ``color`` where its page draws nothing."""
        await self._link.call(self._link.engine.set_background_color, window.index, color)
        await self.refresh(window)

    async def screen_size(self, page_screen: tuple[int, int] | None = None) -> tuple[int, int]:
        """The primary screen's size; headless, ``page_screen``: the screen of the browser the
        asking page is shown in, which only the page knows (it sends its ``screen``).

        :raises NotSupportedError: headless without ``page_screen`` (code ``ERR_HEADLESS``).
        """
        try:
            return await self._link.call(self._link.engine.screen_size)
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
        target = self._policy.resolve_url(window.url or self._policy.root, url)
        await self._link.call(self._link.engine.navigate, window.index, target)
        window.url = target
        window.is_ready = False
        return target

    async def evaluate(self, window: Window, script: str) -> Any:
        """Run ``script`` in the window's page and return its JSON result.

        Only a page on the app origin runs it: a window navigated to an allowed outside site
        (``window.allow_navigation``) shows that site's page, whose data is not the app's to
        read.

        :raises NotSupportedError: headless (code ``ERR_HEADLESS``): the pages are in browsers
            the host cannot reach into.
        :raises SecurityError: the window shows a page on another origin.
        """
        engine = self._link.engine
        index = window.index
        origin = self._policy.origin

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

        return await self._link.call(run)

    def mark_ready(self, window: Window) -> None:
        """The window's page reports it has loaded and rendered (route ``window.ready``)."""
        window.is_ready = True
        for listener in list(self._ready_listeners):
            listener(window)

    def exit(self, code: int) -> None:
        """Stop the app with exit code ``code`` (route ``application.exit``)."""
        self.exit_code = code
        self._host.stop()
