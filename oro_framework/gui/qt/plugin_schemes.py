"""Plugins' URL schemes (``oro_register_schemes``) in a QtWebEngine window: what the page loads
without ``fetch`` (``<img src="clip:a.png">``, a module script, a navigation, XHR) is answered
by a ``QWebEngineUrlSchemeHandler`` that hands the request to the host's loop and streams the
answer back.

Each scheme is registered with ``QWebEngineUrlScheme`` before the ``QApplication`` exists
(:func:`register_plugin_schemes`), secure, CORS-enabled and open to the Fetch API (as Oro
registers ``socket:``), with the "path" syntax so that an opaque ``clip:hello`` reaches the
handler whole; the handler is installed on the windows' one profile as it is created
(:func:`install_plugin_schemes`, from :mod:`oro_framework.gui.qt.profile`).

The request is collected on the GUI thread and answered on the loop
(:func:`~oro_framework.host.schemes.serve_reply`); the reply is a sequential ``QIODevice``
that QtWebEngine reads on its IO thread as chunks arrive. A job the page gives up is
destroyed by QtWebEngine, which cancels the handler. The request's initiator is its origin: a
request from another origin (an iframe of another site) is refused before the host sees it.
All windows share one profile, so the engine cannot tell which window asked: a request here
proves no window (``request.window`` is ``None``). QtWebEngine answers a job with a 200 and a
body or fails it, and a failed job leaves a page's ``fetch`` pending for ever: an error status
(and a refusal) sends the load nowhere instead (:func:`_refuse`), which fails it. A page's
``fetch`` goes through the bridge anyway (the preload maps it), where statuses are kept.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_framework.host.errors import AbortError, IPCError
from oro_framework.host.schemes import SchemeRequest, canonical_url

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

    from oro_framework.host.windows.engine import GuiListener

__all__ = ["PluginSchemes", "install_plugin_schemes", "register_plugin_schemes"]

BUFFERED_BYTES: Final = 1 << 20
"""Bytes of a body waiting for QtWebEngine at most: the handler's stream waits beyond."""

_POLL_SECONDS: Final = 0.02
_HIDDEN_HEADERS: Final = frozenset({"cookie", "authorization", "x-oro-window", "x-oro-auth"})

_LIVE: set[Any] = set()
"""The installed handlers: a profile holds a handler only as a C++ pointer."""


def register_plugin_schemes(schemes: Iterable[str]) -> None:
    """Tell QtWebEngine about ``schemes``; must run before the ``QApplication`` is created."""
    from qtpy.QtWebEngineCore import QWebEngineUrlScheme

    flag = QWebEngineUrlScheme.Flag
    for scheme in schemes:
        name = scheme.encode()
        if QWebEngineUrlScheme.schemeByName(name).name() == name:
            continue
        definition = QWebEngineUrlScheme(name)
        definition.setSyntax(QWebEngineUrlScheme.Syntax.Path)
        definition.setFlags(flag.SecureScheme | flag.CorsEnabled | flag.FetchApiAllowed)
        QWebEngineUrlScheme.registerScheme(definition)


@final
class PluginSchemes(NamedTuple):
    """What the engine knows of plugins' schemes before its first window.

    :ivar names: the schemes (``clip``).
    :ivar listener: the host the engine reports to, once a window opened (``None`` before).
    :ivar post: runs a function on the GUI thread.
    """

    names: tuple[str, ...]
    listener: Callable[[], GuiListener | None]
    post: Callable[[Callable[[], None]], None]


def install_plugin_schemes(profile: Any, schemes: PluginSchemes, origin: str) -> None:
    """Answer ``schemes`` in ``profile``'s pages through the host; on the GUI thread, before a
    page of the profile loads anything."""
    handler = _handler_class()(origin, schemes.listener, schemes.post, profile)
    _LIVE.add(handler)
    profile.destroyed.connect(lambda: _LIVE.discard(handler))
    for scheme in schemes.names:
        profile.installUrlSchemeHandler(scheme.encode(), handler)


def _refuse(job: Any) -> None:
    """Fail ``job``'s load: sent nowhere (``about:blank``), which a page's ``fetch`` rejects
    with ``TypeError``. Not ``job.fail()``: QtWebEngine 6 then leaves the page's ``fetch``
    pending for ever."""
    from qtpy.QtCore import QUrl

    job.redirect(QUrl("about:blank"))


def _handler_class() -> Any:
    from qtpy.QtWebEngineCore import QWebEngineUrlSchemeHandler

    class PluginSchemeHandler(QWebEngineUrlSchemeHandler):
        def __init__(
            self,
            origin: str,
            listener: Callable[[], GuiListener | None],
            post: Callable[[Callable[[], None]], None],
            parent: Any,
        ) -> None:
            super().__init__(parent)
            self._origin = origin
            self._listener = listener
            self._post = post

        def requestStarted(self, job: Any) -> None:
            initiator = job.initiator()
            origin = initiator.toString() if initiator.isValid() else None
            if origin not in (None, self._origin):
                _refuse(job)
                return
            try:
                url = canonical_url(bytes(job.requestUrl().toEncoded()).decode("ascii"))
            except IPCError:
                _refuse(job)
                return
            host = self._listener()
            if host is None:
                _refuse(job)
                return
            request = SchemeRequest(
                url,
                method=bytes(job.requestMethod()).decode("ascii") or "GET",
                headers=_headers(job),
                body=_body(job),
                window=None,
                origin=origin,
                transport="qtwebengine",
            )
            host.gui_scheme_request(request, _DeviceReply(job, self._post))

    return PluginSchemeHandler


def _headers(job: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in job.requestHeaders().items():
        key = bytes(name).decode("latin-1").lower()
        if key not in _HIDDEN_HEADERS:
            headers[key] = bytes(value).decode("latin-1")
    return headers


def _body(job: Any) -> bytes:
    from qtpy.QtCore import QIODevice

    device = job.requestBody()
    if device is None:
        return b""
    if not device.isOpen():
        device.open(QIODevice.OpenModeFlag.ReadOnly)
    return bytes(device.readAll())


def _chunk_device(job: Any) -> Any:
    """A sequential ``QIODevice``, ``job``'s child, fed by :meth:`push` on the GUI thread and
    read by QtWebEngine on its IO thread; :meth:`finish` ends it."""
    from qtpy.QtCore import QIODevice

    class ChunkDevice(QIODevice):
        def __init__(self) -> None:
            super().__init__(job)
            self._lock = threading.Lock()
            self._buffer = bytearray()
            self._finished = False
            self.open(QIODevice.OpenModeFlag.ReadOnly)

        def isSequential(self) -> bool:
            return True

        def bytesAvailable(self) -> int:
            with self._lock:
                return len(self._buffer) + int(super().bytesAvailable())

        def buffered(self) -> int:
            with self._lock:
                return len(self._buffer)

        def atEnd(self) -> bool:
            with self._lock:
                return self._finished and not self._buffer

        # None is -1 to Qt (PyQt6's stub says bytes only).
        def readData(self, size: int) -> bytes | None:  # type: ignore[override]
            with self._lock:
                if self._finished and not self._buffer:
                    # The end (-1): QIODevice.read reads on past a 0, which says "not yet".
                    return None
                data = bytes(self._buffer[:size])
                del self._buffer[:size]
            return data

        def writeData(self, data: Any) -> int:
            return -1

        def push(self, chunk: bytes) -> None:
            with self._lock:
                self._buffer += chunk
            self.readyRead.emit()

        def finish(self) -> None:
            with self._lock:
                self._finished = True
            self.readyRead.emit()  # the reader finds the end (atEnd) as it reads

    return ChunkDevice()


class _DeviceReply:
    """A :class:`~oro_framework.host.schemes.SchemeReply` through a job and its device, which
    live on the GUI thread: each step is posted there, in order."""

    def __init__(self, job: Any, post: Callable[[Callable[[], None]], None]) -> None:
        self._job = job
        self._post = post
        self._device: Any = None
        self._started = False
        self._gone = threading.Event()
        self._token: EventLoopToken | None = None
        self._gone_on_loop = anyio.Event()
        job.destroyed.connect(self._job_gone)

    def _job_gone(self, *_: Any) -> None:
        # On the GUI thread: QtWebEngine destroys the job when the page gives it up (or once
        # it read the whole body). The flag first, then the loop's event, if it waits yet.
        self._gone.set()
        token = self._token
        if token is not None:
            with contextlib.suppress(anyio.RunFinishedError):
                anyio.from_thread.run_sync(self._gone_on_loop.set, token=token)

    def start(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        def reply() -> None:
            if self._gone.is_set():
                return
            with contextlib.suppress(RuntimeError):  # the job went meanwhile
                self._reply(status, headers)

        self._started = True
        self._post(reply)

    def _reply(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        from qtpy.QtCore import QByteArray

        job = self._job
        if status >= 400:
            _refuse(job)  # QtWebEngine answers 200 or nothing
            return
        self._device = _chunk_device(job)
        content_type = b"application/octet-stream"
        extra = {}
        for name, value in headers:
            if name == "content-type":
                content_type = value.encode("latin-1")
            else:
                extra[QByteArray(name.encode())] = QByteArray(value.encode("latin-1"))
        job.setAdditionalResponseHeaders(extra)
        job.reply(QByteArray(content_type), self._device)

    async def write(self, chunk: bytes) -> None:
        # QtWebEngine reads on its IO thread, which tells the loop nothing: polled, and only
        # while a page reads slower than the handler writes.
        while self._buffered() > BUFFERED_BYTES and not self._gone.is_set():  # noqa: ASYNC110
            await anyio.sleep(_POLL_SECONDS)
        if self._gone.is_set():
            raise AbortError("The page gave the request up")
        self._post(lambda: self._on_device(lambda device: device.push(chunk)))

    def end(self) -> None:
        if not self._started:
            # Given up before an answer (the host stopping): QtWebEngine must still be told.
            self.start(503, [])
        self._post(lambda: self._on_device(lambda device: device.finish()))

    def _buffered(self) -> int:
        device = self._device
        with contextlib.suppress(RuntimeError):  # the job, and its device, went
            return 0 if device is None else int(device.buffered())
        return 0

    def _on_device(self, step: Callable[[Any], None]) -> None:
        """``step(device)`` on the GUI thread, unless the job (an error status: it failed) has
        no device or is gone."""
        if self._device is not None and not self._gone.is_set():
            with contextlib.suppress(RuntimeError):
                step(self._device)

    async def gone(self) -> None:
        self._token = anyio.lowlevel.current_token()
        if not self._gone.is_set():
            await self._gone_on_loop.wait()
