"""The settings of who may call the bridge from outside the app's pages: the HTTP IPC bridge
(``[http.ipc]``, other processes holding a shared key) and the CORS grants of other origins
(``webview.cors_*``, Oro's ``webview_cors_*``).

Apart from :mod:`~oro_framework.host.builtin_settings`, which declares the rest of the host's
keys, to keep both modules short; the host's own plugin registers them.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final, final

from oro_framework.host.config import MIN_SECRET_LENGTH, secret
from oro_framework.host.config.settings import setting
from oro_framework.host.config.validators import port
from oro_framework.records import record

__all__ = [
    "DEFAULT_IPC_PATH",
    "LOOPBACK_NAMES",
    "HttpIpcSettings",
    "WebviewCorsSettings",
    "is_loopback",
]

DEFAULT_IPC_PATH: Final = "/ipc"
LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost")
"""The names a loopback server answers to in the ``Host`` header."""

# RFC 9110's token: what a header name or a method may be made of.
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_IPC_PATH: Final = re.compile(r"(/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)+")


def _bridge_host(value: str) -> None:
    # A wildcard address would take any Host header, which the DNS-rebinding check cannot name:
    # the bridge listens on one address, whose name the Host header must carry.
    if value == "localhost":
        return
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"must be an IP address or 'localhost', got {value!r}") from None
    if address.is_unspecified:
        raise ValueError(
            f"must name one address, not the wildcard {value!r}: 127.0.0.1 for this machine "
            "alone, else the address of the one network interface to listen on"
        )


def _ipc_path(value: str) -> None:
    if not _IPC_PATH.fullmatch(value):
        raise ValueError(
            f"must be a URL path such as '/ipc' (letters, digits, '.', '_', '~', '-'), "
            f"got {value!r}"
        )


def _token_list(value: str) -> None:
    items = [item.strip() for item in value.split(",")]
    if value.strip() and not all(_TOKEN.fullmatch(item) for item in items):
        raise ValueError(
            f"must be names separated by commas, such as 'X-Custom, X-Other', got {value!r}"
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a valid ``http.ipc.host``) is reachable from this machine alone."""
    return host == "localhost" or ipaddress.ip_address(host).is_loopback


@final
@record
class HttpIpcSettings:
    """The HTTP IPC bridge (``[http.ipc]``): other processes calling routes with a shared key,
    on the app's port under ``/ipc``, and on a server of its own once ``port`` is set. Checked
    by the host when it starts, used by the bridge."""

    enable: bool = setting(
        False,
        "Let other processes call IPC routes over HTTP with the header X-ORO-Auth: <shared_key>.",
    )
    shared_key: str = setting(
        "",
        f"Key of the HTTP IPC bridge; at least {MIN_SECRET_LENGTH} characters when "
        "http.ipc.enable is true.",
        validator=secret,
        repr=False,
    )
    host: str = setting(
        "127.0.0.1",
        "Address of the bridge's own server (http.ipc.port): an IP address or localhost; a "
        "non-loopback address is served with a warning, a wildcard (0.0.0.0) refused.",
        validator=_bridge_host,
    )
    port: int = setting(
        0,
        "Port of the bridge's own server, which serves http.ipc.path alone; 0: none, the "
        "bridge answers on the app's port under /ipc only.",
        validator=port,
    )
    path: str = setting(
        DEFAULT_IPC_PATH,
        "URL path of the bridge on its own server (http.ipc.port): <path>/<route>, or <path> "
        "with X-IPC-URI.",
        validator=_ipc_path,
    )
    allow_cors: bool = setting(
        False,
        "Let pages of any origin call the bridge's own server (Access-Control-Allow-Origin: *, "
        "without cookies): the shared key is still required.",
    )


@final
@record
class WebviewCorsSettings:
    """What the app answers another origin's pages (``webview.cors_*`` beside
    ``webview.cors_allowed_origins``); read by the bridge."""

    cors_allow_all: bool = setting(
        False,
        "Let pages of any origin call the app (Access-Control-Allow-Origin: *): such a request "
        "must carry a credential of its own (the bridge key, a mounted app's API key), the "
        "session cookie never counts for it.",
    )
    cors_allow_credentials: bool = setting(
        True,
        "Send Access-Control-Allow-Credentials: true to webview.cors_allowed_origins, whose "
        "pages then call with the app's session (never with cors_allow_all's *).",
    )
    cors_allow_methods: str = setting(
        "GET, POST, PUT, DELETE",
        "Access-Control-Allow-Methods of the app's answers to CORS preflights.",
        validator=_token_list,
    )
    cors_allow_headers: str = setting(
        "",
        "Request headers, separated by commas, a CORS preflight allows besides those oro's "
        "pages send (Content-Type, X-IPC-URI, X-Oro-Window, X-ORO-Auth...).",
        validator=_token_list,
    )
