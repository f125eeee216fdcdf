"""What loading the plugins imports (issue 55, item 1: import nothing a command does not use).

Every ``oro`` command loads each plugin's entry module to collect its hooks, ``oro --help`` too:
an entry module (``oro_fs.plugin``) imports ``hookimpl`` and nothing else of its package, and
each hook imports its routes, state, settings or service when the host calls it. ``oro run``
then builds the host, which imports the routes, but not what only a page's request needs
(httpx for an AI upstream, cryptography for a TLS certificate, watchfiles for fs.watch).

Moving the imports into the hooks must not change what the host serves: every route each
plugin's route groups declare is registered, under its group's permission, and nothing else.

The import checks run in a fresh interpreter, as a command would: this one has imported
everything already.
"""

from __future__ import annotations

import importlib
import json
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import httpx
import pytest

from oro_framework import Host, RouteGroup
from oro_framework.testing.process import OroProcess, headless_environ

CORE_DISTRIBUTION = "oro-framework"

# Third-party libraries (and host layers) that cost milliseconds each to import: no plugin's
# entry module may import them, whatever its hooks later need.
HEAVY_FOR_ENTRY_MODULES = (
    "anyio",
    "click",
    "cryptography",
    "httpx",
    "httpx_sse",
    "jeepney",
    "llama_cpp",
    "multiprocessing",
    "numpy",
    "psutil",
    "pygments",
    "rich",
    "sqlite3",
    "tomlkit",
    "trio",
    "watchfiles",
    "oro_framework.host.app",
    "oro_framework.host.config",
    "oro_framework.host.router",
)

# Imported only when a page's request needs them, never by building (and so running) a host
# and its web server: wsproto with the first WebSocket (the Conduit's or the bridge's), oro-ai's
# OpenAI-compatible app (its payloads, generation and forwarding) with its first request.
IMPORTED_ON_FIRST_USE = (
    "cryptography",
    "httpx",
    "httpx_sse",
    "oro_ai.api",
    "oro_ai.local_answers",
    "oro_ai.generation",
    "oro_ai.openai_payloads",
    "pygments",
    "rich",
    "watchfiles",
    "wsproto",
)

# Neither: what an error's hint (difflib), a protocol handler's page (html, whose entities are
# a large table), a conditional request (the email package's date parser) or D-Bus (jeepney, for
# a position, a secret, a menu or a notification) needs is not imported by a launch, its first
# page served included (each costs milliseconds of every launch).
NOT_IMPORTED_BY_THE_FIRST_PAGE = (*IMPORTED_ON_FIRST_USE, "difflib", "email", "html", "jeepney")

# `oro run` in a fresh interpreter; what it had imported when it ended, on stderr.
RUN_THEN_PRINT_MODULES = textwrap.dedent(
    """\
    import atexit, json, sys
    from oro_framework.cli import main
    atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
    main(sys.argv[1:])
    """
)

# The modules that hold each plugin's route groups (RouteGroup objects, or tuples of them).
ROUTE_MODULES: dict[str, tuple[str, ...]] = {
    "ai": ("oro_ai.routes",),
    "child_process": ("oro_process.routes", "oro_process.backend_routes"),
    "conduit": ("oro_conduit.routes",),
    "desktop": (
        "oro_desktop.routes",
        "oro_desktop.geolocation",
        "oro_desktop.network_status",
    ),
    "dns": ("oro_dns.routes",),
    "fs": ("oro_fs.routes",),
    "mcp": ("oro_mcp.routes",),
    "secure-storage": ("oro_secure_storage.routes",),
    "sqlite": ("oro_sqlite.routes",),
    "sw": ("oro_sw.routes",),
    "tls": ("oro_tls.routes",),
    "udp": ("oro_udp.routes",),
    "zlib": ("oro_zlib.routes", "oro_zlib.tar.routes"),
}

# Permissions a plugin declares beyond its route groups' (oro-ai's upstream forwarding), and
# route groups guarded by a permission of the host's (oro-desktop's geolocation).
EXTRA_PERMISSIONS: dict[str, set[str]] = {"ai": {"ai_upstream"}}
HOST_PERMISSIONS = {"geolocation"}


def _plugin_entry_points() -> dict[str, str]:
    """Every installed plugin's entry module by plugin name, the host's own core plugins aside
    (they are the host: they load with it)."""
    return {
        entry.name: entry.module
        for entry in entry_points(group="oro")
        if entry.dist is None or entry.dist.metadata["Name"] != CORE_DISTRIBUTION
    }


def _run_python(script: str, cwd: Path) -> Any:
    """Run ``script`` in a fresh interpreter; what it printed, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _is_within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in packages)


def test_every_plugin_of_the_repository_is_installed_and_checked() -> None:
    # The checks below go over the installed entry points: one missing would pass unseen.
    assert set(ROUTE_MODULES) <= set(_plugin_entry_points())


def test_a_plugins_entry_module_imports_nothing_its_hooks_import(tmp_path: Path) -> None:
    modules = _plugin_entry_points()
    imported: dict[str, list[str]] = _run_python(
        f"""
        import json, pathlib, sys
        import oro_framework.hookspecs  # what every command has imported to load plugins

        found = {{}}
        for name, module in {sorted(modules.items())!r}:
            before = set(sys.modules)
            __import__(module)
            found[name] = sorted(set(sys.modules) - before)
        print(json.dumps(found))
        """,
        tmp_path,
    )
    for name, module in modules.items():
        package = module.split(".", 1)[0]
        heavy = [found for found in imported[name] if _is_within(found, HEAVY_FOR_ENTRY_MODULES)]
        assert heavy == [], f"loading plugin {name} ({module}) imported {heavy}"
        own = [found for found in imported[name] if _is_within(found, (package,))]
        assert set(own) <= {package, module}, f"loading plugin {name} imported {own}"


def test_loading_the_core_plugins_leaves_psutil_and_sqlite3_for_the_first_page(
    tmp_path: Path,
) -> None:
    # Every command loads the host's own plugins too; only a page's os.cpus(),
    # process.memoryUsage(), the runtime facts of its first load... read psutil or sqlite3.
    modules = sorted(
        entry.module
        for entry in entry_points(group="oro")
        if entry.dist is not None and entry.dist.metadata["Name"] == CORE_DISTRIBUTION
    )
    assert modules
    imported: list[str] = _run_python(
        f"""
        import json, sys
        for module in {modules!r}:
            __import__(module)
        print(json.dumps(sorted(sys.modules)))
        """,
        tmp_path,
    )
    assert [name for name in imported if _is_within(name, ("psutil", "sqlite3"))] == []


def test_a_plugins_commands_are_listed_without_importing_the_host(tmp_path: Path) -> None:
    # `oro --help` lists every plugin's commands (oro_register_commands): its group, not what
    # the commands do once run (a host, the keyring's D-Bus client...).
    modules = _plugin_entry_points()
    found: dict[str, list[Any]] = _run_python(
        f"""
        import json, sys
        import click
        import oro_framework.hookspecs

        found = {{}}
        for name, module in {sorted(modules.items())!r}:
            entry = __import__(module, fromlist=["_"])
            register = getattr(entry, "oro_register_commands", None)
            if register is None:
                continue
            group = click.Group("oro")
            before = set(sys.modules)
            register(cli=group)
            found[name] = [sorted(group.commands), sorted(set(sys.modules) - before)]
        print(json.dumps(found))
        """,
        tmp_path,
    )
    assert found, "no plugin adds a command: nothing was checked"
    for name, (commands, imported) in found.items():
        assert commands, f"plugin {name} added no command"
        heavy = [module for module in imported if _is_within(module, HEAVY_FOR_ENTRY_MODULES)]
        assert heavy == [], f"listing plugin {name}'s commands imported {heavy}"


def test_building_the_host_leaves_what_only_a_page_needs_unimported(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Imports"\nbundle_identifier = "dev.oro.imp"\n')
    found: dict[str, Any] = _run_python(
        f"""
        import json, sys
        from pathlib import Path
        from oro_framework import Host
        import oro_framework.web.server

        host = Host(Path({str(app)!r}), paths_root=Path({str(tmp_path / "paths")!r}))
        routes = len(host.routes)
        host.close()
        print(json.dumps({{"routes": routes, "modules": sorted(sys.modules)}}))
        """,
        tmp_path,
    )
    assert found["routes"] > 0  # the plugins were loaded and their routes registered
    loaded = [name for name in found["modules"] if _is_within(name, IMPORTED_ON_FIRST_USE)]
    assert loaded == []


def test_a_launch_serves_its_first_page_without_what_only_a_later_call_needs(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "First"\nbundle_identifier = "dev.oro.first"\n')
    (app / "index.html").write_text("<!doctype html><title>first</title><p>first")
    (app / "app.css").write_text("p { color: teal }")
    with OroProcess(
        "-c",
        RUN_THEN_PRINT_MODULES,
        "run",
        str(app),
        "--headless",
        "--port",
        "0",
        executable=Path(sys.executable),
        environ=headless_environ({"HOME": str(tmp_path / "home")}),
        cwd=tmp_path,
    ) as run:
        with httpx.Client(follow_redirects=True, timeout=60) as client:
            page = client.get(run.launch_url())
            style = client.get(str(page.url.join("/app.css")))
        assert page.status_code == 200
        assert "<p>first" in page.text  # the page, its runtime's arguments written into it
        assert style.status_code == 200
        assert style.headers["last-modified"].endswith(" GMT")  # a file's date, email-free
        run.send_signal(signal.SIGTERM)
        assert run.wait() == 0
        loaded = set(json.loads(run.stderr().splitlines()[-1]))
    assert "oro_desktop.geolocation" in loaded  # the plugins were configured
    found = sorted(name for name in loaded if _is_within(name, NOT_IMPORTED_BY_THE_FIRST_PAGE))
    if "importlib.metadata" in loaded:
        # What is installed was read again (a distribution changed in the last seconds, see
        # host/installed.py): importlib.metadata brings the email package with it.
        found = [name for name in found if not _is_within(name, ("email",))]
    assert found == []


def _groups(value: object) -> Iterator[RouteGroup]:
    if isinstance(value, RouteGroup):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _groups(item)


def _declared_groups(plugin: str) -> dict[int, RouteGroup]:
    """The route groups the plugin's route modules hold, by identity."""
    groups: dict[int, RouteGroup] = {}
    for module_name in ROUTE_MODULES[plugin]:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            for group in _groups(value):
                groups[id(group)] = group
    return groups


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    app = tmp_path_factory.mktemp("app")
    (app / "oro.toml").write_text('[meta]\nname = "Routes"\nbundle_identifier = "dev.oro.routes"\n')
    built = Host(app, paths_root=tmp_path_factory.mktemp("paths"), environ={})
    yield built
    built.close()


@pytest.mark.parametrize("plugin", sorted(ROUTE_MODULES))
def test_the_host_serves_exactly_the_routes_a_plugins_groups_declare(
    host: Host, plugin: str
) -> None:
    groups = _declared_groups(plugin).values()
    declared = {name: group.permission for group in groups for name in group.handlers}
    registered = {route.name: route.permission for route in host.routes if route.plugin == plugin}
    assert registered == declared
    permissions = {
        permission.name for permission in host.permissions if permission.plugin == plugin
    }
    expected = {group.permission for group in groups} - HOST_PERMISSIONS
    assert permissions == expected | EXTRA_PERMISSIONS.get(plugin, set())
    for name in expected:
        assert host.permissions.owner(name) == plugin


@pytest.mark.parametrize("plugin", sorted(ROUTE_MODULES))
def test_a_plugins_js_modules_are_registered_from_its_js_directory(host: Host, plugin: str) -> None:
    entry = importlib.import_module(_plugin_entry_points()[plugin])
    directory = Path(entry.__file__).parent / "js"
    modules = [module for module in host.js_modules if module.plugin == plugin]
    on_disk = {path for path in directory.rglob("*.js")}
    assert modules, f"plugin {plugin} registered no JS module"
    assert {module.path for module in modules} <= on_disk
