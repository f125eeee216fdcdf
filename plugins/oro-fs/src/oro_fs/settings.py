"""The ``[filesystem]`` config keys, declared once as the fields of :class:`FsSettings`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final, NamedTuple, final

from oro_framework import ConfigError, setting, setting_from, validators
from oro_framework.records import record

__all__ = ["FsSettings", "Mount"]

_BUILTIN_ROOTS: Final = frozenset({"data", "temp", "resources", "tmpdir"})
_ORO_HOST_PATHS: Final[dict[str, str]] = {
    "$HOST_HOME": "~",
    "$HOST_PROCESS_WORKING_DIRECTORY": ".",
    "$HOST_CONTAINER": ".",
}
"""The variables Oro's mounts may start with, as paths here (Oro's ``$HOST_CONTAINER`` is its
process's working directory on Linux: ``src/runtime/filesystem/resource.cc:220-233``)."""


def oro_mount(host_path: str, url_path: str) -> tuple[str, str]:
    """Oro's mount ``$HOST_HOME/docs/ = /docs`` as ``mounts.docs = "~/docs/"``: Oro serves the
    folder at a URL path, oro-fs names its roots and pages reach them by name (``docs:notes.txt``)
    or by the host path.

    :raises ValueError: the host path starts with a variable this host has no value for.
    """
    variable, slash, rest = host_path.partition("/")
    if variable.startswith("$"):
        if variable not in _ORO_HOST_PATHS:
            raise ValueError(
                f"{variable} names no folder on this host (use $HOST_HOME, "
                "$HOST_PROCESS_WORKING_DIRECTORY or $HOST_CONTAINER)"
            )
        host_path = _ORO_HOST_PATHS[variable] + slash + rest
    name = re.sub(r"[^a-z0-9]+", "-", url_path.lower()).strip("-") or "mount"
    return name, host_path


@final
class Mount(NamedTuple):
    """An extra sandbox root from ``filesystem.mounts.<name>``."""

    name: str
    path: Path
    writable: bool


@final
@record
class FsSettings:
    """The ``[filesystem]`` keys of one host (the parsed mounts are :meth:`mount_roots`)."""

    sandbox_enabled: bool = setting(
        True,
        "Confine oro:fs to the app's resources (read-only), data and temp directories and the "
        "configured mounts; false allows the whole file system. An app configured by "
        "socket.ini or oro.ini has it off unless it is set (as Socket on Linux, Oro's "
        "filesystem_sandbox_enabled), with one line at start saying so.",
        env=("FS_SANDBOX", "ORO_FS_SANDBOX"),
    )
    relative_root: str = setting(
        "data",
        "The root relative paths resolve against: 'data' (the app's data directory; a relative "
        "path naming nothing there but a file of the app's resources reads that file, as "
        "Oro's relative paths do), 'resources' (only the app's files, read-only, as "
        "process.cwd() says), 'temp', 'tmpdir' or a mount's name. Prefixed paths "
        "('data:notes.md') name their root whatever this is.",
    )
    no_follow_symlinks: bool = setting(
        False,
        "Refuse every symlink met on a path (EPERM) instead of following those that stay in "
        "the sandbox.",
        env=("FS_NOFOLLOW", "ORO_FS_NOFOLLOW"),
    )
    mounts: dict[str, str] = setting(
        {},
        'Extra sandbox roots: mounts.<name> = "~/Documents" (read-write), or a table '
        '{ path = "...", mode = "ro" | "rw" }; pages address them as "<name>:rel/path" '
        "or by absolute path.",
        # Oro's `[webview.navigator.mounts] $HOST_HOME/docs/ = /docs` in socket.ini/oro.ini.
        oro_names=("webview.navigator.mounts.*",),
        oro_entry=oro_mount,
    )
    max_open_descriptors: int = setting(
        256,
        "Open files, directories and watchers per window; one more answers EMFILE.",
        validator=validators.positive,
    )
    watch_debounce_ms: int = setting(
        50,
        "fs.watch groups changes that happen within this many milliseconds into one delivery.",
        validator=validators.not_negative,
    )
    stream_threshold_bytes: int = setting(
        1 << 20,
        "fs.readFile answers files larger than this as a chunked byte stream (bounded memory).",
        validator=validators.positive,
    )
    max_read_bytes: int = setting(
        8 << 20,
        "Largest size one fs.read may ask for; larger requests are cut to it.",
        validator=validators.positive,
    )
    io_threads: int = setting(
        8,
        "Worker threads doing blocking file I/O at once (the event loop never blocks).",
        validator=validators.positive,
    )
    page_env: dict[str, str] = setting_from("env.*", default={})
    """``[env]``, the pages' ``process.env`` values (the core ``process`` plugin's keys): where
    a page's ``os.tmpdir()`` may be named."""
    forwarded_env: list[str] = setting_from("build.env", default=[])
    """``build.env``, the host's variables forwarded to pages (the ``process`` plugin's)."""
    oro_globals: bool = setting_from("webview.oro_globals")
    """The host's ``webview.oro_globals``: Oro's page globals, the File System Access classes of
    ``oro:fs/web`` among them, are defined in every page."""

    def mount_roots(self) -> tuple[Mount, ...]:
        """The ``mounts`` as extra sandbox roots, by name.

        :raises ConfigError: a mount table with an unknown field, a reserved name, no path or a
            mode other than ``"ro"``/``"rw"``.
        """
        return _mounts(self.mounts)


def _mounts(values: dict[str, str]) -> tuple[Mount, ...]:
    """``mounts.docs = "~/x"`` arrives as ``{"docs": "~/x"}``; the table form as
    ``{"docs.path": "~/x", "docs.mode": "ro"}``."""
    tables: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
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
