"""Just enough of JavaScript's lexical grammar to find the module specifiers a file imports:
strings, template literals, comments and regular expression literals are told from code, so
the same text elsewhere is never taken for an import (:func:`import_sites`). The module
rewriter (:mod:`~oro_framework.web.specifiers`) and the ES module or CommonJS test
(:mod:`~oro_framework.web.module_format`) read files with it."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from typing import Final, final

from oro_framework.records import record

__all__ = ["IDENTIFIER", "Lookahead", "SpecifierSite", "import_sites", "is_string"]

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
IDENTIFIER: Final = re.compile(r"(?:[A-Za-z_$]|[^\x00-\x7f])(?:[\w$]|[^\x00-\x7f])*")
_NUMBER: Final = re.compile(r"\.?[0-9][\w.]*")
_LINE_BREAKS: Final = "\n\r\u2028\u2029"


@final
@record
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
                flags = IDENTIFIER.match(self.source, index)
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
            elif (word := IDENTIFIER.match(source, index)) is not None:
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


def is_string(token: str) -> bool:
    """Whether a token of the scanner is a whole single- or double-quoted string literal."""
    return len(token) >= 2 and token[0] in "'\"" and token[-1] == token[0]


class Lookahead:
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
    tokens = Lookahead(source)

    def site(token: tuple[int, int, str] | None) -> None:
        if token is not None and is_string(token[2]) and "\\" not in token[2]:
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
        if text == "import" and is_string(word):
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
                elif word != "," and not is_string(word) and not IDENTIFIER.fullmatch(word):
                    break
            elif word == "{":
                in_braces = True
            elif word == "from" and is_string((after := tokens.peek(ahead + 1) or (0, 0, ""))[2]):
                site(after)
                break
            elif word not in ("*", ",") and not IDENTIFIER.fullmatch(word):
                break
            ahead += 1
    return found
