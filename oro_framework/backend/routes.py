"""A command as a route handler: the request's fields converted into its arguments, its result
or stream sent back, its exceptions answered as typed errors."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final, final

from oro_framework.backend.commands import BODY_FIELD, FIELDS_PARAMETER, CommandSpec
from oro_framework.backend.convert import jsonable
from oro_framework.backend.events import current_host
from oro_framework.kernel.envelope import ByteStream, EventStream, encode_json
from oro_framework.kernel.errors import InvalidArgumentError, IPCError, OutOfRangeError
from oro_framework.kernel.request import Request
from oro_framework.kernel.router import Handler

__all__ = ["BackendError", "handler_for"]

logger = logging.getLogger("oro_framework.backend")

WINDOW_INDEX: Final = "index"
"""The window index the page's IPC adds to every call: never a command's unknown field."""


@final
class BackendError(IPCError):
    """An exception a command raised that is not an :class:`~oro_framework.IPCError`: the page
    gets its type and message (``err.exception``, ``err.message``); the traceback goes to the
    host's log. Raise an ``IPCError`` subclass (``InvalidArgumentError``, ``NotFoundError``...)
    to answer a precise type and status instead."""

    error_type = "BackendError"
    default_code = "ERR_BACKEND_EXCEPTION"
    http_status = 500


def handler_for(spec: CommandSpec, max_result_bytes: int) -> Handler:
    """The route handler that serves ``spec``: a plain ``def`` for a command that runs in a
    thread (the router runs it in one), an ``async def`` otherwise."""
    if spec.runs_in_thread:

        def in_thread(request: Request) -> Any:
            arguments = _arguments(spec, request)
            with _running(spec, request):
                result = spec.function(**arguments)
            return _reply(spec, result, max_result_bytes)

        in_thread.__doc__ = spec.function.__doc__
        return in_thread

    async def on_loop(request: Request) -> Any:
        arguments = _arguments(spec, request)
        with _running(spec, request):
            if spec.streams:
                return _stream(spec, spec.function(**arguments))
            result = await spec.function(**arguments)
        return _reply(spec, result, max_result_bytes)

    on_loop.__doc__ = spec.function.__doc__
    return on_loop


@contextmanager
def _running(spec: CommandSpec, request: Request) -> Iterator[None]:
    """Around the command's own code: ``emit`` reaches the request's host, and an exception
    that is neither typed nor an ``OSError`` (the router gives those Node's code) becomes a
    :class:`BackendError`."""
    token = current_host.set(request.host)
    try:
        yield
    except (IPCError, OSError):
        raise
    except Exception as error:
        raise _failure(spec, error) from error
    finally:
        current_host.reset(token)


def _arguments(spec: CommandSpec, request: Request) -> dict[str, Any]:
    # The app's own pages only: a worker or another process proves no window.
    request.require_window()
    fields = _fields(spec, request)
    known = {parameter.name for parameter in spec.parameters}
    for name in fields:
        if name not in known and name != WINDOW_INDEX:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise InvalidArgumentError(
                f"Unknown parameter '{name}' for backend.{spec.name} (it takes {takes})",
                parameter=name,
            )
    arguments: dict[str, Any] = {}
    for parameter in spec.parameters:
        if parameter.name in fields:
            arguments[parameter.name] = parameter.convert(fields[parameter.name], parameter.name)
        elif parameter.required:
            raise InvalidArgumentError.missing(parameter.name)
        else:
            arguments[parameter.name] = parameter.default
    if spec.request_parameter is not None:
        arguments[spec.request_parameter] = request
    return arguments


def _fields(spec: CommandSpec, request: Request) -> Mapping[str, Any]:
    """The fields the page sent: a JSON body's on top of the query's; or, when ``oro-body``
    names the ``bytes`` parameter the body is the raw value of, that parameter plus the query's
    and ``oro-fields`` (what ``oro:backend`` sends beside bytes). Never guessed from the body:
    bytes that happen to be a JSON object stay bytes."""
    params = request.params
    target = spec.body_parameter
    named = params.get(BODY_FIELD)
    if named is not None:
        if target is None or named != target.name:
            expected = f"'{target.name}'" if target is not None else "no bytes parameter"
            raise InvalidArgumentError.invalid(BODY_FIELD, f"the bytes parameter ({expected})")
        others = params.get(FIELDS_PARAMETER, {})
        if not isinstance(others, dict):
            raise InvalidArgumentError.invalid(FIELDS_PARAMETER, "a JSON object of the fields")
        plain = {key: value for key, value in params.items() if key not in _RESERVED}
        return {**plain, **others, target.name: request.body}
    return request.fields()


_RESERVED: Final = frozenset({BODY_FIELD, FIELDS_PARAMETER})


def _reply(spec: CommandSpec, result: Any, limit: int) -> Any:
    if isinstance(result, bytes | bytearray | memoryview):
        if len(result) > limit:
            raise _too_large(spec, len(result), limit)
        return bytes(result)
    try:
        value = jsonable(result)
    except TypeError as error:
        raise _failure(spec, error) from error
    if isinstance(value, str):
        size = len(value)
    elif isinstance(value, dict | list):
        size = len(encode_json(value))
    else:
        return value
    if size > limit:
        raise _too_large(spec, size, limit)
    return value


def _stream(spec: CommandSpec, items: AsyncIterator[Any]) -> EventStream | ByteStream:
    if spec.streams_bytes:
        return ByteStream(_checked(spec, items, _chunk))
    return EventStream(_checked(spec, items, jsonable))


async def _checked(
    spec: CommandSpec, items: AsyncIterator[Any], convert: Callable[[Any], Any]
) -> AsyncIterator[Any]:
    try:
        async for item in items:
            yield convert(item)
    except (IPCError, OSError):
        raise
    except Exception as error:
        raise _failure(spec, error) from error
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


def _chunk(item: Any) -> bytes:
    if not isinstance(item, bytes | bytearray | memoryview):
        raise TypeError(f"a bytes stream yielded {type(item).__name__}, not bytes")
    return bytes(item)


def _too_large(spec: CommandSpec, size: int, limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"backend.{spec.name} returned {size} bytes, more than backend.max_result_bytes "
        f"({limit}); stream it (an async generator) instead",
        limit=limit,
    )


def _failure(spec: CommandSpec, error: Exception) -> BackendError:
    logger.error("backend command %r raised", spec.name, exc_info=error)
    text = " ".join(str(error).split())
    name = type(error).__name__
    return BackendError(f"{name}: {text}" if text else name, exception=name, command=spec.name)
