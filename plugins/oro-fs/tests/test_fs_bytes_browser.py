"""oro:fs moves random bytes unchanged in real headless Chromium and WebKit pages: ``readFile``
of a file past the stream threshold (a stream of declared length, issue 55), as a ``Buffer`` and
as base64, and ``writeFile`` of a ``Buffer``, a ``Uint8Array`` and bytes past the 8 MiB one
request takes, compared by SHA-256 with what is on disk."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser

from conftest import DATA_HOME
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

APP = Path(__file__).resolve().parents[3] / "examples" / "minimal"
READ_BYTES: Final = 3 * 1024 * 1024 + 5
WRITE_BYTES: Final = 9 * 1024 * 1024 + 3

ROUND_TRIP = """async (size) => {
    const fsp = await import('node:fs/promises')
    const { Buffer } = await import('node:buffer')
    const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
        .map((byte) => byte.toString(16).padStart(2, '0')).join('')
    const read = await fsp.readFile('in.bin')
    const written = new Uint8Array(size)
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(written.subarray(i, i + 65536))
    await fsp.writeFile('out.bin', written)
    await fsp.writeFile('copy.bin', read)
    await fsp.writeFile('view.bin', new Uint8Array(read.buffer, read.byteOffset, read.byteLength))
    return {
        isBuffer: Buffer.isBuffer(read),
        read: await hex(read),
        written: await hex(written),
        base64: await fsp.readFile('in.bin', { encoding: 'base64' }),
    }
}"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_fs.plugin], app_dir=APP, config=DATA_HOME) as served:
        yield served


def test_read_file_and_write_file_move_random_bytes_unchanged(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    data = Path(app.host.paths.data)
    data.mkdir(parents=True, exist_ok=True)
    content = os.urandom(READ_BYTES)
    (data / "in.bin").write_bytes(content)
    with app_page(browser, app) as page:
        answer = page.evaluate(ROUND_TRIP, WRITE_BYTES)
    assert answer["isBuffer"] is True
    assert answer["read"] == hashlib.sha256(content).hexdigest()
    assert base64.b64decode(answer["base64"]) == content
    assert (data / "copy.bin").read_bytes() == content
    assert (data / "view.bin").read_bytes() == content
    written = (data / "out.bin").read_bytes()
    assert len(written) == WRITE_BYTES
    assert answer["written"] == hashlib.sha256(written).hexdigest()
