"""A third-party plugin distribution written as its author would, installed for real: oro-clipnotes
(two routes, the JS modules ``oro:clipnotes`` and ``oro:clipnotes/tags`` with their ``.d.ts``),
and, beside it, distributions whose entry points are wrong.

:func:`install_distributions` builds each with its own build backend (hatchling, through uv) and
installs the wheels into one folder that a test puts on ``sys.path`` (or ``PYTHONPATH``):
importlib.metadata then finds their entry points as it finds those of ``site-packages``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from uv import find_uv_bin

__all__ = ["CLIPNOTES", "install_distributions", "write_distribution"]

CLIPNOTES_PLUGIN = '''
    """oro-clipnotes: notes kept by the host, from page JavaScript through oro:clipnotes."""

    from oro_framework import Plugin, hookimpl

    plugin = Plugin(api=1, js_modules="js")


    def add(request):
        return {"id": 1, "text": request.params.require_str("text")}


    @hookimpl
    def oro_register_routes(routes):
        routes.add("clipnotes.add", add, permission="runtime")
'''

CLIPNOTES_MODULE = """
    // oro:clipnotes: the notes of oro-clipnotes.
    import { request } from 'oro:ipc'

    /** @param {string} text @param {string[]} [tags] */
    export async function add (text, tags = []) {
      return await request('clipnotes.add', { text, tags: tags.join(',') })
    }

    export default { add }
"""

CLIPNOTES_DECLARATIONS = """
    // @module oro:clipnotes
    /** The notes of oro-clipnotes, from page JavaScript. */
    import type { Tag } from './clipnotes/tags.js'

    /** One note as the host keeps it. */
    export interface Note {
      id: number
      text: string
    }

    /** Keep `text` as a new note, with its tags. */
    export declare function add (text: string, tags?: Tag[]): Promise<Note>

    declare const clipnotes: { add: typeof add }
    export default clipnotes
"""

TAGS_MODULE = """
    export const TAGS = Object.freeze(['todo', 'idea'])
"""

TAGS_DECLARATIONS = """
    // @module oro:clipnotes/tags
    /** The tags a note may carry. */
    export type Tag = 'todo' | 'idea'
    export declare const TAGS: readonly Tag[]
"""

CLIPNOTES = {
    "src/oro_clipnotes/__init__.py": "",
    "src/oro_clipnotes/plugin.py": CLIPNOTES_PLUGIN,
    "src/oro_clipnotes/js/clipnotes.js": CLIPNOTES_MODULE,
    "src/oro_clipnotes/js/clipnotes.d.ts": CLIPNOTES_DECLARATIONS,
    "src/oro_clipnotes/js/clipnotes/tags.js": TAGS_MODULE,
    "src/oro_clipnotes/js/clipnotes/tags.d.ts": TAGS_DECLARATIONS,
}
"""oro-clipnotes's files (without its pyproject.toml)."""


def write_distribution(
    root: Path, name: str, entry_point: str, files: dict[str, str] | None = None
) -> Path:
    """A distribution ``name`` in ``root`` declaring ``entry_point`` (``x = "pkg.module"``) in
    group ``oro``, with ``files`` (path → text, dedented); an empty package by default."""
    package = name.replace("-", "_")
    files = files if files is not None else {f"src/{package}/__init__.py": ""}
    (root / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [project]
            name = "{name}"
            version = "1.0.0"
            dependencies = ["oro-framework"]

            [project.entry-points.oro]
            {entry_point}

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [tool.hatch.build.targets.wheel]
            packages = ["src/{package}"]
            """
        ).lstrip()
    )
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def install_distributions(site: Path, *projects: Path) -> Path:
    """Build and install ``projects`` (without their dependencies: oro-framework is the running
    one) into the folder ``site``; returns it."""
    command = [find_uv_bin(), "pip", "install", "--quiet", "--no-deps", "--python", sys.executable]
    subprocess.run([*command, "--target", str(site), *map(str, projects)], check=True)
    return site
