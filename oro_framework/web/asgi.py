"""The small amount of ASGI plumbing the bridge and mounted apps need: types, request headers,
responses, and cancellation when the client goes away."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator, MutableMapping
from typing import Any, Final, Protocol, TypeAlias, final

import trio

from oro_framework.web.wire.http import ClientGoneError

__all__ = [
    "ZERO_COPY_SEND",
    "ClientGoneError",
    "HeaderList",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "answer_cancelled_on_disconnect",
    "cancelled_on_disconnect",
    "read_headers",
    "receive_body",
    "send_not_allowed",
    "send_response",
    "start_response",
]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
HeaderList: TypeAlias = list[tuple[bytes, bytes]]
ZERO_COPY_SEND: Final = "http.response.zerocopysend"
"""The ASGI extension for sending a file's bytes: the message type, and the scope extension by
which the server (``web/http_server.py``) says it takes it."""


class Cancellable(Protocol):
    """What :func:`cancelled_on_disconnect` tells that its client left (an IPC ``Request``)."""

    def cancel(self) -> None: ...


def read_headers(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name. Repeated headers are joined as HTTP says
    (``", "``), except ``Cookie``, which HTTP/2 splits into one header per cookie and which
    joins with ``"; "``."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name in headers:
            separator = "; " if name == "cookie" else ", "
            headers[name] = headers[name] + separator + value
        else:
            headers[name] = value
    return headers


async def receive_body(receive: Receive, check_size: Callable[[int], None]) -> bytes:
    """The whole request body; ``check_size(bytes so far)`` runs after every chunk and raises to
    refuse the body as soon as it is too long (a chunked body has no length to check first).

    :raises ClientGoneError: the client went away before the body was complete.
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGoneError
        chunk: bytes = message.get("body", b"")
        total += len(chunk)
        check_size(total)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def start_response(send: Send, status: int, headers: HeaderList) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    headers: HeaderList,
    *,
    media_type: str | None = None,
    include_body: bool = True,
) -> None:
    """Send a complete response with ``content-length``; ``include_body=False`` for ``HEAD``."""
    full = list(headers)
    if media_type is not None:
        full.append((b"content-type", media_type.encode("latin-1")))
    full.append((b"content-length", str(len(body)).encode()))
    await start_response(send, status, full)
    await send({"type": "http.response.body", "body": body if include_body else b""})


async def send_not_allowed(send: Send, base: HeaderList, allow: str) -> None:
    """Answer 405 Method Not Allowed, ``allow`` naming the methods that are."""
    await send_response(
        send,
        405,
        b"405 Method Not Allowed\n",
        [*base, (b"allow", allow.encode())],
        media_type="text/plain; charset=utf-8",
    )


@final
class _TrackingSend:
    """``send``, noting when the response's last body message has gone out (:attr:`complete`):
    a client that leaves after it left nothing to cancel."""

    __slots__ = ("_send", "complete")

    def __init__(self, send: Send) -> None:
        self._send = send
        self.complete = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True
        await self._send(message)


@contextlib.asynccontextmanager
async def cancelled_on_disconnect(
    receive: Receive, send: Send, request: Cancellable | None = None
) -> AsyncIterator[Send]:
    """Answer a request in the ``async with`` block while a second task waits for the client to
    go away. If it goes away before the response is complete, ``request.cancel()`` is called and
    the block is cancelled (its streams closed by their own ``finally``).

    Yields the ``send`` the block must answer with: it notes when the last body message goes
    out. A server may deliver ``http.disconnect`` from *inside* that last ``send``, as it retires
    the request (hypercorn, which served the bridge before, did, and then, still inside the
    call, recycled or closed the connection). Cancelling the block at that moment cut the server
    off halfway: the connection was then never closed and its descriptor leaked. A disconnect
    after the last body message therefore only ends the watcher.

    :param request: an IPC request to mark cancelled, so the router answers ``AbortError``.
    :raises Exception: what the block raised, as it is.
    """
    tracking_send = _TrackingSend(send)

    async def watch(answering: trio.CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if not tracking_send.complete:
            if request is not None:
                request.cancel()
            answering.cancel()

    failure: Exception | None = None
    # A trio nursery rather than an anyio task group (trio used directly for speed, as listed
    # in docs/design.md): this wraps every IPC call over fetch, and anyio's wrapper around the
    # spawn cost more than the watcher itself (~40 µs of CPU per call).
    async with trio.open_nursery() as task_group:
        task_group.start_soon(watch, task_group.cancel_scope)
        try:
            yield tracking_send
        except Exception as error:
            # Re-raised below, outside the task group, so the caller sees the error itself
            # rather than an exception group.
            failure = error
        # The response is complete: the watcher has nothing left to protect.
        task_group.cancel_scope.cancel()
    if failure is not None:
        raise failure


@final
class _Suspensions:
    """Awaits a coroutine as ``await`` does, calling ``on_suspend()`` each time it is about to
    suspend (hand trio a trap), until that returns ``False``.

    What ``yield from`` does by hand (send, throw, close), since ``yield from`` gives no hook
    between the coroutine's yield and the event loop's."""

    __slots__ = ("_coroutine", "_on_suspend")

    def __init__(
        self, coroutine: Coroutine[Any, Any, None], on_suspend: Callable[[], bool]
    ) -> None:
        self._coroutine = coroutine
        self._on_suspend = on_suspend

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, notify = self._coroutine, True
        try:
            yielded = coroutine.send(None)
        except StopIteration:
            return
        while True:
            if notify:
                notify = self._on_suspend()
            try:
                received = yield yielded
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as error:  # a cancellation, delivered as the coroutine's own
                try:
                    yielded = coroutine.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    yielded = coroutine.send(received)
                except StopIteration:
                    return


_WATCHER_STOPPED: Final = "stopped"


@final
class _DisconnectWatcher:
    """Waits, in a task of its own, for the client to go away, and then cancels ``answering``
    (and the IPC request) unless the response is complete by then."""

    def __init__(
        self,
        receive: Receive,
        answering: trio.CancelScope,
        request: Cancellable | None,
        is_complete: Callable[[], bool],
    ) -> None:
        self._receive = receive
        self._answering = answering
        self._request = request
        self._is_complete = is_complete
        self._scope = trio.CancelScope()
        self._done = trio.Event()
        self.failure: Exception | None = None

    async def run(self) -> None:
        try:
            with self._scope:
                while (await self._receive())["type"] != "http.disconnect":
                    pass
                if not self._is_complete():
                    if self._request is not None:
                        self._request.cancel()
                    self._answering.cancel()
        except Exception as error:
            # A system task must not raise: the answering task re-raises it.
            self.failure = error
            self._answering.cancel()
        finally:
            self._done.set()

    async def stop(self) -> None:
        """End the watch and wait until it has: it reads the connection, which the server
        reads next once the answer is over."""
        self._scope.cancel()
        with trio.CancelScope(shield=True):
            await self._done.wait()


async def answer_cancelled_on_disconnect(
    receive: Receive,
    send: Send,
    answer: Callable[[Send], Coroutine[Any, Any, None]],
    request: Cancellable | None = None,
) -> None:
    """:func:`cancelled_on_disconnect` around ``await answer(send)``, for the IPC fast path:
    the same semantics, but the watching task starts only when ``answer`` first waits before
    its response is complete. Most IPC calls answer without waiting until they write their
    reply; spawning, scheduling and cancelling a watcher for each cost them as much CPU as the
    rest of the call (~165 µs of ~410, bench/ipc.py), and a watcher started after the last body
    message would only end itself.

    :raises Exception: what ``answer`` raised, as it is.
    """
    tracking_send = _TrackingSend(send)

    answering = trio.CancelScope()
    watcher: _DisconnectWatcher | None = None

    def on_suspend() -> bool:
        nonlocal watcher
        if tracking_send.complete:
            return False
        watcher = _DisconnectWatcher(receive, answering, request, lambda: tracking_send.complete)
        # A system task rather than a nursery: a nursery's exit is a schedule point of its
        # own, and it would have to be opened before every answer, waiting or not.
        trio.lowlevel.spawn_system_task(watcher.run, name="oro.asgi.disconnect-watcher")
        return False

    try:
        with answering:
            await _Suspensions(answer(tracking_send), on_suspend)
    finally:
        if watcher is not None:
            await watcher.stop()
    if watcher is not None and watcher.failure is not None:
        raise watcher.failure
