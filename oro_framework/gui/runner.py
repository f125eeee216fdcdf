"""How ``oro run`` runs an app: the host and its server on one event loop, and either a native
window or, headless, a printed launch URL.

Headless, the loop runs in the main thread and stops on SIGINT/SIGTERM. With a GUI, the main
thread belongs to the web engine's toolkit (GTK or Qt) and the loop runs in the thread
``oro-loop``; see :mod:`oro_framework.host.windows.engine` for how the two talk. Either way
the host stops first (pages get ``applicationstop``, services stop), the server is given a moment
to deliver what is queued, and only then is it cancelled. SIGHUP, SIGUSR1 and SIGUSR2 do not stop
the app: like SIGINT and SIGTERM, they reach every page as the ``signal`` event (``oro:signal``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import queue
import signal
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, final

import anyio
import anyio.from_thread
import anyio.lowlevel
import trio
from anyio.abc import TaskStatus

from oro_framework.gui.single_instance import InstanceLock, serve_hand_overs
from oro_framework.host import tracing
from oro_framework.host.builtin_settings import MetaSettings
from oro_framework.host.errors import InvalidArgumentError
from oro_framework.host.lifecycle import SIGNAL_EVENT
from oro_framework.host.protocols import APPLICATION_URL_EVENT, application_url_event
from oro_framework.host.windows.engine import Engine, GuiDispatcher
from oro_framework.host.windows.manager import WindowManager
from oro_framework.host.windows.model import MAIN_WINDOW, Window
from oro_framework.host.windows.settings import WindowSettings
from oro_framework.web.ports import choose_port, listen_on_choice
from oro_framework.web.server import ServerInfo, serve_app

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

    from oro_framework.host.app import Host

__all__ = ["AppRunner"]

logger = logging.getLogger("oro_framework.runner")

DRAIN_TIMEOUT: Final = 2.0
"""Seconds the server has, once the host stopped, to write what pages were sent last."""

STOP_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
FORWARDED_SIGNALS: Final = (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)
"""Signals the pages hear (``oro:signal``) while the app runs on, as Oro forwards them; the
stop signals reach the pages too, just before the app stops."""


def _signal_event(signum: int) -> dict[str, Any]:
    """The page event of a signal: Oro's ``{signal}`` (the number) and its ``name``."""
    return {"signal": int(signum), "name": signal.Signals(signum).name}


def _print_warning(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


@final
class AppRunner:
    """Runs one app: :meth:`run_headless` or :meth:`run_with_gui`, each returning the exit code.

    :param host: the built host (not yet running).
    :param port: the server's port on 127.0.0.1 (``--port``); 0 picks a free one, ``None`` the
        app's own (:func:`~oro_framework.web.ports.choose_port`).
    :param sock: a socket already listening on loopback, served instead of choosing a port
        (``oro dev`` holds one across the hosts it restarts).
    :param echo: where the one-line status messages go (the CLI passes ``click.echo``).
    :param warn: where warnings go (standard error by default).
    :param session_key: signs session ids, so that pages keep their session across host
        processes given the same key (``oro dev``).
    :param instance_lock: held, this run is the app's single instance: later launches hand
        their URLs over through its socket.
    :param urls: deep links the app was launched with, given to the pages as
        ``applicationurl`` once the main window's page is ready.
    """

    def __init__(
        self,
        host: Host,
        *,
        port: int | None = None,
        sock: socket.socket | None = None,
        echo: Callable[[str], None] = print,
        warn: Callable[[str], None] = _print_warning,
        session_key: str | None = None,
        instance_lock: InstanceLock | None = None,
        urls: tuple[str, ...] = (),
    ) -> None:
        self.host = host
        self.port = port
        self._sock = sock
        self._session_key = session_key
        self._instance_lock = instance_lock
        self._launch_urls = urls
        self._pending_events: list[dict[str, Any]] = []
        self._origin: str | None = None
        self._echo = echo
        self._warn = warn
        self.windows: WindowManager = host.windows
        self.windows.add_ready_listener(self._window_ready)
        # Headless, nothing opens a created window: whoever runs the app opens this URL.
        self.windows.add_launch_listener(
            lambda window, url: self._echo(f"oro: window {window.index} at {url}")
        )

    def _window_ready(self, window: Window) -> None:
        if window.index == MAIN_WINDOW:
            tracing.startup("window ready")
        self._echo(f"oro: window {window.index} ready")
        if window.index == MAIN_WINDOW:
            events, self._pending_events = self._pending_events, []
            for event in events:
                self.host.events.emit_when_subscribed(
                    APPLICATION_URL_EVENT, event, window=window.index
                )

    def _application_url_events(self, urls: Sequence[str]) -> list[dict[str, Any]]:
        """The ``applicationurl`` events of the deep links among ``urls``; the rest is ignored
        with a warning."""
        handlers = self.host.protocol_handlers
        events = []
        for url in urls:
            try:
                event = application_url_event(url, handlers, self._origin)
            except InvalidArgumentError as error:
                self._warn(f"ignored {url!r}: {error}")
                continue
            if event is None:
                self._warn(f"ignored {url!r}: not a URL of one of the app's protocol handlers")
                continue
            events.append(event)
        return events

    async def _handed_over(self, urls: list[str]) -> None:
        """A second launch of the app handed its URLs over: focus, then deliver them (once the
        main page is ready)."""
        events = self._application_url_events(urls)
        main = self._main_window()
        if main is not None and main.is_open:
            await self.windows.focus(main)
        # A page connected but never reporting itself ready (Socket's pages do not call
        # window.ready) gets the link at once, as Socket hands it over; one still loading gets
        # it once ready, its listeners in place.
        if main is not None and (main.is_ready or self.host.events.is_subscribed(main.index)):
            for event in events:
                self.host.emit(APPLICATION_URL_EVENT, event)
        else:
            self._pending_events.extend(events)

    def _main_window(self) -> Window | None:
        return next(
            (window for window in self.windows.windows if window.index == MAIN_WINDOW), None
        )

    @property
    def name(self) -> str:
        return self.host.settings(MetaSettings).name or self.host.app_dir.name

    @property
    def exit_code(self) -> int:
        return self.windows.exit_code

    # ---------------------------------------------------------------------------------------
    # The event loop's part, common to both modes
    # ---------------------------------------------------------------------------------------

    async def serve(
        self,
        *,
        on_host_stopped: Callable[[], Awaitable[None]] | None = None,
        task_status: TaskStatus[ServerInfo] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run the host and serve it until the host stops; report the :class:`ServerInfo`.

        :param on_host_stopped: awaited once the host stopped, before the server goes.
        """
        sock = self._sock
        if sock is None:
            port = self.host.settings(WindowSettings).port
            bundle_identifier = self.host.settings(MetaSettings).bundle_identifier
            sock = listen_on_choice(choose_port(self.port, port, bundle_identifier), self._warn)
        async with anyio.create_task_group() as task_group:
            try:
                await task_group.start(self._run_host, task_group.cancel_scope, on_host_stopped)
                info: ServerInfo = await task_group.start(
                    functools.partial(
                        serve_app,
                        self.host,
                        sock=sock,
                        preload_args=self._preload_args,
                        session_key=self._session_key,
                    )
                )
            except BaseException:
                # Not served (the host failed to start): the port is not held on. Once
                # served, the server closes it as it stops.
                sock.close()
                raise
            self._origin = info.origin
            self._pending_events = self._application_url_events(self._launch_urls)
            if self._instance_lock is not None:
                await task_group.start(serve_hand_overs, self._instance_lock, self._handed_over)
            task_status.started(info)

    async def _run_host(
        self,
        server_scope: anyio.CancelScope,
        on_host_stopped: Callable[[], Awaitable[None]] | None,
        *,
        task_status: TaskStatus[None],
    ) -> None:
        try:
            await self.host.run(task_status=task_status)
        finally:
            with anyio.CancelScope(shield=True):
                # Pages were just sent applicationstop: let the server write it (every other
                # task then waits for something) before it goes away.
                with anyio.move_on_after(DRAIN_TIMEOUT):
                    await _until_all_tasks_wait()
                if on_host_stopped is not None:
                    await on_host_stopped()
            server_scope.cancel()

    def _preload_args(self, index: int) -> dict[str, Any]:
        return {"windowCount": max(self.windows.open_count, 1)}

    # ---------------------------------------------------------------------------------------
    # Headless: the loop in the main thread, a launch URL printed
    # ---------------------------------------------------------------------------------------

    def run_headless(self) -> int:
        """Serve until the host stops or SIGINT/SIGTERM arrives; print the launch URL."""
        try:
            anyio.run(self._serve_headless, backend="trio")
        except BaseExceptionGroup as group:
            raise _single(group) from None
        return self.exit_code

    async def _serve_headless(self) -> None:
        with anyio.open_signal_receiver(*STOP_SIGNALS, *FORWARDED_SIGNALS) as signals:
            async with anyio.create_task_group() as task_group:

                async def serve(*, task_status: TaskStatus[ServerInfo]) -> None:
                    try:
                        await self.serve(task_status=task_status)
                    finally:
                        task_group.cancel_scope.cancel()

                info: ServerInfo = await task_group.start(serve)
                tracing.startup("serving")
                self._echo(f"oro: serving {self.name} at {info.launch_url}")
                async for signum in signals:
                    self.host.emit(SIGNAL_EVENT, _signal_event(signum))
                    if signum in FORWARDED_SIGNALS:
                        continue
                    logger.info("received %s: stopping", signal.Signals(signum).name)
                    self.host.stop()

    # ---------------------------------------------------------------------------------------
    # With a GUI: the toolkit in the main thread, the loop in "oro-loop"
    # ---------------------------------------------------------------------------------------

    def run_with_gui(self, gui: Engine) -> int:
        """Open the app in a native window (one the engine never shows, for a headless app);
        return once it closed and the host stopped.

        :raises Exception: whatever stopped the loop (a service failing, the port being taken),
            or the toolkit failing to start.
        """
        windows = self.windows
        dispatcher = GuiDispatcher()
        windows.attach_gui(gui, dispatcher)
        loop = _LoopThread(self, windows)
        loop.start()
        previous = {
            signum: signal.getsignal(signum) for signum in (*STOP_SIGNALS, *FORWARDED_SIGNALS)
        }

        def on_signal(signum: int, frame: FrameType | None) -> None:
            # Runs on the main thread between toolkit events; emitting and stopping must not
            # wait here.
            def forward() -> None:
                try:
                    self.host.emit(SIGNAL_EVENT, _signal_event(signum))
                finally:
                    if signum in STOP_SIGNALS:
                        loop.request_stop()

            threading.Thread(target=forward, name="oro-signal").start()

        for signum in previous:
            signal.signal(signum, on_signal)
        try:
            info = loop.wait_until_serving()
            tracing.startup("serving")
            if info is not None:
                # A headless app's window is never shown: its page runs all the same.
                kind = (
                    "a hidden window" if self.host.settings(WindowSettings).headless else "a window"
                )
                self._echo(f"oro: opened {self.name} in {kind} ({info.origin})")
                gui.start(dispatcher)
        finally:
            dispatcher.close()
            loop.request_stop()
            loop.join()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        loop.raise_failure()
        return self.exit_code


@final
class _LoopThread:
    """The thread ``oro-loop``: runs :meth:`AppRunner.serve`, opens the main window once the
    server runs, and closes the windows when the host stops."""

    def __init__(self, runner: AppRunner, windows: WindowManager) -> None:
        self._runner = runner
        self._windows = windows
        self._thread = threading.Thread(target=self._main, name="oro-loop")
        self._handoff: queue.Queue[ServerInfo | None] = queue.Queue(maxsize=1)
        self._token: EventLoopToken | None = None
        self._token_lock = threading.Lock()
        self._is_stop_requested = False
        self._failure: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def wait_until_serving(self) -> ServerInfo | None:
        """The server's info once the main window is created; ``None`` if the loop ended
        first."""
        return self._handoff.get()

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def request_stop(self) -> None:
        """Ask the host to stop, from any thread but the loop's."""
        with self._token_lock:
            self._is_stop_requested = True
            token = self._token
        if token is None:
            return  # the loop checks the flag once it runs
        with contextlib.suppress(anyio.RunFinishedError):
            anyio.from_thread.run_sync(self._runner.host.stop, token=token)

    def _main(self) -> None:
        try:
            anyio.run(self._serve, backend="trio")
        except BaseException as error:
            self._failure = _single(error)
        finally:
            if self._handoff.empty():
                self._handoff.put(None)

    async def _serve(self) -> None:
        with self._token_lock:
            self._token = anyio.lowlevel.current_token()
        serve = functools.partial(self._runner.serve, on_host_stopped=self._windows.close_all)
        async with anyio.create_task_group() as task_group:
            info: ServerInfo = await task_group.start(serve)
            with self._token_lock:
                # A stop asked for before the host ran found nothing to stop.
                is_stop_requested = self._is_stop_requested
            if is_stop_requested:
                self._runner.host.stop()
                return
            # pywebview only records the window until the GUI loop starts, so this may run here.
            self._windows.open_main_window(info.launch_url)
            self._handoff.put(info)


def _single(error: BaseException) -> BaseException:
    """The one exception a chain of single-member task-group exception groups carries."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


async def _until_all_tasks_wait() -> None:
    """Return once every other task waits for something (none can run), read from trio's
    public run statistics (the runner's loops run on trio): ``anyio.wait_all_tasks_blocked``
    imports ``trio.testing``, which imports pytest where it is installed: 80 ms of every exit
    in a development venv."""
    while trio.lowlevel.current_statistics().tasks_runnable > 0:
        await anyio.lowlevel.checkpoint()
