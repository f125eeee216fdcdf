"""The ``[conduit]`` config keys, declared once as the fields of :class:`ConduitSettings`."""

from __future__ import annotations

import re
from typing import Final, final

from oro_framework import setting, setting_from, validators
from oro_framework.records import record

__all__ = ["ANY_ORIGIN", "LOOPBACK", "MIN_STRONG_KEY", "SOCKET_MIN_KEY", "ConduitSettings"]

_MIB: Final = 1024 * 1024
LOOPBACK: Final = "127.0.0.1"
"""The one address the Conduit listens on: no other machine reaches it."""
SOCKET_MIN_KEY: Final = 8
"""Socket uses a configured key of at least 8 characters and a random one otherwise
(conduit.cc, Conduit::Conduit); ``internal.conduit.setSharedKey`` refuses a shorter one
(routes.cc)."""
MIN_STRONG_KEY: Final = 16
"""Below this a key is used (as in Socket) with a warning at start: easier to guess."""
ANY_ORIGIN: Final = "*"
_ORIGIN: Final = re.compile(r"[a-z][a-z0-9+.\-]*://[^/?#\s@]+", re.ASCII)


def _origins(value: list[str]) -> None:
    for origin in value:
        if origin != ANY_ORIGIN and not _ORIGIN.fullmatch(origin):
            raise ValueError(
                f'{origin!r} is not an origin like http://localhost:5173 (or "*" for any)'
            )


@final
@record
class ConduitSettings:
    """The ``[conduit]`` keys of one host, and the host's request body cap
    (``config.add_settings(ConduitSettings, section="conduit")``)."""

    port: int = setting(
        0,
        "TCP port of the Conduit on 127.0.0.1; 0 picks a free one (Socket: "
        "SOCKET_RUNTIME_CONDUIT_PORT).",
        validator=validators.port,
        # Socket reads its fixed port from the environment only (conduit.cc, start()); Socket
        # apps also write it beside the key, in [application.conduit].
        env=("SOCKET_RUNTIME_CONDUIT_PORT",),
        oro_names=("application.conduit.port", "application.conduit_port"),
    )
    shared_key: str = setting(
        "",
        "Key every Conduit connection must present (?key=); empty: a random 256-bit key per "
        "launch. As in Socket a key under 8 characters is replaced by a random one; one under "
        f"{MIN_STRONG_KEY} is used, with a warning at start.",
        env=("ORO_CONDUIT_SHARED_KEY", "SOCKET_RUNTIME_CONDUIT_SHARED_KEY"),
        # Socket's application_conduit_shared_key (conduit.cc, Conduit::Conduit).
        oro_names=("application.conduit.shared_key", "application.conduit_shared_key"),
        repr=False,
    )
    allow_origins: list[str] = setting(
        [],
        "Origins besides the app's own pages a Conduit handshake may come from "
        '(http://localhost:5173); "*": any, as in Socket, which checks no Origin. Programs '
        "that send no Origin (a backend) need only the key.",
        validator=_origins,
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
