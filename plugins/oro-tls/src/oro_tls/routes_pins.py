"""The routes on TLS facts and certificate pins: the provider, and pins read, set and
computed from a certificate."""

from __future__ import annotations

import ssl

from oro_framework import InvalidArgumentError, Request
from oro_tls.addresses import parse_port
from oro_tls.contexts import TLS_VERSIONS
from oro_tls.handshakes import PROVIDER
from oro_tls.pins import PinSet, pin_of_certificate, pin_of_pem
from oro_tls.routes_common import Reply, sockets_of

__all__ = ["create_pin", "get_pins", "get_provider", "set_pins"]


async def get_provider(request: Request) -> Reply:
    """The TLS provider: `openssl` and its version."""
    return {
        "provider": PROVIDER,
        "version": ssl.OPENSSL_VERSION,
        "versionNumber": ssl.OPENSSL_VERSION_NUMBER,
        "versions": list(TLS_VERSIONS),
    }


def _pins_reply(pins: PinSet) -> Reply:
    return {"value": pins.format(), "entries": pins.to_json()}


async def get_pins(request: Request) -> Reply:
    """The host's certificate pins (Oro's line format and as entries); only `host`'s if given."""
    pins = sockets_of(request).pins
    host = request.params.get_str("host")
    if host is not None:
        port = request.params.get("port")
        pins = pins.for_host_entries(host, None if port is None else parse_port(port))
    return _pins_reply(pins)


async def set_pins(request: Request) -> Reply:
    """Replace, append to or remove from the host's pins (`value` or body, `mode`)."""
    sockets = sockets_of(request)
    value = request.params.get_str("value")
    if value is None:
        value = request.body.decode("utf-8", errors="replace")
    mode = request.params.get_str("mode", "replace")
    if mode not in ("replace", "append", "remove"):
        raise InvalidArgumentError.invalid("mode", "'replace', 'append' or 'remove'")
    # Removing names hosts (and ports) only; the other modes need their pins.
    given = PinSet.parse(value, allow_empty=mode == "remove")
    sockets.pins = sockets.pins.merged(given, mode)
    return _pins_reply(sockets.pins)


async def create_pin(request: Request) -> Reply:
    """The pin of a certificate: `pem`, or a DER certificate as the body."""
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
