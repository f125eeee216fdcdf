"""Which ``oro:``/``node:`` modules an app's pages import, read from their source text.

A page reaches a plugin only through the modules it imports, so the modules named in the app's
HTML and JavaScript tell which plugins a build needs. The scan is textual on purpose: it sees
static imports, dynamic ``import('oro:fs')``, import maps and re-exports alike, without parsing
JavaScript; a specifier in a comment or string counts too, which only ever adds a plugin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

__all__ = ["SCANNED_SUFFIXES", "find_specifiers", "specifiers_in"]

SCANNED_SUFFIXES: Final = frozenset({".html", ".htm", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"})
"""Files whose text can hold an import."""

_SKIPPED_DIRECTORIES: Final = frozenset({"node_modules", ".git", "__pycache__"})

# A quoted specifier: 'oro:fs', "node:fs/promises", `oro:ai`. socket: is Oro's former name,
# which ported pages still use.
_SPECIFIER: Final = re.compile(
    r"""["'`]((?:oro|node|socket):[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*)["'`]"""
)
# The URL the host serves a module at (/oro/service-worker/worker.js is oro:service-worker/worker),
# which workers and plain <script src> use instead of a specifier.
_MODULE_URL: Final = re.compile(
    r"""["'`](?:[a-z]+://[^/"'`]*)?/oro/([a-z0-9_\-]+(?:/[a-z0-9_\-]+)*)\.js["'`?#]"""
)


def specifiers_in(text: str) -> set[str]:
    """Every module specifier quoted in ``text``, with ``socket:`` read as ``oro:`` and a module's
    URL (``/oro/fs/promises.js``) read as its specifier (``oro:fs/promises``)."""
    found = set()
    for match in _SPECIFIER.finditer(text):
        specifier = match.group(1)
        if specifier.startswith("socket:"):
            specifier = "oro:" + specifier.removeprefix("socket:")
        found.add(specifier)
    found.update(f"oro:{match.group(1)}" for match in _MODULE_URL.finditer(text))
    return found


def _source_files(root: Path, skipped: Iterable[Path]) -> Iterator[Path]:
    skipped_paths = [path.resolve() for path in skipped]
    for path in sorted(root.rglob("*")):
        if any(part in _SKIPPED_DIRECTORIES for part in path.relative_to(root).parts):
            continue
        if any(path.resolve().is_relative_to(other) for other in skipped_paths):
            continue
        if path.suffix.lower() in SCANNED_SUFFIXES and path.is_file():
            yield path


def find_specifiers(root: Path, *, skipped: Iterable[Path] = ()) -> dict[str, list[Path]]:
    """The specifiers the files below ``root`` import, each with the files that import it.

    :param skipped: directories to leave out (the build's own output inside the app).
    """
    found: dict[str, list[Path]] = {}
    for path in _source_files(root, skipped):
        text = path.read_text(encoding="utf-8", errors="replace")
        for specifier in specifiers_in(text):
            found.setdefault(specifier, []).append(path)
    return found
