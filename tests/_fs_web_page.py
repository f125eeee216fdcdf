"""What a page with Oro's page globals (``webview.oro_globals``) finds of the File System Access
API, on every engine: the classes ``oro:fs/web`` exports are the page's globals from the first
module script on (the engine's own where it has them, Chromium and QtWebEngine; oro-fs's where it
has none, WebKitGTK), the pickers are ``oro:internal/pickers``', and handles, writables and a
``File``'s ``stream()`` work as web code uses them (``instanceof``, ``for await``).

Shared by the headless tests (``tests/test_fs_web_globals_browser.py``) and the window tests
(``tests/test_fs_web_globals_native.py``): one page script, one set of assertions.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template
from typing import Any, Final

CLASSES: Final = (
    "FileSystemHandle",
    "FileSystemFileHandle",
    "FileSystemDirectoryHandle",
    "FileSystemWritableFileStream",
)
PICKERS: Final = ("showOpenFilePicker", "showSaveFilePicker", "showDirectoryPicker")

CONFIG: Final = """[meta]
name = "fs web"
bundle_identifier = "{bundle}"

[window]
width = 480
height = 360
remember_state = false

[webview]
oro_globals = true
"""

INDEX: Final = Template("""<!doctype html>
<html><head><title>fs web</title></head><body>
<script type="module">
// The page's first script imports nothing: what it sees is what every page has.
globalThis.early = $classes.map((name) => typeof globalThis[name])
</script>
</body></html>
""").substitute(classes=json.dumps(CLASSES))

CONTENT: Final = "hello from a FileSystemWritableFileStream\n"

# An async function body: its value is JSON.
SCRIPT: Final = Template("""
const web = await import('oro:fs/web')
const pickers = await import('oro:internal/pickers')
const fsp = await import('oro:fs/promises')
const classes = $classes
const caught = (run) => { try { run(); return null } catch (error) { return error.name } }
await fsp.mkdir('data:notes', { recursive: true })
const dir = await web.createFileSystemDirectoryHandle('data:notes')
const handle = await dir.getFileHandle('today.txt', { create: true })
const writable = await handle.createWritable()
const stream = [writable instanceof FileSystemWritableFileStream,
  writable instanceof WritableStream]
await writable.write($content)
await writable.close()
const file = await web.createFile('data:notes/today.txt')
const chunks = []
for await (const chunk of file.stream()) chunks.push(...chunk)
const entries = []
for await (const [name, entry] of dir.entries()) {
  entries.push([name, entry instanceof FileSystemHandle])
}
return {
  early: globalThis.early,
  same: classes.map((name) => globalThis[name] === web[name] && web.default[name] === web[name]),
  pickers: $pickers.map((name) =>
    typeof globalThis[name] === 'function' && globalThis[name] === pickers[name]),
  names: classes.map((name) => globalThis[name].name),
  construct: [caught(() => new FileSystemHandle()), caught(() => new FileSystemFileHandle())],
  handle: [handle instanceof FileSystemFileHandle, handle instanceof FileSystemHandle,
           handle instanceof FileSystemDirectoryHandle, dir instanceof FileSystemDirectoryHandle,
           dir instanceof FileSystemHandle, handle.kind, handle.name],
  stream,
  text: await (await handle.getFile()).text(),
  streamed: new TextDecoder().decode(new Uint8Array(chunks)),
  entries
}
""").substitute(
    classes=json.dumps(CLASSES), content=json.dumps(CONTENT), pickers=json.dumps(PICKERS)
)


def check(answer: dict[str, Any], data: Path) -> None:
    """The assertions every engine passes; ``data`` is the app's data directory."""
    assert answer["early"] == ["function"] * len(CLASSES)
    assert answer["same"] == [True] * len(CLASSES)
    assert answer["pickers"] == [True] * len(PICKERS)
    assert answer["names"] == list(CLASSES)
    assert answer["construct"] == ["TypeError", "TypeError"]
    assert answer["handle"] == [True, True, False, True, True, "file", "today.txt"]
    assert answer["stream"] == [True, True]
    assert answer["text"] == answer["streamed"] == CONTENT
    assert answer["entries"] == [["today.txt", True]]
    assert (data / "notes" / "today.txt").read_text() == CONTENT
