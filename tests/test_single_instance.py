"""One running copy of an app per user: a second ``oro run`` (two real processes) hands its deep
links to the first and exits 0; the first's page gets them as ``applicationurl``; stale sockets,
unsafe directories, garbage messages and simultaneous launches are handled."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from oro_framework.gui.single_instance import (
    MAX_MESSAGE_BYTES,
    InstanceLock,
    acquire_or_hand_over,
    encode_message,
    instance_directory,
    parse_message,
    serve_hand_overs,
)
from oro_framework.host.errors import SingleInstanceError
from oro_framework.testing import bridge_client, open_descriptors, opened_since, virtual_display
from tests._oro_process import (
    ORO,
    SHOWCASE,
    OroProcess,
    headless_environ,
    run_arguments,
    until,
)
from tests._window_app import ENGINES

TOML = """[meta]
name = "Deep Links"
bundle_identifier = "dev.oro.test-deep-links-{suffix}"

[webview.protocol-handlers]
"web+notes" = "./notes-sw.js"
"""
PAGE = """<!doctype html><title>links</title>
<script type="module">
import { request } from 'oro:ipc'
globalThis.links = []
globalThis.addEventListener('applicationurl', (event) => globalThis.links.push({
  ...event.detail,
  kind: Object.prototype.toString.call(event),
  href: event.url instanceof URL ? event.url.href : null,
  source: event.source
}))
await request('window.ready')
</script>
"""


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    directory = tmp_path / "app"
    directory.mkdir()
    (directory / "oro.toml").write_text(TOML.format(suffix=request.node.name[-40:]))
    (directory / "index.html").write_text(PAGE)
    (directory / "notes-sw.js").write_text("self.addEventListener('fetch', () => {})\n")
    return directory


@pytest.fixture
def environ() -> Iterator[dict[str, str]]:
    # A short directory of its own: a Unix socket's path has at most 107 bytes.
    with tempfile.TemporaryDirectory(prefix="rt-", dir="/tmp") as runtime:
        yield headless_environ({"XDG_RUNTIME_DIR": runtime})


def _launch(app: Path, environ: dict[str, str], *arguments: str) -> OroProcess:
    return OroProcess(*run_arguments(app, "--headless", "--port", "0", *arguments), environ=environ)


def _second(app: Path, environ: dict[str, str], *urls: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), *run_arguments(app, "--headless", *urls)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _page(browser: Browser, launch_url: str) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(launch_url)
    page.wait_for_function("() => Array.isArray(globalThis.links)")
    try:
        yield page
    finally:
        context.close()


def test_a_second_launch_hands_its_link_to_the_running_page_and_exits_0(
    app: Path, environ: dict[str, str], chromium_browser: Browser
) -> None:
    with _launch(app, environ) as first:
        for page in _page(chromium_browser, first.launch_url()):
            first.wait_for_line(r"^oro: window 0 ready$")
            second = _second(app, environ, "web+notes://inbox/1?read=1")
            assert second.returncode == 0, second.stderr
            assert second.stdout == (
                "oro: Deep Links is already running; handed over web+notes://inbox/1?read=1\n"
            )
            page.wait_for_function("() => globalThis.links.length === 1")
            link = page.evaluate("() => globalThis.links[0]")
    assert link["url"] == "web+notes://inbox/1?read=1"
    assert link["path"] == "/oro/protocol/web+notes/inbox/1?read=1"
    assert link["appURL"].endswith(link["path"])


def test_pages_get_the_link_as_oros_application_url_event(
    app: Path, environ: dict[str, str], chromium_browser: Browser
) -> None:
    with _launch(app, environ) as first:
        for page in _page(chromium_browser, first.launch_url()):
            first.wait_for_line(r"^oro: window 0 ready$")
            assert _second(app, environ, "web+notes://inbox/2").returncode == 0
            page.wait_for_function("() => globalThis.links.length === 1")
            link = page.evaluate("() => globalThis.links[0]")
    assert link["kind"] == "[object ApplicationURLEvent]"
    assert link["href"] == "web+notes://inbox/2"
    assert link["source"] == "web+notes://inbox/2"


def test_a_link_the_app_was_started_with_reaches_its_page_once_ready(
    app: Path, environ: dict[str, str], chromium_browser: Browser
) -> None:
    with _launch(app, environ, "web+notes://start/here") as first:
        for page in _page(chromium_browser, first.launch_url()):
            page.wait_for_function("() => globalThis.links.length === 1")
            assert page.evaluate("() => globalThis.links[0].path") == (
                "/oro/protocol/web+notes/start/here"
            )


def test_a_link_of_another_scheme_is_ignored_with_a_warning(
    app: Path, environ: dict[str, str]
) -> None:
    with _launch(app, environ) as first:
        first.launch_url()
        assert _second(app, environ, "https://example.com/").returncode == 0
        first.process.terminate()
        first.wait()
    assert "ignored 'https://example.com/'" in first.stderr()


def test_a_stale_socket_of_a_crashed_run_does_not_stop_the_next(
    app: Path, environ: dict[str, str]
) -> None:
    with _launch(app, environ) as crashed:
        crashed.launch_url()
        crashed.kill()  # SIGKILL: no cleanup ran, the socket file stays
    sockets = list((Path(environ["XDG_RUNTIME_DIR"]) / "oro").glob("*.sock"))
    assert sockets, "the killed run left its socket file"
    with _launch(app, environ) as next_run:
        assert next_run.launch_url()


def test_two_launches_at_once_give_one_host(app: Path, environ: dict[str, str]) -> None:
    with _launch(app, environ) as one, _launch(app, environ) as two:
        outputs = []
        for process in (one, two):
            line = process.wait_for_line(r"^oro: (serving|.* already running)")
            outputs.append(line)
    assert sorted(line.split()[1] for line in outputs) == ["Deep", "serving"]


def test_single_instance_off_lets_two_copies_run(app: Path, environ: dict[str, str]) -> None:
    off = ("-c", "application.single_instance=false")
    with _launch(app, environ, *off) as one, _launch(app, environ, *off) as two:
        assert one.launch_url() != two.launch_url()


def test_garbage_on_the_socket_is_dropped_and_the_app_goes_on(
    app: Path, environ: dict[str, str]
) -> None:
    with _launch(app, environ) as first:
        first.launch_url()
        (path,) = (Path(environ["XDG_RUNTIME_DIR"]) / "oro").glob("*.sock")
        garbage_messages = (
            b"\xff\xfe not json\n",
            b"[1, 2]\n",
            b'{"urls": [3]}\n',
            b"x" * 70_000,
            b"[" * 60_000 + b"\n",  # deeper than the JSON parser's stack, under the size cap
        )
        for garbage in garbage_messages:
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(path))
                client.sendall(garbage)
                client.shutdown(socket.SHUT_WR)
                try:
                    answer = client.recv(16)
                except ConnectionResetError:  # closed with the oversized message unread
                    answer = b""
                assert answer == b"", garbage[:20]
        second = _second(app, environ)
        assert first.process.poll() is None
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout


def test_a_socket_directory_others_can_enter_is_refused(app: Path, environ: dict[str, str]) -> None:
    shared = Path(environ["XDG_RUNTIME_DIR"]) / "oro"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    result = _second(app, environ)
    assert result.returncode == 1
    assert "SingleInstanceError" in result.stderr
    assert "is not a private directory" in result.stderr


def test_a_socket_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    # As root the test can make the directory another user's (nobody's) for real.
    if os.geteuid() != 0:
        pytest.fail("this test needs root to chown a directory to another user")
    runtime = tmp_path / "runtime"
    (runtime / "oro").mkdir(parents=True, mode=0o700)
    os.chown(runtime / "oro", 65534, 65534)
    with pytest.raises(SingleInstanceError, match="owner 65534"):
        instance_directory({"XDG_RUNTIME_DIR": str(runtime)})


def test_the_lock_owns_its_descriptor_on_every_path(tmp_path: Path) -> None:
    before = open_descriptors()
    holder = InstanceLock("dev.oro.descriptors", tmp_path)
    assert holder.acquire()
    other = InstanceLock("dev.oro.descriptors", tmp_path)
    assert not other.acquire()  # refused: its descriptor is closed at once
    holder.release()
    assert opened_since(before) == {}
    assert other.acquire()
    other.release()
    assert opened_since(before) == {}


@pytest.mark.parametrize(
    ("line", "urls"),
    [
        (b'{"urls": ["web+a://x"]}', ["web+a://x"]),
        (b'{"urls": []}', []),
        (b'{"urls": "web+a://x"}', None),
        (b"[]", None),
        (b"\xff", None),
    ],
)
def test_only_a_list_of_strings_is_a_message(line: bytes, urls: list[str] | None) -> None:
    assert parse_message(line) == urls


def test_json_nested_past_the_parsers_stack_is_not_a_message() -> None:
    line = b"[" * 60_000
    assert len(line) < MAX_MESSAGE_BYTES
    assert parse_message(line) is None


@given(st.binary(max_size=4096))
def test_any_bytes_are_a_list_of_urls_or_no_message(line: bytes) -> None:
    urls = parse_message(line)
    assert urls is None or all(isinstance(url, str) for url in urls)


@given(st.lists(st.text(max_size=200), max_size=20))
def test_the_message_a_launch_sends_parses_back_to_its_urls(urls: list[str]) -> None:
    message = encode_message(urls)
    assert message.count(b"\n") == 1
    assert message.endswith(b"\n")
    assert parse_message(message.rstrip(b"\n")) == urls


@pytest.mark.anyio
async def test_a_delivery_that_fails_does_not_stop_the_listener(tmp_path: Path) -> None:
    received: list[list[str]] = []

    async def receive(urls: list[str]) -> None:
        received.append(urls)
        raise RuntimeError("the window went away")

    with InstanceLock("dev.oro.failing", tmp_path) as lock:
        assert lock.acquire()
        async with anyio.create_task_group() as group:
            await group.start(serve_hand_overs, lock, receive)
            launch = InstanceLock("dev.oro.failing", tmp_path)
            for url in ("web+a://1", "web+a://2"):
                assert not await anyio.to_thread.run_sync(acquire_or_hand_over, launch, [url])
            group.cancel_scope.cancel()
    assert received == [["web+a://1"], ["web+a://2"]]


def test_a_launch_takes_over_from_a_copy_that_exits_while_it_waits(tmp_path: Path) -> None:
    exiting = InstanceLock("dev.oro.exiting", tmp_path)
    assert exiting.acquire()
    hung_up = threading.Event()
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(exiting.socket_path))
    listener.listen()

    def exit_without_answering() -> None:
        # Like a copy on its way out: it takes the connection, stops listening, keeps the lock.
        connection, _ = listener.accept()
        connection.close()
        listener.close()
        hung_up.set()

    threading.Thread(target=exit_without_answering).start()
    launch = InstanceLock("dev.oro.exiting", tmp_path)
    outcome: list[bool] = []
    launcher = threading.Thread(
        target=lambda: outcome.append(acquire_or_hand_over(launch, ["web+a://x"], timeout=60))
    )
    launcher.start()
    assert hung_up.wait(60)
    exiting.release()
    launcher.join(60)
    launch.release()
    assert outcome == [True]


def test_long_bundle_identifiers_keep_the_socket_path_short(tmp_path: Path) -> None:
    lock = InstanceLock("dev.oro." + "x" * 200, tmp_path)
    assert len(str(lock.socket_path)) < 108
    assert json.dumps(str(lock.socket_path))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_second_launch_shows_and_focuses_the_hidden_window(
    environ: dict[str, str], engine: str
) -> None:
    key = secrets.token_urlsafe(24)
    with virtual_display() as display:
        window_environ = {
            **environ,
            "DISPLAY": display,
            "ORO_WEBVIEW_ENGINE": engine,
            # QtWebEngine's Chromium refuses to run as root with its sandbox.
            "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
            "ORO_HTTP_IPC_ENABLE": "true",
            "ORO_HTTP_IPC_SHARED_KEY": key,
        }
        with OroProcess(
            *run_arguments(SHOWCASE, "--port", "0"), environ=window_environ, timeout=120
        ) as first:
            opened = first.wait_for_line(r"^oro: opened Oro Showcase in a window")
            origin = opened.rsplit("(", 1)[1].rstrip(")")
            first.wait_for_line(r"^oro: window 0 ready$")
            with bridge_client(origin, key) as bridge:
                hidden = bridge.get("/ipc/window.hide").json()["data"]
                until(lambda: _map_state(display) == "IsUnMapped", "the window unmapped")
                second = _second(SHOWCASE, window_environ, "web+showcase://note/again")
                status = bridge.get("/ipc/application.getWindows").json()["data"][0]["status"]
                # The engine may map the window after the hand-over was answered.
                until(lambda: _map_state(display) == "IsViewable", "the window mapped again")
    assert hidden["status"] == "hidden"
    assert second.returncode == 0, second.stderr
    assert status == "shown"


def _map_state(display: str, title: str = "Oro Showcase") -> str:
    """What the X server says of the app's top-level window: IsViewable, IsUnMapped..."""
    tree = subprocess.run(
        ["xwininfo", "-display", display, "-root", "-tree"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    window = re.findall(rf'^\s*(0x[0-9a-f]+) "{re.escape(title)}"', tree, re.MULTILINE)[0]
    info = subprocess.run(
        ["xwininfo", "-display", display, "-id", window],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    state = re.search(r"Map State: (\w+)", info)
    return state.group(1) if state else info
