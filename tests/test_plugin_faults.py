"""Mistakes stay small (issue 73): a route wrapper that fails leaves the chain with one logged
error and the page is told which plugin failed; an installed plugin that does not load (its
import fails or hangs, the loader refuses a hook) is skipped with one warning and its routes say
why, unless the app requires it or ``--strict-plugins`` is given; ``oro plugins list`` exits 1
over it; a misspelled hook gets a did-you-mean and a wrong argument the valid ones.

Wrappers run on real hosts, over a real server and page; broken plugins are real distributions
(a package and its ``.dist-info`` in a temporary folder on ``PYTHONPATH``) loaded by ``oro`` in
a subprocess, as a user's environment would."""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _oro_process import ORO, OroProcess, headless_environ, run_arguments
from playwright.sync_api import Browser

import oro_framework.core.ping
from oro_framework import Plugin, PluginLoadError, Request, Route, RouteCallWrapper, hookimpl
from oro_framework.host.errors import RouteWrapperError
from oro_framework.testing import (
    MemoryClient,
    RoutePlugin,
    app_page,
    make_host,
    raise_for_error,
    served_app,
)


async def _note(request: Request) -> str:
    return "a note"


NOTES = RoutePlugin({"notes.get": _note}, name="notes")
"""Plugin B: innocent routes another plugin's wrapper runs around."""


class Clumsy:
    """Plugin A: a route wrapper that forgets ``return call``."""

    name = "clumsy"

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        yield  # type: ignore[misc]  # the mistake under test: no 'return call'


CALL_TWICE = """async (route) => {
    const { request } = await import('oro:ipc')
    let first
    try {
        first = { value: await request(route) }
    } catch (error) {
        first = { name: error.name, code: error.code, plugin: error.plugin, message: error.message }
    }
    return [first, await request(route), await request('ping')]
}"""


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.ERROR, logger="oro_framework.hooks"):
        yield caplog


def test_a_faulty_wrapper_names_its_plugin_to_the_page_and_the_others_keep_answering(
    chromium_browser: Browser, oro_transport: str, log: pytest.LogCaptureFixture
) -> None:
    plugins = [oro_framework.core.ping, NOTES, Clumsy()]
    with (
        served_app(plugins, transport=oro_transport) as app,
        app_page(chromium_browser, app) as page,
    ):
        first, again, pong = page.evaluate(CALL_TWICE, "notes.get")
        later = page.evaluate(CALL_TWICE, "notes.get")

    assert first["name"] == "InternalError"
    assert first["code"] == "ERR_ROUTE_WRAPPER"
    assert first["plugin"] == "clumsy"
    assert "plugin 'clumsy'" in first["message"]
    assert "returned None" in first["message"]
    assert (again, pong) == ("a note", "pong")
    assert later == [{"value": "a note"}, "a note", "pong"]
    lines = [record.getMessage() for record in log.records if "clumsy" in record.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(
        "plugin 'clumsy': hook oro_route_call(notes.get) returned None, not an awaitable; its "
        "route wrapper is taken out of the chain for the rest of the run. Fix: end the wrapper "
        "with 'return call'"
    )


class Faulty:
    """A wrapper failing in the way ``fault`` names, on every call."""

    name = "faulty"

    def __init__(self, fault: str) -> None:
        self.fault = fault

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        if self.fault == "no yield":
            return None  # type: ignore[return-value]
        call = yield
        if self.fault == "raises":
            raise KeyError("forgot a key")
        if self.fault == "yields twice":
            yield  # type: ignore[misc]
        if self.fault == "not awaitable":
            return {"not": "awaitable"}  # type: ignore[return-value]

        async def failing() -> Any:
            await call
            raise ZeroDivisionError("after the handler")

        return failing()


class Counting:
    """An outer wrapper that must keep working around the faulty one and without it."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl(wrapper=True, tryfirst=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        self.calls += 1
        return (yield)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fault", "what"),
    [
        ("no yield", "returned before it yielded"),
        ("raises", "raised KeyError"),
        ("yields twice", "yielded twice"),
        ("not awaitable", "returned dict, not an awaitable"),
        ("awaited", "raised ZeroDivisionError"),
    ],
)
async def test_every_kind_of_wrapper_fault_takes_out_that_wrapper_alone(
    fault: str, what: str, log: pytest.LogCaptureFixture
) -> None:
    counting = Counting()
    async with make_host([oro_framework.core.ping, NOTES, Faulty(fault), counting]) as host:
        client = MemoryClient(host)
        broken = await client.call("notes.get")
        answers = [raise_for_error(await client.call(route)) for route in ("notes.get", "ping")]
        wrappers = host.hooks.route_wrappers()

    assert isinstance(broken.error, RouteWrapperError)
    assert broken.error.extra == {"plugin": "faulty", "route": "notes.get"}
    assert f"(it {what.split(':')[0]})" in str(broken.error)
    assert answers == ["a note", "pong"]
    assert wrappers == ["counting"]
    assert counting.calls == 3
    (record,) = log.records
    assert record.getMessage().startswith(f"plugin 'faulty': hook oro_route_call(notes.get) {what}")


@pytest.mark.anyio
async def test_a_wrapper_refusing_with_an_ipc_error_stays_in_the_chain() -> None:
    class Gate:
        name = "gate"

        @hookimpl(wrapper=True)
        def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
            from oro_framework import NotAllowedError

            call = yield
            if route.name == "notes.get":
                raise NotAllowedError("closed", permission="runtime")
            return call

    async with make_host([oro_framework.core.ping, NOTES, Gate()]) as host:
        client = MemoryClient(host)
        refused = [(await client.call("notes.get")).error for _ in range(2)]
        assert host.hooks.route_wrappers() == ["gate"]
    assert [type(error).__name__ for error in refused] == ["NotAllowedError"] * 2


@pytest.mark.anyio
async def test_an_old_style_hookwrapper_is_refused_when_its_plugin_loads() -> None:
    class OldStyle:
        name = "old-style"

        @hookimpl(hookwrapper=True)
        def oro_route_call(self, request: Request, route: Route) -> Iterator[None]:
            yield

    with pytest.raises(PluginLoadError, match=r"oro_route_call must be a wrapper: @hookimpl\("):
        async with make_host([oro_framework.core.ping, OldStyle()]):
            pass


# -------------------------------------------------------------------------------------------------
# Hook names and arguments
# -------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_misspelled_hook_gets_a_did_you_mean() -> None:
    class Typo:
        name = "typo"

        @hookimpl
        def oro_register_route(self, routes: Any) -> None:
            """Misspelled: the hook is oro_register_routes."""

    with pytest.raises(PluginLoadError) as raised:
        async with make_host([Typo()]):
            pass
    assert raised.value.reason == (
        "unknown hook 'oro_register_route': no hookspec has that name; did you mean "
        "'oro_register_routes'?"
    )


@pytest.mark.anyio
async def test_a_wrong_argument_name_lists_the_hooks_arguments() -> None:
    class WrongArgument:
        name = "wrong-argument"

        @hookimpl
        def oro_register_routes(self, route: Any) -> None:
            """Wrong: the argument is ``routes``."""

    with pytest.raises(PluginLoadError) as raised:
        async with make_host([WrongArgument()]):
            pass
    assert raised.value.reason == (
        "invalid hook implementation: hook 'oro_register_routes' takes 'route', which its "
        "hookspec does not give; its arguments are: routes, host (any of them, by name)"
    )


def test_a_misspelled_declared_hook_gets_a_did_you_mean() -> None:
    with pytest.raises(ValueError, match=r"\(did you mean 'oro_page_closed'\?\)"):
        Plugin(hooks={"oro_page_close": "oro_notes.state:close"})


# -------------------------------------------------------------------------------------------------
# Installed plugins that do not load, through the real loader and oro
# -------------------------------------------------------------------------------------------------

SOURCES = {
    "clipnotes": "import oro_clipnotes_missing_dependency\n",
    "stuck": "import time\n\ntime.sleep(3600)\n",
    "typo": (
        "from oro_framework import hookimpl\n\n\n"
        "@hookimpl\ndef oro_register_route(routes):\n    pass\n"
    ),
}


def install(site: Path, name: str) -> None:
    """Install ``oro-<name>`` 0.1.0 into ``site`` as pip would: its package ``oro_<name>`` with
    :data:`SOURCES`'s module ``plugin``, and a ``.dist-info`` with the entry point."""
    package = f"oro_{name}"
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("", encoding="utf-8")
    (site / package / "plugin.py").write_text(SOURCES[name], encoding="utf-8")
    info = site / f"{package}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: oro-{name}\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[oro]\n{name} = {package}.plugin\n", encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Faults"\n', encoding="utf-8")
    (app / "index.html").write_text("<!doctype html><title>app</title>\n", encoding="utf-8")
    return app


def site_with(tmp_path: Path, *names: str) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    for name in names:
        install(site, name)
    return site


def environment(site: Path) -> dict[str, str]:
    # The test's own limit: a hung import is given up on in half a second.
    return headless_environ({"PYTHONPATH": str(site), "ORO_PLUGIN_IMPORT_TIMEOUT": "0.5"})


def oro(site: Path, app: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), *arguments],
        capture_output=True,
        text=True,
        env=environment(site),
        cwd=app,
        timeout=120,
        check=False,
    )


def test_a_broken_and_a_hung_plugin_are_skipped_and_their_routes_say_why(
    tmp_path: Path, app: Path
) -> None:
    site = site_with(tmp_path, "clipnotes", "stuck")
    with OroProcess(*run_arguments(app, "--headless"), environ=environment(site)) as process:
        url = process.launch_url()
        with httpx.Client(follow_redirects=True, timeout=30) as client:
            assert client.get(url).status_code == 200
            origin = url.split("/?", 1)[0]
            replies = {
                route: client.get(f"{origin}/ipc/{route}")
                for route in ("clipnotes.save", "stuck.anything", "ping", "nothing.here")
            }
        process.send_signal(signal.SIGTERM)
        assert process.wait() == 0
    warnings = [line for line in process.stderr().splitlines() if "skipping broken" in line]

    clipnotes, stuck = (
        replies[name].json()["err"] for name in ("clipnotes.save", "stuck.anything")
    )
    assert replies["clipnotes.save"].status_code == 503
    assert clipnotes["type"] == "ServiceUnavailableError"
    assert clipnotes["code"] == "ERR_PLUGIN_NOT_LOADED"
    assert clipnotes["plugin"] == "clipnotes"
    # The exception's type, not its text, which may hold anything: the log has that.
    assert clipnotes["message"] == (
        "Plugin 'clipnotes' is not loaded, so route 'clipnotes.save' is unavailable: import "
        "failed: ModuleNotFoundError (details in the host log)"
    )
    assert clipnotes["cause"] == "import failed: ModuleNotFoundError"
    assert stuck["plugin"] == "stuck"
    assert "import did not finish within 0.5 s" in stuck["message"]
    assert replies["ping"].json()["data"] == "pong"
    assert replies["nothing.here"].status_code == 404
    # Loud, once each, naming the plugin.
    assert len(warnings) == 2
    assert "'clipnotes = oro_clipnotes.plugin'" in warnings[0]
    assert "'stuck = oro_stuck.plugin'" in warnings[1]


def test_an_app_that_requires_a_broken_plugin_refuses_to_start_saying_so(
    tmp_path: Path, app: Path
) -> None:
    (app / "oro.toml").write_text(
        '[meta]\nname = "Faults"\n\n[plugins]\nrequire = ["clipnotes"]\n', encoding="utf-8"
    )

    completed = oro(site_with(tmp_path, "clipnotes"), app, "run", "--headless")

    assert completed.returncode == 1
    (line,) = completed.stderr.splitlines()
    assert line == (
        "Error: PluginLoadError: plugin entry point 'clipnotes = oro_clipnotes.plugin' from "
        "distribution 'oro-clipnotes': import failed: ModuleNotFoundError: No module named "
        "'oro_clipnotes_missing_dependency'; the app requires it ([plugins] require), so it "
        "does not start without it"
    )


def test_an_app_that_requires_a_plugin_not_installed_refuses_to_start(
    tmp_path: Path, app: Path
) -> None:
    (app / "oro.toml").write_text(
        '[meta]\nname = "Faults"\n\n[plugins]\nrequire = ["clipnote"]\n', encoding="utf-8"
    )

    completed = oro(site_with(tmp_path), app, "run", "--headless")

    assert completed.returncode == 1
    (line,) = completed.stderr.splitlines()
    assert line.startswith(
        "Error: PluginLoadError: plugin entry point 'clipnote': the app requires this plugin "
        "([plugins] require), and no installed and enabled plugin has that name"
    )


@pytest.mark.parametrize("command", ["run", "test"])
def test_strict_plugins_refuses_to_start_over_any_broken_plugin(
    tmp_path: Path, app: Path, command: str
) -> None:
    completed = oro(site_with(tmp_path, "clipnotes"), app, command, "--strict-plugins")

    assert completed.returncode == 1
    (line,) = completed.stderr.splitlines()
    assert line.startswith("Error: PluginLoadError: plugin entry point 'clipnotes = ")
    assert line.endswith("; --strict-plugins (plugins.strict) stops on any broken plugin")


def test_plugins_list_exits_1_and_plugins_info_says_why(tmp_path: Path, app: Path) -> None:
    site = site_with(tmp_path, "typo")

    listed = oro(site, app, "plugins", "list")
    info = oro(site, app, "plugins", "info", "typo")

    assert listed.returncode == 1
    lines = listed.stdout.splitlines()
    reason = (
        "unknown hook 'oro_register_route': no hookspec has that name; did you mean "
        "'oro_register_routes'?"
    )
    assert lines[lines.index("oro-typo 0.1.0 (typo)") + 1] == f"  error: {reason}"
    assert listed.stderr == ("error: 1 broken plugin: typo (oro plugins info NAME says why)\n")
    assert info.returncode == 1
    assert f"  error: {reason}" in info.stdout.splitlines()
