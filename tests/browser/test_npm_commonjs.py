"""CommonJS and UMD packages imported as ES modules (``import Chart from 'npm:chart.js'``) in a
real headless Chromium page against the real bridge, compared with what the real ``node``
gives ``import ... from '<package>'`` over the same ``node_modules``.

The packages are written here in the image of what apps install (a chart.js 2.x-style UMD
bundle with an optional dependency, UMD headers rooted at ``this`` and at
``globalThis``/``self``, ``module.exports = fn``, ``exports.x =`` with relative, JSON, builtin,
package and nested-package requires, a Babel-compiled ``__esModule`` module, an ES module
package); none is copied from a public package.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Final

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, run_in_node, served_app
from oro_framework.web.module_format import format_of
from oro_framework.web.npm import SERVED_SUFFIXES, NpmResolver

SCRIPT: Final = (Path(__file__).parent / "npm_commonjs_differential.js").read_text(encoding="utf-8")

UMD_CHART: Final = (Path(__file__).parent / "npm_umd_chart_fixture.js").read_text(encoding="utf-8")
"""A UMD bundle in the image of chart.js 2.x's (its header's three branches, an optional
dependency required in a try/catch)."""

PACKAGES: Final[dict[str, str]] = {
    "umd-chart/package.json": json.dumps({"name": "umd-chart", "main": "dist/umd-chart.js"}),
    "umd-chart/dist/umd-chart.js": UMD_CHART,
    "umd-this/package.json": json.dumps({"name": "umd-this"}),
    "umd-this/index.js": (
        "(function (root, factory) {\n"
        "  if (typeof define === 'function' && define.amd) { define([], factory) }\n"
        "  else if (typeof module === 'object' && module.exports) { module.exports = factory() }\n"
        "  else { root.Doubler = factory() }\n"
        "}(this, function () { return { twice: function (n) { return n * 2 } } }))\n"
    ),
    "umd-self/package.json": json.dumps({"name": "umd-self", "main": "umd-self.js"}),
    "umd-self/umd-self.js": (
        ";(function (root, factory) {\n"
        "  typeof exports === 'object' && typeof module !== 'undefined'\n"
        "    ? module.exports = factory() : (root.Kind = factory())\n"
        "})(typeof globalThis !== 'undefined' ? globalThis : typeof self !== 'undefined' ? self"
        " : this, function () { return { kind: 'self-root' } })\n"
    ),
    "cjs-fn/package.json": json.dumps({"name": "cjs-fn", "main": "greet"}),
    "cjs-fn/greet.js": (
        "module.exports = function greet (who) { return 'hello ' + who }\n"
        "module.exports.extra = 1\n"
    ),
    "cjs-named/package.json": json.dumps({"name": "cjs-named", "main": "./index.js"}),
    "cjs-named/index.js": (
        "const { EventEmitter } = require('events')\n"
        "const helper = require('./lib/helper')\n"
        "exports.a = 1\n"
        "exports.helper = helper\n"
        "exports.data = require('./data.json')\n"
        "exports.emits = function () {\n"
        "  const emitter = new EventEmitter(); let got = null\n"
        "  emitter.on('x', (value) => { got = value }); emitter.emit('x', 'event'); return got\n"
        "}\n"
        "exports.nested = [require('cjs-fn')('nested'), require('private-dep')]\n"
    ),
    "cjs-named/lib/helper.js": (
        "module.exports = function helper () { return 'helped ' + require('path')"
        ".basename('/a/b.txt') }\n"
    ),
    "cjs-named/data.json": json.dumps({"n": 7}),
    "cjs-named/node_modules/private-dep/index.js": "module.exports = 'private v2'\n",
    "private-dep/index.js": "module.exports = 'private v1'\n",
    "cjs-esmodule/package.json": json.dumps({"name": "cjs-esmodule", "main": "lib/index.js"}),
    "cjs-esmodule/lib/index.js": (
        '"use strict";\n'
        'Object.defineProperty(exports, "__esModule", { value: true });\n'
        "exports.named = 2;\n"
        "function main() { return 'main'; }\n"
        "exports.default = main;\n"
    ),
    "esm-pkg/package.json": json.dumps({"name": "esm-pkg", "type": "module"}),
    "esm-pkg/index.js": "export default { esm: true }\nexport const x = 1\n",
}
NAMES: Final = ["umd-chart", "umd-this", "umd-self", "cjs-fn", "cjs-named", "cjs-esmodule"]
NAMES_ALL: Final = [*NAMES, "esm-pkg"]


def write_packages(node_modules: Path) -> None:
    for name, text in PACKAGES.items():
        path = node_modules / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def every_plugin() -> list[object]:
    return [entry.load() for entry in entry_points(group="oro")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    root = tmp_path_factory.mktemp("npm-commonjs-app")
    (root / "index.html").write_text("<!doctype html><title>npm cjs</title>", encoding="utf-8")
    write_packages(root / "node_modules")
    (root / "outside").mkdir()
    (root / "outside" / "secret.js").write_text("module.exports = 'secret'\n", encoding="utf-8")
    (root / "node_modules" / "escape").symlink_to(root / "outside")
    (root / "node_modules" / "umd-chart" / ".hidden.js").write_text("1\n", encoding="utf-8")
    with served_app(every_plugin(), app_dir=root) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def _packages_object(prefix: str) -> str:
    entries = ", ".join(f"{json.dumps(name)}: await import('{prefix}{name}')" for name in NAMES_ALL)
    return f"const packages = {{ {entries} }}"


def test_the_page_and_node_import_umd_and_commonjs_packages_alike(
    page: Page, tmp_path: Path
) -> None:
    write_packages(tmp_path / "node_modules")
    imports = "\n".join(
        f"import * as p{index} from '{name}'" for index, name in enumerate(NAMES_ALL)
    )
    table = ", ".join(f"{json.dumps(name)}: p{index}" for index, name in enumerate(NAMES_ALL))
    expected = run_in_node(
        SCRIPT, imports=f"{imports}\nconst packages = {{ {table} }}", values={}, directory=tmp_path
    )
    actual = json.loads(
        json.dumps(page.evaluate(f"async () => {{ {_packages_object('/oro/npm/')}\n{SCRIPT} }}"))
    )
    assert actual["calls"] == expected["calls"]
    for name in ["umd-chart", "umd-this", "umd-self", "cjs-fn", "cjs-named", "esm-pkg"]:
        assert actual[name] == expected[name], name
    # A module compiled from ES syntax: Node gives module.exports (its .default the function),
    # oro gives exports.default as Oro and bundlers do, and names the same exports.
    node_esmodule = dict(expected["cjs-esmodule"]["default"]["keys"])
    assert actual["cjs-esmodule"]["default"] == node_esmodule["default"]
    assert actual["cjs-esmodule"]["names"] == [
        name for name in expected["cjs-esmodule"]["names"] if name != "__esModule"
    ]
    # The comparison means something only if the packages did what they were written to.
    assert expected["calls"]["chart"] == ["bar", "2.9.9", 10, "undefined"]
    assert expected["calls"]["nested"] == ["hello nested", "private v2"]
    assert expected["calls"]["named"] == [1, "helped b.txt", 7]
    assert expected["umd-chart"]["default"]["type"] == "function"
    assert expected["cjs-named"]["names"] == [
        "a",
        "data",
        "default",
        "emits",
        "helper",
        "nested",
    ]
    assert expected["cjs-fn"]["names"] == ["default", "extra"]


def test_a_umd_bundle_is_no_global_and_its_tree_is_served_as_it_is(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
          const { default: Chart } = await import('/oro/npm/umd-chart/dist/umd-chart.js')
          const tree = '/oro/npm/node_modules/'
          const raw = await (await fetch(tree + 'umd-chart/dist/umd-chart.js')).text()
          const status = async (path) => (await fetch(tree + path)).status
          return {
            direct: typeof Chart,
            global: typeof globalThis.Chart,
            raw,
            refused: [await status('escape/secret.js'), await status('umd-chart/.hidden.js')]
          }
        }"""
    )
    assert answer["direct"] == "function", "a file of the package imported by its own path"
    assert answer["global"] == "undefined", "the CommonJS branch of the UMD header ran"
    assert answer["raw"] == UMD_CHART
    # A symlink out of node_modules and a hidden file are never served.
    assert answer["refused"] == [404, 404]


def test_module_format_detection_ignores_words_in_comments_and_strings() -> None:
    assert format_of("a.js", "// export default nothing\nmodule.exports = 1", None)[0] == (
        "commonjs"
    )
    assert format_of("a.js", "const s = 'import x from \"y\"'; exports.s = s", None)[0] == (
        "commonjs"
    )
    assert format_of("a.js", "export default 1 // module.exports", None)[0] == "module"
    assert format_of("a.js", "console.log('a plain script')", None)[0] == "module"
    assert format_of("a.cjs", "console.log('a plain script')", None)[0] == "commonjs"
    assert format_of("a.js", "module.exports = 1", "module")[0] == "module"


@pytest.fixture(autouse=True)
def _node_on_path() -> None:
    assert shutil.which("node") is not None, "the differential test needs node on PATH"


def _link_tree(root: Path) -> Path:
    """``node_modules`` with a nested package, a hidden file and links out of it."""
    modules = root / "node_modules"
    (modules / "pkg" / "node_modules" / "dep").mkdir(parents=True, exist_ok=True)
    (modules / "pkg" / "index.js").write_text("module.exports = 1\n", encoding="utf-8")
    (modules / "pkg" / ".npmrc.js").write_text("token\n", encoding="utf-8")
    (modules / "pkg" / "node_modules" / "dep" / "a.js").write_text("1\n", encoding="utf-8")
    (root / "secret.js").write_text("secret\n", encoding="utf-8")
    for name, target in {"up": root, "dep-link": modules / "pkg" / "node_modules" / "dep"}.items():
        link = modules / "pkg" / name
        if not link.is_symlink():
            link.symlink_to(target)
    return modules


_TREE_PARTS: Final = st.sampled_from(
    [
        "pkg",
        "node_modules",
        "dep",
        "a.js",
        "index.js",
        "..",
        ".",
        "",
        "up",
        "dep-link",
        "secret.js",
        ".npmrc.js",
        "%2e%2e",
    ]
)


@given(st.lists(_TREE_PARTS, min_size=1, max_size=7).map("/".join))
@example("pkg/up/secret.js")
@example("pkg/dep-link/a.js")
@example("pkg/node_modules/dep/a.js")
def test_the_node_modules_tree_serves_nothing_outside_node_modules(path: str) -> None:
    root = Path(tempfile.gettempdir()) / f"oro-npm-tree-{os.getpid()}"
    modules = _link_tree(root)
    real_modules = os.path.realpath(modules)

    found = NpmResolver([modules]).tree_file(path)

    if found is not None:
        real = os.path.realpath(found.path)
        assert real.startswith(real_modules + os.sep), (path, real)
        assert found.path.suffix in SERVED_SUFFIXES
        assert not any(part.startswith(".") for part in Path(real).relative_to(real_modules).parts)
