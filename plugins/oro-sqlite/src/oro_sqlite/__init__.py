"""oro-sqlite: Oro's ``oro:sqlite`` for oro-framework apps.

:mod:`oro_sqlite.plugin` holds the hook implementations the entry point names; :mod:`.settings`
the ``[sqlite]`` keys; :mod:`.paths` where a page's database may live; :mod:`.sql` splits SQL
text into statements; :mod:`.values` turns page values into SQLite values and back;
:mod:`.database` is one open connection and its prepared statements (used from one worker
thread at a time); :mod:`.state` every page's databases and the service that closes them;
:mod:`.routes` the ``sqlite.*`` routes; ``js/`` the ES module ``oro:sqlite``.
"""

from __future__ import annotations

__all__: list[str] = []
