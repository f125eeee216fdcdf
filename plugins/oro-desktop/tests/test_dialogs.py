"""Native file dialogs in a real app in a Qt window under Xvfb, answered by a real X client
(xdotool types into Qt's file dialog): what the user picks reaches the page, and the page may
use that path, and only that path, through oro:fs; cancelling is an AbortError. The page's own
confirm()/prompt() are Qt's dialogs too, answered the same way."""

from __future__ import annotations

import itertools
import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from _desktop_app import (
    Desktop,
    DesktopApp,
    RouteError,
    recorder_page,
    run_app,
    until,
    write_app,
)

CALLS = itertools.count()
PAGE = recorder_page(
    [],
    imports="import fs from 'oro:fs'\nimport * as windows from 'oro:window'",
    script="globalThis.fs = fs\nglobalThis.windows = windows",
)


def js(value: Any) -> str:
    return json.dumps(value)


def start(app: DesktopApp, expression: str, index: int = 0) -> str:
    """Start ``await expression`` in window ``index``'s page and return the mark its outcome is
    kept under; never awaited in ``window.eval`` itself, since a dialog waits for the user."""
    mark = f"call{next(CALLS)}"
    app.eval(
        f"""(globalThis.outcomes ??= {{}},
(async () => {{
  try {{ return {{ value: (await ({expression})) ?? null }} }}
  catch (error) {{
    return {{ error: {{ name: error.name, code: error.code, message: error.message }} }}
  }}
}})().then((outcome) => {{ outcomes[{js(mark)}] = outcome }}), null)""",
        index,
    )
    return mark


def outcome(app: DesktopApp, mark: str, index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = until(
        lambda: app.eval(f"outcomes[{js(mark)}] ?? null", index), f"the page's outcome {mark}"
    )
    return found


def call(app: DesktopApp, expression: str, index: int = 0) -> dict[str, Any]:
    return outcome(app, start(app, expression, index), index)


def x_window(
    desktop: Desktop, title: str, app: DesktopApp | None = None, mark: str | None = None
) -> str:
    """The X window titled ``title`` (a dialog), once it is mapped; given the ``app`` and the
    ``mark`` of the page's call that opens it, that call ending before a dialog shows fails at
    once, with its outcome."""

    def search() -> str:
        try:
            found = desktop.run("xdotool", "search", "--onlyvisible", "--name", f"^{title}$")
        except subprocess.CalledProcessError:
            found = None
        if found is not None and found.stdout.split():
            return found.stdout.split()[0]
        if app is not None and mark is not None:
            ended = app.eval(f"outcomes[{js(mark)}] ?? null")
            assert ended is None, f"no dialog titled {title!r}, and the page's call ended: {ended}"
        return ""

    return until(search, f"a dialog titled {title!r} on screen")


def is_gone(desktop: Desktop, title: str) -> bool:
    try:
        desktop.run("xdotool", "search", "--onlyvisible", "--name", f"^{title}$")
    except subprocess.CalledProcessError:
        return True
    return False


def type_into(desktop: Desktop, window: str, text: str, *keys: str) -> None:
    """Focus ``window`` (there is no window manager to do it) and type ``text``, then ``keys``,
    as a user at the keyboard would."""
    desktop.run("xdotool", "windowfocus", "--sync", window)
    if text:
        desktop.run("xdotool", "type", "--delay", "20", text)
    if keys:
        desktop.run("xdotool", "key", *keys)


def enter_path(desktop: Desktop, window: str, path: str) -> None:
    """Type ``path`` into the file dialog ``window``'s name field and press Return, as a user
    does: looking at the field first (all of it selected is the X PRIMARY selection) and typing
    it again, over the selection, while it does not read ``path``. GTK's chooser opened on its
    Recent view switches to the folder view on the first ``/`` and rebuilds the field meanwhile,
    losing the keys typed then ("/tmp" became "/mp")."""

    def typed() -> bool:
        # Over what the field holds (a save dialog's suggested name, an earlier attempt).
        type_into(desktop, window, "", "ctrl+a")
        type_into(desktop, window, path, "ctrl+a")
        try:
            shown = desktop.run("xclip", "-o", "-selection", "primary").stdout
        except subprocess.CalledProcessError:
            return False  # nothing selected: the field did not have the keys
        # GTK's completion ends a folder's name with "/".
        return bool(shown.rstrip("/") == path)

    until(typed, f"the dialog's name field reads {path}")
    type_into(desktop, window, "", "Return")


@pytest.fixture
def app(screen: Desktop, engine: str, tmp_path: Path) -> Any:
    app_dir = write_app(tmp_path / "app", PAGE, name="dialogs")
    with run_app(screen, app_dir, data_dir=tmp_path / "xdg", engine=engine) as running:
        yield running


def test_a_picked_file_is_readable_by_the_page_and_nothing_beside_it(
    app: DesktopApp, screen: Desktop, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    picked, sibling = outside / "picked.txt", outside / "sibling.txt"
    picked.write_text("picked by the user")
    sibling.write_text("not picked")

    before = call(app, f"fs.promises.readFile({js(str(picked))}, 'utf8')")
    assert before["error"]["code"] == "EPERM", before

    mark = start(
        app,
        "windows.showOpenFilePicker({ title: 'Pick one', "
        "types: [{ description: 'Text', accept: { 'text/plain': ['.txt'] } }] })",
    )
    dialog = x_window(screen, "Pick one")
    enter_path(screen, dialog, str(picked))
    until(lambda: is_gone(screen, "Pick one"), "the dialog closes")
    assert outcome(app, mark) == {"value": [str(picked)]}

    read = call(app, f"fs.promises.readFile({js(str(picked))}, 'utf8')")
    assert read == {"value": "picked by the user"}
    beside = call(app, f"fs.promises.readFile({js(str(sibling))}, 'utf8')")
    assert beside["error"]["code"] == "EPERM", beside

    # Another window's page has no grant of its own.
    # The window object itself stays in the page: only JSON comes back through window.eval.
    call(app, "windows.createWindow({ url: '/', title: 'second' }).then(() => null)")
    until(lambda: app.eval("typeof globalThis.fs", 1) == "object", "window 1's page loads")
    other = call(app, f"fs.promises.readFile({js(str(picked))}, 'utf8')", 1)
    assert other["error"]["code"] == "EPERM", other

    # A reload is a new page: the grant went with the old one.
    app.eval("globalThis.oldPage = true, location.reload(), null")
    until(
        lambda: app.eval("!globalThis.oldPage && typeof globalThis.fs === 'object'"),
        "the reloaded page",
    )

    after = call(app, f"fs.promises.readFile({js(str(picked))}, 'utf8')")
    assert after["error"]["code"] == "EPERM", after


def test_save_cancel_directory_and_one_dialog_per_window(
    app: DesktopApp, screen: Desktop, tmp_path: Path
) -> None:
    # Cancelled: an AbortError; meanwhile a second dialog on the same window is refused.
    mark = start(app, "windows.showOpenFilePicker({ title: 'Cancel me' })")
    dialog = x_window(screen, "Cancel me")
    second = call(app, "windows.showOpenFilePicker({ title: 'Second' })")
    assert second["error"]["name"] == "InvalidStateError", second
    assert second["error"]["code"] == "ERR_DIALOG_OPEN", second
    type_into(screen, dialog, "", "Escape")
    cancelled = outcome(app, mark)["error"]
    assert (cancelled["name"], cancelled["code"]) == ("AbortError", "ABORT_ERR"), cancelled
    assert is_gone(screen, "Cancel me")

    # Saved: the page may write the chosen file, and nothing beside it.
    folder = tmp_path / "documents"
    folder.mkdir()
    chosen = folder / "note.txt"
    mark = start(app, "windows.showSaveFilePicker({ title: 'Save it', suggestedName: 'x.txt' })")
    dialog = x_window(screen, "Save it")
    enter_path(screen, dialog, str(chosen))
    assert outcome(app, mark) == {"value": [str(chosen)]}
    wrote = call(app, f"fs.promises.writeFile({js(str(chosen))}, 'saved by the page')")
    assert wrote == {"value": None}, wrote
    assert chosen.read_text() == "saved by the page"
    beside = call(app, f"fs.promises.writeFile({js(str(folder / 'other.txt'))}, 'no')")
    assert beside["error"]["code"] == "EPERM", beside
    assert sorted(p.name for p in folder.iterdir()) == ["note.txt"]

    # A directory: read below it, not write (read-only unless mode: 'readwrite').
    (folder / "inner.txt").write_text("inside the picked directory")
    mark = start(app, "windows.showDirectoryFilePicker({ title: 'A folder' })")
    dialog = x_window(screen, "A folder")
    enter_path(screen, dialog, str(folder))
    assert outcome(app, mark) == {"value": [str(folder)]}
    inner = call(app, f"fs.promises.readFile({js(str(folder / 'inner.txt'))}, 'utf8')")
    assert inner == {"value": "inside the picked directory"}
    listed = call(app, f"fs.promises.readdir({js(str(folder))})")
    assert sorted(listed["value"]) == ["inner.txt", "note.txt"], listed
    refused = call(app, f"fs.promises.writeFile({js(str(folder / 'new.txt'))}, 'no')")
    assert refused["error"]["code"] == "EPERM", refused
    above = call(app, f"fs.promises.readdir({js(str(tmp_path))})")
    assert above["error"]["code"] == "EPERM", above

    # mode: 'readwrite' lets the page write below the directory.
    mark = start(app, "windows.showDirectoryFilePicker({ title: 'Writable', mode: 'readwrite' })")
    dialog = x_window(screen, "Writable")
    enter_path(screen, dialog, str(folder))
    assert outcome(app, mark) == {"value": [str(folder)]}
    made = call(app, f"fs.promises.writeFile({js(str(folder / 'new.txt'))}, 'made')")
    assert made == {"value": None}, made
    assert (folder / "new.txt").read_text() == "made"


def ask_in_background(app: DesktopApp, title: str) -> tuple[threading.Thread, list[Any]]:
    """Open a dialog over the HTTP bridge from a thread: its route's answer outlives the page
    that would have had it."""
    answers: list[Any] = []

    def ask() -> None:
        try:
            answers.append(app.call("window.showFileSystemPicker", title=title))
        except RouteError as error:
            answers.append(error.error)
        except httpx.HTTPError as error:
            answers.append(error)

    asking = threading.Thread(target=ask)
    asking.start()
    return asking, answers


def test_a_dialog_closes_when_its_page_goes_away_or_the_app_stops(
    app: DesktopApp, screen: Desktop
) -> None:
    asking, answers = ask_in_background(app, "Orphan")
    x_window(screen, "Orphan")
    app.eval("location.reload(), null")
    asking.join(timeout=60)
    assert not asking.is_alive()
    assert answers[0]["type"] == "AbortError", answers
    assert answers[0]["reason"] == "page-closed", answers
    until(lambda: is_gone(screen, "Orphan"), "the orphaned dialog closes")

    until(lambda: app.eval("typeof globalThis.fs === 'object'"), "the reloaded page")
    asking, answers = ask_in_background(app, "Left open")
    x_window(screen, "Left open")
    app.call("application.exit")
    assert app.process.wait() == 0
    asking.join(timeout=60)
    assert not asking.is_alive()
    assert answers[0]["type"] == "AbortError", answers
    assert answers[0]["reason"] == "stopping", answers


def test_the_pages_confirm_and_prompt_are_real_dialogs(app: DesktopApp, screen: Desktop) -> None:
    # confirm() blocks the page's script until answered: asked from a timer, read afterwards.
    app.eval("globalThis.answers = [], null")
    for key, expected in (("Return", True), ("Escape", False)):
        app.eval("setTimeout(() => answers.push(confirm('Proceed?'))), null")
        dialog = x_window(screen, "Javascript Confirm - .*")
        type_into(screen, dialog, "", key)
        assert until(lambda: app.eval("answers.length"), "the page's answer") == 1
        assert app.eval("answers.pop()") is expected
    app.eval("setTimeout(() => answers.push(prompt('Your name?', ''))), null")
    dialog = x_window(screen, "Javascript Prompt - .*")
    type_into(screen, dialog, "Ada Lovelace", "Return")
    assert until(lambda: app.eval("answers.length"), "the page's answer") == 1
    assert app.eval("answers.pop()") == "Ada Lovelace"


PICKERS_PAGE = recorder_page(
    [],
    imports="import * as pickers from 'oro:internal/pickers'",
    script="globalThis.pickers = pickers",
)


def test_oros_pickers_answer_handles_that_read_and_write_the_chosen_files(
    screen: Desktop, engine: str, tmp_path: Path
) -> None:
    """Oro's socket:internal/pickers (also the page's own showOpenFilePicker...): the desktop's
    dialog, then oro:fs/web handles over what the user chose."""
    app_dir = write_app(
        tmp_path / "app",
        PICKERS_PAGE,
        name="pickers",
        # window.eval is no user gesture: the pickers would refuse it, as the web's do.
        # Oro's page globals on: the pickers are also the page's, as in an Oro app.
        config=(
            "\n[webview]\nfilesystem_picker_require_user_activation = false\noro_globals = true\n"
        ),
    )
    folder = tmp_path / "files"
    folder.mkdir()
    picked = folder / "picked.txt"
    picked.write_text("picked by the user")
    with run_app(screen, app_dir, data_dir=tmp_path / "xdg", engine=engine) as app:
        assert app.eval(
            "globalThis.showOpenFilePicker === pickers.showOpenFilePicker &&"
            " globalThis.showSaveFilePicker === pickers.showSaveFilePicker &&"
            " globalThis.showDirectoryPicker === pickers.showDirectoryPicker"
        )
        mark = start(
            app,
            "showOpenFilePicker({ title: 'Oro open',"
            " types: [{ accept: { 'text/plain': ['.txt'] } }] })"
            ".then(async ([handle]) => ({ kind: handle.kind, name: handle.name,"
            " text: await (await handle.getFile()).text(),"
            " write: await handle.queryPermission({ mode: 'readwrite' }) }))",
        )
        enter_path(screen, x_window(screen, "Oro open", app, mark), str(picked))
        # One dialog per window: the next one waits until this one is gone.
        until(lambda: is_gone(screen, "Oro open"), "the dialog closes")
        assert outcome(app, mark) == {
            "value": {"kind": "file", "name": "picked.txt", "text": "picked by the user",
                      "write": "denied"}
        }  # fmt: skip

        chosen = folder / "saved.txt"
        mark = start(
            app,
            "showSaveFilePicker({ title: 'Oro save', suggestedName: 'x.txt' })"
            ".then(async (handle) => { const writable = await handle.createWritable();"
            " await writable.write('written through the handle'); await writable.close();"
            " return handle.name })",
        )
        enter_path(screen, x_window(screen, "Oro save", app, mark), str(chosen))
        until(lambda: is_gone(screen, "Oro save"), "the dialog closes")
        assert outcome(app, mark) == {"value": "saved.txt"}
        assert chosen.read_text() == "written through the handle"

        mark = start(app, "showOpenFilePicker({ title: 'Oro cancel' })")
        type_into(screen, x_window(screen, "Oro cancel"), "", "Escape")
        assert outcome(app, mark)["error"]["name"] == "AbortError"
