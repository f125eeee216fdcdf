"""The commands of ``oro``, one module per command group, each adding its commands through
``oro_register_commands`` as a third-party plugin adds its own; and the guard that keeps a
plugin from taking a name that is already taken."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Final

import click

from oro_framework.cli.commands import (
    build,
    config,
    dev,
    doctor,
    init,
    plugins,
    routes,
    run,
    test,
    types,
    update,
)
from oro_framework.host.errors import PluginLoadError, RegistrationConflict
from oro_framework.host.hooks import HookCaller
from oro_framework.host.plugins import BUILTIN_PLUGIN

__all__ = ["OWN_COMMANDS", "add_own_commands", "add_plugin_commands"]

OWN_COMMANDS: Final[tuple[ModuleType, ...]] = (
    run,
    dev,
    test,
    build,
    update,
    init,
    plugins,
    routes,
    types,
    config,
    doctor,
)
"""oro-framework's own command modules, in the order ``oro --help`` lists them."""


def add_own_commands(group: click.Group) -> None:
    """Add oro-framework's own commands to ``group``, through the same hook a plugin uses."""
    owners = dict.fromkeys(group.commands, BUILTIN_PLUGIN)
    for module in OWN_COMMANDS:
        module.oro_register_commands(cli=_GuardedGroup(group, BUILTIN_PLUGIN, owners))


def add_plugin_commands(group: click.Group, hooks: HookCaller) -> dict[str, PluginLoadError]:
    """Let each plugin add commands to ``group``. A plugin whose hook raises (a name that is
    taken included) adds none: what it added is removed again, and its error is returned, by
    plugin name, for the caller to report; the command line itself must keep working."""
    owners = dict.fromkeys(group.commands, BUILTIN_PLUGIN)
    failures: dict[str, PluginLoadError] = {}
    for plugin_name, caller in hooks.implementers("oro_register_commands"):
        try:
            caller(cli=_GuardedGroup(group, plugin_name, owners))
        except Exception as error:
            for name in [name for name, owner in owners.items() if owner == plugin_name]:
                del owners[name]
                del group.commands[name]
            broken = hooks.hook_error(plugin_name, "oro_register_commands", error)
            broken.__cause__ = error
            failures[plugin_name] = broken
    return failures


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
