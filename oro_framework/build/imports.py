"""Which ``oro:``/``node:`` modules an app's pages import, where, and which plugin distribution
each one needs.

A page reaches a plugin only through the modules it imports, so the modules named in the app's
HTML and JavaScript tell which plugins a build needs. The files are read by the bridge's own
lexer (:mod:`~oro_framework.web.page_imports`): static imports, re-exports, bare imports,
``import()`` of a literal, ``<script type="module">`` and import maps count; the same text in a
comment or an ordinary string does not. The app's tests are not read (they do not ship).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import final

from oro_framework.host.modules import JSModule
from oro_framework.host.plugin_modules import PLUGIN_MODULES
from oro_framework.records import record
from oro_framework.web.page_imports import folder_imports, html_imports, js_imports, map_imports

__all__ = [
    "ImportSite",
    "distribution_of",
    "find_specifiers",
    "import_map_specifiers",
    "specifiers_in",
    "where",
]


@final
@record
class ImportSite:
    """A file of the app and the line that imports a module."""

    path: Path
    line: int


def specifiers_in(text: str, *, html: bool = False) -> set[str]:
    """Every module specifier JavaScript (or, with ``html``, HTML) ``text`` imports, with
    ``socket:`` read as ``oro:`` and a module's URL (``/oro/fs/promises.js``) read as its
    specifier (``oro:fs/promises``)."""
    found = html_imports(text) if html else js_imports(text)
    return {item.specifier for item in found}


def import_map_specifiers(path: Path) -> set[str]:
    """The modules the app's own import map file (``webview.importmap``) names as values; none
    when it cannot be read or is no JSON (``oro run`` says why)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    return {item.specifier for item in map_imports(value)}


def find_specifiers(root: Path, *, skipped: Iterable[Path] = ()) -> dict[str, list[ImportSite]]:
    """The specifiers the page files below ``root`` import, each with where.

    :param skipped: folders and files to leave out (the build's own output, the app's tests).
    """
    found: dict[str, list[ImportSite]] = {}
    for path, page_import in folder_imports(root, skipped=list(skipped)):
        found.setdefault(page_import.specifier, []).append(ImportSite(path, page_import.line))
    return found


def where(sites: list[ImportSite], root: Path, *, shown: int = 3) -> str:
    """``main.js:3, lib/ai.js:12``: the first ``shown`` sites, relative to ``root``."""
    return ", ".join(
        f"{site.path.relative_to(root) if site.path.is_relative_to(root) else site.path}:"
        f"{site.line}"
        for site in sites[:shown]
    )


def distribution_of(
    specifier: str, served: Mapping[str, JSModule], distributions: Mapping[str, str]
) -> str | None:
    """The plugin distribution ``specifier`` needs: the one whose plugin serves it here
    (``distributions``: plugin name → distribution), else the one the host's table
    (:data:`~oro_framework.host.plugin_modules.PLUGIN_MODULES`) names; ``None`` for a module
    no plugin of this project serves."""
    module = served.get(specifier)
    if module is not None:
        return distributions.get(module.plugin)
    return PLUGIN_MODULES.get(specifier)
