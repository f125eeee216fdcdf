"""oro:fs moves a file's bytes unchanged in real windows, on each web engine (WebKitGTK and
QtWebEngine): ``readFile`` of a file past ``filesystem.stream_threshold_bytes`` (a stream whose
length the host declares up front, issue 55) and ``writeFile`` of a page's random bytes large
enough to go in chunks through a descriptor, compared byte for byte by SHA-256 with what is on
disk; a missing file is still ``ENOENT``.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Final

import httpx
from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

BUNDLE: Final = "dev.oro.test.fs-bytes"
CONFIG = f"""[meta]
name = "fs bytes"
bundle_identifier = "{BUNDLE}"

[window]
width = 480
height = 360
remember_state = false
"""
INDEX = """<!doctype html>
<html><head><title>fs bytes</title></head><body>
<script type="module">
import { getCurrentWindow } from 'oro:window'
getCurrentWindow().ready()
</script>
</body></html>
"""

READ_BYTES: Final = 3 * 1024 * 1024 + 5
"""Past the 1 MiB stream threshold and not a whole number of the host's 1 MiB chunks."""
WRITE_BYTES: Final = 9 * 1024 * 1024 + 3
"""Past the 8 MiB a single writeFile request takes: written in chunks through a descriptor."""

ROUND_TRIP = """(async () => {
    const fsp = await import('node:fs/promises')
    const { Buffer } = await import('node:buffer')
    const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
        .map((byte) => byte.toString(16).padStart(2, '0')).join('')
    const read = await fsp.readFile('data:in.bin')
    const written = new Uint8Array(%d)
    for (let i = 0; i < written.length; i += 65536) {
        crypto.getRandomValues(written.subarray(i, i + 65536))
    }
    await fsp.writeFile('data:out.bin', written)
    await fsp.writeFile('data:copy.bin', read)
    let missing = null
    try { await fsp.readFile('data:missing.bin') } catch (error) { missing = error.code }
    return {
        isBuffer: Buffer.isBuffer(read),
        readLength: read.length,
        read: await hex(read),
        written: await hex(written),
        base64: (await fsp.readFile('data:in.bin', 'base64')).length,
        missing,
    }
})()"""


def settle(bridge: httpx.Client, script: str) -> dict[str, Any]:
    """What the promise ``script`` resolves to in the page (``window.eval`` gives only a
    script's completion value), polled until it settles."""
    evaluate(
        bridge,
        "window.__answer = null; "
        f"{script}.then((value) => {{ window.__answer = JSON.stringify({{ value }}) }},"
        " (error) => { window.__answer = JSON.stringify({ error: String(error?.stack ?? error) })"
        " }); 0",
    )
    answer = until(lambda: evaluate(bridge, "window.__answer"), "the page's answer", 120)
    settled: dict[str, Any] = json.loads(answer)
    assert "error" not in settled, settled["error"]
    value: dict[str, Any] = settled["value"]
    return value


def test_read_file_and_write_file_move_random_bytes_unchanged(
    tmp_path: Path, display: str, engine: str
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(CONFIG)
    (app / "index.html").write_text(INDEX)
    data = tmp_path / "data" / BUNDLE
    data.mkdir(parents=True)
    content = os.urandom(READ_BYTES)
    (data / "in.bin").write_bytes(content)
    key = new_key()
    with start(display, engine, key, app, XDG_DATA_HOME=str(tmp_path / "data")) as oro:
        bridge = bridge_of(oro, key, "fs bytes")
        answer = settle(bridge, ROUND_TRIP % WRITE_BYTES)
    assert answer["isBuffer"] is True
    assert answer["readLength"] == READ_BYTES
    assert answer["read"] == hashlib.sha256(content).hexdigest()
    assert (data / "copy.bin").read_bytes() == content
    written = (data / "out.bin").read_bytes()
    assert len(written) == WRITE_BYTES
    assert answer["written"] == hashlib.sha256(written).hexdigest()
    assert answer["base64"] == (READ_BYTES + 2) // 3 * 4
    assert answer["missing"] == "ENOENT"
