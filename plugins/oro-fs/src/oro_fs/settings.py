"""The ``[filesystem]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

from oro_framework import Config, ConfigError, ConfigRegistry
from oro_framework.kernel.config import load_settings, not_negative, positive

__all__ = ["FsSettings", "Mount", "declare"]

SECTION: Final = "filesystem"
_BUILTIN_ROOTS: Final = frozenset({"data", "temp", "resources"})


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
        validator=positive,
    )
    config.add(
        "filesystem.watch_debounce_ms",
        int,
        50,
        "fs.watch groups changes that happen within this many milliseconds into one delivery.",
        validator=not_negative,
    )
    config.add(
        "filesystem.stream_threshold_bytes",
        int,
        1 << 20,
        "fs.readFile answers files larger than this as a chunked byte stream (bounded memory).",
        validator=positive,
    )
    config.add(
        "filesystem.max_read_bytes",
        int,
        8 << 20,
        "Largest size one fs.read may ask for; larger requests are cut to it.",
        validator=positive,
    )
    config.add(
        "filesystem.io_threads",
        int,
        8,
        "Worker threads doing blocking file I/O at once (the event loop never blocks).",
        validator=positive,
    )


@final
@dataclass(frozen=True)
class Mount:
    """An extra sandbox root from ``filesystem.mounts.<name>``."""

    name: str
    path: Path
    writable: bool


@final
@dataclass(frozen=True)
class FsSettings:
    """The ``filesystem.*`` values of one host (the mounts are :meth:`mounts`)."""

    sandbox_enabled: bool
    no_follow_symlinks: bool
    max_open_descriptors: int
    watch_debounce_ms: int
    stream_threshold_bytes: int
    max_read_bytes: int
    io_threads: int
    mounts: tuple[Mount, ...]

    @classmethod
    def from_config(cls, config: Config) -> FsSettings:
        """Read the settings from a host's loaded config.

        :raises ConfigError: a mount table with an unknown field, a reserved name, no path or a
            mode other than ``"ro"``/``"rw"``.
        """
        # A wildcard key has no one value: its parsed table is handed over under its own name.
        values = {**config, "filesystem.mounts": _mounts(config)}
        return load_settings(cls, values, SECTION)


def _mounts(config: Config) -> tuple[Mount, ...]:
    """``mounts.docs = "~/x"`` arrives as ``{"docs": "~/x"}``; the table form as
    ``{"docs.path": "~/x", "docs.mode": "ro"}``."""
    tables: dict[str, dict[str, Any]] = {}
    for key, value in config.section("filesystem.mounts").items():
        name, dot, field_name = key.partition(".")
        tables.setdefault(name, {})["path" if not dot else field_name] = value
    mounts = []
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
        mounts.append(Mount(name, Path(table["path"]), writable=mode == "rw"))
    return tuple(mounts)
