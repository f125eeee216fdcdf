"""A plugin declared as data (:class:`oro_framework.Plugin`): what it names is registered, loaded
only when a host needs it, made per host and dropped when the host closes; what the module
implements beside it runs too; a mistake is named when the entry module loads."""

from __future__ import annotations

import importlib
import inspect
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from oro_framework import Host, Plugin, PluginLoadError, PluginService, hookspecs
from oro_framework.host.declaration import _SHAPES, NOTIFICATIONS
from oro_framework.host.plugins import create_plugin_manager

PACKAGE = "declared_demo"
NAME = f"{PACKAGE}.plugin"
"""The plugin's name: handed over as a module, it has no entry point to name it."""

FILES = {
    "__init__.py": "",
    "permissions.py": """
        from oro_framework import PermissionSpec

        DEMO = PermissionSpec("demo", "The demo's routes.")
    """,
    "settings.py": """
        from dataclasses import dataclass

        from oro_framework import setting

        @dataclass(frozen=True)
        class DemoSettings:
            greeting: str = setting("hello", "What demo.greet answers.")
    """,
    "routes.py": """
        from oro_framework import RouteGroup

        from declared_demo.permissions import DEMO
        from declared_demo.state import STATE

        async def greet(request):
            return request.host.stash[STATE].settings.greeting

        ROUTES = RouteGroup.guarded(DEMO, handlers={"demo.greet": greet})
    """,
    "state.py": """
        from oro_framework import StashKey

        from declared_demo.settings import DemoSettings

        EVENT = "demo.changed"
        SERVICE = "demo.watcher"
        CLOSED = []

        class DemoState:
            def __init__(self, host):
                self.settings = host.settings(DemoSettings)
                self.closed_windows = []

            async def run(self, *, task_status):
                task_status.started()

            def page_closed(self, window):
                self.closed_windows.append(window)

            def diagnostics(self, window):
                return {"window": window, "greeting": self.settings.greeting}

            def close(self):
                CLOSED.append(self)

        STATE = StashKey[DemoState]("demo")
    """,
    "js/demo.js": "export const demo = 1\n",
    "js/demo.d.ts": "/** @module oro:demo */\nexport const demo: number\n",
}

ENTRY = """
    from oro_framework import Plugin, PluginService, hookimpl

    CONFIGURED = []

    plugin = Plugin(
        permissions=".permissions:DEMO",
        settings={"demo": ".settings:DemoSettings"},
        state={".state:STATE": ".state:DemoState"},
        routes=".routes:ROUTES",
        js_modules="js",
        events=".state:EVENT",
        services=PluginService(".state:SERVICE", ".state:STATE.run", doc="Watches."),
        hooks={
            "oro_page_closed": ".state:STATE.page_closed",
            "oro_diagnostics": ".state:STATE.diagnostics",
            "oro_unconfigure": ".state:STATE.close",
        },
    )
"""

OWN_CONFIGURE = """

    @hookimpl
    def oro_configure(host):
        from declared_demo.state import STATE

        # The declared state is made first: the module's own hook finds it.
        CONFIGURED.append(host.stash[STATE].settings.greeting)
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo package, importable, written to ``tmp_path``; forgotten after the test."""
    root = tmp_path / PACKAGE
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _entry(package: Path, text: str) -> ModuleType:
    (package / "plugin.py").write_text(textwrap.dedent(text), encoding="utf-8")
    importlib.invalidate_caches()
    return importlib.import_module(f"{PACKAGE}.plugin")


def test_loading_the_entry_module_imports_none_of_the_parts(package: Path) -> None:
    entry = _entry(package, ENTRY)

    loaded = create_plugin_manager(autoload=False, plugins=[entry])

    assert loaded.errors == []
    assert sorted(name for name in sys.modules if name.startswith(f"{PACKAGE}.")) == [
        f"{PACKAGE}.plugin"
    ]
    (info,) = [info for info in loaded.infos if info.module == f"{PACKAGE}.plugin"]
    assert {"oro_register_routes", "oro_page_closed"} <= set(info.hooks)


def test_a_host_registers_what_the_declaration_names_and_drops_its_state(
    package: Path, tmp_path: Path
) -> None:
    entry = _entry(package, ENTRY + OWN_CONFIGURE)
    state_module = importlib.import_module(f"{PACKAGE}.state")
    host = Host(
        plugins=[entry],
        autoload=False,
        data_dir=tmp_path / "data",
        environ={"ORO_DEMO_GREETING": "hi"},
    )

    state = host.stash[state_module.STATE]
    assert entry.CONFIGURED == ["hi"]
    assert {(route.name, route.permission, route.plugin) for route in host.routes} >= {
        ("demo.greet", "demo", NAME)
    }
    assert host.permissions.owner("demo") == NAME
    assert [module.specifier for module in host.js_modules if module.plugin == NAME] == ["oro:demo"]
    assert host.events.declared.reserving("demo.changed").plugin == NAME  # type: ignore[union-attr]
    assert (NAME, "demo.watcher") in {(service.plugin, service.name) for service in host.services}
    assert host.hooks.diagnostics(host, window=3)[NAME] == {
        "window": 3,
        "greeting": "hi",
    }
    host.hooks.page_closed(host, 7)
    assert state.closed_windows == [7]

    host.close()

    assert [state] == state_module.CLOSED
    assert host.stash.get(state_module.STATE) is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"routes": "declared_demo.routes.ROUTES"}, "is no reference"),
        ({"routes": ["declared_demo.routes:"]}, "is no reference"),
        ({"settings": {"demo": 3}}, "is no reference"),
        ({"hooks": {"oro_route_call": ".x:y"}}, "cannot be declared"),
    ],
)
def test_a_malformed_declaration_is_refused_where_it_is_written(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Plugin(**arguments)  # type: ignore[arg-type]


def test_a_reference_to_nothing_breaks_the_plugin_naming_the_hook(
    package: Path, tmp_path: Path
) -> None:
    entry = _entry(package, ENTRY.replace(".routes:ROUTES", ".routes:MISSING"))

    with pytest.raises(PluginLoadError, match=r"oro_register_routes.*MISSING"):
        Host(plugins=[entry], autoload=False, data_dir=tmp_path / "data")


def test_a_wrapper_on_a_declared_hook_is_refused_when_the_plugin_loads(package: Path) -> None:
    entry = _entry(
        package,
        ENTRY
        + """

    @hookimpl(wrapper=True)
    def oro_register_routes(routes):
        return (yield)
""",
    )

    loaded = create_plugin_manager(autoload=False, plugins=[entry], strict=False)

    (error,) = loaded.errors
    assert "oro_register_routes" in str(error)
    assert "wrapper" in str(error)


def test_a_declared_answer_and_the_modules_own_cannot_both_answer(package: Path) -> None:
    entry = _entry(
        package,
        ENTRY
        + """

    @hookimpl
    def oro_diagnostics(host):
        return {}
""",
    )

    loaded = create_plugin_manager(autoload=False, plugins=[entry], strict=False)

    (error,) = loaded.errors
    assert "oro_diagnostics" in str(error)
    assert "one place" in str(error)


def test_a_service_declared_alone_takes_the_plain_name() -> None:
    service = PluginService("demo.ticks", ".state:STATE.run", doc="Ticks.")

    declaration = Plugin(services=service)

    assert declaration.services == (service,)


def test_each_hook_made_from_a_declaration_takes_the_arguments_its_spec_names() -> None:
    """The shapes are written out (pluggy reads an implementation's parameters from its code):
    each must name exactly the arguments of its hook's specification."""
    for name, maker in _SHAPES.items():
        made = maker(lambda **given: given)
        spec = getattr(hookspecs, name)
        assert list(inspect.signature(made).parameters) == list(
            inspect.signature(spec).parameters
        ), name
    assert set(_SHAPES) >= NOTIFICATIONS
