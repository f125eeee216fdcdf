"""What is installed, as every ``oro`` command asks it: the entry points of group ``oro`` (the
plugins, with their distributions' names and versions) and oro-framework's own version.

:mod:`importlib.metadata` answers both. Importing it costs a command 20-30 ms (it brings in the
``email`` package to parse ``METADATA`` files), and reading each plugin's ``METADATA`` more:
~60 ms in all, a fifth of ``oro config get``'s CPU. The answer changes only when what ``sys.path``
holds changes, so the ``oro`` command line keeps it in a file of the virtual environment
(:func:`remember`), keyed by the modification time of each ``sys.path`` entry: installing,
upgrading or removing a distribution adds or removes a folder in ``site-packages``, which
changes that folder's time, and the next command reads the metadata again. A key with a time
from the last two seconds is neither kept nor remembered (as git treats an index entry as old as
its file): an installer may still be writing that folder (a distribution's files land in its
``.dist-info`` after the folder, which changes no time of ``site-packages``), and a folder's time
is only as fine as the kernel's tick, so a change in the same tick would go unseen.
``sys.path[0]`` (the script's folder, or the working directory for ``python -m``) is left out of
the key while it holds no distribution; when it holds one, nothing is kept. A process that did
not start through ``oro`` (the host used as a library, tests) asks importlib.metadata, once per
key.

The file is written as bytecode is: in a virtual environment (a system installation's files are
the package manager's), never in a built app, and not under ``PYTHONDONTWRITEBYTECODE``, where
``scripts/bootstrap`` writes it once its installs are done (``python -m
oro_framework.host.installed``). A write replaces the file whole, so concurrent processes never
see half of one; a file that does not load (another Python, a broken write) is ignored and
replaced. It holds names, versions and entry points' values, never code.
"""

from __future__ import annotations

import importlib
import marshal
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Final, NamedTuple, final

__all__ = [
    "CACHE_FILE",
    "ENTRY_POINT_GROUP",
    "FRAMEWORK_DISTRIBUTION",
    "PluginEntry",
    "framework_version",
    "keep",
    "plugin_entries",
    "remember",
]

ENTRY_POINT_GROUP: Final = "oro"
"""Where plugins are declared: pluggy's project name (``hookspecs.PROJECT_NAME``), named here so
that reading them needs no pluggy (``oro --version`` when the cache does not answer)."""
FRAMEWORK_DISTRIBUTION: Final = "oro-framework"
_UNINSTALLED_VERSION: Final = "0.0.0"
"""oro-framework's version when it runs from a source tree that is not installed."""
# An entry point's value as importlib.metadata parses it: module, attribute path, extras.
_VALUE: Final = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?(\[.*\]\s*)?$")
_DISTRIBUTION_SUFFIXES: Final = (".dist-info", ".egg-info")
_SETTLED_NS: Final = 2_000_000_000
"""How old the newest time of a key must be for its answer to be kept (see above)."""
CACHE_FILE: Final = Path(sys.prefix) / f"oro-installed.{sys.implementation.cache_tag}.marshal"
"""In the virtual environment whose distributions it lists, beside its ``pyvenv.cfg``: never in
the package's folder, which ``oro build`` copies into an app."""
_HEADER: Final = f"{sys.version}|marshal={marshal.version}"
"""What wrote a file: another interpreter's is not read."""
_MAX_KEYS: Final = 64
"""A bound on the file: past it, only the key this process used is kept."""

Row = tuple[str, str, str | None, str | None]
"""An entry point as kept: name, value, distribution name, distribution version."""
Installed = tuple[tuple[Row, ...], str]
"""The ``oro`` entry points in importlib.metadata's order, and oro-framework's version."""


@final
class PluginEntry(NamedTuple):
    """One entry point of group ``oro``: ``name = value`` of ``distribution`` at ``version``
    (``None`` when importlib.metadata knows no distribution for it)."""

    name: str
    value: str
    distribution: str | None = None
    version: str | None = None

    @property
    def module(self) -> str:
        """The module the value names (``oro_fs.plugin`` of ``oro_fs.plugin:Plugin``)."""
        match = _VALUE.match(self.value)
        return match.group("module") if match else self.value.partition(":")[0].strip()

    def load(self) -> Any:
        """Import the module and return the object the value names, as
        ``importlib.metadata.EntryPoint.load`` does.

        :raises Exception: whatever importing the module or finding the attribute raises.
        """
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name!r} has a malformed value {self.value!r}")
        found = importlib.import_module(match.group("module"))
        for part in filter(None, (match.group("attr") or "").split(".")):
            found = getattr(found, part)
        return found


def plugin_entries() -> tuple[PluginEntry, ...]:
    """The entry points of group ``oro`` on ``sys.path``, as
    ``importlib.metadata.entry_points(group="oro")`` lists them."""
    return tuple(PluginEntry(*row) for row in _installed()[0])


def framework_version() -> str:
    """oro-framework's installed version (``0.0.0`` from a source tree not installed)."""
    return _installed()[1]


_known: dict[tuple[tuple[str, int], ...], Installed] = {}
"""What this process read, by key: hosts made one after another read it once."""
_file: list[Path] = []
"""Where :func:`remember` keeps what is installed across processes, once it was called."""


def remember(path: Path = CACHE_FILE) -> None:
    """Keep what is installed in the file at ``path`` for the next processes, and read it from
    there (the ``oro`` command line's start; later calls are ignored)."""
    if _file:
        return
    _file.append(path)
    _known.update(_load(path))


def keep(path: Path = CACHE_FILE) -> None:
    """Keep what is installed now in the file at ``path``, however recent the folders' times
    and whatever ``PYTHONDONTWRITEBYTECODE`` says: ``scripts/bootstrap`` asks it once its
    installs are done (its last one may be a second old), so that the first commands find it."""
    remember(path)
    key = _key()
    if key is not None:
        _known[key] = _read()
        _save(_file[0], key)


def _installed() -> Installed:
    """What is installed, remembered (and kept, after :func:`remember`) by key."""
    key = _key()
    if key is None or time.time_ns() - max((at for _, at in key), default=0) < _SETTLED_NS:
        return _read()
    known = _known.get(key)
    if known is None:
        known = _known[key] = _read()
        if _file and _may_write():
            _save(_file[0], key)
    return known


def _may_write() -> bool:
    """Whether the file is this installation's to write (see above)."""
    frozen = bool(getattr(sys, "frozen", False))
    return not (sys.dont_write_bytecode or frozen or sys.prefix == sys.base_prefix)


def _load(path: Path) -> dict[Any, Installed]:
    try:
        header, table = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return table if header == _HEADER and isinstance(table, dict) else {}


def _save(path: Path, key: tuple[tuple[str, int], ...]) -> None:
    """Write what this process knows to ``path`` (only ``key``'s past :data:`_MAX_KEYS`),
    replacing the file whole, as Python writes bytecode; a folder that cannot be written to
    keeps nothing."""
    table = _known if len(_known) <= _MAX_KEYS else {key: _known[key]}
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(exist_ok=True)
        with temporary.open("xb") as file:
            file.write(marshal.dumps((_HEADER, table)))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _key() -> tuple[tuple[str, int], ...] | None:
    """Each ``sys.path`` entry and its modification time (-1: none there), ``sys.path[0]``
    left out unless it holds a distribution; ``None`` when it does (read it each time)."""
    paths = list(sys.path)
    if paths and _holds_distribution(paths[0]):
        return None
    key: list[tuple[str, int]] = []
    for path in paths[1:]:
        try:
            key.append((path, os.stat(path or ".").st_mtime_ns))
        except OSError:
            key.append((path, -1))
    return tuple(key)


def _holds_distribution(path: str) -> bool:
    try:
        with os.scandir(path or ".") as entries:
            return any(entry.name.endswith(_DISTRIBUTION_SUFFIXES) for entry in entries)
    except OSError:
        return False


def _read() -> Installed:
    """Ask importlib.metadata (each distribution's ``METADATA`` parsed once)."""
    from importlib.metadata import PackageNotFoundError, entry_points, version

    named: dict[int, tuple[str | None, str | None]] = {}
    rows: list[Row] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry_point.dist
        if distribution is None:
            rows.append((entry_point.name, entry_point.value, None, None))
            continue
        known = named.get(id(distribution))
        if known is None:
            metadata = distribution.metadata
            known = named[id(distribution)] = (metadata["Name"], metadata["Version"])
        rows.append((entry_point.name, entry_point.value, *known))
    try:
        own = version(FRAMEWORK_DISTRIBUTION)
    except PackageNotFoundError:
        own = _UNINSTALLED_VERSION
    return tuple(rows), own


if __name__ == "__main__":
    keep()
