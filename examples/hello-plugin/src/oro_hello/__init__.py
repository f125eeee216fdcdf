"""oro-hello: a sample third-party plugin for oro-framework.

:mod:`oro_hello.plugin` holds the hook implementations (the ``oro`` entry point names it);
:mod:`.settings` declares the ``[hello]`` keys and reads them into :class:`.HelloSettings`;
:mod:`.state` is the per-host :class:`.HelloState`; :mod:`.routes` is the route table and its
handlers; :mod:`.service` is the heartbeat service; ``js/`` holds ``oro:hello`` and its ``.d.ts``.
"""

from __future__ import annotations

__all__: list[str] = []
