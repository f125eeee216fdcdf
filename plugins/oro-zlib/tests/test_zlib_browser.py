"""oro:zlib and node:zlib in a real headless Chromium, over the real bridge: the page's calls
reach Python's zlib and come back as Buffers with Oro's and Node's shapes and errors. The
``oro:zlib`` cases follow Oro's ``api/zlib.d.ts`` (and the behaviour of its ``api/zlib.js``)."""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterator
from typing import Any

import oro_zlib.plugin
import pytest
from oro_zlib.state import STATE
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app, until


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>zlib</title>\n")
    config = {"zlib.max_output_bytes": 1 << 20, "zlib.max_streams": 4}
    with served_app([oro_zlib.plugin], app_dir=app_dir, config=config) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Run ``body`` with ``oro`` (oro:zlib), ``node`` (node:zlib) and ``arg`` in scope."""
    return page.evaluate(
        "async (arg) => { const oro = await import('oro:zlib');"
        " const node = (await import('node:zlib')).default;"
        " const { Buffer } = await import('oro:buffer');"
        f"\n{body}\n}}",
        arg,
    )


TEXT = "a line of text that repeats\n" * 500


def test_oro_gzip_is_pythons_gzip_and_round_trips(page: Page) -> None:
    result = run(
        page,
        "const packed = await oro.gzip(arg, { level: 9 });"
        " const plain = await oro.gunzip(packed);"
        " return [Buffer.isBuffer(packed), packed.toString('base64'), plain.toString()]",
        TEXT,
    )
    is_buffer, packed, plain = result
    assert is_buffer is True
    packed_bytes = base64.b64decode(packed)
    assert gzip.decompress(packed_bytes).decode() == TEXT
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    assert packed_bytes == compressor.compress(TEXT.encode()) + compressor.flush()
    assert plain == TEXT


def test_oro_api_has_orosexports_and_checks_like_oro(page: Page) -> None:
    result = run(
        page,
        "const errors = [];"
        " for (const f of [() => oro.deflate(5), () => oro.deflate('x', { format: 'brotli' }),"
        "   () => oro.deflate('x', { level: 10 })]) {"
        "   try { await f(); errors.push(null) } catch (e) { errors.push(e.constructor.name) } }"
        " return { keys: Object.keys(oro).sort(), defaults: Object.keys(oro.default).sort(),"
        "   frozen: Object.isFrozen(oro.default), available: await oro.isAvailable(), errors }",
    )
    names = [
        "ZlibStream",
        "createDeflateStream",
        "createInflateStream",
        "deflate",
        "gunzip",
        "gzip",
        "inflate",
        "isAvailable",
    ]
    assert result["keys"] == sorted([*names, "default"])
    assert result["defaults"] == names
    assert result["frozen"] is True
    assert result["available"] is True
    assert result["errors"] == ["TypeError", "RangeError", "RangeError"]


def test_oro_zlib_stream_writes_and_ends(page: Page) -> None:
    result = run(
        page,
        """
        const deflater = await oro.createDeflateStream({ format: 'raw' })
        const parts = [await deflater.write(arg.slice(0, 100)), await deflater.end(arg.slice(100))]
        const packed = Buffer.concat(parts)
        const inflater = await oro.ZlibStream.create('inflate', { format: 'raw' })
        const plain = Buffer.concat([await inflater.write(packed), await inflater.end()])
        let after
        try { await deflater.write('x') } catch (e) { after = e.message }
        const ended = (await deflater.end()).length
        const { id, mode, format, closed } = deflater
        return { id: typeof id, mode, format, closed, plain: plain.toString(), after, ended }
        """,
        TEXT,
    )
    assert result == {
        "id": "string",
        "mode": "deflate",
        "format": "raw",
        "closed": True,
        "plain": TEXT,
        "after": "ZlibStream is closed",
        "ended": 0,
    }


def test_corrupt_input_and_a_bomb_are_typed_errors_in_the_page(page: Page) -> None:
    bomb = zlib.compress(b"\0" * (2 << 20), 9)
    result = run(
        page,
        """
        const out = []
        for (const input of ['not zlib', Buffer.from(arg, 'base64')]) {
          try {
            await oro.inflate(input)
            out.push(null)
          } catch (e) {
            out.push([e.name, e.code, e.errno ?? null, e.message])
          }
        }
        return out
        """,
        base64.b64encode(bomb).decode(),
    )
    assert result == [
        ["Error", "Z_DATA_ERROR", -3, "incorrect header check"],
        [
            "RangeError",
            "ERR_BUFFER_TOO_LARGE",
            None,
            "Cannot create a Buffer larger than 1048576 bytes",
        ],
    ]


def test_node_sync_forms_go_through_send_sync(page: Page) -> None:
    result = run(
        page,
        """
        const packed = node.gzipSync(arg)
        let error
        try { node.inflateSync('junk') } catch (e) { error = [e.name, e.code, e.errno] }
        const unzipped = node.unzipSync(node.deflateSync(arg)).toString()
        return [node.gunzipSync(packed).toString() === arg, unzipped === arg, error]
        """,
        TEXT,
    )
    assert result == [True, True, ["Error", "Z_DATA_ERROR", -3]]


def test_node_transform_streams_pipe(page: Page) -> None:
    result = run(
        page,
        """
        const { pipeline, Readable, Writable } = await import('oro:stream')
        const chunks = []
        const source = Readable.from(arg.map((s) => Buffer.from(s)))
        const sink = new Writable({ write (c, e, cb) { chunks.push(c); cb() } })
        await new Promise((resolve, reject) => pipeline(
          source, node.createGzip(), node.createGunzip(), sink, (e) => e ? reject(e) : resolve()))
        return Buffer.concat(chunks).toString()
        """,
        [TEXT[i : i + 1000] for i in range(0, len(TEXT), 1000)],
    )
    assert result == TEXT


@pytest.mark.in_process(reason="it reads the plugin's streams in the host's process (host.stash)")
def test_a_pages_streams_are_dropped_when_it_goes_away(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    state = app.host.stash[STATE]

    async def open_streams() -> int:
        return len(state.streams)

    with app_page(browser, app) as page:
        run(page, "for (let i = 0; i < 3; i++) await oro.createInflateStream(); return null")
        assert app.call(open_streams) == 3
    until(lambda: app.call(open_streams) == 0, "the closed page's streams dropped", timeout=30)


def test_zlib_vernum_is_the_hosts_zlib(page: Page) -> None:
    parts = [int(part) for part in zlib.ZLIB_RUNTIME_VERSION.split(".")[:3]]
    major, minor, revision = [*parts, 0, 0, 0][:3]
    expected = (major << 12) | (minor << 8) | (revision << 4)
    assert run(page, "return node.constants.ZLIB_VERNUM") == expected


def test_oro_options_signal_aborts_the_call(page: Page) -> None:
    result = run(
        page,
        """
        const controller = new AbortController()
        controller.abort()
        try {
          await oro.gzip('x', { signal: controller.signal })
          return null
        } catch (e) {
          return e.name
        }
        """,
    )
    assert result == "AbortError"
