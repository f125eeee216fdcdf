"""The oro-fs plugin: hook implementations only."""

from __future__ import annotations

from pathlib import Path

from oro_framework import JSModuleTable, hookimpl

JS_DIRECTORY = Path(__file__).parent / "js"


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    for name, stem in (("fs", "index"), ("fs/promises", "promises"), ("fs/constants", "constants")):
        modules.add(
            f"oro:{name}",
            JS_DIRECTORY / f"{stem}.js",
            aliases=(f"node:{name}",),
            declarations=JS_DIRECTORY / f"{stem}.d.ts",
        )
