"""The ``[conduit]`` config keys and the typed settings the server reads from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, final

from oro_framework import Config, ConfigRegistry
from oro_framework.kernel.config import load_settings, port, positive, secret

__all__ = ["PERMISSION", "ConduitSettings", "declare"]

SECTION: Final = "conduit"
PERMISSION: Final = "conduit"
"""The permission every ``internal.conduit.*`` route declares."""
_MIB: Final = 1024 * 1024


def declare(config: ConfigRegistry) -> None:
    """Declare every ``conduit.*`` key (they appear in ``oro config list --describe``)."""
    config.add(
        "conduit.port",
        int,
        0,
        "TCP port of the Conduit on 127.0.0.1; 0 picks a free one.",
        validator=port,
    )
    config.add(
        "conduit.shared_key",
        str,
        "",
        "Key every Conduit connection must present (?key=); empty: a random 256-bit key per "
        "launch. At least 16 characters.",
        validator=secret,
        env=("ORO_CONDUIT_SHARED_KEY",),
    )
    config.add(
        "conduit.max_message_bytes",
        int,
        64 * _MIB,
        "Largest WebSocket message a client may send; larger closes it with 1009.",
        validator=positive,
    )
    config.add(
        "conduit.max_queued_bytes",
        int,
        8 * _MIB,
        "Bytes waiting to be sent to one client before senders to it wait (backpressure).",
        validator=positive,
    )
    config.add(
        "conduit.max_frames_per_second",
        int,
        50_000,
        "Frames a client may send per second; beyond it the server reads from it more slowly.",
        validator=positive,
    )
    config.add(
        "conduit.max_pending_requests",
        int,
        256,
        "IPC requests one client may have in progress; beyond it the server stops reading.",
        validator=positive,
    )
    config.add(
        "conduit.max_clients",
        int,
        1024,
        "Connected clients at most; more are refused with HTTP 503.",
        validator=positive,
    )


@final
@dataclass(frozen=True)
class ConduitSettings:
    """The ``conduit.*`` values of one host, and the host's request body cap."""

    port: int
    shared_key: str
    max_message_bytes: int
    max_queued_bytes: int
    max_frames_per_second: int
    max_pending_requests: int
    max_clients: int
    max_body_bytes: int = field(metadata={"key": "ipc.max_body_bytes"})

    @classmethod
    def from_config(cls, config: Config) -> ConduitSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, SECTION)
