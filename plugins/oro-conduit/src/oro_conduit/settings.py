"""The ``[conduit]`` config keys and the settings the server reads from them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Final, final

from oro_framework import Config, ConfigRegistry

__all__ = ["MIN_KEY_LENGTH", "ConduitSettings", "check_shared_key", "declare_config", "new_key"]

MIN_KEY_LENGTH: Final = 16
_MIB: Final = 1024 * 1024


def new_key() -> str:
    """A per-launch key: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def check_shared_key(value: Any) -> None:
    """A configured key is empty (a random one per launch) or at least 16 characters.

    :raises ValueError: a shorter key.
    """
    if isinstance(value, str) and value and len(value) < MIN_KEY_LENGTH:
        raise ValueError(f"must be empty or at least {MIN_KEY_LENGTH} characters")


def _positive(value: Any) -> None:
    if isinstance(value, int) and value <= 0:
        raise ValueError("must be positive")


def _port(value: Any) -> None:
    if isinstance(value, int) and not 0 <= value <= 65_535:
        raise ValueError("must be 0 (any free port) or 1 to 65535")


def declare_config(config: ConfigRegistry) -> None:
    config.add(
        "conduit.port",
        int,
        0,
        "TCP port of the Conduit on 127.0.0.1; 0 picks a free one.",
        validator=_port,
    )
    config.add(
        "conduit.shared_key",
        str,
        "",
        "Key every Conduit connection must present (?key=); empty: a random 256-bit key per "
        "launch. At least 16 characters.",
        validator=check_shared_key,
        env=("ORO_CONDUIT_SHARED_KEY",),
    )
    config.add(
        "conduit.max_message_bytes",
        int,
        64 * _MIB,
        "Largest WebSocket message a client may send; larger closes it with 1009.",
        validator=_positive,
    )
    config.add(
        "conduit.max_queued_bytes",
        int,
        8 * _MIB,
        "Bytes waiting to be sent to one client before senders to it wait (backpressure).",
        validator=_positive,
    )
    config.add(
        "conduit.max_frames_per_second",
        int,
        50_000,
        "Frames a client may send per second; beyond it the server reads from it more slowly.",
        validator=_positive,
    )
    config.add(
        "conduit.max_pending_requests",
        int,
        256,
        "IPC requests one client may have in progress; beyond it the server stops reading.",
        validator=_positive,
    )
    config.add(
        "conduit.max_clients",
        int,
        1024,
        "Connected clients at most; more are refused with HTTP 503.",
        validator=_positive,
    )


@final
@dataclass(frozen=True)
class ConduitSettings:
    port: int = 0
    shared_key: str = ""
    max_message_bytes: int = 64 * _MIB
    max_queued_bytes: int = 8 * _MIB
    max_frames_per_second: int = 50_000
    max_pending_requests: int = 256
    max_clients: int = 1024
    max_body_bytes: int = 64 * _MIB

    @classmethod
    def from_config(cls, config: Config) -> ConduitSettings:
        return cls(
            port=config["conduit.port"],
            shared_key=config["conduit.shared_key"],
            max_message_bytes=config["conduit.max_message_bytes"],
            max_queued_bytes=config["conduit.max_queued_bytes"],
            max_frames_per_second=config["conduit.max_frames_per_second"],
            max_pending_requests=config["conduit.max_pending_requests"],
            max_clients=config["conduit.max_clients"],
            max_body_bytes=config["ipc.max_body_bytes"],
        )
