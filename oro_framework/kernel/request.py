"""What a route handler receives: the :class:`Request` and its typed :class:`Params`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, final, overload

import anyio

from oro_framework.kernel.config import parse_bool_word
from oro_framework.kernel.errors import (
    InvalidArgumentError,
    InvalidJSONError,
    OutOfRangeError,
    SecurityError,
)

if TYPE_CHECKING:
    from oro_framework.kernel.app import Host

__all__ = ["Params", "Request", "bool_value", "decode_query", "float_value", "int_value"]


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
    :class:`~oro_framework.kernel.errors.OutOfRangeError` for a number outside its bounds.
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

    def json(self) -> Any:
        """The body decoded as JSON.

        :raises InvalidJSONError: the body is empty or not valid UTF-8 JSON.
        """
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidJSONError(f"Request body is not valid JSON: {error}") from None

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
