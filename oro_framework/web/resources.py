"""Static files over HTTP: the app's resources (``webview.root``) and the JS modules under
``/oro/``.

Conditional requests (``ETag``/``If-None-Match``, ``Last-Modified``/``If-Modified-Since``),
single byte ranges (``Range``/``If-Range``, 206/416), ``HEAD``, the default index, the
single-page-app fallback and refusal of paths that leave the root. Parsing is pure; file access
happens in worker threads so a slow disk never blocks the loop.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol, final

import anyio

from oro_framework.host.config.files import CONFIG_FILE_NAMES
from oro_framework.mime import guess_media_type
from oro_framework.web.asgi import (
    ZERO_COPY_SEND,
    HeaderList,
    Send,
    send_response,
    start_response,
)

__all__ = [
    "PYTHON_SUFFIXES",
    "ByteRange",
    "FileInfo",
    "ForbiddenPathError",
    "ModuleRewrite",
    "Resources",
    "UnsatisfiableRangeError",
    "is_never_served",
    "is_not_modified",
    "is_script_media_type",
    "join_url_path",
    "media_type_of",
    "parse_range",
    "send_bytes",
    "send_file",
    "send_module",
    "send_not_found",
    "stat_file",
]

CHUNK_SIZE: Final = 1024 * 1024
"""Bytes per read when a file is streamed through Python: each read is a thread hop, so 64 KiB
chunks capped a 64 MiB file at ~200 MB/s; 1 MiB ones reach ~600 MB/s."""
_TEXT_TYPES_WITH_CHARSET: Final = ("text/", "application/json", "application/manifest+json")
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


class ModuleRewrite(Protocol):
    """Rewrites a JavaScript file on its way out
    (:class:`~oro_framework.web.specifiers.ModuleRewriter`); ``None`` sends the file as it
    is. Both take the file's path, size and mtime (ns)."""

    def cached(self, path: Path, size: int, mtime_ns: int) -> tuple[bool, bytes | None]:
        """The answer if known, without blocking: ``(known, bytes or None)``."""
        ...

    def rewritten(self, path: Path, size: int, mtime_ns: int) -> bytes | None:
        """The answer, reading the file if need be (blocking: called in a worker thread)."""
        ...


_JAVASCRIPT: Final = "text/javascript"


class ForbiddenPathError(Exception):
    """The URL path tries to leave its root (``..``, a symlink pointing out, NUL, backslash)."""


class UnsatisfiableRangeError(Exception):
    """The ``Range`` header asks for bytes the file does not have (answered 416)."""


@final
@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive, as HTTP counts them."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@final
@dataclass(frozen=True)
class FileInfo:
    """What a response needs to know about a file, taken from one ``stat``."""

    path: Path
    size: int
    mtime_ns: int

    @property
    def etag(self) -> str:
        return f'"{self.mtime_ns:x}-{self.size:x}"'

    @property
    def last_modified(self) -> str:
        return http_date(self.mtime_ns / 1e9)


_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def http_date(seconds: float) -> str:
    """``seconds`` since the epoch as an HTTP date (RFC 9110's IMF-fixdate), as
    ``email.utils.formatdate(seconds, usegmt=True)`` writes it: every file response's
    ``last-modified``, without importing the email package (~3 ms) for the launch's first page.
    The names are English whatever the locale, unlike ``strftime``'s ``%a`` and ``%b``: both
    engines set the process's locale from the user's."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )


def media_type_of(path: str) -> str:
    """The ``content-type`` for ``path``: the MIME table of the ``mime.lookup`` route, with a
    UTF-8 charset on text (a page without one is decoded as windows-1252 by browsers)."""
    media_type = guess_media_type(path)
    if media_type.startswith(_TEXT_TYPES_WITH_CHARSET):
        return media_type + "; charset=utf-8"
    return media_type


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


def is_script_media_type(media_type: str) -> bool:
    """Whether a browser runs a file of ``media_type`` as a worker script or module: only
    JavaScript (a Service Worker served any other type fails to install)."""
    return media_type.startswith(_JAVASCRIPT)


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


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range a ``Range`` header asks for.

    :return: the range clipped to the file, or ``None`` when the header is to be ignored (not
        ``bytes=``, malformed, or several ranges: a full 200 answer is allowed for those and
        spares multipart bodies).
    :raises UnsatisfiableRangeError: a well-formed range that starts past the end.
    """
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = (part.strip() for part in spec.partition("-"))
    if (
        not dash
        or not (first or last)
        or not (first + last).isascii()
        or not (first + last).isdigit()
    ):
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRangeError(header)
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise UnsatisfiableRangeError(header)
    return ByteRange(start, min(end, size - 1))


def _parse_http_date(value: str) -> float | None:
    # The email package (~3 ms to import) with the first conditional request, not every launch.
    import email.utils

    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def _etag_matches(candidates: str, etag: str) -> bool:
    """Weak comparison, as ``If-None-Match`` uses."""
    bare = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == bare
        for tag in candidates.split(",")
    )


def is_not_modified(
    request_headers: Mapping[str, str], etag: str, mtime_ns: int | None = None
) -> bool:
    """Whether a ``GET``/``HEAD`` can be answered 304. ``If-None-Match`` wins over
    ``If-Modified-Since`` when both are present (RFC 9110 §13.2.2)."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since is None or mtime_ns is None:
        return False
    since = _parse_http_date(if_modified_since)
    # HTTP dates have whole seconds; a file modified within the same second is unchanged.
    return since is not None and mtime_ns // 1_000_000_000 <= since


def _range_applies(request_headers: Mapping[str, str], info: FileInfo) -> bool:
    if_range = request_headers.get("if-range")
    if if_range is None:
        return True
    if if_range.startswith('"'):
        return if_range == info.etag
    since = _parse_http_date(if_range)
    return since is not None and info.mtime_ns // 1_000_000_000 == int(since)


def stat_file(path: Path) -> FileInfo | None:
    """The file at ``path``, or ``None`` if there is no regular file there. Blocking."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    return FileInfo(path, status.st_size, status.st_mtime_ns)


async def send_file(
    send: Send,
    request_headers: Mapping[str, str],
    info: FileInfo,
    *,
    method: str,
    media_type: str,
    headers: HeaderList,
    zero_copy: bool = False,
) -> None:
    """Answer with a file: 304 when the client's copy is current, 206/416 for a range, the body
    streamed in chunks (nothing for ``HEAD``).

    :param zero_copy: the server takes ASGI's ``http.response.zerocopysend`` (the body then
        goes from the file to the socket without being read into Python).
    """
    validators: HeaderList = [
        (b"etag", info.etag.encode()),
        (b"last-modified", info.last_modified.encode()),
        (b"accept-ranges", b"bytes"),
    ]
    if is_not_modified(request_headers, info.etag, info.mtime_ns):
        await start_response(send, 304, headers + validators)
        await send({"type": "http.response.body", "body": b""})
        return
    status = 200
    span = ByteRange(0, info.size - 1)
    content: HeaderList = [(b"content-type", media_type.encode())]
    range_header = request_headers.get("range")
    if range_header is not None and _range_applies(request_headers, info):
        try:
            requested = parse_range(range_header, info.size)
        except UnsatisfiableRangeError:
            refusal = [(b"content-range", f"bytes */{info.size}".encode())]
            await send_response(send, 416, b"", headers + validators + refusal)
            return
        if requested is not None:
            status, span = 206, requested
            content.append(
                (b"content-range", f"bytes {span.start}-{span.end}/{info.size}".encode())
            )
    length = max(span.length, 0)
    content.append((b"content-length", str(length).encode()))
    await start_response(send, status, headers + validators + content)
    if method == "HEAD" or length == 0:
        await send({"type": "http.response.body", "body": b""})
        return
    if zero_copy:
        # The server sends straight from the file to the socket (sendfile): no chunk passes
        # through Python. Opening the file does not block for long, reading it would.
        with open(info.path, "rb") as raw_file:  # noqa: ASYNC230
            await send(
                {
                    "type": ZERO_COPY_SEND,
                    "file": raw_file,
                    "offset": span.start,
                    "count": length,
                }
            )
        return
    async with await anyio.open_file(info.path, "rb") as file:
        await file.seek(span.start)
        remaining = length
        while remaining:
            chunk = await file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                # The file shrank since it was measured: better a broken response than a
                # silently short one, so the connection is dropped.
                raise OSError(f"{info.path} changed while it was being sent")
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": bool(remaining)})


async def send_bytes(
    send: Send,
    request_headers: Mapping[str, str],
    body: bytes,
    *,
    method: str,
    media_type: str,
    headers: HeaderList,
) -> None:
    """Answer with a generated body (an HTML page with the preload), validated by a hash of the
    body: the page changes when the preload does, even if the file did not."""
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    validators: HeaderList = [(b"etag", etag.encode())]
    if is_not_modified(request_headers, etag):
        await start_response(send, 304, headers + validators)
        await send({"type": "http.response.body", "body": b""})
        return
    await send_response(
        send,
        200,
        body,
        headers + validators,
        media_type=media_type,
        include_body=method != "HEAD",
    )


async def send_module(
    send: Send,
    request_headers: Mapping[str, str],
    info: FileInfo,
    *,
    method: str,
    media_type: str,
    headers: HeaderList,
    rewrite: ModuleRewrite | None,
    zero_copy: bool = False,
) -> None:
    """Answer with a file; a JavaScript module ``rewrite`` changes (its import specifiers)
    goes out as generated bytes, every other file exactly as :func:`send_file` sends it."""
    if rewrite is not None and media_type.startswith(_JAVASCRIPT):
        known, body = rewrite.cached(info.path, info.size, info.mtime_ns)
        if not known:
            body = await anyio.to_thread.run_sync(
                rewrite.rewritten, info.path, info.size, info.mtime_ns
            )
        if body is not None:
            await send_bytes(
                send, request_headers, body, method=method, media_type=media_type, headers=headers
            )
            return
    await send_file(
        send,
        request_headers,
        info,
        method=method,
        media_type=media_type,
        headers=headers,
        zero_copy=zero_copy,
    )


_REDIRECT_PAGE: Final = '<meta http-equiv="refresh" content="0; url=\'{url}\'" />\n'


async def send_redirect_page(
    send: Send, path: str, query_string: bytes, headers: HeaderList, *, method: str
) -> None:
    """Send the browser on to ``path`` (a directory's trailing-slash URL) as Oro's scheme
    handler does: a page whose ``<meta http-equiv="refresh">`` goes there (and a ``location``
    header), answered 200, so that ``fetch(url, { redirect: 'manual' })`` reads it as Oro's
    pages do, while a navigation still lands on the directory's ``index.html``."""
    location = path + (f"?{query_string.decode('latin-1')}" if query_string else "")
    # ' and " would end the attribute or the quoted URL: percent-encoded, they mean the same.
    quoted = location.replace("'", "%27").replace('"', "%22").replace("<", "%3C")
    body = _REDIRECT_PAGE.format(url=quoted).encode()
    await send_response(
        send,
        200,
        body,
        [*headers, (b"location", location.encode()), (b"cache-control", b"no-cache")],
        media_type="text/html; charset=utf-8",
        include_body=method != "HEAD",
    )


async def send_not_found(send: Send, headers: HeaderList) -> None:
    """The answer to a missing file, and to every file that is never served: the same status,
    body and headers, so that a probe cannot tell them apart."""
    await send_response(send, 404, b"Not found\n", headers, media_type="text/plain; charset=utf-8")


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
    ) -> None:
        self.root = root.resolve()
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
            await send_redirect_page(send, found, query_string, headers, method=method)
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
