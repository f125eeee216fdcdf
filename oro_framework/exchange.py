"""Public: the wire form of IPC, for plugins that carry requests over a transport of their own
(oro-conduit's frames) and must build, cap and answer them exactly as the HTTP bridge does.

The implementation lives in the host (:mod:`oro_framework.host.exchange`); this module is the
part of it plugins may rely on.
"""

from oro_framework.host.exchange import *  # noqa: F403
from oro_framework.host.exchange import __all__ as __all__
