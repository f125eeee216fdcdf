"""A command as a route handler: the request's fields converted into its arguments, its result
or stream sent back, its exceptions answered as typed errors.

What a command raises never ends the host: ``sys.exit`` (argparse's ``--help``),
``KeyboardInterrupt`` and a cancellation that is not the host's own become the call's
:class:`BackendError`. What the page reads of a failure is the exception's type and the command's
name; its text, and file paths outside what the page can name (``data:x``, ``resources:x``, the
app's folder), stay in the host's log unless ``[backend] error_details`` (on under ``oro dev``)
says otherwise. Blocking ``def`` commands run on worker threads bounded per window, so that one
page holding them all cannot stall the others."""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

import anyio
import anyio.to_thread

from oro_framework.backend.commands import BODY_FIELD, FIELDS_PARAMETER, CommandSpec
from oro_framework.backend.convert import jsonable
from oro_framework.backend.events import current_host
from oro_framework.host.envelope import ByteStream, EventStream, encode_json
from oro_framework.host.errors import (
    BackendError,
    ErrnoError,
    InvalidArgumentError,
    IPCError,
    OutOfRangeError,
)
from oro_framework.host.request import Request, json_parse_bound
from oro_framework.host.router import Handler
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app_paths import AppPaths

__all__ = ["CommandOptions", "WindowThreads", "handler_for"]

logger = logging.getLogger("oro_framework.backend")

WINDOW_INDEX: Final = "index"
"""The window index the page's IPC adds to every call: never a command's unknown field."""


@final
@record
class CommandOptions:
    """How one host serves the app's commands (``[backend]``).

    :ivar max_result_bytes: the largest result a command may return.
    :ivar error_details: the page reads an exception's message and absolute paths (a developer's
        own page: ``oro dev``, or the app opted in); else only its type and the command.
    """

    max_result_bytes: int
    error_details: bool = False


@final
class WindowThreads:
    """The worker threads of one host's blocking (``def``) commands, at most ``per_window`` at
    once for each window; a window's further calls wait for one of its own threads.

    A thread whose call was abandoned (the page went, the call timed out) runs to its end, as
    Python cannot stop it, and holds its window's slot meanwhile: a page that blocks its every
    slot waits on itself, while other windows and plugin routes (which have the router's own
    threads) keep answering.
    """

    def __init__(self, per_window: int) -> None:
        self.per_window = per_window
        self._limiters: dict[int, anyio.CapacityLimiter] = {}

    async def run(self, window: int, function: Callable[[], Any]) -> Any:
        limiter = self._limiters.get(window)
        if limiter is None:
            limiter = self._limiters[window] = anyio.CapacityLimiter(self.per_window)
        return await anyio.to_thread.run_sync(function, limiter=limiter, abandon_on_cancel=True)

    def forget(self, window: int) -> None:
        """The window's page went: its bound goes too unless threads of it still run (then a
        reloaded page inherits them, so that reloading never lifts the bound)."""
        limiter = self._limiters.get(window)
        if limiter is None:
            return
        statistics = limiter.statistics()
        if not statistics.borrowed_tokens and not statistics.tasks_waiting:
            del self._limiters[window]

    def usage(self) -> dict[int, int]:
        """Threads busy per window (abandoned ones still running included)."""
        return {
            window: limiter.statistics().borrowed_tokens
            for window, limiter in self._limiters.items()
        }


def handler_for(
    spec: CommandSpec, options: CommandOptions, threads: WindowThreads | None = None
) -> Handler:
    """The route handler that serves ``spec``: an ``async def`` that runs a blocking command on
    one of its window's worker threads (``threads``), or the command on the loop."""
    if spec.runs_in_thread:
        window_threads = threads if threads is not None else WindowThreads(DEFAULT_WINDOW_THREADS)

        async def in_thread(request: Request) -> Any:
            window = request.require_window()
            call = functools.partial(_call_in_thread, spec, options, request)
            return await window_threads.run(window, call)

        in_thread.__doc__ = spec.function.__doc__
        return in_thread

    async def on_loop(request: Request) -> Any:
        arguments = _arguments(spec, request)
        with _running(spec, options, request, in_thread=False):
            if spec.streams:
                return _stream(spec, options, spec.function(**arguments))
            result = await spec.function(**arguments)
        return _reply(spec, options, result)

    on_loop.__doc__ = spec.function.__doc__
    return on_loop


DEFAULT_WINDOW_THREADS: Final = 8
"""Blocking commands one window runs at once (``backend.threads_per_window``)."""


def _call_in_thread(spec: CommandSpec, options: CommandOptions, request: Request) -> Any:
    # The fields are converted here too: a large base64 field is work the loop need not do.
    arguments = _arguments(spec, request)
    with _running(spec, options, request, in_thread=True):
        result = spec.function(**arguments)
    return _reply(spec, options, result)


@contextmanager
def _running(
    spec: CommandSpec, options: CommandOptions, request: Request, *, in_thread: bool
) -> Iterator[None]:
    """Around the command's own code: ``emit`` reaches the request's host, an ``OSError``
    becomes Node's error with the paths the page may see, and anything else that is not typed
    becomes a :class:`BackendError`, ``SystemExit`` and ``KeyboardInterrupt`` included: only
    the host's own cancellation of the call (its deadline, the page gone, the host stopping)
    goes on as it is. On a worker thread nothing is the host's: it never cancels a thread."""
    token = current_host.set(request.host)
    try:
        yield
    except IPCError:
        raise
    except OSError as error:
        raise _os_failure(spec, options, request.host.paths, error) from error
    except BaseException as error:
        if not in_thread and _is_the_hosts(error):
            raise
        raise _failure(spec, options, error) from error
    finally:
        current_host.reset(token)


def _is_the_hosts(error: BaseException) -> bool:
    """Whether ``error`` is the host's own, to let through: the cancellation the host's cancel
    scope delivers (only then is the nearest deadline ``-inf``). An asyncio ``CancelledError``
    on the host's trio loop, or a ``trio.Cancelled`` (or ``GeneratorExit``) the command raised
    by hand, cancels nothing the host asked for."""
    cancelled = anyio.get_cancelled_exc_class()
    if isinstance(error, BaseExceptionGroup):
        only_cancelled = error.split(cancelled)[1] is None
        return only_cancelled and anyio.current_effective_deadline() == -math.inf
    return isinstance(error, cancelled) and anyio.current_effective_deadline() == -math.inf


def _arguments(spec: CommandSpec, request: Request) -> dict[str, Any]:
    # The app's own pages only: a worker or another process proves no window.
    request.require_window()
    fields = _fields(spec, request)
    _hold_conversion(spec, request, fields)
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
            convert = (
                parameter.convert_query
                if _from_query(spec, request, parameter.name)
                else parameter.convert
            )
            arguments[parameter.name] = convert(fields[parameter.name], parameter.name)
        elif parameter.required:
            raise InvalidArgumentError.missing(parameter.name)
        else:
            arguments[parameter.name] = parameter.default
    if spec.request_parameter is not None:
        arguments[spec.request_parameter] = request
    return arguments


def _hold_conversion(spec: CommandSpec, request: Request, fields: Mapping[str, Any]) -> None:
    """Converting a list or object argument builds a copy of it, as large as its part of the
    JSON body's parse at most: that much again is reserved from the host's memory budget
    beside the parse (``OutOfMemoryError``, 507, before converting), for as long as the
    request's answer is not out."""
    if not request.body or request.params.get(BODY_FIELD) is not None:
        return
    if any(isinstance(fields.get(parameter.name), list | dict) for parameter in spec.parameters):
        request.memory.grow(json_parse_bound(request.body))


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


def _from_query(spec: CommandSpec, request: Request, name: str) -> bool:
    """Whether field ``name`` came from the URL's query (text the transport decoded as JSON
    where it parses) rather than from JSON the page sent (a body, ``oro-fields``)."""
    params = request.params
    if name not in params:
        return False
    if params.get(BODY_FIELD) is not None:
        others = params.get(FIELDS_PARAMETER)
        target = spec.body_parameter
        return not (isinstance(others, dict) and name in others) and (
            target is None or target.name != name
        )
    if not request.body.strip():
        return True
    body = request.json()
    return not (isinstance(body, dict) and name in body)


def _reply(spec: CommandSpec, options: CommandOptions, result: Any) -> Any:
    limit = options.max_result_bytes
    if isinstance(result, bytes | bytearray | memoryview):
        if len(result) > limit:
            raise _too_large(spec, len(result), limit)
        return bytes(result)
    try:
        value = jsonable(result)
    except TypeError as error:
        raise _failure(spec, options, error) from error
    if isinstance(value, str):
        size = len(value)
    elif isinstance(value, dict | list):
        size = len(encode_json(value))
    else:
        return value
    if size > limit:
        raise _too_large(spec, size, limit)
    return value


def _stream(
    spec: CommandSpec, options: CommandOptions, items: AsyncIterator[Any]
) -> EventStream | ByteStream:
    if spec.streams_bytes:
        return ByteStream(_checked(spec, options, items, _chunk))
    return EventStream(_checked(spec, options, items, jsonable))


async def _checked(
    spec: CommandSpec,
    options: CommandOptions,
    items: AsyncIterator[Any],
    convert: Callable[[Any], Any],
) -> AsyncIterator[Any]:
    try:
        while True:
            with _stepping(spec, options):
                try:
                    item = await anext(items)
                except StopAsyncIteration:
                    return
                converted = convert(item)
            # Outside the guard: a GeneratorExit here is this stream being closed (the page
            # went), to let through; one the command raised is its failure, as above.
            yield converted
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


@contextmanager
def _stepping(spec: CommandSpec, options: CommandOptions) -> Iterator[None]:
    """Around one step of a streaming command: what :func:`_running` does around a call."""
    try:
        yield
    except IPCError:
        raise
    except OSError as error:
        # The stream's consumer has no request: the host that runs the command is current.
        host = current_host.get()
        paths = host.paths if host is not None else None
        raise _os_failure(spec, options, paths, error) from error
    except BaseException as error:
        if _is_the_hosts(error):
            raise
        raise _failure(spec, options, error) from error


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


def _failure(spec: CommandSpec, options: CommandOptions, error: BaseException) -> BackendError:
    logger.error("backend command %r raised", spec.name, exc_info=error)
    name = type(error).__name__
    if not options.error_details:
        # The app's exception text may hold anything (paths, a user's data, a key): the page
        # learns what failed, the host's log why.
        message = f"backend.{spec.name} raised {name} (details in the host's log)"
        return BackendError(message, exception=name, command=spec.name)
    text = " ".join(str(error).split())
    return BackendError(f"{name}: {text}" if text else name, exception=name, command=spec.name)


def _os_failure(
    spec: CommandSpec, options: CommandOptions, paths: AppPaths | None, error: OSError
) -> IPCError:
    """Node's error for an ``OSError`` a command raised, its path as the page may see it
    (:func:`shown_path`); one without an errno is any other exception."""
    if error.errno is None:
        return _failure(spec, options, error)
    logger.warning("backend command %r: %s", spec.name, error)
    path, dest = (
        None
        if name is None
        else shown_path(os.fsdecode(name), paths, details=options.error_details)
        for name in (error.filename, error.filename2)
    )
    # From the number alone: the app's own strerror text and paths stay out of the message.
    failure = ErrnoError.from_os_error(OSError(error.errno, os.strerror(error.errno)), path=path)
    if dest is not None:
        failure.extra["dest"] = dest
    return failure


VIRTUAL_ROOTS: Final = ("resources", "data", "temp")
"""The app's folders a page names by prefix (oro-fs's ``data:notes/a.md``), the app's own
resources first: they are often its folder too."""


def shown_path(path: str, paths: AppPaths | None, *, details: bool = False) -> str | None:
    """``path`` as a page may see it: relative paths as they are, an absolute one as the page
    would name it (``data:notes/a.md``, ``resources:index.html``) or relative to the app's
    folder (``src/helpers.py``), else ``None``: where the host keeps other files is none of
    the page's business. ``details``: every path as it is (a developer's own page)."""
    if details or not os.path.isabs(path):
        return path
    if paths is None:
        return None
    real = Path(os.path.realpath(path))
    for name in VIRTUAL_ROOTS:
        inside = _below(real, getattr(paths, name))
        if inside is not None:
            return f"{name}:{inside}"
    return _below(real, paths.app)


def _below(path: Path, root: Path) -> str | None:
    try:
        relative = path.relative_to(os.path.realpath(root))
    except ValueError:
        return None
    return relative.as_posix()
