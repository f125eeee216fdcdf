"""The ``[conduit]`` config keys, declared once as the fields of :class:`ConduitSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_framework import setting, setting_from, validators

__all__ = ["PERMISSION", "ConduitSettings"]

PERMISSION: Final = "conduit"
"""The permission of :data:`oro_conduit.routes.ROUTES`, which the server also checks before
handing reply bodies to ``fetch``."""
_MIB: Final = 1024 * 1024


@final
@dataclass(frozen=True)
class ConduitSettings:
    """The ``[conduit]`` keys of one host, and the host's request body cap
    (``config.add_settings(ConduitSettings, section="conduit")``)."""

    port: int = setting(
        0,
        "TCP port of the Conduit on 127.0.0.1; 0 picks a free one.",
        validator=validators.port,
    )
    shared_key: str = setting(
        "",
        "Key every Conduit connection must present (?key=); empty: a random 256-bit key per "
        "launch. At least 16 characters.",
        validator=validators.secret,
        env=("ORO_CONDUIT_SHARED_KEY",),
        repr=False,
    )
    max_message_bytes: int = setting(
        64 * _MIB,
        "Largest WebSocket message a client may send; larger closes it with 1009.",
        validator=validators.positive,
    )
    max_queued_bytes: int = setting(
        8 * _MIB,
        "Bytes waiting to be sent to one client before senders to it wait (backpressure).",
        validator=validators.positive,
    )
    max_frames_per_second: int = setting(
        50_000,
        "Frames a client may send per second; beyond it the server reads from it more slowly.",
        validator=validators.positive,
    )
    max_pending_requests: int = setting(
        256,
        "IPC requests one client may have in progress; beyond it the server stops reading.",
        validator=validators.positive,
    )
    max_clients: int = setting(
        1024,
        "Connected clients at most; more are refused with HTTP 503.",
        validator=validators.positive,
    )
    max_body_bytes: int = setting_from("ipc.max_body_bytes")
