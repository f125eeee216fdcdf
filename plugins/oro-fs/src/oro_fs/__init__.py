"""oro-fs: Node's ``fs`` for oro-framework pages, confined to the app's sandbox roots.

:mod:`oro_fs.plugin` holds the hook implementations (the entry point names it); :mod:`.sandbox`
resolves and checks paths, :mod:`.routes` answers the ``fs.*`` routes, :mod:`.descriptors` keeps
per-window open files and directories, :mod:`.watch` runs watchers; ``js/`` holds the ES modules.
"""

from __future__ import annotations

__all__: list[str] = []
