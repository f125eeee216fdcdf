"""The plugin shape's API: settings dataclasses, route groups with their permission, and JS
module directories read from their ``.d.ts`` headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, final

import pytest

from oro_framework import (
    ConfigError,
    ConfigRegistry,
    JSModuleTable,
    PermissionRegistry,
    PermissionSpec,
    RegistrationError,
    Request,
    RouteGroup,
    setting,
    setting_from,
    validators,
)
from oro_framework.host.config import load_config


@final
@dataclass(frozen=True)
class DemoSettings:
    tries: int = setting(4, "Attempts before giving up.", validator=validators.positive)
    servers: list[str] = setting([], "Servers to ask.")
    ratio: float = setting(0.5, "A ratio.", env=("DEMO_RATIO",))
    verbose: bool = setting(False, "Say more.")
    shared_key: str = setting("", "A key.", validator=validators.secret, repr=False)
    service_workers: str = setting("", "Scripts.", name="service-workers")
    mounts: dict[str, str] = setting({}, "Extra roots: mounts.<name> = path.")
    body_bytes: int = setting_from("other.body_bytes")


def declared() -> ConfigRegistry:
    registry = ConfigRegistry()
    with registry.registering("demo-plugin"):
        registry.add_settings(DemoSettings, section="demo")
    with registry.registering("other-plugin"):
        registry.add("other.body_bytes", int, 1024, "Body cap.")
    return registry


def test_add_settings_declares_one_key_per_setting_field_with_type_default_and_doc() -> None:
    registry = declared()

    keys = {key.name: key for key in registry if key.plugin == "demo-plugin"}

    assert sorted(keys) == [
        "demo.mounts.*",
        "demo.ratio",
        "demo.servers",
        "demo.service-workers",
        "demo.shared_key",
        "demo.tries",
        "demo.verbose",
    ]
    assert (keys["demo.tries"].type, keys["demo.tries"].default) == (int, 4)
    assert keys["demo.tries"].doc == "Attempts before giving up."
    assert (keys["demo.servers"].type, keys["demo.servers"].default) == (list, [])
    assert (keys["demo.mounts.*"].type, keys["demo.mounts.*"].default) == (str, "")
    assert keys["demo.ratio"].env_names == ("ORO_DEMO_RATIO", "DEMO_RATIO")


def test_settings_read_back_typed_from_the_loaded_config() -> None:
    config = load_config(
        declared(),
        environ={"DEMO_RATIO": "0.25"},
        overrides={"demo.tries": "7", "demo.mounts.docs": "~/Documents"},
    )

    settings = config.settings(DemoSettings)

    assert settings == DemoSettings(
        tries=7, ratio=0.25, mounts={"docs": "~/Documents"}, body_bytes=1024
    )
    assert "shared_key" not in repr(settings)


def test_setting_validator_refuses_a_bad_value_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"demo\.tries"):
        load_config(declared(), environ={}, overrides={"demo.tries": "0"})


def test_settings_not_declared_on_the_host_are_a_lookup_error() -> None:
    config = load_config(ConfigRegistry(), environ={})

    with pytest.raises(LookupError, match="add_settings"):
        config.settings(DemoSettings)


def test_a_field_that_is_not_a_setting_is_refused() -> None:
    @dataclass(frozen=True)
    class Loose:
        plain: int = 3

    registry = ConfigRegistry()
    with registry.registering("demo-plugin"), pytest.raises(RegistrationError, match="plain"):
        registry.add_settings(Loose, section="demo")


def test_dropping_a_plugin_forgets_its_settings() -> None:
    registry = declared()

    registry.drop_plugin("demo-plugin")

    with pytest.raises(LookupError):
        registry.read_settings(DemoSettings, {})


async def handler(request: Request) -> dict[str, Any]:
    """Answer nothing."""
    return {}


def test_route_group_declares_its_permission_once() -> None:
    permissions = PermissionRegistry()
    group = RouteGroup(permission="demo", doc="Demo routes.", handlers={"demo.x": handler})

    with permissions.registering("demo-plugin"):
        permission = permissions.add_group(group)

    assert (permission.name, permission.doc, permission.plugin) == (
        "demo",
        "Demo routes.",
        "demo-plugin",
    )


def test_a_permission_spec_declares_the_permission_its_route_group_is_guarded_by() -> None:
    """The permission is written once (a plugin's ``permissions.py``): what
    ``oro_register_permissions`` declares and what guards the routes are the same name, doc and
    default, without the declaration importing the routes."""
    spec = PermissionSpec("demo", "Demo routes.", default=False)
    permissions = PermissionRegistry()
    with permissions.registering("demo-plugin"):
        declared = permissions.declare(spec)
    group = RouteGroup.guarded(
        spec, handlers={"demo.x": handler, "demo.y": handler}, timeouts={"demo.y": 5.0}
    )
    by_group = PermissionRegistry()
    with by_group.registering("demo-plugin"):
        from_group = by_group.add_group(group)

    assert (declared.name, declared.doc, declared.default, declared.plugin) == (
        "demo",
        "Demo routes.",
        False,
        "demo-plugin",
    )
    assert (from_group.name, from_group.doc, from_group.default) == (
        declared.name,
        declared.doc,
        declared.default,
    )
    assert (group.permission, dict(group.timeouts), group.shared) == (
        "demo",
        {"demo.y": 5.0},
        set(),
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_add_directory_registers_modules_named_by_their_declaration_headers(
    tmp_path: Path,
) -> None:
    write(tmp_path / "index.js", "export {}\n")
    write(tmp_path / "index.d.ts", "/**\n * Demo.\n * @module oro:demo\n * @alias node:demo\n */\n")
    write(tmp_path / "demo" / "sub.js", "export {}\n")
    write(tmp_path / "demo" / "sub.d.ts", "// @module oro:demo/sub\n/** Sub. */\n")
    write(tmp_path / "demo" / "internal" / "util.js", "// @module oro:demo/internal/util\n")
    write(tmp_path / "preload.js", "")
    write(tmp_path / "preload.d.ts", "/** @module oro:demo/preload */\nexport {}\n")
    modules = JSModuleTable()

    with modules.registering("demo-plugin"):
        added = modules.add_directory(tmp_path, preload=["oro:demo/preload"])

    assert added[0].specifier == "oro:demo/preload"
    assert sorted(module.specifier for module in added[1:]) == ["oro:demo", "oro:demo/sub"]
    assert [module.preload for module in added] == [True, False, False]
    specifiers = modules.specifiers()
    assert sorted(specifiers) == ["node:demo", "oro:demo", "oro:demo/preload", "oro:demo/sub"]
    assert specifiers["node:demo"].path == tmp_path / "index.js"
    assert specifiers["oro:demo/sub"].declarations == tmp_path / "demo" / "sub.d.ts"


def test_add_directory_preload_of_an_unknown_module_is_refused(tmp_path: Path) -> None:
    modules = JSModuleTable()

    with modules.registering("demo-plugin"), pytest.raises(RegistrationError, match="oro:nope"):
        modules.add_directory(tmp_path, preload=["oro:nope"])
