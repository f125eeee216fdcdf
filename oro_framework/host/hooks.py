"""A typed facade over the plugin manager's hooks, so host code never calls ``pm.hook`` untyped.

It also draws the line between a plugin's failure and the host's: an exception from a hook
called while the host is built, or while an extension joins it (the steps of
:mod:`~oro_framework.host.pipeline`), becomes a :class:`PluginLoadError` naming the plugin and
the hook (handed to the host, which stops, drops the plugin or undoes the extension's load), and
an exception from a hook called while the host runs is logged in one line and never takes the
host down.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from types import CodeType, ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias, final

import pluggy

from oro_framework.host.errors import ConfigError, IPCError, PluginLoadError
from oro_framework.host.plugins import LoadedPlugins
from oro_framework.host.registry import Registry
from oro_framework.host.route_wrappers import RouteWrappers

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.permission_broker import PermissionRequest
    from oro_framework.host.request import Request
    from oro_framework.host.windows.model import Window

__all__ = ["BrokenPluginHandler", "HookCaller"]

logger = logging.getLogger("oro_framework.hooks")

BrokenPluginHandler: TypeAlias = Callable[[str, PluginLoadError], None]
"""Called with the plugin's name and its error when a build-time hook raised; it raises the
error (the default) or drops the plugin so that the build goes on without it."""


def _raise(plugin: str, error: PluginLoadError) -> None:
    raise error


def _log_failure(plugin: str, hook: str, error: Exception, *, during: str = "") -> None:
    """One line naming the plugin and the hook; the traceback too when INFO is enabled
    (``oro -v``), because a user needs the line and a plugin author the traceback."""
    logger.error(
        "plugin %r: hook %s%s raised %s: %s",
        plugin,
        hook,
        during,
        type(error).__name__,
        error,
        exc_info=error if logger.isEnabledFor(logging.INFO) else None,
    )


def _codes(function: object) -> Iterator[CodeType]:
    """The code of ``function`` and of every function, lambda and comprehension defined in it:
    a wrapper's ``async def`` or ``lambda`` raises from its own code, not the hook's."""
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    pending = [code] if isinstance(code, CodeType) else []
    while pending:
        code = pending.pop()
        yield code
        pending.extend(const for const in code.co_consts if isinstance(const, CodeType))


def _plugin_functions(plugin: object) -> Iterator[object]:
    """The functions a plugin defines: a module's own, or its class's methods."""
    if isinstance(plugin, ModuleType):
        for value in vars(plugin).values():
            if inspect.isfunction(value) and value.__module__ == plugin.__name__:
                yield value
        return
    for klass in type(plugin).__mro__[:-1]:
        for value in vars(klass).values():
            yield getattr(value, "__func__", value)


def _specifiers(answer: object) -> list[str]:
    """An ``oro_service_worker_modules`` answer as a list of specifiers.

    :raises TypeError: it is not a sequence of strings (a lone string included: its
        characters are no specifiers)."""
    if isinstance(answer, list | tuple) and all(isinstance(item, str) for item in answer):
        return list(answer)
    raise TypeError(f"answered {answer!r}: answer a list of JS module specifiers or None")


@final
class HookCaller:
    """One method per hook of :mod:`oro_framework.hookspecs`.

    :param loaded: the plugins to call (their manager and descriptions).
    :param on_broken: what to do when a hook called while the host is built raises: the default
        raises the :class:`PluginLoadError`.
    """

    def __init__(
        self, loaded: LoadedPlugins, *, on_broken: BrokenPluginHandler | None = None
    ) -> None:
        self._loaded = loaded
        self._manager = loaded.manager
        self._on_broken = on_broken or _raise
        self.configured: set[str] = set()
        """The plugins whose ``oro_configure`` returned normally."""
        self.wrapper_chain = RouteWrappers(self._manager.hook.oro_route_call)
        """The plugins' ``oro_route_call`` wrappers, run around each route call by the
        router; a wrapper that fails leaves the chain for the rest of the run."""

    def implementers(self, hook_name: str) -> list[tuple[str, pluggy.HookCaller]]:
        """Each plugin implementing ``hook_name`` in registration order (``tryfirst`` ones first,
        ``trylast`` ones last), with a caller that reaches only that plugin.

        Calling plugins one at a time is what lets a registry attribute every entry to its
        plugin; ``subset_hook_caller`` keeps pluggy's tracing and monitoring in the path.
        Registration order (not pluggy's last-registered-first call order) makes the plugin that
        loaded first own a contested name, and configures core plugins before their dependents.
        """
        hook: pluggy.HookCaller = getattr(self._manager.hook, hook_name)
        plugins = self._manager.get_plugins()
        callers: list[tuple[str, pluggy.HookCaller]] = []
        # get_hookimpls() lists plain implementations in registration order; the sort is stable.
        implementations = sorted(
            hook.get_hookimpls(), key=lambda impl: 0 if impl.tryfirst else 2 if impl.trylast else 1
        )
        for implementation in implementations:
            others = [plugin for plugin in plugins if plugin is not implementation.plugin]
            callers.append(
                (implementation.plugin_name, self._manager.subset_hook_caller(hook_name, others))
            )
        return callers

    def hook_error(self, plugin: str, hook: str, error: Exception) -> PluginLoadError:
        """The :class:`PluginLoadError` for ``plugin``'s ``hook`` raising ``error``, for callers
        that call a hook through :meth:`implementers` themselves (``oro``'s commands)."""
        return self._loaded.hook_error(plugin, hook, error)

    # ----------------------------------------------------------------------------------------
    # While the host is built or an extension joins it: a raising hook is a PluginLoadError
    # ----------------------------------------------------------------------------------------

    def _build_step(
        self, hook_name: str, plugin: str, caller: pluggy.HookCaller, kwargs: Mapping[str, Any]
    ) -> bool:
        """Call one plugin's build-time hook; whether it returned normally.

        A :class:`ConfigError` passes through unchanged: it names the app's config file and
        line, and the fix is there, not in the plugin.
        """
        try:
            caller(**kwargs)
        except ConfigError:
            raise
        except Exception as error:
            broken = self._loaded.hook_error(plugin, hook_name, error)
            broken.__cause__ = error
            self._on_broken(plugin, broken)
            return False
        return True

    def broken(self, plugin: str, error: PluginLoadError) -> None:
        """Hand ``error`` to the host: it raises it, or drops ``plugin`` and goes on."""
        self._on_broken(plugin, error)

    def register(
        self,
        hook_name: str,
        registry: Registry[Any],
        plugins: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Call an ``oro_register_*`` hook plugin by plugin, each inside
        ``registry.registering(<plugin>)``: of every plugin, or of ``plugins`` only (those the
        host adds: one extension a page loads)."""
        for plugin_name, caller in self.implementers(hook_name):
            if plugins is not None and plugin_name not in plugins:
                continue
            with registry.registering(plugin_name):
                self._build_step(hook_name, plugin_name, caller, kwargs)

    def resolve_secret(self, host: Host, *, scheme: str, name: str) -> str | None:
        """The first secret a plugin answers for ``scheme:name``, in registration order, or
        ``None`` when none does. An :class:`IPCError` (the secret cannot be had) and a
        :class:`ConfigError` pass through for the host to report against the key; any other
        exception makes the raising plugin broken, as in any build-time hook."""
        for plugin_name, caller in self.implementers("oro_resolve_secret"):
            try:
                secret: str | None = caller(host=host, scheme=scheme, name=name)
            except (ConfigError, IPCError):
                raise
            except Exception as error:
                broken = self._loaded.hook_error(plugin_name, "oro_resolve_secret", error)
                broken.__cause__ = error
                self._on_broken(plugin_name, broken)
                continue
            if secret is not None:
                return secret
        return None

    def configure(self, host: Host, plugins: Collection[str] | None = None) -> None:
        """``oro_configure`` of every plugin, or of ``plugins`` only, as :meth:`register`."""
        for plugin_name, caller in self.implementers("oro_configure"):
            if plugins is not None and plugin_name not in plugins:
                continue
            if self._build_step("oro_configure", plugin_name, caller, {"host": host}):
                self.configured.add(plugin_name)

    # ----------------------------------------------------------------------------------------
    # While the host runs and when it stops: a raising hook is logged, the host goes on
    # ----------------------------------------------------------------------------------------

    def route_wrappers(self) -> list[str]:
        """The plugins wrapping route calls, outermost first (the order they run in), less any
        whose wrapper failed."""
        return self.wrapper_chain.plugins()

    def unconfigure(self, host: Host, *, plugin: str | None = None) -> None:
        """Call ``oro_unconfigure`` in reverse registration order, of every plugin or of
        ``plugin`` only (a broken plugin the host drops)."""
        for plugin_name, caller in reversed(self.implementers("oro_unconfigure")):
            if plugin is not None and plugin_name != plugin:
                continue
            try:
                caller(host=host)
            except Exception as error:
                _log_failure(plugin_name, "oro_unconfigure", error)

    def permission_check(self, *, request: Request, permission: str) -> bool | None:
        """The first decision of a plugin, through pluggy's ``firstresult`` call (this runs for
        every request). A plugin that raises an :class:`IPCError` answers with it; any other
        exception refuses the request: a check that cannot decide must not grant."""
        caller: pluggy.HookCaller = self._manager.hook.oro_permission_check
        # Usually no plugin checks permissions: a look at the list (it follows plugins
        # registered or dropped later) instead of pluggy's call, ~10 µs of every request.
        if not caller.get_hookimpls():
            return None
        try:
            decision: bool | None = caller(request=request, permission=permission)
        except IPCError:
            raise
        except Exception as error:
            plugin = self._raising_plugin("oro_permission_check", error)
            _log_failure(plugin, "oro_permission_check", error, during=f"({permission})")
            return False
        return decision

    def permission_request(self, host: Host, request: PermissionRequest) -> bool | None:
        """The first plugin's decision on what a page asks of the web platform; a raising
        plugin denies (a decision that cannot be made must not grant)."""
        try:
            decision: bool | None = self._manager.hook.oro_permission_request(
                host=host, request=request
            )
        except Exception as error:
            plugin = self._raising_plugin("oro_permission_request", error)
            _log_failure(plugin, "oro_permission_request", error, during=f"({request.kinds})")
            return False
        return decision

    def _raising_plugin(self, hook_name: str, error: BaseException) -> str:
        """Which plugin's implementation of ``hook_name`` is on ``error``'s traceback; pluggy's
        single call for all plugins does not say, and splitting it would slow every request.

        The deepest frame of a plugin's code decides: wrappers nest, so the outer ones are on
        the traceback of an exception an inner one raised. A plugin's code is its hook, what
        the hook defines (a wrapper's ``async def``) and the plugin's other functions."""
        owners: dict[CodeType, str] = {}
        for implementation in getattr(self._manager.hook, hook_name).get_hookimpls():
            functions = [implementation.function, *_plugin_functions(implementation.plugin)]
            for function in functions:
                for code in _codes(function):
                    owners.setdefault(code, implementation.plugin_name)
        raising = "?"
        traceback = error.__traceback__
        while traceback is not None:
            raising = owners.get(traceback.tb_frame.f_code, raising)
            traceback = traceback.tb_next
        return raising

    def lifecycle_event(
        self, host: Host, event: LifecycleEvent, *, plugin: str | None = None
    ) -> None:
        """Notify every plugin of ``event``, or ``plugin`` alone (an extension joining a host
        that started before it)."""
        for plugin_name, caller in self.implementers("oro_lifecycle_event"):
            if plugin is not None and plugin_name != plugin:
                continue
            try:
                caller(host=host, event=event)
            except Exception as error:
                _log_failure(plugin_name, "oro_lifecycle_event", error, during=f"({event.value})")

    def page_closed(self, host: Host, window: int) -> None:
        for plugin_name, caller in self.implementers("oro_page_closed"):
            try:
                caller(host=host, window=window)
            except Exception as error:
                _log_failure(plugin_name, "oro_page_closed", error, during=f"({window})")

    def window_created(self, host: Host, window: Window) -> None:
        for plugin_name, caller in self.implementers("oro_window_created"):
            try:
                caller(host=host, window=window)
            except Exception as error:
                _log_failure(plugin_name, "oro_window_created", error, during=f"({window.index})")

    def diagnostics(self, host: Host, *, window: int | None = None) -> dict[str, Any]:
        """Each plugin's report, keyed by plugin name; a failing plugin reports its error.
        With ``window`` (a page asking), only the plugins whose hook takes ``window`` report,
        for that window: the others' host-wide reports name other windows' resources."""
        hook: pluggy.HookCaller = self._manager.hook.oro_diagnostics
        scoped = {impl.plugin_name for impl in hook.get_hookimpls() if "window" in impl.argnames}
        reports: dict[str, Any] = {}
        for plugin_name, caller in self.implementers("oro_diagnostics"):
            if window is not None and plugin_name not in scoped:
                continue
            try:
                results = caller(host=host, window=window)
            except Exception as error:
                _log_failure(plugin_name, "oro_diagnostics", error)
                reports[plugin_name] = {"error": repr(error)}
                continue
            for result in results:
                if result is not None:
                    reports[plugin_name] = result
        return reports

    def page_args(self, host: Host, *, window: int, origin: str) -> dict[str, Any]:
        """Every plugin's ``__args`` entries merged in registration order; a failing plugin is
        logged and contributes nothing (the page must still load)."""
        merged: dict[str, Any] = {}
        for plugin_name, caller in self.implementers("oro_page_args"):
            try:
                results = caller(host=host, window=window, origin=origin)
            except Exception as error:
                _log_failure(plugin_name, "oro_page_args", error, during=f"({window})")
                continue
            for result in results:
                if result is not None:
                    merged.update(result)
        return merged

    def service_worker_modules(self, host: Host) -> list[tuple[str, str]]:
        """``(plugin, specifier)`` of each module the plugins extend Service Workers with, in
        registration order; a failing or malformed answer is logged naming its plugin and
        contributes nothing (the worker must still serve the app)."""
        found: list[tuple[str, str]] = []
        for plugin_name, caller in self.implementers("oro_service_worker_modules"):
            try:
                results = caller(host=host)
                answers = [_specifiers(result) for result in results if result is not None]
            except Exception as error:
                _log_failure(plugin_name, "oro_service_worker_modules", error)
                continue
            found.extend((plugin_name, specifier) for answer in answers for specifier in answer)
        return found
