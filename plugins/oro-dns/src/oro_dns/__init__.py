"""oro-dns: an oro-framework plugin.

:mod:`oro_dns.plugin` holds the hook implementations, which the
entry point names; :mod:`.settings` declares the config keys and reads them into typed settings;
:mod:`.state` is what the plugin keeps per host; :mod:`.routes` is the route table and its
handlers; :mod:`.service` is the plugin's service; ``js/`` holds the ES module pages import and
its type declarations.
"""

from __future__ import annotations

__all__: list[str] = []
