"""The app's files over HTTP (``webview.root``): which file a URL path names (the default index,
a directory's redirect, ``/about`` for ``about.html``, the single-page-app fallback) and which
are never served (paths that leave the root, dot paths, Python and config files, the app's
hidden files). The answers themselves are :mod:`~oro_framework.web.file_responses`' (the JS
modules under ``/oro/`` are answered the same way), with the validators and ranges of
:mod:`~oro_framework.web.conditional`. File access happens in worker threads so a slow disk
never blocks the loop.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final, final

import anyio

from oro_framework.host.config.files import CONFIG_FILE_NAMES
from oro_framework.web.asgi import HeaderList, Send, send_response
from oro_framework.web.conditional import FileInfo, stat_file
from oro_framework.web.file_responses import (
    ModuleRewrite,
    is_script_media_type,
    media_type_of,
    send_bytes,
    send_file,
    send_module,
    send_not_found,
    send_redirect_page,
)

__all__ = [
    "PYTHON_SUFFIXES",
    "ForbiddenPathError",
    "HtmlTransform",
    "Resources",
    "is_never_served",
    "join_url_path",
]

_SCRIPT_DESTINATIONS: Final = frozenset({"script", "worker", "serviceworker", "sharedworker"})
_MAX_REPORTED_MISSING: Final = 256
PYTHON_SUFFIXES: Final = frozenset({".py", ".pyc", ".pyo", ".pyw", ".pyi", ".pyd"})
"""Python sources, stubs and bytecode: in an app's folder they are its backend (``backend.py``,
the modules and packages beside it), which may hold keys and never is a web asset."""
_NEVER_SERVED_FOLDERS: Final = frozenset({"__pycache__"})
"""Folders ``oro build`` leaves out of a built app (``.git`` is a dot folder already; the
build's ``node_modules`` rule is not followed: pages load packages from it in development)."""
_CONFIG_NAMES: Final = frozenset(name.casefold() for name in CONFIG_FILE_NAMES)
logger = logging.getLogger("oro_framework.bridge")

HtmlTransform = Callable[[bytes], bytes]
"""Rewrites an HTML page on its way out (the bridge injects the preload with it)."""


class ForbiddenPathError(Exception):
    """The URL path tries to leave its root (``..``, a symlink pointing out, NUL, backslash)."""


def is_never_served(parts: Iterable[str]) -> bool:
    """Whether a path, given by its components below the root, is one the bridge never serves
    whatever the file holds: a component starting with ``.`` (``.env``, ``.git/``), a
    ``__pycache__`` folder, a Python file (:data:`PYTHON_SUFFIXES`) or a config file
    (``oro.toml``, ``oro.ini``, ``socket.ini``, the app's or any other), in any letter case (a
    case-insensitive disk serves ``BACKEND.PY`` from ``backend.py``)."""
    components = [part.casefold() for part in parts]
    if not components:
        return False
    if any(part.startswith(".") or part in _NEVER_SERVED_FOLDERS for part in components):
        return True
    name = components[-1]
    return name in _CONFIG_NAMES or os.path.splitext(name)[1] in PYTHON_SUFFIXES


def join_url_path(root: Path, url_path: str) -> Path | None:
    """``root`` joined with the segments of a decoded URL path.

    :return: the joined path (not checked for existence), or ``None`` for a hidden segment
        (``.git``, ``.env``): those are never served, and answered as missing.
    :raises ForbiddenPathError: a ``..`` segment, a NUL or a backslash (a separator on Windows).
    """
    segments = [segment for segment in url_path.split("/") if segment not in ("", ".")]
    for segment in segments:
        if segment == ".." or "\0" in segment or "\\" in segment:
            raise ForbiddenPathError(url_path)
    if any(segment.startswith(".") for segment in segments):
        return None
    return root.joinpath(*segments)


def _is_script_file(found: FileInfo | str) -> bool:
    return isinstance(found, FileInfo) and is_script_media_type(media_type_of(found.path.name))


def _inodes(paths: Iterable[Path]) -> Iterator[tuple[int, int]]:
    """The ``(device, inode)`` of each of ``paths`` that exists."""
    for path in paths:
        try:
            status = path.stat()
        except (OSError, ValueError):
            continue
        yield status.st_dev, status.st_ino


def _resolves_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` could be reached from ``root``: it lies inside (locate() refuses any
    other path), or it is a file on the root's disk, where a hard link inside the root may
    name it (a secrets file kept outside, linked in)."""
    try:
        if path.resolve().is_relative_to(root):
            return True
        return path.stat().st_dev == root.stat().st_dev
    except (OSError, ValueError, RuntimeError):
        return False


@final
class Resources:
    """The app's files under ``root`` (``host.paths.resources``).

    Never served, and answered 404 exactly like a missing file so that a probe learns nothing:
    the paths of :func:`is_never_served` (dot paths, ``__pycache__``, Python files, config
    files), judged by the real path so that a symlink leading there counts, and the ``hidden``
    files (the app's config files, files named by secret config keys, the backend's modules)
    under any name that reaches them (a symlink, a hard link, another letter case).

    :param default_index: what ``/`` serves (``webview.default_index``).
    :param allow_any_route: serve the default index for unknown page paths (SPA routing).
    :param cache_control: the ``cache-control`` of every file response.
    :param hidden: files never to serve; those that no path inside ``root`` can reach (another
        disk) are dropped.
    :param hidden_at_start: files never to serve under any name either, known by the device and
        inode they have now (the app's Python modules: many files, so each request compares
        with a set instead of calling ``stat`` on each).
    :param url_prefix: the URL path ``root`` is served at (a navigator mount's ``/docs``), which
        the redirects :meth:`locate` answers are below; empty for the app's root.
    """

    def __init__(
        self,
        root: Path,
        *,
        default_index: str,
        allow_any_route: bool,
        cache_control: str,
        hidden: Iterable[Path] = (),
        hidden_at_start: Iterable[Path] = (),
        url_prefix: str = "",
    ) -> None:
        self.root = root.resolve()
        self.url_prefix = url_prefix
        self.default_index = default_index
        self.allow_any_route = allow_any_route
        self.cache_control = cache_control
        self.hidden = tuple(
            dict.fromkeys(path for path in hidden if _resolves_inside(path, self.root))
        )
        self._reported_missing: set[str] = set()
        self._reported_private: set[str] = set()
        self._hidden_inodes = frozenset(_inodes(hidden_at_start))

    def report_missing(self, url_path: str, request_headers: Mapping[str, str]) -> None:
        """Log, once per path, a script or module a page asked for that does not exist: a
        page whose module graph fails on it never starts, and the browser says only that a
        dynamically imported module failed."""
        destination = request_headers.get("sec-fetch-dest", "")
        if destination not in _SCRIPT_DESTINATIONS or url_path in self._reported_missing:
            return
        if len(self._reported_missing) < _MAX_REPORTED_MISSING:
            self._reported_missing.add(url_path)
        logger.warning(
            "a page asked for the %s %s, which does not exist (404): the module graph that "
            "imports it does not run",
            "module" if destination == "script" else destination,
            url_path,
        )

    def locate(self, url_path: str) -> FileInfo | str | None:
        """Find the file for ``url_path`` (blocking: call it in a worker thread), as Oro's
        scheme handler resolves a path: the file itself; else a directory's ``index.html``
        (named without its trailing slash: a redirect to it, so that its pages' relative URLs
        resolve); else, for a name without an extension, the same name with ``.html``
        (``/about`` serves ``about.html``; ``/a`` with both ``a.html`` and ``a/index.html``
        redirects to ``/a/``).

        :return: the file, a path to redirect to, or ``None`` when there is none.
        :raises ForbiddenPathError: the path leaves the root, by ``..`` or by a symlink.
        """
        target = self.default_index if url_path == "/" else url_path
        candidate = join_url_path(self.root, target)
        if candidate is None:
            return None
        if candidate.is_dir():
            index = candidate / "index.html"
            if target.endswith("/"):
                candidate = index
            elif index.is_file():
                return target + "/"
            else:
                candidate = self._html_twin(candidate, target)
        elif not candidate.exists():
            candidate = self._html_twin(candidate, target)
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):
            raise ForbiddenPathError(url_path)
        if self._is_hidden(resolved):
            return None
        return stat_file(resolved)

    @staticmethod
    def _html_twin(candidate: Path, target: str) -> Path:
        """``candidate`` with ``.html`` when its name has no extension and it ends no
        directory path (``/about``), else ``candidate`` itself."""
        if target.endswith("/") or "." in candidate.name:
            return candidate
        return candidate.with_name(candidate.name + ".html")

    def _is_hidden(self, resolved: Path) -> bool:
        """Whether ``resolved`` (inside the root) must not be served. Hidden files are compared
        by device and inode, which also catches hard links and case-insensitive names."""
        if is_never_served(resolved.relative_to(self.root).parts):
            self._report_private(resolved)
            return True
        if not (self.hidden or self._hidden_inodes):
            return False
        try:
            status = resolved.stat()
        except (OSError, ValueError):
            return False
        if (status.st_dev, status.st_ino) in self._hidden_inodes:
            return True
        for path in self.hidden:
            try:
                if os.path.samestat(status, path.stat()):
                    return True
            except (OSError, ValueError):
                continue
        return False

    def _report_private(self, resolved: Path) -> None:
        """Log, once per file, that a Python or config file was asked for: the page gets a plain
        404, the app's author learns why (a page fetching a ``.py`` file for Pyodide, say)."""
        relative = resolved.relative_to(self.root)
        name = relative.as_posix()
        if any(part.startswith(".") for part in relative.parts) or name in self._reported_private:
            return  # dot paths are private by convention: nothing to explain
        if len(self._reported_private) >= _MAX_REPORTED_MISSING:
            return
        self._reported_private.add(name)
        logger.warning(
            "a request for %s was answered 404: the bridge never serves the app's Python "
            "files or config files (docs/security.md, section 9)",
            name,
        )

    def is_fallback_allowed(self, url_path: str, request_headers: Mapping[str, str]) -> bool:
        """Whether a missing path gets the default index: only with ``allow_any_route``, and
        only for what looks like a page (no extension, or the browser asks for HTML), so a
        missing script still fails loudly instead of receiving HTML."""
        if not self.allow_any_route:
            return False
        last = url_path.rsplit("/", 1)[-1]
        return "." not in last or "text/html" in request_headers.get("accept", "")

    async def serve(
        self,
        send: Send,
        request_headers: Mapping[str, str],
        *,
        method: str,
        url_path: str,
        query_string: bytes,
        headers: HeaderList,
        html_headers: HeaderList,
        transform_html: HtmlTransform | None,
        zero_copy: bool = False,
        rewrite_module: ModuleRewrite | None = None,
        scripts_only: bool = False,
    ) -> None:
        """Answer a ``GET``/``HEAD`` for ``url_path``.

        :param headers: sent with every response (security headers).
        :param html_headers: added to HTML pages (CSP, framing).
        :param transform_html: applied to HTML pages (the preload), ``None`` to send them as is.
        :param zero_copy: as for :func:`send_file`.
        :param rewrite_module: applied to JavaScript files (their import specifiers), ``None``
            to send them as they are.
        :param scripts_only: the request was admitted as a Service Worker script fetch without
            a session: a JavaScript file is served, anything else (a page, the fallback, a
            directory's redirect, data) is answered as missing.
        """
        cached = [*headers, (b"cache-control", self.cache_control.encode())]
        try:
            found = await anyio.to_thread.run_sync(self.locate, url_path)
            if (
                found is None
                and not scripts_only
                and self.is_fallback_allowed(url_path, request_headers)
            ):
                found = await anyio.to_thread.run_sync(self.locate, "/")
        except ForbiddenPathError:
            await send_response(
                send, 403, b"Forbidden path\n", headers, media_type="text/plain; charset=utf-8"
            )
            return
        if found is not None and scripts_only and not _is_script_file(found):
            # Exists, but is no worker script: answered as missing, and not logged as such.
            await send_not_found(send, headers)
            return
        if isinstance(found, str):
            await send_redirect_page(
                send, self.url_prefix + found, query_string, headers, method=method
            )
            return
        if found is None:
            self.report_missing(url_path, request_headers)
            await send_not_found(send, headers)
            return
        media_type = media_type_of(found.path.name)
        if not media_type.startswith("text/html"):
            await send_module(
                send,
                request_headers,
                found,
                method=method,
                media_type=media_type,
                headers=cached,
                rewrite=rewrite_module,
                zero_copy=zero_copy,
            )
        elif transform_html is None:
            await send_file(
                send,
                request_headers,
                found,
                method=method,
                media_type=media_type,
                headers=cached + html_headers,
                zero_copy=zero_copy,
            )
        else:
            page = transform_html(await anyio.Path(found.path).read_bytes())
            await send_bytes(
                send,
                request_headers,
                page,
                method=method,
                media_type=media_type,
                headers=cached + html_headers,
            )
