"""``oro dev``: ``oro run`` plus live reload.

Two processes. The one the user started (:class:`DevLoop`) watches ``oro.toml`` and the source of
every editable-installed plugin (:mod:`~oro_framework.cli.dev_watch`), and runs the host in a
child process (``oro run --dev-child``, which calls
:func:`~oro_framework.cli.dev_child.start_child`) that it restarts when one of them changes: a
new process imports the plugins' Python code afresh, which no in-process reload does reliably
(modules hold references to each other, pluggy to hook functions, services to tasks). Every child
serves on the same port and signs session ids with the same key
(:func:`~oro_framework.web.security.signed_session`, passed in the environment), so a page's
session cookie stays valid across restarts: the page notices the host went
(``applicationstop`` or its event channel dropping), polls until a host with another boot id
answers, and reloads. What the child does within its host (reloading pages, swapping
``backend.py``, rebuilding) is :class:`~oro_framework.cli.dev_child.DevPlugin`'s.

An app with build steps (``[build] script``, copy, copy-map) is built by each child before it
serves (``oro run --build``), and again by the child when a file of the app outside its output
changes.

When a child fails to start (an invalid ``oro.toml``, a plugin that does not import, a build
script that fails) or dies, the loop prints the error and serves an error page on the port
(:mod:`~oro_framework.cli.dev_error_page`) until the next change, of ``oro.toml``, a plugin or a
source of the app: pages show the error in an overlay, and reload once a working host is back.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, final

import anyio
import anyio.abc
from anyio.abc import TaskStatus
from anyio.streams.text import TextReceiveStream

from oro_framework.cli.dev_child import RESTART_LINE, SESSION_KEY_ENV, SOCKET_ENV, SWAPS_LINE
from oro_framework.cli.dev_error_page import error_app
from oro_framework.cli.dev_watch import (
    ChangeFilter,
    editable_plugin_sources,
    is_under,
    relative_name,
    watch,
    watch_sources,
)
from oro_framework.cli.running_copies import announce_copy
from oro_framework.host.app_plugins import plugin_locations
from oro_framework.host.builtin_settings import MetaSettings, PluginSettings
from oro_framework.host.config import load_early
from oro_framework.host.config.files import find_config_file
from oro_framework.host.errors import ConfigError
from oro_framework.host.windows.settings import WindowSettings
from oro_framework.records import record
from oro_framework.web.ports import PortChoice, choose_port, listen_on_choice
from oro_framework.web.server import serve_on_loopback

__all__ = ["DevLoop"]

_STOP_TIMEOUT: Final = 10.0
"""Seconds a child has to stop on SIGTERM before it is killed."""
_ERROR_TAIL: Final = 40
"""Lines of a failed child's standard error shown in the page."""
_DEFAULT_BUNDLE: Final = "com.example.oro-app"
_PORT_SETTINGS: Final = {MetaSettings: "meta", WindowSettings: "window"}
"""What the port ``oro run`` would choose is read from, by section."""


@record(frozen=False)
class _ChildOutcome:
    code: int
    served: bool
    restarted: bool
    stderr: str


@final
class DevLoop:
    """Runs ``oro dev`` until Ctrl-C/SIGTERM, or the app exits by itself with status 0.

    :param app_dir: the app's directory.
    :param port: ``--port``; ``None`` chooses as ``oro run`` does, once, for every restart.
    :param headless: ``--headless``.
    :param overrides: ``-c KEY=VALUE`` items, passed to every host.
    :param echo: where status lines go (standard output).
    :param warn: where warnings and errors go (standard error).
    """

    def __init__(
        self,
        app_dir: Path,
        *,
        port: int | None,
        headless: bool,
        overrides: Sequence[str] = (),
        skip_broken_plugins: bool = False,
        verbose: bool = False,
        echo: Callable[[str], None] = print,
        warn: Callable[[str], None] = print,
    ) -> None:
        self.app_dir = app_dir.resolve()
        self.config_file = find_config_file(self.app_dir, announce=False).path
        # The app's own plugins too: a host reads them as it starts, as it does the others.
        self.plugin_sources = [*editable_plugin_sources(), *self._app_plugin_sources()]
        self._requested_port = port
        self._headless = headless
        self._overrides = list(overrides)
        self._skip_broken = skip_broken_plugins
        self._verbose = verbose
        self._echo = echo
        self._warn = warn
        self._session_key = secrets.token_urlsafe(32)
        self._changed = anyio.Event()
        self._reason = ""
        self._is_stopping = False
        self._child_swaps = False
        """The running child watches the app's Python and config files itself (its
        :data:`SWAPS_LINE`): this loop restarts it for plugin sources, or when it asks."""
        self.port = 0
        self._sock: socket.socket | None = None

    def run(self) -> int:
        """Run until stopped; the exit code.

        The loop listens on the app's port itself, from start to end, and each child inherits
        that socket and serves on it: the port stays the app's while one host stops and the next
        builds, where another program starting meanwhile (the app's own ``oro run``, say) could
        otherwise take it and leave the next host nowhere to serve. A page's requests in that
        gap wait in the socket's backlog for the next host instead of being refused.

        :raises OSError: the port cannot be bound (a ``--port`` that is taken).
        """
        with self._listen() as self._sock:
            self.port = self._sock.getsockname()[1]
            # `oro stop` finds this process, whose SIGTERM stops the host it runs.
            announced = announce_copy(self._port_settings()[1])
            try:
                return anyio.run(self._main, backend="trio")
            finally:
                if announced is not None:
                    announced.release()

    async def _main(self) -> int:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(self._stop_on_signals, signals)
                await task_group.start(
                    functools.partial(
                        watch,
                        [self.app_dir],
                        ChangeFilter(self.app_dir, [], restarts=True),
                        self._restart,
                        recursive=False,
                    )
                )
                if self.plugin_sources:
                    await task_group.start(
                        watch,
                        self.plugin_sources,
                        ChangeFilter(self.app_dir, self.plugin_sources, restarts=True),
                        self._restart,
                    )
                self._echo(
                    f"oro dev: restarts the host when {self.config_file.name} or the source of "
                    f"{len(self.plugin_sources)} editable plugin(s) change; port {self.port}"
                )
                code = await self._supervise()
                task_group.cancel_scope.cancel()
        return code

    def _app_plugin_sources(self) -> list[Path]:
        """``plugins/`` and what ``[plugins] paths`` names, those that exist in the app."""
        try:
            early = load_early({PluginSettings: "plugins"}, path=self.config_file)
            paths = early.settings(PluginSettings).paths
        except (OSError, ConfigError):
            paths = []
        return [path for path in plugin_locations(self.app_dir, paths) if path.exists()]

    def _listen(self) -> socket.socket:
        """The socket of the port ``oro run`` would choose, or of ``--port``."""
        if self._requested_port is None:
            choice = choose_port(None, *self._port_settings())
        else:
            choice = PortChoice(self._requested_port)
        return listen_on_choice(choice, self._warn)

    def _port_settings(self) -> tuple[int, str]:
        """``window.port`` and ``meta.bundle_identifier`` as far as this process can read them
        without a host (which would import the plugins here, where they are never reloaded); a
        broken file gives the defaults."""
        overrides = {}
        for item in self._overrides:
            key, _, value = item.partition("=")
            overrides[key.strip()] = value.strip()
        try:
            early = load_early(_PORT_SETTINGS, path=self.config_file, overrides=overrides)
        except (OSError, ConfigError):
            early = load_early(_PORT_SETTINGS, path=None, overrides=overrides)
        bundle = early.settings(MetaSettings).bundle_identifier
        return early.settings(WindowSettings).port, bundle or _DEFAULT_BUNDLE

    def _restart(self, changed: list[Path]) -> None:
        if self._child_swaps:
            changed = [path for path in changed if is_under(path, self.plugin_sources)]
            if not changed:
                return
        self._reason = ", ".join(relative_name(path, self.app_dir) for path in changed[:3])
        self._changed.set()

    async def _stop_on_signals(self, signals: Any) -> None:
        async for _ in signals:
            self._is_stopping = True
            self._changed.set()

    async def _supervise(self) -> int:
        while True:
            self._changed = anyio.Event()
            outcome = await self._run_child()
            if self._is_stopping:
                return 0
            if outcome.restarted:
                self._echo(f"oro dev: {self._reason} changed; restarting the host")
                continue
            if outcome.served and outcome.code == 0:
                return 0
            problem = outcome.stderr.strip() or f"the host exited with status {outcome.code}"
            self._warn(
                f"the app stopped (status {outcome.code}); fix it and save: oro dev restarts "
                "the host (Ctrl-C ends oro dev)"
            )
            await self._serve_error(problem)
            if self._is_stopping:
                return 0
            self._echo(f"oro dev: {self._reason} changed; starting the host")

    def _child_command(self) -> list[str]:
        # -P: the working directory does not go first on sys.path, where a directory there
        # could shadow oro_framework or a plugin.
        command = [sys.executable, "-P", "-m", "oro_framework.cli"]
        if self._verbose:
            command.append("--verbose")
        # --build: the child runs the app's build steps, if it has any, before it serves.
        # No --port: the child serves on the socket it inherits (SOCKET_ENV).
        command += ["run", str(self.app_dir), "--dev-child", "--build"]
        if self._headless:
            command.append("--headless")
        if self._skip_broken:
            command.append("--skip-broken-plugins")
        for item in self._overrides:
            command += ["--config", item]
        return command

    async def _run_child(self) -> _ChildOutcome:
        assert self._sock is not None
        descriptor = self._sock.fileno()
        environ = {
            **os.environ,
            SESSION_KEY_ENV: self._session_key,
            SOCKET_ENV: str(descriptor),
        }
        tail: collections.deque[str] = collections.deque(maxlen=_ERROR_TAIL)
        served = anyio.Event()
        restarted = False
        process = await anyio.open_process(
            self._child_command(), env=environ, stdin=subprocess.PIPE, pass_fds=(descriptor,)
        )
        async with process, anyio.create_task_group() as task_group:
            assert process.stdout is not None
            assert process.stderr is not None
            self._child_swaps = False
            task_group.start_soon(self._pump, process.stdout, self._child_line, served, None)
            task_group.start_soon(self._pump, process.stderr, sys.stderr.write, None, tail)

            async def stop_on_change(*, task_status: TaskStatus[anyio.CancelScope]) -> None:
                nonlocal restarted
                with anyio.CancelScope() as scope:
                    task_status.started(scope)
                    await self._changed.wait()
                    restarted = not self._is_stopping
                    await _stop(process)

            watcher: anyio.CancelScope = await task_group.start(stop_on_change)
            code = await process.wait()
            watcher.cancel()
        # The error page, or the next child until it says so, leaves every change to this loop.
        self._child_swaps = False
        return _ChildOutcome(code, served.is_set(), restarted, "".join(tail))

    def _child_line(self, line: str) -> None:
        """A line of the child's standard output: echoed, and read for what it asks of us."""
        if line == SWAPS_LINE:
            self._child_swaps = True
        if line.startswith(RESTART_LINE):
            self._reason = line.removeprefix(RESTART_LINE)
            self._changed.set()
            return
        self._echo(line)

    @staticmethod
    async def _pump(
        stream: anyio.abc.ByteReceiveStream,
        write: Callable[[str], object],
        served: anyio.Event | None,
        tail: collections.deque[str] | None,
    ) -> None:
        buffered = ""
        async for chunk in TextReceiveStream(stream, errors="replace"):
            buffered += chunk
            *lines, buffered = buffered.split("\n")
            for line in lines:
                if served is not None:
                    write(line)
                    if line.startswith("oro: serving "):
                        served.set()
                else:
                    write(line + "\n")
                    sys.stderr.flush()
                if tail is not None:
                    tail.append(line + "\n")
        if buffered:
            write(buffered if served is not None else buffered + "\n")

    async def _serve_error(self, problem: str) -> None:
        """Answer every request on the port with ``problem`` until the next change."""
        app = error_app(problem, self._session_key, self.port)
        async with anyio.create_task_group() as task_group:

            async def serve() -> None:
                assert self._sock is not None
                try:
                    # A copy: the server closes what it serves as it stops, and the next
                    # child serves this socket.
                    await serve_on_loopback(app, sock=self._sock.dup())
                except OSError as error:
                    self._warn(f"cannot show the error page on port {self.port}: {error}")

            task_group.start_soon(serve)
            # A source of the app restarts it too: the failure may be its build script's.
            await task_group.start(watch_sources, self.app_dir, None, self._restart)
            await self._changed.wait()
            task_group.cancel_scope.cancel()


async def _stop(process: anyio.abc.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with anyio.move_on_after(_STOP_TIMEOUT):
        await process.wait()
        return
    with contextlib.suppress(ProcessLookupError):
        process.kill()
