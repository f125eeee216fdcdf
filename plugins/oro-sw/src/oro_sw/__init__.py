"""oro-sw: Service Workers for oro-framework apps.

The engine (Chromium, QtWebEngine) owns the workers; this plugin adds Oro's API around them.
:mod:`oro_sw.plugin` holds the hook implementations; :mod:`.settings` the ``webview`` keys
(``service-workers``, ``auto_register_service_workers``); :mod:`.urls` the pure checks of script
URLs and scopes; :mod:`.store` the host's record of registrations and their storage, persisted in
the app's data directory; :mod:`.routes` the ``serviceWorker.*`` routes; ``js/`` the page module
``oro:service-worker``, the SW-side helpers (``/oro/service-worker/worker.js``) and the preload
that registers the configured workers.
"""

from __future__ import annotations

__all__: list[str] = []
