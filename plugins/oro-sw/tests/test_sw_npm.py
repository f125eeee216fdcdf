"""The ``/oro/npm/`` resolver on random paths over a tree with links out of the package:
nothing it answers lies outside ``node_modules/<pkg>``, and only JS/JSON/CSS/wasm is served."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from oro_framework.web.npm import SERVED_SUFFIXES, NpmFile, NpmRedirect, NpmResolver


def tree(root: Path) -> Path:
    modules = root / "node_modules"
    (modules / "pkg" / "lib").mkdir(parents=True, exist_ok=True)
    (modules / "pkg" / "package.json").write_text(
        json.dumps({"exports": {".": "./lib/a.js", "./out": "../secret.js", "./*": "./lib/*.js"}})
    )
    (modules / "pkg" / "lib" / "a.js").write_text("export const a = 1\n")
    (modules / "pkg" / ".npmrc").write_text("token\n")
    (modules / "other").mkdir(exist_ok=True)
    (modules / "other" / "b.js").write_text("export const b = 1\n")
    (root / "secret.js").write_text("secret\n")
    for name, target in {"up": root, "sibling": modules / "other"}.items():
        link = modules / "pkg" / "lib" / name
        if not link.is_symlink():
            os.symlink(target, link)
    return modules


_parts = st.sampled_from(
    [
        "pkg",
        "lib",
        "a.js",
        "..",
        ".",
        "",
        "up",
        "sibling",
        "secret.js",
        "b.js",
        "out",
        ".npmrc",
        "package.json",
        "@x",
        "%2e%2e",
        "other",
        "a",
    ]
)


@given(st.lists(_parts, min_size=1, max_size=6).map("/".join))
@example("pkg/lib/up/secret.js")
@example("pkg/lib/sibling/b.js")
@example("pkg/out")
@example("pkg/../other/b.js")
def test_nothing_outside_the_package_is_ever_served(
    tmp_path_factory: pytest.TempPathFactory, path: str
) -> None:
    root = tmp_path_factory.getbasetemp() / "npm-tree"
    root.mkdir(exist_ok=True)
    modules = tree(root)
    package = os.path.realpath(modules / path.split("/")[0]) if path else ""

    found = NpmResolver([modules]).resolve(path)

    if isinstance(found, NpmFile):
        real = os.path.realpath(found.path)
        assert real.startswith(package + os.sep), (path, real)
        assert found.path.suffix in SERVED_SUFFIXES
        assert not any(part.startswith(".") for part in Path(real).relative_to(package).parts)
    elif isinstance(found, NpmRedirect):
        assert found.location.startswith("/oro/npm/" + path.split("/")[0] + "/")
        assert ".." not in found.location.split("/")


def test_exports_conditions_pick_the_browser_import_module_default_targets(tmp_path: Path) -> None:
    modules = tree(tmp_path)

    resolver = NpmResolver([modules])

    assert resolver.resolve("pkg") == NpmRedirect("/oro/npm/pkg/lib/a.js")
    assert resolver.resolve("pkg/a") == NpmRedirect("/oro/npm/pkg/lib/a.js")
    assert resolver.resolve("pkg/out") is None
    assert resolver.resolve("pkg/package.json") is not None
    assert resolver.resolve("pkg/.npmrc") is None
