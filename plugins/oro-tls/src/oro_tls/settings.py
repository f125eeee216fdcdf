"""The ``[tcp]`` and ``[tls]`` config keys, declared once as the fields of :class:`TcpSettings`
and :class:`TlsSettings`."""

from __future__ import annotations

from typing import Any, final

from oro_framework import IPCError, setting, validators
from oro_framework.network import PrivateNetworkPolicy
from oro_framework.records import record
from oro_tls.pins import PinSet

__all__ = ["TcpSettings", "TlsSettings"]


def _pin_lines(value: Any) -> None:
    """Refuse ``[tls] pins`` that do not parse, naming the line (at config load, not at the
    first connection)."""
    try:
        PinSet.parse(value)
    except IPCError as error:
        raise ValueError(error.message) from None


@final
@record
class TcpSettings:
    """The ``[tcp]`` keys of one host (``config.add_settings(TcpSettings, section="tcp")``)."""

    max_sockets_per_page: int = setting(
        256,
        "TCP and TLS sockets, servers and accepted connections one page may have open at "
        "once; one more answers EMFILE.",
        validator=validators.positive,
    )
    read_window_bytes: int = setting(
        1024 * 1024,
        "Bytes of a socket sent to its page and not yet acknowledged; the host stops reading "
        "the socket beyond them, so a slow page makes the peer wait instead of the host buffer.",
        validator=validators.positive,
    )
    connect_timeout_ms: int = setting(
        30_000,
        "Milliseconds a connection may take to be made before it fails with ETIMEDOUT.",
        validator=validators.positive,
    )
    allow_any_address: bool = setting(
        False,
        "Let pages listen on addresses other than loopback (the wildcard 0.0.0.0/:: included). "
        "Off: listen() without an address listens on 127.0.0.1.",
    )
    allow_private: list[str] = setting(
        [],
        "What tcp.connect and tls.connect may reach besides the public internet (loopback, "
        "link-local, private and shared ranges, the unspecified address, cloud metadata): "
        "'host[:port]' entries, each an IP address, a network (CIDR) or a host name "
        "('127.0.0.1:5432', '[::1]:8080', '10.0.0.0/8', 'db.lan:5432'). A metadata address "
        "needs an entry naming that address; the app's own server is never reached.",
        validator=PrivateNetworkPolicy.validate,
    )


@final
@record
class TlsSettings:
    """The ``[tls]`` keys of one host (``config.add_settings(TlsSettings, section="tls")``)."""

    handshake_timeout_ms: int = setting(
        10_000,
        "Milliseconds a TLS handshake may take (client or server side) before it fails with "
        "ETIMEDOUT.",
        validator=validators.positive,
    )
    pins: str = setting(
        "",
        "Certificate pins, Oro's line format: 'host[:port]|URL sha256/<base64>' per line, "
        "'#' or ';' comments. A pinned host must present a leaf whose SPKI SHA-256 is listed.",
        validator=_pin_lines,
    )
