"""What the commands of ``oro`` share: options, output, building hosts and inspecting plugins."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from oro_framework.host.app import Host
from oro_framework.host.errors import HostError
from oro_framework.host.terminal import terminal_json, terminal_safe

CommandT = TypeVar("CommandT", bound=Callable[..., Any])


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headers, ["-" * width for width in widths], *rows)
    ]
    return "\n".join(lines)


def echo_json(value: Any) -> None:
    """``value`` as indented JSON; what would drive a terminal (a page's escapes) as ``\\u``
    escapes, which read back as the same text."""
    click.echo(terminal_json(json.dumps(value, indent=2, ensure_ascii=False)))


def format_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def is_verbose() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.find_root().params.get("verbose"))


def host_errors(function: CommandT) -> CommandT:
    """Turn host errors (broken plugin, bad config, conflict) into one line and exit status 1;
    with ``oro -v`` the traceback (the plugin's own frames included) comes first."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except HostError as error:
            if is_verbose():
                shown = "".join(traceback.format_exception(error)).rstrip()
                click.echo(terminal_safe(shown, multiline=True), err=True)
            # The error may quote what a plugin or the app chose (a plugin's own message).
            message = terminal_safe(f"{type(error).__name__}: {error}", multiline=True)
            raise click.ClickException(message) from None

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]


def build_host(
    app_dir: Path, *, skip_broken: bool, use_config_file: bool = True, declare_only: bool = False
) -> Host:
    """A host whose tables a command reads: secret references stay as written (unresolved), so
    reading them needs no secret store and never shows a secret. A command that reads only the
    declared keys, the config and the paths passes ``declare_only`` (see :class:`Host`)."""
    return Host(
        app_dir,
        skip_broken_plugins=skip_broken,
        use_config_file=use_config_file,
        resolve_secrets=False,
        declare_only=declare_only,
    )


skip_broken_option = click.option(
    "--skip-broken-plugins",
    is_flag=True,
    help="Go on without a plugin that fails to load or whose hook raises (one warning line "
    "each); also ORO_SKIP_BROKEN_PLUGINS=1 or plugins.skip_broken = true in oro.toml.",
)
strict_plugins_option = click.option(
    "--strict-plugins",
    is_flag=True,
    help="Refuse to start when any plugin is broken, instead of going on without an installed "
    "one with a warning; also ORO_STRICT_PLUGINS=1 or plugins.strict = true in oro.toml.",
)


def with_strict_plugins(overrides: tuple[str, ...], strict: bool) -> tuple[str, ...]:
    """``overrides`` with ``--strict-plugins`` as ``plugins.strict``, which the host reads."""
    return (*overrides, "plugins.strict=true") if strict else overrides


app_dir_argument = click.argument(
    "app_dir", default=".", type=click.Path(file_okay=False, exists=True, path_type=Path)
)
headless_option = click.option(
    "--headless",
    is_flag=True,
    help="Serve the app without a window and print its launch URL (the default with no display).",
)

webview_option = click.option(
    "--webview",
    type=click.Choice(["system", "qt"], case_sensitive=False),
    default=None,
    help="The web engine of the windows: system (the platform's WebView, WebKitGTK on Linux) or "
    "qt (QtWebEngine). Default: webview.engine in oro.toml, else system where it is installed, "
    "else qt (docs/webview.md).",
)


devtools_option = click.option(
    "--devtools",
    is_flag=True,
    help="Let the pages' window.showInspector() open the engine's developer tools (WebKit's Web "
    "Inspector, Chromium's DevTools), as [webview] devtools = true does (docs/debugging.md).",
)

quiet_option = click.option(
    "--quiet",
    is_flag=True,
    help="Print none of the pages' console messages and uncaught errors (by default their "
    "warnings and errors are printed to standard error; -v adds console.log and info).",
)


def with_devtools(
    overrides: tuple[str, ...], *, devtools: bool, dev_child: bool = False
) -> tuple[str, ...]:
    """``overrides`` with ``--devtools`` as ``webview.devtools``: last, so the flag wins; for
    ``oro dev``'s host first, so that its ``-c webview.devtools=false`` still turns them off."""
    if devtools:
        return (*overrides, "webview.devtools=true")
    if dev_child:
        return ("webview.devtools=true", *overrides)
    return overrides


def with_webview(overrides: tuple[str, ...], webview: str | None) -> tuple[str, ...]:
    """``overrides`` (``-c KEY=VALUE``) with ``--webview`` as ``webview.engine``: the flag is
    that key for this run, so everything reading the config sees the engine chosen."""
    return overrides if webview is None else (*overrides, f"webview.engine={webview.lower()}")


def port_option(help_text: str) -> Callable[[CommandT], CommandT]:
    """``--port``: a TCP port on 127.0.0.1, 0 for a free one, ``None`` when not given."""
    return click.option("--port", type=click.IntRange(0, 65535), default=None, help=help_text)


config_overrides_option = click.option(
    "-c",
    "--config",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a config key for this run (highest precedence).",
)
app_option = click.option(
    "--app",
    "app_dir",
    default=".",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="App directory whose oro.toml applies (default: current directory).",
)


def parse_overrides(overrides: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in overrides:
        key, separator, value = item.partition("=")
        if not separator:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--config")
        parsed[key.strip()] = value
    return parsed


def warn(message: str) -> None:
    """``warning: message`` on stderr, made :func:`~oro_framework.host.terminal.terminal_safe`
    with its lines kept: it may quote what the app or a plugin chose."""
    click.echo(f"warning: {terminal_safe(message, multiline=True)}", err=True)


def echo_flushed(message: str) -> None:
    click.echo(message)
    sys.stdout.flush()


def echo_stderr(message: str) -> None:
    click.echo(message, err=True)


def echo_error(message: str) -> None:
    """``error: message`` on stderr, cleaned as :func:`warn` cleans."""
    click.echo(f"error: {terminal_safe(message, multiline=True)}", err=True)
