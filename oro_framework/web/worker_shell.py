"""``/oro/service-worker/shell.js?script=<app path>``: the Service Worker that runs an app's
worker script the way Oro runs it.

Oro's worker scripts may be modules whose default export answers fetches (``export default
async function (request, env, ctx)`` or ``export default { fetch }``); the engine only knows
``fetch`` events. A Service Worker cannot ``import()`` at run time, so the shell is generated
per script: it imports oro-sw's runtime first (``oro:service-worker/runtime``: the worker's
``navigator.serviceWorker``, Oro's ``env`` and ``ctx``), then the app's script by its URL, and
hands the module to the runtime, which wires its default export to ``fetch`` events. A plain
script (``onfetch``, ``addEventListener('fetch')``) exports nothing and keeps its own listeners.
Without oro-sw the shell imports the script alone. With it, the shell also imports the modules
plugins extend every worker with (``oro_service_worker_modules``), between the runtime and the
script, and hands them to the runtime with their plugins' names.

The script must be an app path (:func:`~oro_framework.host.protocols.check_script_path`): the
shell imports nothing a page could not load itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, final
from urllib.parse import quote

from oro_framework.host.errors import InvalidArgumentError, IPCError
from oro_framework.host.exchange import last_value
from oro_framework.host.protocols import check_script_path
from oro_framework.web.asgi import send_not_allowed, send_response

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.modules import JSModule
    from oro_framework.web.bridge.call import Call

TEXT: Final = "text/plain; charset=utf-8"

__all__ = [
    "RUNTIME_SPECIFIER",
    "SHELL_PATH",
    "Extension",
    "extensions_of",
    "serve",
    "shell_source",
    "shell_url",
]

logger = logging.getLogger("oro_framework.hooks")

SHELL_PATH: Final = "/oro/service-worker/shell.js"
RUNTIME_SPECIFIER: Final = "oro:service-worker/runtime"


def shell_url(script: str) -> str:
    """The shell's URL path for the app path ``script``."""
    return f"{SHELL_PATH}?script={quote(script, safe='/')}"


def shell_source(script: str, runtime: str | None, extensions: Sequence[Extension] = ()) -> str:
    """The shell of ``script`` (an app path), importing ``runtime`` (a URL path) first, then
    the plugins' ``extensions`` (``oro_service_worker_modules``), then the script."""
    # json.dumps of a str is a valid JS string literal.
    target = json.dumps(script)
    if runtime is None:
        return f"// oro: the worker script {script}, without oro-sw\nimport {target}\n"
    # Imported before the app's script, so its top level runs with every extension in place.
    imports = "".join(
        f"import * as extension{index} from {json.dumps(extension.url_path)}\n"
        for index, extension in enumerate(extensions)
    )
    listed = ", ".join(
        f"{{ plugin: {json.dumps(extension.plugin)}, specifier: "
        f"{json.dumps(extension.specifier)}, module: extension{index} }}"
        for index, extension in enumerate(extensions)
    )
    return (
        f"// oro: runs {script} as Oro runs a worker script (oro-sw)\n"
        f"import {{ start }} from {json.dumps(runtime)}\n"
        f"{imports}"
        f"import * as module from {target}\n"
        f"start(module, {{ script: {target}, extensions: [{listed}] }})\n"
    )


@final
@dataclass(frozen=True, slots=True)
class Extension:
    """A plugin's module every worker imports (``oro_service_worker_modules``)."""

    plugin: str
    specifier: str
    url_path: str


def _runtime_path(modules: Mapping[str, JSModule]) -> str | None:
    found = modules.get(RUNTIME_SPECIFIER)
    return found.url_path if found is not None else None


def extensions_of(host: Host) -> list[Extension]:
    """The plugins' worker extensions whose specifier names a module the same plugin
    registered; any other is logged naming the plugin and left out."""
    modules = host.js_modules.specifiers()
    found: list[Extension] = []
    for plugin, specifier in host.hooks.service_worker_modules(host):
        module = modules.get(specifier)
        if module is None or module.plugin != plugin:
            whose = "no JS module" if module is None else f"a JS module of plugin {module.plugin!r}"
            logger.error(
                "plugin %r: oro_service_worker_modules named %r, %s: left out of the app's "
                "service workers (name a JS module your plugin registers)",
                plugin,
                specifier,
                whose,
            )
            continue
        found.append(Extension(plugin, specifier, module.url_path))
    return found


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
    host = call.bridge.host
    runtime = _runtime_path(host.js_modules.specifiers())
    source = shell_source(path, runtime, extensions_of(host) if runtime is not None else ())
    await send_response(
        send,
        200,
        source.encode(),
        [*base, (b"cache-control", b"no-cache")],
        media_type="text/javascript; charset=utf-8",
        include_body=call.method != "HEAD",
    )
