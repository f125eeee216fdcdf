"""Finding, loading and validating plugins; one plugin manager per host."""

from __future__ import annotations

import logging
import types
from pathlib import Path
from typing import Any

import hypothesis
import pluggy
import pytest
from hypothesis import strategies as st

import oro_framework.core.ping
from oro_framework import Host, PluginLoadError, RouteTable, hookimpl, hookspecs
from oro_framework.host.plugins import create_plugin_manager, discover

CORE_PLUGINS = {"ping", "platform", "os", "diagnostics", "permissions", "application"}


class Greeter:
    name = "greeter"

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def hello(request: Any) -> str:
            return "hello"

        routes.add("greeter.hello", hello, permission="runtime")

    @hookimpl
    def oro_diagnostics(self) -> dict[str, Any]:
        return {}


class Misspelled:
    name = "misspelled"

    @hookimpl
    def oro_register_route(self, routes: RouteTable) -> None:
        """Singular: not a hook."""


class AsyncHook:
    name = "async-hook"

    @hookimpl
    async def oro_register_routes(self, routes: RouteTable) -> None:
        """Hooks must be synchronous."""


class Named:
    def __init__(self, name: str) -> None:
        self.name = name

    @hookimpl
    def oro_configure(self) -> None:
        """Does nothing."""


# -------------------------------------------------------------------------------------------------
# create_plugin_manager
# -------------------------------------------------------------------------------------------------


def test_explicit_plugins_are_registered_after_the_builtin_one() -> None:
    loaded = create_plugin_manager(autoload=False, plugins=[Greeter(), Named("second")])

    assert [info.name for info in loaded.infos] == ["oro", "greeter", "second"]
    assert loaded.manager.get_plugin("greeter") is not None
    assert loaded.errors == []


def test_plugin_info_lists_the_hooks_a_plugin_implements() -> None:
    loaded = create_plugin_manager(autoload=False, plugins=[Greeter()])

    (info,) = [info for info in loaded.infos if info.name == "greeter"]
    assert info.hooks == ("oro_diagnostics", "oro_register_routes")
    assert info.to_json()["hooks"] == ["oro_diagnostics", "oro_register_routes"]
    assert info.error is None


def test_builtin_plugin_is_core() -> None:
    loaded = create_plugin_manager(autoload=False)

    (info,) = loaded.infos
    assert info.name == "oro"
    assert info.is_core


def test_misspelled_hook_is_plugin_load_error_naming_it() -> None:
    with pytest.raises(PluginLoadError, match="unknown hook") as raised:
        create_plugin_manager(autoload=False, plugins=[Misspelled()])

    assert "oro_register_route" in str(raised.value)
    assert raised.value.entry_point == "misspelled"


def test_async_hook_is_plugin_load_error() -> None:
    with pytest.raises(PluginLoadError, match="'oro_register_routes' is 'async def'"):
        create_plugin_manager(autoload=False, plugins=[AsyncHook()])


def test_two_plugins_with_one_name_is_plugin_load_error() -> None:
    with pytest.raises(PluginLoadError, match="a plugin named 'twin' is already registered"):
        create_plugin_manager(autoload=False, plugins=[Named("twin"), Named("twin")])


def test_non_strict_loading_records_the_error_and_loads_the_others() -> None:
    loaded = create_plugin_manager(
        autoload=False, plugins=[Misspelled(), AsyncHook(), Greeter()], strict=False
    )

    by_name = {info.name: info for info in loaded.infos}
    assert by_name["misspelled"].error is not None
    assert "unknown hook" in by_name["misspelled"].error
    assert by_name["async-hook"].error is not None
    assert by_name["greeter"].error is None
    assert [error.entry_point for error in loaded.errors] == ["misspelled", "async-hook"]
    assert loaded.manager.get_plugin("misspelled") is None
    assert loaded.manager.get_plugin("greeter") is not None


def test_explicit_core_module_is_described_by_its_entry_point() -> None:
    loaded = create_plugin_manager(autoload=False, plugins=[oro_framework.core.ping])

    info = loaded.infos[-1]
    assert info.name == "ping"
    assert info.distribution == "oro-framework"
    assert info.entry_point == "ping = oro_framework.core.ping"
    assert info.is_core


def test_trace_plugins_writes_hook_calls_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = Host(tmp_path, autoload=False, plugins=[Greeter()], environ={"ORO_TRACE_PLUGINS": "1"})
    host.close()

    lines = capsys.readouterr().err.splitlines()
    assert f"oro-trace: registered greeter (-) from {Greeter.__module__}" in lines
    hooks = [line.rsplit(" ", 2)[0] for line in lines if line.endswith(" ms")]
    assert "oro-trace: oro_register_permissions oro" in hooks
    assert "oro-trace: oro_register_routes greeter" in hooks


def test_without_trace_plugins_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = Host(tmp_path, autoload=False, plugins=[Greeter()], environ={})
    host.close()

    assert capsys.readouterr().err == ""


# -------------------------------------------------------------------------------------------------
# Discovery through the real installed entry points
# -------------------------------------------------------------------------------------------------


def discovered(environ: dict[str, str]) -> set[str]:
    return {entry_point.name for entry_point in discover(environ)}


def test_discover_finds_the_core_entry_points() -> None:
    entry_points = [ep for ep in discover({}) if ep.name in CORE_PLUGINS]

    assert {ep.name for ep in entry_points} == CORE_PLUGINS
    assert {ep.distribution for ep in entry_points} == {"oro-framework"}


def test_disable_plugins_drops_the_named_entry_point() -> None:
    assert discovered({"ORO_DISABLE_PLUGINS": "ping"}) == discovered({}) - {"ping"}


def test_disable_plugins_accepts_several_names_with_spaces() -> None:
    assert discovered({"ORO_DISABLE_PLUGINS": " ping , os"}) == discovered({}) - {"ping", "os"}


def test_disable_plugins_by_distribution_drops_all_of_it() -> None:
    assert not discovered({"ORO_DISABLE_PLUGINS": "oro-framework"}) & CORE_PLUGINS


@pytest.mark.parametrize("value", ["", "some-third-party", "ping"])
def test_load_plugins_never_drops_core_plugins(value: str) -> None:
    assert discovered({"ORO_LOAD_PLUGINS": value}) >= CORE_PLUGINS


def test_load_plugins_does_not_override_disable_plugins() -> None:
    names = discovered({"ORO_LOAD_PLUGINS": "ping", "ORO_DISABLE_PLUGINS": "ping"})

    assert "ping" not in names


def test_discover_is_sorted_by_distribution_then_name() -> None:
    entry_points = discover({})

    keys = [(ep.distribution or "", ep.name) for ep in entry_points]
    assert keys == sorted(keys)


# -------------------------------------------------------------------------------------------------
# The host's plugin loading
# -------------------------------------------------------------------------------------------------


def test_plugins_disable_in_oro_toml_keeps_that_plugin_out(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[plugins]\ndisable = ["ping"]\n', encoding="utf-8")

    host = Host(tmp_path, autoload=True, environ={})
    host.close()

    names = {info.name for info in host.plugins}
    assert "platform" in names
    assert "ping" not in names
    assert "ping" not in host.routes


def test_plugins_disable_in_oro_toml_adds_to_the_environment(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[plugins]\ndisable = ["ping"]\n', encoding="utf-8")

    host = Host(tmp_path, autoload=True, environ={"ORO_DISABLE_PLUGINS": "os"})
    host.close()

    names = {info.name for info in host.plugins}
    assert not names & {"ping", "os"}
    assert "platform" in names


def test_autoload_false_loads_only_the_given_plugins(tmp_path: Path) -> None:
    host = Host(tmp_path, autoload=False, plugins=[Greeter()], environ={})
    host.close()

    assert [info.name for info in host.plugins] == ["oro", "greeter"]


def test_broken_plugin_stops_the_host_build(tmp_path: Path) -> None:
    with pytest.raises(PluginLoadError, match="misspelled"):
        Host(tmp_path, autoload=False, plugins=[Misspelled(), Greeter()], environ={})


def test_skip_broken_plugins_warns_and_keeps_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="oro_framework.plugins"):
        host = Host(
            tmp_path,
            autoload=False,
            plugins=[Misspelled(), Greeter()],
            environ={},
            skip_broken_plugins=True,
        )
    host.close()

    assert "greeter.hello" in host.routes
    assert host.plugin_info("misspelled").error is not None
    assert "skipping broken plugin" in caplog.text
    assert "misspelled" in caplog.text


def test_plugins_disable_from_the_environment_drops_the_plugin(tmp_path: Path) -> None:
    host = Host(tmp_path, environ={"ORO_PLUGINS_DISABLE": "ping platform"})
    try:
        assert "ping" not in host.routes
        assert "platform.primordials" not in host.routes
        assert "os.cpus" in host.routes
    finally:
        host.close()


def test_plugins_disable_override_drops_the_plugin(tmp_path: Path) -> None:
    host = Host(tmp_path, environ={}, config={"plugins.disable": ["ping"]})
    try:
        assert "ping" not in host.routes
    finally:
        host.close()


# --- finding a module's hook implementations: the host's manager agrees with pluggy's ----------


def _found(manager: pluggy.PluginManager, plugin: object) -> dict[str, object]:
    """What ``manager`` registers of ``plugin``: per name, the hook options and the function."""
    found: dict[str, object] = {}
    for name in dir(plugin):
        options = manager.parse_hookimpl_opts(plugin, name)
        if options is not None:
            found[name] = (dict(options), getattr(plugin, name))
    return found


def test_every_installed_plugin_module_gives_the_hooks_pluggy_finds() -> None:
    """The host's manager reads a module's namespace instead of pluggy's getattr_static of
    each name: for each installed plugin, both find the same implementations."""
    loaded = create_plugin_manager(environ={})
    plugins = loaded.manager.get_plugins()
    assert len(plugins) >= 20  # the core plugins and the repo's, not an empty comparison
    reference = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    for plugin in plugins:
        assert _found(loaded.manager, plugin) == _found(reference, plugin), plugin
        assert _found(reference, plugin), plugin  # each implements a hook


_marker = pluggy.HookimplMarker(hookspecs.PROJECT_NAME)


def _value(kind: str, name: str) -> object:
    def function() -> None:
        pass

    function.__name__ = name
    if kind == "hook":
        return _marker(function)
    if kind == "hook with specname":
        return _marker(specname="oro_startup")(function)
    if kind == "wrong marker":
        function.oro_impl = "not options"  # type: ignore[attr-defined]
        return function
    if kind == "static hook":
        return staticmethod(_marker(function))
    if kind == "class hook":
        return classmethod(_marker(function))
    if kind == "bound hook":
        return types.MethodType(_marker(function), object())
    if kind == "plain function":
        return function
    if kind == "class":
        return type(name, (), {"oro_startup": _marker(function)})
    return {"number": 7, "text": "x", "module": types, "none": None}[kind]


_KINDS = (
    "hook",
    "hook with specname",
    "wrong marker",
    "static hook",
    "class hook",
    "bound hook",
    "plain function",
    "class",
    "number",
    "text",
    "module",
    "none",
)


@hypothesis.given(
    st.dictionaries(
        st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
        | st.sampled_from(["oro_startup", "__doc__", "__annotations__", "__dict__", "__class__"]),
        st.sampled_from(_KINDS),
        max_size=12,
    )
)
def test_a_module_of_any_attributes_gives_the_hooks_pluggy_finds(
    attributes: dict[str, str],
) -> None:
    module = types.ModuleType("drawn")
    for name, kind in attributes.items():
        vars(module)[name] = _value(kind, name)  # as a module's code fills it
    ours = create_plugin_manager(autoload=False, core=False).manager
    assert _found(ours, module) == _found(pluggy.PluginManager(hookspecs.PROJECT_NAME), module)
