"""``/oro/<x>.js`` of a known module whose plugin this host lacks (``oro:ai`` without oro-ai):
a module that throws, naming the module and the distribution to install, and one line in the
terminal. Without it the page's module graph fails on an unresolved specifier, and the only
line anywhere is the browser's ``Failed to load script .../main.js``."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path
from typing import Final, final
from urllib.parse import urlsplit

import anyio

from oro_framework.host.plugin_modules import (
    absent_modules,
    missing_module_source,
    missing_plugin_message,
)
from oro_framework.web.bridge.call import Call
from oro_framework.web.file_responses import send_bytes

__all__ = ["MissingModules"]

logger = logging.getLogger("oro_framework.bridge")

_MAX_SHOWN_PAGE: Final = 200
"""Characters of the importing page's path the terminal line shows: the ``Referer`` is the
page's to choose."""
_MAX_SHOWN_SITES: Final = 3
"""Files that import the module the terminal line names, at most."""


@final
class MissingModules:
    """The known modules this host does not serve, by their URL path.

    :param served: the specifiers the host serves.
    :param resources: the app's files (``webview.root``), read for the names the pages import
        from a missing module, which its stand-in exports so that their module graph links.
    """

    def __init__(self, served: Collection[str], resources: Path) -> None:
        self.imports = absent_modules(served)
        """Import map entries: each missing module's specifier → its URL path."""
        # By URL, the oro: name of each (node:fs is /oro/fs.js, oro:fs's URL).
        self._absent = {
            url: specifier
            for specifier, url in sorted(
                self.imports.items(), key=lambda item: item[0].startswith("oro:")
            )
        }
        self._resources = resources
        self._warned: set[str] = set()

    def _source(self, url: str) -> tuple[bytes, list[str]]:
        """The stand-in module at ``url``, and where the app's files import it
        (``main.js:1``). Blocking: it reads the app's page files."""
        # Imported here: its HTML parser is no part of a launch that lacks no plugin.
        from oro_framework.web.page_imports import folder_imports

        names = {"default"}
        sites = []
        for path, found in folder_imports(self._resources):
            if self.imports.get(found.specifier) == url:
                names.update(found.names)
                sites.append(f"{path.relative_to(self._resources).as_posix()}:{found.line}")
        return missing_module_source(self._absent[url], names).encode(), sites

    async def serve(self, call: Call) -> bool:
        """Answer ``call`` when it asks for a missing module; ``False`` when it does not."""
        specifier = self._absent.get(call.path)
        if specifier is None:
            return False
        body, sites = await anyio.to_thread.run_sync(self._source, call.path)
        if specifier not in self._warned:
            self._warned.add(specifier)  # bounded: one per known module
            # The Referer is the page's (and absent by default, webview.referrer_policy).
            page = urlsplit(call.headers.get("referer", "")).path[:_MAX_SHOWN_PAGE]
            importers = ", ".join(sites[:_MAX_SHOWN_SITES]) or page or "a page"
            logger.warning("%s (imported by %s)", missing_plugin_message(specifier), importers)
        await send_bytes(
            call.send,
            call.headers,
            body,
            method=call.method,
            media_type="text/javascript; charset=utf-8",
            # Never kept: the page gets the real module once the plugin is there.
            headers=[*call.base, (b"cache-control", b"no-store")],
        )
        return True
