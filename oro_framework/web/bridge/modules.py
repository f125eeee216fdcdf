"""``/oro/...``: the registered JS modules, and the files beside them that modules import by
relative URL (``/oro/vendor/events.js``, ``/oro/internal/calls.js``)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import anyio

from oro_framework.web.asgi import send_not_allowed, send_response
from oro_framework.web.bridge.call import TEXT, Call
from oro_framework.web.conditional import FileInfo, stat_file
from oro_framework.web.file_responses import (
    is_script_media_type,
    media_type_of,
    send_bytes,
    send_module,
    send_not_found,
)
from oro_framework.web.resources import ForbiddenPathError, join_url_path

__all__ = ["ModuleFiles", "serve"]

_MODULE_SIBLING_SUFFIXES: Final = (".js", ".mjs", ".cjs", ".map", ".json", ".ts", ".wasm", ".css")


class ModuleFiles:
    """Where the files under ``/oro/`` are: each registered module's file by its URL path, and
    the folders holding them, for the files beside them."""

    def __init__(self, modules: dict[str, Path]) -> None:
        self._modules = modules
        # Each folder resolved once, in the order the modules name them: a hundred modules
        # share a dozen folders, and resolving walks every component of the path.
        folders = dict.fromkeys(path.parent for path in modules.values())
        self._roots = list(dict.fromkeys(folder.resolve() for folder in folders))

    def locate(self, path: str) -> FileInfo | None:
        """A registered module by its URL, or a file beside one. Blocking.

        :raises ForbiddenPathError: the path climbs out of the module folders.
        """
        registered = self._modules.get(path)
        if registered is not None:
            return stat_file(registered)
        relative = path.removeprefix("/oro/")
        if not relative.endswith(_MODULE_SIBLING_SUFFIXES) or "node_modules" in relative.split("/"):
            return None
        for root in self._roots:
            candidate = join_url_path(root, relative)
            if candidate is None:
                return None
            resolved = candidate.resolve()
            if resolved.is_relative_to(root):
                found = stat_file(resolved)
                if found is not None:
                    return found
        return None


async def serve(call: Call) -> None:
    send, base, method = call.send, call.base, call.method
    if method not in ("GET", "HEAD"):
        await send_not_allowed(send, base, "GET, HEAD")
        return
    cached = [*base, (b"cache-control", call.bridge.resources.cache_control.encode())]
    generated = call.bridge.generated_modules.get(call.path)
    if generated is not None:
        await send_bytes(
            send,
            call.headers,
            generated,
            method=method,
            media_type=media_type_of(call.path),
            headers=cached,
        )
        return
    try:
        found = await anyio.to_thread.run_sync(call.bridge.module_files.locate, call.path)
    except ForbiddenPathError:
        await send_response(send, 403, b"Forbidden path\n", base, media_type=TEXT)
        return
    media_type = media_type_of(found.path.name) if found is not None else ""
    if found is not None and call.worker_script and not is_script_media_type(media_type):
        # A worker's script fetch without a session gets JavaScript only (docs/security.md 5).
        await send_not_found(send, base)
        return
    if found is None and await call.bridge.missing_modules.serve(call):
        return
    if found is None:
        call.bridge.resources.report_missing(call.path, call.headers)
        await send_not_found(send, base)
        return
    await send_module(
        send,
        call.headers,
        found,
        method=method,
        media_type=media_type,
        headers=cached,
        rewrite=call.bridge.rewriter,
        # Straight from the file to the socket, as the app's own files go: a read through
        # anyio's file is a thread hop per call, four or five a module.
        zero_copy=call.zero_copy,
    )
