"""What the loader says about a plugin that cannot be loaded, and its import's time limit:
the did-you-mean of a misspelled hook, the arguments a hook takes, an import that hangs
(:mod:`oro_framework.host.plugins` loads plugins; this keeps its failures' words)."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pluggy

    from oro_framework.host.installed import PluginEntry

__all__ = [
    "DEFAULT_IMPORT_TIMEOUT",
    "IMPORT_TIMEOUT_ENV",
    "ImportHung",
    "import_time_limit",
    "imported_within",
    "invalid_arguments",
    "unknown_hook",
]

IMPORT_TIMEOUT_ENV: Final = "ORO_PLUGIN_IMPORT_TIMEOUT"
"""Seconds an installed plugin's import may take before it is skipped as broken."""
DEFAULT_IMPORT_TIMEOUT: Final = 30.0
"""A plugin's import that takes this long waits on something that will not come (a network
call, a lock, input): far past any import's honest cost, short of a user giving up."""


def import_time_limit(environ: Mapping[str, str]) -> float:
    """``ORO_PLUGIN_IMPORT_TIMEOUT``'s seconds; the default when unset or not a positive
    number (a typo must not turn the limit off)."""
    try:
        seconds = float(environ.get(IMPORT_TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_IMPORT_TIMEOUT
    return seconds if 0 < seconds < float("inf") else DEFAULT_IMPORT_TIMEOUT


class ImportHung(Exception):
    """An installed plugin's import did not finish in time."""


def imported_within(entry_point: PluginEntry, seconds: float) -> Any:
    """``entry_point.load()`` in a thread of its own, waited for ``seconds``.

    Python cannot interrupt an import: one that hangs (on the network, a lock, input) is left
    running in its daemon thread, which ends with the process, and the host goes on without it.
    Only installed plugins' imports run so (the framework's own are trusted, and imported where
    they are asked for).

    :raises ImportHung: the import did not finish within ``seconds``.
    :raises BaseException: what the import raised.
    """
    outcome: list[tuple[bool, Any]] = []

    def load() -> None:
        try:
            outcome.append((True, entry_point.load()))
        except BaseException as error:  # re-raised below, in the caller's thread
            outcome.append((False, error))

    thread = threading.Thread(target=load, name=f"oro import {entry_point.name}", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise ImportHung(
            f"import did not finish within {seconds:g} s (still running, left behind); "
            f"{IMPORT_TIMEOUT_ENV} sets the limit"
        )
    loaded, value = outcome[0]
    if loaded:
        return value
    raise value


def _argument_names(function: object) -> list[str]:
    """The arguments pluggy passes a hook implementation by name: those without a default."""
    try:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        parameter.name
        for parameter in parameters
        if parameter.kind in positional and parameter.default is inspect.Parameter.empty
    ]


def _hook_names(manager: pluggy.PluginManager) -> list[str]:
    """The hooks a plugin may implement: every hookspec the manager knows."""
    return sorted(name for name, caller in vars(manager.hook).items() if caller.has_spec())


def unknown_hook(manager: pluggy.PluginManager, name: str) -> str:
    """Why an ``oro_...`` function of a plugin matches no hook, with the closest name."""
    import difflib  # only for this error's hint: every launch imports this module

    close = difflib.get_close_matches(name, _hook_names(manager), n=1)
    hint = (
        f"did you mean {close[0]!r}?" if close else "the hooks are listed in docs/plugin-hooks.md"
    )
    return f"unknown hook '{name}': no hookspec has that name; {hint}"


def invalid_arguments(manager: pluggy.PluginManager, plugin: object) -> str | None:
    """Which hook implementation of ``plugin`` takes an argument its hookspec does not
    give, and the arguments it does; ``None`` when none does (pluggy refused something else)."""
    for name, caller in sorted(vars(manager.hook).items()):
        spec = caller.spec
        if spec is None or manager.parse_hookimpl_opts(plugin, name) is None:
            continue
        unknown = [
            arg for arg in _argument_names(getattr(plugin, name)) if arg not in spec.argnames
        ]
        if unknown:
            valid = ", ".join(spec.argnames) or "none"
            return (
                f"hook '{name}' takes {', '.join(repr(arg) for arg in unknown)}, which its "
                f"hookspec does not give; its arguments are: {valid} (any of them, by name)"
            )
    return None
