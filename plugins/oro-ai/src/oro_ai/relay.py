"""The IPC routes ``ai.chat.completions`` and ``ai.completions``: the ``/ai/llama`` endpoints
answered through the host's router, so that a page whose IPC goes over the Conduit streams
its tokens there (one frame per token) rather than over a fetch of its own.

The Oro Runtime streams ``ai.chat.session.*`` tokens over the Conduit when one is open (its
``ai.chat.completions`` route is an empty stub that never replies); here the same request the
page would ``POST`` to ``/v1/chat/completions`` is handed to the mounted app in memory, and its
answer relayed: the completion as the route's data, a stream as the app's own server-sent
events, each ASGI message one chunk of the reply. Whatever the app checks (fields, limits, the
upstreams and the fallback, the memory budget) it checks here too, under the ``ai`` permission
that guards both."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, Final

import anyio

from oro_framework import (
    ByteStream,
    InternalError,
    Request,
    ServiceUnavailableError,
    ipc_error_for_status,
)
from oro_framework.asgi import Message

if TYPE_CHECKING:
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from oro_ai.state import AIState

__all__ = ["relay"]

_EVENT_STREAM: Final = b"text/event-stream"

logger = logging.getLogger("oro_ai")


async def relay(state: AIState, request: Request, path: str) -> Any:
    """Answer ``request`` (the fields of an OpenAI request, as its JSON body or parameters) by
    the ``/ai/llama`` app's ``path`` (``/v1/chat/completions``).

    :returns: the app's JSON answer, or a :class:`~oro_framework.ByteStream` of its events.
    :raises IPCError: the app's refusal as the IPC error of its status, with the OpenAI error
        (``code``, ``type``, ``param``) and the HTTP ``status`` in its ``api`` field;
        ``ServiceUnavailableError`` while the ``ai.llm`` service is not running.
    """
    relays = state.relays
    if relays is None:
        raise ServiceUnavailableError("The ai.llm service is not running")
    body = json.dumps(dict(request.fields())).encode()
    gone = anyio.Event()
    sender, messages = anyio.create_memory_object_stream[Message](0)
    relays.start_soon(_answer_in_memory, state, path, body, gone, sender)
    try:
        start = await messages.receive()
        headers = dict(start.get("headers", []))
        status = int(start["status"])
        if status == 200 and headers.get(b"content-type", b"").startswith(_EVENT_STREAM):
            return ByteStream(_chunks(messages, gone), _EVENT_STREAM.decode())
        whole = b"".join([message.get("body", b"") async for message in messages])
    except BaseException as error:
        gone.set()
        messages.close()
        if isinstance(error, anyio.EndOfStream):
            raise InternalError(f"The AI server gave no answer to {path}") from None
        raise
    gone.set()
    messages.close()
    return _answer(status, headers, whole)


async def _answer_in_memory(
    state: AIState,
    path: str,
    body: bytes,
    gone: anyio.Event,
    sender: MemoryObjectSendStream[Message],
) -> None:
    """Run the app on one ``POST path`` with ``body``, its messages sent to ``sender``; it
    hears of a disconnect once ``gone`` is set."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async with sender:
        try:
            await state.serve(scope, receive, sender.send)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass  # the page stopped reading: the app was told it left
        except Exception:
            # This task runs in the ai.llm service's task group, which must outlive it; the
            # page gets an InternalError (the stream ends before its answer).
            logger.exception("The answer to %s relayed over IPC failed", path)


async def _chunks(
    messages: MemoryObjectReceiveStream[Message], gone: anyio.Event
) -> AsyncGenerator[bytes, None]:
    """Each body message of the app's stream as one chunk; closing the iteration (the page
    went away, or stopped reading) tells the app its client left, which stops the model."""
    try:
        async for message in messages:
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
    finally:
        gone.set()
        messages.close()


def _answer(status: int, headers: dict[bytes, bytes], whole: bytes) -> Any:
    """The app's whole answer as the route's: its JSON, or its error raised."""
    try:
        payload = json.loads(whole) if whole else None
    except ValueError:
        payload = None
    if 200 <= status < 300:
        return payload
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        error = {"message": f"The AI server answered {status}"}
    extra: dict[str, Any] = {"api": {**error, "status": status}}
    retry = headers.get(b"retry-after", b"")
    if retry.isdigit():
        extra["retryAfter"] = int(retry) * 1000
    raise ipc_error_for_status(status, str(error.get("message")), **extra)
