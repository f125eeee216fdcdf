"""Finding, loading and describing plugins: one :class:`pluggy.PluginManager` per host.

Plugins come from the ``oro`` entry-point group (oro-framework's own core plugins included) or are
handed over explicitly (tests). Environment variables steer discovery:

* ``ORO_DISABLE_PLUGINS=a,b``: skip these entry points (by entry-point or distribution name).
* ``ORO_LOAD_PLUGINS=a,b``: load only these third-party plugins (core plugins still load unless
  disabled); an empty value loads none.
* ``ORO_TRACE_PLUGINS=1``: print each plugin registered and each hook call (hook, plugin,
  milliseconds) to stderr (:mod:`oro_framework.host.tracing`).

An installed plugin (an entry point of a distribution other than oro-framework) that is broken
(its import fails or takes longer than ``ORO_PLUGIN_IMPORT_TIMEOUT`` seconds, the loader refuses
a hook, its build hook raises) is skipped with a warning and its routes answer
:class:`~oro_framework.host.errors.PluginUnavailableError`, unless the app requires it (config
key ``plugins.require``) or every plugin must load (``plugins.strict``, ``--strict-plugins``):
:class:`BrokenPolicy`. oro-framework's own plugins, and those handed over explicitly, stop the
host when broken. ``ORO_SKIP_BROKEN_PLUGINS=1`` (config key ``plugins.skip_broken``) drops
every broken plugin but the host's own instead; see :class:`~oro_framework.Host`.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import types
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, cast, final

import pluggy

from oro_framework import hookspecs
from oro_framework.host import builtin, tracing
from oro_framework.host.contract import check_plugin_api
from oro_framework.host.declaration import DECLARATION_NAME, Plugin, assemble
from oro_framework.host.errors import PluginLoadError, PluginUnavailableError
from oro_framework.host.installed import FRAMEWORK_DISTRIBUTION, PluginEntry, plugin_entries
from oro_framework.host.isolation import RUNNING_ISOLATED, IsolationPlan, asks_isolation
from oro_framework.host.plugin_faults import (
    DEFAULT_IMPORT_TIMEOUT,
    ImportHung,
    import_time_limit,
    imported_within,
    invalid_arguments,
    unknown_hook,
)
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.builtin_settings import PluginSettings

__all__ = [
    "BUILTIN_PLUGIN",
    "LOAD_PLUGINS_ENV",
    "SKIPPED",
    "BrokenPolicy",
    "LoadedPlugins",
    "PluginInfo",
    "create_plugin_manager",
    "discover",
    "fail_plugin",
    "listed_entry_points",
    "load_entry_point",
    "register_plugin",
]

CORE_DISTRIBUTION: Final = FRAMEWORK_DISTRIBUTION
ROUTE_CALL_HOOK: Final = "oro_route_call"
BUILTIN_PLUGIN: Final = "oro"
"""The host's own plugin (:mod:`oro_framework.host.builtin`): always registered first, never
disabled, never skipped as broken."""
LOAD_PLUGINS_ENV: Final = "ORO_LOAD_PLUGINS"
"""Only these third-party plugins load (comma-separated names); a system package's launcher
sets it to the app's plugins."""
SKIPPED: Final = (
    "skipping broken plugin: %s; the app goes on without it and its routes answer "
    "PluginUnavailableError (ERR_PLUGIN_NOT_LOADED); [plugins] require or --strict-plugins "
    "stops the app instead"
)
"""The warning, once per plugin, that the host goes on without a broken plugin (the logging
format of its :class:`PluginLoadError`)."""


@final
@record
class PluginInfo:
    """What ``oro plugins list`` shows about one plugin, loaded or broken.

    :ivar name: the entry-point name (``fs``), the plugin's name everywhere.
    :ivar distribution: what the user installed (``oro-fs``), when known.
    :ivar error: why the plugin is broken (``None`` when it is not).
    :ivar failed_hook: the hook that raised (``oro_register_routes``), for a plugin broken
        while the host was built; ``None`` for an import or validation failure.
    """

    name: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    module: str | None = None
    hooks: tuple[str, ...] = ()
    error: str | None = None
    failed_hook: str | None = None
    isolated: bool = False

    @property
    def is_core(self) -> bool:
        return self.distribution == CORE_DISTRIBUTION

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "entry_point": self.entry_point,
            "module": self.module,
            "hooks": list(self.hooks),
            "error": self.error,
            "failed_hook": self.failed_hook,
            "distribution": self.distribution,
            "isolated": self.isolated,
        }


@final
@record
class BrokenPolicy:
    """Which broken plugins stop the host and which it goes on without (see the module).

    :ivar skip_all: drop every broken plugin but the host's own (``--skip-broken-plugins``:
        the commands that list or describe what is installed).
    :ivar strict: every broken plugin stops the host (``--strict-plugins``).
    :ivar required: entry-point or distribution names the app cannot run without.
    """

    skip_all: bool = False
    strict: bool = False
    required: frozenset[str] = frozenset()

    def stops(self, info: PluginInfo, *, explicit: bool = False) -> bool:
        """Whether ``info``'s plugin, broken, stops the host; ``explicit``: it was handed over
        (a test's plugin), not found installed."""
        if info.name == BUILTIN_PLUGIN:
            return True
        if self.skip_all:
            return False
        installed = info.distribution not in (None, CORE_DISTRIBUTION)
        return self.strict or explicit or not installed or self.is_required(info)

    def is_required(self, info: PluginInfo) -> bool:
        return bool({info.name, info.distribution} & self.required)

    @classmethod
    def of(cls, settings: PluginSettings, *, skip_all: bool) -> BrokenPolicy:
        """The policy the app's ``[plugins]`` settings ask for."""
        return cls(skip_all, settings.strict, frozenset(settings.require))


class LoadedPlugins:
    """The outcome of :func:`create_plugin_manager`.

    :ivar traced: ``ORO_TRACE_PLUGINS`` is on: registrations and hook calls are printed to
        stderr.
    """

    def __init__(
        self,
        manager: pluggy.PluginManager,
        *,
        traced: bool = False,
        policy: BrokenPolicy | None = None,
        import_timeout: float = DEFAULT_IMPORT_TIMEOUT,
        isolation: IsolationPlan | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.manager = manager
        self.infos: list[PluginInfo] = []
        self.errors: list[PluginLoadError] = []
        self.traced = traced
        self.policy = policy if policy is not None else BrokenPolicy(strict=True)
        self.explicit: set[str] = set()
        """The plugins handed over explicitly (not found installed): a broken one stops."""
        self.import_timeout = import_timeout
        self.isolation = isolation if isolation is not None else IsolationPlan()
        """Which plugins run in a process of their own (``[plugins] isolate``)."""
        self.environ: Mapping[str, str] = environ or {}

    @property
    def registered(self) -> frozenset[str]:
        """The names of the plugins registered now: not broken, not set aside."""
        return frozenset(
            name for name, plugin in self.manager.list_name_plugin() if plugin is not None
        )

    def info(self, name: str) -> PluginInfo:
        """The plugin named ``name``.

        :raises KeyError: no plugin has that name.
        """
        for info in self.infos:
            if info.name == name:
                return info
        raise KeyError(name)

    def hook_error(self, name: str, hook: str, error: Exception) -> PluginLoadError:
        """The :class:`PluginLoadError` for ``error`` raised by plugin ``name``'s ``hook``."""
        info = self.info(name)
        # One line whatever the exception's text: the command line shows exactly this.
        text = " ".join(str(error).split())
        raised = f"{type(error).__name__}: {text}" if text else type(error).__name__
        return PluginLoadError(
            f"hook {hook} raised {raised}",
            entry_point=info.entry_point or name,
            distribution=info.distribution,
            hook=hook,
        )

    def stops(self, name: str) -> bool:
        """Whether plugin ``name``, broken, stops the host (:class:`BrokenPolicy`)."""
        return self.policy.stops(self.info(name), explicit=name in self.explicit)

    def refusal(self, info: PluginInfo, error: PluginLoadError) -> PluginLoadError:
        """``error`` of plugin ``info`` as it stops the host, saying why it does when the
        plugin could have been skipped: the app requires it, or every plugin must load."""
        if self.policy.is_required(info):
            why = "the app requires it ([plugins] require), so it does not start without it"
        elif self.policy.strict and info.distribution not in (None, CORE_DISTRIBUTION):
            why = "--strict-plugins (plugins.strict) stops on any broken plugin"
        else:
            return error
        refused = PluginLoadError(
            f"{error.reason}; {why}",
            entry_point=error.entry_point,
            distribution=error.distribution,
            hook=error.hook,
        )
        refused.__cause__ = error.__cause__
        return refused

    def check_required(self) -> None:
        """Stop the host when a plugin the app requires is not there (not installed, or
        disabled).

        :raises PluginLoadError: naming the first one missing.
        """
        present = {name for info in self.infos for name in (info.name, info.distribution)}
        for name in sorted(self.policy.required - present):
            raise PluginLoadError(
                "the app requires this plugin ([plugins] require), and no installed and "
                "enabled plugin has that name; install it (oro plugins install) or remove it "
                "from [plugins] require",
                entry_point=name,
                distribution=None,
            )

    def unavailable(self, route: str) -> PluginUnavailableError | None:
        """The error a request to ``route`` gets when its namespace (``clipnotes`` of
        ``clipnotes.save``) is a broken plugin's name, skipped; ``None`` otherwise."""
        if not self.errors:
            return None
        namespace = route.split(".", 1)[0].lower()
        for info in self.infos:
            if info.error is not None and info.name.lower() == namespace:
                cause = _brief(info.error)
                return PluginUnavailableError(
                    f"Plugin '{info.name}' is not loaded, so route '{route}' is unavailable: "
                    f"{cause} (details in the host log)",
                    plugin=info.name,
                    cause=cause,
                    state="broken",
                )
        return None

    def mark_broken(self, name: str, error: PluginLoadError) -> None:
        """Record ``error`` on plugin ``name`` and unregister it, so no hook calls it again."""
        self.manager.unregister(name=name)
        self.errors.append(error)
        self.infos = [
            dataclasses.replace(info, error=error.reason, failed_hook=error.hook)
            if info.name == name
            else info
            for info in self.infos
        ]


_EXCEPTION_TEXT: Final = r"^(.*?\b[A-Z]\w*(?:Error|Exception|Exit|Interrupt))(?::\s.*)?$"
"""A reason that quotes an exception: what comes before its text, the text left out (compiled
on first use, by :mod:`re`'s cache: only a request to a broken plugin needs it)."""


def _brief(reason: str) -> str:
    """``reason`` as a page may read it: the loader's words and the exception's type, not the
    exception's text (``import failed: ModuleNotFoundError``), which may hold anything the
    plugin put there; the host's log and ``oro plugins list`` have it whole."""
    match = re.match(_EXCEPTION_TEXT, reason, re.DOTALL)
    return match.group(1) if match else reason


def _names(environ: Mapping[str, str], variable: str) -> set[str] | None:
    if variable not in environ:
        return None
    return {name.strip() for name in environ[variable].split(",") if name.strip()}


def discover(environ: Mapping[str, str], *, core: bool = True) -> list[PluginEntry]:
    """The entry points of group ``oro`` that the environment lets load, sorted by
    distribution then name; duplicates (a distribution seen on two paths) appear once. Without
    ``core``, none of oro-framework's own (:mod:`oro_framework.core`)."""
    disabled = _names(environ, "ORO_DISABLE_PLUGINS") or set()
    only = _names(environ, LOAD_PLUGINS_ENV)
    chosen: dict[tuple[str | None, str], PluginEntry] = {}
    for entry_point in plugin_entries():
        distribution = entry_point.distribution
        if {entry_point.name, distribution} & disabled:
            continue
        is_core = distribution == CORE_DISTRIBUTION
        if is_core and not core:
            continue
        if only is not None and not is_core and not {entry_point.name, distribution} & only:
            continue
        chosen.setdefault((distribution, entry_point.name), entry_point)
    return sorted(chosen.values(), key=lambda ep: (ep.distribution or "", ep.name))


def _describe(entry_point: PluginEntry) -> str:
    return f"{entry_point.name} = {entry_point.value}"


@final
class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, finding a plugin module's hook implementations the way pluggy does
    but without ``inspect.getattr_static`` for each of its names: pluggy reads every name that
    ``dir()`` gives (~1,000 in the host's 25 plugin modules, ~4 ms of every command), and a
    module's namespace holds what that lookup finds (``tests/test_plugins.py`` compares the
    two)."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if type(plugin) is not types.ModuleType or name in _MODULE_DESCRIPTORS:
            return super().parse_hookimpl_opts(plugin, name)
        value = vars(plugin).get(name)
        if inspect.isfunction(value):
            # The attribute pluggy's HookimplMarker sets, named as pluggy names it.
            opts = getattr(value, f"{self.project_name}_impl", None)
            return cast("pluggy.HookimplOpts", opts) if isinstance(opts, dict) else None
        if isinstance(value, staticmethod | classmethod | types.MethodType):
            return super().parse_hookimpl_opts(plugin, name)
        return None


_MODULE_DESCRIPTORS: Final = frozenset(
    name
    for name in dir(types.ModuleType)
    if inspect.isdatadescriptor(inspect.getattr_static(types.ModuleType, name))
)
"""Names a module's type answers before its namespace (``__dict__``, ``__annotations__``...)."""


def create_plugin_manager(
    *,
    autoload: bool = True,
    plugins: Sequence[object] = (),
    environ: Mapping[str, str] | None = None,
    strict: bool | BrokenPolicy = True,
    core: bool = True,
    isolation: IsolationPlan | None = None,
) -> LoadedPlugins:
    """Build a new plugin manager with the hookspecs, the host's built-in plugin, the discovered
    entry points (when ``autoload``) and ``plugins``; validate every one against the hookspecs.

    :param plugins: plugin objects (modules, classes or instances with ``oro_*`` hookimpls),
        registered after the entry points, in order.
    :param strict: raise the first :class:`PluginLoadError`; ``False``: record it in
        :attr:`LoadedPlugins.errors` and its :class:`PluginInfo` and go on without that plugin;
        a :class:`BrokenPolicy`: decide plugin by plugin (explicit ``plugins`` stop unless it
        skips all).
    :param isolation: which plugins run in a process of their own, and their limits.
    :param core: load the core plugins (:mod:`oro_framework.core`); ``oro --help`` leaves them
        out, as they add no command (a test keeps it so) and import the host's route machinery.
    :raises PluginLoadError: a plugin could not be imported or breaks the hookspecs (``strict``).
    """
    environ = environ if environ is not None else {}
    manager = _PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    traced = tracing.enabled(environ)
    if traced:
        tracing.install(manager, lambda: sys.stderr)
    policy = strict if isinstance(strict, BrokenPolicy) else BrokenPolicy(not strict, strict)
    loaded = LoadedPlugins(
        manager,
        traced=traced,
        policy=policy,
        import_timeout=import_time_limit(environ),
        isolation=isolation,
        environ=environ,
    )
    own = PluginInfo(BUILTIN_PLUGIN, CORE_DISTRIBUTION, _own_version(), module=builtin.__name__)
    register_plugin(loaded, builtin, own, True)
    for entry_point in discover(environ, core=core) if autoload else []:
        load_entry_point(loaded, entry_point)
    if plugins:
        by_module = {ep.value: ep for ep in plugin_entries()}
        for plugin in plugins:
            info = _explicit_info(plugin, by_module)
            loaded.explicit.add(info.name)
            if isinstance(plugin, types.ModuleType) and loaded.isolation.isolates(
                info.name, info.distribution
            ):
                load_isolated(loaded, plugin.__name__, info, not policy.skip_all)
                continue
            register_plugin(loaded, plugin, info, not policy.skip_all)
    return loaded


def load_entry_point(
    loaded: LoadedPlugins, entry_point: PluginEntry, strict: bool | None = None
) -> None:
    """Import ``entry_point`` and register its plugin (see :func:`register_plugin`); a failed
    import, or one that takes longer than :attr:`LoadedPlugins.import_timeout` (an installed
    plugin's), raises (``strict``; ``None``: as :attr:`LoadedPlugins.policy` says) or is
    recorded as a broken plugin."""
    info = PluginInfo(
        entry_point.name,
        entry_point.distribution,
        entry_point.version,
        _describe(entry_point),
        entry_point.module,
    )
    if entry_point.distribution != CORE_DISTRIBUTION and loaded.isolation.isolates(
        entry_point.name, entry_point.distribution
    ):
        load_isolated(loaded, entry_point.module, info, strict)
        return
    try:
        if entry_point.distribution == CORE_DISTRIBUTION:
            plugin = entry_point.load()
        else:
            plugin = imported_within(entry_point, loaded.import_timeout)
    except ImportHung as hung:
        _fail(loaded, info, str(hung), strict)
        return
    except Exception as error:
        _fail(loaded, info, f"import failed: {type(error).__name__}: {error}", strict)
        return
    register_plugin(loaded, plugin, info, strict)


def load_isolated(
    loaded: LoadedPlugins, module: str, info: PluginInfo, strict: bool | None = None
) -> None:
    """Register the stand-in of plugin ``info``, whose process imports ``module``
    (:mod:`oro_framework.host.isolation`); one that fails is broken, as a failed import is."""
    from oro_framework.host.isolation.proxy import IsolatedPlugin

    try:
        proxy = IsolatedPlugin.start(
            info.name,
            module,
            environ=loaded.environ,
            limits=loaded.isolation.limits(handshake=loaded.import_timeout),
        )
    except PluginLoadError as error:
        _fail(loaded, info, error.reason, strict)
        return
    register_plugin(loaded, proxy, dataclasses.replace(info, isolated=True), strict)


def listed_entry_points(environ: Mapping[str, str], names: Collection[str]) -> list[PluginEntry]:
    """The entry points :func:`discover` lets load whose entry-point or distribution name is
    one of ``names`` (the app's extensions)."""
    wanted = set(names)
    return [
        entry_point
        for entry_point in discover(environ)
        if {entry_point.name, entry_point.distribution} & wanted
    ]


def _own_version() -> str:
    from oro_framework import __version__

    return __version__


def _explicit_info(plugin: object, by_module: Mapping[str, PluginEntry]) -> PluginInfo:
    if isinstance(plugin, types.ModuleType):
        entry_point = by_module.get(plugin.__name__)
        if entry_point is not None:
            return PluginInfo(
                entry_point.name,
                entry_point.distribution,
                entry_point.version,
                _describe(entry_point),
                plugin.__name__,
            )
        return PluginInfo(plugin.__name__, module=plugin.__name__)
    name = getattr(plugin, "name", None)
    if not isinstance(name, str):
        name = plugin.__name__ if isinstance(plugin, type) else type(plugin).__name__
    return PluginInfo(name, module=type(plugin).__module__)


def _fail(loaded: LoadedPlugins, info: PluginInfo, reason: str, strict: bool | None) -> None:
    error = PluginLoadError(
        reason, entry_point=info.entry_point or info.name, distribution=info.distribution
    )
    if strict is None:
        strict = loaded.policy.stops(info, explicit=info.name in loaded.explicit)
    if strict:
        raise loaded.refusal(info, error)
    loaded.errors.append(error)
    loaded.infos.append(PluginInfo(**{**info.__dict__, "error": reason}))


def fail_plugin(
    loaded: LoadedPlugins, info: PluginInfo, reason: str, strict: bool | None = None
) -> None:
    """Raise (``strict``; ``None``: as :attr:`LoadedPlugins.policy` says) or record plugin
    ``info`` as broken for ``reason``, as a failed import of an entry point is: for the app's
    own plugins (``host/app_plugins.py``)."""
    _fail(loaded, info, reason, strict)


def register_plugin(
    loaded: LoadedPlugins, plugin: object, info: PluginInfo, strict: bool | None = None
) -> None:
    """Register ``plugin`` as ``info.name`` and validate it against the hookspecs, recording
    its :class:`PluginInfo`; a failure raises (``strict``; ``None``: as
    :attr:`LoadedPlugins.policy` says) or is recorded as a broken plugin."""
    manager = loaded.manager
    if manager.get_plugin(info.name) is not None:
        _fail(loaded, info, f"a plugin named '{info.name}' is already registered", strict)
        return
    if asks_isolation(plugin) and not RUNNING_ISOLATED.is_set() and info.module is not None:
        load_isolated(loaded, info.module, info, strict)
        return
    try:
        check_plugin_api(plugin, info.entry_point or info.name, info.distribution)
        plugin = _assembled(plugin)
        manager.register(plugin, name=info.name)
    except PluginLoadError as error:
        _fail(loaded, info, error.reason, strict)
        return
    except pluggy.PluginValidationError as error:
        explained = invalid_arguments(manager, plugin)
        reason = explained or " ".join(str(error).split())
        _fail(loaded, info, f"invalid hook implementation: {reason}", strict)
        return
    except ValueError as error:
        _fail(loaded, info, str(error), strict)
        return
    problem = _validate(manager, plugin)
    if problem is not None:
        manager.unregister(plugin)
        _fail(loaded, info, problem, strict)
        return
    # An isolated plugin's stand-in lists the plugin's own hooks, which its process runs.
    hooks = getattr(plugin, "own_hooks", None) or tuple(
        sorted(caller.name for caller in manager.get_hookcallers(plugin) or ())
    )
    loaded.infos.append(PluginInfo(**{**info.__dict__, "hooks": hooks}))
    if loaded.traced:
        tracing.registered(sys.stderr, info.name, info.distribution, info.version, info.module)


def _assembled(plugin: object) -> object:
    """What to register for ``plugin``: an entry module with a declaration (``plugin =
    Plugin(...)``, :mod:`oro_framework.host.declaration`) registers its hooks and the declared
    ones as one plugin.

    :raises ValueError: the declaration and the module's hooks cannot share a hook.
    """
    if type(plugin) is not types.ModuleType:
        return plugin
    declaration = vars(plugin).get(DECLARATION_NAME)
    if not isinstance(declaration, Plugin):
        return plugin
    return assemble(plugin, declaration)


def _validate(manager: pluggy.PluginManager, plugin: object) -> str | None:
    """Why ``plugin`` breaks the hookspecs (misspelled or async hooks), or ``None``."""
    for caller in manager.get_hookcallers(plugin) or ():
        for implementation in caller.get_hookimpls():
            if implementation.plugin is not plugin:
                continue
            if not caller.has_spec() and not implementation.optionalhook:
                return unknown_hook(manager, caller.name)
            if inspect.iscoroutinefunction(implementation.function):
                return f"hook '{caller.name}' is 'async def'; hooks must be synchronous"
            # Old-style hookwrapper=True wrappers are refused too: the router runs the chain
            # itself, as new-style ones (host/route_wrappers.py).
            if caller.name == ROUTE_CALL_HOOK and not implementation.wrapper:
                # A plain one would answer in the handler's place: replacing another plugin's
                # route is what registration refuses as a conflict.
                return (
                    f"hook {ROUTE_CALL_HOOK} must be a wrapper: @hookimpl(wrapper=True), a "
                    "generator that yields once"
                )
    return None
