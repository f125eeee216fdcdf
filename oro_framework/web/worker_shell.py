"""``/oro/service-worker/shell.js?script=<app path>``: the Service Worker that runs an app's
worker script the way Oro runs it.

Oro's worker scripts may be modules whose default export answers fetches (``export default
async function (request, env, ctx)`` or ``export default { fetch }``); the engine only knows
``fetch`` events. A Service Worker cannot ``import()`` at run time, so the shell is generated
per script: it imports oro-sw's runtime first (``oro:service-worker/runtime``: the worker's
``navigator.serviceWorker``, Oro's ``env`` and ``ctx``), then the app's script by its URL, and
hands the module to the runtime, which wires its default export to ``fetch`` events. A plain
script (``onfetch``, ``addEventListener('fetch')``) exports nothing and keeps its own listeners.
Without oro-sw the shell imports the script alone.

The script must be an app path (:func:`~oro_framework.host.protocols.check_script_path`): the
shell imports nothing a page could not load itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from oro_framework.host.errors import InvalidArgumentError, IPCError
from oro_framework.host.exchange import last_value
from oro_framework.host.protocols import check_script_path
from oro_framework.web.asgi import send_not_allowed, send_response

if TYPE_CHECKING:
    from oro_framework.web.bridge.call import Call

TEXT: Final = "text/plain; charset=utf-8"

__all__ = ["RUNTIME_SPECIFIER", "SHELL_PATH", "serve", "shell_source", "shell_url"]

SHELL_PATH: Final = "/oro/service-worker/shell.js"
RUNTIME_SPECIFIER: Final = "oro:service-worker/runtime"


def shell_url(script: str) -> str:
    """The shell's URL path for the app path ``script``."""
    return f"{SHELL_PATH}?script={quote(script, safe='/')}"


def shell_source(script: str, runtime: str | None) -> str:
    """The shell of ``script`` (an app path), importing ``runtime`` (a URL path) first."""
    # json.dumps of a str is a valid JS string literal.
    target = json.dumps(script)
    if runtime is None:
        return f"// oro: the worker script {script}, without oro-sw\nimport {target}\n"
    return (
        f"// oro: runs {script} as Oro runs a worker script (oro-sw)\n"
        f"import {{ start }} from {json.dumps(runtime)}\n"
        f"import * as module from {target}\n"
        f"start(module, {{ script: {target} }})\n"
    )


def _runtime_path(modules: Mapping[str, object]) -> str | None:
    found = modules.get(RUNTIME_SPECIFIER)
    path = getattr(found, "url_path", None)
    return path if isinstance(path, str) else None


async def serve(call: Call) -> None:

    send, base = call.send, call.base
    if call.method not in ("GET", "HEAD"):
        await send_not_allowed(send, base, "GET, HEAD")
        return
    script = last_value(call.query, "script")
    try:
        if script is None:
            raise InvalidArgumentError.missing("script")
        path = check_script_path(script)
    except IPCError as error:
        message = f"400 {error.error_type}: no worker script to run: {error.message}\n"
        await send_response(send, 400, message.encode(), base, media_type=TEXT)
        return
    source = shell_source(path, _runtime_path(call.bridge.host.js_modules.specifiers()))
    await send_response(
        send,
        200,
        source.encode(),
        [*base, (b"cache-control", b"no-cache")],
        media_type="text/javascript; charset=utf-8",
        include_body=call.method != "HEAD",
    )
