"""The module surface: the table in docs/js-api.md is exactly what the host serves with every
installed plugin, Oro's top-level modules are each served or left out with a reason, and every
module imports in a real Chromium page with every export its ``.d.ts`` declares."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Final

import anyio
import pytest
from playwright.sync_api import Browser

from oro_framework.host.modules import JSModule
from oro_framework.testing import ServedApp, app_page, make_host, served_app

ROOT: Final = Path(__file__).resolve().parents[2]
DOCS: Final = ROOT / "docs" / "js-api.md"
EXPORTS_SCRIPT: Final = ROOT / "js-api" / "scripts" / "exports.mjs"

ORO_TOP_LEVEL: Final = (
    "ai",
    "application",
    "asn1",
    "assert",
    "async",
    "async_hooks",
    "background",
    "bootstrap",
    "buffer",
    "cdp",
    "child_process",
    "clipboard",
    "commonjs",
    "conduit",
    "console",
    "constants",
    "cookies",
    "crypto",
    "dbus",
    "dgram",
    "diagnostics",
    "did",
    "dns",
    "enumeration",
    "errno",
    "errors",
    "events",
    "extension",
    "fetch",
    "fs",
    "gc",
    "hci",
    "hooks",
    "http",
    "https",
    "i18n",
    "ip",
    "ipc",
    "ipfs",
    "iroh",
    "language",
    "latica",
    "location",
    "mcp",
    "mime",
    "module",
    "navigation",
    "net",
    "network",
    "node-esm-loader",
    "notification",
    "os",
    "path",
    "process",
    "protocol-handlers",
    "querystring",
    "secure-storage",
    "semver",
    "service-worker",
    "shared-worker",
    "signal",
    "sqlite",
    "stream",
    "string_decoder",
    "tar",
    "tcp",
    "test",
    "timers",
    "tls",
    "toml",
    "tty",
    "url",
    "util",
    "vm",
    "window",
    "worker",
    "worker_threads",
    "xpc",
    "zlib",
)
"""The Oro Runtime's top-level modules (its docs' all-modules list)."""
EARLIER_MODULES: Final = ("backend", "bluetooth", "index", "peer", "runtime")
"""Modules of earlier Socket Runtime releases that published apps still import
(``socket:backend``, ``socket:index``, ``socket:peer``, ``socket:runtime``; issue 40), and
Socket Runtime's ``socket:bluetooth`` (socketsupply/socket's api/, whose tests issue 44
measures)."""
IMPORTABLE: Final = tuple(sorted({*ORO_TOP_LEVEL, *EARLIER_MODULES}))

_SPECIFIER: Final = re.compile(r"`((?:oro|node):[\w/-]+)`")


def _table_rows(heading: str) -> list[list[str]]:
    """The cells of the first table under ``heading`` in docs/js-api.md, header rows left out."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"\n{heading}\n", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(cells)
    return rows[2:]


def documented() -> list[tuple[set[str], set[str]]]:
    """``(oro names, node names)`` of each row of the Modules table."""
    return [
        (set(_SPECIFIER.findall(row[0])), set(_SPECIFIER.findall(row[1])))
        for row in _table_rows("## Modules")
    ]


def left_out() -> set[str]:
    return {
        name
        for row in _table_rows("### Left out of Oro's list")
        for name in _SPECIFIER.findall(row[0])
    }


def every_plugin() -> list[object]:
    return [entry.load() for entry in entry_points(group="oro")]


def served_specifiers() -> dict[str, JSModule]:
    async def collect() -> dict[str, JSModule]:
        async with make_host(every_plugin()) as host:
            return host.js_modules.specifiers()

    return anyio.run(collect, backend="trio")


def test_the_modules_table_is_what_the_host_serves() -> None:
    served = served_specifiers()
    rows = documented()
    assert all(oro for oro, _node in rows), "every row names an oro: module"
    assert sorted(name for oro, node in rows for name in oro | node) == sorted(served)
    for oro, node in rows:
        for alias in node:
            assert served[alias].specifier in oro, f"{alias} is served as another row's module"


def test_every_oro_module_is_served_or_left_out_with_a_reason() -> None:
    """Oro's modules, and those of earlier releases apps still import (issue 40 item 6)."""
    served = {name for oro, _node in documented() for name in oro}
    served_top_level = {name.split("/", 1)[0] for name in served}
    omitted = left_out()
    assert not served & omitted, "a module is both served and left out"
    unaccounted = [
        name
        for name in IMPORTABLE
        if f"oro:{name}" not in served_top_level and f"oro:{name}" not in omitted
    ]
    assert unaccounted == []
    assert omitted <= {f"oro:{name}" for name in IMPORTABLE}, "left out: not Oro's modules"


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(every_plugin()) as served:
        yield served


def declared_exports(modules: dict[str, JSModule]) -> dict[str, list[str]]:
    """Each specifier's exports as its ``.d.ts`` declares them (none for a file without one)."""
    files = sorted({str(module.declarations) for module in modules.values() if module.declarations})
    completed = subprocess.run(
        ["node", str(EXPORTS_SCRIPT), *files], capture_output=True, text=True, check=True
    )
    names: dict[str, list[str]] = json.loads(completed.stdout)
    return {
        specifier: names[str(module.declarations)] if module.declarations else []
        for specifier, module in modules.items()
    }


def test_every_module_imports_in_a_page_with_its_declared_exports(
    chromium_browser: Browser, app: ServedApp
) -> None:
    expected = declared_exports(app.host.js_modules.specifiers())
    with app_page(chromium_browser, app) as page:
        problems = page.evaluate(
            """async (expected) => {
              const problems = {}
              for (const [specifier, names] of Object.entries(expected)) {
                try {
                  const module = await import(specifier)
                  const missing = names.filter((name) => !(name in module))
                  if (missing.length) problems[specifier] = `missing ${missing.join(', ')}`
                } catch (error) {
                  problems[specifier] = `${error.name}: ${error.message}`
                }
              }
              return problems
            }""",
            expected,
        )
    assert problems == {}


ORO_EXPORTS: Final = Path(__file__).with_name("oro_exports.json")
"""Oro's value exports per module, from its ``api/*.d.ts`` (see the file's ``source``)."""


def oro_exports_left_out() -> dict[str, set[str]]:
    """The names of docs/js-api.md's "Oro exports left out" table, per module."""
    left: dict[str, set[str]] = {}
    for row in _table_rows("### Oro exports left out"):
        specifiers = _SPECIFIER.findall(row[0])
        names = set(re.findall(r"`([\w$]+)`", row[1]))
        for specifier in specifiers:
            left.setdefault(specifier, set()).update(names)
    return left


def test_every_served_oro_module_has_every_export_oros_declarations_name_or_says_why(
    chromium_browser: Browser, app: ServedApp
) -> None:
    oro: dict[str, list[str]] = json.loads(ORO_EXPORTS.read_text(encoding="utf-8"))["modules"]
    served = app.host.js_modules.specifiers()
    left_out = oro_exports_left_out()
    expected = {
        specifier: sorted(set(names) - left_out.get(specifier, set()))
        for specifier, names in oro.items()
        if specifier in served
    }
    # A left-out name must be one of Oro's, and one we really lack: the table stays true.
    stale = {
        specifier: sorted(names - set(oro.get(specifier, ())))
        for specifier, names in left_out.items()
        if names - set(oro.get(specifier, ()))
    }
    assert stale == {}, "left out, but not an export of Oro's module"
    with app_page(chromium_browser, app) as page:
        answer = page.evaluate(
            """async ([expected, leftOut]) => {
              const problems = {}
              const present = {}
              for (const [specifier, names] of Object.entries(expected)) {
                try {
                  const module = await import(specifier)
                  const missing = names.filter((name) => !(name in module))
                  if (missing.length) problems[specifier] = missing
                  present[specifier] = (leftOut[specifier] ?? []).filter((name) => name in module)
                } catch (error) {
                  problems[specifier] = `${error.name}: ${error.message}`
                }
              }
              return { problems, present }
            }""",
            [expected, {name: sorted(names) for name, names in left_out.items()}],
        )
    assert answer["problems"] == {}
    assert {name: found for name, found in answer["present"].items() if found} == {}, (
        "documented as left out, yet exported"
    )
