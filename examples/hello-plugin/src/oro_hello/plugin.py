"""The oro-hello plugin: what it has, declared.

The host finds this module through the entry point ``hello = "oro_hello.plugin"`` and reads
``plugin``. Each entry names where a part lives, ``"module:attribute"`` (a leading ``.`` is this
package), and is imported when a host first needs it: the permission in ``permissions.py``, the
settings in ``settings.py``, the per-host state in ``state.py``, the route group in
``routes.py``, the service and the event it sends in ``service.py``, the ES modules in ``js/``
(named by the ``@module`` headers of their ``.d.ts``).

Every ``oro`` command imports this module (``oro --help`` too): it imports only what declares.
"""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    # The plugin API this plugin is written for (oro_framework.PLUGIN_API_VERSION when it
    # was written), as a number: a host that serves another refuses the plugin, naming both.
    api=1,
    permissions=".permissions:HELLO",
    settings={"hello": ".settings:HelloSettings"},
    # Made once the config is loaded; dropped when the host closes, after every service and
    # stream has stopped (it holds only counters: nothing to close).
    state={".state:STATE": ".state:HelloState.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    # Only this plugin sends it: no page may send it to another window's page (window.send).
    events=".service:HEARTBEAT_EVENT",
    services=PluginService(
        ".service:NAME",
        ".state:STATE.run",
        doc="Sends the hello.heartbeat event to every window.",
        stop_on_pause=True,
    ),
    hooks={"oro_diagnostics": ".state:STATE.diagnostics"},
)
