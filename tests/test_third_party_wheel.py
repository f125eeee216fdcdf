"""A plugin written outside the project as the guide writes one, built into a wheel by its build
backend and installed from that wheel: ``oro plugins list`` lists it, the test kit loads it through
its entry point, and in a real page it answers its routes, emits from a plain ``def`` handler's
thread to the listening page and serves its own URL scheme, beside another installed plugin
whose route wrapper forgets ``return``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from oro_framework import PluginLoadError
from oro_framework.testing import ServedApp, app_page, installed_plugin, served_app

ORO = Path(sys.executable).with_name("oro")

KV = '''"""oro-kv: a key/value store, with its own kv: URLs."""

from oro_framework import Plugin, Request, SchemeRequest, SchemeResponse, hookimpl

plugin = Plugin(api=1, events=[".plugin:CHANGED"], schemes={"kv": ".plugin:serve"})

CHANGED = "kv.changed"
STORE: dict[str, str] = {}


def put(request: Request) -> str:
    """Store a value (a plain def: it runs in a worker thread, and emits from there)."""
    key, value = request.params.require_str("key"), request.params.require_str("value")
    STORE[key] = value
    request.host.emit(CHANGED, {"key": key, "value": value}, window=request.window)
    return "stored"


async def serve(request: SchemeRequest) -> SchemeResponse:
    """kv:<key>: the value as text."""
    return SchemeResponse(STORE.get(request.path.strip("/"), "").encode())


@hookimpl
def oro_register_routes(routes) -> None:
    routes.add("kv.put", put, permission="runtime")
'''

CLUMSY = '''"""oro-clumsy: a route wrapper that forgets to return the call."""

from oro_framework import hookimpl

ORO_PLUGIN_API = 1


@hookimpl(wrapper=True)
def oro_route_call(request, route):
    yield
'''


STORE = KV.replace(', schemes={"kv": ".plugin:serve"}', "").replace('"kv.', '"store.')
"""oro-kv without its URL scheme, which no isolated plugin may serve (a scheme is served by the
host's engines): the same route and event under its own names, built and installed the same
way, to run in a process of its own."""


def _project(root: Path, name: str, source: str) -> Path:
    project = root / f"oro-{name}"
    package = project / "src" / f"oro_{name}"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "plugin.py").write_text(source, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        f"""[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[project]
name = "oro-{name}"
version = "0.1.0"
dependencies = ["oro-framework>=0.1,<0.2"]

[project.entry-points.oro]
{name} = "oro_{name}.plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/oro_{name}"]
""",
        encoding="utf-8",
    )
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugins built into wheels (python -m build, no isolation: hatchling is installed)
    and unpacked into a folder, as an installer puts a pure wheel into site-packages."""
    root = tmp_path_factory.mktemp("third-party")
    site = root / "site"
    for name, source in (("kv", KV), ("clumsy", CLUMSY), ("store", STORE)):
        project = _project(root, name, source)
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", "dist"],
            cwd=project,
            check=True,
            capture_output=True,
            timeout=300,
        )
        (wheel,) = (project / "dist").glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    return site


def test_oro_plugins_list_shows_the_installed_wheels(site: Path, tmp_path: Path) -> None:
    listed = subprocess.run(
        [str(ORO), "plugins", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert "oro-kv" in listed.stdout
    assert "oro-clumsy" in listed.stdout


@pytest.fixture(scope="module")
def app(site: Path) -> Iterator[ServedApp]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        plugins = [installed_plugin("kv"), installed_plugin("clumsy")]
        with served_app(plugins) as served:
            yield served


USE_THE_STORE = """async () => {
    const { request } = await import('oro:ipc')
    const calls = []
    for (const [key, value] of [['a', 'one'], ['b', 'two'], ['c', 'three']]) {
        calls.push(await request('kv.put', { key, value }).then(
            (data) => ({ data }),
            (error) => ({ name: error.name, message: error.message }),
        ))
    }
    const received = new Promise((resolve) => {
        globalThis.addEventListener('kv.changed', (event) => resolve(event.detail), { once: true })
    })
    calls.push(await request('kv.put', { key: 'd', value: 'four' }))
    const event = await received
    const text = await (await fetch('kv:d')).text()
    return { calls, event, text }
}"""


def test_the_installed_plugin_answers_emits_from_a_thread_and_serves_its_scheme(
    chromium_browser: Browser, app: ServedApp, caplog: pytest.LogCaptureFixture
) -> None:
    with app_page(chromium_browser, app) as page:
        result = page.evaluate(USE_THE_STORE)
    taken_out = [
        record.getMessage()
        for record in caplog.records
        if "taken out of the chain" in record.getMessage()
    ]
    assert len(taken_out) == 1
    assert taken_out[0].startswith("plugin 'clumsy'")
    calls = result["calls"]
    # The clumsy wrapper fails once (on this page's first call through the chain, perhaps
    # before ours), is named, and is taken out: every later call answers.
    failed = [call for call in calls if "data" not in call and call != "stored"]
    assert len(failed) <= 1
    for call in failed:
        assert "clumsy" in call["message"]
    assert calls[-1] == "stored"
    assert calls[1:3] == [{"data": "stored"}, {"data": "stored"}]
    assert result["event"] == {"key": "d", "value": "four"}
    assert result["text"] == "four"


USE_THE_STORE_ISOLATED = """async () => {
    const { request } = await import('oro:ipc')
    const received = new Promise((resolve) => {
        globalThis.addEventListener('store.changed', (e) => resolve(e.detail), { once: true })
    })
    const stored = await request('store.put', { key: 'e', value: 'five' })
    const refused = await request('store.put', { key: 'e' }).then(
        () => null, (error) => ({ name: error.name, code: error.code }))
    return { stored, refused, event: await received }
}"""


def test_the_installed_plugin_runs_isolated_over_http(
    site: Path, chromium_browser: Browser
) -> None:
    """The wheel's plugin in a process of its own (``[plugins] isolate``): a page calls its
    routes over the bridge's HTTP transport and gets what the plugin emits from its handler's
    thread, as in process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        plugins = [installed_plugin("store")]
        with served_app(plugins, config={"plugins.isolate": ["store"]}) as served:
            assert served.host.plugin_info("store").isolated
            assert served.transport == "fetch"
            with app_page(chromium_browser, served) as page:
                result = page.evaluate(USE_THE_STORE_ISOLATED)
    assert result == {
        "stored": "stored",
        "refused": {"name": "TypeError", "code": "ERR_MISSING_ARGS"},
        "event": {"key": "e", "value": "five"},
    }


def test_the_installed_plugin_with_a_scheme_is_refused_isolation(site: Path) -> None:
    """oro-kv serves a URL scheme: isolating it is refused at start, naming the hook and the
    way out, rather than leaving its pages without their ``kv:`` URLs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        plugins = [installed_plugin("kv")]
        with (
            pytest.raises(PluginLoadError, match="oro_register_schemes") as refused,
            served_app(plugins, config={"plugins.isolate": ["kv"]}),
        ):
            pass
    assert "take it out of [plugins] isolate" in str(refused.value)
