"""``oro:tar``: tar archives for page JavaScript, read and written by Python's :mod:`tarfile`
in the host, inside a sandbox of the app's folders.

:mod:`.settings` holds the ``[tar]`` limits; :mod:`.errors` the typed errors; :mod:`.paths` the
sandbox and how a page's path becomes a real one; :mod:`.archive` one open archive (read from a
file or bytes, or written to a file or to memory); :mod:`.extract` the checked extraction;
:mod:`.state` each page's open archives; :mod:`.routes` the ``tar.*`` routes (Oro's names).
"""

from __future__ import annotations

__all__: list[str] = []
