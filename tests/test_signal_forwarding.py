"""``oro:signal``: the signals the app's process receives reach its pages, as Oro forwards them
(``src/desktop/main.cc``: SIGHUP, SIGUSR1, SIGUSR2 to the page as ``signal``, SIGINT/SIGTERM
too, then the shutdown), with ``oro run`` in a real subprocess and its page in headless
Chromium: the user signals leave the app running and serving, SIGTERM still ends it cleanly."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import httpx
from _oro_process import OroProcess, headless_environ, run_arguments
from click.testing import CliRunner
from playwright.sync_api import Browser

from oro_framework.cli import cli
from oro_framework.testing import until

LISTEN = """async (usr1 = 10) => {
  const signals = await import('oro:signal')
  globalThis.heard = []
  for (const name of ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGTERM']) {
    signals.addEventListener(name, (event) => {
      heard.push({ name: event.name, code: event.code, message: event.message,
        isSignalEvent: event.constructor.name === 'SignalEvent' })
    })
  }
  return {
    usr1: signals.getName(usr1), code: signals.getCode('sigusr2'),
    message: signals.getMessage('SIGHUP')
  }
}"""


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "signals"
    assert CliRunner().invoke(cli, ["init", str(app)]).exit_code == 0
    return app


def test_user_signals_reach_every_page_and_the_app_runs_on(
    tmp_path: Path, chromium_browser: Browser
) -> None:
    with OroProcess(
        *run_arguments(_app(tmp_path), "--headless"), environ=headless_environ()
    ) as oro:
        oro.launch_url()
        context = chromium_browser.new_context()
        try:
            page = context.new_page()
            page.goto(oro.window_launch_url("/"))
            names = page.evaluate(LISTEN, int(signal.SIGUSR1))
            # Subscribed once the module is imported; each signal is sent once the last arrived.
            for signum in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
                count = page.evaluate("heard.length")
                oro.send_signal(signum)
                until(
                    lambda c=count: page.evaluate("heard.length") > c,
                    f"the page hears {signum.name}",
                )
            heard = page.evaluate("heard")
            assert oro.process.poll() is None
            # The host serves on: a module not yet loaded comes from it now.
            assert page.evaluate("async () => typeof (await import('oro:querystring')).parse") == (
                "function"
            )
            oro.send_signal(signal.SIGTERM)
            assert oro.wait() == 0
        finally:
            context.close()
    assert names == {
        "usr1": "SIGUSR1",
        "code": int(signal.SIGUSR2),
        "message": "Terminal line hangup",
    }
    assert heard == [
        {
            "name": "SIGUSR1",
            "code": int(signal.SIGUSR1),
            "message": "User defined signal 1",
            "isSignalEvent": True,
        },
        {
            "name": "SIGUSR2",
            "code": int(signal.SIGUSR2),
            "message": "User defined signal 2",
            "isSignalEvent": True,
        },
        {
            "name": "SIGHUP",
            "code": int(signal.SIGHUP),
            "message": "Terminal line hangup",
            "isSignalEvent": True,
        },
    ]


def test_sigterm_reaches_the_page_then_stops_the_app(tmp_path: Path) -> None:
    with OroProcess(
        *run_arguments(_app(tmp_path), "--headless"), environ=headless_environ()
    ) as oro:
        url = oro.launch_url()
        origin = url.split("/?", 1)[0]
        with httpx.Client(follow_redirects=True) as client:
            client.get(url)
            with client.stream("GET", f"{origin}/oro/events?window=0", timeout=30) as stream:
                lines = stream.iter_lines()
                assert next(lines) == ": connected"
                oro.send_signal(signal.SIGUSR1)
                seen = []
                for line in lines:
                    seen.append(line)
                    if line.startswith("data:") and "SIGUSR1" in line:
                        break
                oro.send_signal(signal.SIGTERM)
                with contextlib.suppress(httpx.RemoteProtocolError):
                    seen.extend(lines)
        assert oro.wait() == 0
    text = "\n".join(seen)
    assert "event: signal" in text
    assert '"name":"SIGTERM"' in text.replace(" ", "")
    assert "event: applicationstop" in text


def test_a_page_cannot_send_a_signal_to_another_window(
    tmp_path: Path, chromium_browser: Browser
) -> None:
    with OroProcess(
        *run_arguments(_app(tmp_path), "--headless"), environ=headless_environ()
    ) as oro:
        oro.launch_url()
        context = chromium_browser.new_context()
        try:
            page = context.new_page()
            page.goto(oro.window_launch_url("/"))
            page.evaluate(LISTEN)
            # A page dispatching the host's event reaches its own listeners, nothing else.
            page.evaluate(
                "() => dispatchEvent(new CustomEvent('signal',"
                " { detail: { signal: 15, name: 'SIGTERM' } }))"
            )
            assert page.evaluate("heard.map((e) => e.name)") == ["SIGTERM"]
            assert oro.process.poll() is None
            # Nor can it ask the host for one: there is no such route.
            error = page.evaluate(
                "async () => (await import('oro:ipc')).request('signal.send', { name: 'SIGTERM' })"
                ".then(() => null, (e) => e.name)"
            )
            assert error == "NotFoundError"
            assert oro.process.poll() is None
        finally:
            context.close()
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0
