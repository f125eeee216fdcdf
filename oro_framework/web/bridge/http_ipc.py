"""The HTTP IPC bridge's own server (``http.ipc.port``, Oro's ``[http.ipc]``): other processes
holding ``http.ipc.shared_key`` call ``<http.ipc.path>/<route>``, or ``<http.ipc.path>`` with
``X-IPC-URI``, as they call ``/ipc`` on the app's port; nothing else is served there.

The same gatekeeping as the app's port (Host, Origin, ``Sec-Fetch-Site``, the key), by a
gatekeeper of its own that never issues a session: only the key lets a request in. With
``http.ipc.allow_cors`` pages of any origin may call, still with the key.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.bridge_settings import LOOPBACK_NAMES, HttpIpcSettings
from oro_framework.host.errors import NotFoundError, SecurityError
from oro_framework.host.exchange import IPC_PREFIX, parse_query
from oro_framework.web.asgi import HeaderList, Receive, Scope, Send, read_headers
from oro_framework.web.bridge import ipc
from oro_framework.web.bridge.answers import preflight, refuse, refuse_page
from oro_framework.web.bridge.call import Call
from oro_framework.web.bridge.mounts import server_port
from oro_framework.web.security import (
    BRIDGE_KEY_HEADER,
    Admitted,
    CorsAnswers,
    CorsPreflight,
    Gatekeeper,
    RefusalReason,
    Refused,
)

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["HttpIpcServer"]

_CORS: Final = CorsAnswers(
    allow_credentials=False,
    allow_headers="content-type, x-ipc-uri, x-ipc-window-index, x-oro-auth, x-oro-stream-credit",
)
"""``http.ipc.allow_cors``: ``*`` to every origin, never with cookies (none count here)."""
_NO_KEY: Final = "The HTTP IPC bridge answers requests with X-ORO-Auth: <http.ipc.shared_key> only"


def _host_name(host: str) -> str:
    """``host`` as the ``Host`` header writes it: an IPv6 address in brackets."""
    return f"[{host.lower()}]" if ":" in host else host.lower()


@final
class HttpIpcServer:
    """The ASGI application of the bridge's own server; ``bridge`` answers what it admits.

    :param bridge: the app's bridge, whose router, limits and windows the calls reach.
    :param settings: ``[http.ipc]``, enabled, with a port.
    """

    def __init__(self, bridge: Bridge, settings: HttpIpcSettings) -> None:
        self.bridge = bridge
        self.path = settings.path
        self.gatekeeper = Gatekeeper(
            # Never redeemed: no launch URL reaches this server, so it issues no session.
            launch_token=secrets.token_urlsafe(32),
            bridge_key=settings.shared_key,
            cors_allow_all=settings.allow_cors,
            host_names=dict.fromkeys((*LOOPBACK_NAMES, _host_name(settings.host))),
            cors_hint="set http.ipc.allow_cors to let pages of other origins call it with the key",
        )
        self.allow_cors = settings.allow_cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()
            # Closing before accepting makes the server answer the handshake with 403.
            await send({"type": "websocket.close", "code": 1008})
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = read_headers(scope)
        path: str = scope["path"]
        under = path == self.path or path.startswith(self.path + "/")
        # The route part is read as /ipc's is, by the same code.
        ipc_scope = {**scope, "path": IPC_PREFIX + path[len(self.path) :]} if under else scope
        base: HeaderList = [(b"x-content-type-options", b"nosniff")]
        origin = headers.get("origin")
        admission = self.gatekeeper.admit(
            headers, port=server_port(scope), method=scope["method"], is_ipc=True
        )
        foreign = isinstance(admission, Refused) and admission.reason is RefusalReason.FOREIGN
        if self.allow_cors and origin is not None and not foreign:
            # A page of any origin may read the answer, a refusal for want of the key included.
            base += _CORS.grant(origin)
        query = parse_query(scope.get("query_string", b""))
        if isinstance(admission, CorsPreflight):
            await preflight(send, base, _CORS)
        elif isinstance(admission, Refused):
            if admission.reason is RefusalReason.NO_CREDENTIAL and BRIDGE_KEY_HEADER not in headers:
                admission = Refused(SecurityError(_NO_KEY), admission.reason)
            await refuse(ipc_scope, send, headers, query, admission, base, is_ipc=under)
        elif not under:
            missing = NotFoundError(f"Not found: the HTTP IPC bridge serves {self.path} alone")
            await refuse_page(send, missing, base)
        elif isinstance(admission, Admitted):
            call = Call(
                self.bridge, ipc_scope, receive, send, headers, query, base, IPC_PREFIX, None
            )
            await ipc.serve(call)
