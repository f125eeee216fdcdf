"""What an isolated plugin declared and registered at its last start, kept so the next start
need not wait for its process (docs/design.md, "Isolated plugins": start-up).

The host builds its registries before it runs, in synchronous steps: without this cache each
isolated plugin's process would be waited for twice while the host is built (its import and
its host's build: 0.4 s to 1.5 s each on a 2-core machine). With it, the host registers what
the plugin answered last time and goes on; the process checks in while the host starts
serving, and its calls wait for it. What it answers this time replaces the entry; an answer
that differs from what the host registered is one warning (restart the app to see it), never a
grant: the host's own checks run on every call whatever the plugin declared.

An entry is named by a digest of everything that could change the answer: the entry module,
the size and modification time of every file of the plugin's package, the interpreter, this
oro-framework's version and, for the registrations, the config values the plugin is given. It
is written with the host's private writer (mode 0600, never through a link) in the user's
cache folder, and read back bounded (:func:`~oro_framework.host.private_files.load_private_json`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from oro_framework.host.isolation.wire import Message
from oro_framework.host.private_files import PrivateFileError, load_private_json, write_private

__all__ = ["cache_key", "load", "store"]

LIMIT: Final = 1 << 20
"""The largest entry read back: a plugin's routes, modules and keys, far below."""


def _folder(environ: Mapping[str, str]) -> Path:
    import platformdirs

    base = environ.get("XDG_CACHE_HOME") or os.environ.get("XDG_CACHE_HOME")
    root = (
        Path(base) / "oro-framework" if base else Path(platformdirs.user_cache_dir("oro-framework"))
    )
    return root / "isolated-plugins"


def _package_files(module: str) -> list[tuple[str, int, int]]:
    """Each file of ``module``'s top package (or the module alone): path, size, mtime."""
    spec = importlib.util.find_spec(module.partition(".")[0])
    if spec is None or spec.origin is None:
        return []
    locations = spec.submodule_search_locations
    roots = [Path(location) for location in locations] if locations else [Path(spec.origin)]
    found: list[tuple[str, int, int]] = []
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if "__pycache__" in path.parts or not path.is_file():
                continue
            status = path.stat()
            found.append((str(path), status.st_size, status.st_mtime_ns))
    return found


def _own_files() -> list[tuple[str, int, int]]:
    here = Path(__file__).parent
    files = [*sorted(here.glob("*.py")), here.parent / "isolation_child.py"]
    return [(str(path), *_size_and_time(path)) for path in files]


def _size_and_time(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def cache_key(module: str, name: str, *, config: Mapping[str, Any] | None = None) -> str:
    """The name of the entry of plugin ``name`` (its entry module ``module``): its files as
    they are now, the interpreter, this oro-framework and (for the registrations) ``config``."""
    from oro_framework import __version__

    digest = hashlib.sha256()
    # The code that writes the answers too: an entry of another build of oro-framework's
    # isolation (the same version number) may differ in form.
    parts: Any = [
        module,
        name,
        sys.executable,
        __version__,
        _own_files(),
        _package_files(module),
        config,
    ]
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def load(environ: Mapping[str, str], key: str) -> Message | None:
    """The entry ``key``, or ``None`` (none, unreadable, not ours: then the process is waited
    for, as on a first start)."""
    path = _folder(environ) / f"{key}.json"
    if not path.is_file():
        return None
    try:
        entry = load_private_json(path, limit=LIMIT, what="isolated plugin cache")
    except (PrivateFileError, OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("t"), str) else None


def store(environ: Mapping[str, str], key: str, message: Message) -> None:
    """Keep ``message`` as entry ``key``; a cache that cannot be written is no error."""
    folder = _folder(environ)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(folder / f"{key}.json", json.dumps(message).encode())
    except OSError:
        pass
