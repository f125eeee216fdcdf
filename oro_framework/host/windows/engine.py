"""What a GUI toolkit must offer the :class:`~oro_framework.host.windows.manager.WindowManager`
(:class:`Engine`), what it reports back (:class:`GuiListener`), and the one dispatcher through
which the event loop reaches the GUI.

Threads, when a GUI exists (``docs/design.md``, "Windows and threads"):

* the **GUI thread** is the process's main thread; the toolkit's loop (Qt) runs there;
* the **loop thread** runs the host's anyio event loop (trio): routes, services, the server, and
  every change to the window manager's state;
* the **dispatcher thread** is the one the toolkit starts for us; :meth:`GuiDispatcher.serve`
  runs there and performs the window operations the loop asks for, one at a time, in order.
  pywebview's window methods hand each operation to the GUI thread and wait for it, so they must
  never run on the loop thread, where that wait would stall every request.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_framework.host.errors import (
    NotFoundError,
)
from oro_framework.host.windows.debugging import PageDebugging
from oro_framework.host.windows.model import (
    NativeState,
    Window,
    WindowColor,
    WindowOptions,
    WindowStatus,
)

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

    from oro_framework.host.permission_broker import PermissionAnswer
    from oro_framework.host.schemes import SchemeReply, SchemeRequest

ResultT = TypeVar("ResultT")


class GuiListener(Protocol):
    """What a :class:`Engine` reports to; callable from any thread."""

    def gui_status_changed(self, index: int, status: WindowStatus) -> None: ...

    def gui_resized(self, index: int, width: int, height: int) -> None: ...

    def gui_window_created(self, index: int) -> None:
        """The toolkit has made window ``index``'s native window (it may not be visible yet)."""
        ...

    def gui_web_process_ended(self, index: int, reason: str, reloaded: bool) -> None:
        """Window ``index``'s web process died (``reason``: ``crashed``,
        ``exceeded-memory-limit``); ``reloaded`` when the engine is loading its page again."""
        ...

    def gui_scheme_request(self, request: SchemeRequest, reply: SchemeReply) -> None:
        """A page of a window requested a URL of a plugin's scheme (``clip:hello``): answer it
        on the loop through ``reply`` (:func:`~oro_framework.host.schemes.serve_reply`).
        Called on the GUI thread; returns at once."""
        ...

    def gui_close_requested(self, index: int) -> None:
        """Window ``index``'s own page called ``window.close()`` (the engine reports only a
        request of the window's main frame, about its own window): close it as a user would.
        Called on the GUI thread; must not wait for the window to close."""
        ...

    def gui_files_dropped(self, index: int, uri_list: bytes, x: int, y: int) -> None:
        """A native drop on window ``index``'s page at ``x``, ``y`` (page pixels) carried
        ``uri_list``, the ``text/uri-list`` as the drag source gave it (unchecked: the host
        judges it, :mod:`~oro_framework.host.windows.drops`)."""
        ...

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
        """A frame of ``origin`` in window ``index``'s page asks the engine for ``kinds``
        (``camera``, ``microphone``, ``screen``, ``geolocation``, ``notifications``): the
        permission broker decides, then ``answer(allowed)`` is called once, on the GUI thread.
        ``page`` is the origin of the window's page (``None``: ``origin``'s); a frame of another
        origin is judged as one embedded in it. ``frames`` are origins of other frames in the
        page, any of which may be the one asking (an engine that cannot tell): granted only
        what each would be granted. Called on the GUI thread; returns at once (the decision
        may wait for the user)."""
        ...

    def gui_permission_state(
        self,
        index: int,
        name: str,
        origin: str,
        answer: Callable[[str], None],
        *,
        page: str | None = None,
    ) -> None:
        """``navigator.permissions.query({name})`` in a frame of ``origin`` in window
        ``index``'s page (of ``page``, ``None``: ``origin``'s): ``answer`` is called once, on
        the GUI thread, with the permission broker's ``granted``, ``denied`` or ``prompt``,
        decided without asking anyone (a name that is not one of the broker's kinds:
        ``prompt``). Called on the GUI thread; returns at once."""
        ...


class Engine(Protocol):
    """An app's windows: native ones of a toolkit (``gui/gtk/``, ``gui/qt/``), or the headless
    records of :class:`~oro_framework.host.windows.headless.HeadlessEngine`. A native
    engine's :meth:`open` may be called before the GUI loop runs (the toolkit then only records
    the window); every other method is called on the dispatcher thread. The headless engine has
    no GUI thread and is called on the loop.

    What an engine cannot do it raises :class:`~oro_framework.NotSupportedError` for; an
    operation on a window it never opened or has closed is
    :class:`~oro_framework.NotFoundError`. ``tests/test_engine_contract.py`` runs every method
    against every engine."""

    def open(
        self,
        window: Window,
        url: str,
        listener: GuiListener,
        options: WindowOptions | None = None,
    ) -> None: ...

    def show(self, index: int) -> None: ...

    def hide(self, index: int) -> None: ...

    def focus(self, index: int) -> None:
        """Show the window, restored if minimised, above the others and with the input focus."""
        ...

    def close(self, index: int) -> None: ...

    def set_title(self, index: int, title: str) -> None: ...

    def set_size(self, index: int, width: int, height: int) -> None: ...

    def get_size(self, index: int) -> tuple[int, int]: ...

    def navigate(self, index: int, url: str) -> None: ...

    def evaluate(self, index: int, script: str) -> Any: ...

    def page_url(self, index: int) -> str:
        """The URL of the page window ``index`` shows now (where the user or a redirect took
        it, not only where the host sent it)."""
        ...

    def maximize(self, index: int) -> None: ...

    def minimize(self, index: int) -> None: ...

    def restore(self, index: int) -> None:
        """Back to its normal size and place from maximized or minimised, and shown."""
        ...

    def blur(self, index: int) -> None:
        """Send the window behind the others."""
        ...

    def set_position(self, index: int, x: int, y: int) -> None: ...

    def set_always_on_top(self, index: int, enabled: bool) -> None: ...

    def set_background_color(self, index: int, color: WindowColor) -> None: ...

    def state(self, index: int) -> NativeState:
        """What the toolkit reports about window ``index`` now."""
        ...

    def screen_size(self) -> tuple[int, int]:
        """The primary screen's width and height in pixels."""
        ...

    def configure_debugging(self, debugging: PageDebugging) -> None:
        """Where every window's console messages and uncaught errors go, and whether the
        developer tools may open; called before the first window opens."""
        ...

    def show_inspector(self, index: int) -> None:
        """Open window ``index``'s developer tools (WebKit's Web Inspector, Chromium's DevTools).

        :raises NotSupportedError: they are off (``ERR_DEVTOOLS_OFF``) or the page is in a
            browser of its own (headless: ``ERR_HEADLESS``).
        """
        ...

    def ask_permission(
        self, index: int, question: str, answer: Callable[[PermissionAnswer], None]
    ) -> None:
        """Ask the user ``question`` over window ``index``: a prompt with Allow, Deny and
        "Remember this decision", not modal to the app (other windows keep working). Returns at
        once; ``answer`` is called once on the GUI thread when the user answers, or with a
        denial when the window closes first. Called on the GUI thread.

        :raises NotSupportedError: there is no window to ask in (headless: ``ERR_HEADLESS``).
        :raises NotFoundError: window ``index`` is not open.
        """
        ...

    @property
    def has_native_windows(self) -> bool:
        """Whether the engine shows each window's page itself. One that does not (the
        :class:`~oro_framework.host.windows.headless.HeadlessEngine`) has windows that count as
        shown as soon as they exist, gives each window's launch URL to whoever runs the app, and
        runs no identity script (the page keeps its credential, docs/design.md#window-identity).
        """
        ...

    @property
    def toolkit(self) -> str | None:
        """The toolkit's name (``"qt"``, ``"gtk"``), for plugins that work on its native
        windows."""
        ...

    def native(self, index: int) -> Any:
        """Window ``index``'s own toolkit objects, only to be touched on the GUI thread: a
        ``QMainWindow`` under Qt; under GTK an object with ``window`` (``Gtk.Window``), ``box``
        (the vertical ``Gtk.Box`` holding the view, where a menu bar goes first) and ``view``
        (the ``WebKitWebView``)."""
        ...

    def post(self, function: Callable[[], None]) -> None:
        """Call ``function()`` soon on the GUI thread; callable from any thread, never waits.
        Functions posted before the GUI loop runs are called, in order, once it does."""
        ...

    def start(self, dispatcher: GuiDispatcher) -> None:
        """Run the GUI loop on the calling (main) thread until the last window closed, with
        ``dispatcher.serve`` running on a thread of its own meanwhile."""
        ...


@final
class _Job:
    def __init__(self, function: Callable[[], Any], token: EventLoopToken) -> None:
        self.function = function
        self.token = token
        self.done = anyio.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.function()
        except Exception as error:
            self.error = error

    def fail(self, error: BaseException) -> None:
        self.error = error

    def finish(self) -> None:
        """Wake the task waiting on the loop; nobody waits any more if the loop has ended."""
        with contextlib.suppress(anyio.RunFinishedError):
            anyio.from_thread.run_sync(self.done.set, token=self.token)


@final
class GuiDispatcher:
    """The one way from the event loop to the GUI: a FIFO of window operations that
    :meth:`serve` performs on the dispatcher thread, one at a time.

    :meth:`call` awaits the result without blocking the loop. After :meth:`close` (the GUI has
    ended), pending and new calls fail with :class:`~oro_framework.NotFoundError`.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._is_closed = False
        self._is_serving = False
        self._posted: set[_Job] = set()

    @property
    def is_closed(self) -> bool:
        return self._is_closed

    async def call(self, function: Callable[..., ResultT], *args: Any) -> ResultT:
        """Run ``function(*args)`` on the dispatcher thread and return its result.

        If the caller is cancelled meanwhile, the operation still completes (a window operation
        cannot be half done) and its result is dropped.
        """
        job = _Job(lambda: function(*args), anyio.lowlevel.current_token())
        with self._lock:
            if self._is_closed:
                raise gui_gone()
            self._jobs.put(job)
        await job.done.wait()
        if job.error is not None:
            raise job.error
        result: ResultT = job.result
        return result

    async def call_on_gui_thread(
        self,
        post: Callable[[Callable[[], None]], None],
        function: Callable[..., ResultT],
        *args: Any,
    ) -> ResultT:
        """Run ``function(*args)`` on the GUI thread itself (through ``post``, a
        :meth:`Engine.post`) and return its result, bypassing the FIFO: for work on the
        toolkit's own objects (menus, dialogs, the clipboard) that must neither wait behind a
        window operation nor hold one up. ``function`` must not block (no modal ``exec()``).

        Like :meth:`call`, a cancelled caller does not undo the work, and after :meth:`close`
        pending and new calls fail with :class:`~oro_framework.NotFoundError`.
        """
        job = _Job(lambda: function(*args), anyio.lowlevel.current_token())

        def run_posted() -> None:
            with self._lock:
                if job not in self._posted:
                    return  # failed by close() already
                self._posted.discard(job)
            job.run()
            job.finish()

        with self._lock:
            if self._is_closed:
                raise gui_gone()
            self._posted.add(job)
        post(run_posted)
        await job.done.wait()
        if job.error is not None:
            raise job.error
        result: ResultT = job.result
        return result

    def serve(self) -> None:
        """Perform queued operations until :meth:`close`; runs on the dispatcher thread."""
        self._is_serving = True
        while (job := self._jobs.get()) is not None:
            job.run()
            job.finish()
        self._fail_pending()

    def close(self) -> None:
        """Refuse new operations and fail the queued ones; the GUI loop has ended."""
        with self._lock:
            if self._is_closed:
                return
            self._is_closed = True
            self._jobs.put(None)
            posted, self._posted = self._posted, set()
        for job in posted:
            job.fail(gui_gone())
            job.finish()
        if not self._is_serving:
            self._fail_pending()

    def _fail_pending(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.fail(gui_gone())
                job.finish()


def gui_gone() -> NotFoundError:
    """What a window operation fails with once the GUI loop has ended."""
    return NotFoundError("The app's windows are closed", status=WindowStatus.CLOSED.value)
