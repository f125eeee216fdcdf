"""The commands of ``oro``, one module per command group, each adding its commands through
``oro_register_commands`` as a third-party plugin adds its own; the guard that keeps a plugin
from taking a name that is already taken; and the root group, which imports a command's module
(and the plugins, for theirs) only when that command runs: ``oro --version`` imports no host."""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, final

import click

from oro_framework.host.errors import PluginLoadError, RegistrationConflict
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.hooks import HookCaller

__all__ = ["OWN_COMMANDS", "OroGroup", "OwnCommand", "add_own_commands", "add_plugin_commands"]

BUILTIN_PLUGIN: Final = "oro"
"""The owner of oro-framework's own commands (:data:`oro_framework.host.plugins.BUILTIN_PLUGIN`,
which a test keeps equal: importing that module costs the plugin machinery)."""


@final
@record
class OwnCommand:
    """One of oro-framework's own commands, known without importing it.

    :ivar module: the module of :mod:`oro_framework.cli.commands` whose
        ``oro_register_commands`` adds it.
    :ivar summary: the first paragraph of its help, which ``oro --help`` shortens; a test keeps
        it equal to the command's own.
    """

    module: str
    summary: str


OWN_COMMANDS: Final[Mapping[str, OwnCommand]] = {
    "run": OwnCommand("run", "Run the app in APP_DIR (default: the current directory)."),
    "dev": OwnCommand("dev", "Run the app in APP_DIR as `oro run` does, reloading it as you edit."),
    "test": OwnCommand(
        "test",
        "Run the app's oro:test files in a real page and print their TAP: "
        "oro test [APP] [FILES...]",
    ),
    "build": OwnCommand(
        "build", "Build the app in APP_DIR into a folder its users run without Python."
    ),
    "build-runtime": OwnCommand(
        "build",
        "Build oro-runtime: the host and plugins as one distro package, shared by the apps "
        "built with `oro build --webview system --runtime shared`.",
    ),
    "update": OwnCommand("update", 'Keys for signed updates (docs/build.md, "Updates").'),
    "init": OwnCommand(
        "init", "Create an app in APP_DIR: oro.toml, index.html and a main.js showing live data."
    ),
    "import": OwnCommand(
        "init",
        "Write the oro.toml equivalent to SOURCE (socket.ini or oro.ini; default ./socket.ini) "
        "beside it: `oro init --from SOURCE`.",
    ),
    "plugins": OwnCommand("plugins", "Inspect installed plugins, or start a new one."),
    "routes": OwnCommand(
        "routes",
        "List every IPC route with its plugin, permission and a one-line doc, and the plugins "
        "that wrap route calls (oro_route_call), outermost first.",
    ),
    "types": OwnCommand(
        "types",
        "Write the app's TypeScript declarations: oro-env.d.ts, the `oro:` modules of "
        "oro-framework and the installed plugins, and backend.d.ts, the backend's commands and "
        "events (oro dev keeps them up to date).",
    ),
    "config": OwnCommand(
        "config",
        "Read and edit oro.toml (keys as 'section.key' or flattened 'section_key'); an app's "
        "oro.ini or socket.ini is read too.",
    ),
    "clean": OwnCommand(
        "clean",
        "Remove what oro built and cached for the app in APP_DIR (default: the current "
        "directory): the build steps' output, staging folders a killed build left, and the web "
        "engine's HTTP cache of the app.",
    ),
    "stop": OwnCommand(
        "stop",
        "Stop the app in APP_DIR (default: the current directory) that `oro run` or `oro dev` "
        "started, as Ctrl-C would: its windows close and its services stop first.",
    ),
    "doctor": OwnCommand(
        "doctor",
        "Report what this machine offers (Python, GUI backends, Chromium for tests, and what "
        "each plugin reports about its own needs: oro-ai its CPU features, llama-cpp-python "
        "and default model) and whether every plugin works: builds the app in --app and "
        "reports each broken one.",
    ),
}
"""oro-framework's own commands by name, in the order of their modules."""


def _own_module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def add_own_commands(group: click.Group) -> None:
    """Add oro-framework's own commands to ``group``, through the same hook a plugin uses."""
    owners = dict.fromkeys(group.commands, BUILTIN_PLUGIN)
    for module in dict.fromkeys(command.module for command in OWN_COMMANDS.values()):
        _own_module(module).oro_register_commands(cli=_GuardedGroup(group, BUILTIN_PLUGIN, owners))


def add_plugin_commands(group: click.Group, hooks: HookCaller) -> dict[str, PluginLoadError]:
    """Let each plugin add commands to ``group``. A plugin whose hook raises (a name that is
    taken included) adds none: what it added is removed again, and its error is returned, by
    plugin name, for the caller to report; the command line itself must keep working."""
    owners = dict.fromkeys([*group.commands, *_lazy_names(group)], BUILTIN_PLUGIN)
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


def _lazy_names(group: click.Group) -> Iterator[str]:
    if isinstance(group, OroGroup):
        yield from OWN_COMMANDS


class OroGroup(click.Group):
    """The root ``oro`` group: an own command's module is imported when that command is looked
    up, and the installed plugins (for their commands) only when a name is not an own command or
    the whole list is asked for (``oro --help``). Importing the host and a dozen plugins cost
    every command 0.5 s, ``oro --version`` included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._imported: set[str] = set()
        self._plugins_added = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        own = OWN_COMMANDS.get(cmd_name)
        if own is not None:
            self._import_own(own.module)
        elif cmd_name not in self.commands:
            self._add_plugin_commands()
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return sorted({*OWN_COMMANDS, *self.commands})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own listing looks every command up, which would import all of them: an own
        # command not yet imported is listed from its summary instead.
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                command = click.Command(name, help=OWN_COMMANDS[name].summary)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl(
                    [(name, command.get_short_help_str(limit)) for name, command in rows]
                )

    def _import_own(self, module: str) -> None:
        if module in self._imported:
            return
        self._imported.add(module)
        owners = {name: BUILTIN_PLUGIN for name in OWN_COMMANDS}
        guarded = _GuardedGroup(self, BUILTIN_PLUGIN, owners, allowed=_names_of(module))
        _own_module(module).oro_register_commands(cli=guarded)

    def _add_plugin_commands(self) -> None:
        if self._plugins_added:
            return
        self._plugins_added = True
        from oro_framework.host.hooks import HookCaller
        from oro_framework.host.plugins import create_plugin_manager

        # Every plugin's commands join before ours are imported: a plugin may not take an own
        # command's name whether or not that command has been imported yet. The core plugins
        # add none (oro's own are OWN_COMMANDS).
        hooks = HookCaller(create_plugin_manager(environ=os.environ, strict=False, core=False))
        for error in add_plugin_commands(self, hooks).values():
            click.echo(f"warning: skipping the commands of broken plugin: {error}", err=True)


def _names_of(module: str) -> frozenset[str]:
    return frozenset(name for name, command in OWN_COMMANDS.items() if command.module == module)


def summary_of(command: click.Command) -> str:
    """The first paragraph of ``command``'s help, as :data:`OWN_COMMANDS` keeps it."""
    return " ".join(inspect.cleandoc(command.help or "").split("\n\n", 1)[0].split())


class _GuardedGroup:
    """Stands in for the root click group while one plugin adds commands, refusing names that are
    already taken instead of silently replacing the existing command."""

    def __init__(
        self,
        group: click.Group,
        plugin: str,
        owners: dict[str, str],
        *,
        allowed: frozenset[str] = frozenset(),
    ) -> None:
        self._group = group
        self._plugin = plugin
        self._owners = owners
        # Names kept for this plugin before it added them: an own command imported late.
        self._allowed = allowed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)

    def add_command(self, command: click.Command, name: str | None = None) -> None:
        name = name or command.name or ""
        if name in self._owners and name not in self._allowed:
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
