"""One admitted HTTP request on its way to a path family: what every family reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, NamedTuple, final

from oro_framework.host.mounts import Mount
from oro_framework.web.asgi import ZERO_COPY_SEND, HeaderList, Receive, Scope, Send

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["TEXT", "Call"]

TEXT: Final = "text/plain; charset=utf-8"


@final
class Call(NamedTuple):
    """An HTTP request the gatekeeper admitted, parsed once.

    :ivar base: the headers every answer to it carries (``nosniff``, referrer policy, CORS).
    :ivar reserved: the host's prefix the path lies under (``/ipc``, ``/oro``), if any.
    :ivar mount: the plugin's mounted app whose prefix the path lies under, if any.
    :ivar worker_script: admitted without a session as a Service Worker script fetch
        (:attr:`~oro_framework.web.security.Access.WORKER_SCRIPT`): only a JavaScript file may
        be served to it, anything else is answered as missing.
    """

    bridge: Bridge
    scope: Scope
    receive: Receive
    send: Send
    headers: Mapping[str, str]
    query: list[tuple[str, str]]
    base: HeaderList
    reserved: str | None
    mount: Mount | None
    worker_script: bool = False

    @property
    def path(self) -> str:
        path: str = self.scope["path"]
        return path

    @property
    def method(self) -> str:
        method: str = self.scope["method"]
        return method

    @property
    def zero_copy(self) -> bool:
        """The server sends a file straight to the socket (ASGI's ``zerocopysend``)."""
        return ZERO_COPY_SEND in self.scope.get("extensions", {})
