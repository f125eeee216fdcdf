"""Oro's menu text, parsed into a model and rendered back; pure (no Qt, no I/O).

A system or tray menu is one or more menus, each ended by ``;`` (the last may omit it)::

    File:
      Open: o + CommandOrControl
      Save As: S + Control        (a capital key means Shift: Control+Shift+S)
      ---
      !Print: p + Control         (``!``: disabled)
      *Autosave: _                (``*``: checked, ``state`` 1; ``_``: no accelerator)
      Recent > Notes.txt: _       (extension: ``Parent > Child`` puts Child in submenu Parent)
      Recent > Older > Draft: _   (submenus nest, at most MAX_DEPTH deep)
      Quit: q + Control;
    Help:
      About: _;

Every menu starts with a ``Title:`` line. Every other line is an item ``Label: key [+
Modifier[, Modifier]...]`` or a separator ``---`` (Oro also writes ``---: _``); an empty key is
no accelerator, as ``_`` is. The key is one character or a named key (``F5``, ``Delete``,
``Enter``... :data:`NAMED_KEYS`); the modifiers are those of :data:`MODIFIERS`, in any case.
A label splits from its key at its last ``:``; it cannot contain ``>`` (the submenu mark), start
with ``!`` or ``*`` (the markers) or be only dashes (a separator).

A context menu is items only, without a title or ``;``: ``Copy: c + Control`` lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Final, final

from oro_framework import InvalidArgumentError
from oro_framework.records import record

__all__ = [
    "MAX_DEPTH",
    "MODIFIERS",
    "NAMED_KEYS",
    "Accelerator",
    "Entry",
    "Item",
    "Menu",
    "Separator",
    "Submenu",
    "count_entries",
    "parse_items",
    "parse_menus",
    "render_items",
    "render_menus",
]

MAX_DEPTH: Final = 8
"""Submenus within a menu may nest this deep (``A > B > ... > Item``)."""

MODIFIERS: Final[dict[str, str]] = {
    **{
        name.lower(): name
        for name in ("Meta", "Command", "Control", "CommandOrControl", "Option", "Alt", "Shift")
    },
    "super": "Meta",
}
"""Oro's accelerator modifiers by their lower-case spelling (``Super`` is Socket's name of
``Meta``: ``api/application/menu.js``)."""

_MODIFIER_ORDER: Final = tuple(dict.fromkeys(MODIFIERS.values()))

NAMED_KEYS: Final[dict[str, str]] = {
    name.lower(): name
    for name in (
        *(f"F{number}" for number in range(1, 25)),
        "Enter",
        "Return",
        "Escape",
        "Tab",
        "Space",
        "Backspace",
        "Delete",
        "Insert",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "Up",
        "Down",
        "Left",
        "Right",
    )
}
"""Keys with a name rather than a character, by their lower-case spelling."""

# Characters the grammar itself uses cannot be keys.
_RESERVED_KEYS: Final = frozenset("+,;:_")
SYNTAX: Final = "ERR_MENU_SYNTAX"
TOO_LARGE: Final = "ERR_MENU_TOO_LARGE"


@final
@record
class Accelerator:
    """A key and its modifiers (canonical spelling, canonical order, Shift for a capital)."""

    key: str
    modifiers: tuple[str, ...] = ()

    def render(self) -> str:
        if not self.modifiers:
            return self.key
        return f"{self.key} + {', '.join(self.modifiers)}"


@final
@record
class Item:
    """A menu item; ``line`` (1-based, of the text it came from) takes no part in equality."""

    title: str
    accelerator: Accelerator | None = None
    enabled: bool = True
    checked: bool = False
    line: int = field(default=0, compare=False)


@final
@record
class Separator:
    line: int = field(default=0, compare=False)


@final
@record
class Submenu:
    """Items under ``title`` (never empty: a submenu exists because an item names it)."""

    title: str
    entries: tuple[Entry, ...]


Entry = Item | Separator | Submenu


@final
@record
class Menu:
    """One menu of a menu bar or tray menu: its title and what it holds."""

    title: str
    entries: tuple[Entry, ...]


def parse_menus(text: str, max_items: int) -> tuple[Menu, ...]:
    """The menus of system or tray menu ``text``; blank text is no menu at all.

    :raises InvalidArgumentError: ``ERR_MENU_SYNTAX`` (``line``: 1-based) when the text is not
        menu text, ``ERR_MENU_TOO_LARGE`` (``limit``) past ``max_items`` items and separators.
    """
    parser = _Parser(max_items)
    menus: list[Menu] = []
    title: str | None = None
    for number, line in _lines(text):
        ends = line.endswith(";")
        if ends:
            line = line[:-1].rstrip()
        if title is None:
            if not line:
                if ends:
                    raise _syntax(number, "';' ends a menu, but no menu was started")
                continue
            title = _title(number, line)
            parser.start()
        elif line:
            parser.line(number, line)
        if ends:
            menus.append(Menu(title, parser.finish()))
            title = None
    if title is not None:
        menus.append(Menu(title, parser.finish()))
    return tuple(menus)


def parse_items(text: str, max_items: int) -> tuple[Entry, ...]:
    """The entries of context menu ``text`` (items only; a ``;`` ending a line is ignored).

    :raises InvalidArgumentError: as :func:`parse_menus`.
    """
    parser = _Parser(max_items)
    parser.start()
    for number, line in _lines(text):
        if line.endswith(";"):
            line = line[:-1].rstrip()
        if line:
            parser.line(number, line)
    return parser.finish()


def render_menus(menus: Iterable[Menu]) -> str:
    """Menu text that :func:`parse_menus` reads back as ``menus``."""
    return "".join(
        f"{menu.title}:\n" + "".join(f"  {line}\n" for line in _render(menu.entries, "")) + ";\n"
        for menu in menus
    )


def render_items(entries: Iterable[Entry]) -> str:
    """Context menu text that :func:`parse_items` reads back as ``entries``."""
    return "".join(f"{line}\n" for line in _render(entries, ""))


def count_entries(entries: Iterable[Entry]) -> int:
    """Items and separators, submenus' included (what ``max_menu_items`` bounds)."""
    return sum(
        count_entries(entry.entries) if isinstance(entry, Submenu) else 1 for entry in entries
    )


def _render(entries: Iterable[Entry], prefix: str) -> Iterator[str]:
    for entry in entries:
        if isinstance(entry, Separator):
            # A submenu title may hold a ':', which the key's ':' must follow.
            yield f"{prefix}---: _" if prefix else "---"
        elif isinstance(entry, Submenu):
            yield from _render(entry.entries, f"{prefix}{entry.title} > ")
        else:
            marks = ("" if entry.enabled else "!") + ("*" if entry.checked else "")
            key = "_" if entry.accelerator is None else entry.accelerator.render()
            yield f"{prefix}{marks}{entry.title}: {key}"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.strip()


def _syntax(line: int, message: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"Menu text, line {line}: {message}", code=SYNTAX, line=line)


def _title(number: int, line: str) -> str:
    if not line.endswith(":"):
        raise _syntax(
            number,
            f"expected a menu title ('Title:'), got {line!r}; end the previous menu with ';' "
            "only after its last item",
        )
    title = line[:-1].strip()
    if not title:
        raise _syntax(number, "a menu title cannot be empty")
    return title


def _is_separator(label: str) -> bool:
    return len(label) >= 3 and set(label) == {"-"}


class _Builder:
    """A menu or submenu while it is parsed."""

    def __init__(self) -> None:
        self.entries: list[Entry | _Builder] = []
        self.submenus: dict[str, _Builder] = {}
        self.titles: dict[int, str] = {}

    def freeze(self) -> tuple[Entry, ...]:
        frozen: list[Entry] = []
        for entry in self.entries:
            if isinstance(entry, _Builder):
                frozen.append(Submenu(self.titles[id(entry)], entry.freeze()))
            else:
                frozen.append(entry)
        return tuple(frozen)

    def submenu(self, title: str) -> _Builder:
        found = self.submenus.get(title)
        if found is None:
            found = self.submenus[title] = _Builder()
            self.titles[id(found)] = title
            self.entries.append(found)
        return found


class _Parser:
    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self.count = 0
        self.root = _Builder()

    def start(self) -> None:
        self.root = _Builder()

    def finish(self) -> tuple[Entry, ...]:
        return self.root.freeze()

    def line(self, number: int, line: str) -> None:
        self.count += 1
        if self.count > self.max_items:
            raise InvalidArgumentError(
                f"Menu text, line {number}: more than {self.max_items} items "
                "(desktop.max_menu_items)",
                code=TOO_LARGE,
                line=number,
                limit=self.max_items,
            )
        label, colon, key = line.rpartition(":")
        if not colon:
            label, key = line, ""
        label = label.strip()
        *path, leaf = (part.strip() for part in label.split(">"))
        if len(path) > MAX_DEPTH:
            raise _syntax(number, f"submenus nest at most {MAX_DEPTH} deep")
        target = self.root
        for title in path:
            if not title:
                raise _syntax(number, "a submenu title ('Parent > Item') cannot be empty")
            if title[0] in "!*" or _is_separator(title):
                raise _syntax(
                    number, f"{title!r} is a submenu title: put '!' or '*' on the item itself"
                )
            target = target.submenu(title)
        if _is_separator(leaf):
            if key.strip() not in ("", "_"):
                raise _syntax(number, "a separator ('---') takes no key")
            target.entries.append(Separator(number))
            return
        if not colon:
            raise _syntax(
                number, f"{line!r} has no ':' before its key (write '{line}: _' for no key)"
            )
        enabled, checked = True, False
        while leaf[:1] in ("!", "*"):
            if leaf[0] == "!" and enabled:
                enabled = False
            elif leaf[0] == "*" and not checked:
                checked = True
            else:
                raise _syntax(number, f"{leaf[0]!r} appears twice before the label")
            leaf = leaf[1:].lstrip()
        if not leaf:
            raise _syntax(number, "an item needs a label before its ':'")
        if _is_separator(leaf):
            raise _syntax(number, "a separator ('---') cannot be disabled or checked")
        target.entries.append(Item(leaf, _accelerator(number, key), enabled, checked, number))


def _accelerator(number: int, text: str) -> Accelerator | None:
    text = text.strip()
    if text in ("", "_"):
        return None
    key_text, plus, rest = text.partition("+")
    key = key_text.strip()
    if not key:
        raise _syntax(number, "missing accelerator key before '+'")
    modifiers: set[str] = set()
    if plus:
        # Socket reads the modifiers up to a second '+' and skips the rest unread
        # (api/application/menu.js, src/runtime/window/linux.cc): a name it skips is honoured
        # here when known and skipped when not, never an error.
        for group, names in enumerate(rest.split("+")):
            for part in names.split(","):
                name = part.strip()
                if not name:
                    raise _syntax(number, "missing modifier after '+' or ','")
                canonical = MODIFIERS.get(name.lower())
                if canonical is None and group == 0:
                    raise _syntax(
                        number, f"unknown modifier {name!r}: use {', '.join(_MODIFIER_ORDER)}"
                    )
                if canonical is not None:
                    modifiers.add(canonical)
    named = NAMED_KEYS.get(key.lower())
    if named is not None:
        key = named
    elif len(key) != 1 or key in _RESERVED_KEYS or not key.isprintable() or key.isspace():
        raise _syntax(
            number,
            f"{key!r} is not a key: use one character (not one of '+,;:_') or a named key "
            "such as F5, Delete, Enter",
        )
    else:
        lower = key.lower()
        if lower != key and len(lower) == 1:
            key = lower
            modifiers.add("Shift")
    ordered = tuple(name for name in _MODIFIER_ORDER if name in modifiers)
    return Accelerator(key, ordered)
