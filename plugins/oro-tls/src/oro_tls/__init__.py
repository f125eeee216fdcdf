"""oro-tls: Node's ``net`` and ``tls`` for page JavaScript (``oro:net``, ``oro:tls``).

:mod:`oro_tls.plugin` holds the hook implementations; :mod:`.settings` the ``[tcp]`` and ``[tls]``
keys; :mod:`.state` the stash key; :mod:`.routes` the ``tcp.*`` and ``tls.*`` route tables, their
handlers in the ``routes_*`` modules; :mod:`.service` a host's sockets and servers;
:mod:`.connections` one connection (reading with credit, ordered writes); :mod:`.servers` one
listening server; :mod:`.pins` Oro's certificate pins; :mod:`.contexts` the ``ssl`` contexts made
from a page's options; :mod:`.verification` certificate failures in Oro's codes; :mod:`.errors`
Node's errors; ``js/`` the ES modules and their ``.d.ts``. See docs/tls.md.
"""
