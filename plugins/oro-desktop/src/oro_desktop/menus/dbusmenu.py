"""A tray menu as ``com.canonical.dbusmenu`` sees it: numbered nodes with properties, and the
D-Bus values of its ``GetLayout``/``GetGroupProperties`` answers. Pure: no D-Bus, no toolkit.

Node 0 is the root; the others are numbered in order. One menu's entries are the root's
children (the menu's title is their ``parent``); several menus are a submenu each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import Any, Final, final

from oro_desktop.menus.text import Accelerator, Entry, Item, Menu, Separator, Submenu
from oro_framework.records import record

__all__ = ["MenuModel", "Node"]

Variant = tuple[str, Any]
_SHORTCUT_MODIFIERS: Final = {
    "Meta": "Super",
    "Command": "Super",
    "Control": "Control",
    "CommandOrControl": "Control",
    "Option": "Alt",
    "Alt": "Alt",
    "Shift": "Shift",
}
_SHORTCUT_KEYS: Final = {
    "Enter": "Return",
    "Space": "space",
    "Backspace": "BackSpace",
    "PageUp": "Page_Up",
    "PageDown": "Page_Down",
}


@final
@record(frozen=False, eq=False)
class Node:
    """One node of the menu: its id, its properties (D-Bus variants), its children; ``item``
    and ``parent`` for an item that can be chosen."""

    id: int
    properties: dict[str, Variant]
    children: list[Node] = field(default_factory=list)
    item: Item | None = None
    parent: str = ""

    def layout(self, depth: int, names: Iterable[str]) -> tuple[int, dict[str, Variant], list[Any]]:
        """``(ia{sv}av)``: this node with ``depth`` levels of children (-1: all)."""
        children: list[Any] = []
        if depth != 0:
            children = [
                ("(ia{sv}av)", child.layout(depth - 1 if depth > 0 else -1, names))
                for child in self.children
            ]
        return self.id, self.chosen(names), children

    def chosen(self, names: Iterable[str]) -> dict[str, Variant]:
        wanted = set(names)
        if not wanted:
            return dict(self.properties)
        return {name: value for name, value in self.properties.items() if name in wanted}


@final
class MenuModel:
    """The numbered nodes of a tray's ``menus``."""

    def __init__(self, menus: tuple[Menu, ...]) -> None:
        self._nodes: dict[int, Node] = {}
        self.root = self._node({"children-display": ("s", "submenu")})
        if len(menus) == 1:
            self._fill(self.root, menus[0].entries, menus[0].title)
        else:
            for menu in menus:
                submenu = self._node(_submenu_properties(menu.title))
                self.root.children.append(submenu)
                self._fill(submenu, menu.entries, menu.title)

    def get(self, node_id: int) -> Node | None:
        return self._nodes.get(node_id)

    def _node(self, properties: dict[str, Variant]) -> Node:
        node = Node(len(self._nodes), properties)
        self._nodes[node.id] = node
        return node

    def _fill(self, node: Node, entries: Iterable[Entry], parent: str) -> None:
        for entry in entries:
            if isinstance(entry, Separator):
                child = self._node({"type": ("s", "separator")})
            elif isinstance(entry, Submenu):
                child = self._node(_submenu_properties(entry.title))
                self._fill(child, entry.entries, entry.title)
            else:
                child = self._node(_item_properties(entry))
                child.item, child.parent = entry, parent
            node.children.append(child)


def _label(title: str) -> str:
    # dbusmenu labels mark a mnemonic with "_"; a title's own underscores are doubled.
    return title.replace("_", "__")


def _submenu_properties(title: str) -> dict[str, Variant]:
    return {"label": ("s", _label(title)), "children-display": ("s", "submenu")}


def _item_properties(item: Item) -> dict[str, Variant]:
    properties: dict[str, Variant] = {
        "label": ("s", _label(item.title)),
        "enabled": ("b", item.enabled),
    }
    if item.checked:
        properties["toggle-type"] = ("s", "checkmark")
        properties["toggle-state"] = ("i", 1)
    if item.accelerator is not None:
        properties["shortcut"] = ("aas", [_shortcut(item.accelerator)])
    return properties


def _shortcut(accelerator: Accelerator) -> list[str]:
    """dbusmenu's spelling of a shortcut: modifiers, then the key's X keysym name."""
    modifiers = dict.fromkeys(_SHORTCUT_MODIFIERS[name] for name in accelerator.modifiers)
    return [*modifiers, _SHORTCUT_KEYS.get(accelerator.key, accelerator.key)]
