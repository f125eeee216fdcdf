"""Files dragged from another app and dropped on a real window of each web engine (WebKitGTK and
QtWebEngine) under Xvfb reach that window's page as Oro's ``platformdrop`` (the host's
``dropin`` ``{files, x, y}``), each path granted to that page alone, read-only, so that it can
open them through ``oro:fs``; the page's own DOM drag and drop works as in a browser.

The drag is a real one: a GTK program (``_drag_source.py``) offers a ``text/uri-list`` and
``xdotool`` presses, moves and releases the mouse (X's XTEST, as a user's hand); GTK speaks XDND
to the engine's window. Two windows are open: window 1's page, a Worker and a page without the
window credential cannot read what was dropped on window 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)
from _x11 import x

from oro_framework.host.windows.drops import MAX_DROPPED_FILES, MAX_URI_LIST_BYTES
from oro_framework.testing import OroProcess, until

NAME: Final = "Oro Drops"
SOURCE: Final = Path(__file__).with_name("_drag_source.py")
TIMEOUT: Final = 60.0
WINDOW_LEFT: Final = (200, 760)
WINDOW_TOP: Final = 200
WINDOW_SIZE: Final = 500

PAGE: Final = """<!doctype html><title>drops</title>
<style>html, body { margin: 0; width: 100%; height: 100%; background: #ddd }</style>
<body><script type=module>
// A dropzone as a web page writes it: dragover and drop prevented, the files read from the
// DataTransfer; and Oro's platformdrop kept as it came.
globalThis.seen = { dragover: 0, dragleave: 0, dom: [], platform: [] }
document.addEventListener('dragover', (event) => { event.preventDefault(); seen.dragover++ })
document.addEventListener('dragleave', () => { seen.dragleave++ })
document.addEventListener('drop', async (event) => {
  event.preventDefault()
  const files = [...event.dataTransfer.files]
  seen.dom.push({
    names: files.map((file) => file.name),
    texts: await Promise.all(files.slice(0, 3).map((file) => file.text().catch((e) => e.name))),
    text: event.dataTransfer.getData('text/plain'),
    types: [...event.dataTransfer.types]
  })
})
globalThis.addEventListener('platformdrop', (event) => { seen.platform.push(event.detail) })
const { request } = await import('oro:ipc')
await request('window.ready')
</script>"""

REFUSED: Final = ("EACCES", "EPERM", "SECURITY_ERR", "ENOENT")
"""What ``oro:fs`` answers for a path outside the sandbox and the page's grants."""

DOM_FILES: Final = {"qt": ["first note.txt", "second.txt"], "system": []}
"""The ``File`` objects each engine's own DOM ``drop`` carries for a dropped uri-list: Chromium
gives the files, WebKitGTK 2.4x only the ``text/uri-list`` (as for a dragged link)."""

READ: Final = """(async () => {
  const fs = await import('oro:fs/promises')
  const read = async (path) => {
    try { return await fs.readFile(path, 'utf8') } catch (error) { return error.code || error.name }
  }
  const list = async (path) => {
    try { return (await fs.readdir(path)).sort() } catch (error) { return error.code || error.name }
  }
  globalThis.readBack = JSON.stringify({
    reads: await Promise.all(%(reads)s.map(read)),
    lists: await Promise.all(%(lists)s.map(list))
  })
})(); 'started'"""
"""Reads ``reads`` and lists ``lists`` through ``oro:fs`` in the page: contents or error codes."""


def read_back(
    bridge: httpx.Client, index: int, reads: list[str], lists: tuple[str, ...] = ()
) -> dict[str, Any]:
    evaluate(bridge, "globalThis.readBack = null", index)
    script = READ % {"reads": json.dumps(reads), "lists": json.dumps(list(lists))}
    assert evaluate(bridge, script, index) == "started"
    answer = until(lambda: evaluate(bridge, "globalThis.readBack", index), "read back", TIMEOUT)
    result: dict[str, Any] = json.loads(answer)
    return result


@pytest.fixture(scope="module", name="app")
def app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("drops") / "app"
    app.mkdir()
    (app / "oro.toml").write_text(
        f'[meta]\nname = "{NAME}"\nbundle_identifier = "dev.oro.drops"\n', encoding="utf-8"
    )
    (app / "index.html").write_text(PAGE, encoding="utf-8")
    return app


@pytest.fixture(scope="module", name="running")
def running_fixture(
    display: str, engine: str, app: Path
) -> Iterator[tuple[OroProcess, httpx.Client]]:
    """The app in two windows of ``engine``: window 0 at the left, window 1 at the right."""
    key = new_key()
    with start(display, engine, key, app) as oro, bridge_of(oro, key, NAME) as bridge:
        created = bridge.get("/ipc/window.create", params={"url": "/index.html"}).json()
        assert created.get("err") is None, created
        oro.wait_for_line(r"^oro: window 1 ready$")
        for index, left in ((0, 200), (1, 760)):
            for route, params in (
                ("setSize", {"width": 500, "height": 500}),
                ("setPosition", {"x": left, "y": 200}),
            ):
                reply = bridge.get(
                    f"/ipc/window.{route}", params={**params, "targetWindowIndex": index}
                ).json()
                assert reply.get("err") is None, reply
        yield oro, bridge
        bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()


def centre_of(index: int) -> tuple[int, int]:
    """The middle of window ``index``'s page on the screen (no window manager: the windows are
    where the app put them)."""
    return WINDOW_LEFT[index] + WINDOW_SIZE // 2, WINDOW_TOP + WINDOW_SIZE // 2


def seen(bridge: httpx.Client, index: int = 0) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(evaluate(bridge, "JSON.stringify(globalThis.seen)", index))
    return answer


def reset(bridge: httpx.Client) -> None:
    for index in (0, 1):
        evaluate(
            bridge,
            "globalThis.seen = { dragover: 0, dragleave: 0, dom: [], platform: [] }; 1",
            index,
        )


def drag(
    display: str,
    bridge: httpx.Client,
    source_arguments: list[str],
    *,
    drop: bool = True,
) -> str:
    """Drag what the source offers onto window 0 with the mouse and release it there (or back
    over the source when ``drop`` is false); the source's own report of how the drag ended."""
    reset(bridge)
    source = subprocess.Popen(
        [sys.executable, str(SOURCE), *source_arguments],
        env={**os.environ, "DISPLAY": display},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert source.stdout is not None
        assert source.stdout.readline().strip() == "ready"
        target_x, target_y = centre_of(0)
        x(display, "xdotool", "mousemove", "80", "80", "mousedown", "1")
        for step in range(1, 6):
            x(display, "xdotool", "mousemove", str(80 + 8 * step), str(80 + 8 * step))
        jiggle = [0]

        def over_window() -> bool:
            jiggle[0] = 1 - jiggle[0]
            x(display, "xdotool", "mousemove", str(target_x + jiggle[0]), str(target_y))
            # XDND: the source sends the next position only once the target answered the
            # last; a page that saw a later dragover has had the first answered (accepted).
            reply = bridge.get(
                "/ipc/window.eval", params={"value": "globalThis.seen.dragover"}
            ).json()
            # QtWebEngine answers each drag move on its GUI thread, spinning only Chromium's
            # tasks until the renderer answers (WebContentsAdapter::updateDragPosition, up to
            # 3 s a move): on a loaded machine a window.eval can time out meanwhile (CI saw
            # one at 32 s). That is "not yet"; the drop's own checks follow.
            if reply.get("err", {}).get("code") == "TIMEOUT_ERR":
                return False
            assert reply.get("err") is None, reply
            return bool(reply["data"] >= 3)

        until(over_window, "the drag is over window 0's page", 2 * TIMEOUT)
        if not drop:
            x(display, "xdotool", "mousemove", "80", "80")
            until(lambda: seen(bridge)["dragleave"], "the drag left window 0", TIMEOUT)
        x(display, "xdotool", "mouseup", "1")
        ended = source.stdout.readline().strip()
        if ended.startswith("failed"):
            ended += " " + source.stdout.readline().strip()
        return ended
    finally:
        source.terminate()
        source.wait(timeout=30)


def uri_list(tmp_path: Path, *paths: Path | str) -> Path:
    listing = tmp_path / "offered.uri-list"
    listing.write_bytes(
        b"".join(
            (path.as_uri() if isinstance(path, Path) else path).encode() + b"\r\n" for path in paths
        )
    )
    return listing


def test_dropped_files_reach_the_page_granted_to_its_window_alone(
    display, engine, running, tmp_path
):
    _oro, bridge = running
    first, second = tmp_path / "first note.txt", tmp_path / "second.txt"
    first.write_text("one", encoding="utf-8")
    second.write_text("two", encoding="utf-8")
    unrelated = tmp_path / "not dropped.txt"
    unrelated.write_text("secret", encoding="utf-8")

    assert drag(display, bridge, ["--uri-list", str(uri_list(tmp_path, first, second))]) == (
        "finished"
    )

    got = until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert [detail["files"] for detail in got] == [[str(first), str(second)]]
    assert all(isinstance(got[0][axis], int) for axis in ("x", "y")), got
    # The page's own DOM drop, as in a browser: File objects with their contents.
    dom = until(lambda: seen(bridge)["dom"], "the DOM drop in window 0", TIMEOUT)
    assert dom[0]["names"] == DOM_FILES[engine], dom
    # The paths open through oro:fs in window 0's page; nothing else does.
    own = read_back(bridge, 0, [str(first), str(second), str(unrelated)])
    assert own["reads"][:2] == ["one", "two"], own
    assert own["reads"][2] in REFUSED, own
    # Window 1 saw no drop and cannot read what was dropped on window 0.
    assert seen(bridge, 1)["platform"] == []
    other = read_back(bridge, 1, [str(first), str(second)])
    assert all(read in REFUSED for read in other["reads"]), other


BARE: Final = """(async () => {
  const path = %(path)s
  const url = location.origin + '/ipc/fs.readFile?index=0&encoding=utf8&path=' +
    encodeURIComponent(path)
  // The session cookie without the window's credential: what a page that proved no window
  // sends, and what a Worker sends.
  const answer = (reply) => reply.err ? (reply.err.code || reply.err.type) : 'read: ' + reply.data
  const bare = await fetch(url).then((r) => r.json()).then(answer, (e) => e.name)
  const source = `fetch(${JSON.stringify(url)}).then((r) => r.json()).then(
    (reply) => postMessage(reply.err ? (reply.err.code || reply.err.type) : 'read: ' + reply.data),
    (error) => postMessage(error.name))`
  const worker = await new Promise((resolve) => {
    try {
      const w = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })))
      w.onmessage = (event) => resolve(event.data)
      w.onerror = (event) => resolve('worker error: ' + event.message)
    } catch (error) { resolve('no worker: ' + error.name) }
  })
  globalThis.bareBack = JSON.stringify({ bare, worker })
})(); 'started'"""


def test_a_dropped_path_is_no_grant_to_a_worker_or_a_page_without_its_credential(
    display, engine, running, tmp_path
):
    _oro, bridge = running
    note = tmp_path / "note.txt"
    note.write_text("dropped", encoding="utf-8")
    assert drag(display, bridge, ["--uri-list", str(uri_list(tmp_path, note))]) == "finished"
    until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert read_back(bridge, 0, [str(note)])["reads"] == ["dropped"]

    evaluate(bridge, "globalThis.bareBack = null")
    assert evaluate(bridge, BARE % {"path": json.dumps(str(note))}) == "started"
    answers = json.loads(until(lambda: evaluate(bridge, "globalThis.bareBack"), "bare", TIMEOUT))

    assert not any(str(answer).startswith("read:") for answer in answers.values()), answers


NAMING: Final = """(async () => {
  // Window 1's page names window 0 every way it can: the parameters and the header, on a
  // call that carries window 1's own credential (oro:ipc adds it), and opens, stats, lists.
  const { request } = await import('oro:ipc')
  const path = %(path)s
  const as0 = { index: 0, targetWindowIndex: 0, window: 0, sourceWindowIndex: 0 }
  const headers = { 'x-ipc-window-index': '0' }
  const answer = (promise) => promise.then(
    (data) => 'read: ' + JSON.stringify(data).slice(0, 40), (error) => error.code || error.name)
  globalThis.namingBack = JSON.stringify(await Promise.all([
    answer(request('fs.readFile', { path, encoding: 'utf8', ...as0 }, { headers })),
    answer(request('fs.stat', { path, ...as0 }, { headers })),
    answer(request('fs.open', { id: 'naming', path, flags: 0, ...as0 }, { headers })),
    answer(request('fs.readdir', { path: %(folder)s, ...as0 }, { headers }))
  ]))
})(); 'started'"""


def test_a_drop_on_window_0_is_no_grant_to_window_1_naming_window_0(
    display, engine, running, tmp_path
):
    _oro, bridge = running
    folder = tmp_path / "dropped folder"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text("dropped", encoding="utf-8")
    listing = uri_list(tmp_path, folder)
    assert drag(display, bridge, ["--uri-list", str(listing)]) == "finished"
    until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert read_back(bridge, 0, [str(note)], (str(folder),)) == {
        "reads": ["dropped"],
        "lists": [["note.txt"]],
    }

    evaluate(bridge, "globalThis.namingBack = null", 1)
    script = NAMING % {"path": json.dumps(str(note)), "folder": json.dumps(str(folder))}
    assert evaluate(bridge, script, 1) == "started"
    answers = json.loads(
        until(lambda: evaluate(bridge, "globalThis.namingBack", 1), "window 1's calls", TIMEOUT)
    )

    assert all(answer in REFUSED for answer in answers), answers
    assert seen(bridge, 1)["platform"] == []
    # Window 0 still has its drop: nothing window 1 did took or moved it.
    assert read_back(bridge, 0, [str(note)])["reads"] == ["dropped"]


def test_a_directory_is_granted_with_its_tree_and_a_symlink_only_as_itself(
    display, engine, running, tmp_path
):
    _oro, bridge = running
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("inside", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("secret", encoding="utf-8")
    (elsewhere / "pointed.txt").write_text("pointed", encoding="utf-8")
    to_folder, to_file = tmp_path / "to-folder", tmp_path / "to-file"
    to_folder.symlink_to(elsewhere, target_is_directory=True)
    to_file.symlink_to(elsewhere / "pointed.txt")
    offered = uri_list(tmp_path, folder, to_folder, to_file)

    assert drag(display, bridge, ["--uri-list", str(offered)]) == "finished"

    got = until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert got[0]["files"] == [str(folder), str(to_folder), str(to_file)]
    back = read_back(
        bridge,
        0,
        [str(folder / "inside.txt"), str(to_file), str(to_folder / "secret.txt")],
        (str(folder), str(to_folder)),
    )
    # The folder with what is in it; the link to a file reads that one file; the link to a
    # folder opens nothing of the folder it points at.
    assert back["reads"][:2] == ["inside", "pointed"], back
    assert back["reads"][2] in REFUSED, back
    assert back["lists"][0] == ["inside.txt"], back
    assert back["lists"][1] in REFUSED or back["lists"][1] == [], back
    assert read_back(bridge, 1, [str(folder / "inside.txt")])["reads"][0] in REFUSED


@pytest.mark.parametrize(
    "offered",
    [
        pytest.param(["--text", "just some text"], id="text"),
        pytest.param(["--links"], id="a link"),
    ],
)
def test_text_and_links_are_the_pages_own_drop_and_grant_nothing(
    display, engine, running, tmp_path, offered
):
    _oro, bridge = running
    if offered == ["--links"]:
        listing = tmp_path / "links.uri-list"
        listing.write_bytes(b"https://example.com/page\r\nfile://elsewhere/etc/passwd\r\n")
        offered = ["--uri-list", str(listing)]

    assert drag(display, bridge, offered) == "finished"

    until(lambda: seen(bridge)["dom"], "the page's own DOM drop", TIMEOUT)
    assert seen(bridge)["platform"] == []


def test_a_drag_that_leaves_without_dropping_grants_nothing(display, engine, running, tmp_path):
    _oro, bridge = running
    note = tmp_path / "left.txt"
    note.write_text("left", encoding="utf-8")

    drag(display, bridge, ["--uri-list", str(uri_list(tmp_path, note))], drop=False)

    assert seen(bridge)["platform"] == []
    assert seen(bridge)["dom"] == []
    assert read_back(bridge, 0, [str(note)])["reads"][0] in REFUSED


def test_ten_thousand_files_and_bad_bytes_end_in_a_bounded_grant_and_one_warning(
    display, engine, running, tmp_path
):
    oro, bridge = running
    many = tmp_path / "many"
    many.mkdir()
    paths = []
    for number in range(10_000):
        path = many / f"{number}.txt"
        path.touch()
        paths.append(path)
    listing = tmp_path / "many.uri-list"
    listing.write_bytes(
        b"file:///tmp/%ff%fe\r\n\xff\xfe not a uri\r\n"
        + b"".join(path.as_uri().encode() + b"\r\n" for path in paths)
    )

    assert drag(display, bridge, ["--uri-list", str(listing)]) == "finished"

    got = until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert got[0]["files"] == [str(path) for path in paths[:MAX_DROPPED_FILES]]
    warnings = until(
        lambda: [line for line in oro.stderr().splitlines() if ": a drop named" in line],
        "the warning",
        TIMEOUT,
    )
    assert len(warnings) == 1, warnings
    assert "10000 local path(s); 2 entries named none" in warnings[0], warnings
    # The window still answers, and the host serves.
    assert read_back(bridge, 0, [str(paths[0]), str(paths[-1])])["reads"][0] == ""


def test_a_huge_list_is_refused_whole_and_the_window_keeps_working(
    display, engine, running, tmp_path
):
    oro, bridge = running
    note = tmp_path / "note.txt"
    note.write_text("note", encoding="utf-8")
    listing = tmp_path / "huge.uri-list"
    filler = b"file:///" + b"x" * 1000 + b"\r\n"
    listing.write_bytes(note.as_uri().encode() + b"\r\n" + filler * (MAX_URI_LIST_BYTES // 1000))

    assert drag(display, bridge, ["--uri-list", str(listing)]) == "finished"

    until(lambda: "(ERR_DROP_TOO_LARGE)" in oro.stderr(), "the refusal in the log", TIMEOUT)
    assert seen(bridge)["platform"] == []
    assert read_back(bridge, 0, [str(note)])["reads"][0] in REFUSED


def test_a_drop_is_granted_to_the_page_it_was_dropped_on_not_the_next_one(
    display, engine, running, tmp_path
):
    oro, bridge = running
    note = tmp_path / "note.txt"
    note.write_text("dropped", encoding="utf-8")
    assert drag(display, bridge, ["--uri-list", str(uri_list(tmp_path, note))]) == "finished"
    until(lambda: seen(bridge)["platform"], "platformdrop in window 0", TIMEOUT)
    assert read_back(bridge, 0, [str(note)])["reads"] == ["dropped"]

    evaluate(bridge, "location.reload(); 'reloading'")
    oro.wait_for_line(r"^oro: window 0 ready$")

    assert read_back(bridge, 0, [str(note)])["reads"][0] in REFUSED
