"""Reading Oro's and Socket Runtime's INI config files (``oro.ini``, ``socket.ini``) as written.

The dialect is the runtimes' own (``src/runtime/ini/parse.cc`` of Socket Runtime), stricter only
where it would silently lose a line:

- ``[a]`` opens section ``a``, ``[a.b]`` a nested one; ``[.c]`` continues the current one
  (``[a.b.c]``). Text after the closing ``]`` may only be a comment.
- ``key = value``; the key is anything up to the first ``=`` (``$HOST_HOME/docs/``,
  ``./node_modules``, ``/``). ``key[] = value`` appends to the list ``key``.
- A value in ``"..."`` or ``'...'`` ends at the same quote (no escapes; the text inside is
  trimmed, as the runtime does) and only a comment may follow it. An unquoted value ends at the
  first ``;``: ``1.0.0``, ``60%``, ``true``, ``#fff`` and ``a, b, c`` are all text.
- Lines starting with ``;`` or ``#`` are comments; blank lines are skipped.
- Every value is text: :mod:`.ini_map` gives it the type of the key it maps to.
- Lines end at ``\n`` only, as the runtime splits them (and ``grep`` and editors show them):
  ``\r`` is trimmed with the spaces and tabs at either end of a line, so ``\r\n`` files read
  the same, and no other character (``\x1c``, ``\v``, U+2028...) starts a line; a key cannot
  hide inside what every other reader shows as one line. Trimming is the runtime's too (space,
  tab, ``\r``, ``\n``; nothing else).
- The file is UTF-8; a leading byte order mark is dropped (Windows editors write one).

Where the runtime skips a line it cannot read, this reader raises :class:`ConfigError` naming
the file, line and column: a missing ``=``, an empty key, an unterminated quote, a section
header without its ``]``; and for a file that is not UTF-8 text (UTF-16, Latin-1, NUL bytes),
naming the file and what it holds instead.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Final, final

from oro_framework.host.errors import ConfigError
from oro_framework.records import record

__all__ = ["IniDocument", "IniValue", "decode_ini", "format_ini", "parse_ini", "read_ini"]

_COMMENTS: Final = (";", "#")
_QUOTES: Final = ('"', "'")
_TRIM: Final = " \t\r\n"
"""What the runtime's ``trim`` removes (``src/runtime/string/string.cc``); ``str.strip()``
would remove more (``\x1c``, ``\v``, U+2028...) and see keys the runtime does not."""
_BOM: Final = "\ufeff"
_UTF16_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

_Fail = Callable[[str, int], ConfigError]
"""Builds the error of the line being read: ``fail(problem, column)``."""
_FailValue = Callable[[str], ConfigError]


@final
@record(frozen=False)
class IniValue:
    """One key of a section: its text (a list for ``key[] = ...``) and the line that set it."""

    section: str
    key: str
    value: str | list[str]
    line: int

    @property
    def name(self) -> str:
        """How docs and messages call it: ``[window] height``."""
        return f"[{self.section}] {self.key}" if self.section else self.key


@final
@record(frozen=False)
class IniDocument:
    """A parsed INI file: its values in the order they first appear, keyed by
    ``(section, key)``, and the line of each section header."""

    values: dict[tuple[str, str], IniValue] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, IniValue]:
        """The values of section ``name``, by key."""
        return {key: value for (section, key), value in self.values.items() if section == name}


def read_ini(path: Path) -> str:
    """The text of the INI file ``path`` (:func:`decode_ini` of its bytes).

    :raises ConfigError: it is not UTF-8 text.
    :raises OSError: it cannot be read.
    """
    return decode_ini(path.read_bytes(), path)


def decode_ini(data: bytes, path: Path) -> str:
    """``data``, the bytes of ``path``, as text: UTF-8, a leading byte order mark dropped.

    :raises ConfigError: UTF-16 or UTF-32 (by their byte order mark), bytes that are not UTF-8,
        or NUL characters (UTF-16 without its mark); the message names the file and says to
        save it as UTF-8.
    """
    fix = "save it as UTF-8 (the encoding Oro and Socket read)"
    for mark, encoding in _UTF16_BOMS:
        if data.startswith(mark):
            raise ConfigError(f"the file is {encoding} text, not UTF-8: {fix}", source=str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}, maybe Latin-1 or Windows-1252): {fix}",
            source=str(path),
        ) from None
    if "\0" in text:
        raise ConfigError(
            f"the file holds NUL characters (at offset {text.index(chr(0))}; UTF-16 without its "
            f"byte order mark?): {fix}",
            source=str(path),
        )
    return text.removeprefix(_BOM)


def parse_ini(text: str, path: Path) -> IniDocument:
    """Parse ``text``, the content of ``path``.

    :raises ConfigError: a line the dialect cannot read; the source is ``<path>:<line>:<col>``
        (``path`` as given, so that a user with several apps knows which file).
    """
    document = IniDocument()
    section = ""
    for number, raw in enumerate(text.removeprefix(_BOM).split("\n"), start=1):
        indent = len(raw) - len(raw.lstrip(_TRIM))
        line = raw.strip(_TRIM)
        fail = functools.partial(_error, path, number)

        if not line or line.startswith(_COMMENTS):
            continue
        if line.startswith("["):
            section = _section_header(line, section, fail)
            document.sections.setdefault(section, number)
            continue
        key, equals, rest = line.partition("=")
        if not equals:
            raise fail(
                "expected 'key = value', a [section] header or a comment (';' or '#')",
                indent + 1,
            )
        key = key.strip(_TRIM)
        is_append = key.endswith("[]")
        key = key.removesuffix("[]").strip(_TRIM)
        if not key:
            raise fail("a key is missing before '='", indent + 1)
        value_column = indent + len(line) - len(rest.lstrip(_TRIM)) + 1
        value = _value(
            rest.strip(_TRIM), functools.partial(_error, path, number, column=value_column)
        )
        document.sections.setdefault(section, number)
        if is_append:
            _append(document, section, key, value, number)
        else:
            document.values[(section, key)] = IniValue(section, key, value, number)
    return document


def _append(document: IniDocument, section: str, key: str, value: str, line: int) -> None:
    """``key[] = value``: onto the key's own list, in place (a copy per line made 120,000 lines
    take half a minute). Appending to a plain value keeps it, as the runtime joins them."""
    existing = document.values.get((section, key))
    if existing is None:
        document.values[(section, key)] = IniValue(section, key, [value], line)
    elif isinstance(existing.value, str):
        document.values[(section, key)] = IniValue(section, key, [existing.value, value], line)
    else:
        existing.value.append(value)
        existing.line = line


def _error(path: Path, line: int, problem: str, column: int = 1) -> ConfigError:
    return ConfigError(f"invalid INI: {problem}", source=f"{path}:{line}:{column}")


def _section_header(line: str, current: str, fail: _Fail) -> str:
    end = line.find("]")
    if end < 0:
        raise fail("section header without its closing ']'", len(line) + 1)
    trailing = line[end + 1 :].strip(_TRIM)
    if trailing and not trailing.startswith(_COMMENTS):
        raise fail(f"unexpected text after the section header: {trailing!r}", end + 2)
    name = line[1:end].strip(_TRIM)
    if name.startswith("."):
        name = f"{current}{name}" if current else name[1:]
    parts = [part.strip(_TRIM) for part in name.split(".")]
    if not name or any(not part for part in parts):
        raise fail(f"empty section name in {line[: end + 1]!r}", 2)
    return ".".join(parts)


def _value(text: str, fail: _FailValue) -> str:
    if text[:1] in _QUOTES:
        quote = text[0]
        end = text.find(quote, 1)
        if end < 0:
            raise fail(f"unterminated string (close it with {quote} on the same line)")
        trailing = text[end + 1 :].strip(_TRIM)
        if trailing and not trailing.startswith(_COMMENTS):
            raise fail(f"unexpected text after the closing {quote}: {trailing!r}")
        return text[1:end].strip(_TRIM)
    # As the runtime does: ';' starts a comment, '#' does not (colours such as #fff).
    return text.partition(";")[0].strip(_TRIM)


def format_ini(tree: Mapping[str, Mapping[str, str | Sequence[str]]]) -> str:
    """INI text that :func:`parse_ini` reads back as ``tree`` (``{section: {key: text}}``, a
    list for ``key[] = ...`` lines). Values are quoted when their text needs it.

    :raises ValueError: a section or key name, or a value, that the dialect cannot hold (a line
        break, a value with both quote characters, a key with ``=``...).
    """
    lines: list[str] = []
    for section, values in tree.items():
        if section:
            _check_name(section, "section", forbidden="[]=;#\n\r")
            lines.append(f"[{section}]")
        elif lines:
            raise ValueError("the section without a name must come first")
        for key, value in values.items():
            _check_name(key, "key", forbidden="=\n\r")
            if key.startswith(("[", *_COMMENTS)) or key.endswith("[]"):
                raise ValueError(f"key {key!r} cannot be written")
            if isinstance(value, str):
                lines.append(f"{key} = {_quoted(value)}")
            else:
                lines.extend(f"{key}[] = {_quoted(item)}" for item in value)
        lines.append("")
    return "\n".join(lines)


def _check_name(name: str, kind: str, *, forbidden: str) -> None:
    if name != name.strip() or not name or any(char in name for char in forbidden):
        raise ValueError(f"{kind} {name!r} cannot be written")
    if kind == "section" and any(not part.strip() for part in name.split(".")):
        raise ValueError(f"section {name!r} has an empty part")


def _quoted(value: str) -> str:
    if "\n" in value or "\r" in value or value != value.strip():
        raise ValueError(f"value {value!r} cannot be written (line break or outer spaces)")
    if value and ";" not in value and value[0] not in _QUOTES:
        return value
    quote = '"' if '"' not in value else "'"
    if quote in value:
        raise ValueError(f"value {value!r} holds both quote characters")
    return f"{quote}{value}{quote}"
