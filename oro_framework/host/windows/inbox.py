"""What the GUI thread hands the loop: the :class:`~oro_framework.host.windows.engine.GuiListener`
every engine reports its windows' events to, the part of the
:class:`~oro_framework.host.windows.manager.WindowManager` that takes them.

Events travel from the GUI to the loop: the toolkit reports shown/minimised/restored/closing/closed
on the GUI thread or short-lived threads of its own, and the inbox moves them onto the loop with
``anyio.from_thread``. The loop never waits synchronously for the GUI, so these hops cannot
deadlock. What may wait for the user (a permission prompt) or for the GUI thread itself (a
window closing) is handed over by a thread of its own, so the GUI thread never waits for it.
Headless there is no GUI: nothing reports here.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_framework.host import tracing
from oro_framework.host.errors import NotFoundError
from oro_framework.host.permissions import PERMISSION_KINDS
from oro_framework.host.windows import drops
from oro_framework.host.windows.model import CRASH_EVENT, MAIN_WINDOW, Window, WindowStatus

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

    from oro_framework.host.app import Host
    from oro_framework.host.schemes import SchemeReply, SchemeRequest
    from oro_framework.host.windows.operations import EngineLink, WindowOperations
    from oro_framework.host.windows.policy import WindowPolicy
    from oro_framework.host.windows.status import WindowStatuses

__all__ = ["GuiInbox"]

QUERY_NAMES: Final = {"display-capture": "screen"}
"""``navigator.permissions.query`` names that are another of the broker's kinds."""

logger = logging.getLogger("oro_framework.windows")

ResultT = TypeVar("ResultT")


@final
class GuiInbox:
    """Takes the engine's reports on any thread and acts on them on the loop (the ``gui_*``
    methods), and runs a plugin's GUI callbacks there (:meth:`to_loop`).

    :param windows: the manager's windows by index, shared with its other parts.
    :param link: the engine, whose GUI thread hears the answers to its questions.
    :param policy: the windows the reports name.
    :param statuses: where a status the toolkit reports goes.
    :param operations: how a page's ``window.close()`` closes its window.
    """

    def __init__(
        self,
        host: Host,
        windows: dict[int, Window],
        link: EngineLink,
        policy: WindowPolicy,
        statuses: WindowStatuses,
        operations: WindowOperations,
    ) -> None:
        self._host = host
        self._windows = windows
        self._link = link
        self._policy = policy
        self._statuses = statuses
        self._operations = operations
        self._token: EventLoopToken | None = None

    def bind_loop(self) -> None:
        """Remember the running event loop, so that GUI events can reach it; on the loop."""
        self._token = anyio.lowlevel.current_token()

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

    def _to_loop_async(self, function: Callable[..., Any], *args: Any) -> bool:
        """Run ``function(*args)`` on the loop and wait for it; whether the loop took it (not
        before the loop runs, nor once it has ended)."""
        if self._token is None:
            logger.debug("GUI event before the loop runs: %s%r", function.__name__, args)
            return False
        try:
            anyio.from_thread.run(function, *args, token=self._token)
        except anyio.RunFinishedError:
            return False
        return True

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

    def gui_scheme_request(self, request: SchemeRequest, reply: SchemeReply) -> None:
        # A thread waits for the answer, streams included: the GUI thread never does.
        host = self._host

        def answer() -> None:
            if not self._to_loop_async(host.schemes.serve_reply, host, request, reply):
                # No loop to answer it: the engine is still told (the reply's end answers 503)
                # and what the reply holds (WebKitGTK's pipe) is let go.
                reply.end()

        threading.Thread(target=answer, name="oro-scheme-request", daemon=True).start()

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

    # ---------------------------------------------------------------------------------------
    # On the loop
    # ---------------------------------------------------------------------------------------

    def _closing_from_gui(self, index: int) -> None:
        closing = self._policy.get(index)
        self._statuses.set(closing, WindowStatus.CLOSING)
        if closing.exit_on_close or not any(window.is_open for window in self._windows.values()):
            self._host.stop()

    async def _status_from_gui(self, index: int, status: WindowStatus) -> None:
        if self._statuses.set(self._policy.get(index), status):
            await self._statuses.sync_lifecycle()

    def _created_from_gui(self, index: int) -> None:
        window = self._windows.get(index)
        if window is not None and window.is_open:
            self._host.hooks.window_created(self._host, window)

    def _resized_from_gui(self, index: int, width: int, height: int) -> None:
        window = self._policy.get(index)
        window.width, window.height = width, height

    def _web_process_ended(self, index: int, reason: str, reloaded: bool) -> None:
        window = self._windows.get(index)
        if window is None:
            return
        # The page is gone: it reports ready again once its reload ran.
        window.is_ready = False
        detail = {"index": index, "reason": reason, "reloaded": reloaded}
        self._host.emit(CRASH_EVENT, detail)

    def _files_dropped(self, index: int, uri_list: bytes, x: int, y: int) -> None:
        window = self._windows.get(index)
        if window is not None and window.is_open:
            drops.receive_drop(self._host, index, uri_list, x, y)

    async def _close_requested_by_page(self, index: int) -> None:
        """Window ``index``'s page called ``window.close()``: the window closes as when the user
        closes it, and the app ends with its last window (as under the Oro Runtime). The engine
        reports only a window's own main frame: a page closes no other window this way."""
        window = self._windows.get(index)
        if window is None or not window.is_open:
            return
        logger.info("window %d: its page let it close (window.close(), or the user's close)", index)
        with contextlib.suppress(NotFoundError):  # closed meanwhile, or the GUI has ended
            await self._operations.close(window)

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
            self._link.engine.post(lambda: answer(value))
