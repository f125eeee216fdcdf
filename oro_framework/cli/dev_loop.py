"""``oro dev``: ``oro run`` plus live reload.

Two processes. The one the user started (:class:`DevLoop`) watches ``oro.toml`` and the source of
every editable-installed plugin, and runs the host in a child process (``oro run --dev-child``,
which calls :func:`start_child`) that it restarts when one of them changes: a new process imports
the plugins' Python code afresh, which no in-process reload does reliably (modules hold references
to each other, pluggy to hook functions, services to tasks). Every child serves on the same port and
signs session ids with the same key (:func:`~oro_framework.web.security.signed_session`, passed in
the environment), so a page's session cookie stays valid across restarts: the page notices the host
went (``applicationstop`` or its event channel dropping), polls until a host with another boot id
answers, and reloads.

The child adds :class:`DevPlugin` to the host: a service that watches the app's resources
(``webview.root``) and emits :data:`RELOAD_EVENT` once per burst of changes, and the preload
module ``oro:dev`` (``dev_client.js``) that reloads the page on it. Another service watches the
app's Python and config files: a saved ``backend.py`` is swapped into the running host (the
window and its page stay; :func:`~oro_framework.host.app_backend.reload_backend`), a broken
backend or config is shown over the pages (:data:`PROBLEM_EVENT`), and a valid new config (or a
backend with host hooks, which cannot be swapped) makes the child ask the loop for a restart
(:data:`RESTART_LINE`).

An app with build steps (``[build] script``, copy, copy-map) is built by each child before it
serves (``oro run --build``), and :class:`DevPlugin` builds it again, with the previous output
served meanwhile, when a file of the app outside its output changes; the pages reload once the
new output is in place. A failed rebuild is printed and the previous output stays.

When a child fails to start (an invalid ``oro.toml``, a plugin that does not import, a build
script that fails) or dies, the loop prints the error and serves an error page on the port
until the next change, of ``oro.toml``, a plugin or a source of the app: pages show the error
in an overlay, and reload once a working host is back.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import html
import importlib.metadata
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import unquote, urlsplit

import anyio
import anyio.abc
import anyio.to_thread
import watchfiles
from anyio.abc import TaskStatus
from anyio.streams.text import TextReceiveStream

from oro_framework.build.steps import BuildSteps, run_build_steps
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app_backend import BackendSwapRefused, reload_backend
from oro_framework.host.build_paths import check_build_source
from oro_framework.host.builtin_settings import BuildSettings, has_build_steps
from oro_framework.host.config.files import (
    CONFIG_FILE_NAMES,
    find_config_file,
    read_early_value,
)
from oro_framework.host.config.loading import load_config
from oro_framework.host.errors import ConfigError, HostError
from oro_framework.web.asgi import Receive, Scope, Send
from oro_framework.web.ports import LOOPBACK, PortChoice, choose_port, listen_on_choice
from oro_framework.web.security import is_signed_session, parse_cookies
from oro_framework.web.server import serve_on_loopback

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.request import Request
    from oro_framework.host.router import RouteTable
    from oro_framework.host.services import ServiceRegistry

__all__ = [
    "DEV_CLIENT",
    "RELOAD_EVENT",
    "SESSION_KEY_ENV",
    "SOCKET_ENV",
    "DevLoop",
    "DevPlugin",
    "editable_plugin_sources",
    "start_child",
]

logger = logging.getLogger("oro_framework.dev")

RELOAD_EVENT: Final = "devreload"
"""The host event that makes every page reload (``oro:dev`` listens for it)."""
PROBLEM_EVENT: Final = "devproblem"
"""The host event telling every page what is broken (``{"error": text}``: the backend does not
import, ``oro.toml`` is invalid), shown in an overlay, or that nothing is (``{"error": null}``)."""
SWAPS_LINE: Final = "oro dev: the host reloads backend.py itself"
"""What a child prints once it watches the app's Python and config files itself: from then on
``oro dev`` leaves them to it (the window stays), restarting on its :data:`RESTART_LINE`."""
RESTART_LINE: Final = "oro dev: restart the host: "
"""What a child prints to be restarted (a valid new ``oro.toml``, a backend with host hooks)."""
SESSION_KEY_ENV: Final = "ORO_DEV_SESSION_KEY"
"""Environment variable carrying the session key to each child (never on its command line,
which other users of the machine can read)."""
SOCKET_ENV: Final = "ORO_DEV_SOCKET"
"""Environment variable naming the descriptor of the listening socket each child inherits and
serves on (:meth:`DevLoop.run`)."""
DEV_CLIENT: Final = Path(__file__).with_name("dev_client.js")
STEP_MS: Final = 50
"""A burst of changes ends after this long without another: one reload per burst (an editor
saving several files, a build writing its output)."""
_WATCH_TIMEOUT_MS: Final = 200
"""How often a watcher thread looks up from waiting: the latency of stopping it."""
_STOP_TIMEOUT: Final = 10.0
"""Seconds a child has to stop on SIGTERM before it is killed."""
_ERROR_TAIL: Final = 40
"""Lines of a failed child's standard error shown in the page."""
_DEFAULT_BUNDLE: Final = "com.example.oro-app"
_FRAMEWORK: Final = "oro-framework"


# -------------------------------------------------------------------------------------------------
# What restarts the host
# -------------------------------------------------------------------------------------------------


def editable_plugin_sources(
    distributions: Iterable[importlib.metadata.Distribution] | None = None,
) -> list[Path]:
    """The project directories of the plugins installed in editable mode (``pip install -e``):
    distributions with an ``oro`` entry point whose ``direct_url.json`` says ``editable``.
    oro-framework's own core plugins are not among them: changing the framework is not the
    daily loop of an app."""
    found: set[Path] = set()
    for dist in importlib.metadata.distributions() if distributions is None else distributions:
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name == _FRAMEWORK or not any(ep.group == "oro" for ep in dist.entry_points):
            continue
        text = dist.read_text("direct_url.json")
        if not text:
            continue
        with contextlib.suppress(ValueError):
            info = json.loads(text)
            url = urlsplit(str(info.get("url", "")))
            if info.get("dir_info", {}).get("editable") and url.scheme == "file":
                path = Path(unquote(url.path))
                if path.is_dir():
                    found.add(path.resolve())
    return sorted(found)


def _is_under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


@final
class _ChangeFilter(watchfiles.DefaultFilter):
    """Changes to the app's config files (``oro.toml``, ``oro.ini``, ``socket.ini``: one
    appearing beside another changes which is read) and plugin sources (which restart the
    host) when ``restarts``, else the app's other files (which reload its pages)."""

    def __init__(self, app_dir: Path, plugin_sources: Sequence[Path], *, restarts: bool) -> None:
        super().__init__()
        self._config_files = {app_dir / name for name in CONFIG_FILE_NAMES}
        self._app_dir = app_dir
        self._plugin_sources = plugin_sources
        self._restarts = restarts

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        # Declarations (backend.d.ts, which the host writes) are for the editor: no page loads them.
        if not super().__call__(change, path) or path.endswith(".d.ts"):
            return False
        changed = Path(path)
        restarts = (
            changed in self._config_files
            or _is_under(changed, self._plugin_sources)
            # The app's own Python (backend.py and what it imports beside it).
            or (changed.suffix == ".py" and changed.parent == self._app_dir)
        )
        return restarts == self._restarts


async def _watch(
    paths: Sequence[Path],
    watch_filter: Callable[[watchfiles.Change, str], bool],
    on_changes: Callable[[list[Path]], None],
    *,
    recursive: bool = True,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Call ``on_changes`` with the changed paths of each burst, until cancelled. Reports
    started once the watcher is in place (its first timeout), so a change made after that is
    never missed."""
    is_started = False
    async for changes in watchfiles.awatch(
        *paths,
        watch_filter=watch_filter,
        step=STEP_MS,
        rust_timeout=_WATCH_TIMEOUT_MS,
        yield_on_timeout=True,
        recursive=recursive,
    ):
        if not is_started:
            is_started = True
            task_status.started()
        if changes:
            on_changes(sorted({Path(path) for _, path in changes}))


_NOT_SOURCES: Final = frozenset({"node_modules", "__pycache__", *CONFIG_FILE_NAMES})
"""Top-level entries of the app whose changes never rebuild it (its config files restart the
host instead; dot entries are left out too)."""


def _source_roots(app_dir: Path, output: Path | None) -> list[Path]:
    """The app's top-level folders a build reads: all but dot folders, ``node_modules`` and the
    one the output is in (watching it would rebuild on every build)."""
    roots = []
    for entry in sorted(app_dir.iterdir()):
        if (
            entry.name.startswith(".")
            or entry.name in _NOT_SOURCES
            or entry.is_symlink()
            or not entry.is_dir()
            or (output is not None and output.is_relative_to(entry))
        ):
            continue
        roots.append(entry)
    return roots


@final
class _SourceFilter(watchfiles.DefaultFilter):
    """Changes to the app's sources: anything under the app but dot entries (staging folders
    among them), ``node_modules``, the config files and the output; and anything under the
    ``extra`` sources (``[build.watch] sources`` outside the app)."""

    def __init__(self, app_dir: Path, output: Path | None, extra: Sequence[Path] = ()) -> None:
        super().__init__()
        self._app = app_dir
        self._output = output
        self._extra = extra

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        changed = Path(path)
        if _is_under(changed, self._extra):
            return self._output is None or not changed.is_relative_to(self._output)
        if not changed.is_relative_to(self._app) or changed == self._app:
            return False
        parts = changed.relative_to(self._app).parts
        if parts[0] in _NOT_SOURCES or any(part.startswith(".") for part in parts):
            return False
        return self._output is None or not (
            changed.is_relative_to(self._output) or self._output.is_relative_to(changed)
        )


async def _watch_sources(
    app_dir: Path,
    output: Path | None,
    on_changes: Callable[[list[Path]], None],
    extra: Sequence[Path] = (),
    *,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Call ``on_changes`` for each burst of changes to the app's sources, until cancelled:
    its top-level files, and its top-level folders (those there when it starts) with all
    below them. Not the whole folder at once, which would watch ``node_modules`` too. And the
    ``extra`` files and folders outside the app (``[build.watch] sources``)."""
    outside = [path for path in extra if not path.is_relative_to(app_dir)]
    watch_filter = _SourceFilter(app_dir, output, outside)
    async with anyio.create_task_group() as task_group:
        await task_group.start(
            functools.partial(_watch, [app_dir], watch_filter, on_changes, recursive=False)
        )
        roots = _source_roots(app_dir, output) + outside
        if roots:
            await task_group.start(functools.partial(_watch, roots, watch_filter, on_changes))
        task_status.started()


# -------------------------------------------------------------------------------------------------
# The child: the host, with live reload of its pages
# -------------------------------------------------------------------------------------------------


@final
class DevPlugin:
    """What ``oro dev`` adds to the host it runs: the route ``dev.boot`` (which host process is
    this), the preload module ``oro:dev`` and the service ``dev.reload`` watching the app's
    resources.

    :param boot: this host process's id; pages compare it to know a new host answers.
    :param echo: where the one line per reload goes.
    """

    name = "oro-dev"

    def __init__(self, boot: str, *, echo: Callable[[str], None] = print) -> None:
        self.boot = boot
        self._echo = echo
        self.problem: str | None = None
        """What is broken now (the backend, the config), shown over every page; ``None``."""

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        routes.add(
            "dev.boot",
            self._boot,
            permission="runtime",
            doc="oro dev: the id of the running host process",
        )

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        modules.add(
            "oro:dev", DEV_CLIENT, declarations=DEV_CLIENT.with_suffix(".d.ts"), preload=True
        )

    @hookimpl
    def oro_register_page_events(self, events: PageEventTable) -> None:
        events.add(RELOAD_EVENT, PROBLEM_EVENT)

    @hookimpl
    def oro_page_args(self) -> Mapping[str, Any]:
        # `oro dev` is Oro's debug build: `application.debug` (`__args.debug`) says so.
        # devProblem: a page loaded while something is broken shows it at once.
        return {"devBoot": self.boot, "debug": True, "devProblem": self.problem}

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry, host: Host) -> None:
        services.add(
            "dev.backend",
            functools.partial(self._swap_on_changes, host),
            doc="oro dev: reloads backend.py in place and checks oro.toml when they change",
        )
        if has_build_steps(host.config):
            # The output is replaced whole by each build, which a watcher of it would not
            # survive: the pages reload after each rebuild instead.
            steps = BuildSteps.from_host(host)
            services.add(
                "dev.build",
                functools.partial(self._rebuild_on_changes, host, steps),
                doc="oro dev: runs the app's build steps again when its sources change",
            )
            return
        root = host.paths.resources
        watch_filter = _ChangeFilter(host.app_dir, editable_plugin_sources(), restarts=False)

        def reload(changed: list[Path]) -> None:
            names = [_relative(path, root) for path in changed]
            host.events.emit(RELOAD_EVENT, {"files": names})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self._echo(f"oro dev: reloading pages ({shown} changed)")

        services.add(
            "dev.reload",
            functools.partial(_watch, [root], watch_filter, reload),
            doc="oro dev: reloads the pages when the app's files change",
        )

    async def _boot(self, request: Request) -> dict[str, str]:
        return {"boot": self.boot}

    async def _swap_on_changes(self, host: Host, *, task_status: TaskStatus[None]) -> None:
        """Watch the app's config files and its Python beside them: a save of backend.py swaps
        the backend inside this host (the pages keep their state), a broken one or a broken
        config shows over the pages, a valid new config restarts the host."""
        watch_filter = _ChangeFilter(host.app_dir, [], restarts=True)
        config_files = {host.app_dir / name for name in CONFIG_FILE_NAMES}

        def on_changes(changed: list[Path]) -> None:
            names = ", ".join(_relative(path, host.app_dir) for path in changed[:3])
            if any(path in config_files for path in changed):
                problem = _config_problem(host)
                if problem is None:
                    self._echo(RESTART_LINE + names)
                    return
                self._show(host, problem)
            else:
                self._swap_backend(host, names)

        async with anyio.create_task_group() as task_group:
            await task_group.start(
                functools.partial(_watch, [host.app_dir], watch_filter, on_changes, recursive=False)
            )
            # Only now: a change oro dev leaves to us is one we see.
            self._echo(SWAPS_LINE)
            task_status.started()

    def _swap_backend(self, host: Host, names: str) -> None:
        backend = host.backend
        if backend is None or (self.problem is not None and self.problem.startswith(_CONFIG)):
            # No backend to swap (one appearing is new to the host's plugins), or the config
            # is broken: left for the restart its fix brings.
            if backend is None:
                self._echo(RESTART_LINE + names)
            return
        is_file = backend.source.endswith(".py") or Path(backend.source).is_absolute()
        try:
            new = reload_backend(host, Path(backend.source) if is_file else backend.source)
        except BackendSwapRefused:
            self._echo(RESTART_LINE + names)
            return
        if new.error is not None:
            _to_stderr(f"error: {new.error.message}")
            self._show(host, new.error.message)
            return
        self._show(host, None)
        self._echo(f"oro dev: {names} changed; the backend reloaded in place")
        # Imported here: the commands' module is above this one.
        from oro_framework.cli.commands.types import write_backend_types

        with contextlib.suppress(OSError):
            written = write_backend_types(host)
            if written is not None:
                self._echo(f"oro dev: wrote {written} (the backend's types)")

    def _show(self, host: Host, problem: str | None) -> None:
        self.problem = problem
        host.events.emit(PROBLEM_EVENT, {"error": problem})
        if problem is not None and problem.startswith(_CONFIG):
            _to_stderr(f"error: {problem}")

    async def _rebuild_on_changes(
        self, host: Host, steps: BuildSteps, *, task_status: TaskStatus[None]
    ) -> None:
        changed: list[Path] = []
        wake = anyio.Event()

        def note(paths: list[Path]) -> None:
            changed.extend(paths)
            wake.set()

        async with anyio.create_task_group() as task_group:
            await task_group.start(
                _watch_sources, steps.app_dir, steps.output, note, _watched_sources(host)
            )
            task_status.started()
            while True:
                await wake.wait()
                wake = anyio.Event()
                names = [_relative(path, steps.app_dir) for path in changed]
                changed.clear()
                shown = ", ".join(names[:3]) + (
                    f" and {len(names) - 3} more" if len(names) > 3 else ""
                )
                self._echo(f"oro dev: {shown} changed; running the build steps")
                try:
                    # In a thread: the script may take seconds, the pages keep being served.
                    await anyio.to_thread.run_sync(
                        functools.partial(
                            run_build_steps, steps, write=_to_stderr, warn=_warning_to_stderr
                        )
                    )
                except HostError as error:
                    _to_stderr(f"error: {error}")
                    _to_stderr("oro dev: the pages keep the previous build; fix it and save")
                    continue
                host.events.emit(RELOAD_EVENT, {"files": names})
                self._echo("oro dev: built; reloading pages")


_CONFIG: Final = "The app's config is invalid: "


def _watched_sources(host: Host) -> list[Path]:
    """``[build.watch] sources`` that exist, each in the app or the user's own folders (one
    that is not is a warning: never a reason not to start)."""
    found = []
    for source in host.settings(BuildSettings).watch_sources:
        try:
            path = check_build_source(host.app_dir, source, key="build.watch_sources")
        except ConfigError as error:
            _to_stderr(f"warning: not watched: {error}")
            continue
        if path.exists():
            found.append(path)
        else:
            _to_stderr(f"warning: [build.watch] sources entry '{path}' does not exist")
    return found


def _config_problem(host: Host) -> str | None:
    """Why the app's config file as saved now would not start a host, read in this one (its
    plugins declared their keys already); ``None`` when it would."""
    path = find_config_file(host.app_dir, announce=False).path
    try:
        load_config(host.config_keys, path=path, environ=dict(host.environ))
    except (HostError, OSError, ValueError) as error:
        return _CONFIG + str(error)
    return None


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _warning_to_stderr(line: str) -> None:
    _to_stderr(f"warning: {line}")


def _relative(path: Path, root: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.relative_to(root).as_posix()
    return str(path)


def _stop_when_stdin_closes() -> None:
    # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader aborts the
    # interpreter when it finalizes.
    with contextlib.suppress(OSError):
        while os.read(0, 4096):
            pass
    os.kill(os.getpid(), signal.SIGTERM)


def start_child(
    echo: Callable[[str], None],
) -> tuple[DevPlugin, str, socket.socket | None]:
    """Make this process the host ``oro dev`` runs (``oro run --dev-child``): it ends when
    ``oro dev`` does, and its pages reload on the changes ``oro dev`` reports. Returns the plugin
    to add to the host, the session key of :data:`SESSION_KEY_ENV` and the socket of
    :data:`SOCKET_ENV` to serve on (``None`` without one: the host chooses its port)."""
    # oro dev holds our stdin open: its end means oro dev is gone (even killed), and a host
    # left behind would hold the port.
    threading.Thread(target=_stop_when_stdin_closes, name="oro-dev-parent", daemon=True).start()
    # Both taken out of the environment: the app's own subprocesses have no use for them.
    session_key = os.environ.pop(SESSION_KEY_ENV, None) or secrets.token_urlsafe(32)
    descriptor = os.environ.pop(SOCKET_ENV, None)
    sock = None
    if descriptor is not None:
        sock = socket.socket(fileno=int(descriptor))
        # Nor do they get the socket itself: only this host serves on it.
        sock.set_inheritable(False)
    return DevPlugin(secrets.token_urlsafe(12), echo=echo), session_key, sock


# -------------------------------------------------------------------------------------------------
# The loop: the child, restarted on oro.toml and plugin changes
# -------------------------------------------------------------------------------------------------


@dataclass
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
        self.plugin_sources = editable_plugin_sources()
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
            return anyio.run(self._main, backend="trio")

    async def _main(self) -> int:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(self._stop_on_signals, signals)
                await task_group.start(
                    functools.partial(
                        _watch,
                        [self.app_dir],
                        _ChangeFilter(self.app_dir, [], restarts=True),
                        self._restart,
                        recursive=False,
                    )
                )
                if self.plugin_sources:
                    await task_group.start(
                        _watch,
                        self.plugin_sources,
                        _ChangeFilter(self.app_dir, self.plugin_sources, restarts=True),
                        self._restart,
                    )
                self._echo(
                    f"oro dev: restarts the host when {self.config_file.name} or the source of "
                    f"{len(self.plugin_sources)} editable plugin(s) change; port {self.port}"
                )
                code = await self._supervise()
                task_group.cancel_scope.cancel()
        return code

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
        values: dict[str, Any] = {}
        for key in ("window.port", "meta.bundle_identifier"):
            with contextlib.suppress(OSError, ConfigError, KeyError):
                values[key] = read_early_value(self.config_file, key)
        for item in self._overrides:
            key, _, value = item.partition("=")
            values[key.strip()] = value.strip()
        port = values.get("window.port")
        bundle = values.get("meta.bundle_identifier")
        try:
            configured = int(port) if port is not None else 0
        except ValueError:
            configured = 0
        return configured, str(bundle) if isinstance(bundle, str) and bundle else _DEFAULT_BUNDLE

    def _restart(self, changed: list[Path]) -> None:
        if self._child_swaps:
            changed = [path for path in changed if _is_under(path, self.plugin_sources)]
            if not changed:
                return
        self._reason = ", ".join(_relative(path, self.app_dir) for path in changed[:3])
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
        app = _error_app(problem, self._session_key, self.port)
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
            await task_group.start(_watch_sources, self.app_dir, None, self._restart)
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


# -------------------------------------------------------------------------------------------------
# The error page
# -------------------------------------------------------------------------------------------------

_ANONYMOUS_PROBLEM: Final = (
    "The app failed to start; the terminal running `oro dev` says why. Open the app through its "
    "launch URL to see the error here."
)
_ERROR_PAGE: Final = """<!doctype html>
<html><head><meta charset="utf-8"><title>oro dev: error</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem">
<h1 style="color: #b00020">The app failed to start</h1>
<pre id="oro-dev-error" style="white-space: pre-wrap">{problem}</pre>
<p>Fix it and save: this page reloads once the host runs again.</p>
<script>
setInterval(async () => {{
  try {{
    const response = await fetch('/ipc/dev.boot', {{ cache: 'no-store' }})
    if (response.headers.get('x-oro-dev') !== 'error') location.reload()
  }} catch {{}}
}}, 200)
</script>
</body></html>
"""


def _error_app(
    problem: str, session_key: str, port: int
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """An ASGI app answering 503 with ``problem``: as JSON (an IPC error) to ``/ipc/`` and to
    requests accepting JSON, else as a page that reloads once the host is back. Only a request
    of this app's address with a session of this ``oro dev`` sees the problem itself (it may
    hold paths and source lines)."""
    hosts = {f"{name}:{port}" for name in (LOOPBACK, "localhost")}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        trusted = headers.get("host", "").lower() in hosts and any(
            is_signed_session(value, session_key)
            for _, value in parse_cookies(headers.get("cookie", ""))
        )
        shown = problem if trusted else _ANONYMOUS_PROBLEM
        if scope["path"].startswith("/ipc/") or "application/json" in headers.get("accept", ""):
            error = {"name": "ServiceUnavailableError", "message": shown}
            body = json.dumps({"err": error}).encode()
            content_type = b"application/json"
        else:
            body = _ERROR_PAGE.format(problem=html.escape(shown)).encode()
            content_type = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", content_type),
                    (b"cache-control", b"no-store"),
                    (b"x-oro-dev", b"error"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app
