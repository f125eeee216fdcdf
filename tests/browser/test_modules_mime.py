"""``oro:mime`` in a real headless Chromium against the real bridge: Oro's databases over the host's
table (``mime.table``), and ``MIMEType``/``MIMEParams`` against Node's ``util`` (the same script
under ``node`` and in the page)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from oro_framework import mime as _mime
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

APP = Path(__file__).resolve().parents[2] / "examples" / "minimal"
DATABASES = ("application", "audio", "font", "image", "model", "multipart", "text", "video")

# `MIMEType` in scope; answers JSON. Valid and invalid inputs, setters and parameter edits.
MIME_SCRIPT = """
const describe = (work) => {
  try {
    const value = work()
    return { string: String(value), type: value.type, subtype: value.subtype,
             essence: value.essence, params: [...value.params], json: JSON.stringify(value) }
  } catch (e) { return { error: [e.name, e.code, e.message] } }
}
const inputs = ['text/plain', ' TEXT/HTML ; Charset="UTF-8" ', 'a/b;c="d\\\\"e";f', 'x/y;=z;a;b=',
  'x/y;a="unterminated', 'x/y;A=1;a=2', 'application/ld+json; profile="x y"', 'x/y;a=\\u0100',
  'bad', 'x/', 'x y/z', '', 'x/y;;;a=b;;']
const parsed = inputs.map((input) => describe(() => new MIMEType(input)))
const edited = describe(() => {
  const value = new MIMEType('text/plain;charset=utf-8')
  value.type = 'Application'
  value.subtype = 'JSON'
  value.params.set('q', 'a "b"')
  value.params.set('e', '')
  value.params.delete('charset')
  return value
})
const refused = [() => { new MIMEType('a/b').type = 'a b' },
                 () => new MIMEType('a/b').params.set('bad name', 'x'),
                 () => new MIMEType('a/b').params.set('x', '\\u0100')].map((work) => describe(work))
return { parsed, edited, refused }
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.platform], app_dir=APP) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


# Wraps a test body: `mime` (oro:mime) and `failure` (a rejection as [name, code, isError]).
PRELUDE = """async (arg) => {
  const mime = await import('oro:mime')
  const failure = async (work) => {
    try { await work() } catch (e) { return [e.name, e.code, e instanceof Error] }
    return null
  }
  %s
}"""
IN_PAGE = "async () => { const { MIMEType } = await import('oro:mime')\n%s }"


def evaluate(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(PRELUDE % body, arg)


def test_oro_mime_imports_with_oros_exports_and_no_node_name(page: Page) -> None:
    answer = evaluate(
        page,
        """return {
          names: Object.keys(mime).sort(),
          defaults: Object.keys(mime.default).sort(),
          databases: mime.databases.map((database) => database.name),
          node: await failure(() => import('node:mime')),
        }""",
    )
    api = [
        "Database",
        "DatabaseQueryResult",
        "MIMEParams",
        "MIMEType",
        "databases",
        "lookup",
        "lookupSync",
    ]
    assert answer["names"] == sorted([*api, "default", *DATABASES])
    assert answer["defaults"] == sorted(name for name in answer["names"] if name != "default")
    assert answer["databases"] == list(DATABASES)
    assert answer["node"][0] == "TypeError"


def test_lookup_answers_from_the_hosts_table(page: Page) -> None:
    answer = evaluate(
        page,
        """const shape = (results) => results.map((r) => [r.database.name, r.name, r.mime,
                                                         r instanceof mime.DatabaseQueryResult])
        const lookups = {}
        for (const query of arg) lookups[query] = shape(await mime.lookup(query))
        const tables = {}
        for (const database of mime.databases) tables[database.name] = [...database.entries()]
        return { lookups, tables, badQuery: await failure(() => mime.lookup(5)),
                 badDatabase: await failure(() => new mime.Database('Not A Type').load()) }""",
        ["png", "image/png", "WASM", "js", "svg", "woff2", "no-such-extension"],
    )
    host = _mime.media_types()
    # Each database holds exactly the host's entries of its top-level type, in the host's order.
    for name in DATABASES:
        expected = [[ext, kind] for ext, kind in host.items() if kind.startswith(f"{name}/")]
        assert answer["tables"][name] == expected, name
    assert sum(map(len, answer["tables"].values())) > 100
    lookups = answer["lookups"]
    assert lookups["png"] == [["image", "png", "image/png", True]]
    assert lookups["WASM"] == [["application", "wasm", "application/wasm", True]]
    assert lookups["js"] == [["text", "js", "text/javascript", True]]
    assert lookups["svg"] == [["image", "svg", "image/svg+xml", True]]
    assert lookups["woff2"] == [["font", "woff2", "font/woff2", True]]
    # Reverse: every name the host gives image/png.
    assert lookups["image/png"] == [
        ["image", ext, "image/png", True] for ext, kind in host.items() if kind == "image/png"
    ]
    assert lookups["no-such-extension"] == []
    assert answer["badQuery"] == ["TypeError", "ERR_INVALID_ARG_TYPE", True]
    # The host refuses a top-level type that is not one, with a typed error.
    assert answer["badDatabase"] == ["TypeError", "ERR_INVALID_ARG_VALUE", True]


def test_mime_type_parses_as_nodes_util(page: Page, tmp_path: Path) -> None:
    expected = run_in_node(
        MIME_SCRIPT, imports="import { MIMEType } from 'node:util'", values={}, directory=tmp_path
    )
    actual = json.loads(json.dumps(page.evaluate(IN_PAGE % MIME_SCRIPT)))
    assert actual == expected
    # Meaningful only if both parsed and refused as meant.
    assert expected["parsed"][1]["string"] == "text/html;charset=UTF-8"
    assert expected["parsed"][8]["error"][1] == "ERR_INVALID_MIME_SYNTAX"
    assert expected["edited"]["string"] == 'application/json;q="a \\"b\\"";e=""'
    assert all(case["error"][1] == "ERR_INVALID_MIME_SYNTAX" for case in expected["refused"])
