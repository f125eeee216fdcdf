"""The engine contract's driver: every method of the host's
:class:`~oro_framework.host.windows.engine.Engine` on one engine, called where the window
manager calls it, and what each call answered, for ``tests/test_engine_contract.py`` to compare.

A native engine runs here as ``oro run`` runs it: ``python tests/_engine_contract.py <engine>``
with ``DISPLAY`` set opens window 1 before the GUI loop, starts the loop on the main thread and
runs :func:`exercise` on the engine's dispatcher thread; the pages come from a real HTTP server
on 127.0.0.1; the answers are printed as one JSON line. The headless engine has no loop: the test
calls :func:`exercise` in its own process.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Final

from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.host.windows.engine import Engine
from oro_framework.host.windows.model import (
    NativeState,
    Window,
    WindowColor,
    WindowOptions,
    WindowStatus,
)
from oro_framework.testing import until

__all__ = ["COLOR", "Recorder", "exercise", "serving"]

COLOR: Final = WindowColor(255, 0, 0, 1.0)
SIZE: Final = (420, 300)
POSITION: Final = (30, 40)
TIMEOUT: Final = 60.0
PAGE: Final = b"<!doctype html><title>contract</title><p>contract</p>"


class Recorder:
    """A :class:`~oro_framework.host.windows.engine.GuiListener` that keeps what it heard,
    from whichever thread the engine reports on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heard: list[list[Any]] = []

    @property
    def heard(self) -> list[list[Any]]:
        with self._lock:
            return list(self._heard)

    def _hear(self, *event: Any) -> None:
        with self._lock:
            self._heard.append(list(event))

    def gui_status_changed(self, index: int, status: WindowStatus) -> None:
        self._hear("status", index, status.value)

    def gui_resized(self, index: int, width: int, height: int) -> None:
        pass  # sizes are read back through get_size and state

    def gui_window_created(self, index: int) -> None:
        self._hear("created", index)

    def gui_web_process_ended(self, index: int, reason: str, reloaded: bool) -> None:
        self._hear("ended", index, reason)

    def gui_close_requested(self, index: int) -> None:
        self._hear("close_requested", index)

    def gui_files_dropped(self, index: int, uri_list: bytes, x: int, y: int) -> None:
        self._hear("dropped", index, len(uri_list))


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering every path with one page; its origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _plain(value: Any) -> Any:
    """``value`` as JSON has it."""
    if isinstance(value, NativeState | PermissionAnswer):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


class _Answers:
    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}

    def ask(self, name: str, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)``'s answer, or the error it raised as ``{error, code}``."""
        try:
            answer = _plain(function(*args))
        except Exception as error:
            answer = {"error": type(error).__name__, "code": getattr(error, "code", None)}
        self.answers[name] = answer
        return answer

    def settle(self, name: str, function: Callable[[], Any], check: Callable[[Any], bool]) -> None:
        """Ask until ``check`` holds (a native window changes as X and its toolkit catch up),
        within :data:`TIMEOUT`; an error is an answer at once."""

        def settled() -> bool:
            answer = self.ask(name, function)
            return (isinstance(answer, dict) and "error" in answer) or check(answer)

        with suppress(AssertionError):  # the last answer stays for the test to show
            until(settled, name, TIMEOUT)


def _exercise_frame(engine: Engine, answers: _Answers, index: int) -> None:
    """What a page sets on its window and reads back."""
    ask, settle = answers.ask, answers.settle
    ask("set_title", engine.set_title, index, "contract")
    ask("show", engine.show, index)
    ask("focus", engine.focus, index)
    ask("set_size", engine.set_size, index, *SIZE)
    settle("get_size", lambda: engine.get_size(index), lambda size: size == list(SIZE))
    settle(
        "state_size", lambda: engine.state(index), lambda s: [s["width"], s["height"]] == [*SIZE]
    )
    ask("set_position", engine.set_position, index, *POSITION)
    settle("state_position", lambda: engine.state(index), lambda s: [s["x"], s["y"]] == [*POSITION])
    ask("maximize", engine.maximize, index)
    settle("state_maximized", lambda: engine.state(index), lambda s: s["maximized"])
    ask("restore", engine.restore, index)
    settle("state_restored", lambda: engine.state(index), lambda s: not s["maximized"])
    ask("minimize", engine.minimize, index)
    settle("state_minimized", lambda: engine.state(index), lambda s: s["minimized"])
    ask("restore_minimized", engine.restore, index)
    settle("state_unminimized", lambda: engine.state(index), lambda s: not s["minimized"])
    ask("blur", engine.blur, index)
    ask("set_always_on_top", engine.set_always_on_top, index, True)
    settle("state_on_top", lambda: engine.state(index), lambda s: s["always_on_top"])
    ask("set_background_color", engine.set_background_color, index, COLOR)
    settle(
        "state_color",
        lambda: engine.state(index),
        lambda s: s["background_color"] == _plain(dataclasses.asdict(COLOR)),
    )
    ask("hide", engine.hide, index)
    ask("show_again", engine.show, index)


def _exercise_page(engine: Engine, answers: _Answers, index: int, origin: str) -> None:
    """What reaches the window's page, and what only a toolkit has."""
    ask, settle = answers.ask, answers.settle
    first = f"{origin}/first"
    settle("page_url", lambda: engine.page_url(index), lambda url: url == first)
    ask("navigate", engine.navigate, index, f"{origin}/second")
    settle(
        "page_url_navigated", lambda: engine.page_url(index), lambda url: url.endswith("/second")
    )
    # The URL changes as the navigation starts; script is for the page it loaded.
    settle(
        "loaded",
        lambda: engine.evaluate(index, "location.pathname + ' ' + document.readyState"),
        lambda answer: answer == "/second complete",
    )
    ask("evaluate", engine.evaluate, index, "6 * 7")
    ask("evaluate_throwing", engine.evaluate, index, "throw new Error('boom')")
    # Devtools are off unless oro run configures them on: a page cannot open them.
    ask("show_inspector", engine.show_inspector, index)
    ask("screen_size", engine.screen_size)
    ask("toolkit", lambda: engine.toolkit)
    ask("has_native_windows", lambda: engine.has_native_windows)
    ask("native", lambda: engine.native(index) is not None)
    posted = threading.Event()
    ran_on: list[str] = []

    def on_gui_thread() -> None:
        ran_on.append(threading.current_thread().name)
        posted.set()

    answer = ask("post", engine.post, on_gui_thread)
    is_posted = answer is None and posted.wait(TIMEOUT)
    answers.answers["posted_on"] = ran_on[0] if is_posted else None


def exercise(engine: Engine, listener: Recorder, origin: str) -> dict[str, Any]:
    """Every :class:`Engine` method on window 1 (opened already, at ``{origin}/first``) and on
    window 2, opened hidden here, then both closed; on the thread the window manager calls the
    engine on. What each call answered, by name, and what ``listener`` heard."""
    answers = _Answers()
    if engine.has_native_windows:
        until(lambda: ["created", 1] in listener.heard, "window 1 is made", TIMEOUT)
    _exercise_frame(engine, answers, 1)
    _exercise_page(engine, answers, 1, origin)
    hidden = Window(index=2, title="hidden", width=300, height=200)
    answers.ask(
        "open_hidden",
        engine.open,
        hidden,
        f"{origin}/hidden",
        listener,
        WindowOptions(hidden=True, min_width=250, min_height=150),
    )
    if engine.has_native_windows:
        until(lambda: ["created", 2] in listener.heard, "window 2 is made", TIMEOUT)
    answers.ask("unknown_window", engine.get_size, 9)
    prompts = _ask_permission(engine, answers, "ask_permission", 2)
    answers.ask("close_hidden", engine.close, 2)
    if engine.has_native_windows:
        # The prompt over window 2 was left unanswered: its window closing denied it, once.
        until(lambda: prompts, "the prompt is answered", TIMEOUT)
        answers.answers["permission_answers"] = _plain(prompts)
    prompted = _ask_permission(engine, answers, "ask_permission_closed", 2)
    answers.answers["permission_answers_closed"] = _plain(prompted)
    answers.ask("closed_window", engine.get_size, 2)
    answers.ask("close", engine.close, 1)
    if engine.has_native_windows:
        until(lambda: ["status", 1, "closed"] in listener.heard, "window 1 closes", TIMEOUT)
    answers.answers["heard"] = listener.heard
    return answers.answers


def _ask_permission(engine: Engine, answers: _Answers, name: str, index: int) -> list[Any]:
    """``engine.ask_permission`` over window ``index``, on the GUI thread as the window manager
    calls it (the headless engine on this thread): what it raised in ``answers``, and the list
    its answers will be appended to."""
    given: list[Any] = []
    if not engine.has_native_windows:
        answers.ask(
            name, engine.ask_permission, index, "contract would like a camera", given.append
        )
        return given
    done = threading.Event()

    def on_gui_thread() -> None:
        answers.ask(
            name, engine.ask_permission, index, "contract would like a camera", given.append
        )
        done.set()

    engine.post(on_gui_thread)
    done.wait(TIMEOUT)
    return given


class _Driver:
    """Stands for the dispatcher: the engine runs :meth:`serve` on its dispatcher thread."""

    def __init__(self, engine: Engine, listener: Recorder, origin: str) -> None:
        self._engine, self._listener, self._origin = engine, listener, origin
        self.answers: dict[str, Any] = {}

    def serve(self) -> None:
        try:
            self.answers = exercise(self._engine, self._listener, self._origin)
        except BaseException:
            self.answers = {"failed": traceback.format_exc()}
            for index in (2, 1):  # let the GUI loop end
                with suppress(Exception):
                    self._engine.close(index)


def main(name: str) -> None:
    from oro_framework.gui.engines import make_engine

    engine = make_engine(name, storage_path=None)
    listener = Recorder()
    with serving() as origin:
        window = Window(index=1, title="contract", width=640, height=480)
        engine.open(window, f"{origin}/first", listener, WindowOptions())
        driver = _Driver(engine, listener, origin)
        engine.start(driver)  # type: ignore[arg-type]  # the loop only calls serve()
    print(json.dumps(driver.answers), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
