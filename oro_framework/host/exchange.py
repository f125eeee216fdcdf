"""One IPC exchange, without I/O: what every transport does between its wire and the router.

A transport (the HTTP bridge, the Conduit, any later one) reads a request off its wire, hands a
:class:`~oro_framework.Request` to ``host.router.dispatch`` and writes the
:class:`~oro_framework.Reply` back. Everything between the wire and the router lives here, as
pure functions, so that every transport answers the same bytes for the same reply:

* the wire's parameters → the fields of a ``Request`` (:func:`request_fields`): the transport's
  reserved names (:data:`QUERY_RESERVED`, :data:`FRAME_RESERVED`) are left out of the
  parameters, ``seq`` is the envelope id, and the window index is parsed by one rule
  (:func:`window_index`);
* the body cap (:func:`check_body_size`, :func:`check_declared_size`), with the Oro wording;
* a ``Reply`` → what goes on the wire (:func:`wire_reply`): status, media type, and the body
  bytes or the stream's chunks;
* the error envelope of a request refused before it reached the router (:func:`error_reply`);
* the URL prefixes the host keeps for itself (:data:`RESERVED_PREFIXES`) and where an HTTP IPC
  request names its route (:func:`http_target`).

A transport keeps only what is its own: the HTTP bridge its headers and admission, the Conduit
its frame digest, credit and ``internal.*`` refusal.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypedDict, final
from urllib.parse import parse_qsl, unquote, urlsplit

from oro_framework.host.envelope import (
    ByteStream,
    EventStream,
    OpenFile,
    Reply,
    ServerSentEvent,
    encode_error,
    encode_sse,
    stream_chunks,
)
from oro_framework.host.errors import InvalidArgumentError, IPCError, OutOfRangeError
from oro_framework.host.launch import WINDOW_CREDENTIAL_HEADER, WINDOW_CREDENTIAL_PARAMETER
from oro_framework.host.open_streams import stream_ended
from oro_framework.host.request import decode_query

__all__ = [
    "BYTES_MEDIA_TYPE",
    "EVENTS_MEDIA_TYPE",
    "FRAME_RESERVED",
    "IPC_PREFIX",
    "IPC_URI_HEADER",
    "JSON_MEDIA_TYPE",
    "MODULE_PREFIX",
    "QUERY_RESERVED",
    "RESERVED_PREFIXES",
    "WINDOW_CREDENTIAL_HEADER",
    "WINDOW_CREDENTIAL_PARAMETER",
    "RequestFields",
    "WireReply",
    "body_too_large",
    "check_body_size",
    "check_declared_size",
    "error_reply",
    "http_identity",
    "http_target",
    "last_value",
    "parse_query",
    "request_fields",
    "request_id_of",
    "reserved_prefix",
    "stream_ended",
    "stream_error_event",
    "window_index",
    "wire_reply",
]

IPC_PREFIX: Final = "/ipc"
"""IPC over HTTP: ``/ipc/<route>``, or ``/ipc`` with :data:`IPC_URI_HEADER`."""
MODULE_PREFIX: Final = "/oro"
"""The JS modules (``/oro/<name>.js``) and the host's event stream (``/oro/events``)."""
RESERVED_PREFIXES: Final = (IPC_PREFIX, MODULE_PREFIX)
"""URL prefixes the host serves itself: no mount may claim them, no mount credential opens them."""

IPC_URI_HEADER: Final = "x-ipc-uri"

QUERY_RESERVED: Final = frozenset({"seq"})
"""Query names of an HTTP IPC request that are not parameters: ``seq`` is the envelope id.
``index`` stays a parameter (Oro's routes read it) while it also names the window."""
FRAME_RESERVED: Final = frozenset({"route", "seq", "token", "digest", "credit", "bulk"})
"""Options of a Conduit ``route`` frame that are not parameters: the route, the envelope's
``seq`` and ``token``, and the frame's own ``digest``, stream ``credit`` and ``bulk`` size (from
which a reply body is handed over to fetch)."""

JSON_MEDIA_TYPE: Final = "application/json"
BYTES_MEDIA_TYPE: Final = "application/octet-stream"
EVENTS_MEDIA_TYPE: Final = "text/event-stream"

# Window indices are small numbers; a longer digit string is no index (and int() refuses
# strings past 4,300 digits with a ValueError a page could otherwise trigger at will).
_MAX_WINDOW_DIGITS: Final = 9


# ---------------------------------------------------------------------------------------------
# Paths and queries
# ---------------------------------------------------------------------------------------------


def reserved_prefix(path: str) -> str | None:
    """The reserved prefix ``path`` is at or below (``/ipc``, ``/ipc/fs.stat``, ``/oro/ipc.js``
    → ``/ipc``, ``/ipc``, ``/oro``), compared by whole segments: ``/oronym`` is under none.

    :param path: a URL path, or a mount prefix being registered.
    """
    for prefix in RESERVED_PREFIXES:
        if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
            return prefix
    return None


def parse_query(query: bytes | str) -> list[tuple[str, str]]:
    """A query string as ``(name, value)`` pairs in order, duplicates and blanks kept; invalid
    UTF-8 is replaced, never refused.

    :param query: the raw query (ASGI's ``query_string``) or its text.
    """
    text = query.decode("utf-8", "replace") if isinstance(query, bytes) else query
    return parse_qsl(text, keep_blank_values=True)


def last_value(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    """The value of the last pair named ``name`` (a repeated name's last value wins, as it does
    in the parameters), ``None`` when there is none.

    :param pairs: query pairs or frame options.
    :param name: the name to look for.
    """
    found = None
    for key, value in pairs:
        if key == name:
            found = value
    return found


def request_id_of(pairs: Iterable[tuple[str, str]]) -> str:
    """The envelope id of the request ``pairs`` belong to: its last ``seq`` as sent (as
    :func:`request_fields` takes it), ``"0"`` when there is none.

    :param pairs: query pairs or frame options.
    """
    seq = last_value(pairs, "seq")
    return "0" if seq is None else seq


def http_target(
    path: str, pairs: list[tuple[str, str]], uri: str | None
) -> tuple[str, list[tuple[str, str]]]:
    """The route and the raw query pairs of an HTTP IPC request: from the path
    (``/ipc/<route>``), or for ``/ipc`` from the ``X-IPC-URI`` header (``ipc://<route>?<params>``),
    whose pairs come before the URL's own.

    :param path: the URL path, under :data:`IPC_PREFIX`.
    :param pairs: the URL's query pairs (:func:`parse_query`).
    :param uri: the ``X-IPC-URI`` header, if any.
    :raises InvalidArgumentError: ``/ipc`` without an ``ipc://`` URI.
    """
    if path not in (IPC_PREFIX, IPC_PREFIX + "/"):
        return path.removeprefix(IPC_PREFIX + "/"), pairs
    if uri is None:
        raise InvalidArgumentError(
            "Expecting an X-IPC-URI header (ipc://<route>?<params>) for /ipc",
            code="ERR_MISSING_ARGS",
            parameter="X-IPC-URI",
        )
    try:
        parts = urlsplit(uri)
    except ValueError:  # "ipc://[": an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme != "ipc":
        raise InvalidArgumentError.invalid("X-IPC-URI", "an ipc://<route>?<params> URI")
    return unquote(parts.netloc + parts.path).strip("/"), parse_query(parts.query) + pairs


def http_identity(path: str, pairs: list[tuple[str, str]], uri: str | None) -> tuple[str, str]:
    """Best-effort ``(source, id)`` of an HTTP IPC request answered before it is dispatched:
    its route and ``seq``, or ``"ipc"`` and the URL's ``seq`` when the target is malformed.

    :param path: the URL path, under :data:`IPC_PREFIX`.
    :param pairs: the URL's query pairs.
    :param uri: the ``X-IPC-URI`` header, if any.
    """
    try:
        route, all_pairs = http_target(path, pairs, uri)
    except IPCError:
        return "ipc", request_id_of(pairs)
    return route, request_id_of(all_pairs)


# ---------------------------------------------------------------------------------------------
# Wire → Request
# ---------------------------------------------------------------------------------------------


class RequestFields(TypedDict):
    """The transport-neutral fields of a :class:`~oro_framework.Request`: a transport adds
    ``host`` and what only it knows (``headers``, ``client_id``) and calls
    ``Request(host=host, **fields)``."""

    route: str
    params: dict[str, Any]
    body: bytes
    window: int | None
    transport: str
    id: str
    token: str | None


def window_index(text: str | None) -> int | None:
    """A window index from its wire form (``"2"``, ``" 2 "``): ASCII digits only, at most nine;
    anything else is no index (``None``), never an error.

    :param text: a header value, a query value or a frame option.
    """
    if text is None:
        return None
    digits = text.strip()
    if 0 < len(digits) <= _MAX_WINDOW_DIGITS and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def request_fields(
    route: str,
    pairs: Iterable[tuple[str, str]],
    *,
    reserved: frozenset[str],
    transport: str,
    body: bytes = b"",
    window: int | None = None,
) -> RequestFields:
    """The fields of the request that ``pairs`` (a query or a frame's options) stand for.

    Names in ``reserved`` are not parameters; among them ``seq`` becomes the ``id`` (default
    ``"0"``) and ``token`` the ``token``. Every other value is JSON-decoded where it parses
    (:func:`~oro_framework.decode_query`); a repeated name keeps its last value.

    :param route: the route name as the caller wrote it.
    :param pairs: the raw ``(name, value)`` strings, in wire order.
    :param reserved: the transport's own names (:data:`QUERY_RESERVED`, :data:`FRAME_RESERVED`).
    :param transport: ``Request.transport`` (``"http"``, ``"conduit"``...).
    :param body: the request body, already within the cap.
    :param window: the window the transport proved the request comes from (its credential,
        the connection); an ``index`` parameter is only a parameter, never the window.
    """
    kept: list[tuple[str, str]] = []
    request_id = "0"
    token = None
    for name, value in pairs:
        if name in reserved:
            if name == "seq":
                request_id = value
            elif name == "token":
                token = value
            continue
        kept.append((name, value))
    return {
        "route": route,
        "params": decode_query(kept),
        "body": body,
        "window": window,
        "transport": transport,
        "id": request_id,
        "token": token,
    }


def body_too_large(limit: int) -> OutOfRangeError:
    """The error for a body over ``ipc.max_body_bytes`` (413 ``RangeError``).

    :param limit: the cap in bytes.
    """
    return OutOfRangeError(f"Request body exceeds ipc.max_body_bytes ({limit} bytes)", limit=limit)


def check_body_size(size: int, limit: int) -> None:
    """Refuse a body (or the part of it received so far) longer than the cap; exactly ``limit``
    bytes pass.

    :param size: bytes received.
    :param limit: ``ipc.max_body_bytes``.
    :raises OutOfRangeError: ``size > limit``.
    """
    if size > limit:
        raise body_too_large(limit)


def check_declared_size(content_length: str | None, limit: int) -> int | None:
    """Refuse a body by its declared ``Content-Length`` before reading any of it. A missing or
    malformed length passes: the body is then counted as it arrives.

    :param content_length: the header value, if any.
    :param limit: ``ipc.max_body_bytes``.
    :raises OutOfRangeError: the declared length is over the cap.
    :return: the declared length, within the cap; ``None`` when there is none to go by.
    """
    declared = (content_length or "").strip()
    if not (declared.isascii() and declared.isdigit()):
        return None
    digits = declared.lstrip("0")
    # Compared by length first: int() refuses digit strings past 4,300 characters.
    if len(digits) > len(str(limit)) or (digits and int(digits) > limit):
        raise body_too_large(limit)
    return int(digits or "0")


# ---------------------------------------------------------------------------------------------
# Reply → wire
# ---------------------------------------------------------------------------------------------


@final
@dataclass(frozen=True, slots=True)
class WireReply:
    """What a transport writes for one reply: ``status`` and ``media_type``, then either
    ``body`` (the whole answer) or, for a stream, the bytes of :meth:`chunks` one by one.

    :ivar status: the HTTP status (the Conduit's ``status`` option).
    :ivar media_type: ``Content-Type`` (the Conduit's ``type`` option).
    :ivar body: the answer's bytes; ``b""`` for a stream.
    :ivar stream: the handler's stream, or ``None``.
    """

    status: int
    media_type: str
    body: bytes = b""
    stream: EventStream | ByteStream | None = None

    @property
    def length(self) -> int | None:
        """The stream's exact byte count when its handler declared it (``ByteStream.length``),
        for HTTP's ``Content-Length``; ``None`` for events and streams of unknown length."""
        return self.stream.length if isinstance(self.stream, ByteStream) else None

    @property
    def file(self) -> OpenFile | None:
        """The open file a stream of known length may be sent from (``ByteStream.file``)."""
        if isinstance(self.stream, ByteStream) and self.stream.length is not None:
            return self.stream.file
        return None

    def chunks(self) -> AsyncGenerator[bytes, None]:
        """The stream's bytes as every transport sends them
        (:func:`~oro_framework.host.envelope.stream_chunks`): SSE text or byte chunks. Close it
        (``contextlib.aclosing``) to stop early; the handler's iterator is closed either way.

        :raises ValueError: the reply is not a stream.
        """
        if self.stream is None:
            raise ValueError("chunks() of a reply that is not a stream: send its body")
        return stream_chunks(self.stream)


def stream_error_event(error: IPCError) -> bytes:
    """The last chunk of an event stream that ``error`` ends once started, as
    :meth:`WireReply.chunks` sends it: ``event: error`` with the error as its data, which the
    page's ``for await`` throws. For a transport that must end a stream itself (its connection
    is being stopped under it)."""
    return encode_sse(ServerSentEvent(error.to_dict(), event="error"))


def wire_reply(reply: Reply) -> WireReply:
    """The wire form of a router reply: JSON envelope (data or error, with the error's status),
    raw bytes, or a stream (``text/event-stream`` or the :class:`ByteStream`'s media type).

    :param reply: what ``host.router.dispatch`` answered.
    """
    stream = reply.stream
    if stream is not None:
        media_type = EVENTS_MEDIA_TYPE if isinstance(stream, EventStream) else stream.media_type
        return WireReply(200, media_type, stream=stream)
    if reply.body is not None:
        return WireReply(reply.status, BYTES_MEDIA_TYPE, reply.body)
    return WireReply(reply.status, JSON_MEDIA_TYPE, reply.payload)


def error_reply(
    error: IPCError, *, source: str, request_id: str = "0", token: str | None = None
) -> WireReply:
    """The answer to a request refused before the router saw it (admission, a malformed target,
    the body cap): its error envelope, with as much of the request's identity as is known.

    :param error: why it was refused.
    :param source: the route, or the transport's name when the route is unknown (``"ipc"``).
    :param request_id: the request's ``seq``, ``"0"`` when unknown.
    :param token: the request's ``token`` (Conduit), echoed in the envelope.
    """
    return WireReply(
        error.status, JSON_MEDIA_TYPE, encode_error(source, request_id, error, token=token)
    )
