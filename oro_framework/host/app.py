"""The :class:`Host`: one app's plugins, configuration, routes and services, and its lifecycle."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio

from oro_framework.host.allocator import tune_allocator
from oro_framework.host.app_backend import (
    BACKEND_PLUGIN,
    AppBackend,
    backend_imports_allowed,
    find_backend,
    import_backend,
    unimported_backend,
)
from oro_framework.host.app_paths import AppPaths, app_paths
from oro_framework.host.app_plugins import load_app_plugins
from oro_framework.host.builtin_settings import (
    EARLY_SETTINGS,
    BackendSettings,
    ExtensionSettings,
    MetaSettings,
    PluginSettings,
    resource_root,
)
from oro_framework.host.config import (
    Config,
    ConfigRegistry,
    load_config,
    load_early,
)
from oro_framework.host.config.files import CONFIG_FILE_NAME, find_config_file
from oro_framework.host.errors import IPCError, LifecycleError, PluginLoadError, ServiceError
from oro_framework.host.extensions import set_aside
from oro_framework.host.hooks import HookCaller
from oro_framework.host.isolation import IsolationPlan
from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState, transition
from oro_framework.host.permissions import PermissionRegistry
from oro_framework.host.pipeline import BUILD_STEPS, DECLARATION_STEPS, run_steps
from oro_framework.host.plugins import (
    CORE_DISTRIBUTION,
    SKIPPED,
    BrokenPolicy,
    LoadedPlugins,
    PluginInfo,
    create_plugin_manager,
    listed_entry_points,
    load_entry_point,
    register_plugin,
)
from oro_framework.host.registry import Registry
from oro_framework.host.stash import Stash

if TYPE_CHECKING:
    # What only a host that runs uses is imported when it is built to run (Host._build): a
    # declare-only host (``oro config``) never loads the windows, the router or the services.
    from anyio.abc import TaskGroup, TaskStatus

    from oro_framework.host.dispatch import Router
    from oro_framework.host.envelope import Reply
    from oro_framework.host.extensions import Extensions
    from oro_framework.host.services import ServiceRunner, ServiceStatus

__all__ = ["CONFIG_FILE_NAME", "AppPaths", "Host"]

logger = logging.getLogger("oro_framework.host")
plugin_logger = logging.getLogger("oro_framework.plugins")
"""Where skipped broken plugins are reported; commands that list them (``oro plugins list``,
``oro doctor``) silence it."""

T = TypeVar("T")


@final
class Host:
    """An app's runtime: built synchronously (plugins loaded, config read, everything registered),
    then :meth:`run` on an anyio event loop (trio backend) until :meth:`stop`.

    :param app_dir: the app's directory, holding ``oro.toml`` (or Oro's ``oro.ini``, Socket's
        ``socket.ini``); default: the current directory.
    :param plugins: plugin objects to register after the discovered ones.
    :param autoload: discover plugins through the ``oro`` entry-point group. Tests pass ``False``
        and list exactly the plugins they want.
    :param config: overrides with the highest precedence (CLI flags), by dotted or flattened key.
    :param environ: environment for ``ORO_*`` overrides and plugin selection; default
        ``os.environ``.
    :param skip_broken_plugins: drop every broken plugin (one that fails to import or validate,
        or whose hook raises while the host is built) with what it registered and a warning, not
        only those :class:`~oro_framework.host.plugins.BrokenPolicy` drops; also switched on by
        config key ``plugins.skip_broken`` (env ``ORO_SKIP_BROKEN_PLUGINS=1``).
    :param use_config_file: read ``oro.toml``; tools that must work while the file holds an
        invalid value (``oro config set``) pass ``False`` to get the declared keys only.
    :param data_dir: overrides the per-user data directory (``cache`` and ``temp`` follow it
        unless given too); tests point these into a temporary directory.
    :param state_dir: overrides the host's state folder (:attr:`AppPaths.state`); by default
        ``$XDG_STATE_HOME/oro-framework/apps/<bundle>``, or, when ``data_dir`` is given, the
        folder beside it named ``<data>.oro-state``. Pages never reach it, wherever it is.
    :param paths_root: one folder that holds every per-user folder of the app (``data``,
        ``cache``, ``temp``, ``config``, ``log``, and so the webview's storage and the plugins'
        databases kept under ``data``) instead of the user's own: ``oro test`` passes a
        temporary one so that a test never reads or writes the user's files. ``data_dir``,
        ``cache_dir`` and ``temp_dir`` still win.
    :param resolve_secrets: resolve the secret references of ``oro.toml``
        (``api_key = "secure-storage:openai"``) through ``oro_resolve_secret`` before
        ``oro_configure``; tools that only read the host's tables (``oro config list``) pass
        ``False`` and see the references as written.
    :param load_backend: import the app's ``backend.py`` (running its code) and register it as
        the plugin ``backend``; ``False`` finds it without importing it (:attr:`backend` then
        has ``imported`` false). Default: unless :func:`~oro_framework.host.app_backend.
        backend_imports_off` is in force, as it is for every ``oro`` command but ``run``,
        ``dev``, ``test``, ``build`` and ``types``.
    :param declare_only: stop once the plugins have declared their permissions and config keys
        and the config is read (:attr:`permissions`, :attr:`config_keys`, :attr:`config`,
        :attr:`paths`): no plugin is configured and nothing is registered or made that serves
        (the host has no ``windows``, ``events``, ``routes``, ``router`` or ``services``), so
        it can neither :meth:`run` nor :meth:`call`. ``oro config get`` reads only these, and
        so skips the cost of configuring every plugin and importing what serves requests.
    :raises PluginLoadError: a plugin failed to load, or one of its hooks raised (a
        :class:`RegistrationConflict` included), unless skipping broken plugins.
    :raises ConfigError: ``oro.toml``, the environment or ``config`` holds an invalid value,
        or a secret reference cannot be resolved.
    """

    def __init__(
        self,
        app_dir: Path | str | None = None,
        *,
        plugins: Sequence[object] = (),
        autoload: bool = True,
        config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        skip_broken_plugins: bool = False,
        data_dir: Path | None = None,
        cache_dir: Path | None = None,
        temp_dir: Path | None = None,
        state_dir: Path | None = None,
        paths_root: Path | None = None,
        use_config_file: bool = True,
        resolve_secrets: bool = True,
        load_backend: bool | None = None,
        declare_only: bool = False,
    ) -> None:
        self.app_dir = Path(app_dir if app_dir is not None else Path.cwd()).resolve()
        self.config_file: Path | None = (
            find_config_file(self.app_dir).path if use_config_file else None
        )
        """The app's ``oro.toml``, else its ``oro.ini`` or ``socket.ini`` (a missing
        ``oro.toml`` when it has none); ``None`` without ``use_config_file``."""
        environ = dict(os.environ if environ is None else environ)
        # What decides which plugins load is read before any loads, by the same loader.
        early = load_early(EARLY_SETTINGS, path=self.config_file, environ=environ, overrides=config)
        self.skips_broken_plugins = (
            skip_broken_plugins or early.settings(PluginSettings).skip_broken
        )
        """Whether every broken plugin is dropped (``True``), or only as
        :class:`~oro_framework.host.plugins.BrokenPolicy` says."""
        self.environ: Mapping[str, str] = MappingProxyType(environ)
        """The environment the host was built with (``os.environ`` unless given): plugins read
        variables from here, never from ``os.environ``, so a test's host sees only its own."""
        listed = early.settings(ExtensionSettings).allow
        if load_backend is None:
            load_backend = backend_imports_allowed()
        self._loaded = self._load_plugins(
            environ, plugins, autoload, early, listed, load_backend=load_backend
        )
        self.hooks = HookCaller(self._loaded, on_broken=self._plugin_broken)
        self.stash = Stash()
        """Per-plugin state, typed by each plugin's :class:`~oro_framework.StashKey`; filled by
        ``oro_configure``, emptied by ``oro_unconfigure``."""
        self.lifecycle = LifecycleState.INIT
        self.permissions = PermissionRegistry()
        self.config_keys = ConfigRegistry()
        # An unimported backend may declare permissions the app's config names.
        self.config_keys.permissions_complete = load_backend
        # Each registry exists before the first step that fills it, and is listed here, so that
        # a plugin dropped at any step of the build loses everything it registered before.
        self._registries: list[Registry[Any]] = [self.permissions, self.config_keys]
        self._is_config_loaded = False
        self._is_configured = False
        self._is_built = False

        # Build steps 2 to 4 and 7 to 13 of docs/design.md (host/pipeline.py), the same steps
        # an extension takes when a page loads it; the steps between are the host's own.
        run_steps(self, DECLARATION_STEPS, self._loaded.registered)
        # The app's extensions are declared (their permissions and keys are in oro.toml's
        # reach) but wait, unregistered, for a page to load them (host/extensions.py).
        dormant = set_aside(self._loaded, self._extension_entries, listed)
        self._warn_missing_extensions(listed)
        self.config: Config = load_config(
            self.config_keys, path=self.config_file, environ=environ, overrides=config
        )
        self._is_config_loaded = True
        self.paths = app_paths(
            self.app_dir,
            resource_root(self.app_dir, self.config),
            self.config.settings(MetaSettings).bundle_identifier,
            data=data_dir,
            cache=cache_dir,
            temp=temp_dir,
            state=state_dir,
            root=paths_root,
        )
        if not declare_only:
            self._build(listed, dormant, resolve_secrets=resolve_secrets)

    def _build(
        self, listed: Sequence[str], dormant: dict[str, object], *, resolve_secrets: bool
    ) -> None:
        """Build steps 6 to 13 of docs/design.md: what a host that serves needs, which a
        declare-only one skips, modules included (imported here, not with this module)."""
        from oro_framework.host.builtin_settings import IpcSettings, RestartPolicy
        from oro_framework.host.dispatch import Router
        from oro_framework.host.events import EventBus
        from oro_framework.host.extensions import Extensions
        from oro_framework.host.file_grants import FileGrants
        from oro_framework.host.memory import MemoryBudget
        from oro_framework.host.modules import JSModuleTable
        from oro_framework.host.mounts import MountTable
        from oro_framework.host.permission_broker import PermissionBroker
        from oro_framework.host.protocols import ProtocolHandlers
        from oro_framework.host.router import RouteTable
        from oro_framework.host.schemes import SchemeTable
        from oro_framework.host.services import SERVICE_STATE_EVENT, ServiceRegistry, ServiceRunner
        from oro_framework.host.watchdog import LoopWatchdog
        from oro_framework.host.windows.manager import WindowManager

        self.events = EventBus()
        self.windows = WindowManager(self)
        """The app's windows: headless stand-ins unless ``oro run`` attaches a GUI; the core
        ``application`` plugin's ``window.*`` routes drive them."""
        self.file_grants = FileGrants()
        """Paths outside the sandbox that a window's page may use because its user picked them
        in a native dialog; file system plugins ask it before refusing a path."""
        self.permission_broker = PermissionBroker(self)
        """Decides what pages ask of the web platform (camera, microphone, screen, location,
        notifications), for both engines and Oro's routes."""
        self.protocol_handlers = ProtocolHandlers()
        """The schemes this run serves (``web+demo``); the core ``protocols`` plugin fills it from
        the config and its ``protocol.*`` routes."""
        self.routes = RouteTable()
        self.mounts = MountTable()
        self.schemes = SchemeTable()
        """The URL schemes plugins serve (``clip:``), filled by ``oro_register_schemes``."""
        self.js_modules = JSModuleTable()
        self.services = ServiceRegistry()
        self._registries += [self.routes, self.mounts, self.schemes, self.js_modules, self.services]
        self._registries.append(self.events.declared)
        ipc = self.config.settings(IpcSettings)
        self.memory = MemoryBudget(ipc.memory_budget_bytes)
        """What every plugin together may buffer for pages (``ipc.memory_budget_bytes``):
        reserve from it before buffering (:class:`~oro_framework.MemoryBudget`)."""
        if resolve_secrets:
            self.config.resolve_references(
                lambda reference: self.hooks.resolve_secret(
                    self, scheme=reference.scheme, name=reference.name
                )
            )

        self._is_configured = True
        try:
            run_steps(self, BUILD_STEPS, self._loaded.registered)
        except BaseException:
            # Whatever oro_configure prepared must be released even though no Host is returned.
            self.close()
            raise

        self._runner: ServiceRunner = ServiceRunner(
            self.services,
            self.config.settings(RestartPolicy),
            on_change=lambda status: self.emit(SERVICE_STATE_EVENT, status.to_dict()),
        )
        self.router: Router = Router(
            self.routes,
            self.hooks,
            is_permission_allowed=self.is_permission_allowed,
            default_timeout=ipc.timeout_ms / 1000,
            unavailable=self._runner.unavailable,
            threads=ipc.sync_handler_threads,
            missing=self._missing_route,
        )
        self.watchdog = LoopWatchdog(ipc.loop_lag_warning_ms / 1000)
        """Logs and counts handlers and services that block the event loop while it runs."""
        self._task_group: TaskGroup | None = None
        self._stop_requested: anyio.Event | None = None
        self.extensions: Extensions = Extensions(
            self,
            listed=listed,
            dormant=dormant,
            loaded=self._loaded,
            runner=self._runner,
            task_group=lambda: self._task_group,
        )
        """The app's extensions (``[extensions] allow``): plugins pages load and unload while
        the app runs; the core ``extension`` plugin's ``extension.*`` routes drive them."""
        self._is_built = True

    # ----------------------------------------------------------------------------------------
    # Construction helpers
    # ----------------------------------------------------------------------------------------

    def _missing_route(self, route: str) -> IPCError | None:
        # A skipped broken plugin's route says why; the backend's read at each call: the core
        # backend plugin may find the backend's commands broken after it imported.
        backend = self.backend.missing_route if self.backend is not None else lambda _: None
        return self._loaded.unavailable(route) or backend(route)

    def _plugin_broken(self, plugin: str, error: PluginLoadError) -> None:
        """Raise ``error``; or, when skipping broken plugins while the host is built, drop
        ``plugin`` and everything it registered so that the host is built as if it were not
        installed. A plugin that joins the built host (an extension a page loads) is never
        dropped: the error goes to its loader, which undoes the load and can try it again."""
        if self._is_built or self._loaded.stops(plugin):
            raise self._loaded.refusal(self._loaded.info(plugin), error)
        plugin_logger.warning(SKIPPED, error)
        if plugin in self.hooks.configured:
            self.hooks.unconfigure(self, plugin=plugin)
        self._loaded.mark_broken(plugin, error)
        for registry in self._registries:
            registry.drop_plugin(plugin)
        if self._is_config_loaded:
            self.config.drop_undeclared()

    def _load_plugins(
        self,
        environ: dict[str, str],
        plugins: Sequence[object],
        autoload: bool,
        early: Config,
        extensions: Sequence[str],
        *,
        load_backend: bool,
    ) -> LoadedPlugins:
        settings = early.settings(PluginSettings)
        disabled = settings.disable
        if disabled:
            listed = [environ.get("ORO_DISABLE_PLUGINS", ""), *map(str, disabled)]
            environ["ORO_DISABLE_PLUGINS"] = ",".join(name for name in listed if name)
        loaded = create_plugin_manager(
            autoload=autoload,
            plugins=plugins,
            environ=environ,
            strict=BrokenPolicy.of(settings, skip_all=self.skips_broken_plugins),
            isolation=IsolationPlan.of(settings),
        )
        # The app names its extensions itself: they load without autoload too (tests). A core
        # plugin is never one: it starts with the app.
        found = listed_entry_points(environ, extensions) if extensions else []
        entries = [entry for entry in found if entry.distribution != CORE_DISTRIBUTION]
        self._listed_core = {entry.name for entry in found if entry not in entries}
        for entry_point in entries:
            if not any(info.name == entry_point.name for info in loaded.infos):
                load_entry_point(loaded, entry_point)
        self._extension_entries = [(entry.name, entry.distribution) for entry in entries]
        if load_backend:  # The app's own plugins (plugins/*.py) are its code, as backend.py is.
            load_app_plugins(loaded, self.app_dir, early, environ)
        source = find_backend(self.app_dir, early.settings(BackendSettings).module)
        load = import_backend if load_backend else unimported_backend
        self.backend: AppBackend | None = None if source is None else load(self.app_dir, source)
        """The app's own Python backend (``backend.py``), registered as the plugin
        ``backend`` once imported; ``None`` when the app has none."""
        if self.backend is not None and self.backend.module is not None:
            info = PluginInfo(
                BACKEND_PLUGIN, module=self.backend.module.__name__, entry_point=self.backend.source
            )
            register_plugin(loaded, self.backend.module, info, not self.skips_broken_plugins)
        loaded.check_required()
        for error in loaded.errors:
            plugin_logger.warning(SKIPPED, error)
        return loaded

    def _warn_missing_extensions(self, listed: Sequence[str]) -> None:
        found = {name for entry, dist in self._extension_entries for name in (entry, dist)}
        for name in listed:
            if name in self._listed_core or name == CORE_DISTRIBUTION:
                plugin_logger.warning(
                    "[extensions] allow lists '%s', a plugin of oro-framework: it starts with "
                    "the app, it is no extension",
                    name,
                )
            elif name not in found:
                plugin_logger.warning(
                    "[extensions] allow lists '%s', which no installed and enabled plugin "
                    "provides: pages cannot load it",
                    name,
                )

    # ----------------------------------------------------------------------------------------
    # Introspection
    # ----------------------------------------------------------------------------------------

    @property
    def plugins(self) -> list[PluginInfo]:
        """Every plugin of this host (the built-in ``oro`` included), broken ones with their
        error (and the hook that raised)."""
        return list(self._loaded.infos)

    def plugin_info(self, name: str) -> PluginInfo:
        """The plugin named ``name``, loaded or broken.

        :raises KeyError: no plugin has that name.
        """
        return self._loaded.info(name)

    def settings(self, cls: type[T]) -> T:
        """The settings dataclass ``cls`` with this host's config values; its plugin declared it
        with ``config.add_settings(cls, section=...)``.

        :raises LookupError: no plugin of this host declared ``cls``.
        """
        return self.config.settings(cls)

    def is_permission_allowed(self, name: str) -> bool:
        """Whether config allows permission ``name`` (``permissions.allow_<name>``)."""
        return bool(self.config.get(f"permissions.allow_{name}", False))

    # ----------------------------------------------------------------------------------------
    # Requests and events
    # ----------------------------------------------------------------------------------------

    async def call(
        self,
        route: str,
        params: Mapping[str, Any] | None = None,
        *,
        body: bytes = b"",
        window: int | None = None,
        transport: str = "memory",
        request_id: str = "0",
    ) -> Reply:
        """Dispatch one request through the router, exactly as a transport does."""
        from oro_framework.host.request import Request

        request = Request(
            route,
            host=self,
            params=params,
            body=body,
            window=window,
            transport=transport,
            id=request_id,
        )
        return await self.router.dispatch(request)

    def emit(self, name: str, data: Any = None, *, window: int | None = None) -> None:
        """Send event ``name`` to one window's page(s), or every window's when ``None``; from
        any thread (off the loop's, it runs on the loop: :class:`~.events.EventBus`)."""
        self.events.emit(name, data, window=window)

    # ----------------------------------------------------------------------------------------
    # Lifecycle
    # ----------------------------------------------------------------------------------------

    # task_status is None by default, not anyio.TASK_STATUS_IGNORED: reading that attribute
    # when the class is made loads anyio's modules (anyio imports them lazily), which a host
    # that only declares (`oro config get`) never needs.
    async def run(self, *, task_status: TaskStatus[None] | None = None) -> None:
        """Start every service, report started, and run until :meth:`stop` is called or the
        surrounding scope is cancelled; then stop the services and unconfigure the plugins.

        A service that fails to start or crashes is restarted with backoff while the rest of the
        host keeps serving (see :class:`~oro_framework.host.services.ServiceRunner`).

        :raises ServiceError: a service registered with ``required=True`` failed to start or
            crashed (naming it).
        :raises LifecycleError: the host was built with ``declare_only``.
        """
        if not self._is_built:
            raise LifecycleError("a host built with declare_only cannot run")
        self._stop_requested = anyio.Event()
        tune_allocator()
        for directory in (self.paths.data, self.paths.cache, self.paths.temp):
            directory.mkdir(parents=True, exist_ok=True)
        self.paths.state.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.watchdog.install()
        self.events.loop.bind()  # emit and stop from other threads run on this loop
        try:
            async with anyio.create_task_group() as task_group:
                self._task_group = task_group
                await self._runner.start_all(task_group)
                self._set_state(LifecycleState.RUNNING, LifecycleEvent.STARTED)
                if task_status is not None:
                    task_status.started()
                await self._stop_requested.wait()
                await self._shutdown()
        except BaseExceptionGroup as group:
            service_error = _first_service_error(group)
            if service_error is None:
                raise
            # Its cause is what the service raised, which the task group's wrapping would hide.
            raise service_error from service_error.__cause__
        finally:
            self._task_group = None
            self.watchdog.uninstall()
            if self.lifecycle is not LifecycleState.STOPPED:
                with anyio.CancelScope(shield=True):
                    await self._shutdown()
            self.close()

    async def _shutdown(self) -> None:
        if self.lifecycle in (LifecycleState.STOPPING, LifecycleState.STOPPED):
            return
        self._set_state(LifecycleState.STOPPING, LifecycleEvent.STOPPING)
        # Routes stop before the services and plugins they use: a request arriving now is
        # answered ShuttingDownError, one already running gets a moment to finish.
        await self.router.drain(SHUTDOWN_GRACE_SECONDS)
        await self._runner.stop_all()
        self._set_state(LifecycleState.STOPPED, LifecycleEvent.STOPPED)

    @property
    def is_stopping(self) -> bool:
        """The host is stopping or stopped: pages and routes are being let go, and plugins
        may already be unconfigured, so nothing may call into them any more."""
        return self.lifecycle in (LifecycleState.STOPPING, LifecycleState.STOPPED)

    def stop(self) -> None:
        """Ask :meth:`run` to stop the services and return; more than once, from any thread."""
        if self._stop_requested is not None:
            self.events.loop.call(self._stop_requested.set)

    async def pause(self) -> None:
        """running → paused: stop services registered with ``stop_on_pause``, then notify."""
        self.lifecycle = transition(self.lifecycle, LifecycleState.PAUSED)
        for service in self.services:
            if service.stop_on_pause:
                await self._runner.stop(service.name)
        self._notify(LifecycleEvent.PAUSED)

    async def resume(self) -> None:
        """paused → running: start the services stopped by :meth:`pause` again, then notify."""
        from oro_framework.host.services import ServiceState

        # The state check comes first so that resuming a stopped host is a LifecycleError too.
        target = transition(self.lifecycle, LifecycleState.RUNNING)
        if self._task_group is None:
            raise LifecycleError("cannot resume a host whose run() is not active")
        self.lifecycle = target
        for service in self.services:
            # A failed service stays failed until the host restarts, pause or not.
            state = self._runner.status(service.name).state
            if service.stop_on_pause and state is ServiceState.STOPPED:
                await self._runner.start(self._task_group, service)
        self._notify(LifecycleEvent.RESUMED)

    @property
    def running_services(self) -> list[str]:
        """Names of the services that are up (state ``running``), in start order."""
        return self._runner.running

    def service_status(self, name: str) -> ServiceStatus:
        """State, restarts and last error of service ``name``.

        :raises KeyError: no service is registered under ``name``.
        """
        return self._runner.status(name)

    @property
    def service_statuses(self) -> list[ServiceStatus]:
        """Every service's status, in registration order."""
        return list(self._runner)

    def _set_state(self, state: LifecycleState, event: LifecycleEvent) -> None:
        self.lifecycle = transition(self.lifecycle, state)
        self._notify(event)

    def _notify(self, event: LifecycleEvent) -> None:
        self.hooks.lifecycle_event(self, event)

    def close(self) -> None:
        """Unconfigure the plugins (``oro_unconfigure``); idempotent. :meth:`run` calls it."""
        if self._is_configured:
            self._is_configured = False
            if self.lifecycle is LifecycleState.INIT:
                self.lifecycle = LifecycleState.STOPPED
            self.hooks.unconfigure(self)

    def __repr__(self) -> str:
        return f"<Host {self.app_dir} {self.lifecycle.value} plugins={len(self.plugins)}>"


SHUTDOWN_GRACE_SECONDS: Final = 2.0
"""How long requests already running when the host stops may take to finish before they are
cancelled (their callers get ShuttingDownError)."""


def _first_service_error(group: BaseExceptionGroup[BaseException]) -> ServiceError | None:
    for error in group.exceptions:
        if isinstance(error, ServiceError):
            return error
        if isinstance(error, BaseExceptionGroup):
            nested = _first_service_error(error)
            if nested is not None:
                return nested
    return None
