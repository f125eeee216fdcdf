"""oro-fs: Node's ``fs`` for oro-framework pages, confined to the app's sandbox roots.

:mod:`oro_fs.plugin` holds the hook implementations (the entry point names it);
:mod:`.settings` declares the ``[filesystem]`` keys and reads them into :class:`.FsSettings`;
:mod:`.state` is the per-host :class:`.FsState` (``host.stash[STATE]``); :mod:`.routes` is the
``fs.*`` route table, its handlers are in the ``routes_*`` modules, :mod:`.ops` does their
blocking work; :mod:`.sandbox` resolves and checks paths, :mod:`.descriptors` keeps per-window
open files and directories, :mod:`.watch` runs the watchers (the ``fs.watchers`` service);
``js/`` holds the ES modules and their ``.d.ts``.
"""

from __future__ import annotations

__all__: list[str] = []
