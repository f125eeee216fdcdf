"""`oro build`: an app frozen into a folder, .tar.gz, .deb or .rpm."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import click

from oro_framework.cli.commands.update import check_update_url
from oro_framework.cli.common import (
    app_dir_argument,
    echo_flushed,
    host_errors,
    render_table,
    webview_option,
)
from oro_framework.kernel.hookspecs import hookimpl

_BUILD_TARGETS: Final = ("onedir", "tar", "deb", "rpm", "all")


@click.command()
@app_dir_argument
@click.option(
    "-t",
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(_BUILD_TARGETS),
    default=("onedir",),
    show_default=True,
    help="What to make besides the app folder: tar (.tar.gz), deb, rpm, or all; repeatable.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the app folder and packages go (its .work/ keeps PyInstaller's cache).",
)
@click.option(
    "--sign",
    "key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Private update key (oro update keygen): also write update.json and its signature "
    "for the .tar.gz (implies --target tar).",
)
@click.option(
    "--update-url",
    metavar="URL",
    help="With --sign: the URL of the folder the .tar.gz will be served from.",
)
@webview_option
@host_errors
def build(
    app_dir: Path,
    targets: tuple[str, ...],
    out: Path,
    key: Path | None,
    update_url: str | None,
    webview: str | None,
) -> None:
    """Build the app in APP_DIR into a folder its users run without Python.

    OUT/<name>/<name> is the app (what `oro run` does, frozen with PyInstaller); --target adds
    a .tar.gz of that folder, a .deb and an .rpm that install it under /opt with a /usr/bin
    launcher, a .desktop entry and an icon. Only the plugins the app uses ship ([build]
    plugins, else those its pages import). The app's own build steps ([build] script, copy,
    copy-map) run first, and what they build is what ships. docs/build.md has the details.
    """
    from oro_framework.build.builder import TARGETS, build_app

    if webview is not None and webview.lower() == "system":
        # Said before anything is built, with exit status 2 as for any engine that cannot run.
        click.echo(
            "error: a built app is frozen with its own Python and QtWebEngine (--webview qt); "
            "an app on the system WebView ships as a distro package depending on WebKitGTK "
            "instead, which oro build does not make yet (docs/webview.md)",
            err=True,
        )
        raise SystemExit(2)
    if key is not None and not update_url:
        raise click.UsageError("--sign needs --update-url, where the .tar.gz will be served")
    if key is not None and update_url is not None:
        check_update_url(update_url)
    chosen = TARGETS if "all" in targets else tuple(dict.fromkeys(targets))
    _run_build_steps(app_dir)
    if key is not None and "tar" not in chosen:
        chosen = (*chosen, "tar")
    result = build_app(app_dir, targets=chosen, out=out, say=echo_flushed)
    if key is not None and update_url is not None:
        from oro_framework.build.builder import Artifact
        from oro_framework.update.keys import write_signed_manifest

        tar = next(artifact.path for artifact in result.artifacts if artifact.kind == "tar")
        plan = result.plan
        for path in write_signed_manifest(
            tar,
            private_key=key,
            url=update_url.rstrip("/") + "/" + tar.name,
            name=plan.command,
            bundle_identifier=plan.bundle_identifier,
            version=plan.version,
        ):
            result.artifacts.append(Artifact("update", path, path.stat().st_size))
    rows = [
        [artifact.kind, str(artifact.path), f"{artifact.size / 2**20:.1f} MiB"]
        for artifact in result.artifacts
    ]
    click.echo("")
    click.echo(render_table(["artifact", "path", "size"], rows))
    click.echo(
        f"built {result.plan.name} {result.plan.version} with "
        f"{len(result.plan.plugins)} plugin(s) in {result.seconds:.0f} s"
    )


def _run_build_steps(app_dir: Path) -> None:
    """Oro's build steps before anything is packaged: what they build is what ships."""
    from oro_framework.cli.commands.run import run_app_build_steps
    from oro_framework.kernel.app import Host

    # The build machine needs none of the app's secrets: references stay as written.
    host = Host(app_dir, resolve_secrets=False)
    output = run_app_build_steps(host, production=True)
    host.close()
    if output is not None:
        echo_flushed(f"ran the app's build steps into {output}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(build)
