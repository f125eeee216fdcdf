"""oro-udp: Node's ``dgram`` for page JavaScript (``oro:dgram``, ``node:dgram``).

:mod:`oro_udp.plugin` holds the hook implementations; :mod:`.settings` the ``[udp]`` keys;
:mod:`.state` the stash key; :mod:`.routes` the ``udp.*`` routes; :mod:`.service` the sockets of
a host and the service that moves their datagrams; :mod:`.sockets` one socket; :mod:`.sockopts`
the platform's socket options; :mod:`.addresses` types, ports and addresses; :mod:`.errors`
Node's errors; ``js/`` the ES module and its ``.d.ts``. See docs/udp.md.
"""
