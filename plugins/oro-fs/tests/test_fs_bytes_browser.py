"""oro:fs moves random bytes unchanged in real headless Chromium and WebKit pages: ``readFile``
of a file past the stream threshold (a stream of declared length, issue 55), as a ``Buffer`` and
as base64 (over the Conduit too), and ``writeFile`` of a ``Buffer``, a ``Uint8Array`` and bytes
past the 8 MiB one request takes, compared by SHA-256 with what is on disk."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import oro_fs.plugin
import pytest
from oro_conduit import STATE as CONDUIT
from oro_conduit import plugin as conduit_plugin
from oro_fs.state import STATE
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


OVER_THE_CONDUIT = """async (path) => {
    const { transport } = await import('oro:conduit')
    await transport().conduit.connected
    const fsp = await import('node:fs/promises')
    const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
        .map((byte) => byte.toString(16).padStart(2, '0')).join('')
    // The first call asks over the socket and fetches the body the host handed over; the
    // second goes straight over fetch.
    return [await hex(await fsp.readFile(path)), await hex(await fsp.readFile(path))]
}"""


def test_a_file_past_the_stream_threshold_is_read_unchanged_over_the_conduit(
    browser: Browser | WebKitBrowser,
) -> None:
    # Handed over unread (a stream of declared length with its file): the take sends it from
    # the file, as fetch does, and the descriptor is closed once sent.
    with served_app([oro_fs.plugin, conduit_plugin], app_dir=APP, config=DATA_HOME) as app:
        data = Path(app.host.paths.data)
        data.mkdir(parents=True, exist_ok=True)
        content = os.urandom(READ_BYTES)
        (data / "in.bin").write_bytes(content)
        bulk = app.host.stash[CONDUIT].bulk
        before = bulk.handed_over
        with app_page(browser, app) as page:
            digests = page.evaluate(OVER_THE_CONDUIT, "in.bin")
        assert digests == [hashlib.sha256(content).hexdigest()] * 2
        assert bulk.handed_over == before + 1
        assert len(bulk) == 0
        assert len(app.host.stash[STATE].streams) == 0
