"""oro-process: Node's ``child_process`` for oro-framework apps.

Pages run the programs ``[process] allow`` names (:mod:`.policy`), each in a process group of its
own that dies with the host (:mod:`.children`) and belongs to the window whose page spawned it
(:mod:`.state`, which also holds the service that owns every child). :mod:`.routes` is the
``child_process.*`` route group, :mod:`.plugin` the hook implementations, ``js/`` the
``oro:child_process`` module (``node:child_process``).
"""

from __future__ import annotations

__all__: list[str] = []
