"""The preload: what every HTML page the bridge serves runs before its own scripts.

Injected first in ``<head>``:

1. an inline script defining ``globalThis.isOroRuntime`` and Oro's ``isSocketRuntime``
   (``true``, read-only) and
   ``globalThis.__args`` (window index, flattened config, versions, capabilities, origin), and
   one taking the window's credential from the engine (a native window), else the launch
   redirect or ``sessionStorage``, for ``oro:ipc`` to take once (:data:`WINDOW_IDENTITY_SCRIPT`);
2. the import map: every registered specifier (``oro:ipc``, ``node:events``...) and every
   ``oro:`` one under Oro's former name ``socket:`` too, to its URL under ``/oro/``, merged
   with the app's import map file (``webview.importmap``) and then the page's own import map,
   whose ``npm:``/``socket:`` values resolve as the bridge resolves them in modules
   (:mod:`oro_framework.web.specifiers`);
3. ``<script type="module" src="/oro/bootstrap.js">``, then one module script per module
   registered with ``preload=True``.

The page's own ``<meta http-equiv="Content-Security-Policy">`` is adapted to oro's transports
when it allows Oro's schemes (:mod:`oro_framework.web.csp`). A request with the header
``runtime-preload-injection: disabled`` (the Oro Runtime's name) gets the page untouched.
Everything here is pure string work on the page; the bridge decides when.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from oro_framework.host.config import Config
from oro_framework.host.launch import WINDOW_IDENTITY_SEED
from oro_framework.host.modules import JSModuleTable
from oro_framework.web.csp import adapt_meta_policies
from oro_framework.web.specifiers import socket_aliases

__all__ = [
    "PRELOAD_OPT_OUT_HEADER",
    "build_import_map",
    "inject_preload",
    "is_preload_disabled",
    "merge_import_maps",
    "new_nonce",
    "page_args",
    "public_config",
    "runtime_version",
    "with_script_nonce",
]

PRELOAD_OPT_OUT_HEADER: Final = "runtime-preload-injection"
BOOTSTRAP_SPECIFIER: Final = "oro:bootstrap"

# Values under these names stay out of the page: the page can already call every route, but a
# key it can read is a key a page bug can leak (to a log, a remote server) for others to use.
_HEAD: Final = re.compile(r"<head(?=[\s>/])[^>]*>", re.IGNORECASE)
_HTML: Final = re.compile(r"<html(?=[\s>])[^>]*>", re.IGNORECASE)
_DOCTYPE: Final = re.compile(r"<!doctype[^>]*>", re.IGNORECASE)
_IMPORT_MAP: Final = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?importmap[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
# A whole element, so that "<script" inside a script's own text is never rewritten.
_SCRIPT_ELEMENT: Final = re.compile(
    r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_NONCE_ATTRIBUTE: Final = re.compile(r"\bnonce\s*=", re.IGNORECASE)


# Which window this page is. In a native window, the engine runs the window's identity script
# before this one on every document (host/launch.py, window_identity_script): its one-shot
# seed answers the credential, which is then stored nowhere the page's script could read it (a
# reload gets it from the engine again), and any copy an earlier page left in sessionStorage
# goes. Headless (a browser's tab, which nothing can run script in), the launch redirect hands
# it to this page alone in the fragment, and it moves to sessionStorage (this tab's only: a
# reload and the tab's next pages keep it). Either way it leaves the URL, and oro:ipc's client
# takes it once from a global that is gone after (internal/params.js); __args.index follows it,
# whatever ?index= the URL says.
WINDOW_IDENTITY_SCRIPT: Final = (
    "(()=>{let c=null;try{const s=globalThis.sessionStorage,"
    "m=/[#&]oro_window=([\\w.-]+)/.exec(location.hash),"
    f"g=globalThis.{WINDOW_IDENTITY_SEED};"
    'if(m)history.replaceState(history.state,"",location.pathname+location.search);'
    'if(typeof g==="function"){c=g();s.removeItem("oro:window")}'
    'else if(m){c=m[1];s.setItem("oro:window",c)}'
    'else c=s.getItem("oro:window")}catch{}'
    "if(c){"
    'Object.defineProperty(globalThis,"__oroWindow",'
    "{configurable:true,get(){delete globalThis.__oroWindow;return c}});"
    '__args.index=Number(c.split(".")[0])}})();'
)


def is_preload_disabled(request_headers: Mapping[str, str]) -> bool:
    return request_headers.get(PRELOAD_OPT_OUT_HEADER, "").strip().lower() == "disabled"


def runtime_version() -> str:
    from oro_framework import __version__  # read once per process

    return __version__


def public_config(config: Config) -> dict[str, Any]:
    """The flattened config pages see in ``__args.config``, without secrets
    (:func:`~oro_framework.host.config.is_secret_name`, such as ``http_ipc_shared_key``, and
    keys declared ``secret=True``)."""
    return config.flattened(include_secrets=False)


def build_import_map(modules: JSModuleTable) -> dict[str, str]:
    """Every registered specifier and alias → the URL path the bridge serves it at, and each
    ``oro:<x>`` also as ``socket:<x>`` (Oro's former name, which ported apps import)."""
    return socket_aliases(
        {specifier: module.url_path for specifier, module in sorted(modules.specifiers().items())}
    )


def _resolved(
    values: Mapping[str, Any], resolve: Callable[[str], str | None] | None
) -> dict[str, Any]:
    """An import map's ``imports`` (or one scope) with ``npm:``/``socket:``/``oro:`` values
    replaced by the URL the bridge serves them at; other values stay as they are."""
    if resolve is None:
        return dict(values)
    return {
        key: (resolve(value) or value) if isinstance(value, str) else value
        for key, value in values.items()
    }


def merge_import_maps(
    ours: Mapping[str, str],
    *theirs: Mapping[str, Any] | None,
    resolve: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """One import map: ``ours`` (``{specifier: url}``), then each of ``theirs`` (whole import
    maps: ``imports``, ``scopes``, ``integrity``) in order, later entries winning; their
    values go through ``resolve``."""
    merged: dict[str, Any] = {"imports": dict(ours)}
    for other in theirs:
        if not isinstance(other, Mapping):
            continue
        for name, value in other.items():
            if name not in ("imports", "scopes"):
                merged[name] = value
        imports = other.get("imports")
        if isinstance(imports, Mapping):
            merged["imports"] = {**merged["imports"], **_resolved(imports, resolve)}
        scopes = other.get("scopes")
        if isinstance(scopes, Mapping):
            merged_scopes = dict(merged.get("scopes", {}))
            for scope, values in scopes.items():
                if isinstance(values, Mapping):
                    merged_scopes[scope] = {
                        **merged_scopes.get(scope, {}),
                        **_resolved(values, resolve),
                    }
            merged["scopes"] = merged_scopes
    return merged


def page_args(
    config: Config, *, index: int, origin: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``globalThis.__args`` for window ``index``; ``extra`` entries (window count, Conduit
    port and key...) override the defaults."""
    args: dict[str, Any] = {
        "index": index,
        "config": public_config(config),
        "version": runtime_version(),
        # Oro's flag, always a boolean: `oro dev` sets it (its page args).
        "debug": False,
        "capabilities": {"streaming": {"sseIncremental": True, "chunkedIncremental": True}},
        "conduit": None,
        "origin": origin,
        "windowCount": 1,
    }
    args.update(extra or {})
    return args


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def with_script_nonce(csp: str, nonce: str) -> str:
    """``csp`` with ``'nonce-<nonce>'`` allowed for scripts, so that the preload and the page's
    own ``<script>`` elements (the bridge gives them the nonce) run under the author's policy.

    The nonce joins ``script-src`` and ``script-src-elem``; a policy that restricts scripts only
    through ``default-src`` gets a ``script-src`` copied from it. A directive that allows
    ``'unsafe-inline'`` is left alone, because a nonce would switch that keyword off and break
    the page's inline event handlers.
    """
    source = f"'nonce-{nonce}'"
    directives = [part.split() for part in csp.split(";") if part.strip()]
    names = [parts[0].lower() for parts in directives]

    def allow(values: list[str]) -> list[str]:
        lowered = [value.lower() for value in values]
        if "'unsafe-inline'" in lowered:
            return values
        return [value for value in values if value.lower() != "'none'"] + [source]

    rewritten = [
        [parts[0], *allow(parts[1:])]
        if parts[0].lower() in ("script-src", "script-src-elem")
        else parts
        for parts in directives
    ]
    if "script-src" not in names and "default-src" in names:
        default = directives[names.index("default-src")][1:]
        rewritten.append(["script-src", *allow(list(default))])
    return "; ".join(" ".join(parts) for parts in rewritten)


def _add_nonce(element: re.Match[str], *, nonce: str) -> str:
    attributes = element.group(1)
    if _NONCE_ATTRIBUTE.search(attributes):
        return element.group(0)
    return f'<script nonce="{nonce}"{attributes}>{element.group(2)}</script>'


def _script_json(value: Any) -> str:
    # "<" escaped, so no string in the data can close the <script> element it sits in.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def inject_preload(
    html: str,
    *,
    args: Mapping[str, Any],
    imports: Mapping[str, str],
    nonce: str | None = None,
    preload_modules: Sequence[str] = (),
    app_import_map: Mapping[str, Any] | None = None,
    resolve: Callable[[str], str | None] | None = None,
    csp_connect: Sequence[str] | None = None,
    on_csp_blocked: Callable[[list[str]], None] | None = None,
) -> str:
    """Return ``html`` with the preload first in its ``<head>`` (or after ``<html>``, the
    doctype, or at the very start, for fragments).

    A page's own import map is merged into ours (its entries win) and moved into the preload:
    a browser ignores an import map that comes after the first module script, and older ones
    accept only one map per page. With ``nonce``, every ``<script>`` of the page gets it too.
    ``preload_modules`` are URLs of modules loaded right after the bootstrap. No module is
    named as a ``<link rel="modulepreload">``: the host's one loop serves a page's requests,
    so modules fetched ahead only delayed the page's own files (in windows of both engines),
    and WebKitGTK, whose cache keeps nothing (``CacheModel.DOCUMENT_VIEWER``),
    fetched each of them again when its module imported it.

    ``app_import_map`` (the ``webview.importmap`` file) comes between ours and the page's;
    both have their values resolved by ``resolve``. With ``csp_connect`` (the origins IPC,
    events and the Conduit use), the page's meta CSP is adapted
    (:func:`~oro_framework.web.csp.adapt_meta_policies`) and ``on_csp_blocked`` gets the
    directives of a policy that keeps Oro out.
    """
    theirs: Any = None
    authored = _IMPORT_MAP.search(html)
    if authored is not None:
        try:
            theirs = json.loads(authored.group(1))
        except ValueError:
            theirs = None
        if isinstance(theirs, dict):
            html = html[: authored.start()] + html[authored.end() :]
    import_map = merge_import_maps(imports, app_import_map, theirs, resolve=resolve)
    if nonce is not None:
        html = _SCRIPT_ELEMENT.sub(functools.partial(_add_nonce, nonce=nonce), html)
    attribute = f' nonce="{nonce}"' if nonce is not None else ""
    define = (
        'Object.defineProperty(globalThis,"isOroRuntime",{value:true,enumerable:true});'
        # Oro's name for the same fact, which ported apps test.
        'Object.defineProperty(globalThis,"isSocketRuntime",{value:true,enumerable:true});'
        f'Object.defineProperty(globalThis,"__args",{{value:{_script_json(args)},enumerable:true}});'
    )
    import_map_text = _script_json(import_map)
    if csp_connect is not None:
        html, blocking = adapt_meta_policies(
            html,
            connect=csp_connect,
            inline_scripts=(define, WINDOW_IDENTITY_SCRIPT, import_map_text),
        )
        if blocking and on_csp_blocked is not None:
            on_csp_blocked(blocking)
    parts = [
        f"<script{attribute}>{define}</script>",
        f"<script{attribute}>{WINDOW_IDENTITY_SCRIPT}</script>",
        f'<script type="importmap"{attribute}>{import_map_text}</script>',
    ]
    bootstrap = imports.get(BOOTSTRAP_SPECIFIER)
    if bootstrap is not None:
        parts.append(f'<script type="module" src="{bootstrap}"{attribute}></script>')
    parts.extend(
        f'<script type="module" src="{url}"{attribute}></script>' for url in preload_modules
    )
    preload = "".join(parts)
    for anchor in (_HEAD, _HTML, _DOCTYPE):
        found = anchor.search(html)
        if found is not None:
            return html[: found.end()] + preload + html[found.end() :]
    return preload + html
