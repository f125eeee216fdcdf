"""One node:zlib script (``scripts/differential.mjs``) under Node 20 and in a page (with the
Conduit, as apps run), compared as JSON: stored (level 0) output byte for byte; every format
at levels 1, 6 and 9 on empty, one-byte, text, random and all-zero inputs round-trips through the
callback (``util.promisify``), ``*Sync`` and stream forms, and each side inflates what the other
deflated (Node's zlib is Chromium's fork: above level 0 the bytes differ, the streams do not);
``unzip`` of both headers; concatenated gzip members; ``flush()`` and ``bytesWritten``; the
errors (corrupt, cut short, empty, ``maxOutputLength``, Node's argument errors) with class,
``code``, ``errno`` and message; ``crc32``; ``constants`` and ``codes``; the export names."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_zlib.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

SCRIPT = Path(__file__).resolve().parent / "scripts" / "differential.mjs"


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_conduit.plugin, oro_zlib.plugin]) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, values: dict[str, Any]) -> Any:
    source = SCRIPT.read_text().replace("export default async function", "async function", 1)
    return page.evaluate(
        "async (values) => {\n"
        f"{source}\n"
        "const zlib = (await import('node:zlib')).default\n"
        "const { Buffer } = await import('node:buffer')\n"
        "const util = (await import('node:util')).default\n"
        "return await script({ zlib, Buffer, util, values })\n"
        "}",
        values,
    )


def in_node(values: dict[str, Any], directory: Path) -> Any:
    return run_in_node(
        f"const {{ default: script }} = await import({json.dumps(SCRIPT.as_uri())})\n"
        "return await script({ zlib, Buffer, util, values })",
        imports=(
            "import zlib from 'node:zlib'\n"
            "import { Buffer } from 'node:buffer'\n"
            "import util from 'node:util'"
        ),
        values={"values": values},
        directory=directory,
        timeout=120,
    )


def test_node_and_the_page_run_the_same_script_alike(page: Page, tmp_path: Path) -> None:
    expected = in_node({"foreign": None}, tmp_path)
    actual = json.loads(json.dumps(in_page(page, {"foreign": None})))
    node_compressed = expected.pop("compressed")
    page_compressed = actual.pop("compressed")
    assert actual.keys() == expected.keys()
    for key in expected:
        assert actual[key] == expected[key], key
    # The comparison means something only if the cases did what they are meant to.
    assert all(all(checks[:3]) for checks in expected["roundTrips"].values())
    assert expected["errors"]["garbage"]["error"]["code"] == "Z_DATA_ERROR"
    assert expected["errors"]["cut"]["error"]["code"] == "Z_BUF_ERROR"
    assert expected["errors"]["maxOutput"]["error"]["code"] == "ERR_BUFFER_TOO_LARGE"
    assert expected["errors"]["maxOutputExact"] == {"value": 300_000}
    assert expected["streamErrors"][2] is None
    assert expected["flush"] == ["hello ", "hello world", 11]
    assert expected["crc32"][1] == zlib.crc32(b"hello")

    # Each side inflates what the other deflated.
    node_reads = in_node({"foreign": page_compressed}, tmp_path)["foreign"]
    page_reads = in_page(page, {"foreign": node_compressed})["foreign"]
    assert node_reads == dict.fromkeys(page_compressed, True)
    assert page_reads == dict.fromkeys(node_compressed, True)
    # And above level 0 the bytes are not the same (else the cross check would prove nothing).
    assert page_compressed["deflate/6/text"] != node_compressed["deflate/6/text"]
