"""``ORO_TRACE_PLUGINS=1``: one stderr line per plugin registered and per hook call, naming the
hook, the plugin(s) it ran and how long it took (pytest's ``--trace-config`` is the model).
``ORO_TRACE_STARTUP=1``: one stderr line per phase of ``oro run``'s start (:func:`startup`), to
see where a launch's time goes (``bench/startup.py`` prints them as its profile).

The host calls most hooks plugin by plugin (:class:`~oro_framework.host.hooks.HookCaller`), so
a line names exactly one plugin; the few hooks called once for all plugins (the per-request
``oro_permission_check``) name every plugin in the order pluggy calls them.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    import pluggy

__all__ = ["PREFIX", "STARTUP_ENV", "enabled", "install", "registered", "startup"]

ENV: Final = "ORO_TRACE_PLUGINS"
STARTUP_ENV: Final = "ORO_TRACE_STARTUP"
PREFIX: Final = "oro-trace:"
"""What every trace line starts with, to grep them out of the rest of stderr."""


def enabled(environ: Mapping[str, str], variable: str = ENV) -> bool:
    return environ.get(variable, "") not in ("", "0")


def startup(phase: str) -> None:
    """With ``ORO_TRACE_STARTUP`` set: ``oro-trace: start-up <phase> at <epoch seconds>`` on
    stderr, the moment ``phase`` is done (a reader subtracts the time it spawned the process)."""
    if enabled(os.environ, STARTUP_ENV):
        sys.stderr.write(f"{PREFIX} start-up {phase} at {time.time():.4f}\n")
        sys.stderr.flush()


def _plugins(implementations: Sequence[pluggy.HookImpl]) -> str:
    # pluggy calls the last registered implementation first.
    names = [implementation.plugin_name for implementation in reversed(implementations)]
    return ", ".join(names) if names else "(no plugin)"


def install(manager: pluggy.PluginManager, stream: Callable[[], TextIO]) -> None:
    """Trace every hook call of ``manager`` to ``stream()`` (looked up at each line, so that a
    test's captured stderr is honoured)."""
    started: list[float] = []

    def before(
        hook_name: str, implementations: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        started.append(time.perf_counter())

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        implementations: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        # Hooks may call hooks: the innermost call ends first.
        elapsed = (time.perf_counter() - started.pop()) * 1000
        line = f"{PREFIX} {hook_name} {_plugins(implementations)} {elapsed:.2f} ms"
        error = outcome.exception
        if error is not None:
            line += f" raised {type(error).__name__}: {' '.join(str(error).split())}"
        # One write per line: lines of threads calling hooks at once never interleave.
        stream().write(line + "\n")

    manager.add_hookcall_monitoring(before, after)


def registered(
    stream: TextIO, name: str, distribution: str | None, version: str | None, module: str | None
) -> None:
    """The line for one plugin registered, like pytest's ``PLUGIN registered``."""
    source = " ".join(part for part in (distribution, version) if part) or "-"
    stream.write(f"{PREFIX} registered {name} ({source}) from {module or '-'}\n")
