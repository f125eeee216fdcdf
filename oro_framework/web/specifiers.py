"""Module specifiers a page's code names, resolved without an import map.

The preload's import map resolves ``oro:fs`` in a page, but a module worker or a service worker
gets no import map, so ``import 'socket:fs'`` there fails. The bridge therefore rewrites the
specifiers it serves (``oro:<x>``, Oro's former ``socket:<x>``, ``node:<x>``, and
``npm:<pkg>[/sub]``) into the URLs it serves them at, in the JavaScript modules it serves: the
app's files and those under ``/oro/``. Only the strings in import positions change (``import ...
from '...'``, ``import '...'``, ``export ... from '...'``, ``import('...')``): a scanner that
knows JavaScript's strings, template literals, comments and regular expression literals finds
them, so the same text elsewhere never changes. :func:`resolve_specifier` is the one mapping;
the import map's values (an app's own ``"x": "npm:x"``) go through it too.

A file without such a specifier is served as it always was (from the page cache by
``sendfile``); the check is made once per file version (:class:`ModuleRewriter` keeps the
answer by path, size and modification time).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol, final
from urllib.parse import unquote, urlsplit

from oro_framework.host.exchange import MODULE_PREFIX
from oro_framework.host.sandbox import inside_folder

__all__ = [
    "NAMESPACE_EXPORTS_PATH",
    "NPM_PREFIX",
    "AppImportMap",
    "ModuleRewriter",
    "SpecifierSite",
    "import_map_candidates",
    "import_sites",
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
# Keywords after which a "/" starts a regular expression, not a division.
_REGEX_AFTER_WORDS: Final = frozenset(
    {
        "return",
        "typeof",
        "instanceof",
        "in",
        "of",
        "new",
        "delete",
        "void",
        "throw",
        "case",
        "do",
        "else",
        "yield",
        "await",
    }
)
# Any character past ASCII counts as an identifier's: a class spelling the range \u0080-\uffff
# costs re 10 ms to compile (a 64 Ki table) at every launch, the negated ASCII class 0.5 ms.
_IDENTIFIER: Final = re.compile(r"(?:[A-Za-z_$]|[^\x00-\x7f])(?:[\w$]|[^\x00-\x7f])*")
_NUMBER: Final = re.compile(r"\.?[0-9][\w.]*")
_LINE_BREAKS: Final = "\n\r\u2028\u2029"


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


@final
@dataclass(frozen=True)
class SpecifierSite:
    """A string literal in an import position: its text between the quotes is
    ``source[start:end]``."""

    start: int
    end: int
    value: str


class _Scanner:
    """Just enough of JavaScript's lexical grammar to tell code from strings, template
    literals, comments and regular expressions, and to see ``import``/``export`` keywords."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.length = len(source)

    def skip_string(self, start: int) -> int:
        """Index after the string literal opening at ``start``."""
        quote = self.source[start]
        index = start + 1
        while index < self.length:
            char = self.source[index]
            if char == "\\":
                index += 2
                continue
            if char == quote or char in "\n\r":
                return index + 1
            index += 1
        return self.length

    def skip_regex(self, start: int) -> int:
        index = start + 1
        in_class = False
        while index < self.length:
            char = self.source[index]
            if char == "\\":
                index += 2
                continue
            if char in _LINE_BREAKS:
                return index
            if in_class:
                in_class = char != "]"
            elif char == "[":
                in_class = True
            elif char == "/":
                index += 1
                flags = _IDENTIFIER.match(self.source, index)
                return flags.end() if flags is not None else index
            index += 1
        return self.length

    def skip_template_text(self, index: int) -> tuple[int, bool]:
        """From inside a template literal's text: the index after its closing backtick
        (``False``) or after a ``${`` (``True``)."""
        while index < self.length:
            char = self.source[index]
            if char == "\\":
                index += 2
                continue
            if char == "`":
                return index + 1, False
            if char == "$" and self.source.startswith("${", index):
                return index + 2, True
            index += 1
        return self.length, False

    def skip_trivia(self, index: int) -> int:
        """Index of the next token after white space and comments."""
        source = self.source
        while index < self.length:
            char = source[index]
            if char.isspace() or char == "\ufeff":
                index += 1
            elif source.startswith("//", index):
                while index < self.length and source[index] not in _LINE_BREAKS:
                    index += 1
            elif source.startswith("/*", index):
                end = source.find("*/", index + 2)
                index = self.length if end < 0 else end + 2
            elif source.startswith("#!", index) and index == 0:
                while index < self.length and source[index] not in _LINE_BREAKS:
                    index += 1
            else:
                return index
        return self.length

    def tokens(self) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of every token outside comments; strings and regular expressions
        are one token each, and a template literal yields its pieces of code only (its text
        parts, between them, never look like tokens)."""
        source = self.source
        index = 0
        braces: list[int] = []  # depth at which each open template's ${ ... } started
        depth = 0
        previous = ""
        while True:
            index = self.skip_trivia(index)
            if index >= self.length:
                return
            char = source[index]
            start = index
            if char in "'\"":
                index = self.skip_string(index)
            elif char == "`" or (char == "}" and braces and braces[-1] == depth - 1):
                closes_substitution = char == "}"
                if closes_substitution:
                    depth -= 1
                    braces.pop()
                index, opened = self.skip_template_text(index + 1)
                if opened:
                    braces.append(depth)
                    depth += 1
                    previous = "${"
                    yield start, index
                    continue
                if closes_substitution:
                    previous = "`"
                    yield start, index
                    continue
            elif char == "/" and self._regex_allowed(previous):
                index = self.skip_regex(index)
            elif (word := _IDENTIFIER.match(source, index)) is not None:
                index = word.end()
            elif (number := _NUMBER.match(source, index)) is not None:
                index = number.end()
            else:
                if char in "{(":
                    depth += 1
                elif char in "})" and depth:
                    depth -= 1
                if source.startswith("?.", index) and not source[index + 2 : index + 3].isdigit():
                    index += 2
                elif source.startswith("...", index):
                    index += 3
                else:
                    index += 1
            previous = source[start:index]
            yield start, index

    @staticmethod
    def _regex_allowed(previous: str) -> bool:
        if not previous:
            return True
        last = previous[-1]
        if previous in _REGEX_AFTER_WORDS:
            return True
        return not (last.isalnum() or last in "_$\"'`" or previous in (")", "]", "}"))


def _is_string(token: str) -> bool:
    return len(token) >= 2 and token[0] in "'\"" and token[-1] == token[0]


class _Lookahead:
    """The scanner's tokens with as many following ones as asked for, kept only until they
    are passed: a large bundle is never held as a list of its tokens."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._tokens = _Scanner(source).tokens()
        self._buffer: deque[tuple[int, int, str]] = deque()

    def peek(self, ahead: int) -> tuple[int, int, str] | None:
        while len(self._buffer) <= ahead:
            token = next(self._tokens, None)
            if token is None:
                return None
            self._buffer.append((token[0], token[1], self.source[token[0] : token[1]]))
        return self._buffer[ahead]

    def take(self) -> tuple[int, int, str] | None:
        token = self.peek(0)
        if token is not None:
            self._buffer.popleft()
        return token


def import_sites(source: str) -> list[SpecifierSite]:
    """Every string literal of ``source`` in an import position: ``import ... from '…'``,
    ``import '…'``, ``export ... from '…'`` and ``import('…')`` (the first argument, when it is
    a plain string literal). Strings elsewhere, comments, template literals and regular
    expressions are never taken for one."""
    found: list[SpecifierSite] = []
    tokens = _Lookahead(source)

    def site(token: tuple[int, int, str] | None) -> None:
        if token is not None and _is_string(token[2]) and "\\" not in token[2]:
            found.append(SpecifierSite(token[0] + 1, token[1] - 1, token[2][1:-1]))

    previous = ""
    while (token := tokens.take()) is not None:
        text = token[2]
        is_property = previous in (".", "?.")  # obj.import(...)
        previous = text
        if text not in ("import", "export") or is_property:
            continue
        following = tokens.peek(0)
        word = following[2] if following is not None else ""
        if text == "import" and word == "(":
            site(tokens.peek(1))
            continue
        if text == "import" and _is_string(word):
            site(following)
            continue
        if word in ("", ".", ":", "=", ";", ",", ")"):
            continue  # import.meta, { import: 1 }, a label
        # A clause (names, braces, *, as, type, default) up to `from`, then the string; the
        # tokens looked at stay for the main loop, which still has to see each of them.
        ahead = 0
        in_braces = False
        while (current := tokens.peek(ahead)) is not None:
            word = current[2]
            if in_braces:
                if word == "}":
                    in_braces = False
                elif word != "," and not _is_string(word) and not _IDENTIFIER.fullmatch(word):
                    break
            elif word == "{":
                in_braces = True
            elif word == "from" and _is_string((after := tokens.peek(ahead + 1) or (0, 0, ""))[2]):
                site(after)
                break
            elif word not in ("*", ",") and not _IDENTIFIER.fullmatch(word):
                break
            ahead += 1
    return found


def _scan_end(source: str) -> int:
    """Where the scan for specifiers ``resolve_specifier`` maps may stop: after the line of the
    last quote followed by a scheme, in code or not (``0``: there is none). Each such
    specifier's string opens so, and a string ends at its line, so the scanner's tokens up to
    that line's end are the same in the text cut there."""
    candidates = deque(_QUOTED_SCHEME_TEXT.finditer(source), maxlen=1)
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
    ) -> None:
        self.modules = dict(modules)
        self.max_cached_bytes = max_cached_bytes
        self.as_is = tuple(str(folder) for folder in as_is)
        self._cache: OrderedDict[tuple[Path, int, int], bytes | None] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()

    def resolve(self, specifier: str) -> str | None:
        return resolve_specifier(specifier, self.modules)

    def rewrite_text(self, source: str) -> str:
        """``source`` with the specifiers this host serves rewritten. They are scheme
        specifiers, so the scan stops after the last line that can hold one: a quarter of
        plugins' module text (their JSDoc examples name schemes too)."""
        end = _scan_end(source)
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
        if len(data) == size and might_name_a_specifier(data):
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


def import_map_candidates(value: str, roots: Sequence[Path]) -> tuple[list[Path], str | None]:
    """Where ``webview.importmap = value`` may be, and why it is refused (``None`` if not).

    Socket opens the value as a ``filesystem::Resource`` with its working directory set to the
    app's resources (``src/runtime/filesystem/resource.cc``, ``src/runtime/cwd/cwd.cc``): a
    relative path (``importmap.json``, ``./importmap.json``) and ``socket://<bundle>/x.json``
    are the resources' files; ``file:///...`` and ``/x.json`` are the host's filesystem. oro
    reads the app's files only: every form names a file of ``roots`` (``webview.root``, then
    the app directory), ``/x.json`` included (the app root, as the apps that write it mean);
    an absolute path or ``file:`` URL inside a root is that file. A value that leaves the
    roots (``../../etc/passwd``, ``file:///etc/passwd``) is refused, never read.
    """
    text = value.strip()
    if not text:
        return [], None
    path, file_url = text, False
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme is not None and len(scheme.group(1)) > 1:  # c:\ is a drive, not a scheme
        parsed = urlsplit(text)
        if parsed.scheme.lower() not in ("socket", "file"):
            return [], f"webview.importmap: {value!r} is not a file of the app; ignored"
        path, file_url = unquote(parsed.path), parsed.scheme.lower() == "file"
    leaves = (
        f"webview.importmap: {value!r} leaves the app's folder; ignored (oro reads import maps "
        "from webview.root or the app directory only)"
    )
    if path.startswith("/") and any(
        inside_folder(os.path.normpath(path), os.path.abspath(root)) for root in roots
    ):
        return [Path(os.path.normpath(path))], None
    if file_url:
        return [], leaves
    relative = posixpath.normpath(path.replace("\\", "/").lstrip("/"))
    if relative in ("..", ".") or relative.startswith("../"):
        return [], leaves
    return list(dict.fromkeys(root / relative for root in roots)), None


@final
class AppImportMap:
    """The app's own import map file (``webview.importmap``), read again when it changes.

    :param candidates: where the file may be, in order (see :func:`import_map_candidates`);
        ``()`` when the app has none.
    :param warn: told once per file version why the file is not used (missing, not JSON, not an
        object, outside ``roots``); the pages then get oro's import map and their own.
    :param roots: the folders the file must really be in, symlinks followed (a link out of the
        app is refused and never read); empty: no such check.
    """

    def __init__(
        self,
        candidates: Sequence[Path],
        *,
        warn: Callable[[str], None],
        roots: Sequence[Path] = (),
    ) -> None:
        self.candidates = tuple(candidates)
        self.roots = tuple(roots)
        self._warn = warn
        self._seen: tuple[Path, int, int] | None = None
        self._value: dict[str, Any] | None = None
        self._warned: set[object] = set()

    def _escapes(self, path: Path) -> bool:
        if not self.roots:
            return False
        real = os.path.realpath(path)
        return not any(inside_folder(real, os.path.realpath(root)) for root in self.roots)

    def load(self) -> dict[str, Any] | None:
        """The parsed import map, or ``None``. Blocking (a ``stat``, a read when it changed)."""
        if not self.candidates:
            return None
        for path in self.candidates:
            try:
                status = path.stat()
            except OSError:
                continue
            if self._escapes(path):
                self._report(
                    ("escapes", path),
                    f"webview.importmap: {path} links out of the app's folder; ignored",
                )
                return None
            key = (path, status.st_size, status.st_mtime_ns)
            if key == self._seen:
                return self._value
            self._seen, self._value = key, None
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as error:
                self._report(key, f"webview.importmap: {path} is not JSON ({error}); ignored")
                return None
            if not isinstance(value, dict) or not isinstance(value.get("imports", {}), dict):
                self._report(
                    key, f'webview.importmap: {path} is not an import map ({{"imports": ...}})'
                )
                return None
            self._value = value
            return value
        self._report(
            "missing",
            f"webview.importmap: no file {' or '.join(map(str, self.candidates))}; ignored",
        )
        return None

    def _report(self, key: object, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self._warn(message)


NAMESPACE_EXPORTS_PATH: Final = f"{MODULE_PREFIX}/generated/modules.js"
"""What ``oro:index`` re-exports; the bridge generates it from the served modules."""


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
