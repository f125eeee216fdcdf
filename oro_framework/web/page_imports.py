"""The ``oro:``/``socket:``/``node:`` modules a page's JavaScript and HTML import, where, and
which names.

JavaScript goes through the bridge's own lexer (:mod:`~oro_framework.web.js_scanner`), so a
specifier in a comment, an ordinary string, a template literal or a regular expression is never
taken for an import. HTML goes through :mod:`html.parser`: the bodies of its ``<script>``
elements are JavaScript, those of ``<script type="importmap">`` are JSON whose values may name
modules, and a ``<script src>`` may name a module by its URL (``/oro/fs.js``). ``oro build``
decides from these which plugins an app needs; the bridge reads the imported names to answer an
import whose plugin is missing with a module that links (:mod:`~oro_framework.host.plugin_modules`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final, final

from oro_framework.host.plugin_modules import canonical_specifier
from oro_framework.records import record
from oro_framework.web.js_scanner import IDENTIFIER, Lookahead, import_sites, is_string

__all__ = [
    "SCANNED_SUFFIXES",
    "PageImport",
    "file_imports",
    "folder_imports",
    "html_imports",
    "js_imports",
    "map_imports",
]

SCANNED_SUFFIXES: Final = frozenset({".html", ".htm", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"})
"""Files whose text can hold an import."""
_HTML_SUFFIXES: Final = frozenset({".html", ".htm"})
_SKIPPED_DIRECTORIES: Final = frozenset({"node_modules", ".git", "__pycache__"})

_SPECIFIER: Final = re.compile(r"(?:oro|socket|node):[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*")
# The URL the bridge serves a module at (/oro/service-worker/worker.js is
# oro:service-worker/worker): what workers and plain <script src> name instead of a specifier.
_MODULE_URL: Final = re.compile(r"(?:[a-z]+://[^/]*)?/oro/([a-z0-9_\-]+(?:/[a-z0-9_\-]+)*)\.js")
_JAVASCRIPT_TYPES: Final = frozenset(
    {"", "module", "text/javascript", "application/javascript", "text/ecmascript"}
)
_MAX_CLAUSE_TOKENS: Final = 512
"""How far an ``import``/``export`` clause is followed to its ``from``: far above any real one,
and a bound on a hostile file's cost."""


@final
@record
class PageImport:
    """One module a file imports."""

    specifier: str
    """``oro:<x>`` or ``node:<x>`` (``socket:<x>`` is read as ``oro:<x>``)."""
    line: int
    """1-based, in the file."""
    names: tuple[str, ...] = ()
    """The names imported from it by name (``default`` for a default import); none for
    ``import * as``, a bare ``import '...'`` or ``import()``."""


def _module_url(value: str) -> str | None:
    """The specifier of the module at URL ``value`` (``/oro/fs.js`` → ``oro:fs``), if it is one."""
    url = _MODULE_URL.fullmatch(value.split("?", 1)[0].split("#", 1)[0])
    return f"oro:{url.group(1)}" if url is not None else None


def _specifier(value: str) -> str | None:
    if _SPECIFIER.fullmatch(value):
        return canonical_specifier(value)
    return _module_url(value)


def _clause_names(clause: list[str]) -> tuple[str, ...]:
    """The imported names of an ``import``/``export`` clause's tokens (before ``from``)."""
    names: list[str] = []
    in_braces = False
    skip_next = False
    for index, token in enumerate(clause):
        following = clause[index + 1] if index + 1 < len(clause) else ""
        if skip_next:
            skip_next = False
        elif token == "{":
            in_braces = True
        elif token == "}":
            in_braces = False
        elif token == "as":
            skip_next = True  # the local name
        elif in_braces and token != "," and not (token == "type" and following not in ",}"):
            name = token[1:-1] if is_string(token) else token
            if IDENTIFIER.fullmatch(name):
                names.append(name)
        elif not in_braces and token not in ("*", ",", "type") and IDENTIFIER.fullmatch(token):
            names.append("default")
    return tuple(dict.fromkeys(names))


@final
@record
class _Walk:
    """What one pass over a file's tokens finds beside :func:`import_sites`."""

    names: dict[int, tuple[str, ...]]
    """The imported names of each ``import ... from '…'``/``export ... from '…'``, by the
    offset of its string's text."""
    templates: list[tuple[int, str]]
    """``import(`…`)`` with a template literal without substitutions: offset, text."""
    strings: list[tuple[int, str]]
    """Every string literal (code only: comments and template text are not): offset, text."""


def _clause(tokens: Lookahead) -> tuple[list[str], tuple[int, int, str] | None]:
    """The tokens of the clause after ``import``/``export`` up to ``from``, and the string after
    ``from`` (``None``: no such clause)."""
    clause: list[str] = []
    while len(clause) < _MAX_CLAUSE_TOKENS and (current := tokens.peek(len(clause))):
        word = current[2]
        if word == "from":
            after = tokens.peek(len(clause) + 1)
            return clause, after if after is not None and is_string(after[2]) else None
        # A string ends the clause (import 'x'), but for a name in braces ({ "a b" as c }).
        if word in (";", "(", "=", ".") or (is_string(word) and "{" not in clause):
            break
        clause.append(word)
    return clause, None


def _is_plain_template(token: str) -> bool:
    return len(token) >= 2 and token[0] == token[-1] == "`" and "${" not in token


def _walk(source: str) -> _Walk:
    walk = _Walk({}, [], [])
    tokens = Lookahead(source)
    previous = ""
    while (token := tokens.take()) is not None:
        text, is_property, previous = token[2], previous in (".", "?."), token[2]
        if is_string(text):
            walk.strings.append((token[0] + 1, text[1:-1]))
        if text not in ("import", "export") or is_property:
            continue
        following = tokens.peek(0)
        if text == "import" and following is not None and following[2] == "(":
            argument = tokens.peek(1)
            if argument is not None and _is_plain_template(argument[2]):
                walk.templates.append((argument[0] + 1, argument[2][1:-1]))
            continue
        clause, site = _clause(tokens)
        if site is not None:
            walk.names[site[0] + 1] = _clause_names(clause)
    return walk


def js_imports(source: str, *, first_line: int = 1) -> list[PageImport]:
    """The modules JavaScript ``source`` imports: static imports and re-exports, bare
    ``import '…'``, ``import('…')`` with a string literal (or a template literal without
    substitutions), and a module's URL in any string
    (``new Worker('/oro/service-worker/worker.js')``).

    :param first_line: the line ``source`` starts at in its file (a ``<script>``'s body).
    """
    walk = _walk(source)
    found: list[PageImport] = []
    seen: set[int] = set()

    def add(offset: int, specifier: str | None, imported: tuple[str, ...] = ()) -> None:
        if specifier is not None and offset not in seen:
            seen.add(offset)
            line = first_line + source.count("\n", 0, offset)
            found.append(PageImport(specifier, line, imported))

    for site in import_sites(source):
        add(site.start, _specifier(site.value), walk.names.get(site.start, ()))
    for offset, value in walk.templates:
        add(offset, _specifier(value))
    for offset, value in walk.strings:
        if "/oro/" in value:
            add(offset, _module_url(value))
    return sorted(found, key=lambda item: item.line)


def map_imports(value: Any, *, text: str = "", first_line: int = 1) -> list[PageImport]:
    """The modules a parsed import map names as values in its ``imports`` and ``scopes`` (its
    keys only name what a page may import; its values say what that is).

    :param text: the map's JSON text, to tell each value's line from ``first_line``.
    """
    if not isinstance(value, dict):
        return []
    tables: list[Any] = [value.get("imports")]
    scopes = value.get("scopes")
    if isinstance(scopes, dict):
        tables.extend(scopes.values())
    found = []
    for table in tables:
        for item in table.values() if isinstance(table, dict) else ():
            specifier = _specifier(item) if isinstance(item, str) else None
            if specifier is not None:
                offset = max(text.find(json.dumps(item)), 0)
                found.append(PageImport(specifier, first_line + text.count("\n", 0, offset)))
    return found


class _Scripts(HTMLParser):
    """Collects each ``<script>``'s type, ``src``, body and the line its body starts at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.imports: list[PageImport] = []
        self._open: tuple[str, int] | None = None
        self._body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        attributes = {name: value or "" for name, value in attrs}
        kind = attributes.get("type", "").strip().lower()
        line = self.getpos()[0]
        specifier = _specifier(attributes.get("src", "").strip())
        if specifier is not None and kind in _JAVASCRIPT_TYPES:
            self.imports.append(PageImport(specifier, line))
        self._open, self._body = (kind, line), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            if not self._body:
                self._open = (self._open[0], self.getpos()[0])
            self._body.append(data)

    def finish(self) -> None:
        """Read what is left: a ``<script>`` left open runs to the end of the file."""
        self.close()
        if self._open is not None:
            self.handle_data(self.rawdata)  # html.parser keeps an unclosed element's text
            self.handle_endtag("script")

    def handle_endtag(self, tag: str) -> None:
        if tag != "script" or self._open is None:
            return
        (kind, line), body = self._open, "".join(self._body)
        self._open, self._body = None, []
        if kind in _JAVASCRIPT_TYPES:
            self.imports.extend(js_imports(body, first_line=line))
        elif kind == "importmap":
            try:
                value = json.loads(body)
            except ValueError:
                return  # the browser refuses it as well
            self.imports.extend(map_imports(value, text=body, first_line=line))


def html_imports(source: str) -> list[PageImport]:
    """The modules an HTML file imports: from its scripts' bodies and ``src`` attributes (see
    :func:`js_imports`), and its import maps' values."""
    parser = _Scripts()
    parser.feed(source)
    parser.finish()
    return sorted(parser.imports, key=lambda item: item.line)


def file_imports(path: Path) -> list[PageImport]:
    """The modules the file at ``path`` imports, read as HTML or JavaScript by its suffix.

    :raises OSError: it cannot be read.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    return html_imports(text) if path.suffix.lower() in _HTML_SUFFIXES else js_imports(text)


def folder_imports(
    root: Path, *, skipped: Collection[Path] = ()
) -> Iterator[tuple[Path, PageImport]]:
    """Each import of each page file below ``root`` (:data:`SCANNED_SUFFIXES`), in path order,
    never inside ``node_modules`` (npm packages name no ``oro:`` module a page needs unless the
    page imports them) nor ``skipped`` (folders or files). A file that cannot be read is
    passed over."""
    left_out = {os.path.realpath(path) for path in skipped}
    for parent, directories, files in os.walk(root):
        directories[:] = sorted(
            name
            for name in directories
            if name not in _SKIPPED_DIRECTORIES
            and os.path.realpath(os.path.join(parent, name)) not in left_out
        )
        for name in sorted(files):
            path = Path(parent, name)
            if path.suffix.lower() not in SCANNED_SUFFIXES or os.path.realpath(path) in left_out:
                continue
            try:
                imports = file_imports(path)
            except OSError:
                continue
            for found in imports:
                yield path, found
