"""`oro build`: an app frozen into a folder, .tar.gz, .deb or .rpm."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import click

from oro_framework.cli.commands.update import check_update_url
from oro_framework.cli.common import (
    CommandT,
    app_dir_argument,
    echo_flushed,
    host_errors,
    render_table,
    webview_option,
)
from oro_framework.hookspecs import hookimpl

if TYPE_CHECKING:
    from oro_framework.build.builder import Artifact, BuildResult

_BUILD_TARGETS: Final = ("onedir", "tar", "deb", "rpm", "all")


def _targets_option(
    choices: tuple[str, ...], default: str, help: str
) -> Callable[[CommandT], CommandT]:
    """``-t/--target``, repeatable, one of ``choices``."""
    return click.option(
        "-t",
        "--target",
        "targets",
        multiple=True,
        type=click.Choice(choices),
        default=(default,),
        show_default=True,
        help=help,
    )


def _out_option(help: str) -> Callable[[CommandT], CommandT]:
    """``-o/--out``: the output directory, ``./dist`` by default."""
    return click.option(
        "-o",
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("dist"),
        show_default=True,
        help=help,
    )


@click.command()
@app_dir_argument
@_targets_option(
    _BUILD_TARGETS,
    "onedir",
    "What to make besides the app folder: tar (.tar.gz), deb, rpm, or all; repeatable.",
)
@_out_option("Where the app folder and packages go (its .work/ keeps what a rebuild reuses).")
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
@click.option(
    "--runtime",
    type=click.Choice(("bundled", "shared")),
    default="bundled",
    show_default=True,
    help="With --webview system: carry the host and plugins in the package (bundled), or "
    "depend on the oro-runtime package that oro build-runtime makes (shared).",
)
@click.option(
    "--clean",
    is_flag=True,
    help="Build everything again: reuse nothing an earlier build into OUT made.",
)
@webview_option
@host_errors
def build(
    app_dir: Path,
    targets: tuple[str, ...],
    out: Path,
    key: Path | None,
    update_url: str | None,
    runtime: str,
    clean: bool,
    webview: str | None,
) -> None:
    """Build the app in APP_DIR into a folder its users run without Python.

    OUT/<name>/<name> is the app (what `oro run` does, frozen with PyInstaller); --target adds
    a .tar.gz of that folder, a .deb and an .rpm that install it under /opt with a /usr/bin
    launcher, a .desktop entry and an icon. With --webview system the app runs on the distro's
    Python and WebKitGTK instead: a package of a few MB installing under /usr/lib/<name>, or
    one depending on oro-runtime with --runtime shared. Only the plugins the app uses ship ([build]
    plugins, else those its pages import). The app's own build steps ([build] script, copy,
    copy-map) run first, and what they build is what ships. A build reuses what the last one
    into OUT made from the same inputs (the frozen runtime, unchanged packages); --clean makes
    everything again. docs/build.md has the details.
    """
    from oro_framework.build.builder import TARGETS, build_app

    system = webview is not None and webview.lower() == "system"
    if runtime == "shared" and not system:
        raise click.UsageError("--runtime shared is for --webview system (a distro package)")
    if system and key is not None:
        raise click.UsageError(
            "--sign makes an update for the Qt bundle; a system package is updated by the "
            "package manager (publish it to an apt or dnf repository, docs/build.md)"
        )
    if key is not None and not update_url:
        raise click.UsageError("--sign needs --update-url, where the .tar.gz will be served")
    if key is not None and update_url is not None:
        check_update_url(update_url)
    chosen = TARGETS if "all" in targets else tuple(dict.fromkeys(targets))
    _run_build_steps(app_dir)
    if system:
        from oro_framework.build.system.builder import build_system_app

        mode: Literal["bundled", "shared"] = "shared" if runtime == "shared" else "bundled"
        _report(build_system_app(app_dir, targets=chosen, out=out, runtime=mode, say=echo_flushed))
        return
    if key is not None and "tar" not in chosen:
        chosen = (*chosen, "tar")
    result = build_app(app_dir, targets=chosen, out=out, clean=clean, say=echo_flushed)
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
    _report(result)


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


def _artifacts_table(artifacts: list[Artifact]) -> None:
    rows = [[artifact.kind, str(artifact.path), _size(artifact.size)] for artifact in artifacts]
    click.echo("")
    click.echo(render_table(["artifact", "path", "size"], rows))


def _report(result: BuildResult) -> None:
    _artifacts_table(result.artifacts)
    click.echo(
        f"built {result.plan.name} {result.plan.version} with "
        f"{len(result.plan.plugins)} plugin(s) in {result.seconds:.0f} s"
    )


def _run_build_steps(app_dir: Path) -> None:
    """Oro's build steps before anything is packaged: what they build is what ships."""
    output = build_steps_only(app_dir, production=True)
    if output is not None:
        echo_flushed(f"ran the app's build steps into {output}")


def build_steps_only(
    app_dir: Path,
    *,
    production: bool,
    test_files: Sequence[str] = (),
    config: Mapping[str, Any] | None = None,
) -> Path | None:
    """Run the build steps of the app in ``app_dir`` and nothing else (``oro build`` before it
    packages, ``ssc build -o``); answer their output, ``None`` without steps."""
    from oro_framework.cli.commands.run import run_app_build_steps
    from oro_framework.host.app import Host

    # The build machine needs none of the app's secrets: references stay as written.
    host = Host(app_dir, config=config, resolve_secrets=False)
    output = run_app_build_steps(host, test_files=test_files, production=production)
    host.close()
    return output


@click.command("build-runtime")
@_targets_option(("deb", "rpm"), "deb", "Which package to make; repeatable.")
@_out_option("Where the package goes.")
@click.option(
    "-p",
    "--plugin",
    "plugins",
    multiple=True,
    help="A plugin distribution to include (repeatable); default: every installed one that can "
    "ship in a system package.",
)
@host_errors
def build_runtime(targets: tuple[str, ...], out: Path, plugins: tuple[str, ...]) -> None:
    """Build oro-runtime: the host and plugins as one distro package, shared by the apps built
    with `oro build --webview system --runtime shared`."""
    from oro_framework.build.system.builder import build_runtime as build_runtime_package

    artifacts = build_runtime_package(
        targets=targets, out=out, plugins=list(plugins) or None, say=echo_flushed
    )
    _artifacts_table(artifacts)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(build)
    cli.add_command(build_runtime)
