"""What a route handler receives: the :class:`Request` and its typed :class:`Params`."""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final, overload

import anyio
import anyio.lowlevel
import anyio.to_thread

from oro_framework.host.config import parse_bool_word
from oro_framework.host.errors import (
    InvalidArgumentError,
    InvalidJSONError,
    OutOfMemoryError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.host.memory import MemoryReservation

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "PARSE_AHEAD_BYTES",
    "Params",
    "Request",
    "bool_value",
    "decode_query",
    "float_value",
    "int_value",
    "json_parse_bound",
    "parse_json_body",
]

PARSE_AHEAD_BYTES: Final = 64 * 1024
"""JSON bodies from this size on are parsed by the transport in a worker thread, one at a time,
before the handler runs (:meth:`Request.parse_ahead`)."""

BODY_PURPOSE: Final = "IPC request bodies"

_UNPARSED: Final = object()
# JSON whitespace, then an object or an array: matched in place (lstrip would copy the body).
_OPENS_CONTAINER: Final = re.compile(rb"[ \t\r\n]*[\[{]")

_PARSE_LIMITER: anyio.lowlevel.RunVar[anyio.CapacityLimiter] = anyio.lowlevel.RunVar(
    "oro_json_parse_limiter"
)


def _parse_limiter() -> anyio.CapacityLimiter:
    """One parse of a large body at a time per event loop: json.loads holds the GIL throughout,
    so two at once would only stall the loop as long and hold two peaks."""
    try:
        return _PARSE_LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(1)
        _PARSE_LIMITER.set(limiter)
        return limiter


def decode_query(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Query parameters as handlers see them: each value JSON-decoded where it parses (``12``,
    ``true``, ``{"a":1}``), kept as the string otherwise (``notes.txt``). ``NaN`` and
    ``Infinity`` stay strings: JSON has no such numbers."""
    return {name: _decode_value(value) for name, value in pairs}


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


# One decoder for every value: json.loads with an option builds a new one per call, a
# measurable part of each IPC call's parameter decoding.
_QUERY_VALUE_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


# What json.loads allocates at its peak, in bytes, measured with tracemalloc on CPython 3.11
# (tests/security/test_json_parse_bound.py):
_CONTAINER_COST: Final = 80  # an empty dict or list and its GC header
_SLOT_COST: Final = 10  # an element's pointer in its list, with the list's over-allocation
_KEY_COST: Final = 64  # a key's entry in its dict and the dict's growth, the scanner's key memo
_STRING_COST: Final = 48  # a string object without its characters
_FLOAT_COST: Final = 32  # a float and its slot
_INT_COST: Final = 40  # an int outside CPython's cached -5..256, and its slot
# Per body byte: the decoded text and the strings' characters, 1 byte each for ASCII, 2 for the
# characters a \u escape may bring below U+10000, 4 each once one lies past U+FFFF (raw UTF-8
# or an escaped surrogate pair), plus a margin.
_ASCII_WIDTH: Final = 3
_ESCAPED_WIDTH: Final = 8
_WIDE_WIDTH: Final = 9
_DIGITS: Final = b"0123456789"
_BASE_COST: Final = 4096  # the decoder's own state, whatever the body


def json_parse_bound(body: bytes) -> int:
    """The most memory ``json.loads(body)`` takes at its peak, from counts of the body's bytes
    (a few ``bytes.count`` passes, no parse): what the host reserves from its budget before
    parsing a request body. Each count is an upper bound of what it stands for (a quote, a
    bracket or a separator inside a string is counted too; an int needs three digits, or a
    minus sign, to be one CPython does not cache), so the sum is one."""
    width = _WIDE_WIDTH
    if body.isascii():
        width = _ESCAPED_WIDTH if b"\\u" in body else _ASCII_WIDTH
    digits = len(body) - len(body.translate(None, _DIGITS))
    floats = body.count(b".") + body.count(b"e") + body.count(b"E")
    return (
        _CONTAINER_COST * (body.count(b"{") + body.count(b"["))
        + _SLOT_COST * body.count(b",")
        + _KEY_COST * body.count(b":")
        + _STRING_COST * (body.count(b'"') // 2)
        + _FLOAT_COST * floats
        + _INT_COST * (digits // 3 + body.count(b"-"))
        + width * len(body)
        + _BASE_COST
    )


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# JSON.parse's grammar: no NaN/Infinity literals (Python's json takes them by default).
_BODY_DECODER: Final = json.JSONDecoder(parse_constant=_not_json)


def parse_json_body(body: bytes) -> Any:
    """``body`` decoded as JSON the way a page's ``JSON.parse`` reads it: UTF-8 (or the UTF-16
    and UTF-32 forms ``json.loads`` detects), the last of duplicate keys wins, lone surrogates
    kept as they are, ``NaN`` and ``Infinity`` refused.

    :raises InvalidJSONError: anything else: not JSON, not text, nested past the interpreter's
        recursion limit, an integer of more than ``sys.get_int_max_str_digits()`` digits.
    """
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
        return _BODY_DECODER.decode(text)
    except RecursionError:
        reason = "it is nested too deeply"
    except ValueError as error:
        # JSONDecodeError, UnicodeDecodeError, NaN/Infinity, an integer over the digit limit:
        # the first clause names what is wrong without Python's advice to the developer.
        reason = str(error).split(";", 1)[0]
    raise InvalidJSONError(f"Request body is not valid JSON: {reason}")


def _decode_value(text: str) -> Any:
    try:
        return _QUERY_VALUE_DECODER.decode(text)
    except (ValueError, RecursionError):
        # RecursionError: "[[[[...": the query may be long enough to nest past the stack.
        return text


def int_value(name: str, value: Any) -> int:
    """``value`` of parameter ``name`` as an integer: ints, integral floats, decimal text."""
    if isinstance(value, bool):
        raise InvalidArgumentError.invalid(name, "an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            pass
    raise InvalidArgumentError.invalid(name, "an integer")


def float_value(name: str, value: Any) -> float:
    """``value`` of parameter ``name`` as a finite number: numbers and numeric text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise InvalidArgumentError.invalid(name, "a number") from None
    else:
        raise InvalidArgumentError.invalid(name, "a number")
    if not math.isfinite(number):
        raise InvalidArgumentError.invalid(name, "a finite number")
    return number


def bool_value(name: str, value: Any) -> bool:
    """``value`` of parameter ``name`` as a boolean: booleans, 0/1, Oro's words."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = parse_bool_word(value) if isinstance(value, str) else None
    if word is not None:
        return word
    raise InvalidArgumentError.invalid(name, "a boolean")


@final
class Params(Mapping[str, Any]):
    """The request's parameters with typed accessors.

    Transports decode query strings before they arrive here (JSON values where they parse), but
    accessors still accept the string forms Oro's JS sends (``"12"``, ``"true"``), so a handler
    behaves the same whatever the transport. Every failure is an
    :class:`~oro_framework.InvalidArgumentError` (``ERR_MISSING_ARGS`` when absent) or an
    :class:`~oro_framework.host.errors.OutOfRangeError` for a number outside its bounds.
    """

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = dict(values or {})

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def require(self, name: str) -> Any:
        """The raw value of ``name``; missing or ``None`` is ``ERR_MISSING_ARGS``."""
        value = self._values.get(name)
        if value is None:
            raise InvalidArgumentError.missing(name)
        return value

    def require_str(self, name: str) -> str:
        """``name`` as a string; numbers are accepted and turned into their text."""
        return self._to_str(name, self.require(name))

    @overload
    def get_str(self, name: str, default: str) -> str: ...
    @overload
    def get_str(self, name: str, default: None = None) -> str | None: ...
    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self._values.get(name)
        return default if value is None else self._to_str(name, value)

    def require_int(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        """``name`` as an integer within ``[minimum, maximum]``."""
        return self._bounded(name, int_value(name, self.require(name)), minimum, maximum)

    def get_int(
        self,
        name: str,
        default: int,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self._values.get(name)
        number = default if value is None else int_value(name, value)
        return self._bounded(name, number, minimum, maximum)

    def require_float(self, name: str) -> float:
        return float_value(name, self.require(name))

    def get_float(self, name: str, default: float) -> float:
        value = self._values.get(name)
        return default if value is None else float_value(name, value)

    def require_bool(self, name: str) -> bool:
        return bool_value(name, self.require(name))

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        return default if value is None else bool_value(name, value)

    @staticmethod
    def _to_str(name: str, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise InvalidArgumentError.invalid(name, "a string")

    @staticmethod
    def _bounded(name: str, number: int, minimum: int | None, maximum: int | None) -> int:
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            low = "-inf" if minimum is None else str(minimum)
            high = "inf" if maximum is None else str(maximum)
            raise OutOfRangeError(
                f"'{name}' must be within [{low}, {high}], got {number}", parameter=name
            )
        return number


@final
class Request:
    """One IPC request on its way to a handler.

    :ivar route: the route name as the caller wrote it (matching is case-insensitive).
    :ivar params: the parameters (:class:`Params`).
    :ivar body: the raw request body (``b""`` when there is none).
    :ivar headers: transport headers, lower-cased names (empty for in-memory calls).
    :ivar window: index of the window that sent it, proven by the window's own credential
        (never by a header or parameter the page chooses); ``None`` for other processes,
        workers and requests without a credential.
    :ivar by_bridge_key: the request proved itself with the HTTP IPC bridge key (``X-ORO-Auth``):
        another process of the user the app let in (``http.ipc``), not a page; it may control
        any window (``window.*``), naming it by ``targetWindowIndex``.
    :ivar client_id: the page client's id (used by Conduit), when known.
    :ivar transport: ``"http"``, ``"conduit"`` or ``"memory"``.
    :ivar id: the caller's sequence id (``seq``), echoed in the reply envelope.
    :ivar host: the running :class:`~oro_framework.Host`.
    """

    def __init__(
        self,
        route: str,
        *,
        host: Host,
        params: Mapping[str, Any] | None = None,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        window: int | None = None,
        client_id: str | None = None,
        transport: str = "memory",
        id: str = "0",
        token: str | None = None,
        by_bridge_key: bool = False,
        memory: MemoryReservation | None = None,
    ) -> None:
        self.route = route
        self.host = host
        self.params = Params(params)
        self.body = body
        self.headers: Mapping[str, str] = dict(headers or {})
        self.window = window
        self.client_id = client_id
        self.transport = transport
        self.id = id
        self.token = token
        self.by_bridge_key = by_bridge_key
        self._cancel_scope: anyio.CancelScope | None = None
        self.is_aborted = False
        self._memory = memory
        self._memory_from_transport = memory is not None
        self._json: Any = _UNPARSED
        self._json_error: InvalidJSONError | None = None

    @property
    def cancel_scope(self) -> anyio.CancelScope:
        """Cancelled when the client goes away (:meth:`cancel`, then ``is_aborted``) or the
        route's timeout expires; handlers may shield cleanup from it."""
        if self._cancel_scope is None:
            self._cancel_scope = anyio.CancelScope()
        return self._cancel_scope

    def scope_until(self, deadline: float) -> anyio.CancelScope:
        """:attr:`cancel_scope`, due at ``deadline`` at the latest (the router's timeout).

        Created here with its deadline when nothing asked for it before: setting a trio scope's
        deadline afterwards goes through a context manager, a measurable part of each call.
        """
        if self._cancel_scope is None:
            self._cancel_scope = anyio.CancelScope(deadline=deadline)
        elif deadline < self._cancel_scope.deadline:
            self._cancel_scope.deadline = deadline
        return self._cancel_scope

    @property
    def memory(self) -> MemoryReservation:
        """What the host holds for this request in its memory budget: the body, its parsed
        JSON, the encoded answer until it is sent. The transport that read the body passes its
        reservation and releases it once the answer is out; a request made without one takes
        its own from :attr:`Host.memory <oro_framework.Host.memory>`, given back when the
        request is dropped."""
        if self._memory is None:
            self._memory = self.host.memory.reserve(0, purpose=BODY_PURPOSE)
        return self._memory

    @property
    def transport_memory(self) -> MemoryReservation | None:
        """The reservation the transport passed (the bridge's, holding the body), if any: the
        router encodes the answer within it, as the transport releases it once the answer is
        out; ``None`` for requests made in memory."""
        return self._memory if self._memory_from_transport else None

    def json(self) -> Any:
        """The body decoded as JSON (:func:`parse_json_body`), parsed once: later calls return
        the same value. The parse's peak (:func:`json_parse_bound`) is reserved from the host's
        memory budget first and held with the value until the request ends.

        :raises InvalidJSONError: the body is empty or not valid JSON.
        :raises OutOfMemoryError: the budget cannot hold the parse (507), before any of it.
        """
        if self._json is not _UNPARSED:
            return self._json
        if self._json_error is None:
            self._parse()
        if self._json_error is not None:
            raise InvalidJSONError(self._json_error.message)
        return self._json

    def _parse(self) -> None:
        bound = json_parse_bound(self.body)
        held = self.memory
        held.grow(bound)
        try:
            self._json = parse_json_body(self.body)
        except InvalidJSONError as error:
            # Whatever the failed parse built is garbage now.
            held.shrink(bound)
            self._json_error = error

    def wants_parse_ahead(self) -> bool:
        """Whether the transport should :meth:`parse_ahead`: a body of
        :data:`PARSE_AHEAD_BYTES` or more that opens as a JSON object or array and is not sent
        as bytes or text (``oro:ipc`` sends those as ``application/octet-stream`` and
        ``text/plain``: routes that take a raw body get it unparsed)."""
        if len(self.body) < PARSE_AHEAD_BYTES or self._json is not _UNPARSED:
            return False
        media_type = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type == "application/octet-stream" or media_type.startswith("text/"):
            return False
        return _OPENS_CONTAINER.match(self.body) is not None

    async def parse_ahead(self) -> None:
        """Parse the body in a worker thread before the handler asks (:meth:`json`), so that a
        large parse does not run on the event loop nor beside another one: parses of large
        bodies take turns, one at a time per event loop, and each reserves its peak from the
        budget only when its turn comes. A parse the budget cannot hold now is left to
        :meth:`json`, which refuses it if the handler asks (a route that takes the body raw
        never does); a body that is not JSON is remembered for :meth:`json` to refuse."""
        # Not abandoned on cancellation: the reservation must outlive the thread's parse.
        await anyio.to_thread.run_sync(self._parse_if_it_fits, limiter=_parse_limiter())

    def _parse_if_it_fits(self) -> None:
        with contextlib.suppress(OutOfMemoryError):
            self._parse()

    def fields(self) -> Params:
        """The parameters with the fields of a JSON-object body on top (an empty body: the
        parameters alone). Pages send text that must arrive exactly as written (a secret, a
        notification's body) as a JSON body: it stays out of URLs and logs, and a query value
        would be JSON-decoded on the way (``"true"`` would arrive as a boolean).

        :raises InvalidJSONError: the body is not valid JSON.
        :raises InvalidArgumentError: the body is JSON but not an object.
        """
        if not self.body.strip():
            return self.params
        fields = self.json()
        if not isinstance(fields, dict):
            raise InvalidArgumentError("The request body must be a JSON object of the fields")
        return Params({**self.params, **fields})

    def require_window(self) -> int:
        """The window the request comes from, for what is held per window (children,
        databases, streams, grants): a request without a proven window gets none of them.

        :raises SecurityError: ``ERR_NO_WINDOW``, the request has no window.
        """
        if self.window is None:
            raise SecurityError(
                f"{self.route} needs the page of a window: this request carries no window "
                "credential (workers and other processes get no per-window resources)",
                code="ERR_NO_WINDOW",
            )
        return self.window

    def cancel(self) -> None:
        """Cancel the handler (the client went away): the caller receives an AbortError."""
        self.is_aborted = True
        self.cancel_scope.cancel()

    def __repr__(self) -> str:
        return f"<Request {self.route} id={self.id} transport={self.transport}>"
