"""The routes on TLS facts and certificate pins: the provider, and pins read, set and
computed from a certificate."""

from __future__ import annotations

import ssl
from typing import Final

from oro_framework import InvalidArgumentError, Request
from oro_tls.addresses import parse_port
from oro_tls.pins import PinSet, format_endpoint, parse_endpoint
from oro_tls.routes_common import Reply, sockets_of

__all__ = ["create_pin", "get_pins", "get_provider", "set_pins"]


async def get_provider(request: Request) -> Reply:
    """The TLS provider: `openssl` and its version."""
    from oro_tls.contexts import TLS_VERSIONS
    from oro_tls.handshakes import PROVIDER

    return {
        "provider": PROVIDER,
        "version": ssl.OPENSSL_VERSION,
        "versionNumber": ssl.OPENSSL_VERSION_NUMBER,
        "versions": list(TLS_VERSIONS),
    }


_MODES: Final = ("replace", "append", "remove", "put", "subtract")
# Modes that name hosts whose entries go: their lines need no pins.
_HOSTS_ONLY: Final = frozenset({"remove", "put"})


def _pins_reply(pins: PinSet) -> Reply:
    return {"ok": True, "value": pins.format(), "entries": pins.to_json()}


async def get_pins(request: Request) -> Reply:
    """The host's certificate pins (Oro's line format and as entries); only `host`'s if given.

    With `host` (`host`, `host:port`, `[v6]:port` or a URL; or `port` apart) the reply also
    answers Oro's `getTlsPinsForHost`: `host` as the line format writes it, `configured` and
    `pins`, those of the entry of exactly that host and port, else of the host's every-port
    entry.
    """
    pins = sockets_of(request).pins
    spec = request.params.get_str("host")
    if spec is None:
        return _pins_reply(pins)
    host, port = parse_endpoint(spec)
    given_port = request.params.get("port")
    if given_port is not None:
        port = parse_port(given_port)
    entry = pins.exact(host, port) or (pins.exact(host, None) if port is not None else None)
    return {
        **_pins_reply(pins.for_host_entries(host, port)),
        "host": format_endpoint(host, port),
        "configured": entry is not None,
        "pins": [] if entry is None else list(entry.pins),
    }


async def set_pins(request: Request) -> Reply:
    """Change the host's pins by `value` or the body (Oro's line format) as `mode` says:
    `replace` (the default), `append`, `remove` (the hosts named), `put` (each endpoint named
    gets exactly its pins; none drops it) or `subtract` (the pins named leave their endpoint)."""
    sockets = sockets_of(request)
    value = request.params.get_str("value")
    if value is None:
        value = request.body.decode("utf-8", errors="replace")
    mode = request.params.get_str("mode", "replace")
    if mode not in _MODES:
        raise InvalidArgumentError.invalid(
            "mode", "'replace', 'append', 'remove', 'put' or 'subtract'"
        )
    given = PinSet.parse(value, allow_empty=mode in _HOSTS_ONLY)
    sockets.pins = sockets.pins.merged(given, mode)
    return _pins_reply(sockets.pins)


async def create_pin(request: Request) -> Reply:
    """The pin of a certificate: `pem`, or a DER certificate as the body."""
    from oro_tls.pinning import pin_of_certificate, pin_of_pem

    pem = request.params.get_str("pem")
    if pem is not None:
        return {"pin": pin_of_pem(pem)}
    if not request.body:
        raise InvalidArgumentError("expecting 'pem' or a DER certificate as the body")
    try:
        return {"pin": pin_of_certificate(request.body)}
    except ValueError:
        raise InvalidArgumentError(
            "the body is not a DER certificate", code="ERR_TLS_INVALID_CERT"
        ) from None
