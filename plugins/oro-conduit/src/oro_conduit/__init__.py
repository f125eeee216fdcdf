"""oro-conduit: the Conduit binary WebSocket channel between pages and the host.

Other plugins push to a page's ``Conduit`` from Python (declare ``oro-conduit`` as a dependency)::

    import oro_conduit

    delivered = await oro_conduit.send(host, "chat-1", {"event": "token"}, b"...")

``delivered`` is ``False`` when that client is not connected: the frame then travels as the host
event ``conduitmessage`` on the window's event stream, and the page's ``Conduit`` with that id
still receives it. Host events (``host.emit``) need nothing of this: they also travel over a
connected page's socket by themselves. ``host.stash[oro_conduit.STATE]`` is the host's
:class:`ConduitServer` (port, key, clients).

:mod:`oro_conduit.plugin` holds the hook implementations; :mod:`.settings` the ``[conduit]`` keys
and :class:`.ConduitSettings`; :mod:`.state` the stash key; :mod:`.routes` the
``internal.conduit.*`` routes; :mod:`.server` the server (the ``conduit`` service),
:mod:`.connection` its clients, :mod:`.dispatch` the IPC requests over it and :mod:`.codec` the
frames; ``js/`` the ES modules and their ``.d.ts``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oro_conduit.codec import Frame, FrameError, OptionValue, decode_frame, encode_frame
    from oro_conduit.server import FALLBACK_EVENT, ConduitServer
    from oro_conduit.state import STATE
    from oro_framework import Host

# The names below import on first use (PEP 562): every oro command imports this package to load
# the plugin's entry module (oro_conduit.plugin), which must not cost the server and the host.
_EXPORTS: dict[str, str] = {
    "FALLBACK_EVENT": "oro_conduit.server",
    "ConduitServer": "oro_conduit.server",
    "Frame": "oro_conduit.codec",
    "FrameError": "oro_conduit.codec",
    "OptionValue": "oro_conduit.codec",
    "decode_frame": "oro_conduit.codec",
    "encode_frame": "oro_conduit.codec",
    "STATE": "oro_conduit.state",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'oro_conduit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "FALLBACK_EVENT",
    "STATE",
    "ConduitServer",
    "Frame",
    "FrameError",
    "OptionValue",
    "decode_frame",
    "encode_frame",
    "send",
]


async def send(
    host: Host,
    client_id: str,
    options: Mapping[str, OptionValue],
    payload: bytes = b"",
    *,
    window: int | None = None,
) -> bool:
    """Send a frame to the page client ``client_id`` (the id of its ``Conduit``); ``window``
    is the page it belongs to, where the frame goes when the client is not connected (else
    the window it last connected from, else every window).

    :return: ``True`` if it went over the client's socket, ``False`` if it was emitted as the
        ``conduitmessage`` host event instead (client not connected).
    :raises NotSupportedError: oro-conduit is not loaded in ``host``.
    :raises FrameError: ``options`` cannot be framed (key over 255 bytes...).
    """
    from oro_conduit.state import STATE
    from oro_framework import NotSupportedError

    server = host.stash.get(STATE)
    if server is None:
        raise NotSupportedError("the oro-conduit plugin is not loaded in this host")
    return await server.send(client_id, options, payload, window=window)
