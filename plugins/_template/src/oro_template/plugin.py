"""The oro-template plugin: what it has, declared.

The host finds this module through the plugin's entry point and reads ``plugin``: each entry
names where a part lives, ``"module:attribute"`` (a leading ``.`` is this package), imported when
the host first needs it: the permission in ``permissions.py``, the settings in ``settings.py``,
the per-host state in ``state.py`` (``.state:STATE.run`` is this host's state's ``run``), the
route group in ``routes.py``, the page events the plugin sends, the ES modules in ``js/`` (named
by the ``@module``/``@alias`` headers of their ``.d.ts`` files).

Every ``oro`` command imports this module (``oro --help`` too), so it imports only what declares:
the parts load when a host is built. Behaviour the declaration cannot say (a wrapper around
routes, a permission check, a registration that depends on the config) is a hook implementation
beside it: ``@hookimpl def oro_route_call(...)`` (docs/plugin-hooks.md).
"""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    # The plugin API this plugin is written for (oro_framework.PLUGIN_API_VERSION when it
    # was written), as a number: a host that serves another refuses the plugin, naming both.
    api=1,
    permissions=[".permissions:PERMISSION"],
    settings={"template": ".settings:TemplateSettings"},
    # Made once the config is loaded, dropped when the host closes: close what it holds (files,
    # sockets, threads) in an ``oro_unconfigure`` entry of ``hooks``; this one holds only
    # settings and counters.
    state={".state:STATE": ".state:TemplateState.from_host"},
    routes=[".routes:ROUTES"],
    js_modules="js",
    # Every event name the plugin emits, from the constant it emits it by: window.send refuses
    # them, so no page makes another window's page believe this plugin said something.
    events=[".service:TICK_EVENT"],
    services=[
        PluginService(
            ".service:NAME",
            ".state:STATE.run",
            doc="Sends an event to every window now and then; stopped while the app is paused.",
            stop_on_pause=True,
        )
    ],
)
