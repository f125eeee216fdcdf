"""The oro-zlib plugin (``oro:zlib``, ``node:zlib`` and ``oro:tar``), declared: each part is
imported when a host first needs it (:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin

plugin = Plugin(
    api=1,
    permissions=(".permissions:ZLIB", ".permissions:TAR"),
    settings={"zlib": ".settings:ZlibSettings", "tar": ".tar.settings:TarSettings"},
    state={
        ".state:STATE": ".state:ZlibState.from_host",
        ".tar.state:STATE": ".tar.state:TarState.from_host",
    },
    routes=(".routes:ROUTES", ".tar.routes:ROUTES"),
    js_modules="js",
    hooks={
        "oro_page_closed": (".state:STATE.close_window", ".tar.state:STATE.close_window"),
        "oro_diagnostics": ".state:STATE.diagnostics",
        "oro_unconfigure": (".state:STATE.close_all", ".tar.state:STATE.close_all"),
    },
)
