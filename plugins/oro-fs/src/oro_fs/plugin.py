"""The oro-fs plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin, PluginService

plugin = Plugin(
    api=1,
    permissions=".permissions:FILESYSTEM",
    settings={"filesystem": ".settings:FsSettings"},
    state={".state:STATE": ".state:FsState.from_host"},
    routes=".routes:ROUTES",
    # Oro's own subpaths (oro:fs/dir...) live in js/fs/: each file's URL (/oro/fs/<sub>.js) is
    # also where oro:fs's relative imports look, so the internals live in js/fs/internal/.
    js_modules="js",
    events=".watch:EVENT_NAME",
    services=PluginService(
        "fs.watchers",
        ".state:STATE.run",
        doc="Runs the fs.watch watchers; stopped while the app is paused.",
        stop_on_pause=True,
    ),
    hooks={
        # Closing a watcher's descriptor stops the watcher too.
        "oro_page_closed": ".state:STATE.descriptors.close_window",
        "oro_diagnostics": ".state:STATE.diagnostics",
        "oro_unconfigure": ".state:STATE.close",
    },
)
