"""``oro run`` headless in a real subprocess, and ``oro init``."""

from __future__ import annotations

import contextlib
import signal
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _oro_process import SHOWCASE, OroProcess, headless_environ, run_arguments
from click.testing import CliRunner
from playwright.sync_api import Browser

from oro_framework.cli import cli
from oro_framework.testing import free_port
from oro_framework.web.ports import stable_port


def _origin(launch_url: str) -> str:
    return launch_url.split("/?", 1)[0]


def test_without_a_display_run_is_headless_even_without_the_flag():
    with OroProcess(*run_arguments(SHOWCASE), environ=headless_environ()) as oro:
        url = oro.launch_url()
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0
    assert url.startswith("http://127.0.0.1:")


def _events_until_closed(lines: Iterator[str]) -> list[str]:
    """Event names of an SSE stream until the server goes away (it may cut the last chunk)."""
    events: list[str] = []
    with contextlib.suppress(httpx.RemoteProtocolError):
        events.extend(line for line in lines if line.startswith("event:"))
    return events


def test_ctrl_c_sends_applicationstop_to_pages_and_exits_zero():
    with OroProcess(*run_arguments(SHOWCASE, "--headless"), environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            client.get(url)  # the session cookie first
            with client.stream("GET", f"{_origin(url)}/oro/events?window=0", timeout=30) as stream:
                lines = stream.iter_lines()
                assert next(lines) == ": connected"
                oro.send_signal(signal.SIGINT)
                events = _events_until_closed(lines)

        assert oro.wait() == 0
    assert "event: applicationstop" in events


def test_an_exit_imports_nothing_to_let_pages_hear_applicationstop():
    # The runner waits for the server to write applicationstop before it goes away; with
    # anyio.wait_all_tasks_blocked that imported trio.testing, and with it pytest where it is
    # installed (as here): 80 ms of every exit.
    environ = headless_environ({"PYTHONPROFILEIMPORTTIME": "1"})
    with OroProcess(*run_arguments(SHOWCASE, "--headless"), environ=environ) as oro:
        oro.launch_url()
        started = len(oro.stderr())
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0
        at_exit = oro.stderr()[started:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in at_exit.splitlines() if "|" in line]
    assert not [name for name in imported if name.startswith(("trio.testing", "pytest"))]


def test_application_exit_ends_the_run_with_its_code():
    with OroProcess(*run_arguments(SHOWCASE, "--headless"), environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            client.get(url)
            answer = client.get(f"{_origin(url)}/ipc/application.exit", params={"value": 3})

        assert oro.wait() == 3
    assert answer.json()["data"] == {"code": 3}


def test_port_option_serves_on_that_port():
    port = free_port()
    arguments = run_arguments(SHOWCASE, "--headless", "--port", str(port))
    with OroProcess(*arguments, environ=headless_environ()) as oro:
        url = oro.launch_url()
        oro.send_signal(signal.SIGINT)

        assert oro.wait() == 0
    assert url.startswith(f"http://127.0.0.1:{port}/?oro_launch=")


def test_a_port_in_use_fails_with_a_clear_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        arguments = run_arguments(SHOWCASE, "--headless", "--port", str(port))
        with OroProcess(*arguments, environ=headless_environ()) as oro:
            assert oro.wait() == 1
    assert f"cannot serve {SHOWCASE}:" in oro.stderr()
    assert "Address already in use" in oro.stderr()


def _served_port(*arguments: str, environ: dict[str, str] | None = None) -> tuple[int, str]:
    """The port ``oro run --headless`` of the showcase serves on, and its standard error."""
    run = run_arguments(SHOWCASE, "--headless", *arguments)
    with OroProcess(*run, environ=environ or headless_environ()) as oro:
        port = httpx.URL(oro.launch_url()).port
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0
    assert port is not None
    return port, oro.stderr()


def test_the_app_keeps_its_port_run_after_run():
    """The origin includes the port, and the browser keeps service workers and storage per
    origin: the same app must come back on the same port."""
    first, _ = _served_port()
    second, _ = _served_port()

    assert first == second == stable_port("dev.oro.showcase")


def test_window_port_names_the_port():
    port = free_port()
    served, _ = _served_port(environ=headless_environ({"ORO_WINDOW_PORT": str(port)}))

    assert served == port


def test_a_taken_app_port_falls_back_to_a_free_one_with_a_warning():
    with socket.socket() as taken:
        # The runs before this one may have left the port in TIME_WAIT.
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", stable_port("dev.oro.showcase")))
        taken.listen()
        served, errors = _served_port()

    assert served != stable_port("dev.oro.showcase")
    assert f"warning: port {stable_port('dev.oro.showcase')} (derived from" in errors
    assert "will not carry over" in errors


def test_a_page_reporting_ready_is_printed():
    with OroProcess(*run_arguments(SHOWCASE, "--headless"), environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client() as client:
            # The launch redirect hands window 0's page its credential in the fragment; a page
            # reports ready for the window it proves (issue 50: never a default to window 0).
            location = client.get(url).headers["location"]
            credential = location.split("#oro_window=", 1)[1]
            client.get(f"{_origin(url)}/ipc/window.ready", headers={"X-Oro-Window": credential})
        assert oro.wait_for_line(r"^oro: window 0 ready$")
        oro.send_signal(signal.SIGINT)

        assert oro.wait() == 0


# -------------------------------------------------------------------------------------------------
# oro init
# -------------------------------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_init_scaffolds_an_app_named_after_its_directory(runner, tmp_path):
    app = tmp_path / "my-notes"
    result = runner.invoke(cli, ["init", str(app)])

    assert result.exit_code == 0, result.output
    config = tomllib.loads((app / "oro.toml").read_text())
    assert config["meta"]["name"] == "my-notes"
    assert config["meta"]["bundle_identifier"] == "com.example.my-notes"
    assert config["webview"]["root"] == "."
    script = (app / "main.js").read_text()
    for specifier in ("oro:ipc", "oro:os", "oro:application"):
        assert f"from '{specifier}'" in script
    assert "<title>my-notes</title>" in (app / "index.html").read_text()


def test_init_escapes_the_name_in_toml_and_html(runner, tmp_path):
    result = runner.invoke(cli, ["init", str(tmp_path / "app"), "--name", 'Tom "&" Jerry'])

    assert result.exit_code == 0, result.output
    assert tomllib.loads((tmp_path / "app" / "oro.toml").read_text())["meta"]["name"] == (
        'Tom "&" Jerry'
    )
    assert "Tom &quot;&amp;&quot; Jerry" in (tmp_path / "app" / "index.html").read_text()


def test_init_refuses_to_overwrite_and_writes_nothing(runner, tmp_path):
    (tmp_path / "main.js").write_text("// mine\n")
    result = runner.invoke(cli, ["init", str(tmp_path)])

    assert result.exit_code == 1
    assert "main.js" in result.output
    assert (tmp_path / "main.js").read_text() == "// mine\n"
    assert not (tmp_path / "oro.toml").exists()


def test_a_scaffolded_app_runs_and_serves_its_files(runner, tmp_path: Path):
    app = tmp_path / "hello"
    assert runner.invoke(cli, ["init", str(app)]).exit_code == 0
    with OroProcess(*run_arguments(app, "--headless"), environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            page = client.get(url)
            script = client.get(f"{_origin(url)}/main.js")
        oro.send_signal(signal.SIGINT)

        assert oro.wait() == 0
    assert "<h1>hello</h1>" in page.text
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_a_scaffolded_apps_page_shows_its_backend_answering(
    runner: CliRunner, tmp_path: Path, chromium_browser: Browser
) -> None:
    app = tmp_path / "demo"
    assert runner.invoke(cli, ["init", str(app)]).exit_code == 0
    assert (app / "backend.py").is_file()
    with OroProcess(*run_arguments(app, "--headless"), environ=headless_environ()) as oro:
        context = chromium_browser.new_context()
        try:
            page = context.new_page()
            page.goto(oro.window_launch_url("/"))
            page.wait_for_function(
                "() => document.getElementById('backend').textContent.startsWith('Hello')",
                timeout=30_000,
            )
            shown = page.text_content("#backend")
        finally:
            context.close()
    assert shown is not None
    assert shown.startswith("Hello, oro! (Python 3.")
