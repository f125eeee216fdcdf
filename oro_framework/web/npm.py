"""``/oro/npm/<pkg>[/sub]``: modules of the app's ``node_modules``, for ``npm:`` specifiers.

Oro resolves ``import { Hono } from 'npm:hono'`` from the app's ``node_modules``; the bridge
rewrites ``npm:hono`` to ``/oro/npm/hono`` (:mod:`oro_framework.web.specifiers`) and this module
answers it. A package (``hono``, ``@scope/pkg``) and an optional subpath resolve as a browser
bundler resolves them: ``package.json`` ``exports`` with the conditions ``browser``, ``import``,
``module``, ``default`` (in the order the package lists them, subpath patterns included), then
``module``, ``main``, ``index.js``. The answer to anything but a file's own URL is a redirect
(302) to the file's URL under ``/oro/npm/<pkg>/``, so the module's relative imports resolve
against its real place.

Only files inside ``node_modules/<pkg>`` are served (their real paths, symlinks followed, must
stay inside the package's real directory, itself inside ``node_modules``), only JavaScript,
JSON, CSS and WebAssembly, and nothing hidden (``.npmrc``...). The ``node_modules`` folders are
the one in ``webview.root`` (a build copies packages there) and the one next to the app's
config, in that order. The session rules are those of every app file: the bridge admits the
request before this module sees it.

In a package's JavaScript, bare specifiers (``import { html } from 'lit'``) name other packages
of the same ``node_modules``: they are rewritten to ``/oro/npm/lit`` as the file is served
(:func:`bare_specifier_url`), since a module worker has no import map to resolve them.

A file that is CommonJS (a UMD bundle such as chart.js 2.x included; see
:mod:`oro_framework.web.module_format`) is answered with :func:`commonjs_stub`: a module that
runs it with ``oro:module``'s loader and exports ``module.exports`` as its default, as Oro's npm
loader does. The loader reads it, and walks the ``node_modules`` folders above it for its
``require()``s, under :data:`TREE_PREFIX`, the folders as they are on disk (same confinement:
real paths inside a ``node_modules`` folder, the same kinds of files, nothing hidden).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import quote

import anyio

from oro_framework.host.sandbox import inside_folder
from oro_framework.records import record
from oro_framework.web.asgi import send_not_allowed, send_response
from oro_framework.web.conditional import stat_file
from oro_framework.web.file_responses import send_file
from oro_framework.web.module_format import format_of
from oro_framework.web.specifiers import resolve_specifier, rewrite_imports

if TYPE_CHECKING:
    from oro_framework.web.bridge.call import Call

TEXT: Final = "text/plain; charset=utf-8"

__all__ = [
    "CONDITIONS",
    "NPM_PREFIX",
    "TREE_PREFIX",
    "NpmFile",
    "NpmRedirect",
    "NpmResolver",
    "bare_specifier_url",
    "commonjs_stub",
    "folders_of",
    "module_stub",
    "rewrite_bare",
    "serve",
    "split_package",
]

NPM_PREFIX: Final = "/oro/npm/"
TREE_PREFIX: Final = f"{NPM_PREFIX}node_modules/"
"""The ``node_modules`` folders as they are on disk, nested packages included, for the page's
CommonJS loader (``oro:module``), which looks packages up in ``node_modules`` folders above a
module as Node does. (``node_modules`` is no npm package name, so nothing else is there.)"""
CONDITIONS: Final = frozenset({"browser", "import", "module", "default"})
"""The ``exports`` conditions a page's module loader matches (never ``require`` or ``node``)."""

SERVED_SUFFIXES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".cjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
}
"""What a package may serve: modules, their data, styles and WebAssembly; nothing else (a
package's README, binaries or scripts stay on disk)."""

_NAME_SEGMENT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*\Z")
_SUB_SEGMENT: Final = re.compile(r"[A-Za-z0-9._~@+$!-]+\Z")
_MAX_EXPORTS_DEPTH: Final = 16


def split_package(path: str) -> tuple[str, str] | None:
    """``("@scope/pkg", "sub/x.js")`` for ``"@scope/pkg/sub/x.js"``, ``("hono", "")`` for
    ``"hono"``; ``None`` when the name is no package name or a segment of the subpath is empty,
    hidden (``.x``) or a dot segment."""
    parts = path.split("/")
    count = 2 if parts[0].startswith("@") else 1
    if len(parts) < count:
        return None
    name_parts = parts[:count]
    if count == 2 and not _NAME_SEGMENT.match(name_parts[0][1:]):
        return None
    if not _NAME_SEGMENT.match(name_parts[-1]):
        return None
    sub = parts[count:]
    if sub == [""]:
        sub = []
    for segment in sub:
        if not _SUB_SEGMENT.match(segment) or segment.startswith("."):
            return None
    return "/".join(name_parts), "/".join(sub)


def bare_specifier_url(specifier: str) -> str | None:
    """The URL a bare specifier inside an npm package is served at (``lit`` → ``/oro/npm/lit``,
    ``@scope/x/y.js`` → ``/oro/npm/@scope/x/y.js``); ``None`` for anything that is not bare
    (``./x``, ``/x``, ``https:...``, ``oro:fs``, ``npm:x``: the last ones are
    :func:`oro_framework.web.specifiers.resolve_specifier`'s)."""
    if not specifier or specifier.startswith((".", "/")) or ":" in specifier:
        return None
    if split_package(specifier) is None:
        return None
    return NPM_PREFIX + specifier


@final
@record
class NpmFile:
    """A file to serve: its real path and media type."""

    path: Path
    media_type: str
    tree: str = field(default="", compare=False)
    """Its path below the ``node_modules`` folder it was found in (``chart.js/dist/x.js``),
    where :data:`TREE_PREFIX` serves it as it is; empty for a file found there."""
    package_type: str | None = field(default=None, compare=False)
    """The ``"type"`` of the nearest ``package.json`` in its package."""


@final
@record
class NpmRedirect:
    """The URL path (under :data:`NPM_PREFIX`) of the file a package or subpath resolves to."""

    location: str
    file: NpmFile | None = field(default=None, compare=False)
    """That file."""


def _match_conditions(target: Any, depth: int = 0) -> str | None:
    """The first target path of an ``exports`` value the loader's conditions select."""
    if depth > _MAX_EXPORTS_DEPTH:
        return None
    if isinstance(target, str):
        return target
    if isinstance(target, list):
        for item in target:
            found = _match_conditions(item, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(target, dict):
        for key, value in target.items():
            if key in CONDITIONS:
                found = _match_conditions(value, depth + 1)
                if found is not None:
                    return found
    return None


def _exports_target(exports: Any, sub: str) -> str | None:
    """The target ``exports`` gives ``./sub`` (``.`` for the package itself), ``None`` when it
    exports no such subpath. Node's rules: a string, an array or a conditions object is the
    package's main export; an object of ``./`` keys maps subpaths, ``*`` patterns included
    (the longest prefix wins)."""
    wanted = "./" + sub if sub else "."
    if not isinstance(exports, dict) or not any(str(key).startswith(".") for key in exports):
        return _match_conditions(exports) if wanted == "." else None
    if wanted in exports:
        return _match_conditions(exports[wanted])
    best: tuple[int, str, str] | None = None
    for key in exports:
        if not isinstance(key, str) or key.count("*") != 1:
            continue
        prefix, suffix = key.split("*")
        if (
            wanted.startswith(prefix)
            and wanted.endswith(suffix)
            and len(wanted) >= len(prefix) + len(suffix)
            and (best is None or len(prefix) > best[0])
        ):
            best = (len(prefix), key, wanted[len(prefix) : len(wanted) - len(suffix)])
    if best is None:
        return None
    target = _match_conditions(exports[best[1]])
    return target.replace("*", best[2]) if target is not None else None


@final
class NpmResolver:
    """Resolves ``/oro/npm/...`` paths in the ``node_modules`` folders given, in order.

    :param folders: candidate ``node_modules`` folders; missing ones are skipped.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(dict.fromkeys(folders))

    def _package_dir(self, name: str) -> tuple[str, str] | None:
        """``(real package dir, real node_modules)`` of the first folder holding ``name``."""
        for folder in self.folders:
            try:
                modules = os.path.realpath(folder, strict=True)
                package = os.path.realpath(os.path.join(modules, *name.split("/")), strict=True)
            except OSError:
                continue
            if os.path.isdir(package) and inside_folder(package, modules) and package != modules:
                return package, modules
        return None

    def resolve(self, path: str) -> NpmFile | NpmRedirect | None:
        """What ``path`` (below :data:`NPM_PREFIX`, already URL-decoded) answers: a file of the
        package, a redirect to one, or ``None`` (not found, or not a file a page may load).
        Blocking: call it in a worker thread."""
        split = split_package(path)
        if split is None:
            return None
        name, sub = split
        found = self._package_dir(name)
        if found is None:
            return None
        package, modules = found
        manifest = _read_manifest(package)
        if sub:
            direct = self._file(package, sub)
            if direct is not None:
                return _placed(direct, package, modules)
        target = _exports_target(manifest.get("exports"), sub) if "exports" in manifest else None
        candidates: list[str] = []
        if target is not None:
            candidates.append(target)
        elif not sub and "exports" not in manifest:
            for entry_key in ("module", "main"):
                value = manifest.get(entry_key)
                if isinstance(value, str) and value.strip():
                    candidates += [value, value + ".js", value.rstrip("/") + "/index.js"]
            candidates.append("index.js")
        elif sub:
            candidates += [sub + ".js", sub + ".mjs", sub + "/index.js"]
        for candidate in candidates:
            relative = candidate.removeprefix("./")
            if candidate.startswith("/") or split_package("x/" + relative) is None:
                continue
            target_file = self._file(package, relative)
            if target_file is not None:
                return NpmRedirect(
                    f"{NPM_PREFIX}{name}/{relative}", _placed(target_file, package, modules)
                )
        return None

    def tree_file(self, relative: str) -> NpmFile | None:
        """The file at ``relative`` below one of the ``node_modules`` folders (the first that
        has it), if it is a servable file whose real path stays inside that folder."""
        for folder in self.folders:
            try:
                modules = os.path.realpath(folder, strict=True)
            except OSError:
                continue
            found = self._file(modules, relative, nested=True)
            if found is not None:
                return found
        return None

    @staticmethod
    def _file(package: str, relative: str, *, nested: bool = False) -> NpmFile | None:
        """The file ``relative`` names in ``package``, if it is a servable file whose real path
        stays inside the package (``nested``: packages' own ``node_modules`` allowed)."""
        parts = relative.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            return None
        if "node_modules" in parts and not nested:
            return None
        media_type = SERVED_SUFFIXES.get(os.path.splitext(parts[-1])[1].lower())
        if media_type is None:
            return None
        try:
            real = os.path.realpath(os.path.join(package, *parts), strict=True)
        except OSError:
            return None
        if not inside_folder(real, package) or not os.path.isfile(real):
            return None
        return NpmFile(Path(real), media_type)


def _placed(found: NpmFile, package: str, modules: str) -> NpmFile:
    """``found`` with its place below ``modules`` and its package scope's ``"type"`` (the
    nearest ``package.json`` from its folder up to the package's)."""
    package_type: str | None = None
    folder = os.path.dirname(found.path)
    while inside_folder(folder, package):
        if os.path.isfile(os.path.join(folder, "package.json")):
            value = _read_manifest(folder).get("type")
            package_type = value if isinstance(value, str) else None
            break
        if folder == package:
            break
        folder = os.path.dirname(folder)
    tree = os.path.relpath(found.path, modules).replace(os.sep, "/")
    return NpmFile(found.path, found.media_type, tree, package_type)


def _read_manifest(package: str) -> dict[str, Any]:
    try:
        with open(os.path.join(package, "package.json"), encoding="utf-8") as file:
            value = json.load(file)
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def rewrite_bare(
    source: str,
    rewrite_imports: Callable[[str, Callable[[str], str | None]], str],
    resolve: Callable[[str], str | None],
) -> str:
    """``source`` (a module of a package) with its bare specifiers and ``oro:``/``npm:`` ones
    rewritten: ``resolve`` first (the bridge's mapping), then :func:`bare_specifier_url`."""
    return rewrite_imports(
        source, lambda specifier: resolve(specifier) or bare_specifier_url(specifier)
    )


def folders_of(resources: Path, app_dir: Path) -> Iterable[Path]:
    """The app's ``node_modules`` folders: in ``webview.root``, then next to its config."""
    return (resources / "node_modules", app_dir / "node_modules")


def module_stub(location: str) -> str:
    """A module that is the module at ``location``: its named exports and its default, or, for
    a module without one, its namespace, as Oro's npm loader answers (``import XWeather from
    'npm:x-weather'`` then ``XWeather.defineCustomElements()``: a package of named exports)."""
    target = json.dumps(location)
    return (
        f"export * from {target}\nimport * as target from {target}\n"
        "export default 'default' in target ? target.default : target\n"
    )


def commonjs_stub(tree_url: str, require_url: str, names: Sequence[str]) -> str:
    """An ES module that is the CommonJS module at ``tree_url``, as Oro's npm loader answers
    (``api/npm/service-worker.js``): run by ``oro:module``'s ``createRequire`` (Node's scope:
    ``module``, ``exports``, ``this``, ``require`` of relative files, packages and builtins),
    ``module.exports`` the default export (Node's ``import pkg from 'x'``; a module compiled
    from ES syntax, ``exports.__esModule``, gives its ``exports.default`` as bundlers and Oro
    do) and ``names`` (what Node's lexer finds) as named exports."""
    lines = [
        f"import {{ createRequire }} from {json.dumps(require_url)}",
        "const require = createRequire(import.meta.url)",
        f"const exports = require(new URL({json.dumps(tree_url)}, import.meta.url).href)",
        "const esModule = exports != null && exports.__esModule === true",
        "export default esModule && 'default' in Object(exports) ? exports.default : exports",
    ]
    for index, name in enumerate(names):
        lines.append(
            f"const name{index} = exports == null ? undefined : exports[{json.dumps(name)}]"
        )
        lines.append(f"export {{ name{index} as {json.dumps(name)} }}")
    return "\n".join(lines) + "\n"


_FORMATS: OrderedDict[tuple[Path, int, int], tuple[str, list[str]]] = OrderedDict()
_FORMATS_LOCK: Final = threading.Lock()


def _commonjs_names(found: NpmFile) -> list[str] | None:
    """The named exports of ``found`` when it is a CommonJS module, ``None`` when it is an ES
    module. Blocking; kept per file version."""
    try:
        status = found.path.stat()
    except OSError:
        return None
    key = (found.path, status.st_size, status.st_mtime_ns)
    with _FORMATS_LOCK:
        known = _FORMATS.get(key)
    if known is None:
        source = found.path.read_bytes().decode("utf-8", "surrogateescape")
        kind, shape = format_of(found.path.name, source, found.package_type)
        known = (kind, shape.names)
        with _FORMATS_LOCK:
            _FORMATS[key] = known
            while len(_FORMATS) > 512:
                _FORMATS.popitem(last=False)
    return known[1] if known[0] == "commonjs" else None


def _is_script(found: NpmFile | NpmRedirect | None) -> bool:
    if isinstance(found, NpmRedirect):
        return found.location.endswith((".js", ".mjs"))
    return found is not None and found.media_type.startswith("text/javascript")


async def serve(call: Call) -> None:
    """Answer ``/oro/npm/...``: a package's file (its JavaScript with bare specifiers
    rewritten), a 302 to the file a package or subpath resolves to, or 404."""

    send, base = call.send, call.base
    if call.method not in ("GET", "HEAD"):
        await send_not_allowed(send, base, "GET, HEAD")
        return
    host = call.bridge.host
    resolver = NpmResolver(tuple(folders_of(host.paths.resources, host.app_dir)))
    relative = call.path[len(NPM_PREFIX) :]
    in_tree = call.path.startswith(TREE_PREFIX)
    found: NpmFile | NpmRedirect | None
    if in_tree:
        found = await anyio.to_thread.run_sync(resolver.tree_file, call.path[len(TREE_PREFIX) :])
    else:
        found = await anyio.to_thread.run_sync(resolver.resolve, relative)
    if call.worker_script and not _is_script(found):
        # A worker's script fetch without a session gets JavaScript only (docs/security.md 5).
        found = None
    if found is None:
        message = f"404 NotFoundError: no module of node_modules is served at {call.path}\n"
        await send_response(send, 404, message.encode(), base, media_type=TEXT)
        return
    if not in_tree and await _send_commonjs(call, found):
        return
    if isinstance(found, NpmRedirect) and found.location.endswith((".js", ".mjs")):
        # A module standing for the file, not a redirect: a Service Worker's imports may not
        # be redirected (Chromium fails the worker), and its relative imports resolve against
        # the file's own URL all the same.
        body = module_stub(quote(found.location, safe="/@:+$!~")).encode()
        headers = [*base, (b"cache-control", b"no-cache")]
        await send_response(
            send,
            200,
            body,
            headers,
            media_type=SERVED_SUFFIXES[".js"],
            include_body=call.method != "HEAD",
        )
        return
    if isinstance(found, NpmRedirect):
        location = quote(found.location, safe="/@:+$!~")
        headers = [*base, (b"location", location.encode("ascii")), (b"cache-control", b"no-cache")]
        await send_response(send, 302, b"", headers, media_type=TEXT)
        return
    cached = [*base, (b"cache-control", b"no-cache")]
    if in_tree or not found.media_type.startswith("text/javascript"):
        # The tree is read by the CommonJS loader as the files are: nothing is rewritten.
        info = await anyio.to_thread.run_sync(stat_file, found.path)
        if info is None:
            await send_response(send, 404, b"Not found\n", base, media_type=TEXT)
            return
        await send_file(
            send,
            call.headers,
            info,
            method=call.method,
            media_type=found.media_type,
            headers=cached,
        )
        return
    imports = call.bridge.imports

    def rewritten() -> bytes:
        source = found.path.read_bytes().decode("utf-8", "surrogateescape")
        resolve = lambda specifier: resolve_specifier(specifier, imports)  # noqa: E731
        return rewrite_bare(source, rewrite_imports, resolve).encode("utf-8", "surrogateescape")

    body = await anyio.to_thread.run_sync(rewritten)
    await send_response(
        send, 200, body, cached, media_type=found.media_type, include_body=call.method != "HEAD"
    )


async def _send_commonjs(call: Call, found: NpmFile | NpmRedirect | None) -> bool:
    """Answer with :func:`commonjs_stub` when ``found`` is a CommonJS module; whether it did."""
    target = found.file if isinstance(found, NpmRedirect) else found
    if target is None or not target.tree or not target.media_type.startswith("text/javascript"):
        return False
    require_url = resolve_specifier("oro:module", call.bridge.imports)
    if require_url is None:
        return False  # no CommonJS loader served: the file goes out as it is
    names = await anyio.to_thread.run_sync(_commonjs_names, target)
    if names is None:
        return False
    body = commonjs_stub(quote(TREE_PREFIX + target.tree, safe="/@:+$!~"), require_url, names)
    await send_response(
        call.send,
        200,
        body.encode(),
        [*call.base, (b"cache-control", b"no-cache")],
        media_type=SERVED_SUFFIXES[".js"],
        include_body=call.method != "HEAD",
    )
    return True
