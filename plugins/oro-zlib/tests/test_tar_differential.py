"""oro:tar in a real page (headless Chromium and WebKitGTK, over the real bridge) against npm's
``tar`` (node-tar, the reference Node's ecosystem uses) under ``node``, on the same files: each
lists what the other created as the other does, and extracting either archive, each with its
own tool, gives the same files, bodies and modes back. Plus what a page relies on beyond that:
hostile archives refused with a typed error while the page carries on."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import oro_zlib.plugin
import pytest
from playwright.sync_api import Browser, Page
from tar_helpers import file, make_tar, symlink

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, run_in_node, served_app

NODE_TAR: Final = "tar@7.5.23"
"""node-tar's version the comparison was written against."""
LONG: Final = "deep/" + "n" * 120 + "/file.txt"
FILES: Final = [
    {"path": "readme.txt", "text": "hello tar\n", "mode": 0o644},
    {"path": "bin/run.sh", "text": "#!/bin/sh\necho hi\n", "mode": 0o755},
    {"path": "empty.txt", "text": "", "mode": 0o644},
    {"path": "unicode/été ☃.txt", "text": "snow\n", "mode": 0o600},
    {"path": LONG, "text": "a name over 100 bytes needs a PAX header\n", "mode": 0o644},
    {"path": "big.bin", "text": "0123456789abcdef" * 40_000, "mode": 0o644},
]
MTIME: Final = 1_700_000_000


@pytest.fixture(scope="module")
def node_tar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """node-tar installed into a folder of its own, from the npm registry."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to install node-tar for the differential test", pytrace=False)
    prefix = tmp_path_factory.mktemp("node-tar")
    subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error",
         NODE_TAR],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return prefix / "node_modules" / "tar" / "dist" / "esm" / "index.js"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>tar</title>\n")
    with served_app([oro_zlib.plugin], app_dir=app_dir) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


def tree(root: Path) -> dict[str, Any]:
    """What an extraction left: each path's kind, body digest and executable bit."""
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[name] = ["link", os.readlink(path)]
        elif path.is_dir():
            found[name] = ["dir"]
        else:
            body = hashlib.sha256(path.read_bytes()).hexdigest()
            found[name] = ["file", body, bool(path.stat().st_mode & 0o100)]
    return found


def expected_tree() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in FILES:
        parts = entry["path"].split("/")
        for end in range(1, len(parts)):
            found["/".join(parts[:end])] = ["dir"]
        body = hashlib.sha256(entry["text"].encode()).hexdigest()
        found[entry["path"]] = ["file", body, bool(entry["mode"] & 0o100)]
    return dict(sorted(found.items()))


NODE_CREATE: Final = """
const { mkdir, writeFile, utimes, chmod, readFile } = await import('node:fs/promises')
const { dirname, join } = await import('node:path')
const tar = await import(nodeTar)
const src = join(work, 'src')
for (const entry of files) {
  const path = join(src, entry.path)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, entry.text)
  await chmod(path, entry.mode)
  await utimes(path, mtime, mtime)
}
await tar.c({ cwd: src, file: join(work, 'node.tar'), portable: true, noDirRecurse: true },
  files.map((entry) => entry.path))
return (await readFile(join(work, 'node.tar'))).toString('base64')
"""

NODE_READ: Final = """
const { mkdir, writeFile } = await import('node:fs/promises')
const { join } = await import('node:path')
const tar = await import(nodeTar)
const archive = join(work, 'page.tar')
await writeFile(archive, Buffer.from(pageArchive, 'base64'))
const entries = []
await tar.t({ file: archive, onReadEntry: (entry) => {
  entries.push({ path: entry.path.replace(/\\/$/, ''), type: entry.type, size: entry.size,
    mode: entry.mode, mtime: Math.floor(entry.mtime.getTime() / 1000),
    linkpath: entry.linkpath || null })
} })
const out = join(work, 'from-page')
await mkdir(out)
await tar.x({ file: archive, cwd: out })
return entries
"""

PAGE: Final = """async ({ files, mtime, nodeArchive }) => {
  const tar = await import('oro:tar')
  const { Buffer } = await import('oro:buffer')
  const archive = await tar.createInMemory({ mtime })
  for (const entry of files) {
    await archive.append({ path: entry.path, mode: entry.mode }, Buffer.from(entry.text))
  }
  await archive.append({ path: 'link-to-readme', kind: 'symlink', linkpath: 'readme.txt' })
  const own = await archive.entries()
  const bytes = await archive.toBuffer()
  const fromNode = await tar.fromBuffer(Buffer.from(nodeArchive, 'base64'))
  const listed = await fromNode.entries()
  const sample = (await fromNode.read('big.bin', { offset: 16, length: 32 })).toString()
  let streamed = 0
  for await (const chunk of fromNode.readStream('big.bin', { highWaterMark: 100000 })) {
    streamed += chunk.length
  }
  await fromNode.extractAll('from-node')
  await fromNode.close()
  const pick = (entry) => ({ path: entry.path, kind: entry.kind, size: entry.size, mode: entry.mode,
    mtime: entry.mtime, linkpath: entry.linkpath ?? null })
  return {
    archive: bytes.toString('base64'), own: own.map(pick), listed: listed.map(pick),
    sample, streamed
  }
}"""

KINDS: Final = {"File": "file", "Directory": "directory", "SymbolicLink": "symlink"}


def test_oro_tar_and_node_tar_read_and_extract_what_the_other_wrote(
    page: Page, app: ServedApp, node_tar: Path, tmp_path: Path
) -> None:
    values = {"nodeTar": node_tar.as_uri(), "work": str(tmp_path), "files": FILES, "mtime": MTIME}
    node_archive = run_in_node(NODE_CREATE, imports="", values=values, directory=tmp_path)
    result = page.evaluate(PAGE, {"files": FILES, "mtime": MTIME, "nodeArchive": node_archive})

    # oro:tar lists node-tar's archive as node-tar made it.
    assert [entry["path"] for entry in result["listed"]] == [entry["path"] for entry in FILES]
    for listed, entry in zip(result["listed"], FILES, strict=True):
        assert listed["kind"] == "file"
        assert listed["size"] == len(entry["text"].encode())
        assert listed["mode"] & 0o777 == entry["mode"]
        assert listed["mtime"] == MTIME
    assert result["sample"] == ("0123456789abcdef" * 3)[:32]
    assert result["streamed"] == len(FILES[-1]["text"])

    # node-tar lists the page's archive as the page listed it.
    node_listed = run_in_node(
        NODE_READ,
        imports="import { Buffer } from 'node:buffer'",
        values={**values, "pageArchive": result["archive"]},
        directory=tmp_path,
    )
    assert [
        {**entry, "type": KINDS[entry["type"]], "mode": entry["mode"] & 0o7777}
        for entry in node_listed
    ] == [
        {"path": e["path"], "type": e["kind"], "size": e["size"], "mode": e["mode"],
         "mtime": e["mtime"], "linkpath": e["linkpath"]}
        for e in result["own"]
    ]  # fmt: skip

    # Each archive extracted by the other side's tool gives the files back.
    from_page = tree(tmp_path / "from-page")
    assert from_page.pop("link-to-readme") == ["link", "readme.txt"]
    assert from_page == expected_tree()
    assert tree(Path(app.host.paths.data) / "from-node") == expected_tree()


HOSTILE_PAGE: Final = """async (archives) => {
  const tar = await import('oro:tar')
  const { Buffer } = await import('oro:buffer')
  const outcomes = {}
  for (const [name, b64] of Object.entries(archives)) {
    try {
      const archive = await tar.fromBuffer(Buffer.from(b64, 'base64'))
      await archive.extractAll('hostile/' + name, { preserveLinks: true })
      outcomes[name] = 'extracted'
    } catch (error) {
      outcomes[name] = { name: error.name, code: error.code, message: error.message }
    }
  }
  // The page carries on: a well-formed archive still works.
  const ok = await tar.createInMemory()
  await ok.append({ path: 'fine.txt' }, Buffer.from('fine'))
  const copy = await tar.fromBuffer(await ok.toBuffer())
  outcomes.after = (await copy.read('fine.txt')).toString()
  return outcomes
}"""


def test_a_page_extracting_hostile_archives_gets_typed_errors_and_carries_on(
    page: Page, app: ServedApp
) -> None:
    archives = {
        "dot-dot": make_tar([file("../../escaped.txt", b"x")]),
        "absolute": make_tar([file("/etc/escaped", b"x")]),
        "symlink-out": make_tar([symlink("s", "/etc"), file("s/passwd", b"x")]),
        "device": make_tar([("null", None, {"type": b"3", "devmajor": 1, "devminor": 3})]),
    }
    outcomes = page.evaluate(
        HOSTILE_PAGE, {name: base64.b64encode(data).decode() for name, data in archives.items()}
    )
    assert outcomes.pop("after") == "fine"
    for name, outcome in outcomes.items():
        assert outcome["name"] == "SecurityError", name
        assert outcome["code"] == "ERR_TAR_UNSAFE_ENTRY", name
    hostile = Path(app.host.paths.data) / "hostile"
    assert all(not any(folder.iterdir()) for folder in hostile.iterdir())
    assert not (Path(app.host.paths.data).parent / "escaped.txt").exists()
    assert json.dumps(outcomes)  # the errors crossed the bridge as plain data


def test_a_page_cannot_reach_another_pages_archive_or_outside_its_folders(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app) as first, app_page(browser, app, window=1) as second:
        archive_id = first.evaluate(
            "async () => { const tar = await import('oro:tar');"
            " const a = await tar.createInMemory(); return a.id }"
        )
        outcome = second.evaluate(
            """async (id) => {
              const tar = await import('oro:tar')
              const stolen = new tar.TarArchive({ id, writable: true })
              const result = {}
              try { await stolen.entries() } catch (error) { result.steal = error.code }
              try { await tar.open('/etc/passwd') } catch (error) { result.read = error.code }
              try { await tar.create('/tmp/x.tar') } catch (error) { result.write = error.code }
              return result
            }""",
            archive_id,
        )
    assert outcome == {"steal": "ERR_TAR_UNKNOWN_ARCHIVE", "read": "EPERM", "write": "EPERM"}
