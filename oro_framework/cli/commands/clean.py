"""`oro clean`: remove what oro built and cached for an app, and nothing else.

What it removes is a short list of folders oro names for the app, each checked before it goes:

* the build steps' output (``build.output``), when oro's build steps made it: it holds their
  mark (``.oro-build``), and it lies where a build may write (:func:`check_build_output`); an
  unmarked one is kept, an error only for an app that has build steps (else it is the app's);
* the staging folders a killed build left beside it (their process is gone);
* the web engines' HTTP caches of the app, in its state folder (WebKitGTK's, QtWebEngine's).

None is reached through a link: a folder whose path holds one is kept, with the reason, and
:func:`shutil.rmtree` removes a link met inside a folder without following it. The pages' own
data (storage, cookies, the app's data folder) is no cache and stays.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

import click

from oro_framework.build.staging import abandoned_staging
from oro_framework.build.steps import MARK_FILE
from oro_framework.cli.common import app_dir_argument, build_host, host_errors, skip_broken_option
from oro_framework.gui.warm import WEBVIEW_STORAGE
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.build_paths import check_build_output, real_path
from oro_framework.host.builtin_settings import BuildSettings, has_build_steps
from oro_framework.host.terminal import terminal_safe

__all__ = ["clean", "clean_targets"]

_ENGINE_CACHES: Final = (("webkitgtk", "cache"), ("cache",))
"""Below the app's web storage: WebKitGTK's cache (gui/gtk/context.py), QtWebEngine's
(gui/qt/profile.py)."""


def _link_on_the_way(path: Path) -> bool:
    """Whether ``path`` (absolute) or a folder above it is a link: its real path differs from
    the path as written."""
    return real_path(path) != Path(os.path.normpath(path))


def _build_output(host: Host, app: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """The build steps' output and abandoned staging folders; why the output is kept."""
    written = host.settings(BuildSettings).output
    output = Path(os.path.normpath(app / written))
    if not output.exists():
        return [], []
    if _link_on_the_way(output):
        return [], [f"kept {output}: it is reached through a link, which oro clean never follows"]
    check_build_output(app, written)
    if not (output / MARK_FILE).is_file():
        if not has_build_steps(host.config):
            return [], []  # oro never builds there: a folder of the app's own
        return [], [
            f"kept {output} (build.output): it has no {MARK_FILE} mark, so oro's build steps did "
            "not make it; remove it yourself if it is a build's"
        ]
    found = [(output, "the build steps' output")]
    found += [
        (entry, "a staging folder a killed build left") for entry in abandoned_staging(output)
    ]
    return found, []


def clean_targets(host: Host) -> tuple[list[tuple[Path, str]], list[str]]:
    """What ``oro clean`` removes for ``host``'s app, each with what it is, and the folders it
    keeps with the reason.

    :raises ConfigError: ``build.output`` names a place no build may write (the app folder,
        ``~``, a system folder...).
    """
    app = real_path(host.app_dir)
    found, kept = _build_output(host, app)
    # Links above the state folder (a home folder that is one) are the user's set-up.
    storage = real_path(host.paths.state) / WEBVIEW_STORAGE
    for parts in _ENGINE_CACHES:
        cache = storage.joinpath(*parts)
        if not cache.exists():
            continue
        if _link_on_the_way(cache):
            kept.append(
                f"kept {cache}: it is reached through a link, which oro clean never follows"
            )
        else:
            found.append((cache, "the web engine's HTTP cache"))
    return found, kept


@click.command()
@app_dir_argument
@click.option("-n", "--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@skip_broken_option
@host_errors
def clean(app_dir: Path, dry_run: bool, skip_broken_plugins: bool) -> None:
    """Remove what oro built and cached for the app in APP_DIR (default: the current
    directory): the build steps' output, staging folders a killed build left, and the web
    engine's HTTP cache of the app.

    Nothing else goes: the build output only when oro's build steps made it (their .oro-build
    mark), never a folder reached through a link, never the app's data or its pages' storage.
    Exits with status 1 when a folder had to be kept (the reason is printed).
    """
    host = build_host(app_dir, skip_broken=skip_broken_plugins, declare_only=True)
    try:
        found, kept = clean_targets(host)
    finally:
        host.close()
    # Links inside are removed, not followed, only where the platform's rmtree works on
    # descriptors (Linux): elsewhere a link swapped in mid-way could be followed.
    if not shutil.rmtree.avoids_symlink_attacks:
        raise click.ClickException("oro clean needs a platform where removal never follows links")
    for path, what in found:
        shown = terminal_safe(str(path))
        if dry_run:
            click.echo(f"would remove {shown} ({what})")
            continue
        shutil.rmtree(path)
        click.echo(f"removed {shown} ({what})")
    if not found and not kept:
        click.echo("nothing to clean")
    for reason in kept:
        click.echo(f"error: {terminal_safe(reason)}", err=True)
    if kept:
        raise SystemExit(1)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(clean)
