"""Oro's menu text (oro_desktop.menus.text): what it reads, the typed error naming the line for
what it does not, and, for any text at all, a menu model or that error and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oro_desktop.menus.text import (
    MAX_DEPTH,
    Accelerator,
    Entry,
    Item,
    Menu,
    Separator,
    Submenu,
    count_entries,
    parse_items,
    parse_menus,
    render_items,
    render_menus,
)

from oro_framework import InvalidArgumentError

LIMIT = 1000

OROS_EXAMPLE = """
  App:
    Foo: f;

  Edit:
    Cut: x
    Copy: c
    Paste: v
    Delete: _
    Select All: a;

  Other:
    Apple: _
    Another Test: T
    !Im Disabled: I
    Some Thing: S + Meta
    ---
    ---: _
    Bazz: s + Meta, Control, Alt;
"""


def test_oros_own_example_reads_as_oro_means_it() -> None:
    app, edit, other = parse_menus(OROS_EXAMPLE, LIMIT)
    assert app == Menu("App", (Item("Foo", Accelerator("f")),))
    assert [item.title for item in edit.entries if isinstance(item, Item)] == [
        "Cut",
        "Copy",
        "Paste",
        "Delete",
        "Select All",
    ]
    assert edit.entries[3] == Item("Delete")
    assert other.entries == (
        Item("Apple"),
        Item("Another Test", Accelerator("t", ("Shift",))),
        Item("Im Disabled", Accelerator("i", ("Shift",)), enabled=False),
        Item("Some Thing", Accelerator("s", ("Meta", "Shift"))),
        Separator(),
        Separator(),
        Item("Bazz", Accelerator("s", ("Meta", "Control", "Alt"))),
    )


def test_submenus_checked_items_named_keys_and_a_last_menu_without_semicolon() -> None:
    (file,) = parse_menus(
        "File:\n"
        "  Open: o + CommandOrControl\n"
        "  Recent > Notes.txt: _\n"
        "  *Autosave: F5 + alt\n"
        "  Recent > Older > !Draft: delete\n"
        "  Recent > ---\n"
        "  Quit: q + control + shift\n",
        LIMIT,
    )
    assert file.entries == (
        Item("Open", Accelerator("o", ("CommandOrControl",))),
        Submenu(
            "Recent",
            (
                Item("Notes.txt"),
                Submenu("Older", (Item("Draft", Accelerator("Delete"), enabled=False),)),
                Separator(),
            ),
        ),
        Item("Autosave", Accelerator("F5", ("Alt",)), checked=True),
        Item("Quit", Accelerator("q", ("Control", "Shift"))),
    )


def test_a_context_menu_is_items_without_a_title() -> None:
    assert parse_items("Copy: c + Control\nPaste:\n---\nMore > Inspect: _;\n", LIMIT) == (
        Item("Copy", Accelerator("c", ("Control",))),
        Item("Paste"),
        Separator(),
        Submenu("More", (Item("Inspect"),)),
    )


def test_modifiers_after_a_second_plus_are_read_as_socket_reads_them() -> None:
    # Socket checks and uses the modifiers up to a second '+' only: "OptionOrAlt" in an Oro
    # app's developer menu never stops it there.
    text = "Developer:\n  Tools: i + CommandOrControl + OptionOrAlt\n  Find: f + Super + Shift;\n"
    assert parse_menus(text, LIMIT)[0].entries == (
        Item("Tools", Accelerator("i", ("CommandOrControl",))),
        Item("Find", Accelerator("f", ("Meta", "Shift"))),
    )


def test_blank_text_is_no_menu() -> None:
    assert parse_menus(" \n\n", LIMIT) == ()
    assert parse_items("", LIMIT) == ()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Cut: x\n", 1, "menu title"),
        ("File:\n  Open: o;\n  Save: s;\n", 3, "menu title"),
        ("File:\n  Open: o + \n", 2, "missing modifier"),
        ("File:\n  Open: + Control\n", 2, "missing accelerator key"),
        ("File:\n\n  Open: o + Hyper\n", 3, "unknown modifier 'Hyper'"),
        ("File:\n  Open: ok\n", 2, "'ok' is not a key"),
        ("File:\n  Open\n", 2, "has no ':'"),
        ("File:\n  !!Open: o\n", 2, "twice"),
        ("File:\n  : o\n", 2, "needs a label"),
        ("File:\n  --- : x\n", 2, "separator"),
        ("File:\n  !Recent > Notes: _\n", 2, "submenu title"),
        ("File:\n   > Notes: _\n", 2, "cannot be empty"),
        (":\n", 1, "cannot be empty"),
        (";\n", 1, "no menu was started"),
        ("File:\n  " + " > ".join(["S"] * (MAX_DEPTH + 1)) + " > x: _\n", 2, "nest"),
    ],
)
def test_bad_text_is_a_typed_error_naming_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        parse_menus(text, LIMIT)
    error = raised.value
    assert error.code == "ERR_MENU_SYNTAX"
    assert error.extra["line"] == line
    assert f"line {line}:" in error.message
    assert words.lower() in error.message.lower()


def test_more_items_than_the_limit_is_too_large_naming_the_line() -> None:
    text = "Big:\n" + "".join(f"  Item {n}: _\n" for n in range(1001))
    assert count_entries(parse_menus(text, 1001)[0].entries) == 1001
    with pytest.raises(InvalidArgumentError) as raised:
        parse_menus(text, 1000)
    assert raised.value.code == "ERR_MENU_TOO_LARGE"
    assert raised.value.extra == {"line": 1002, "limit": 1000}
    with pytest.raises(InvalidArgumentError) as raised:
        parse_items("---\n" * 11, 10)
    assert raised.value.code == "ERR_MENU_TOO_LARGE"


# -- properties ------------------------------------------------------------------------------

GRAMMAR = st.lists(
    st.sampled_from([*"AbZz09 :;!*>_-+,\n\t\rFéÉ", "F5", "Meta", "Shift", "---"]), max_size=60
).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), GRAMMAR)


def _label(text: str) -> bool:
    return (
        text == text.strip()
        and bool(text)
        and "\n" not in text
        and ">" not in text
        and text[0] not in "!*"
        and not (len(text) >= 3 and set(text) == {"-"})
    )


LABELS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    _label
)
TITLES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda text: text == text.strip() and "\n" not in text and not text.endswith(";")
)
KEYS = st.one_of(
    st.sampled_from(
        ["a", "z", "0", "/", "é", ">", "!", "-", "F1", "F12", "Delete", "PageUp", "Enter"]
    ),
)
ACCELERATORS = st.builds(
    lambda key, modifiers: Accelerator(
        key,
        tuple(
            name
            for name in ("Meta", "Command", "Control", "CommandOrControl", "Option", "Alt", "Shift")
            if name in modifiers
        ),
    ),
    KEYS,
    st.sets(st.sampled_from(["Meta", "Control", "CommandOrControl", "Alt", "Option", "Shift"])),
)
ITEMS = st.builds(Item, LABELS, st.none() | ACCELERATORS, st.booleans(), st.booleans())


def _unique_submenus(entries: list[Entry]) -> bool:
    titles = [entry.title for entry in entries if isinstance(entry, Submenu)]
    return len(titles) == len(set(titles))


ENTRIES = st.recursive(
    st.lists(st.one_of(ITEMS, st.just(Separator())), max_size=5),
    lambda children: st.lists(
        st.one_of(
            ITEMS,
            st.just(Separator()),
            st.builds(
                lambda title, entries: Submenu(title, tuple(entries)),
                LABELS,
                children.filter(bool),
            ),
        ),
        max_size=5,
    ).filter(_unique_submenus),
    max_leaves=20,
).map(tuple)
MENUS = st.lists(st.builds(Menu, TITLES, ENTRIES), max_size=4).map(tuple)


def _depth(entries: tuple[Entry, ...]) -> int:
    return max(
        (1 + _depth(entry.entries) for entry in entries if isinstance(entry, Submenu)), default=0
    )


@settings(max_examples=400)
@given(ANY_TEXT, st.integers(min_value=1, max_value=30))
def test_any_text_parses_or_is_the_typed_error(text: str, limit: int) -> None:
    """Whatever the text: a model within the limit that renders and reads back as itself, or
    the typed error naming a line of the text; never another exception."""
    readers: list[tuple[Callable[[str, int], Any], Callable[[Any], str]]] = [
        (parse_menus, render_menus),
        (parse_items, render_items),
    ]
    for parse, render in readers:
        try:
            parsed = parse(text, limit)
        except InvalidArgumentError as error:
            _names_a_line(error, text)
            continue
        entries = [e for m in parsed for e in m.entries] if parse is parse_menus else parsed
        assert count_entries(entries) <= limit
        assert parse(render(parsed), limit) == parsed


def _names_a_line(error: InvalidArgumentError, text: str) -> None:
    assert error.code in ("ERR_MENU_SYNTAX", "ERR_MENU_TOO_LARGE")
    assert 1 <= error.extra["line"] <= text.count("\n") + 1
    assert f"line {error.extra['line']}:" in error.message


@settings(max_examples=300)
@given(MENUS)
def test_a_rendered_model_reads_back_as_the_same_model(menus: tuple[Menu, ...]) -> None:
    if any(_depth(menu.entries) > MAX_DEPTH for menu in menus):
        return
    total = sum(count_entries(menu.entries) for menu in menus)
    assert parse_menus(render_menus(menus), max(total, 1)) == menus
    for menu in menus:
        assert parse_items(render_items(menu.entries), max(total, 1)) == menu.entries
    if total:
        with pytest.raises(InvalidArgumentError) as raised:
            parse_menus(render_menus(menus), total - 1)
        assert raised.value.code == "ERR_MENU_TOO_LARGE"
