"""What a second ``oro build`` of an app takes from the first: the frozen runtime and the
packages, each kept under a key that digests everything it is made from.

As Socket's ``ssc build`` skips a step whose inputs did not change, but keyed by content, never
by timestamps: a file saved again with the same bytes changes nothing, and a file changed within
the same second is seen.

* **The runtime** (PyInstaller's folder, trimmed) is made from the installed environment and
  PyInstaller's arguments, never from the app's files, which the build puts in afterwards. Its
  key digests the Python that runs the build, every installed distribution (name, version and
  its ``RECORD``, which lists each file's SHA-256; for an editable install, the bytes of its
  packages' files), the arguments (the plugins chosen, the backend's imports, the app's name...)
  and the core JS modules staged for it.
* **A package** (``.tar.gz``, ``.deb``, ``.rpm``) is made from the finished app folder, the plan
  (name, version, description...) and the tool that writes it: its key digests the runtime's
  manifest (its files' digests: a runtime frozen again need not have the same bytes), every
  file the build added to the runtime (``oro_app/``, icon, ``.desktop`` entry), the plan, the
  target and the tool's executable.

The cache lives in the build's work folder (``<out>/.work/incremental``), beside PyInstaller's
own. A runtime is stored with a manifest of every file (path, kind, mode, size, SHA-256) and is
reused only when the folder still matches it: a file changed through a hard link of the app
folder, a missing or an extra file, or a build killed while storing it (a folder without its
record) makes the build freeze again, never ship it. A package is reused only when
the file in the output still has the SHA-256 recorded when it was written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, final

from oro_framework.build.distributions import import_packages
from oro_framework.build.plan import AppPlan
from oro_framework.build.trim import TrimmedKind

__all__ = [
    "CACHE_FOLDER",
    "BuildCache",
    "digest",
    "environment_inputs",
    "manifest",
    "manifest_difference",
]

CACHE_FOLDER: Final = "incremental"
"""The cache's folder inside the build's work folder."""
_RUNTIME: Final = "runtime"
_RUNTIME_RECORD: Final = "runtime.json"
_PACKAGES_RECORD: Final = "packages.json"
_PARTIAL: Final = ".partial"
_FORMAT: Final = 1
"""Bumped when what the cache holds changes meaning: an older cache is not read."""

Entry = tuple[str, str, int, int, str]
"""One manifest line: relative path, kind (``file``, ``link``, ``dir``), mode, size, and the
file's SHA-256 or the link's target."""


def digest(*parts: object) -> str:
    """SHA-256 of ``parts`` written as canonical JSON (paths and other objects as text)."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def manifest(folder: Path, *, left_out: Iterable[str] = ()) -> list[Entry]:
    """Every entry below ``folder`` in path order, links as links (never followed);
    ``left_out`` names folders skipped wherever they are (``__pycache__``)."""
    skipped = frozenset(left_out)
    entries: list[Entry] = []
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in skipped)
        base = Path(directory)
        for name in sorted([*folders, *files]):
            path = base / name
            relative = path.relative_to(folder).as_posix()
            status = path.lstat()
            mode = stat.S_IMODE(status.st_mode)
            if stat.S_ISLNK(status.st_mode):
                entries.append((relative, "link", 0, 0, os.readlink(path)))
            elif stat.S_ISDIR(status.st_mode):
                entries.append((relative, "dir", mode, 0, ""))
            elif stat.S_ISREG(status.st_mode):
                entries.append((relative, "file", mode, status.st_size, _file_digest(path)))
    entries.sort()
    return entries


def manifest_difference(expected: list[Entry], folder: Path) -> str | None:
    """The first way ``folder`` differs from ``expected`` (a changed, missing or extra entry),
    or ``None`` when it matches."""
    try:
        found = {entry[0]: entry for entry in manifest(folder)}
    except OSError as error:
        return f"it cannot be read ({error})"
    for entry in expected:
        have = found.pop(entry[0], None)
        if have is None:
            return f"{entry[0]} is missing"
        if tuple(have) != tuple(entry):
            return f"{entry[0]} changed"
    return f"{min(found)} was added" if found else None


def _editable_digest(distribution: importlib.metadata.Distribution) -> str | None:
    """For an editable install (its ``RECORD`` names only a ``.pth``): the digest of its
    packages' files as they are now; ``None`` for an ordinary install."""
    try:
        direct = json.loads(distribution.read_text("direct_url.json") or "{}")
        editable = bool(direct.get("dir_info", {}).get("editable"))
    except (ValueError, AttributeError):  # not what PEP 610 writes: not an editable install
        editable = False
    if not editable:
        return None
    folders = []
    for package in import_packages(distribution.metadata["Name"]):
        spec = importlib.util.find_spec(package)
        if spec is not None:
            folders += [Path(path) for path in spec.submodule_search_locations or ()]
            if spec.origin and not spec.submodule_search_locations:
                folders.append(Path(spec.origin))
    return digest(
        [
            manifest(path, left_out=["__pycache__"]) if path.is_dir() else _file_digest(path)
            for path in folders
        ]
    )


def environment_inputs(path: list[str] | None = None) -> dict[str, str]:
    """The digests of the Python that runs the build and of each distribution installed on
    ``path`` (default ``sys.path``), by name: what PyInstaller may collect from."""
    inputs = {"the Python running the build": digest(sys.version, sys.executable)}
    for distribution in importlib.metadata.distributions(path=path or sys.path):
        name = distribution.metadata["Name"]
        label = f"the installed {name}"
        if name is None or label in inputs:
            continue  # a shadowed copy further down the path is never imported
        record = distribution.read_text("RECORD") or ""
        inputs[label] = digest(
            distribution.version,
            hashlib.sha256(record.encode("utf-8")).hexdigest(),
            _editable_digest(distribution),
        )
    return inputs


def _tool_digest(tool: str | None) -> str:
    if tool is None:
        return ""
    found = shutil.which(tool)
    return _file_digest(Path(found)) if found is not None else ""


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _write_json(path: Path, value: Any) -> None:
    """``value`` into ``path`` whole or not at all: a killed build leaves the old record."""
    partial = path.with_name(path.name + _PARTIAL)
    partial.write_text(json.dumps(value), encoding="utf-8")
    partial.replace(path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@final
class BuildCache:
    """The cache of one build output's work folder.

    :param root: the cache's folder (``<out>/.work/incremental``), made when missing.
    :param say: where a line saying why something is not reused goes.
    """

    def __init__(self, root: Path, say: Callable[[str], None]) -> None:
        self.root = root
        self._say = say
        root.mkdir(parents=True, exist_ok=True)
        self._environment = environment_inputs()
        self._runtime_content = ""
        """The digest of the stored runtime's manifest, once it is known to be as recorded."""

    def runtime_inputs(self, arguments: Iterable[str], js_api: Path | None) -> dict[str, str]:
        """The digests of what the runtime PyInstaller makes with ``arguments`` is made from,
        by what each is (the core JS modules staged at ``js_api``): its key is their digest."""
        staged = manifest(js_api) if js_api is not None and js_api.is_dir() else None
        return {
            **self._environment,
            "PyInstaller's arguments (the app's name, plugins, backend imports)": digest(
                list(arguments)
            ),
            "the core JS modules": digest(staged),
        }

    def runtime(self, inputs: dict[str, str]) -> tuple[Path, list[TrimmedKind]] | None:
        """The stored runtime folder made from ``inputs`` and what trimming removed from it,
        when it is complete and unchanged; otherwise ``None``, and whatever was stored goes."""
        folder = self.root / _RUNTIME
        record = _read_json(self.root / _RUNTIME_RECORD)
        try:
            why = self._unusable(folder, record, inputs)
            if why is None:
                self._runtime_content = digest(record["files"])
                return folder, [TrimmedKind(**kind) for kind in record["trimmed"]]
        except (KeyError, TypeError, ValueError):
            why = "the stored runtime's record is damaged"
        if why:
            self._say(f"      {why}: freezing again")
        self.drop_runtime()
        return None

    @staticmethod
    def _unusable(folder: Path, record: Any, inputs: dict[str, str]) -> str | None:
        """Why the stored runtime cannot serve for ``inputs`` (empty: there is none), or
        ``None``."""
        if not folder.is_dir() or not isinstance(record, dict):
            exists = folder.exists() or record is not None
            return "the stored runtime is incomplete (a build was stopped)" if exists else ""
        if record["format"] != _FORMAT:
            return "the stored runtime is of another version of oro"
        recorded = record["inputs"]
        # A distribution installed or removed since is a change too.
        changed = sorted(
            name for name in {*inputs, *recorded} if inputs.get(name) != recorded.get(name)
        )
        if changed:
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            return f"{', '.join(changed[:3])}{more} changed since the runtime was built"
        difference = manifest_difference([tuple(entry) for entry in record["files"]], folder)
        if difference is not None:
            return f"the stored runtime was changed since it was built ({difference})"
        return None

    def store_runtime(
        self, inputs: dict[str, str], frozen: Path, trimmed: list[TrimmedKind]
    ) -> Path:
        """Move the runtime folder ``frozen``, made from ``inputs``, into the cache; return its
        place.

        The record that makes it reusable is written last: a build killed before has left a
        folder without one, which the next build removes.
        """
        self.drop_runtime()
        folder = self.root / _RUNTIME
        frozen.replace(folder)
        files = manifest(folder)
        _write_json(
            self.root / _RUNTIME_RECORD,
            {
                "format": _FORMAT,
                "inputs": inputs,
                "files": files,
                "trimmed": [dataclasses.asdict(kind) for kind in trimmed],
            },
        )
        # As read back from JSON: the digest a later build computes from the record.
        self._runtime_content = digest(json.loads(json.dumps(files)))
        return folder

    def drop_runtime(self) -> None:
        """Forget the stored runtime (and what a killed build left of one)."""
        for name in (_RUNTIME_RECORD, _RUNTIME_RECORD + _PARTIAL, _RUNTIME):
            _remove(self.root / name)

    def package_key(self, target: str, added: Path, plan: AppPlan, tool: str | None) -> str:
        """The key of the ``target`` package of the app folder made of the runtime last
        returned or stored (by its content: a runtime frozen again may differ in its bytes) and
        the files in ``added`` (the app folder's own files: ``oro_app/``, icon, ``.desktop``
        entry), by ``tool`` (``dpkg-deb``, ``rpmbuild``, none for tar)."""
        return digest(
            _FORMAT,
            target,
            self._environment,
            self._runtime_content,
            manifest(added),
            dataclasses.asdict(plan),
            _tool_digest(tool),
        )

    def package(self, target: str, key: str) -> Path | None:
        """The ``target`` package an earlier build wrote under ``key``, when the file is still
        there with the bytes it was written with."""
        record = (_read_json(self.root / _PACKAGES_RECORD) or {}).get(target)
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        path = Path(record["path"])
        try:
            if path.stat().st_size == record["size"] and _file_digest(path) == record["sha256"]:
                return path
        except OSError:
            pass
        self._say(f"      {path.name} was changed or removed since it was built")
        return None

    def store_package(self, target: str, key: str, path: Path) -> None:
        """Record the ``target`` package just written at ``path`` under ``key``."""
        records = _read_json(self.root / _PACKAGES_RECORD)
        records = records if isinstance(records, dict) else {}
        records[target] = {
            "key": key,
            "path": str(path),
            "size": path.stat().st_size,
            "sha256": _file_digest(path),
        }
        _write_json(self.root / _PACKAGES_RECORD, records)
