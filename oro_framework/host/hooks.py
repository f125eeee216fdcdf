"""A typed facade over the plugin manager's hooks, so host code never calls ``pm.hook`` untyped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, final

import click
import pluggy

from oro_framework.errors import RegistrationConflict
from oro_framework.host.registry import Registry

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.request import Request

__all__ = ["HookCaller"]

logger = logging.getLogger("oro_framework.hooks")


@final
class HookCaller:
    """One method per hook of :mod:`oro_framework.hookspecs`."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self._manager = manager

    def _implementers(self, hook_name: str) -> list[tuple[str, pluggy.HookCaller]]:
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

    def register(self, hook_name: str, registry: Registry[Any], **kwargs: Any) -> None:
        """Call an ``oro_register_*`` hook plugin by plugin, each inside
        ``registry.registering(<plugin>)``."""
        for plugin_name, caller in self._implementers(hook_name):
            with registry.registering(plugin_name):
                caller(**kwargs)

    def configure(self, host: Host) -> None:
        for _, caller in self._implementers("oro_configure"):
            caller(host=host)

    def unconfigure(self, host: Host) -> None:
        for plugin_name, caller in reversed(self._implementers("oro_unconfigure")):
            try:
                caller(host=host)
            except Exception:
                logger.exception("oro_unconfigure of plugin %r failed", plugin_name)

    def permission_check(self, *, request: Request, permission: str) -> bool | None:
        decision: bool | None = self._manager.hook.oro_permission_check(
            request=request, permission=permission
        )
        return decision

    def lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        for plugin_name, caller in self._implementers("oro_lifecycle_event"):
            try:
                caller(host=host, event=event)
            except Exception:
                logger.exception(
                    "oro_lifecycle_event(%s) of plugin %r failed", event.value, plugin_name
                )

    def page_closed(self, host: Host, window: int) -> None:
        for plugin_name, caller in self._implementers("oro_page_closed"):
            try:
                caller(host=host, window=window)
            except Exception:
                logger.exception("oro_page_closed(%s) of plugin %r failed", window, plugin_name)

    def diagnostics(self, host: Host) -> dict[str, Any]:
        """Each plugin's report, keyed by plugin name; a failing plugin reports its error."""
        reports: dict[str, Any] = {}
        for plugin_name, caller in self._implementers("oro_diagnostics"):
            try:
                results = caller(host=host)
            except Exception as error:
                logger.exception("oro_diagnostics of plugin %r failed", plugin_name)
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
        for plugin_name, caller in self._implementers("oro_page_args"):
            try:
                results = caller(host=host, window=window, origin=origin)
            except Exception:
                logger.exception("oro_page_args of plugin %r failed", plugin_name)
                continue
            for result in results:
                if result is not None:
                    merged.update(result)
        return merged

    def register_commands(self, cli: click.Group) -> None:
        owners = dict.fromkeys(cli.commands, "oro")
        for plugin_name, caller in self._implementers("oro_register_commands"):
            try:
                caller(cli=_GuardedGroup(cli, plugin_name, owners))
            except RegistrationConflict as conflict:
                logger.warning("commands of plugin %r not all added: %s", plugin_name, conflict)


class _GuardedGroup:
    """Stands in for the root click group while one plugin adds commands, refusing names that are
    already taken instead of silently replacing the existing command."""

    def __init__(self, group: click.Group, plugin: str, owners: dict[str, str]) -> None:
        self._group = group
        self._plugin = plugin
        self._owners = owners

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)

    def add_command(self, command: click.Command, name: str | None = None) -> None:
        name = name or command.name or ""
        if name in self._owners:
            raise RegistrationConflict(
                "command", name, owner=self._owners[name], challenger=self._plugin
            )
        self._owners[name] = self._plugin
        self._group.add_command(command, name)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return self.command()(args[0])

        def decorator(function: Callable[..., Any]) -> click.Command:
            command: click.Command = click.command(*args, **kwargs)(function)
            self.add_command(command)
            return command

        return decorator

    def group(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return self.group()(args[0])

        def decorator(function: Callable[..., Any]) -> click.Group:
            group: click.Group = click.group(*args, **kwargs)(function)
            self.add_command(group)
            return group

        return decorator
