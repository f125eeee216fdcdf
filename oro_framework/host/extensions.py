"""The app's extensions: plugins its pages load and unload while it runs.

The Oro Runtime's native extensions (``extension.load(name)`` of ``oro:extension``) are plugins
here: an installed distribution with an entry point in the ``oro`` group, which the app lists in
``[extensions] allow`` (an Oro app's ``[build.extensions]`` names map there). The host imports
each one when it is built and calls its declarations (``oro_register_permissions``,
``oro_register_config``) with every other plugin's, so that ``oro.toml`` configures it and a
mistake in it stops the app at start; then it sets the plugin aside, unregistered, so that no
other hook reaches it. :meth:`Extensions.load` registers it again and runs over it alone the
build steps the host runs over its plugins at start (:data:`~oro_framework.host.pipeline.
LATE_BUILD_STEPS`: ``oro_configure``, routes, mounts, services, the routes' permissions
checked), then starts its services in the host's task group and tells it
``oro_lifecycle_event(STARTED)``; :meth:`Extensions.unload` takes all that apart in the order
the host stops (routes withdrawn, services cancelled, ``oro_unconfigure``).

Nothing else can be loaded: a page names one of the app's extensions, never a module or a path,
and an extension loaded by a page does what it would do loaded at start, nothing more. Its JS
modules are not served (a page's import map is fixed when the page loads): pages reach it
through its routes, as Oro's pages reach a native extension through ``ipc://`` routes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_framework.hookspecs import PLUGIN_API_VERSION
from oro_framework.host.config.keys import EXTENSIONS_KEY
from oro_framework.host.errors import (
    ConfigError,
    InternalError,
    InvalidStateError,
    NotFoundError,
    PluginLoadError,
    ServiceError,
    ShuttingDownError,
)
from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState
from oro_framework.host.pipeline import LATE_BUILD_STEPS, REGISTER_ROUTES, run_steps
from oro_framework.host.plugins import LoadedPlugins, PluginInfo
from oro_framework.records import record

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

    from oro_framework.host.app import Host
    from oro_framework.host.services import ServiceRunner
    from oro_framework.host.windows.model import Window

__all__ = ["EXTENSIONS_KEY", "Extension", "Extensions", "maps_routes", "set_aside"]

logger = logging.getLogger("oro_framework.plugins")

UNLOAD_GRACE_SECONDS: Final = 2.0
"""How long requests already running an unloaded extension's routes may take to finish before
they are cancelled (as when the host stops)."""
_ROUTE_POLICY: Final = "ipc_router_map"
"""Oro's feature policy that lets an extension map its IPC routes."""


def maps_routes(allow: Sequence[str] | None) -> bool:
    """Whether an extension loaded with Oro's feature policies ``allow`` serves its routes.

    Without policies everything is allowed; with some, a policy allows ``ipc_router_map`` when
    it is that name or a ``_``-part prefix of it (``ipc``, ``ipc_router``), as in Oro. Oro's
    other policies guard calls of its C API that have no counterpart here: a policy can only
    take away what a plugin does, never add to it.
    """
    if allow is None:
        return True
    policies = {policy.strip() for policy in allow if policy.strip()}
    if not policies:
        return True
    parts = _ROUTE_POLICY.split("_")
    return any("_".join(parts[:count]) in policies for count in range(1, len(parts) + 1))


@final
@record
class Extension:
    """One of the app's extensions as pages see it (Oro's ``ExtensionInfo``).

    :ivar name: the plugin's entry-point name, which pages load it by.
    :ivar description: its distribution's summary, else the first line of its module's
        docstring.
    :ivar abi: the plugin API version of this host (:data:`PLUGIN_API_VERSION`).
    :ivar loaded: whether some window holds it loaded now.
    """

    name: str
    version: str | None
    description: str
    distribution: str | None
    loaded: bool
    abi: int = PLUGIN_API_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "abi": self.abi,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "loaded": self.loaded,
        }


@final
class Extensions:
    """The app's extensions, set aside when the host was built: ``host.extensions``.

    :param listed: what ``[extensions] allow`` names (entry-point or distribution names).
    :param dormant: entry-point name → plugin object, for the listed plugins that are
        installed, not disabled and not broken.
    :param task_group: the host's task group while it runs, where services start.
    """

    def __init__(
        self,
        host: Host,
        *,
        listed: Sequence[str],
        dormant: Mapping[str, object],
        loaded: LoadedPlugins,
        runner: ServiceRunner,
        task_group: Callable[[], TaskGroup | None],
    ) -> None:
        self._host = host
        self._listed = tuple(listed)
        self._dormant = dict(dormant)
        self._loaded = loaded
        self._runner = runner
        self._task_group = task_group
        self._holders: dict[str, set[int]] = {}
        self._lock: anyio.Lock | None = None
        # A window's hold ends with the window: otherwise what it loaded would outlive it, and
        # no other window could unload it.
        host.windows.add_close_listener(self._window_closed)

    @property
    def listed(self) -> tuple[str, ...]:
        """The names ``[extensions] allow`` lists, installed or not."""
        return self._listed

    @property
    def available(self) -> list[str]:
        """The extensions that can be loaded: listed, installed, enabled and not broken."""
        return sorted(self._dormant)

    @property
    def loaded(self) -> list[str]:
        """The extensions loaded now, in the order they were loaded."""
        return list(self._holders)

    def holders(self, name: str) -> frozenset[int]:
        """The windows holding extension ``name`` loaded (empty when it is not loaded)."""
        return frozenset(self._holders.get(name, ()))

    def describe(self, name: str) -> Extension:
        """Extension ``name`` (its entry-point or distribution name).

        :raises NotFoundError: the app has no such extension (with the nearest name).
        :raises InvalidStateError: ``name`` is a plugin the host loaded at start.
        """
        found = self._resolve(name)
        info = self._loaded.info(found)
        return Extension(
            name=found,
            version=info.version,
            description=_description(info, self._dormant[found]),
            distribution=info.distribution,
            loaded=found in self._holders,
        )

    def stats(self) -> dict[str, Any]:
        """Oro's ``extension.stats()``: ``abi`` and the number ``loaded``, plus their names."""
        return {
            "abi": PLUGIN_API_VERSION,
            "loaded": len(self._holders),
            "extensions": self.loaded,
        }

    async def load(
        self, name: str, *, window: int, allow: Sequence[str] | None = None
    ) -> Extension:
        """Load extension ``name`` for ``window``: its routes are served as soon as this
        returns, to every window of the app. Loading one that is loaded already only adds
        ``window`` to its holders (Oro's load of a loaded extension succeeds too).

        :param allow: Oro's feature policies (:func:`maps_routes`); the first load decides.
        :raises NotFoundError: the app has no such extension.
        :raises InvalidStateError: ``name`` is a plugin loaded at start; the host is not running.
        :raises InternalError: a hook of the extension raised, or a required service of it
            failed (``ERR_EXTENSION_LOAD``; details in the host log): it is left unloaded.
        """
        found = self._resolve(name)
        async with self._locked():
            holders = self._holders.get(found)
            if holders is None:
                await self._activate(found, routes=maps_routes(allow))
                holders = self._holders[found] = set()
            holders.add(window)
        return self.describe(found)

    async def unload(self, name: str, *, window: int) -> None:
        """Release extension ``name`` for ``window``; once no window holds it, its routes are
        withdrawn (an unknown route from then on), its services cancelled and its
        ``oro_unconfigure`` called.

        :raises NotFoundError: the app has no such extension.
        :raises InvalidStateError: ``window`` does not hold it loaded
            (``ERR_EXTENSION_NOT_LOADED``).
        """
        found = self._resolve(name)
        async with self._locked():
            holders = self._holders.get(found)
            if holders is None or window not in holders:
                by = " by this window" if holders else ""
                raise InvalidStateError(
                    f"Extension '{found}' is not loaded{by}",
                    code="ERR_EXTENSION_NOT_LOADED",
                    extension=found,
                )
            holders.discard(window)
            if holders:
                return
            del self._holders[found]
            with anyio.CancelScope(shield=True):
                await self._take_apart(found)

    async def release_window(self, window: int) -> list[str]:
        """Release every extension ``window`` holds (it closed); those no other window holds
        are unloaded as by :meth:`unload`.

        :return: the extensions unloaded.
        """
        unloaded: list[str] = []
        async with self._locked():
            for name, holders in list(self._holders.items()):
                if window not in holders:
                    continue
                holders.discard(window)
                if holders:
                    continue
                del self._holders[name]
                with anyio.CancelScope(shield=True):
                    await self._take_apart(name)
                unloaded.append(name)
        return unloaded

    def _window_closed(self, window: Window) -> None:
        if not any(window.index in holders for holders in self._holders.values()):
            return
        task_group = self._task_group()
        if task_group is None or self._host.is_stopping:
            return  # the host is going: its extensions are taken apart with it
        task_group.start_soon(self.release_window, window.index)

    # ----------------------------------------------------------------------------------------

    def _locked(self) -> anyio.Lock:
        # Created on first use: a lock belongs to the running event loop.
        if self._lock is None:
            self._lock = anyio.Lock()
        return self._lock

    def _resolve(self, name: str) -> str:
        if name in self._dormant:
            return name
        for entry in self._dormant:
            if self._loaded.info(entry).distribution == name:
                return entry
        if name in self._listed:
            raise NotFoundError(
                f"Extension '{name}' is listed in [extensions] allow, but no installed plugin is "
                "named so (or it is disabled, or it failed to load when the app started: `oro "
                "plugins list` says why); oro compiles no native extension: an extension is a "
                "Python plugin (docs/plugins.md#extensions)",
                code="ERR_EXTENSION_NOT_FOUND",
                extension=name,
            )
        if self._is_loaded_plugin(name):
            raise InvalidStateError(
                f"Plugin '{name}' is loaded with the app, not an extension: its routes are "
                "served already",
                code="ERR_EXTENSION_LOADED",
                extension=name,
            )
        import difflib  # only for this error's hint

        nearest = difflib.get_close_matches(name, self.available, n=1, cutoff=0.6)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
        raise NotFoundError(
            f"No extension named '{name}' (the app's extensions are the plugins its "
            f"[extensions] allow lists){hint}",
            code="ERR_EXTENSION_NOT_FOUND",
            extension=name,
        )

    def _is_loaded_plugin(self, name: str) -> bool:
        manager = self._loaded.manager
        if manager.get_plugin(name) is not None:
            return True
        return any(
            info.distribution == name and manager.get_plugin(info.name) is not None
            for info in self._loaded.infos
        )

    async def _activate(self, name: str, *, routes: bool) -> None:
        host = self._host
        task_group = self._task_group()
        if host.is_stopping:
            raise ShuttingDownError(
                f"The app is shutting down: extension '{name}' was not loaded", state="stopping"
            )
        if task_group is None:
            raise InvalidStateError(f"Extension '{name}' cannot load before the app runs")
        self._loaded.manager.register(self._dormant[name], name=name)
        try:
            # The build steps the host ran for it at start, but those a running host cannot
            # take and the routes a feature policy refuses (host/pipeline.py).
            leave_out = () if routes else (REGISTER_ROUTES,)
            run_steps(host, LATE_BUILD_STEPS, {name}, leave_out=leave_out)
            for service in [service for service in host.services if service.plugin == name]:
                self._runner.add(service)
                if not (host.lifecycle is LifecycleState.PAUSED and service.stop_on_pause):
                    await self._runner.start(task_group, service)
        except (PluginLoadError, ConfigError, ServiceError) as error:
            with anyio.CancelScope(shield=True):
                await self._take_apart(name)
            logger.exception("extension %r failed to load", name)
            raise InternalError(
                f"Extension '{name}' failed to load (details in the host log)",
                code="ERR_EXTENSION_LOAD",
                extension=name,
            ) from error
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self._take_apart(name)
            raise
        # It joins a host that started (and maybe paused) before it: the notifications a
        # plugin loaded at start has had.
        host.hooks.lifecycle_event(host, LifecycleEvent.STARTED, plugin=name)
        if host.lifecycle is LifecycleState.PAUSED:
            host.hooks.lifecycle_event(host, LifecycleEvent.PAUSED, plugin=name)

    async def _take_apart(self, name: str) -> None:
        """Undo :meth:`_activate`, whatever part of it ran: routes out first (new calls are an
        unknown route), running calls finished or cancelled, services stopped, then the plugin
        unconfigured and unregistered, as the host stops (docs/design.md, Running)."""
        host = self._host
        withdrawn = [route.name for route in host.routes.drop_plugin(name)]
        host.mounts.drop_plugin(name)
        host.schemes.drop_plugin(name)
        await host.router.withdraw(withdrawn, UNLOAD_GRACE_SECONDS)
        for service in host.services.drop_plugin(name):
            await self._runner.remove(service.name)
        # Its services have stopped emitting; loading it again declares its page events again.
        host.events.declared.drop_plugin(name)
        if name in host.hooks.configured:
            host.hooks.unconfigure(host, plugin=name)
            host.hooks.configured.discard(name)
        if self._loaded.manager.get_plugin(name) is not None:
            self._loaded.manager.unregister(name=name)


def set_aside(
    loaded: LoadedPlugins, entry_points: Collection[tuple[str, str | None]], listed: Sequence[str]
) -> dict[str, object]:
    """Unregister the plugins ``listed`` names (by entry-point or distribution name) among
    ``entry_points`` (``(name, distribution)`` of the installed ones) and return them by name:
    the host calls it once their declarations are read. Core plugins always stay."""
    names = set(listed)
    dormant: dict[str, object] = {}
    for entry, distribution_name in entry_points:
        if not {entry, distribution_name} & names:
            continue
        plugin = loaded.manager.get_plugin(entry)
        if plugin is None or loaded.info(entry).is_core:
            continue  # broken (skipped), or oro-framework's own
        loaded.manager.unregister(name=entry)
        dormant[entry] = plugin
    return dormant


def _description(info: PluginInfo, plugin: object) -> str:
    if info.distribution is not None:
        # Only for an extension the app lists but does not load: no command pays for it.
        from importlib.metadata import PackageNotFoundError, distribution

        try:
            summaries = distribution(info.distribution).metadata.get_all("Summary") or []
        except PackageNotFoundError:
            summaries = []
        if summaries and summaries[0]:
            return str(summaries[0])
    doc = getattr(plugin, "__doc__", None) or ""
    return doc.strip().split("\n", 1)[0]
