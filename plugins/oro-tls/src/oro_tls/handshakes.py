"""TLS handshakes over a connected stream, client and server side, within their timeout, and
the facts the page gets about the result (Node's ``authorized``, ``getProtocol()``...).

Pins are checked after the client's handshake whatever ``rejectUnauthorized`` says; a
certificate OpenSSL did not verify (``rejectUnauthorized: false``) is verified here once more
only to tell the page why it is not authorized.
"""

from __future__ import annotations

import errno as errno_module
import ssl
from typing import Any, Final

import anyio
from anyio.abc import SocketStream
from anyio.streams.tls import TLSAttribute, TLSStream

from oro_framework import ErrnoError, IPCError
from oro_tls.certificates import node_certificate
from oro_tls.errors import timed_out
from oro_tls.pinning import check_pins
from oro_tls.verification import (
    VerifyFailure,
    certificate_error,
    failure_of,
    handshake_error,
    unverified_chain,
    verify_chain,
)

__all__ = ["PROVIDER", "client_handshake", "server_handshake"]

PROVIDER: Final = "openssl"

_DISCONNECTED: Final = (
    "Client network socket disconnected before secure TLS connection was established"
)


async def client_handshake(
    stream: SocketStream,
    context: ssl.SSLContext,
    *,
    host: str,
    port: int,
    servername: str | None,
    reject_unauthorized: bool,
    ca: tuple[str, ...],
    pins: tuple[str, ...],
    timeout_ms: int,
) -> tuple[TLSStream, dict[str, Any]]:
    """The client side of a handshake with ``host``:``port`` and the TLS facts.

    :raises CertificateError: the certificate is refused (``rejectUnauthorized``).
    :raises PinError: the leaf's key is not one of ``pins`` (``PIN_MISMATCH``).
    :raises ErrnoError: ``ETIMEDOUT``, ``ECONNRESET``; a TLS alert as ``ERR_SSL_*``.
    """
    name = servername or host
    tls = await _wrap(
        stream,
        context,
        server_side=False,
        hostname=name,
        host=host,
        port=port,
        timeout_ms=timeout_ms,
    )
    try:
        failure = None
        if not reject_unauthorized:
            chain = unverified_chain(tls.extra(TLSAttribute.ssl_object))
            failure = verify_chain(chain, hostname=name, ca=ca)
        leaf = tls.extra(TLSAttribute.peer_certificate_binary)
        peer_pin = check_pins(leaf, pins, host=host, port=port)
    except BaseException:
        await anyio.aclose_forcefully(tls)
        raise
    facts = _facts(tls, authorized=failure is None, failure=failure, peer_pin=peer_pin)
    facts["servername"] = servername
    return tls, facts


async def server_handshake(
    stream: SocketStream,
    context: ssl.SSLContext,
    *,
    request_cert: bool,
    timeout_ms: int,
) -> tuple[TLSStream, dict[str, Any]]:
    """The server side of a handshake with a client that connected, and its TLS facts
    (``authorized`` when a certificate was asked for and OpenSSL verified it)."""
    remote = stream.extra(anyio.abc.SocketAttribute.remote_address)
    host, port = (str(remote[0]), int(remote[1])) if isinstance(remote, tuple) else ("", 0)
    tls = await _wrap(
        stream,
        context,
        server_side=True,
        hostname=None,
        host=host,
        port=port,
        timeout_ms=timeout_ms,
    )
    leaf = tls.extra(TLSAttribute.peer_certificate_binary)
    failure = None
    if request_cert and leaf is None:
        failure = VerifyFailure(
            code="CERT_UNTRUSTED",
            reason="UNABLE_TO_GET_ISSUER_CERT",
            message="the client sent no certificate",
        )
    authorized = request_cert and leaf is not None
    facts = _facts(tls, authorized=authorized, failure=failure, peer_pin=None)
    facts["servername"] = tls.extra(TLSAttribute.ssl_object).server_hostname or False
    return tls, facts


async def _wrap(
    stream: SocketStream,
    context: ssl.SSLContext,
    *,
    server_side: bool,
    hostname: str | None,
    host: str,
    port: int,
    timeout_ms: int,
) -> TLSStream:
    error: IPCError
    try:
        with anyio.fail_after(timeout_ms / 1000):
            return await TLSStream.wrap(
                stream,
                server_side=server_side,
                hostname=hostname,
                ssl_context=context,
                standard_compatible=False,
            )
    except TimeoutError:
        error = timed_out("handshake", host, port, timeout_ms)
    except ssl.SSLCertVerificationError as refused:
        error = certificate_error(failure_of(refused), host=host, port=port)
    except ssl.SSLError as failed:
        error = handshake_error(failed, host=host, port=port)
    except (anyio.EndOfStream, anyio.BrokenResourceError, OSError):
        error = ErrnoError.for_socket(errno_module.ECONNRESET, "handshake", host, port)
        error.message = f"{_DISCONNECTED} ({host}:{port})"
    await anyio.aclose_forcefully(stream)
    raise error


def _facts(
    tls: TLSStream,
    *,
    authorized: bool,
    failure: VerifyFailure | None,
    peer_pin: str | None,
) -> dict[str, Any]:
    ssl_object = tls.extra(TLSAttribute.ssl_object)
    cipher = ssl_object.cipher()
    return {
        "authorized": authorized,
        "authorizationError": failure.reason if failure is not None else None,
        "authorizationCode": failure.code if failure is not None else None,
        "protocol": ssl_object.version(),
        "cipher": {"name": cipher[0], "standardName": cipher[0], "version": cipher[1]}
        if cipher
        else None,
        "alpnProtocol": ssl_object.selected_alpn_protocol() or False,
        "peerPin": peer_pin,
        "peerCertificate": node_certificate(tls.extra(TLSAttribute.peer_certificate_binary)),
        "provider": PROVIDER,
    }
