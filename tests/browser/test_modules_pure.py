"""The vendored pure modules (util, assert, url, querystring, string_decoder, path/win32,
stream/web, stream/promises, crypto, console) in a real headless Chromium against the real host.

Each differential test runs one script body twice, under the ``node`` on PATH with Node's own
modules and in a page with the ``node:`` modules the host serves, and compares what each answers.
The property tests generate inputs with hypothesis and send a whole batch to one page evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

# Every module this file is about, by each name it is served under, with exports it must have.
SPECIFIERS: dict[str, list[str]] = {
    "util": [
        "format",
        "formatWithOptions",
        "inspect",
        "promisify",
        "callbackify",
        "inherits",
        "deprecate",
        "debuglog",
        "isDeepStrictEqual",
        "types",
        "TextEncoder",
        "TextDecoder",
        "parseArgs",
        "stripVTControlCharacters",
        "styleText",
    ],
    "util/types": ["isPromise", "isDate", "isRegExp", "isTypedArray"],
    "sys": ["format", "inspect"],
    "assert": [
        "ok",
        "equal",
        "strictEqual",
        "deepEqual",
        "deepStrictEqual",
        "notEqual",
        "notStrictEqual",
        "notDeepStrictEqual",
        "throws",
        "rejects",
        "doesNotThrow",
        "match",
        "fail",
        "AssertionError",
        "strict",
    ],
    "assert/strict": ["equal", "deepEqual", "AssertionError"],
    "url": [
        "URL",
        "URLSearchParams",
        "parse",
        "format",
        "resolve",
        "fileURLToPath",
        "pathToFileURL",
        "domainToASCII",
        "domainToUnicode",
    ],
    "querystring": ["parse", "stringify", "escape", "unescape", "decode", "encode"],
    "string_decoder": ["StringDecoder"],
    "path/posix": ["join", "resolve", "sep"],
    "path/win32": ["join", "resolve", "parse", "relative", "sep"],
    "stream/web": [
        "ReadableStream",
        "WritableStream",
        "TransformStream",
        "TextEncoderStream",
        "TextDecoderStream",
        "CompressionStream",
        "DecompressionStream",
        "ByteLengthQueuingStrategy",
        "CountQueuingStrategy",
    ],
    "stream/promises": ["pipeline", "finished"],
    "crypto": [
        "webcrypto",
        "subtle",
        "getRandomValues",
        "randomBytes",
        "randomUUID",
        "randomInt",
        "createHash",
        "createHmac",
        "timingSafeEqual",
        "getHashes",
    ],
    "console": ["Console", "log"],
}

# The modules a differential script sees, as namespaces: `import * as util from 'node:util'`
# under Node, `await import('node:util')` in the page.
MODULES = {
    "util": "node:util",
    "assert": "node:assert",
    "url": "node:url",
    "querystring": "node:querystring",
    "string_decoder": "node:string_decoder",
    "path": "node:path",
    "crypto": "node:crypto",
    "stream": "node:stream",
    "streamPromises": "node:stream/promises",
    "consoleModule": "node:console",
    "bufferModule": "node:buffer",
}

NODE_IMPORTS = "\n".join(f"import * as {name} from '{spec}'" for name, spec in MODULES.items())
PAGE_IMPORTS = "".join(f"const {name} = await import('{spec}');" for name, spec in MODULES.items())

# The differential script: a function body with the modules above in scope; its result is JSON.
SCRIPT = (Path(__file__).parent / "modules_pure_differential.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.platform]) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str, value: Any = None) -> Any:
    result = page.evaluate(f"async (input) => {{ {PAGE_IMPORTS} {body} }}", value)
    return json.loads(json.dumps(result))


def in_node(body: str, directory: Path, value: Any = None) -> Any:
    return run_in_node(body, imports=NODE_IMPORTS, values={"input": value}, directory=directory)


def test_every_module_imports_under_each_name_with_its_exports(page: Page) -> None:
    missing = page.evaluate(
        """async (specifiers) => {
            const missing = []
            for (const [name, exports] of Object.entries(specifiers)) {
                const oro = await import(`oro:${name}`)
                const node = await import(`node:${name}`)
                if (oro.default !== node.default) missing.push(`node:${name} is not oro:${name}`)
                for (const key of exports) {
                    if (oro[key] === undefined) missing.push(`oro:${name}.${key}`)
                    if (oro.default[key] === undefined && name !== 'console')
                        missing.push(`oro:${name} default.${key}`)
                }
            }
            return missing
        }""",
        SPECIFIERS,
    )
    assert missing == []


def test_page_and_node_answer_the_same_script_alike(page: Page, tmp_path: Path) -> None:
    expected = in_node(SCRIPT, tmp_path)
    actual = in_page(page, SCRIPT)
    for key in expected:
        assert actual[key] == expected[key], key
    # The comparison means something only if the script did what it meant to.
    assert expected["assert_"][0]["code"] == "ERR_ASSERTION"
    assert expected["crypto_"][2][1][0] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert expected["streams"] == {"chunks": ["A", "B", "C"], "broken": "bad chunk"}
    assert "".join(expected["decoder_"]["utf8"][0]) == "a€😀é\u0800"


def test_page_only_behaviour(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const crypto = await import('node:crypto')
            const web = await import('node:stream/web')
            const console = await import('node:console')
            const path = await import('node:path')
            const { Buffer } = await import('node:buffer')
            const bytes = crypto.randomBytes(70000)
            const later = await new Promise((resolve) => {
                let sync = true
                crypto.randomBytes(8, (error, buffer) => resolve([error, buffer.length, sync]))
                sync = false
            })
            const ints = Array.from({ length: 100 }, () => crypto.randomInt(3, 6))
            const compressed = new Blob(['hello hello hello']).stream()
                .pipeThrough(new web.CompressionStream('gzip'))
                .pipeThrough(new web.DecompressionStream('gzip'))
                .pipeThrough(new web.TextDecoderStream())
            let text = ''
            for await (const chunk of compressed) text += chunk
            const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('key'),
                { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
            const signed = Buffer.from(await crypto.subtle.sign('HMAC', key,
                new TextEncoder().encode('abc'))).toString('hex')
            return {
                bytes: [Buffer.isBuffer(bytes), bytes.length, new Set(bytes).size > 200],
                later,
                ints: [Math.min(...ints) >= 3, Math.max(...ints) <= 5, new Set(ints).size],
                uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()),
                webcrypto: crypto.webcrypto === globalThis.crypto,
                stream: web.ReadableStream === globalThis.ReadableStream,
                text,
                signed: signed === crypto.createHmac('sha256', 'key').update('abc').digest('hex'),
                console: console.default === globalThis.console
                    && console.default.Console === console.Console,
                win32: path.win32.sep,
            }
        }"""
    )
    assert answer == {
        "bytes": [True, 70000, True],
        "later": [None, 8, False],
        "ints": [True, True, 3],
        "uuid": True,
        "webcrypto": True,
        "stream": True,
        "text": "hello hello hello",
        "signed": True,
        "console": True,
        "win32": "\\",
    }


# Text without surrogates (hypothesis' default), so that encodeURIComponent never throws; not
# `__proto__`, which Node's own parse() gives back but an object spread then drops (no round trip
# in Node either).
KEYS = st.text(min_size=0, max_size=12).filter(lambda key: key != "__proto__")
QUERY_VALUES = st.one_of(
    st.text(max_size=12), st.lists(st.text(max_size=8), min_size=2, max_size=4)
)

PROPERTY_SCRIPT = """
return input.map(({ object, raw, text, cuts, values }) => {
  const encoded = querystring.stringify(object)
  const bytes = bufferModule.Buffer.from(text)
  const cutAt = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const decoder = new string_decoder.StringDecoder('utf8')
  let last = 0
  let decoded = ''
  for (const cut of cutAt) { decoded += decoder.write(bytes.subarray(last, cut)); last = cut }
  decoded += decoder.end(bytes.subarray(last))
  return {
    encoded,
    back: { ...querystring.parse(encoded) },
    raw: { ...querystring.parse(raw) },
    decoded,
    inspected: util.inspect(values, { depth: 4 }),
    formatted: util.format(raw, ...values),
    parsed: url.parse(`http://h.test/${raw}`, true).query,
  }
})
"""


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(
        st.fixed_dictionaries(
            {
                "object": st.dictionaries(KEYS, QUERY_VALUES, max_size=5),
                "raw": st.text(alphabet="ab=&%+2F3Eé€ ?#;", max_size=20),
                "text": st.text(max_size=20),
                "cuts": st.lists(st.integers(min_value=0, max_value=200), max_size=6),
                "values": st.lists(
                    st.recursive(
                        st.none()
                        | st.booleans()
                        | st.integers()
                        | st.text(max_size=10)
                        | st.floats(allow_nan=False),
                        lambda children: (
                            st.lists(children, max_size=3)
                            | st.dictionaries(st.text(max_size=5), children, max_size=3)
                        ),
                        max_leaves=8,
                    ),
                    max_size=3,
                ),
            }
        ),
        min_size=20,
        max_size=20,
    )
)
def test_generated_inputs_answer_alike_and_round_trip(
    page: Page, tmp_path_factory: pytest.TempPathFactory, batch: list[dict[str, Any]]
) -> None:
    expected = in_node(PROPERTY_SCRIPT, tmp_path_factory.mktemp("node"), batch)
    actual = in_page(page, PROPERTY_SCRIPT, batch)
    assert actual == expected
    for item, answer in zip(batch, actual, strict=True):
        assert answer["decoded"] == item["text"]
        assert answer["back"] == item["object"]
