"""Connecting out: a host name's addresses tried in turn, from an optional local address and
port, within the connect timeout, failing with Node's error for the last address tried.

Each address is resolved once and checked before it is tried (``permit``), and the socket
connects to that very address: a name that answers differently the next time (DNS rebinding)
changes nothing."""

from __future__ import annotations

import errno as errno_module
import socket
from collections.abc import Callable
from typing import Final

import anyio
from anyio.abc import SocketStream

from oro_framework import ErrnoError
from oro_tls.addresses import resolve
from oro_tls.errors import timed_out

__all__ = ["dial"]

_NOT_CONNECTED: Final = frozenset({errno_module.EINPROGRESS, errno_module.EWOULDBLOCK})


async def dial(
    host: str,
    port: int,
    *,
    family: int = socket.AF_UNSPEC,
    local_address: str | None = None,
    local_port: int = 0,
    timeout_ms: int,
    permit: Callable[[str], None],
) -> SocketStream:
    """A stream connected to ``host``:``port``, through the addresses ``permit`` lets through.

    :param permit: raises :class:`ErrnoError` for an address the page may not reach.
    :raises ErrnoError: ``ECONNREFUSED``, ``ETIMEDOUT``, ``ENOTFOUND``, ``EADDRINUSE``, and
        ``permit``'s refusal of the first address when it refuses them all...
    """
    candidates = _permitted(await resolve(host, family), permit)
    if local_address:
        local_family = (await resolve(local_address))[0][0]
        candidates = [pair for pair in candidates if pair[0] == local_family] or candidates
    last: ErrnoError | None = None
    with anyio.move_on_after(timeout_ms / 1000):
        for address_family, address in candidates:
            try:
                return await _connect_one(address_family, address, port, local_address, local_port)
            except ErrnoError as error:
                last = error
        assert last is not None
        raise last
    raise timed_out("connect", candidates[-1][1], port, timeout_ms)


def _permitted(
    candidates: list[tuple[int, str]], permit: Callable[[str], None]
) -> list[tuple[int, str]]:
    allowed: list[tuple[int, str]] = []
    refusal: ErrnoError | None = None
    for candidate in candidates:
        try:
            permit(candidate[1])
        except ErrnoError as error:
            refusal = refusal or error
            continue
        allowed.append(candidate)
    if not allowed:
        assert refusal is not None
        raise refusal
    return allowed


async def _connect_one(
    family: int, address: str, port: int, local_address: str | None, local_port: int
) -> SocketStream:
    raw = socket.socket(family, socket.SOCK_STREAM)
    try:
        raw.setblocking(False)
        if local_address or local_port:
            _bind_local(raw, family, local_address, local_port)
        number = raw.connect_ex((address, port))
        if number in _NOT_CONNECTED:
            await anyio.wait_writable(raw)
            number = raw.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if not number:
            return await SocketStream.from_socket(raw)
    except BaseException:
        anyio.notify_closing(raw)
        raw.close()
        raise
    raw.close()
    raise ErrnoError.for_socket_error(OSError(number, ""), "connect", address, port)


def _bind_local(raw: socket.socket, family: int, address: str | None, port: int) -> None:
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    wildcard = "::" if family == socket.AF_INET6 else "0.0.0.0"
    try:
        raw.bind((address or wildcard, port))
    except OSError as error:
        raise ErrnoError.for_socket_error(error, "bind", address, port) from None
