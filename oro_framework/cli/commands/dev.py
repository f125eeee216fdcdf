"""`oro dev`: `oro run` that reloads the app as you edit it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from oro_framework.cli.common import (
    app_dir_argument,
    config_overrides_option,
    echo_flushed,
    headless_option,
    is_verbose,
    parse_overrides,
    port_option,
    quiet_option,
    skip_broken_option,
    strict_plugins_option,
    warn,
    webview_option,
    with_strict_plugins,
    with_webview,
)
from oro_framework.cli.page_debugging import PAGE_CONSOLE_ENV
from oro_framework.hookspecs import hookimpl


@click.command()
@app_dir_argument
@headless_option
@webview_option
@port_option("Port on 127.0.0.1 to serve the app on, kept across restarts; default as `oro run`.")
@quiet_option
@skip_broken_option
@strict_plugins_option
@config_overrides_option
def dev(
    app_dir: Path,
    headless: bool,
    webview: str | None,
    port: int | None,
    quiet: bool,
    skip_broken_plugins: bool,
    strict_plugins: bool,
    overrides: tuple[str, ...],
) -> None:
    """Run the app in APP_DIR as `oro run` does, reloading it as you edit.

    A change to the app's files (under webview.root) reloads its pages, once per burst of
    saves. A change to backend.py reloads it inside the running host: the window and its page
    stay. A change to oro.toml or to the source of an editable-installed plugin restarts the
    host on the same port with the same sessions, so open pages reconnect and reload. An error
    in the new backend, config or plugin is printed here and shown over the pages until the
    next save.
    Stops on Ctrl-C/SIGTERM.

    The pages' console warnings and errors are printed here (-v adds console.log/info,
    --quiet prints none), and a page's showInspector() opens the developer tools
    (docs/debugging.md).
    """
    from oro_framework.cli.dev_loop import DevLoop

    if quiet:
        # The host this starts inherits the environment (the dev loop builds its command line).
        os.environ[PAGE_CONSOLE_ENV] = "quiet"

    # The host it starts gets it as plugins.strict, as every -c.
    overrides = with_strict_plugins(with_webview(overrides, webview), strict_plugins)
    overrides = _requiring_editable_plugins(app_dir, overrides)
    parse_overrides(overrides)
    loop = DevLoop(
        app_dir,
        port=port,
        headless=headless,
        overrides=overrides,
        skip_broken_plugins=skip_broken_plugins,
        verbose=is_verbose(),
        echo=echo_flushed,
        warn=warn,
    )
    try:
        code = loop.run()
    except OSError as error:
        raise click.ClickException(f"cannot serve {app_dir}: {error}") from None
    if code:
        raise SystemExit(code)


def _requiring_editable_plugins(app_dir: Path, overrides: tuple[str, ...]) -> tuple[str, ...]:
    """``overrides`` with the plugins installed in editable mode (the ones being written, whose
    sources the loop watches) that the app loads added to its ``plugins.require``: a mistake in
    one stops the host and shows over the pages until the next save, where ``oro run`` would go
    on without the plugin (docs/writing-plugins.md, "When a plugin fails")."""
    import importlib.metadata
    import json

    from oro_framework.cli.dev_watch import editable_plugin_sources
    from oro_framework.host.builtin_settings import EARLY_SETTINGS, PluginSettings
    from oro_framework.host.config import load_early
    from oro_framework.host.config.files import find_config_file
    from oro_framework.host.plugins import discover

    editable = {
        str(dist.metadata["Name"])
        for dist in importlib.metadata.distributions()
        if editable_plugin_sources([dist])
    }
    if not editable:
        return overrides
    path = find_config_file(app_dir.resolve(), announce=False).path
    early = load_early(
        EARLY_SETTINGS, path=path, environ=os.environ, overrides=parse_overrides(overrides)
    )
    settings = early.settings(PluginSettings)
    # Only those the app loads: one it disables is not required of it.
    disabled = ",".join([os.environ.get("ORO_DISABLE_PLUGINS", ""), *settings.disable])
    loaded = {
        entry.distribution for entry in discover({**os.environ, "ORO_DISABLE_PLUGINS": disabled})
    }
    required = sorted({*settings.require, *(editable & loaded)})
    return (*overrides, f"plugins.require={json.dumps(required)}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(dev)
