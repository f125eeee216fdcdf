"""The build pipeline: the steps that build plugins into a host, one list for the plugins the
host starts with and for an extension a page loads while it runs (docs/design.md, Build order).

Each step is a function of the host and the names of the plugins being added, calling their
hooks one plugin at a time in registration order (:class:`~oro_framework.host.hooks.
HookCaller`); a hook that raises goes to the host's broken-plugin handler, which raises the
:class:`PluginLoadError` or, while the host is built with broken plugins skipped, drops the
plugin. Two ordered lists:

* :data:`DECLARATION_STEPS`, build steps 2 to 4: what ``oro.toml`` may set must be declared
  before it is read, so they run once, at start, over every plugin, the app's extensions
  included;
* :data:`BUILD_STEPS`, build steps 7 to 13, run once config is loaded: by the host over all
  its plugins, by :meth:`Extensions.load <oro_framework.host.extensions.Extensions.load>`
  over the one it adds, without the steps a running host cannot take
  (:data:`LATE_BUILD_STEPS`).

Why not pluggy's historic hooks (``call_historic``), which replay a call to every plugin
registered later: the replay runs inside ``PluginManager.register``, for the plugin's hooks in
attribute order (``oro_configure`` before ``oro_register_config``), with no
``registry.registering(plugin)`` around it to name the owner of each entry, and an exception
out of ``register`` that no longer says which hook raised. It would replay an extension's
declarations, which it made at start, on every load, and could not leave out a step (JS
modules; routes a page's feature policy refuses), nor put the host's own work between two steps
(config is read after the declarations, secrets resolved before ``oro_configure``). An explicit
list keeps the order, the attribution and the errors in one place for both paths.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.errors import PluginLoadError
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.plugins import PluginInfo
    from oro_framework.host.router import Route

__all__ = [
    "BUILD_STEPS",
    "DECLARATION_STEPS",
    "LATE_BUILD_STEPS",
    "REGISTER_ROUTES",
    "BuildStep",
    "run_steps",
    "undeclared_permission",
]

REGISTER_ROUTES: Final = "oro_register_routes"
"""The step an extension leaves out when a page's feature policy refuses it routes."""


@final
@record
class BuildStep:
    """One step of building plugins into a host.

    :ivar name: the hook it calls, or what the host does in it.
    :ivar run: the step, for the host and the names of the plugins being added.
    :ivar joins_running_host: whether a plugin added while the host runs takes it; JS modules
        do not, since a page's import map is fixed when the page loads.
    """

    name: str
    run: Callable[[Host, Collection[str]], None]
    joins_running_host: bool = True


def run_steps(
    host: Host,
    steps: Sequence[BuildStep],
    plugins: Collection[str],
    *,
    leave_out: Collection[str] = (),
) -> None:
    """Run ``steps`` in order over ``plugins``, but those named in ``leave_out``.

    :raises PluginLoadError: a plugin's hook raised, or one of its routes needs a permission no
        plugin declares, unless the host's broken-plugin handler drops the plugin.
    :raises ConfigError: a hook raised one (it names the config file and line to fix).
    """
    for step in steps:
        if step.name not in leave_out:
            step.run(host, plugins)


def undeclared_permission(route: Route, info: PluginInfo) -> PluginLoadError:
    """The error of a plugin whose ``route`` declares a permission no plugin registers."""
    return PluginLoadError(
        f"route '{route.name}' declares permission '{route.permission}', which no plugin registers",
        entry_point=info.entry_point or route.plugin,
        distribution=info.distribution,
        hook=REGISTER_ROUTES,
    )


def _register_permissions(host: Host, plugins: Collection[str]) -> None:
    registry = host.permissions
    host.hooks.register(
        "oro_register_permissions", registry, plugins, permissions=registry, host=host
    )


def _register_config(host: Host, plugins: Collection[str]) -> None:
    registry = host.config_keys
    host.hooks.register("oro_register_config", registry, plugins, config=registry, host=host)


def _register_routes(host: Host, plugins: Collection[str]) -> None:
    registry = host.routes
    host.hooks.register(REGISTER_ROUTES, registry, plugins, routes=registry, host=host)


def _register_mounts(host: Host, plugins: Collection[str]) -> None:
    registry = host.mounts
    host.hooks.register("oro_register_mounts", registry, plugins, mounts=registry, host=host)


def _register_schemes(host: Host, plugins: Collection[str]) -> None:
    registry = host.schemes
    host.hooks.register("oro_register_schemes", registry, plugins, schemes=registry, host=host)


def _register_js_modules(host: Host, plugins: Collection[str]) -> None:
    registry = host.js_modules
    host.hooks.register("oro_register_js_modules", registry, plugins, modules=registry, host=host)


def _register_services(host: Host, plugins: Collection[str]) -> None:
    registry = host.services
    host.hooks.register("oro_register_services", registry, plugins, services=registry, host=host)


def _register_page_events(host: Host, plugins: Collection[str]) -> None:
    registry = host.events.declared
    host.hooks.register("oro_register_page_events", registry, plugins, events=registry, host=host)


def _declare_permission_keys(host: Host, plugins: Collection[str]) -> None:
    # Each permission is a config key, owned by the plugin that declared the permission.
    for permission in host.permissions:
        if permission.plugin not in plugins:
            continue
        with host.config_keys.registering(permission.plugin):
            host.config_keys.add(
                f"permissions.allow_{permission.name}", bool, permission.default, permission.doc
            )


def _configure(host: Host, plugins: Collection[str]) -> None:
    host.hooks.configure(host, plugins)


def _check_route_permissions(host: Host, plugins: Collection[str]) -> None:
    for route in list(host.routes):
        # A route may be gone already: its plugin was dropped for an earlier route.
        if route.plugin not in plugins or route.name not in host.routes:
            continue
        if route.permission not in host.permissions:
            host.hooks.broken(
                route.plugin, undeclared_permission(route, host.plugin_info(route.plugin))
            )


DECLARATION_STEPS: Final = (
    BuildStep("oro_register_permissions", _register_permissions),
    BuildStep("permissions.allow_<name> config keys", _declare_permission_keys),
    BuildStep("oro_register_config", _register_config),
)
"""Build steps 2 to 4: what plugins declare before ``oro.toml`` is read."""

BUILD_STEPS: Final = (
    BuildStep("oro_configure", _configure),
    BuildStep(REGISTER_ROUTES, _register_routes),
    BuildStep("oro_register_mounts", _register_mounts),
    BuildStep("oro_register_schemes", _register_schemes),
    BuildStep("oro_register_js_modules", _register_js_modules, joins_running_host=False),
    BuildStep("oro_register_services", _register_services),
    BuildStep("oro_register_page_events", _register_page_events),
    BuildStep("route permissions declared", _check_route_permissions),
)
"""Build steps 7 to 13: configured, plugins register what they serve and the page events they
send, every route's permission checked."""

LATE_BUILD_STEPS: Final = tuple(step for step in BUILD_STEPS if step.joins_running_host)
"""The build steps of a plugin added while the host runs (an extension)."""
