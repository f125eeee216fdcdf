"""The app's own keys of an INI config (``socket.ini``, ``oro.ini``): those of its sections that
neither Socket's runtime nor an installed plugin reads, such as Socket's test app's
``[test-section]`` (test/socket.ini:91-97 of socketsupply/socket at 02a88245).

Socket hands every key of the file to every page, in ``__args.config`` (``application.config``:
src/runtime/webview/preload.cc:347-393, api/application.js:624), and so does oro for these, under
Socket's names and with Socket's values, so that a Socket app reading its own settings
(``application.config.myapp_api_url``) finds them:

- **Names**: ``[section.sub] key`` is ``section_sub_key``, dashes kept (``test-section_array``);
  ``[.sub]`` continues the section before (``test-section_subsection_key``); a key before any
  section header is its own name (src/runtime/ini/parse.cc:27-45).
- **Values**: ``key[] =`` lines joined by spaces (parse.cc:88-91), then typed as the preload
  types them (preload.cc:366-391): :func:`socket_value`.

The keys of the runtime's own sections are oro's keys or notes (:mod:`.ini_map`); an
``oro.toml`` holds declared keys only. A name that marks a secret stays out of pages, as a
declared key's does; a value that would set a page object's prototype (JSON naming
``__proto__``), or that no page could be handed as it is, is handed as its text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final, final

from oro_framework.host.config.files import DOC
from oro_framework.host.config.ini import IniValue
from oro_framework.host.config.keys import ConfigRegistry
from oro_framework.records import record

__all__ = [
    "RUNTIME_SECTIONS",
    "AppSection",
    "app_key_problem",
    "app_sections",
    "app_value",
    "declared_sections",
    "is_app_key",
    "socket_name",
    "socket_value",
]

RUNTIME_SECTIONS: Final = frozenset(
    {
        # The sections of Socket's own socket.ini template (src/cli/templates.hh:1851-2237)...
        "build",
        "webview",
        "permissions",
        "debug",
        "meta",
        "android",
        "ios",
        "linux",
        "mac",
        "native",
        "win",
        "window",
        "application",
        "tray",
        "headless",
        # ...and those its runtime and CLI read besides: [env] (preload.cc:394-396), .sscrc's
        # [settings] (src/cli/main.cc:2178), [ai.llm] (src/runtime/ai/llm/model.cc:68),
        # [web-process-extension] (src/desktop/extension/linux.cc:286), the keys `ssc` adds
        # (ssc_version, src/cli/main.cc:1901) and its Apple signing keys (main.cc:4234).
        "env",
        "settings",
        "ai",
        "web-process-extension",
        "ssc",
        "apple",
        # Older Socket's [bundle] identifier, and Oro's [filesystem] (oro-fs's keys).
        "bundle",
        "filesystem",
    }
)
"""The top-level sections the runtimes read: a key there is the runtime's, mapped onto oro's
key or noted as not honoured (:mod:`.ini_map`), never the app's own."""

_WORDS: Final[dict[str, Any]] = {"true": True, "false": False, "null": None, "NaN": math.nan}
_JS_SPACE: Final = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JavaScript's ``parseFloat`` and ``parseInt`` skip before a number (StrWhiteSpaceChar)."""
_JS_FLOAT: Final = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_HEX_DIGITS: Final = re.compile(r"[0-9a-fA-F]+")
_MAX_DEPTH: Final = 64
"""How deeply a JSON value may nest to be handed to pages as JSON: deeper, it is its text (a
page's script parser, like Python's, has a recursion limit)."""
_SHOWN_NAMES: Final = 4


def declared_sections(registry: ConfigRegistry) -> frozenset[str]:
    """The top-level sections of the keys ``registry`` declares, under their names and under
    Oro's (``meta`` for ``meta.title``), with :data:`RUNTIME_SECTIONS`: no key of theirs is the
    app's own."""
    names = [key.name for key in registry] + list(registry.oro_names())
    return RUNTIME_SECTIONS | {name.partition(".")[0] for name in names}


def is_app_key(section: str, key: str, taken: frozenset[str]) -> bool:
    """Whether ``[section] key`` is the app's own: its top-level section is none of ``taken``
    (:func:`declared_sections`). A key before any section header (``window_width = 800``, as
    Oro's flat configs write) is the app's unless its name starts with one of them."""
    if section:
        return section.partition(".")[0] not in taken
    return not any(key == name or key.startswith(f"{name}_") for name in taken)


def socket_name(section: str, key: str) -> str:
    """The key's name in Socket's config, as pages read it: ``test-section_subsection_key``
    (parse.cc:34-45)."""
    return f"{section.replace('.', '_')}_{key}" if section else key


def app_key_problem(name: str, is_secret: bool) -> str | None:
    """Why the app's key ``name`` stays out of pages, if it does."""
    if is_secret:
        return (
            "its name marks a secret, and pages get no secret here (read it in a plugin, or "
            "pass a reference: docs/config.md#secrets)"
        )
    if name == "__proto__":
        # Socket's preload assigns it too, setting the prototype of the page's config object.
        return "a page's object cannot hold a key named __proto__"
    return None


def app_value(origin: IniValue) -> tuple[Any, str | None] | None:
    """The value pages get for the app's key ``origin`` (:func:`socket_value` of its text), and
    why it is its text instead of the JSON it holds, when it is; ``None`` for an empty text,
    which Socket's preload skips (preload.cc:355)."""
    text = _socket_text(origin.value)
    if not text:
        return None
    value, problem = socket_value(text)
    return (text, problem) if problem is not None else (value, None)


def _socket_text(raw: str | list[str]) -> str:
    """The key's text as Socket's parser holds it: ``key[] =`` lines joined by a space unless
    the text so far is empty (parse.cc:88-91), trimmed as the preload trims it (preload.cc:352)."""
    if isinstance(raw, str):
        return raw
    text = ""
    for item in raw:
        text = f"{text} {item}" if text else item
    return text.strip(" \t\r\n")


def socket_value(text: str) -> tuple[Any, str | None]:
    """``text`` typed as Socket's preload types a config value (preload.cc:366-391), and why a
    JSON value is not handed to pages as such (then the value is ``None``).

    ``true``, ``false``, ``null`` and ``NaN`` are those values; text starting ``0x`` is the
    number its hex digits make (``parseInt``), any other text starting with a number is that
    number (``parseFloat``: ``8080``, ``1.5``, and ``1`` for ``1.0.0`` or ``1 2 3``, as there);
    text that is JSON is the JSON's value (``["a", "b"]``, ``{"a": 1}``, ``"quoted"``); any
    other text is itself.
    """
    if text in _WORDS:
        return _WORDS[text], None
    number = _js_parse_hex(text[2:]) if text.startswith("0x") else _js_parse_float(text)
    if number is not None:
        return number, None
    try:
        # JavaScript's JSON.parse: no NaN or Infinity, every number a double.
        value = json.loads(text, parse_constant=_no_constant, parse_int=float)
    except ValueError:
        return text, None
    except RecursionError:
        return None, f"its JSON nests deeper than {_MAX_DEPTH} levels"
    return value, _page_problem(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON has no {name}")


def _js_parse_float(text: str) -> float | None:
    match = _JS_FLOAT.match(text.lstrip(_JS_SPACE))
    return None if match is None else float(match.group())


def _js_parse_hex(text: str) -> float | None:
    """JavaScript's ``parseInt(text, 16)``: a sign, an optional ``0x``, the hex digits."""
    text = text.lstrip(_JS_SPACE)
    sign = -1.0 if text.startswith("-") else 1.0
    text = text[1:] if text.startswith(("-", "+")) else text
    text = text[2:] if text[:2] in ("0x", "0X") else text
    digits = _HEX_DIGITS.match(text)
    if digits is None:
        return None
    try:
        return sign * float(int(digits.group(), 16))
    except OverflowError:
        return sign * math.inf


def _page_problem(value: Any) -> str | None:
    """Why a JSON value cannot go into a page's script as it is: a key ``__proto__`` (an object
    literal's ``"__proto__":`` sets the object's prototype, where ``JSON.parse`` makes a plain
    property), a string no UTF-8 page can hold (a lone surrogate, ``"\\ud800"``), or nesting
    deeper than :data:`_MAX_DEPTH`."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > _MAX_DEPTH:
            return f"its JSON nests deeper than {_MAX_DEPTH} levels"
        if isinstance(item, str) and not _is_utf8(item):
            return "its JSON holds a lone surrogate, which no page's text can"
        if isinstance(item, dict):
            if "__proto__" in item:
                return "its JSON names __proto__, which would set the prototype of a page's object"
            pending.extend((key, depth + 1) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


@final
@record
class AppSection:
    """A section of the app's own (``""`` for the keys before any header): the line of its
    first key, and the names pages read its keys under."""

    section: str
    line: int
    names: tuple[str, ...]

    def message(self, file_name: str) -> str:
        """The warning line: ``socket.ini:92: [test-section] is the app's own section: pages
        read it in application.config as test-section_array (see DOC)``."""
        what = f"[{_printable(self.section)}]" if self.section else "the keys before any section"
        shown = ", ".join(_printable(name) for name in self.names[:_SHOWN_NAMES])
        more = len(self.names) - _SHOWN_NAMES
        if more > 0:
            shown += f" and {more} more"
        return (
            f"{file_name}:{self.line}: {what} is the app's own (no runtime or installed plugin "
            f"reads it): pages read it in application.config as {shown} (see {DOC})"
        )


def app_sections(origins: list[IniValue], headers: dict[str, int]) -> list[AppSection]:
    """The sections of the app's keys ``origins`` that pages read, in the order they appear,
    each at its header's line (``headers``: :attr:`~.ini.IniDocument.sections`)."""
    names: dict[str, list[str]] = {}
    for origin in origins:
        names.setdefault(origin.section, []).append(socket_name(origin.section, origin.key))
    return [
        AppSection(section, headers.get(section, 1), tuple(keys)) for section, keys in names.items()
    ]
