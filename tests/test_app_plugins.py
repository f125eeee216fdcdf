"""The app's own single-file plugins (``plugins/*.py``, ``[plugins] paths``): loaded as pytest
loads conftest.py, named after their files, checked as installed plugins are, and never taken
from outside the app's folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import oro_fs.plugin
import pytest
from _oro_process import OroProcess, headless_environ

import oro_framework.core.ping
from oro_framework import ConfigError, ErrnoError, Host, PluginLoadError
from oro_framework.build.freeze import stage_app
from oro_framework.build.launcher import PINNED_KEYS
from oro_framework.build.plan import plan_build
from oro_framework.host.app_backend import backend_imports_off
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio

CLIP = '''
    """Notes the app keeps for itself."""

    from oro_framework import hookimpl


    def add(request):
        return {"note": request.params.require_str("text"), "from": __name__}


    @hookimpl
    def oro_register_routes(routes):
        routes.add("clip.add", add, permission="runtime")
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def make_app(directory: Path, config: str = "", **files: str) -> Path:
    write(directory / "oro.toml", '[meta]\nname = "Notes"\n' + config)
    for name, text in files.items():
        write(directory / name, text)
    return directory


def route_plugin(route: str, answer: str) -> str:
    return f"""
        from oro_framework import hookimpl


        @hookimpl
        def oro_register_routes(routes):
            routes.add("{route}", lambda request: "{answer}", permission="runtime")
    """


async def test_a_file_in_plugins_serves_its_route_under_its_file_name(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", **{"plugins/clip.py": CLIP})
    async with make_host(app_dir=app) as host:
        reply = await MemoryClient(host).call("clip.add", text="milk")
        info = host.plugin_info("clip")
    assert raise_for_error(reply) == {"note": "milk", "from": "oro_app_plugin_clip"}
    assert (info.entry_point, info.distribution, info.error) == (
        "clip = plugins/clip.py",
        None,
        None,
    )
    assert info.hooks == ("oro_register_routes",)


async def test_an_app_plugin_is_reached_over_the_real_bridge(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", **{"plugins/clip.py": CLIP})
    async with (
        make_host(app_dir=app) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ipc/clip.add", params={"text": "eggs"})
    assert response.status_code == 200
    assert response.json()["data"] == {"note": "eggs", "from": "oro_app_plugin_clip"}


async def test_paths_name_files_and_folders_inside_the_app(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        '[plugins]\npaths = ["tools/extra.py", "more"]\n',
        **{
            "plugins/first.py": route_plugin("first.go", "1"),
            "tools/extra.py": route_plugin("extra.go", "2"),
            "more/third.py": route_plugin("third.go", "3"),
            "more/_helper.py": "raise RuntimeError('a helper is no plugin')\n",
        },
    )
    async with make_host(app_dir=app) as host:
        client = MemoryClient(host)
        answers = [
            raise_for_error(await client.call(f"{name}.go")) for name in ("first", "extra", "third")
        ]
        names = [
            info.name for info in host.plugins if info.module and info.module.startswith("oro_app")
        ]
    assert answers == ["1", "2", "3"]
    assert names == ["first", "extra", "third"]


@pytest.mark.parametrize("outside", ["../elsewhere.py", "/etc/hostname", "link.py"])
def test_a_path_outside_the_app_folder_is_refused(tmp_path: Path, outside: str) -> None:
    write(tmp_path / "elsewhere.py", route_plugin("elsewhere.go", "no"))
    app = make_app(tmp_path / "app", f'[plugins]\npaths = ["{outside}"]\n')
    (app / "link.py").symlink_to(tmp_path / "elsewhere.py")
    with pytest.raises(ConfigError, match=r"outside the app folder") as raised:
        Host(app, autoload=False, environ={})
    assert raised.value.key == "plugins.paths"
    assert str(raised.value).startswith("oro.toml:4: [plugins] paths names")


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ('"notes.txt"', "'notes.txt': no Python file or folder at "),
        ('"missing.py"', "'missing.py': no Python file or folder at "),
        ('"a\\u0000b.py"', "'a\\x00b.py': no Python file or folder"),
        (f'"{"x" * 5000}.py"', ": no Python file or folder"),
        ('""', "'': the app folder itself, whose Python files are its backend's"),
        ('"plugins/.."', "'plugins/..': the app folder itself"),
    ],
    ids=["text-file", "missing", "nul", "too-long", "empty", "app-folder"],
)
def test_a_path_that_is_no_plugin_file_or_folder_is_refused(
    tmp_path: Path, value: str, refusal: str
) -> None:
    app = make_app(tmp_path / "app", f"[plugins]\npaths = [{value}]\n", **{"notes.txt": "x"})
    with pytest.raises(ConfigError) as raised:
        Host(app, autoload=False, environ={})
    assert str(raised.value).startswith("oro.toml:4: [plugins] paths names ")
    assert refusal in str(raised.value)
    assert raised.value.key == "plugins.paths"


def test_a_misspelled_hook_is_refused_as_for_an_installed_plugin(tmp_path: Path) -> None:
    typo = """
        from oro_framework import hookimpl


        @hookimpl
        def oro_register_route(routes):
            pass
    """
    app = make_app(tmp_path / "app", **{"plugins/clip.py": typo})
    with pytest.raises(PluginLoadError, match=r"unknown hook") as raised:
        Host(app, autoload=False, environ={})
    assert raised.value.entry_point == "clip = plugins/clip.py"
    assert str(raised.value).startswith("plugin entry point 'clip = plugins/clip.py': ")


def test_a_file_that_does_not_import_is_named_or_skipped(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        **{"plugins/broken.py": "import not_a_module_anywhere\n", "plugins/clip.py": CLIP},
    )
    with pytest.raises(PluginLoadError, match=r"'broken = plugins/broken.py': import failed: "):
        Host(app, autoload=False, environ={})

    host = Host(app, autoload=False, environ={}, skip_broken_plugins=True)
    try:
        broken = host.plugin_info("broken")
        assert broken.error is not None
        assert broken.error.startswith("import failed: ModuleNotFoundError")
        assert "clip.add" in host.routes
    finally:
        host.close()


def test_a_plugin_named_like_an_installed_one_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", **{"plugins/ping.py": route_plugin("mine.ping", "x")})
    with pytest.raises(PluginLoadError, match=r"a plugin named 'ping' is already registered"):
        Host(app, plugins=[oro_framework.core.ping], autoload=False, environ={})


def test_disable_names_an_app_plugin_by_its_file_name(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        '[plugins]\ndisable = ["clip"]\n',
        **{"plugins/clip.py": "raise RuntimeError('disabled plugins are not imported')\n"},
    )
    host = Host(app, autoload=False, environ={})
    try:
        assert "clip" not in {info.name for info in host.plugins}
    finally:
        host.close()


def test_reading_an_app_never_runs_its_plugins(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    side_effect = f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"
    app = make_app(tmp_path / "app", **{"plugins/clip.py": side_effect})
    with backend_imports_off():
        host = Host(app, autoload=False, environ={})
    host.close()
    assert not marker.exists()
    assert "clip" not in {info.name for info in host.plugins}

    Host(app, autoload=False, environ={}).close()
    assert marker.exists()


@pytest.mark.parametrize("through", ["sandbox off", "a mount"])
async def test_a_page_can_neither_read_nor_plant_an_app_plugin(
    tmp_path: Path, through: str
) -> None:
    """A file a page wrote into plugins/ would run with the app at its next start."""
    app = make_app(tmp_path / "app", '[plugins]\npaths = ["tools"]\n', **{"plugins/clip.py": CLIP})
    (app / "tools").mkdir()
    config: dict[str, object] = (
        {"filesystem.sandbox_enabled": False}
        if through == "sandbox off"
        else {"filesystem.mounts.home": str(tmp_path)}
    )
    async with make_host([oro_fs.plugin], app_dir=app, config=config) as host:
        client = MemoryClient(host)
        read = await client.call("fs.readFile", path=str(app / "plugins" / "clip.py"))
        planted = [
            await client.call("fs.writeFile", b"import os\n", path=str(app / name))
            for name in ("plugins/evil.py", "tools/evil.py")
        ]
        listed = await client.call("fs.readdir", path=str(app / "tools"))
    for reply in (read, *planted, listed):
        assert isinstance(reply.error, ErrnoError)
        assert reply.error.code == "ENOENT"
    assert sorted(path.name for path in app.rglob("*.py")) == ["clip.py"]


def test_a_build_ships_the_apps_plugins_where_the_built_app_finds_them(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        '[plugins]\npaths = ["tools/extra.py"]\n',
        **{
            "index.html": "<!doctype html>\n",
            "plugins/clip.py": "import json\n" + textwrap.dedent(CLIP),
            "tools/extra.py": route_plugin("extra.go", "2"),
        },
    )
    plan = plan_build(app)
    staged = stage_app(plan, tmp_path / "stage", skipped=[])
    assert plan.app_plugins == (Path("plugins/clip.py"), Path("tools/extra.py"))
    assert "json" in plan.app_plugin_imports
    built = Host(staged, autoload=False, environ={})
    try:
        assert {"clip.add", "extra.go"} <= {route.name for route in built.routes}
    finally:
        built.close()
    assert "plugins.paths" in PINNED_KEYS


DECLARED = """
    from oro_framework import Plugin, RouteGroup


    def hello(request):
        return "hi"


    ROUTES = RouteGroup(permission="runtime", doc="Notes.", handlers={"notes.hello": hello})
    plugin = Plugin(api=1, routes=[f"{__name__}:ROUTES"], js_modules="notes-js")
"""


async def test_a_declared_single_file_plugin_has_its_routes_and_js_modules(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        **{
            "plugins/notes.py": DECLARED,
            "plugins/notes-js/notes.js": "export const hello = 1\n",
            "plugins/notes-js/notes.d.ts": "// @module oro:notes\nexport const hello: number\n",
        },
    )
    async with make_host(app_dir=app) as host:
        reply = await MemoryClient(host).call("notes.hello")
        module = host.js_modules.get("oro:notes")
    assert raise_for_error(reply) == "hi"
    assert module is not None
    assert module.plugin == "notes"
    assert module.path == (app / "plugins" / "notes-js" / "notes.js").resolve()


def test_oro_dev_restarts_the_host_when_an_app_plugin_changes(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "app",
        **{"index.html": "<!doctype html>\n", "plugins/clip.py": route_plugin("clip.v", "1")},
    )
    with OroProcess("dev", str(app), "--headless", environ=headless_environ()) as process:
        process.wait_for_line(r"^oro: serving ")
        write(app / "plugins" / "clip.py", route_plugin("clip.v", "2"))
        process.wait_for_line(r"^oro dev: plugins/clip\.py changed; restarting the host$")
        process.wait_for_line(r"^oro: serving ")
