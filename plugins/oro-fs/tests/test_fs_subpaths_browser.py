"""Oro's ``oro:fs/*`` subpath modules in a real headless Chromium against the real host.

The behaviour Node also has (``opendir``/``Dir``, ``FileHandle``, open flags, ``createReadStream``
ranges, piping a file) runs as one script under ``node`` on a temporary directory and in the page
on the app's sandbox (through the subpath modules' names: ``FileHandle.open``, ``normalizeFlags``,
``oro:fs/stream``...), and the answers must be equal. The rest (``DirectoryHandle``, ``oro:fs/fds``,
``oro:fs/web``) is checked against the disk from Python, and the sandbox must refuse every escape
through the new APIs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from conftest import DATA_HOME
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

APP = Path(__file__).resolve().parents[3] / "examples" / "minimal"

SUBPATHS = ("bookmarks", "dir", "fds", "flags", "handle", "stats", "stream", "watcher", "web")

# The differential script: `fs` (callback API), `fsp` (promise API), `api` (what differs in name
# between Node and the page) and `root` (a directory to work in) are in scope; answers JSON.
SCRIPT = """
const P = (name) => root + '/' + name
const decode = (bytes) => new TextDecoder().decode(bytes)
const settle = async (work) => {
  try { return { ok: await work() } } catch (e) {
    return { err: { code: e.code, isError: e instanceof Error } }
  }
}
await fsp.mkdir(P('d/sub'), { recursive: true })
for (const name of ['b.txt', 'a.txt', 'c.bin']) {
  await fsp.writeFile(P('d/' + name), 'content of ' + name)
}

const dir = await api.opendir(P('d'), { bufferSize: 2 })
const listed = []
for await (const entry of dir) listed.push([entry.name, entry.isFile(), entry.isDirectory()])
listed.sort((a, b) => (a[0] < b[0] ? -1 : 1))
const dir2 = await api.opendir(P('d'))
const first = await dir2.read()
await dir2.close()
const dirAfterClose = await settle(() => dir2.read())
const dirCloseTwice = await settle(() => dir2.close())
const dirMissing = await settle(() => api.opendir(P('missing')))

const h = await api.open(P('h.bin'), api.flag('w+'))
const w1 = await h.write('hello world')
const w2 = await h.write(new Uint8Array([1, 2, 3]), 0, 3, 14)
const size = (await h.stat()).size
const buffer = new Uint8Array(32)
const r = await h.read(buffer, 0, 32, 0)
await h.truncate(5)
const sizeAfterTruncate = (await h.stat()).size
const restFromPosition = await h.readFile('utf8')
await h.close()
const closedFd = h.fd
const statAfterClose = await settle(() => h.stat())

const flagCases = {}
for (const flag of ['r', 'r+', 'rs+', 'w', 'wx', 'w+', 'a', 'ax', 'a+', 'as']) {
  for (const existing of [true, false]) {
    const file = P('flag-' + flag.replace('+', 'plus') + (existing ? '-old' : '-new'))
    if (existing) await fsp.writeFile(file, 'old!')
    const opened = await settle(() => api.open(file, api.flag(flag)))
    let wrote = null
    let read = null
    if (opened.ok) {
      const handle = opened.ok
      wrote = await settle(async () => (await handle.write('NEW')).bytesWritten)
      read = await settle(async () => {
        const bytes = new Uint8Array(16)
        const { bytesRead } = await handle.read(bytes, 0, 16, 0)
        return decode(bytes.subarray(0, bytesRead))
      })
      await handle.close()
    }
    const after = await settle(() => fsp.readFile(file, 'utf8'))
    flagCases[flag + (existing ? ' old' : ' new')] = {
      opened: opened.ok ? 'ok' : opened.err, wrote, read, after
    }
  }
}

const digits = P('digits.txt')
await fsp.writeFile(digits, '0123456789')
const readRange = (options) => new Promise((resolve, reject) => {
  const chunks = []
  const stream = api.createReadStream(digits, options)
  stream.on('data', (chunk) => chunks.push(typeof chunk === 'string' ? chunk : decode(chunk)))
  stream.on('error', (error) => reject(error))
  stream.on('close', () => resolve(chunks))
})
const ranges = []
for (const options of [{}, { start: 2, end: 5 }, { start: 7 }, { end: 0 }, { start: 3, end: 3 },
  { start: 20 }, { start: 0, end: 8, highWaterMark: 3 }, { encoding: 'hex', start: 8 }]) {
  ranges.push(await readRange(options))
}

const big = 'x'.repeat(200000) + 'end'
await fsp.writeFile(P('src.txt'), big)
await new Promise((resolve, reject) => {
  const source = api.createReadStream(P('src.txt'), { highWaterMark: 16384 })
  const target = api.createWriteStream(P('dst.txt'))
  source.on('error', reject)
  target.on('error', reject)
  target.on('close', resolve)
  source.pipe(target)
})
const piped = (await fsp.readFile(P('dst.txt'), 'utf8')) === big

return {
  listed,
  first: [listed.some(([name]) => name === first.name), first.isFile() || first.isDirectory()],
  dirAfterClose, dirCloseTwice, dirMissing,
  w1: w1.bytesWritten, w2: w2.bytesWritten, size, read: r.bytesRead,
  bytes: Array.from(buffer.subarray(0, r.bytesRead)), sizeAfterTruncate, restFromPosition,
  closedFd, statAfterClose, flagCases, ranges, piped
}
"""

NODE_IMPORTS = """import fs from 'node:fs'
import fsp from 'node:fs/promises'
const api = {
  open: (path, flags) => fsp.open(path, flags),
  flag: (flag) => flag,
  opendir: (path, options) => fsp.opendir(path, options),
  createReadStream: fs.createReadStream,
  createWriteStream: fs.createWriteStream
}"""

PAGE = """async (arg) => {
  const fs = (await import('oro:fs')).default
  const fsp = await import('oro:fs/promises')
  const { FileHandle } = await import('oro:fs/handle')
  const { normalizeFlags } = await import('oro:fs/flags')
  const stream = await import('oro:fs/stream')
  const api = {
    open: (path, flags) => FileHandle.open(path, flags),
    flag: normalizeFlags,
    opendir: (path, options) => fsp.opendir(path, options),
    createReadStream: stream.createReadStream,
    createWriteStream: stream.createWriteStream
  }
  const root = arg.root
  %s
}"""

# Page helpers for the other tests: a thrown error comes back as a plain object.
PRELUDE = """async (arg) => {
  const fsp = await import('oro:fs/promises')
  const ipc = await import('oro:ipc')
  const failure = (e) => ({ name: e.name, code: e.code, message: e.message,
                            isError: e instanceof Error })
  const catching = async (work) => {
    try { await work() } catch (e) { return failure(e) }
    return null
  }
  %s
}"""


def run(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(PRELUDE % body, arg)


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    # oro_framework.core.platform: mime.table, for the type of oro:fs/web's Files.
    with served_app(
        [oro_fs.plugin, oro_framework.core.platform], app_dir=APP, config=DATA_HOME
    ) as served:
        yield served


@pytest.fixture(scope="module")
def shared_page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


@pytest.fixture
def data(app: ServedApp) -> Iterator[Path]:
    """The app data dir, emptied after each test."""
    root = Path(app.host.paths.data)
    root.mkdir(parents=True, exist_ok=True)
    yield root
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


@pytest.fixture
def page(shared_page: Page, data: Path) -> Iterator[Page]:
    yield shared_page
    # Nothing a test opened may outlive it: files, dirs and writables are all closed.
    assert run(shared_page, "return await ipc.request('fs.getOpenDescriptors')") == []


def test_every_subpath_imports_with_oros_exports(page: Page) -> None:
    answer = page.evaluate(
        """async (subpaths) => {
          const modules = {}
          for (const sub of subpaths) {
            const module = await import('oro:fs/' + sub)
            modules[sub] = Object.keys(module).sort()
          }
          const fs = await import('oro:fs')
          const handle = await import('oro:fs/handle')
          const dir = await import('oro:fs/dir')
          const stream = await import('oro:fs/stream')
          const stats = await import('oro:fs/stats')
          const watcher = await import('oro:fs/watcher')
          const nodeNames = await Promise.all(subpaths.map((sub) =>
            import('node:fs/' + sub).then(() => 'imported', (e) => e.name)))
          return {
            modules,
            same: [handle.FileHandle === fs.FileHandle, dir.Dir === fs.Dir,
                   dir.Dirent === fs.Dirent, stream.ReadStream === fs.ReadStream,
                   stream.FileWriteStream === fs.WriteStream, stats.Stats === fs.Stats,
                   watcher.Watcher === fs.FSWatcher, handle.default.FileHandle === fs.FileHandle],
            nodeNames: [...new Set(nodeNames)],
          }
        }""",
        list(SUBPATHS),
    )
    assert answer["modules"] == {
        "bookmarks": ["default", "temporary"],
        "dir": ["Dir", "Dirent", "default", "kType", "sortDirectoryEntries"],
        "fds": ["default"],
        "flags": ["default", "normalizeFlags"],
        "handle": ["DirectoryHandle", "FileHandle", "default", "kClosed", "kClosing", "kOpening"],
        "stats": ["Stats", "default"],
        "stream": [
            "DEFAULT_STREAM_HIGH_WATER_MARK",
            "FileReadStream",
            "FileWriteStream",
            "ReadStream",
            "WriteStream",
            "createReadStream",
            "createWriteStream",
            "default",
        ],
        "watcher": ["FSWatcher", "Watcher", "default"],
        "web": [
            "File",
            "FileSystemDirectoryHandle",
            "FileSystemFileHandle",
            "FileSystemHandle",
            "FileSystemWritableFileStream",
            "createFile",
            "createFileSystemDirectoryHandle",
            "createFileSystemFileHandle",
            "createFileSystemWritableFileStream",
            "default",
            "kFileDescriptor",
            "kFileFullName",
            "kFileSystemHandleFullName",
        ],
    }
    assert answer["same"] == [True] * 8
    # Node has none of these subpaths, so neither does the node: scheme.
    assert answer["nodeNames"] == ["TypeError"]


def test_node_and_the_page_run_the_same_fs_script_alike(
    page: Page, data: Path, tmp_path: Path
) -> None:
    node_root = tmp_path / "diff"
    node_root.mkdir()
    expected = run_in_node(
        SCRIPT, imports=NODE_IMPORTS, values={"root": str(node_root)}, directory=tmp_path
    )
    (data / "diff").mkdir()
    actual = json.loads(json.dumps(page.evaluate(PAGE % SCRIPT, {"root": "diff"})))
    assert actual == expected
    # The comparison means something only if the script did what it meant to.
    assert expected["listed"] == [
        ["a.txt", True, False],
        ["b.txt", True, False],
        ["c.bin", True, False],
        ["sub", False, True],
    ]
    assert expected["dirAfterClose"]["err"]["code"] == "ERR_DIR_CLOSED"
    assert expected["dirMissing"]["err"]["code"] == "ENOENT"
    assert expected["size"] == 17
    assert expected["bytes"][:11] == list(b"hello world")
    assert expected["bytes"][11:] == [0, 0, 0, 1, 2, 3]
    assert expected["flagCases"]["wx old"]["opened"]["code"] == "EEXIST"
    assert expected["flagCases"]["a old"]["after"] == {"ok": "old!NEW"}
    assert expected["flagCases"]["r+ old"]["after"] == {"ok": "NEW!"}
    assert expected["ranges"][1] == ["2345"]
    assert expected["ranges"][6] == ["012", "345", "678"]
    assert expected["piped"] is True
    assert (data / "diff" / "dst.txt").stat().st_size == 200003


def test_flags_normalise_to_the_hosts_constants(page: Page) -> None:
    answer = run(
        page,
        """const { normalizeFlags } = await import('oro:fs/flags')
        const { constants: c } = await import('oro:fs/constants')
        const names = (value) => ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL',
          'O_TRUNC', 'O_APPEND', 'O_SYNC'].filter((n) => c[n] && (value & c[n]) === c[n])
        return {
          flags: Object.fromEntries(['r', 'rs+', 'w', 'wx', 'xw+', 'a', 'ax', 'as+'].map(
            (flag) => [flag, names(normalizeFlags(flag))])),
          undefinedIsRead: normalizeFlags() === c.O_RDONLY,
          numberAsIs: normalizeFlags(c.O_WRONLY | c.O_CREAT) === (c.O_WRONLY | c.O_CREAT),
          unknown: await catching(() => normalizeFlags('rw')),
          wrongType: await catching(() => normalizeFlags({})),
        }""",
    )
    assert answer["flags"] == {
        "r": [],
        "rs+": ["O_RDWR", "O_SYNC"],
        "w": ["O_WRONLY", "O_CREAT", "O_TRUNC"],
        "wx": ["O_WRONLY", "O_CREAT", "O_EXCL", "O_TRUNC"],
        "xw+": ["O_RDWR", "O_CREAT", "O_EXCL", "O_TRUNC"],
        "a": ["O_WRONLY", "O_CREAT", "O_APPEND"],
        "ax": ["O_WRONLY", "O_CREAT", "O_EXCL", "O_APPEND"],
        "as+": ["O_RDWR", "O_CREAT", "O_APPEND", "O_SYNC"],
    }
    assert answer["undefinedIsRead"] is True
    assert answer["numberAsIs"] is True
    assert answer["unknown"]["code"] == "ERR_INVALID_ARG_VALUE"
    assert answer["wrongType"]["name"] == "TypeError"


def test_directory_handle_dir_sorting_stats_and_fds(page: Page, data: Path) -> None:
    for name in ("c", "a", "b", "d", "e"):
        (data / "many").mkdir(exist_ok=True)
        (data / "many" / name).write_text(name * 3)
    answer = run(
        page,
        """const { DirectoryHandle, FileHandle } = await import('oro:fs/handle')
        const { sortDirectoryEntries, Dirent } = await import('oro:fs/dir')
        const { Stats } = await import('oro:fs/stats')
        const fds = (await import('oro:fs/fds')).default
        const fs = (await import('oro:fs')).default
        const handle = await DirectoryHandle.open('many', { bufferSize: 2 })
        const batches = []
        for (let batch = await handle.read(); batch.length; batch = await handle.read()) {
          batches.push(batch.length)
          if (!batch.every((entry) => entry instanceof Dirent)) throw new Error('not a Dirent')
        }
        const names = (await fsp.readdir('many', { withFileTypes: true }))
          .sort(sortDirectoryEntries).map((entry) => entry.name)
        const mixed = ['b', 'a', 'C', 'B'].sort(sortDirectoryEntries)
        await handle.close()
        const closedTwice = await catching(() => handle.close())
        const badSize = await catching(() => DirectoryHandle.open('many', { bufferSize: 0 }))
        const opened = await new Promise((resolve, reject) =>
          fs.open('many/a', 'r', (error, fd) => (error ? reject(error) : resolve(fd))))
        const tracked = { size: fds.size, has: fds.has(opened), id: typeof fds.id(opened),
                          sameByFd: fds.get(opened) === fds.get(fds.id(opened)),
                          isHandle: fds.get(opened) instanceof FileHandle,
                          entries: [...fds.entries()].map(([fd]) => fd === opened) }
        const stats = await fds.get(opened).stat()
        const released = [await fds.release(opened), await fds.release(opened)]
        return { batches, names, mixed, closed: handle.closed, closedTwice: closedTwice.code,
                 badSize: badSize.code, tracked, isStats: stats instanceof Stats,
                 size: stats.size, released, sizeAfter: fds.size,
                 useAfterRelease: await catching(() => new Promise((resolve, reject) =>
                   fs.fstat(opened, (error) => (error ? reject(error) : resolve())))) }""",
    )
    assert answer["batches"] == [2, 2, 1]
    assert answer["names"] == ["a", "b", "c", "d", "e"]
    assert answer["mixed"] == ["B", "C", "a", "b"]
    assert answer["closed"] is True
    assert answer["closedTwice"] == "ERR_DIR_CLOSED"
    assert answer["badSize"] == "ERR_OUT_OF_RANGE"
    assert answer["tracked"] == {
        "size": 1,
        "has": True,
        "id": "string",
        "sameByFd": True,
        "isHandle": True,
        "entries": [True],
    }
    assert answer["isStats"] is True
    assert answer["size"] == 3
    assert answer["released"] == [True, False]
    assert answer["sizeAfter"] == 0
    assert answer["useAfterRelease"]["code"] == "EBADF"


def test_web_handles_write_and_read_back(page: Page, data: Path) -> None:
    (data / "web").mkdir()
    (data / "web" / "old.txt").write_text("0123456789")
    answer = run(
        page,
        """const web = await import('oro:fs/web')
        const root = await web.createFileSystemDirectoryHandle('web')
        const file = await root.getFileHandle('note.txt', { create: true })
        const emptySize = (await file.getFile()).size
        const writable = await file.createWritable()
        await writable.write('# hello ')
        await writable.write(new TextEncoder().encode('world'))
        await writable.write(new Blob(['!']))
        const beforeClose = await (await file.getFile()).text()
        await writable.close()
        const got = await file.getFile()
        const old = await root.getFileHandle('old.txt')
        const keep = await old.createWritable({ keepExistingData: true })
        await keep.seek(2)
        await keep.write('AB')
        await keep.write({ type: 'write', position: 12, data: 'Z' })
        await keep.truncate(13)
        await keep.close()
        const dropped = await old.createWritable()
        await dropped.write('discarded')
        await dropped.abort()
        const sub = await root.getDirectoryHandle('sub', { create: true })
        const deep = await sub.getFileHandle('deep.bin', { create: true })
        const pipe = await deep.createWritable()
        await new Blob(['piped bytes']).stream().pipeTo(pipe)
        const entries = []
        for await (const [name, handle] of root) entries.push([name, handle.kind, handle.name])
        entries.sort((a, b) => (a[0] < b[0] ? -1 : 1))
        const keys = []
        for await (const key of root.keys()) keys.push(key)
        const values = []
        for await (const value of sub.values()) values.push(value.kind)
        const again = await root.getFileHandle('note.txt')
        const result = {
          emptySize, beforeClose, text: await got.text(), name: got.name, type: got.type,
          isFile: got instanceof File, kinds: [root.kind, file.kind],
          entries, keys: keys.sort(), values,
          same: [await file.isSameEntry(again), await file.isSameEntry(old),
                 await root.isSameEntry(file)],
          resolved: [await root.resolve(deep), await root.resolve(root), await sub.resolve(file)],
          missing: await catching(() => root.getFileHandle('nope.txt')),
          wrongKind: [await catching(() => root.getDirectoryHandle('note.txt')),
                      await catching(() => root.getFileHandle('sub'))],
          notEmpty: await catching(() => root.removeEntry('sub')),
          badName: await catching(() => root.getFileHandle('a/b', { create: true })),
          construct: await catching(() => new web.FileSystemFileHandle()),
        }
        await root.removeEntry('note.txt')
        await root.removeEntry('sub', { recursive: true })
        const readOnly = await web.createFileSystemDirectoryHandle('web', { writable: false })
        const readOnlyFile = await readOnly.getFileHandle('old.txt')
        result.readOnly = [await readOnlyFile.queryPermission({ mode: 'readwrite' }),
                           await readOnlyFile.queryPermission({ mode: 'read' }),
                           await catching(() => readOnlyFile.createWritable()),
                           await catching(() => readOnly.removeEntry('old.txt'))]
        const made = await web.createFile('web/old.txt')
        const fromFile = await web.createFileSystemFileHandle(made)
        result.fromFile = [fromFile.name, await fromFile.isSameEntry(readOnlyFile), made.size]
        return result""",
    )
    assert answer["emptySize"] == 0
    assert answer["beforeClose"] == ""  # nothing is in place until close()
    assert answer["text"] == "# hello world!"
    assert (answer["name"], answer["type"], answer["isFile"]) == ("note.txt", "text/plain", True)
    assert answer["kinds"] == ["directory", "file"]
    assert answer["entries"] == [
        ["note.txt", "file", "note.txt"],
        ["old.txt", "file", "old.txt"],
        ["sub", "directory", "sub"],
    ]
    assert answer["keys"] == ["note.txt", "old.txt", "sub"]
    assert answer["values"] == ["file"]
    assert answer["same"] == [True, False, False]
    assert answer["resolved"] == [["sub", "deep.bin"], [], None]
    assert answer["missing"]["name"] == "NotFoundError"
    assert [failure["name"] for failure in answer["wrongKind"]] == ["TypeMismatchError"] * 2
    assert answer["notEmpty"]["name"] == "InvalidModificationError"
    assert answer["badName"]["name"] == "TypeError"
    assert answer["construct"]["name"] == "TypeError"
    assert answer["readOnly"][:2] == ["denied", "granted"]
    assert [failure["name"] for failure in answer["readOnly"][2:]] == ["NotAllowedError"] * 2
    assert answer["fromFile"] == ["old.txt", True, 13]
    assert (data / "web" / "old.txt").read_bytes() == b"01AB456789\x00\x00Z"
    assert sorted(path.name for path in (data / "web").iterdir()) == ["old.txt"]


def test_the_sandbox_refuses_escapes_through_the_new_apis(page: Page, data: Path) -> None:
    outside = data.parent
    (data / "inside").mkdir()
    before = sorted(path.name for path in outside.iterdir())
    answer = run(
        page,
        """const web = await import('oro:fs/web')
        const { FileHandle, DirectoryHandle } = await import('oro:fs/handle')
        const { createReadStream, createWriteStream } = await import('oro:fs/stream')
        const streamError = (stream) => new Promise((resolve) => {
          stream.on('error', (e) => resolve(failure(e)))
          stream.on('open', () => resolve({ name: 'opened' }))
        })
        const inside = await web.createFileSystemDirectoryHandle('inside')
        return [
          await catching(() => FileHandle.open('../escaped.txt', 'w')),
          await catching(() => FileHandle.open('/etc/passwd', 'r')),
          await catching(() => DirectoryHandle.open('..')),
          await catching(() => web.createFileSystemDirectoryHandle('..')),
          await catching(() => web.createFileSystemFileHandle('/etc/passwd')),
          await catching(() => web.createFile('/etc/passwd')),
          await streamError(createWriteStream('../escaped-stream.txt')),
          await streamError(createReadStream('/etc/passwd')),
          await catching(() => inside.getFileHandle('..', { create: true })),
          await catching(() => inside.getDirectoryHandle('../..', { create: true })),
          await catching(() => inside.removeEntry('..', { recursive: true })),
        ]""",
    )
    sandbox = answer[:8]
    names = answer[8:]
    for failure in sandbox:
        assert failure["name"] == "SecurityError", failure
        assert failure["code"] == "EPERM", failure
        assert failure["isError"] is True
    # A web entry name is one component: '..' never reaches the host.
    for failure in names:
        assert failure["name"] == "TypeError", failure
    assert sorted(path.name for path in outside.iterdir()) == before
    assert (data / "inside").is_dir()
