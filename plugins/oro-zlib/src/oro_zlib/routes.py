"""The ``zlib.*`` routes (Oro's names) and :data:`ROUTES`, the group ``plugin.py`` adds.

The one-shot routes are plain ``def``\\ s, so the router runs them in worker threads; a stream
write holds its stream's lock on the loop and compresses in a worker thread. The request body
is the input and the reply's body the output (``application/octet-stream``).

Every call holds its input and output in the host's memory budget (``host.memory``) until it
answers: a deflate reserves the most its output can be up front, an inflate grows its
reservation step by step as zlib makes output. Past the budget a call is ``RangeError``
``ERR_OUT_OF_MEMORY``, before the memory is taken, and the host serves on."""

from __future__ import annotations

import zlib
from typing import Any, Final, get_args

import anyio

from oro_framework import InvalidArgumentError, Params, Request, RouteGroup
from oro_zlib.codec import FORMATS, Flush, Format, Options, compress, compress_bound, decompress
from oro_zlib.errors import input_too_large, stream_closed
from oro_zlib.permissions import ZLIB
from oro_zlib.settings import ZlibSettings
from oro_zlib.state import STATE, ZlibState
from oro_zlib.streams import Mode

__all__ = ["ROUTES"]

_MODES: Final[tuple[Mode, ...]] = get_args(Mode)
_FLUSHES: Final[tuple[Flush, ...]] = get_args(Flush)


def _state(request: Request) -> ZlibState:
    return request.host.stash[STATE]


def _choice(params: Params, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get_str(name, default)
    if value not in choices:
        raise InvalidArgumentError(
            f"The argument '{name}' must be one of {', '.join(map(repr, choices))}. "
            f"Received {value!r}",
            code="ERR_INVALID_ARG_VALUE",
            parameter=name,
        )
    return value


def _options(params: Params, *, inflating: bool) -> Options:
    """Node's options from the parameters (Node's names and bounds; ``windowBits`` 0 is
    "from the header" when inflating)."""
    choices = FORMATS if inflating else FORMATS[:-1]
    format_: Format = _choice(params, "format", choices, "zlib")  # type: ignore[assignment]
    return Options(
        format=format_,
        level=params.get_int("level", zlib.Z_DEFAULT_COMPRESSION, minimum=-1, maximum=9),
        window_bits=_window_bits(params, format_, inflating=inflating),
        mem_level=params.get_int("memLevel", 8, minimum=1, maximum=9),
        strategy=params.get_int("strategy", zlib.Z_DEFAULT_STRATEGY, minimum=0, maximum=4),
    )


def _window_bits(params: Params, format_: Format, *, inflating: bool) -> int:
    # Node's bounds: 8-15, and 0 ("the header's size") only to inflate what has a header.
    header = inflating and format_ != "raw"
    if header and params.get("windowBits") in (0, "0"):
        return 0
    # A gzip header cannot say 8 (zlib would use 9 and write 9).
    least = 9 if format_ == "gzip" and not inflating else 8
    return params.get_int("windowBits", zlib.MAX_WBITS, minimum=least, maximum=15)


def _input(request: Request, settings: ZlibSettings) -> bytes:
    size = len(request.body)
    if size > settings.max_input_bytes:
        raise input_too_large(size, settings.max_input_bytes)
    return request.body


def _output_limit(params: Params, settings: ZlibSettings) -> int:
    """The zip-bomb guard: the host's cap, or the page's ``maxOutputLength`` below it."""
    cap = settings.max_output_bytes
    return min(cap, params.get_int("maxOutputLength", cap, minimum=1, maximum=2**53 - 1))


async def capabilities(request: Request) -> dict[str, Any]:
    """Whether zlib is available (always), its version, formats and this host's limits."""
    settings = _state(request).settings
    return {
        "available": True,
        "version": zlib.ZLIB_RUNTIME_VERSION,
        "formats": list(FORMATS[:-1]),
        "brotli": False,
        "maxInputBytes": settings.max_input_bytes,
        "maxOutputBytes": settings.max_output_bytes,
        "maxStreams": settings.max_streams,
    }


_PURPOSE: Final = "zlib input and output"


def deflate(request: Request) -> bytes:
    """Compress the body (``format`` zlib|gzip|raw, ``level``, ``windowBits``, ``memLevel``,
    ``strategy``)."""
    state = _state(request)
    options = _options(request.params, inflating=False)
    data = _input(request, state.settings)
    size = len(data) + compress_bound(len(data)) + options.state_bytes("deflate")
    with state.memory.reserve(size, purpose=_PURPOSE):
        state.calls += 1
        return compress(data, options)


def inflate(request: Request) -> bytes:
    """Decompress the body (``format`` zlib|gzip|raw|auto, ``maxOutputLength``, ``partial``)."""
    state = _state(request)
    params = request.params
    options = _options(params, inflating=True)
    data = _input(request, state.settings)
    limit = _output_limit(params, state.settings)
    size = len(data) + options.state_bytes("inflate")
    with state.memory.reserve(size, purpose=_PURPOSE) as held:
        state.calls += 1
        return decompress(data, options, limit, partial=params.get_bool("partial"), held=held)


async def stream_open(request: Request) -> dict[str, Any]:
    """Open a stream (``mode`` deflate|inflate and the options of deflate or inflate)."""
    params = request.params
    mode: Mode = _choice(params, "mode", _MODES, "deflate")  # type: ignore[assignment]
    options = _options(params, inflating=mode == "inflate")
    stream = _state(request).open(request.require_window(), mode, options)
    return {"id": stream.id, "mode": mode, "format": options.format}


async def stream_write(request: Request) -> bytes:
    """Feed the body to stream ``id``: the output so far (``flush`` none|sync|full|finish, or
    Oro's ``finish``; ``maxOutputLength``)."""
    state = _state(request)
    params = request.params
    window = request.require_window()
    stream = state.get(window, params.require_str("id"))
    flush: Flush = _choice(params, "flush", _FLUSHES, "none")  # type: ignore[assignment]
    if params.get_bool("finish"):
        flush = "finish"
    data = _input(request, state.settings)
    limit = _output_limit(params, state.settings)
    # Reserved before waiting for the stream: writes queued behind it hold their input too.
    size = len(data) + (compress_bound(len(data)) if stream.mode == "deflate" else 0)
    with state.memory.reserve(size, purpose=_PURPOSE) as held:
        async with stream.lock:
            if stream.closed:
                raise stream_closed(stream.id)
            try:
                out = await anyio.to_thread.run_sync(stream.write, data, flush, limit, held)
            except Exception:
                # zlib's state after an error is unknown (an inflate refused by the budget
                # midway has taken input whose output is gone): the stream is done, as Node's.
                state.close(window, stream.id)
                raise
            if flush == "finish":
                state.close(window, stream.id)
            return out


async def stream_close(request: Request) -> dict[str, Any]:
    """Close stream ``id`` without finishing it; ``closed`` says whether it was open."""
    closed = _state(request).close(request.require_window(), request.params.require_str("id"))
    return {"closed": closed}


ROUTES: Final = RouteGroup.guarded(
    ZLIB,
    handlers={
        "zlib.capabilities": capabilities,
        "zlib.deflate": deflate,
        "zlib.inflate": inflate,
        "zlib.stream.open": stream_open,
        "zlib.stream.write": stream_write,
        "zlib.stream.close": stream_close,
    },
)
"""Every route of the plugin; ``allow_zlib = false`` in the app's ``[permissions]`` turns
them off."""
