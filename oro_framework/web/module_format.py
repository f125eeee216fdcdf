"""Whether a package's JavaScript file is an ES module or CommonJS, and the names it exports.

Oro's npm loader (``api/npm/module.js``, ``api/npm/service-worker.js``) loads the file a
package resolves to and asks ``isESMSource`` (a regular expression over the text) whether it is
an ES module; a CommonJS one (a UMD bundle such as chart.js 2.x included) is run by its
``createRequire`` and the module the page imports is
``export default exports?.default ?? exports``. oro decides the same way with a scanner that
knows strings, comments and regular expressions (a word ``export`` in a comment makes no ES
module): ``.mjs`` and a ``"type": "module"`` package are ES modules, ``.cjs`` is CommonJS, and
a ``.js`` file is an ES module when it has ``import``/``export`` syntax, CommonJS when it uses
``module``, ``exports``, ``require(`` or tests for them (UMD), and otherwise (a plain script)
an ES module as before.

Node gives a CommonJS module's ``module.exports`` as the default export and the names its
lexer finds (``exports.x = ``, ``module.exports.x = ``, ``Object.defineProperty(exports,
'x'``) as named exports: :func:`analyse` finds those names the same way, so
``import { x } from 'npm:pkg'`` works as under Node.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Final, Literal, final

from oro_framework.records import record
from oro_framework.web.js_scanner import IDENTIFIER, Lookahead, is_string

__all__ = ["ModuleShape", "analyse", "format_of"]

_ESM_AFTER_EXPORT: Final = frozenset(
    {"{", "*", "default", "const", "let", "var", "function", "class", "async"}
)
_WORDS: Final = re.compile(rb"\b(?:import|export|module|exports|require|define)\b")


@final
@record(frozen=False)
class ModuleShape:
    """What a scan of a file found."""

    esm: bool = False
    """``import``/``export`` syntax (or ``import.meta``)."""
    commonjs: bool = False
    """``module.exports``, ``exports.x``, ``require(...)`` or a UMD test of them."""
    names: list[str] = field(default_factory=list)
    """Named exports as Node's CommonJS lexer finds them, in order, without ``default`` and
    ``__esModule``."""


def _literal_name(token: str) -> str | None:
    if is_string(token) and "\\" not in token:
        return token[1:-1]
    return None


def _export_name(tokens: Lookahead, ahead: int) -> str | None:
    """The name assigned at ``.x =`` or ``['x'] =`` starting ``ahead`` tokens on."""
    first = tokens.peek(ahead)
    if first is None:
        return None
    if first[2] == ".":
        name, after = tokens.peek(ahead + 1), tokens.peek(ahead + 2)
        if name is not None and after is not None and after[2] == "=":
            return name[2] if IDENTIFIER.fullmatch(name[2]) else None
    if first[2] == "[":
        name, close, after = (tokens.peek(ahead + index) for index in (1, 2, 3))
        if name is not None and close is not None and after is not None and close[2] == "]":
            return _literal_name(name[2]) if after[2] == "=" else None
    return None


def _defined_name(tokens: Lookahead) -> str | None:
    """After ``Object``: the name of ``.defineProperty(exports, 'x'`` or
    ``.defineProperty(module.exports, 'x'``."""
    words = [tokens.peek(index) for index in range(8)]
    texts = [word[2] if word is not None else "" for word in words]
    if texts[:4] != [".", "defineProperty", "(", "exports"] and texts[:6] != [
        ".",
        "defineProperty",
        "(",
        "module",
        ".",
        "exports",
    ]:
        return None
    comma = 4 if texts[3] == "exports" else 6
    if texts[comma] != ",":
        return None
    return _literal_name(texts[comma + 1])


def _step(shape: ModuleShape, tokens: Lookahead, text: str, previous: str) -> None:
    """Look at one token (``previous`` is the one before it)."""
    if previous in (".", "?."):
        return
    following = tokens.peek(0)
    word = following[2] if following is not None else ""
    name: str | None = None
    if text == "import":
        shape.esm = shape.esm or word in ("{", "*", ".") or is_string(word)
        shape.esm = shape.esm or (bool(IDENTIFIER.fullmatch(word)) and word != "from")
    elif text == "export":
        shape.esm = shape.esm or word in _ESM_AFTER_EXPORT
    elif text == "require":
        shape.commonjs = shape.commonjs or word == "("
    elif text == "typeof":
        shape.commonjs = shape.commonjs or word in ("exports", "module", "define")
    elif text == "exports":
        shape.commonjs = shape.commonjs or word in (".", "[", "=")
        name = _export_name(tokens, 0)
    elif text == "module" and word == ".":
        second = tokens.peek(1)
        if second is not None and second[2] == "exports":
            shape.commonjs = True
            name = _export_name(tokens, 2)
    elif text == "Object":
        name = _defined_name(tokens)
    if name is not None and name not in ("default", "__esModule") and name not in shape.names:
        shape.names.append(name)


def analyse(source: str) -> ModuleShape:
    """Scan ``source`` for ES module syntax, CommonJS use and CommonJS named exports."""
    shape = ModuleShape()
    if _WORDS.search(source.encode("utf-8", "surrogateescape")) is None:
        return shape
    tokens = Lookahead(source)
    previous = ""
    while (token := tokens.take()) is not None:
        _step(shape, tokens, token[2], previous)
        if shape.esm:
            shape.names.clear()
            return shape
        previous = token[2]
    return shape


def format_of(
    filename: str, source: str, package_type: str | None
) -> tuple[Literal["module", "commonjs"], ModuleShape]:
    """Whether ``filename`` (with its text and its package's ``"type"``) loads as an ES module
    or as CommonJS, and what a scan found (nothing for a file decided by its name)."""
    lowered = filename.lower()
    if lowered.endswith(".mjs") or (package_type == "module" and not lowered.endswith(".cjs")):
        return "module", ModuleShape(esm=True)
    shape = analyse(source)
    if lowered.endswith(".cjs"):
        return "commonjs", shape
    if shape.esm or not shape.commonjs:
        return "module", shape
    return "commonjs", shape
