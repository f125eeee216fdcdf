"""Module specifiers a page's code names, resolved without an import map.

The preload's import map resolves ``oro:fs`` in a page, but a module worker or a service worker
gets no import map, so ``import 'socket:fs'`` there fails. The bridge therefore rewrites the
specifiers it serves (``oro:<x>``, Oro's former ``socket:<x>``, ``node:<x>``, and
``npm:<pkg>[/sub]``) into the URLs it serves them at, in the JavaScript modules it serves: the
app's files and those under ``/oro/``. Only the strings in import positions change (``import ...
from '...'``, ``import '...'``, ``export ... from '...'``, ``import('...')``): a scanner that
knows JavaScript's strings, template literals, comments and regular expression literals finds
them (:mod:`~oro_framework.web.js_scanner`), so the same text elsewhere never changes.
:func:`resolve_specifier` is the one mapping; the import map's values (an app's own
``"x": "npm:x"``) go through it too.

A file without such a specifier is served as it always was (from the page cache by
``sendfile``); the check is made once per file version (:class:`ModuleRewriter` keeps the
answer by path, size and modification time).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Final, Protocol, final

from oro_framework.host.errors import IPCError
from oro_framework.host.exchange import MODULE_PREFIX
from oro_framework.host.sandbox import inside_folder
from oro_framework.host.schemes import scheme_path

__all__ = [
    "NAMESPACE_EXPORTS_PATH",
    "NPM_PREFIX",
    "ModuleLike",
    "ModuleRewriter",
    "might_name_a_specifier",
    "namespace_exports",
    "namespace_name",
    "resolve_specifier",
    "rewrite_imports",
    "socket_aliases",
]

NPM_PREFIX: Final = f"{MODULE_PREFIX}/npm/"
"""Where ``npm:<pkg>[/sub]`` is served from (the app's ``node_modules``)."""

_NPM: Final = re.compile(r"npm:((?:@[a-z0-9][\w.~-]*/)?[a-z0-9][\w.~-]*(?:/[\w.~@-]+)*)", re.I)
_QUOTED_SCHEME_PATTERN: Final = r"""['"](?:oro|socket|node|(?i:npm)):"""
"""What a file must hold to name a served module: a string literal that opens with a scheme
:func:`resolve_specifier` maps (``npm:`` in any case, as :data:`_NPM` reads it). Most
modules name one only in comments and prose, if at all."""
_QUOTED_SCHEME: Final = re.compile(_QUOTED_SCHEME_PATTERN.encode())
_QUOTED_SCHEME_TEXT: Final = re.compile(_QUOTED_SCHEME_PATTERN)
_LINE_END: Final = re.compile(r"[\n\r]")


class ModuleLike(Protocol):
    """What :func:`namespace_exports` reads of a served module (a ``JSModule``)."""

    @property
    def specifier(self) -> str: ...
    @property
    def url_path(self) -> str: ...
    @property
    def preload(self) -> bool: ...


def resolve_specifier(specifier: str, modules: Mapping[str, object]) -> str | None:
    """The URL path the bridge serves ``specifier`` at, or ``None`` when it serves no such
    module (the specifier is then left as it is, and fails as it would have).

    :param modules: the served specifiers (``oro:``/``node:`` names) and their URL paths, or
        anything with a ``url_path`` (a :class:`~oro_framework.host.modules.JSModule`).
    """
    if specifier.startswith("socket:"):
        specifier = "oro:" + specifier.removeprefix("socket:")
    if specifier.startswith(("oro:", "node:")):
        found = modules.get(specifier)
        if found is None:
            return None
        return found if isinstance(found, str) else str(getattr(found, "url_path", None) or "")
    matched = _NPM.fullmatch(specifier)
    if matched is not None and ".." not in matched.group(1).split("/"):
        return NPM_PREFIX + matched.group(1)
    return None


def socket_aliases(imports: Mapping[str, str]) -> dict[str, str]:
    """``imports`` with every ``oro:<x>`` also under Oro's former name ``socket:<x>``."""
    aliased = dict(imports)
    for specifier, url in imports.items():
        if specifier.startswith("oro:"):
            aliased.setdefault("socket:" + specifier.removeprefix("oro:"), url)
    return aliased


def _scan_end(source: str, quoted_scheme: re.Pattern[str] = _QUOTED_SCHEME_TEXT) -> int:
    """Where the scan for specifiers ``resolve_specifier`` maps may stop: after the line of the
    last quote followed by a scheme, in code or not (``0``: there is none). Each such
    specifier's string opens so, and a string ends at its line, so the scanner's tokens up to
    that line's end are the same in the text cut there."""
    candidates = deque(quoted_scheme.finditer(source), maxlen=1)
    if not candidates:
        return 0
    line_end = _LINE_END.search(source, candidates[0].end())
    return len(source) if line_end is None else line_end.end()


def rewrite_imports(
    source: str, resolve: Callable[[str], str | None], *, end: int | None = None
) -> str:
    """``source`` with each specifier in an import position that ``resolve`` maps replaced by
    its URL; unchanged (the same object) when there is none. ``end``: where the scan may stop,
    when no specifier ``resolve`` maps can start after it (``None``: the whole text)."""
    # The scanner is needed only once a served module names a scheme, not at every launch.
    from oro_framework.web.js_scanner import import_sites

    pieces: list[str] = []
    last = 0
    for site in import_sites(source if end is None else source[:end]):
        target = resolve(site.value)
        if target is None or target == site.value:
            continue
        pieces.append(source[last : site.start])
        pieces.append(target)
        last = site.end
    if not pieces:
        return source
    pieces.append(source[last:])
    return "".join(pieces)


def might_name_a_specifier(data: bytes) -> bool:
    """A quick test before the scan, which costs ~0.3 ms a KiB: only a file with a quote
    followed by one of the schemes can change (half of js-api's modules have none)."""
    return _QUOTED_SCHEME.search(data) is not None


@final
class ModuleRewriter:
    """Rewrites the JavaScript modules the bridge serves, keeping the answer per file version.

    :param modules: served specifiers and their URL paths (the import map).
    :param max_cached_bytes: rewritten bodies kept in memory at most; older ones are dropped
        (and rewritten again when asked for).
    :param as_is: folders whose files are sent as they are, never scanned (a folder that does
        not exist holds nothing): the core modules
        (``js-api/``), which import each other by relative paths only
        (``tests/bridge/test_specifiers.py`` holds them to it). Two thirds of them name
        ``'oro:...'`` in a JSDoc example, which the quick test cannot tell from an import.
    """

    def __init__(
        self,
        modules: Mapping[str, str],
        *,
        max_cached_bytes: int = 32 << 20,
        as_is: Sequence[Path] = (),
        schemes: Collection[str] = (),
    ) -> None:
        self.modules = dict(modules)
        self.schemes = frozenset(schemes)
        # A browser maps no URL of a non-special scheme (clip:) through an import map, not
        # even by a prefix: the bridge rewrites imports of plugins' schemes to their path.
        names = "".join(f"|{re.escape(name)}" for name in sorted(self.schemes))
        self._quoted_scheme = re.compile(rf"""['"](?:oro|socket|node|(?i:npm){names}):""")
        self.max_cached_bytes = max_cached_bytes
        self.as_is = tuple(str(folder) for folder in as_is)
        self._cache: OrderedDict[tuple[Path, int, int], bytes | None] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()

    def resolve(self, specifier: str) -> str | None:
        if specifier.partition(":")[0] in self.schemes:
            try:
                return scheme_path(specifier)
            except IPCError:
                return None  # left as it is: the import fails with the engine's error
        return resolve_specifier(specifier, self.modules)

    def rewrite_text(self, source: str) -> str:
        """``source`` with the specifiers this host serves rewritten. They are scheme
        specifiers, so the scan stops after the last line that can hold one: a quarter of
        plugins' module text (their JSDoc examples name schemes too)."""
        end = _scan_end(source, self._quoted_scheme)
        return source if end == 0 else rewrite_imports(source, self.resolve, end=end)

    def cached(self, path: Path, size: int, mtime_ns: int) -> tuple[bool, bytes | None]:
        """``(True, answer)`` when this file version was checked before, else ``(False,
        None)``. Does not block: the bridge asks this first and goes to a worker thread for
        :meth:`rewritten` only on a miss, so a plain module costs no thread hop."""
        if self._is_as_is(path):
            return True, None
        key = (path, size, mtime_ns)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return True, self._cache[key]
        return False, None

    def rewritten(self, path: Path, size: int, mtime_ns: int) -> bytes | None:
        """The file's rewritten bytes, or ``None`` when it is served as it is. Blocking (it may
        read the file): call it in a worker thread."""
        if self._is_as_is(path):
            return None
        key = (path, size, mtime_ns)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        data = path.read_bytes()
        result: bytes | None = None
        if len(data) == size and (
            might_name_a_specifier(data)
            or (self.schemes and self._quoted_scheme.search(data.decode("latin-1")))
        ):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                changed = self.rewrite_text(text)
                if changed is not text:
                    result = changed.encode("utf-8")
        with self._lock:
            previous = self._cache.pop(key, None)
            self._cached_bytes -= len(previous or b"")
            self._cache[key] = result
            self._cached_bytes += len(result or b"")
            while self._cached_bytes > self.max_cached_bytes or len(self._cache) > 4096:
                _key, dropped = self._cache.popitem(last=False)
                self._cached_bytes -= len(dropped or b"")
        return result

    def _is_as_is(self, path: Path) -> bool:
        text = str(path)
        return any(inside_folder(text, folder) for folder in self.as_is)


NAMESPACE_EXPORTS_PATH: Final = f"{MODULE_PREFIX}/generated/modules.js"
"""What ``oro:index`` re-exports; the bridge generates it from the served modules."""


NODE_ELSEWHERE_PATH: Final = f"{MODULE_PREFIX}/generated/node-modules.js"
"""The ``node:`` modules served as another module than the ``oro:`` one of their name, for
``require()``'s builtins; the bridge generates it from the served modules."""

_IDENTIFIER: Final = re.compile(r"[A-Za-z_$][\w$]*")


def node_elsewhere_exports(modules: Mapping[str, ModuleLike]) -> bytes:
    """The source of :data:`NODE_ELSEWHERE_PATH`: ``export * as <name>`` for each ``node:<name>``
    whose module is not ``oro:<name>``'s (``node:zlib`` is Node's API, ``oro:zlib`` Oro's), so
    that the CommonJS builtins import them statically: a top-level ``await import()`` there
    made WebKitGTK evaluate a module before its imports when two imports of the builtins ran at
    once."""
    lines = [
        f"export * as {specifier[5:]} from '{module.url_path}'"
        for specifier, module in sorted(modules.items())
        if specifier.startswith("node:")
        and _IDENTIFIER.fullmatch(specifier[5:])
        and f"oro:{specifier[5:]}" in modules
        and modules[f"oro:{specifier[5:]}"].url_path != module.url_path
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def namespace_name(specifier: str) -> str:
    """The name ``oro:index`` exports a module's namespace under: ``oro:protocol-handlers`` is
    ``protocolHandlers``."""
    head, *rest = specifier.split(":", 1)[1].split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def namespace_exports(modules: Mapping[str, ModuleLike]) -> bytes:
    """The source of :data:`NAMESPACE_EXPORTS_PATH`: one ``export * as <name>`` line per
    top-level ``oro:`` module, except those loaded into every page for their effect alone
    (``preload``: the test harness, ``oro dev``'s client) and ``oro:index`` itself."""
    lines = [
        f"export * as {namespace_name(specifier)} from '{module.url_path}'"
        for specifier, module in sorted(modules.items())
        if specifier.startswith("oro:")
        and "/" not in specifier
        and specifier != "oro:index"
        and module.specifier == specifier
        and not module.preload
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
