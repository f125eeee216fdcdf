"""The ``[tcp]`` and ``[tls]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, final

from oro_framework import Config, ConfigRegistry, IPCError
from oro_framework.kernel.config import load_settings, positive
from oro_tls.pins import PinSet

__all__ = ["TcpSettings", "TlsSettings", "declare"]

TCP: Final = "tcp"
TLS: Final = "tls"


def _pin_lines(value: Any) -> None:
    """Refuse ``[tls] pins`` that do not parse, naming the line (at config load, not at the
    first connection)."""
    try:
        PinSet.parse(value)
    except IPCError as error:
        raise ValueError(error.message) from None


def declare(config: ConfigRegistry) -> None:
    """Declare every ``tcp.*`` and ``tls.*`` key (``oro config list --describe`` shows them)."""
    config.add(
        "tcp.max_sockets_per_page",
        int,
        256,
        "TCP and TLS sockets, servers and accepted connections one page may have open at "
        "once; one more answers EMFILE.",
        validator=positive,
    )
    config.add(
        "tcp.read_window_bytes",
        int,
        1024 * 1024,
        "Bytes of a socket sent to its page and not yet acknowledged; the host stops reading "
        "the socket beyond them, so a slow page makes the peer wait instead of the host buffer.",
        validator=positive,
    )
    config.add(
        "tcp.connect_timeout_ms",
        int,
        30_000,
        "Milliseconds a connection may take to be made before it fails with ETIMEDOUT.",
        validator=positive,
    )
    config.add(
        "tcp.allow_any_address",
        bool,
        False,
        "Let pages listen on addresses other than loopback (the wildcard 0.0.0.0/:: included). "
        "Off: listen() without an address listens on 127.0.0.1.",
    )
    config.add(
        "tls.handshake_timeout_ms",
        int,
        10_000,
        "Milliseconds a TLS handshake may take (client or server side) before it fails with "
        "ETIMEDOUT.",
        validator=positive,
    )
    config.add(
        "tls.pins",
        str,
        "",
        "Certificate pins, Oro's line format: 'host[:port]|URL sha256/<base64>' per line, "
        "'#' or ';' comments. A pinned host must present a leaf whose SPKI SHA-256 is listed.",
        validator=_pin_lines,
    )


@final
@dataclass(frozen=True)
class TcpSettings:
    """The ``tcp.*`` values of one host: one field per key, named after it."""

    max_sockets_per_page: int
    read_window_bytes: int
    connect_timeout_ms: int
    allow_any_address: bool

    @classmethod
    def from_config(cls, config: Config) -> TcpSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, TCP)


@final
@dataclass(frozen=True)
class TlsSettings:
    """The ``tls.*`` values of one host."""

    handshake_timeout_ms: int
    pins: str

    @classmethod
    def from_config(cls, config: Config) -> TlsSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, TLS)
