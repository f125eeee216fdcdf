"""``oro:module`` (``node:module``) and ``oro:commonjs``: CommonJS modules in a real headless
Chromium page against the real bridge, over a fixture tree the app serves (relative files,
JSON, directories, ``node_modules`` with nested packages, ``main``/``exports``/``imports``,
builtins, the module scope).

The differential test runs one script (``commonjs_differential.js``) under the ``node`` on PATH
with Node's own ``createRequire`` and in the page with oro's, over the same files, and compares
what each answers. The other tests are Oro's behaviour a page has and Node has not (resolvers,
``socket:`` names, the ``browser`` field and condition, the page's ``require`` global, the
errors a page's CSP or an ES module cause).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

SCRIPT: Final = (Path(__file__).parent / "commonjs_differential.js").read_text(encoding="utf-8")

# A WebAssembly module exporting `add(a, b) -> a + b` (i32).
ADD_WASM: Final = bytes.fromhex(
    "0061736d01000000"  # magic, version
    "0107016002 7f7f017f"  # type: (i32, i32) -> i32
    "03020100"  # function 0 of type 0
    "070701036164640000"  # export "add" = function 0
    "0a09010700200020016a0b"  # body: local.get 0, local.get 1, i32.add
)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2)


TREE: Final[dict[str, str]] = {
    "entry.js": "module.exports = { entry: true }\n",
    "index.js": "module.exports = 'cjs index'\n",
    "package.json": _json(
        {
            "name": "cjs-fixture",
            "imports": {
                "#internal": "./lib/internal.js",
                "#dep": "plain",
                "#pattern/*": "./lib/pat/*.js",
                "#cond": {"require": "./lib/cond-require.js", "default": "./lib/cond-default.js"},
            },
        }
    ),
    "data.json": _json({"value": 42, "list": [1, 2]}),
    "lib/a.js": "exports.name = 'a'\nexports.dir = require('path').basename(__dirname)\n",
    "lib/index.js": "module.exports = 'lib index'\n",
    "lib/plain.cjs": "module.exports = 'a .cjs file'\n",
    "lib/internal.js": "module.exports = 'internal'\n",
    "lib/pat/x.js": "module.exports = 'pattern x'\n",
    "lib/cond-require.js": "module.exports = 'require condition'\n",
    "lib/cond-default.js": "module.exports = 'default condition'\n",
    "sub/index.js": "module.exports = 'sub index'\n",
    "sub/dot.js": "module.exports = { dot: require('.'), up: require('..') }\n",
    "dirmain/package.json": _json({"main": "./start.js"}),
    "dirmain/start.js": "module.exports = 'dirmain start'\n",
    "direxports/package.json": _json({"exports": "./nope.js"}),
    "direxports/index.js": "module.exports = 'direxports index'\n",
    "shebang.js": "#!/usr/bin/env node\nmodule.exports = 'shebang'\n",
    "counter.js": (
        "globalThis.__cjsCount = (globalThis.__cjsCount || 0) + 1\n"
        "module.exports = { n: globalThis.__cjsCount }\n"
    ),
    "cycle-a.js": (
        "exports.early = true\nconst b = require('./cycle-b')\nexports.late = true\n"
        "exports.sawB = b.seenA\n"
    ),
    "cycle-b.js": "const a = require('./cycle-a')\nexports.seenA = { ...a }\n",
    "scope.js": """module.exports = {
  same: module.exports === exports,
  thisIsExports: this === exports,
  types: [typeof require, typeof module, typeof exports, typeof __filename, typeof __dirname],
  filenameInDirname: __filename.startsWith(__dirname + '/'),
  base: __filename.slice(__dirname.length + 1),
  loaded: module.loaded,
  idIsFilename: module.id === module.filename,
  resolve: typeof require.resolve,
  cached: require.cache[__filename] === module,
  globals: [typeof process, global === globalThis, typeof Buffer, typeof setImmediate]
}
""",
    "redeclare.js": (
        "const process = require('process')\nconst { Buffer } = require('buffer')\n"
        "module.exports = [typeof process.cwd, typeof Buffer.from]\n"
    ),
    "throws.js": "throw new Error('boom')\n",
    "requires-missing.js": "require('./nope')\n",
    "node_modules/plain/index.js": "module.exports = 'plain'\n",
    "node_modules/withmain/package.json": _json({"name": "withmain", "main": "lib/main"}),
    "node_modules/withmain/lib/main.js": "module.exports = 'withmain main'\n",
    "node_modules/withmain/lib/other.js": "module.exports = 'withmain other'\n",
    "node_modules/@scope/pkg/package.json": _json({"name": "@scope/pkg", "main": "main.js"}),
    "node_modules/@scope/pkg/main.js": "module.exports = 'scoped'\n",
    "node_modules/outer/index.js": "module.exports = { outer: true, inner: require('inner') }\n",
    "node_modules/outer/node_modules/inner/index.js": "module.exports = 'inner v2'\n",
    "node_modules/inner/index.js": "module.exports = 'inner v1'\n",
    "node_modules/jsonpkg/package.json": _json({"main": "data.json"}),
    "node_modules/jsonpkg/data.json": _json({"j": 1}),
    "node_modules/exp/package.json": _json(
        {
            "name": "exp",
            "main": "./legacy.js",
            "exports": {
                ".": {"import": "./esm.mjs", "require": "./cjs.js", "default": "./default.js"},
                "./feature": "./lib/feature.js",
                "./sub/*": "./lib/sub/*.js",
                "./sub/hidden/*": None,
                "./feat/*.js": "./lib/feat/*.js",
                "./arr": [{"worker": "./w.js"}, "./lib/fallback.js"],
                "./package.json": "./package.json",
            },
        }
    ),
    "node_modules/exp/cjs.js": "module.exports = 'exp require'\n",
    "node_modules/exp/legacy.js": "module.exports = 'exp legacy main'\n",
    "node_modules/exp/default.js": "module.exports = 'exp default'\n",
    "node_modules/exp/lib/feature.js": "module.exports = 'exp feature'\n",
    "node_modules/exp/lib/sub/x.js": "module.exports = 'exp sub x'\n",
    "node_modules/exp/lib/sub/hidden/y.js": "module.exports = 'hidden'\n",
    "node_modules/exp/lib/feat/z.js": "module.exports = 'exp feat z'\n",
    "node_modules/exp/lib/fallback.js": "module.exports = 'exp fallback'\n",
    "node_modules/expsugar/package.json": _json({"exports": "./main.js"}),
    "node_modules/expsugar/main.js": "module.exports = 'sugar'\n",
    "node_modules/esm-only/package.json": _json({"exports": {"import": "./index.mjs"}}),
    "node_modules/esm-only/index.mjs": "export default 1\n",
}

# Files only the page's tests use (behaviour Node does not share).
PAGE_TREE: Final[dict[str, str]] = {
    "esm.js": "export default 1\n",
    # A module worker served by the bridge (which rewrites its `oro:` import: no import map there).
    "worker.mjs": (
        "import { createRequire } from 'oro:module'\n"
        "const require = createRequire(new URL('./entry.js', import.meta.url).href)\n"
        "postMessage([require('./lib/a').name, require('plain'), typeof require('events')])\n"
    ),
    "uses-test.js": "module.exports = typeof require('test')\n",
    "node_modules/browserpkg/package.json": _json(
        {
            "name": "browserpkg",
            "main": "node.js",
            "browser": {"./node.js": "./browser.js", "fs": False, "./lib/server.js": False},
        }
    ),
    "node_modules/browserpkg/node.js": "module.exports = 'node build'\n",
    "node_modules/browserpkg/browser.js": (
        "module.exports = { build: 'browser build', fs: require('fs'),"
        " server: require('./lib/server') }\n"
    ),
    "node_modules/browserpkg/lib/server.js": "module.exports = 'server'\n",
    "node_modules/condpkg/package.json": _json(
        {"exports": {"node": "./node.js", "browser": "./browser.js", "default": "./default.js"}}
    ),
    "node_modules/condpkg/node.js": "module.exports = 'node condition'\n",
    "node_modules/condpkg/browser.js": "module.exports = 'browser condition'\n",
    "node_modules/condpkg/default.js": "module.exports = 'default condition'\n",
}


def write_tree(root: Path, tree: dict[str, str]) -> None:
    for name, text in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def every_plugin() -> list[object]:
    return [entry.load() for entry in entry_points(group="oro")]


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("commonjs-app")
    (root / "index.html").write_text("<!doctype html><title>commonjs</title>", encoding="utf-8")
    write_tree(root / "cjs", {**TREE, **PAGE_TREE})
    (root / "cjs" / "add.wasm").write_bytes(ADD_WASM)
    return root


@pytest.fixture(scope="module")
def app(app_dir: Path) -> Iterator[ServedApp]:
    with served_app(every_plugin(), app_dir=app_dir) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str) -> Any:
    result = page.evaluate(
        "async () => { const { createRequire, Module } = await import('node:module');"
        f" const base = location.origin + '/cjs/entry.js'; {body} }}"
    )
    return json.loads(json.dumps(result))


def test_page_and_node_require_the_same_tree_alike(
    page: Page, app: ServedApp, tmp_path: Path
) -> None:
    write_tree(tmp_path / "cjs", TREE)
    root = tmp_path / "cjs"
    expected = run_in_node(
        SCRIPT,
        imports="import { createRequire } from 'node:module'",
        values={"input": {"base": (root / "entry.js").as_uri(), "root": f"{root}/"}},
        directory=tmp_path,
    )
    origin = app.server.origin
    actual = page.evaluate(
        f"async (input) => {{ const {{ createRequire }} = await import('node:module'); {SCRIPT} }}",
        {"base": f"{origin}/cjs/entry.js", "root": f"{origin}/cjs/"},
    )
    actual = json.loads(json.dumps(actual))
    for key in expected:
        assert actual[key] == expected[key], key
    # The comparison means something only if the script did what it meant to.
    assert expected["relative"]["file"] == {"name": "a", "dir": "lib"}
    assert expected["packages"]["nested"] == {"outer": True, "inner": "inner v2"}
    assert expected["packages"]["exports"] == "exp require"
    assert expected["cycle"] == {"early": True, "late": True, "sawB": {"early": True}}
    assert expected["caching"] == {
        "same": True,
        "first": 1,
        "reloadedIsNew": True,
        "reloaded": 2,
        "cachedAgain": True,
    }
    assert expected["errors"]["notExported"]["code"] == "ERR_PACKAGE_PATH_NOT_EXPORTED"
    assert expected["errors"]["nested"]["stack"] == ["requires-missing.js", "entry.js"]
    assert expected["builtins"]["types"]["events"] == "function"
    assert expected["relative"]["redeclare"] == ["function", "function"]


def test_the_modules_import_with_oros_names(page: Page) -> None:
    answer = in_page(
        page,
        """
        const module = await import('oro:module')
        const commonjs = await import('oro:commonjs')
        const socket = await import('socket:module')
        const subpaths = {}
        for (const name of ['builtins', 'cache', 'loader', 'module', 'package', 'require']) {
          subpaths[name] = Object.keys(await import(`oro:commonjs/${name}`)).sort()
        }
        return {
          module: Object.keys(module).sort(),
          commonjs: Object.keys(commonjs).sort(),
          same: socket.Module === module.Module && module.default === module.Module &&
            commonjs.Module === module.Module && commonjs.default.Module === module.Module,
          builtinsObject: module.builtins === commonjs.builtins && typeof module.builtins.fs,
          subpaths,
        }
        """,
    )
    assert answer["module"] == [
        "Module",
        "builtinModules",
        "builtins",
        "createRequire",
        "default",
        "isBuiltin",
    ]
    assert answer["commonjs"] == [
        "Cache",
        "Loader",
        "Module",
        "Package",
        "builtins",
        "createRequire",
        "default",
    ]
    assert answer["same"] is True
    assert answer["builtinsObject"] == "object"
    assert {"Module", "createRequire", "ImportMap", "COMMONJS_WRAPPER"} <= set(
        answer["subpaths"]["module"]
    )
    assert {"Package", "Name", "DEFAULT_PACKAGE_PREFIX"} <= set(answer["subpaths"]["package"])


def test_oros_names_resolvers_and_runtime_modules(page: Page) -> None:
    answer = in_page(
        page,
        """
        const require = createRequire(base)
        const fs = require('socket:fs')
        const virtual = { key: 'value' }
        const mapping = (specifier, ctx, next) =>
          specifier === 'filesystem' ? next('socket:fs') : next(specifier)
        const answering = (specifier, ctx, next) =>
          specifier === 'virtual' ? virtual : next(specifier)
        Module.resolvers.push(mapping, answering)
        try {
          const failure = (fn) => { try { fn(); return 'no error' } catch (e) { return e.code } }
          return {
            mapped: require('filesystem') === fs,
            virtual: require('virtual') === virtual,
            context: (() => {
              let seen = null
              const spy = (specifier, ctx, next) => { seen = ctx.id; return next(specifier) }
              require('./lib/a', { resolvers: [spy] })
              return seen === base
            })(),
            test: typeof require('test'),
            testFromModule: require('./uses-test'),
            oroScheme: ['oro:fs', 'node:fs', 'fs'].every((name) => require(name) === fs),
            ipc: typeof require('socket:ipc').request,
            ipcBare: failure(() => require('ipc')),
            zlib: [typeof require('zlib').gzipSync, typeof require('socket:zlib').isAvailable],
            globalsSame: require('./scope').globals,
            process: require('./scope') && require('socket:process') === require('process'),
          }
        } finally {
          Module.resolvers.splice(Module.resolvers.indexOf(mapping), 2)
        }
        """,
    )
    assert answer == {
        "mapped": True,
        "virtual": True,
        "context": True,
        "test": "function",
        "testFromModule": "function",
        "oroScheme": True,
        "ipc": "function",
        "ipcBare": "MODULE_NOT_FOUND",
        "zlib": ["function", "function"],
        "globalsSame": ["object", True, "function", "function"],
        "process": True,
    }


def test_the_browser_field_condition_and_binary_modules(page: Page) -> None:
    answer = in_page(
        page,
        """
        const require = createRequire(base)
        const browser = require('browserpkg')
        return {
          browser: { build: browser.build, fs: browser.fs, server: browser.server },
          condition: require('condpkg'),
          wasm: require('./add.wasm').add(2, 3),
          json: require('./data').list,
          esm: (() => { try { return require('./esm') } catch (e) { return e.code } })(),
        }
        """,
    )
    assert answer == {
        "browser": {"build": "browser build", "fs": {}, "server": {}},
        "condition": "browser condition",
        "wasm": 5,
        "json": [1, 2],
        "esm": "ERR_REQUIRE_ESM",
    }


def test_a_page_gets_require_module_and_its_file_names_as_globals_with_oros_globals_on(
    chromium_browser: Browser, app_dir: Path, page: Page
) -> None:
    # Off by default (an oro.toml app): the page imports oro:module when it wants require.
    assert page.evaluate("() => [typeof require, typeof module, typeof Buffer]") == [
        "undefined",
        "undefined",
        "undefined",
    ]
    with (
        served_app(every_plugin(), app_dir=app_dir, config={"webview.oro_globals": True}) as app,
        app_page(chromium_browser, app) as oro_page,
    ):
        answer = _globals_of(oro_page)
    assert answer == {
        "module": True,
        "filename": True,
        "dirname": True,
        "relative": "a",
        "main": True,
        "hidden": [False, False],
    }


def _globals_of(page: Page) -> Any:
    page.wait_for_function("() => typeof globalThis.require === 'function'", timeout=15_000)
    return page.evaluate(
        """async () => {
          const { Module } = await import('oro:module')
          const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'require')
          return {
            module: globalThis.module === Module.main,
            filename: __filename === location.href.split('#')[0],
            dirname: __dirname === location.href.slice(0, location.href.lastIndexOf('/')),
            relative: require('./cjs/lib/a').name,
            main: require.main === Module.main,
            hidden: [descriptor.enumerable, descriptor.writable],
          }
        }"""
    )


def test_a_module_worker_requires_through_oro_module(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
          const worker = new Worker('/cjs/worker.mjs', { type: 'module' })
          try {
            return await new Promise((resolve, reject) => {
              worker.onmessage = (event) => resolve(event.data)
              worker.onerror = (event) => reject(new Error(event.message || 'worker failed'))
            })
          } finally {
            worker.terminate()
          }
        }"""
    )
    assert answer == ["a", "plain", "function"]


def test_a_csp_without_unsafe_eval_says_why_a_module_cannot_run(
    chromium_browser: Browser, app_dir: Path
) -> None:
    with (
        served_app(
            every_plugin(), app_dir=app_dir, config={"webview.csp": "default-src 'self'"}
        ) as served,
        app_page(chromium_browser, served) as page,
    ):
        answer = page.evaluate(
            """async () => {
              const { createRequire } = await import('oro:module')
              const require = createRequire(location.origin + '/cjs/entry.js')
              try {
                require('./lib/internal')
                return 'no error'
              } catch (error) {
                return {
                  name: error.name,
                  unsafeEval: error.message.includes("'unsafe-eval'"),
                  json: require('./data').value,
                  builtin: typeof require('path').join,
                }
              }
            }"""
        )
    assert answer == {"name": "EvalError", "unsafeEval": True, "json": 42, "builtin": "function"}
