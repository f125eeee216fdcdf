"""The app's own import map (``webview.importmap``): where the file may be, read only inside
the app's folders, and read again when it changes."""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, final
from urllib.parse import unquote, urlsplit

from oro_framework.host.sandbox import inside_folder

__all__ = ["AppImportMap", "import_map_candidates"]


def import_map_candidates(value: str, roots: Sequence[Path]) -> tuple[list[Path], str | None]:
    """Where ``webview.importmap = value`` may be, and why it is refused (``None`` if not).

    Socket opens the value as a ``filesystem::Resource`` with its working directory set to the
    app's resources (``src/runtime/filesystem/resource.cc``, ``src/runtime/cwd/cwd.cc``): a
    relative path (``importmap.json``, ``./importmap.json``) and ``socket://<bundle>/x.json``
    are the resources' files; ``file:///...`` and ``/x.json`` are the host's filesystem. oro
    reads the app's files only: every form names a file of ``roots`` (``webview.root``, then
    the app directory), ``/x.json`` included (the app root, as the apps that write it mean);
    an absolute path or ``file:`` URL inside a root is that file. A value that leaves the
    roots (``../../etc/passwd``, ``file:///etc/passwd``) is refused, never read.
    """
    text = value.strip()
    if not text:
        return [], None
    path, file_url = text, False
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme is not None and len(scheme.group(1)) > 1:  # c:\ is a drive, not a scheme
        parsed = urlsplit(text)
        if parsed.scheme.lower() not in ("socket", "file"):
            return [], f"webview.importmap: {value!r} is not a file of the app; ignored"
        path, file_url = unquote(parsed.path), parsed.scheme.lower() == "file"
    leaves = (
        f"webview.importmap: {value!r} leaves the app's folder; ignored (oro reads import maps "
        "from webview.root or the app directory only)"
    )
    if path.startswith("/") and any(
        inside_folder(os.path.normpath(path), os.path.abspath(root)) for root in roots
    ):
        return [Path(os.path.normpath(path))], None
    if file_url:
        return [], leaves
    relative = posixpath.normpath(path.replace("\\", "/").lstrip("/"))
    if relative in ("..", ".") or relative.startswith("../"):
        return [], leaves
    return list(dict.fromkeys(root / relative for root in roots)), None


@final
class AppImportMap:
    """The app's own import map file (``webview.importmap``), read again when it changes.

    :param candidates: where the file may be, in order (see :func:`import_map_candidates`);
        ``()`` when the app has none.
    :param warn: told once per file version why the file is not used (missing, not JSON, not an
        object, outside ``roots``); the pages then get oro's import map and their own.
    :param roots: the folders the file must really be in, symlinks followed (a link out of the
        app is refused and never read); empty: no such check.
    """

    def __init__(
        self,
        candidates: Sequence[Path],
        *,
        warn: Callable[[str], None],
        roots: Sequence[Path] = (),
    ) -> None:
        self.candidates = tuple(candidates)
        self.roots = tuple(roots)
        self._warn = warn
        self._seen: tuple[Path, int, int] | None = None
        self._value: dict[str, Any] | None = None
        self._warned: set[object] = set()

    def _escapes(self, path: Path) -> bool:
        if not self.roots:
            return False
        real = os.path.realpath(path)
        return not any(inside_folder(real, os.path.realpath(root)) for root in self.roots)

    def load(self) -> dict[str, Any] | None:
        """The parsed import map, or ``None``. Blocking (a ``stat``, a read when it changed)."""
        if not self.candidates:
            return None
        for path in self.candidates:
            try:
                status = path.stat()
            except OSError:
                continue
            if self._escapes(path):
                self._report(
                    ("escapes", path),
                    f"webview.importmap: {path} links out of the app's folder; ignored",
                )
                return None
            key = (path, status.st_size, status.st_mtime_ns)
            if key == self._seen:
                return self._value
            self._seen, self._value = key, None
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                self._report(key, f"webview.importmap: {path} is not JSON ({error}); ignored")
                return None
            if not isinstance(value, dict) or not isinstance(value.get("imports", {}), dict):
                self._report(
                    key, f'webview.importmap: {path} is not an import map ({{"imports": ...}})'
                )
                return None
            self._value = value
            return value
        self._report(
            "missing",
            f"webview.importmap: no file {' or '.join(map(str, self.candidates))}; ignored",
        )
        return None

    def _report(self, key: object, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self._warn(message)
