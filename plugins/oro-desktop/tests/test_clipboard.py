"""oro:clipboard in a real app in a Qt window under Xvfb, against another real X client: what
the page writes, xclip reads (text, HTML, PNG bytes, the primary selection), and what xclip
offers, the page reads. Limits are typed errors after which the app keeps serving."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _desktop_app import Desktop, DesktopApp, recorder_page, run_app, until, write_app

LIMIT = 10 * 1024 * 1024
CALLS = itertools.count()
PAGE = recorder_page(
    [],
    imports="import clipboard from 'oro:clipboard'",
    script="""
globalThis.clipboard = clipboard
globalThis.bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
globalThis.sha256 = async (blob) => {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
""",
)


def png(width: int, height: int, level: int = 9, seed: int = 0) -> bytes:
    """A real RGB PNG; ``level`` 0 stores the pixels uncompressed, so its size is known."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = bytes((seed + x) % 256 for x in range(width * 3))
    pixels = b"".join(b"\x00" + row for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, level))
        + chunk(b"IEND", b"")
    )


SMALL_PNG = png(24, 16, seed=7)
# Just over the limit, and its base64 still under ipc.max_body_bytes: the clipboard's own limit
# answers, not the bridge's.
BIG_PNG = png(1900, 1900, level=0)
assert len(BIG_PNG) > LIMIT
assert len(BIG_PNG) * 4 // 3 < 16 * 1024 * 1024
SMALL_PNG_JS = f"bytesOf('{base64.b64encode(SMALL_PNG).decode()}')"


def call(app: DesktopApp, expression: str) -> Any:
    """``await expression`` in the page: ``{"value": ...}`` or ``{"error": {name, code...}}``.
    ``window.eval`` does not wait for a promise: its outcome is kept in a global and polled."""
    mark = f"call{next(CALLS)}"
    app.eval(f"""(globalThis.outcomes ??= {{}},
(async () => {{
  try {{ return {{ value: (await ({expression})) ?? null }} }}
  catch (error) {{
    return {{ error: {{ name: error.name, code: error.code, message: error.message }} }}
  }}
}})().then((outcome) => {{ outcomes[{js(mark)}] = outcome }}), null)""")
    outcome: dict[str, Any] = until(
        lambda: app.eval(f"outcomes[{js(mark)}] ?? null"), f"the page's answer to {expression}"
    )
    return outcome


def value(app: DesktopApp, expression: str) -> Any:
    answer = call(app, expression)
    assert "value" in answer, answer
    return answer["value"]


def xclip_out(screen: Desktop, selection: str, target: str | None = None) -> bytes:
    command = ["xclip", "-o", "-selection", selection]
    if target is not None:
        command += ["-t", target]
    output: bytes = screen.run(*command, text=False).stdout
    return output


@contextlib.contextmanager
def xclip_serving(screen: Desktop, data: bytes, selection: str, target: str) -> Iterator[None]:
    """xclip owning ``selection`` with ``data`` as ``target`` (in the foreground: -quiet)."""
    process = screen.start(
        "xclip", "-i", "-quiet", "-selection", selection, "-t", target, stdin=data
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def app(
    screen: Desktop, engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DesktopApp]:
    directory = write_app(tmp_path_factory.mktemp("clipboard"), PAGE, files={"big.png": BIG_PNG})
    with run_app(screen, directory, engine=engine) as running:
        yield running


def js(value: Any) -> str:
    return json.dumps(value)


# -- the page writes, xclip reads ---------------------------------------------------------------


def test_page_writes_text_html_and_png_and_xclip_reads_each(
    screen: Desktop, app: DesktopApp
) -> None:
    text, html = "hello wörld ✓", "<p>hello <b>wörld</b></p>"
    image = js(base64.b64encode(SMALL_PNG).decode())
    value(
        app,
        f"""clipboard.write({{
          text: {js(text)}, html: {js(html)},
          image: new Blob([bytesOf({image})], {{ type: 'image/png' }})
        }})""",
    )
    assert xclip_out(screen, "clipboard", "text/plain").decode() == text
    assert xclip_out(screen, "clipboard", "text/html").decode() == html
    assert xclip_out(screen, "clipboard", "image/png") == SMALL_PNG
    targets = xclip_out(screen, "clipboard", "TARGETS").decode().split()
    assert {"text/plain", "text/html", "image/png"} <= set(targets)


def test_write_text_replaces_everything_and_xclip_reads_it(
    screen: Desktop, app: DesktopApp
) -> None:
    value(
        app,
        f"clipboard.write({{ html: '<i>old</i>', image: {SMALL_PNG_JS} }})",
    )
    value(app, "clipboard.writeText('line 1\\nline 2 — 1e5')")
    assert xclip_out(screen, "clipboard").decode() == "line 1\nline 2 — 1e5"
    targets = xclip_out(screen, "clipboard", "TARGETS").decode().split()
    assert "text/html" not in targets
    assert "image/png" not in targets


def test_in_a_window_the_page_can_read_and_write_text(app: DesktopApp) -> None:
    """Oro's synchronous canReadText/canWriteText (api/clipboard.d.ts): true in a Qt window."""
    assert value(app, "[clipboard.canReadText(), clipboard.canWriteText()]") == [True, True]


def test_page_reads_back_what_it_wrote(app: DesktopApp) -> None:
    value(
        app,
        f"clipboard.write({{ text: 'mine', image: {SMALL_PNG_JS} }})",
    )
    assert value(app, "clipboard.readText()") == "mine"
    read = value(
        app,
        "clipboard.read().then(async (c) => ({ text: c.text, html: c.html, "
        "type: c.image.type, sha: await sha256(c.image) }))",
    )
    assert read == {
        "text": "mine",
        "html": None,
        "type": "image/png",
        "sha": hashlib.sha256(SMALL_PNG).hexdigest(),
    }


def test_writing_nothing_empties_the_clipboard(screen: Desktop, app: DesktopApp) -> None:
    value(app, "clipboard.writeText('something')")
    value(app, "clipboard.write({})")
    assert value(app, "clipboard.readText()") == ""
    assert value(app, "clipboard.read()") == {"text": None, "html": None, "image": None}
    targets = xclip_out(screen, "clipboard", "TARGETS").decode().split()
    assert "text/plain" not in targets


# -- xclip writes, the page reads ---------------------------------------------------------------


def test_page_reads_text_xclip_owns(screen: Desktop, app: DesktopApp) -> None:
    with xclip_serving(screen, "from xclip — ✓".encode(), "clipboard", "UTF8_STRING"):
        until(
            lambda: value(app, "clipboard.readText()") == "from xclip — ✓",
            "the page reads xclip's text",
        )
        content = value(app, "clipboard.read().then((c) => ({ text: c.text, image: c.image }))")
        assert content == {"text": "from xclip — ✓", "image": None}


def test_page_reads_html_xclip_owns(screen: Desktop, app: DesktopApp) -> None:
    html = "<ul><li>one</li><li>two</li></ul>"
    with xclip_serving(screen, html.encode(), "clipboard", "text/html"):
        until(
            lambda: value(app, "clipboard.read().then((c) => c.html)") == html,
            "the page reads xclip's HTML",
        )


def test_page_reads_the_png_bytes_xclip_owns(screen: Desktop, app: DesktopApp) -> None:
    image = png(40, 30, seed=99)
    expected = hashlib.sha256(image).hexdigest()
    with xclip_serving(screen, image, "clipboard", "image/png"):
        until(
            lambda: (
                value(app, "clipboard.read().then((c) => c.image && sha256(c.image))") == expected
            ),
            "the page reads xclip's PNG",
        )


def bmp(width: int, height: int) -> bytes:
    """A 24-bit BMP: an image type the page never gets as such."""
    row = bytes((x * 7) % 256 for x in range(width * 3)).ljust((width * 3 + 3) // 4 * 4, b"\0")
    pixels = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    header = struct.pack("<2sIHHI", b"BM", 14 + len(info) + len(pixels), 0, 0, 14 + len(info))
    return header + info + pixels


def test_page_reads_another_image_type_as_png(screen: Desktop, app: DesktopApp) -> None:
    with xclip_serving(screen, bmp(33, 21), "clipboard", "image/bmp"):

        def decoded() -> Any:
            return value(
                app,
                """clipboard.read().then(async ({ image }) => {
                  if (!image) return null
                  const head = Array.from(new Uint8Array(await image.slice(0, 8).arrayBuffer()))
                  const bitmap = await createImageBitmap(image)
                  return { type: image.type, head, width: bitmap.width, height: bitmap.height }
                })""",
            )

        assert until(decoded, "the page reads xclip's BMP") == {
            "type": "image/png",
            "head": list(b"\x89PNG\r\n\x1a\n"),
            "width": 33,
            "height": 21,
        }


# -- the primary selection ----------------------------------------------------------------------


def test_primary_selection_both_ways_apart_from_the_clipboard(
    screen: Desktop, app: DesktopApp
) -> None:
    value(app, "clipboard.writeText('on the clipboard')")
    value(app, "clipboard.writeText('selected text', { selection: 'primary' })")
    assert xclip_out(screen, "primary").decode() == "selected text"
    assert xclip_out(screen, "clipboard").decode() == "on the clipboard"

    with xclip_serving(screen, b"xclip's selection", "primary", "UTF8_STRING"):
        until(
            lambda: (
                value(app, "clipboard.readText({ selection: 'primary' })") == "xclip's selection"
            ),
            "the page reads xclip's primary selection",
        )
        assert value(app, "clipboard.readText()") == "on the clipboard"


def test_an_unknown_selection_fails_in_the_page(app: DesktopApp) -> None:
    answer = call(app, "clipboard.readText({ selection: 'secondary' })")
    assert answer["error"]["code"] == "ERR_INVALID_ARG_TYPE"


# -- limits and bad input -----------------------------------------------------------------------


def test_writing_an_image_over_the_limit_is_refused_and_the_app_keeps_serving(
    screen: Desktop, app: DesktopApp
) -> None:
    value(app, "clipboard.writeText('before')")
    answer = call(
        app, "fetch('big.png').then((r) => r.blob()).then((b) => clipboard.write({ image: b }))"
    )
    assert answer["error"]["name"] == "RangeError"
    assert answer["error"]["code"] == "ERR_CLIPBOARD_TOO_LARGE"
    assert "desktop.clipboard_max_bytes" in answer["error"]["message"]
    assert app.call("ping") == "pong"
    assert xclip_out(screen, "clipboard").decode() == "before"


def test_reading_an_image_over_the_limit_is_refused_and_the_app_keeps_serving(
    screen: Desktop, app: DesktopApp, tmp_path: Path
) -> None:
    with xclip_serving(screen, BIG_PNG, "clipboard", "image/png"):

        def refused() -> Any:
            answer = call(app, "clipboard.read()")
            return answer.get("error")

        error = until(refused, "reading the big image fails")
        assert (error["name"], error["code"]) == ("RangeError", "ERR_CLIPBOARD_TOO_LARGE")
        assert app.call("ping") == "pong"
    value(app, "clipboard.writeText('after')")
    assert value(app, "clipboard.readText()") == "after"


@pytest.mark.parametrize(
    "image",
    [
        "new Uint8Array([71, 73, 70, 56, 57, 97, 1, 0, 1, 0])",  # GIF89a
        # A PNG signature in front of bytes no PNG decoder reads.
        "new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4, 5, 6, 7, 8])",
    ],
)
def test_an_image_that_is_not_a_png_is_refused(app: DesktopApp, image: str) -> None:
    answer = call(app, f"clipboard.write({{ image: {image} }})")
    assert answer["error"]["name"] == "TypeError"
    assert answer["error"]["code"] == "ERR_CLIPBOARD_INVALID_IMAGE"
    assert app.call("ping") == "pong"


def test_over_the_bridge_the_same_routes_answer(screen: Desktop, app: DesktopApp) -> None:
    app.call("clipboard.write", text="from a route", html="<b>route</b>")
    assert xclip_out(screen, "clipboard", "text/html").decode() == "<b>route</b>"
    assert app.call("clipboard.readText") == "from a route"
    assert app.call("clipboard.read") == {
        "text": "from a route",
        "html": "<b>route</b>",
        "image": None,
    }
