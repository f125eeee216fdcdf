"""The oro-fs plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`); its JS modules (one of which every page loads, depending on
the config) as a hook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from oro_framework import Plugin, PluginService, hookimpl

if TYPE_CHECKING:
    from oro_framework import Host, JSModuleTable

JS_DIRECTORY: Final = Path(__file__).parent / "js"

plugin = Plugin(
    api=1,
    permissions=".permissions:FILESYSTEM",
    settings={"filesystem": ".settings:FsSettings"},
    state={".state:STATE": ".state:FsState.from_host"},
    routes=".routes:ROUTES",
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


@hookimpl
def oro_register_js_modules(modules: JSModuleTable, host: Host) -> None:
    # Oro's own subpaths (oro:fs/dir...) live in js/fs/: each file's URL (/oro/fs/<sub>.js) is
    # also where oro:fs's relative imports look, so the internals live in js/fs/internal/.
    from oro_fs.settings import FsSettings

    # With Oro's page globals on, oro:fs/web in every page: its File System Access classes are
    # the page's where the engine has none (WebKitGTK), as in Oro's pages.
    preload = ("oro:fs/web",) if host.settings(FsSettings).oro_globals else ()
    modules.add_directory(JS_DIRECTORY, preload=preload)
