"""The bridge: the ASGI application serving one app on its loopback origin.

The :class:`~oro_framework.web.security.Gatekeeper` decides about every request first (Host,
Origin, ``Sec-Fetch-Site``, then the launch token, the session cookie, the HTTP IPC bridge key
or a mount's own credential) and the bridge acts on its :data:`~.security.Admission`. An admitted
request then goes to the first path family of :data:`~.app.PATH_FAMILIES` that claims it, one
module each:

=========================  ===================================================================
``/ipc/<route>``, ``/ipc``  :mod:`.ipc`: IPC through the host's router (``X-IPC-URI`` names the
                            route for ``/ipc``); JSON envelope, raw bytes, SSE or a chunked body
``/oro/events``             :mod:`.events`: server-sent events from ``host.events``
``/oro/protocol/...``       :mod:`.protocol`: protocol-handler URLs no worker took
``/oro/...``                :mod:`.modules`: the registered JS modules and the files beside them
mount prefixes              :mod:`.mounts`: the ASGI apps plugins mounted (HTTP and WebSocket)
anything else               :mod:`.pages`: the app's resources, HTML with the preload injected
=========================  ===================================================================

Streams are written item by item as the handler produces them; ``send`` waits for the socket,
so a slow client slows the handler down instead of filling memory. A client that goes away
cancels the request (``request.cancel()``) and closes the handler's stream. What an IPC request
and its reply look like on the wire comes from :mod:`oro_framework.host.exchange`, as for the
Conduit.
"""

from oro_framework.web.bridge.app import PATH_FAMILIES, Bridge, PathFamily, PreloadArgs

__all__ = ["PATH_FAMILIES", "Bridge", "PathFamily", "PreloadArgs"]
