"""What oro-fs keeps per host, ``host.stash[STATE]``: the sandbox, the I/O limiter, the open
descriptors, the watchers and the open read streams."""

from __future__ import annotations

import importlib.machinery
import os
import warnings
import weakref
from dataclasses import field
from pathlib import Path
from typing import Any, Final, final

import anyio
from anyio.abc import TaskStatus

from oro_framework import (
    BACKEND_FILE,
    CONFIG_FILE_NAMES,
    ConfigError,
    ConfigWarning,
    Host,
    Sandbox,
    SandboxRoot,
    StashKey,
    app_plugin_locations,
    is_ini_file,
    is_secret_name,
)
from oro_framework.records import record
from oro_fs.descriptors import DescriptorTable
from oro_fs.settings import FsSettings
from oro_fs.watch import Watchers

__all__ = ["STATE", "TMPDIR_ROOT", "FsState", "page_temp_directory"]


@final
@record(frozen=False, eq=False)
class FsState:
    """oro-fs's state for one host, built by ``oro_configure``, closed by ``oro_unconfigure``."""

    settings: FsSettings
    sandbox: Sandbox
    limiter: anyio.CapacityLimiter
    """Bounds the worker threads doing blocking file I/O (``filesystem.io_threads``)."""
    descriptors: DescriptorTable
    watchers: Watchers
    streams: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)
    """Open fs.readFile streams: closed at shutdown if their reader never finished them (a
    stream nobody references any more closes its file when collected)."""

    @classmethod
    def from_host(cls, host: Host) -> FsState:
        """The state for ``host``, whose config and paths are loaded.

        :raises ConfigError: a bad ``filesystem.mounts`` entry, or a ``relative_root`` naming
            no root (``tmpdir`` when the app hands its pages no temp directory).
        """
        settings = host.settings(FsSettings)
        roots = [
            SandboxRoot.at(
                "resources",
                host.paths.resources,
                writable=False,
                concealed=_config_file_names(host),
            ),
            SandboxRoot.at("data", host.paths.data, writable=True),
            SandboxRoot.at("temp", host.paths.temp, writable=True),
            *(
                SandboxRoot.at(TMPDIR_ROOT, Path(directory), writable=True)
                for directory in [page_temp_directory(host)]
                if directory is not None
            ),
            *(
                SandboxRoot.at(mount.name, mount.path, writable=mount.writable)
                for mount in settings.mount_roots()
            ),
        ]
        names = [root.name for root in roots]
        if settings.relative_root not in names:
            raise ConfigError(
                f"key 'filesystem.relative_root' names no root: {settings.relative_root!r} "
                f"(one of {', '.join(names)})",
                key="filesystem.relative_root",
            )
        return cls(
            settings=settings,
            sandbox=Sandbox(
                roots,
                enabled=sandbox_enabled(host, settings),
                follow_symlinks=not settings.no_follow_symlinks,
                home=settings.relative_root,
                # What a page writes stays in its root; what it reads may be the app's files.
                fallback=None if settings.relative_root == "resources" else "resources",
                hidden=_hidden_files(host),
            ),
            limiter=anyio.CapacityLimiter(settings.io_threads),
            descriptors=DescriptorTable(settings.max_open_descriptors),
            watchers=Watchers(host, debounce_ms=settings.watch_debounce_ms),
        )

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The ``fs.watchers`` service: runs the fs.watch watchers until cancelled."""
        await self.watchers.serve(task_status=task_status)

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under ``fs``."""
        descriptors = self.descriptors.all()
        return {
            "handles": {"count": len(descriptors), "ids": [d.id for d in descriptors]},
            "watchers": len(self.watchers.running()),
            "streams": len(self.streams),
        }

    def close(self) -> None:
        """Close every descriptor (watchers stop with theirs) and every unfinished stream."""
        self.descriptors.close_all()
        for stream in list(self.streams):
            stream.close()


SANDBOX_KEY: Final = "filesystem.sandbox_enabled"


def sandbox_enabled(host: Host, settings: FsSettings) -> bool:
    """Whether oro-fs confines pages to the app's roots: ``filesystem.sandbox_enabled`` where
    anything sets it (a config file, ``FS_SANDBOX``, ``-c``). Unset, an app configured by
    ``socket.ini``/``oro.ini`` has none, as under Socket on Linux (its fs routes open any path
    the user can), with one line at start saying so; an ``oro.toml`` app has it on."""
    config_file = host.config_file
    if host.config.source(SANDBOX_KEY) != "default" or not (
        config_file is not None and is_ini_file(config_file)
    ):
        return settings.sandbox_enabled
    warnings.warn(
        f"{config_file.name}: the file-system sandbox is off, as under Socket on Linux: the "
        "app's pages can read and write the user's files wherever the user can (oro's own "
        "config and backend files excepted); turn it on with [filesystem] "
        "sandbox_enabled = true or FS_SANDBOX=1",
        ConfigWarning,
        stacklevel=2,
    )
    return False


def _hidden_files(host: Host) -> list[str]:
    """The app's config files, secrets file, backend (with the modules beside it) and own
    plugins, which no root of oro-fs reaches (they may hold keys, and a page that wrote them
    would have the host run its code): the resources root conceals the config files and the backend
    by name, these paths wherever a mount or the sandbox being off would reach them.
    (``/proc``, where the host's environment and memory hold every key, and the host's state
    folder are hidden by every sandbox:
    :func:`oro_framework.host.private_files.private_folders`.)"""
    app_dir = host.app_dir
    # Those not there yet too: a page creating an oro.toml (which shadows socket.ini) or a
    # backend.py or a plugins/x.py would have the host run its config or its code at the next
    # start.
    files = [app_dir / name for name in (*CONFIG_FILE_NAMES, BACKEND_FILE)]
    files += app_plugin_locations(host)
    if host.config_file is not None:
        files.append(host.config_file)
    if host.config.secrets_file is not None:
        files.append(host.config.secrets_file)
    backend = host.backend.file if host.backend is not None else None
    if backend is not None:
        # A package's other modules are its code as much as its __init__.py.
        files.append(backend.parent if backend.name == "__init__.py" else backend)
        files.append(backend.parent / BYTECODE_FOLDER)
        files += _modules_in(backend.parent)
    if host.backend is not None and host.backend.directory is not None:
        # The folder first on sys.path for the backend: its modules are what `import helper`
        # runs, at the next start or the next swap `oro dev` makes on a save.
        files += _modules_in(host.backend.directory)
    return [str(file) for file in files]


def _modules_in(folder: Path) -> list[Path]:
    """The Python modules and packages (which ``import`` finds there) in ``folder``."""
    suffixes = tuple(importlib.machinery.all_suffixes())
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if entry.name.endswith(suffixes) or (entry / "__init__.py").is_file()
    ]


TMPDIR_ROOT: Final = "tmpdir"
BYTECODE_FOLDER: Final = "__pycache__"
"""Where Python writes the bytecode of the app's backend and the modules it imports."""
"""The root of the temp directory the app hands its pages (:func:`page_temp_directory`)."""
TEMP_VARIABLES: Final = ("TEMPDIR", "TMPDIR", "TEMP", "TMP")
"""Where Oro's ``os.tmpdir()`` looks in the page's environment, in its order."""


def page_temp_directory(host: Host) -> str | None:
    """The temp directory the page's ``os.tmpdir()`` names, when the app hands one to its pages:
    the first of :data:`TEMP_VARIABLES` in ``process.env`` (forwarded from the host's environment
    by ``build.env``, or set in ``[env]``), as Oro reads it. An app that does so shares that
    directory with its pages, as Oro's apps do; one that does not keeps its own temp root."""
    settings = host.settings(FsSettings)
    environ = host.environ
    forwarded = {name: environ[name] for name in settings.forwarded_env if name in environ}
    env = {**settings.page_env, **forwarded}
    for name in TEMP_VARIABLES:
        value = env.get(name, "")
        # The whole file system is no temp directory: "/" keeps the app's own.
        if value and os.path.isabs(value) and value.strip("/") and not is_secret_name(name):
            return value.rstrip("/")
    return None


STATE: Final = StashKey[FsState]("fs")
"""Where a host keeps oro-fs's :class:`FsState`."""


def _config_file_names(host: Host) -> frozenset[str]:
    """The names at the top of the resources (when they are the app directory) that pages do
    not see, as the bridge does not serve them: the config file read and any shadowed one
    (they may hold keys), and the app's backend file (its code may too)."""
    resources = host.paths.resources.resolve()
    files = [host.config_file, host.backend.file if host.backend is not None else None]
    names = {file.name for file in files if file is not None and file.parent.resolve() == resources}
    if host.backend is not None and host.backend.file is not None:
        # Importing the backend writes its bytecode beside it (unless PYTHONDONTWRITEBYTECODE),
        # and a .pyc holds the source's strings: the bridge never serves __pycache__ either.
        names.add(BYTECODE_FOLDER)
    if host.config_file is not None and host.config_file.parent.resolve() == resources:
        names |= {name for name in CONFIG_FILE_NAMES if (resources / name).is_file()}
    return frozenset(names)
