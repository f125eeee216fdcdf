"""oro-zlib: zlib for page JavaScript, done by Python's :mod:`zlib` in the host.

:mod:`oro_zlib.plugin` holds the hook implementations; :mod:`.settings` the ``[zlib]`` limits;
:mod:`.codec` the compression itself (pure, synchronous); :mod:`.errors` Node's error shapes;
:mod:`.streams` each page's open streams (:mod:`.state` keeps them per host); :mod:`.routes` the
``zlib.*`` routes; ``js/`` the modules ``oro:zlib`` (Oro's API) and ``oro:zlib/node``
(``node:zlib``, Node's API), and ``oro:tar`` (:mod:`oro_zlib.tar`: tar archives read, written
and extracted by Python's :mod:`tarfile` in the sandbox of the app's folders).
"""

from __future__ import annotations

__all__: list[str] = []
