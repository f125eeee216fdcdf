"""The host ``oro dev`` runs (``oro run --dev-child``, :func:`start_child`), with live reload.

The child adds :class:`DevPlugin` to the host: a service that watches the app's resources
(``webview.root``) and emits :data:`RELOAD_EVENT` once per burst of changes, and the preload
module ``oro:dev`` (``dev_client.js``) that reloads the page on it. Another service watches the
app's Python and config files: a saved ``backend.py`` is imported in a worker thread and
swapped into the running host (the window and its page stay;
:func:`~oro_framework.host.app_backend.reload_backend`), a broken
backend or config is shown over the pages (:data:`PROBLEM_EVENT`), and a valid new config (or a
backend with host hooks, which cannot be swapped) makes the child ask the loop for a restart
(:data:`RESTART_LINE`). A third sends the host's log records to the pages' consoles
(:mod:`~oro_framework.cli.dev_logs`).

An app with build steps is built again, with the previous output served meanwhile, when a file
of the app outside its output changes; the pages reload once the new output is in place. A
failed rebuild is printed and the previous output stays.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

import anyio
import anyio.to_thread
from anyio.abc import TaskStatus

from oro_framework.build.steps import BuildSteps, run_build_steps
from oro_framework.cli.dev_logs import LOG_EVENT, forward_logs
from oro_framework.cli.dev_watch import (
    ChangeFilter,
    editable_plugin_sources,
    relative_name,
    watch,
    watch_sources,
)
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app_backend import (
    BackendSwapRefused,
    import_new_backend,
    swap_backend,
)
from oro_framework.host.bridge_settings import HttpIpcSettings
from oro_framework.host.build_paths import check_build_source
from oro_framework.host.builtin_settings import BuildSettings, has_build_steps
from oro_framework.host.config.files import CONFIG_FILE_NAMES, find_config_file
from oro_framework.host.config.loading import load_config
from oro_framework.host.errors import ConfigError, HostError

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.request import Request
    from oro_framework.host.router import RouteTable
    from oro_framework.host.services import ServiceRegistry

__all__ = [
    "DEV_CLIENT",
    "PROBLEM_EVENT",
    "RELOAD_EVENT",
    "RESTART_LINE",
    "SESSION_KEY_ENV",
    "SOCKET_ENV",
    "SWAPS_LINE",
    "DevPlugin",
    "start_child",
]

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
serves on (:meth:`~oro_framework.cli.dev_loop.DevLoop.run`)."""
DEV_CLIENT: Final = Path(__file__).with_name("dev_client.js")


@final
class DevPlugin:
    """What ``oro dev`` adds to the host it runs: the route ``dev.boot`` (which host process is
    this), the preload module ``oro:dev``, the service ``dev.reload`` watching the app's
    resources and ``dev.logs`` sending the host's log to the pages.

    :param boot: this host process's id; pages compare it to know a new host answers.
    :param echo: where the one line per reload goes.
    :param secret_keys: keys of this launch the pages' log never shows (the session key).
    """

    name = "oro-dev"

    def __init__(
        self, boot: str, *, echo: Callable[[str], None] = print, secret_keys: tuple[str, ...] = ()
    ) -> None:
        self.boot = boot
        self._echo = echo
        self._secret_keys = secret_keys
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
        events.add(RELOAD_EVENT, PROBLEM_EVENT, LOG_EVENT)

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
        bridge_key = host.settings(HttpIpcSettings).shared_key
        services.add(
            "dev.logs",
            functools.partial(forward_logs, host, (*self._secret_keys, bridge_key)),
            doc="oro dev: sends the host's log records to the pages' consoles",
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
        watch_filter = ChangeFilter(host.app_dir, editable_plugin_sources(), restarts=False)

        def reload(changed: list[Path]) -> None:
            names = [relative_name(path, root) for path in changed]
            host.events.emit(RELOAD_EVENT, {"files": names})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self._echo(f"oro dev: reloading pages ({shown} changed)")

        services.add(
            "dev.reload",
            functools.partial(watch, [root], watch_filter, reload),
            doc="oro dev: reloads the pages when the app's files change",
        )

    async def _boot(self, request: Request) -> dict[str, str]:
        return {"boot": self.boot}

    async def _swap_on_changes(self, host: Host, *, task_status: TaskStatus[None]) -> None:
        """Watch the app's config files and its Python beside them: a save of backend.py swaps
        the backend inside this host (the pages keep their state), a broken one or a broken
        config shows over the pages, a valid new config restarts the host. One batch at a
        time, in the order saved."""
        watch_filter = ChangeFilter(host.app_dir, [], restarts=True)
        batches: list[list[Path]] = []
        wake = anyio.Event()

        def note(changed: list[Path]) -> None:
            batches.append(changed)
            wake.set()

        async with anyio.create_task_group() as task_group:
            await task_group.start(
                functools.partial(watch, [host.app_dir], watch_filter, note, recursive=False)
            )
            # Only now: a change oro dev leaves to us is one we see.
            self._echo(SWAPS_LINE)
            task_status.started()
            while True:
                await wake.wait()
                wake = anyio.Event()
                while batches:
                    await self._on_changes(host, batches.pop(0))

    async def _on_changes(self, host: Host, changed: list[Path]) -> None:
        names = ", ".join(relative_name(path, host.app_dir) for path in changed[:3])
        config_files = {host.app_dir / name for name in CONFIG_FILE_NAMES}
        if not any(path in config_files for path in changed):
            await self._swap_backend(host, names)
            return
        problem = _config_problem(host)
        if problem is None:
            self._echo(RESTART_LINE + names)
            return
        self._show(host, problem)

    async def _swap_backend(self, host: Host, names: str) -> None:
        backend = host.backend
        if backend is None or (self.problem is not None and self.problem.startswith(_CONFIG)):
            # No backend to swap (one appearing is new to the host's plugins), or the config
            # is broken: left for the restart its fix brings.
            if backend is None:
                self._echo(RESTART_LINE + names)
            return
        is_file = backend.source.endswith(".py") or Path(backend.source).is_absolute()
        source = Path(backend.source) if is_file else backend.source
        try:
            # In a thread: the import runs the app's code and reads what is installed, which
            # would stall every page's requests (and the watchdog would say so).
            imported = await anyio.to_thread.run_sync(import_new_backend, host, source)
        except BackendSwapRefused:
            self._echo(RESTART_LINE + names)
            return
        new = swap_backend(host, imported)
        if new.error is not None:
            _to_stderr(f"error: {new.error.message}")
            self._show(host, new.error.message)
            return
        self._show(host, None)
        self._echo(f"oro dev: {names} changed; the backend reloaded in place")
        # Imported here: the commands' module is above this one.
        from oro_framework.cli.commands.types import write_backend_types

        with contextlib.suppress(OSError):
            written = await anyio.to_thread.run_sync(write_backend_types, host)
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
                watch_sources, steps.app_dir, steps.output, note, _watched_sources(host)
            )
            task_status.started()
            while True:
                await wake.wait()
                wake = anyio.Event()
                names = [relative_name(path, steps.app_dir) for path in changed]
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
    plugin = DevPlugin(secrets.token_urlsafe(12), echo=echo, secret_keys=(session_key,))
    return plugin, session_key, sock
