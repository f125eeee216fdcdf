"""The ``[filesystem]`` config keys, and the per-host state they configure."""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, final

import anyio

from oro_framework import ConfigError, ConfigRegistry, Host
from oro_fs.descriptors import DescriptorTable
from oro_fs.sandbox import Root, Sandbox
from oro_fs.watch import Watchers

__all__ = ["PLUGIN", "FsState", "configure", "declare", "state"]

PLUGIN: Final = "fs"
"""The plugin's name (its entry point), the key of its ``host.state`` entry."""

_BUILTIN_ROOTS: Final = frozenset({"data", "temp", "resources"})


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError("must be a positive integer")


def _not_negative(value: int) -> None:
    if value < 0:
        raise ValueError("must not be negative")


def declare(config: ConfigRegistry) -> None:
    """Declare every ``filesystem.*`` key (they appear in ``oro config list --describe``)."""
    config.add(
        "filesystem.sandbox_enabled",
        bool,
        True,
        "Confine oro:fs to the app's resources (read-only), data and temp directories and the "
        "configured mounts; false allows the whole file system.",
        env=("FS_SANDBOX",),
    )
    config.add(
        "filesystem.no_follow_symlinks",
        bool,
        False,
        "Refuse every symlink met on a path (EPERM) instead of following those that stay in "
        "the sandbox.",
        env=("FS_NOFOLLOW",),
    )
    config.add(
        "filesystem.mounts.*",
        str,
        "",
        'Extra sandbox roots: mounts.<name> = "~/Documents" (read-write), or a table '
        '{ path = "...", mode = "ro" | "rw" }; pages address them as "<name>:rel/path" '
        "or by absolute path.",
    )
    config.add(
        "filesystem.max_open_descriptors",
        int,
        256,
        "Open files, directories and watchers per window; one more answers EMFILE.",
        validator=_positive,
    )
    config.add(
        "filesystem.watch_debounce_ms",
        int,
        50,
        "fs.watch groups changes that happen within this many milliseconds into one delivery.",
        validator=_not_negative,
    )
    config.add(
        "filesystem.stream_threshold_bytes",
        int,
        1 << 20,
        "fs.readFile answers files larger than this as a chunked byte stream (bounded memory).",
        validator=_positive,
    )
    config.add(
        "filesystem.max_read_bytes",
        int,
        8 << 20,
        "Largest size one fs.read may ask for; larger requests are cut to it.",
        validator=_positive,
    )
    config.add(
        "filesystem.io_threads",
        int,
        8,
        "Worker threads doing blocking file I/O at once (the event loop never blocks).",
        validator=_positive,
    )


@final
@dataclass
class FsState:
    """What the plugin keeps per host (``host.state["fs"]``)."""

    sandbox: Sandbox
    limiter: anyio.CapacityLimiter
    descriptors: DescriptorTable
    watchers: Watchers
    streams: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)
    """Open fs.readFile streams: closed at shutdown if their reader never finished them (a
    stream nobody references any more closes its file when collected)."""


def state(host: Host) -> FsState:
    found: FsState = host.state[PLUGIN]
    return found


def configure(host: Host) -> FsState:
    config = host.config
    roots = [
        _root(
            "resources",
            host.paths.resources,
            writable=False,
            concealed=_config_file_names(host),
        ),
        _root("data", host.paths.data, writable=True),
        _root("temp", host.paths.temp, writable=True),
        *_mounts(config.section("filesystem.mounts")),
    ]
    sandbox = Sandbox(
        roots,
        enabled=config["filesystem.sandbox_enabled"],
        follow_symlinks=not config["filesystem.no_follow_symlinks"],
    )
    fs_state = FsState(
        sandbox=sandbox,
        limiter=anyio.CapacityLimiter(config["filesystem.io_threads"]),
        descriptors=DescriptorTable(config["filesystem.max_open_descriptors"]),
        watchers=Watchers(host, debounce_ms=config["filesystem.watch_debounce_ms"]),
    )
    host.state[PLUGIN] = fs_state
    return fs_state


def _root(
    name: str, path: Path, *, writable: bool, concealed: frozenset[str] = frozenset()
) -> Root:
    configured = os.path.abspath(os.path.expanduser(str(path)))
    real = os.path.realpath(configured)
    spellings = (configured,) if configured != real else ()
    return Root(name, real, writable, spellings, concealed)


def _config_file_names(host: Host) -> frozenset[str]:
    """``oro.toml``'s name when it lies at the top of the resources (the app directory)."""
    config_file = host.config_file
    if config_file is None or config_file.parent.resolve() != host.paths.resources.resolve():
        return frozenset()
    return frozenset({config_file.name})


def _mounts(values: dict[str, Any]) -> list[Root]:
    """``mounts.docs = "~/x"`` arrives as ``{"docs": "~/x"}``; the table form as
    ``{"docs.path": "~/x", "docs.mode": "ro"}``."""
    tables: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        name, dot, field_name = key.partition(".")
        tables.setdefault(name, {})["path" if not dot else field_name] = value
    roots = []
    for name, table in sorted(tables.items()):
        where = f"filesystem.mounts.{name}"
        unknown = set(table) - {"path", "mode"}
        if unknown:
            raise ConfigError(f"key '{where}' has unknown field(s) {sorted(unknown)}", key=where)
        if name in _BUILTIN_ROOTS or "/" in name or not name:
            raise ConfigError(f"key '{where}': mount name '{name}' is reserved", key=where)
        if not table.get("path"):
            raise ConfigError(f"key '{where}' needs a path", key=where)
        mode = table.get("mode", "rw")
        if mode not in ("ro", "rw"):
            raise ConfigError(f'key \'{where}.mode\' must be "ro" or "rw", got {mode!r}', key=where)
        roots.append(_root(name, Path(table["path"]), writable=mode == "rw"))
    return roots
