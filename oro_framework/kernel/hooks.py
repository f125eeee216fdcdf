"""A typed facade over the plugin manager's hooks, so host code never calls ``pm.hook`` untyped.

It also draws the line between a plugin's failure and the host's: an exception from a hook
called while the host is built becomes a :class:`PluginLoadError` naming the plugin and the hook
(handed to the host, which stops or drops the plugin), and an exception from a hook called while
the host runs is logged in one line and never takes the host down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, final

import pluggy

from oro_framework.kernel.errors import ConfigError, IPCError, PluginLoadError
from oro_framework.kernel.plugins import LoadedPlugins
from oro_framework.kernel.registry import Registry

if TYPE_CHECKING:
    from oro_framework.kernel.app import Host
    from oro_framework.kernel.lifecycle import LifecycleEvent
    from oro_framework.kernel.request import Request
    from oro_framework.kernel.windows.model import Window

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


@final
class HookCaller:
    """One method per hook of :mod:`oro_framework.kernel.hookspecs`.

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
    # While the host is built: a raising hook is a PluginLoadError
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

    def register(self, hook_name: str, registry: Registry[Any], **kwargs: Any) -> None:
        """Call an ``oro_register_*`` hook plugin by plugin, each inside
        ``registry.registering(<plugin>)``."""
        for plugin_name, caller in self.implementers(hook_name):
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

    def configure(self, host: Host) -> None:
        for plugin_name, caller in self.implementers("oro_configure"):
            if self._build_step("oro_configure", plugin_name, caller, {"host": host}):
                self.configured.add(plugin_name)

    # ----------------------------------------------------------------------------------------
    # While the host runs and when it stops: a raising hook is logged, the host goes on
    # ----------------------------------------------------------------------------------------

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
        try:
            decision: bool | None = self._manager.hook.oro_permission_check(
                request=request, permission=permission
            )
        except IPCError:
            raise
        except Exception as error:
            plugin = self._raising_plugin("oro_permission_check", error)
            _log_failure(plugin, "oro_permission_check", error, during=f"({permission})")
            return False
        return decision

    def _raising_plugin(self, hook_name: str, error: BaseException) -> str:
        """Which plugin's implementation of ``hook_name`` is on ``error``'s traceback; pluggy's
        single call for all plugins does not say, and splitting it would slow every request."""
        owners: dict[object, str] = {}
        for implementation in getattr(self._manager.hook, hook_name).get_hookimpls():
            function = getattr(implementation.function, "__func__", implementation.function)
            owners[getattr(function, "__code__", None)] = implementation.plugin_name
        traceback = error.__traceback__
        while traceback is not None:
            owner = owners.get(traceback.tb_frame.f_code)
            if owner is not None:
                return owner
            traceback = traceback.tb_next
        return "?"

    def lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        for plugin_name, caller in self.implementers("oro_lifecycle_event"):
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

    def diagnostics(self, host: Host) -> dict[str, Any]:
        """Each plugin's report, keyed by plugin name; a failing plugin reports its error."""
        reports: dict[str, Any] = {}
        for plugin_name, caller in self.implementers("oro_diagnostics"):
            try:
                results = caller(host=host)
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
