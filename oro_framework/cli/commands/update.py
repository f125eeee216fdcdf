"""`oro update`: the signing key and signed manifests of an app's updates."""

from __future__ import annotations

from pathlib import Path

import click

from oro_framework.cli.common import (
    host_errors,
)
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import MetaSettings
from oro_framework.host.config.files import CONFIG_FILE_NAMES, find_config_file


def check_update_url(url: str) -> None:
    """Refuse, before a build of minutes, a URL the built app would not download from."""
    from oro_framework.host.errors import IPCError
    from oro_framework.update.download import check_url

    try:
        check_url(url)
    except IPCError as error:
        raise click.UsageError(error.message) from None


@click.group()
def update() -> None:
    """Keys for signed updates (docs/build.md, "Updates")."""


@update.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def update_keygen(path: Path) -> None:
    """Write a new private update key to PATH (mode 0600) and print its public key.

    Keep PATH secret and out of the app; `oro build --sign PATH --update-url URL` signs with it,
    and the public key goes into the app's oro.toml as [build] update_public_key.
    """
    from oro_framework.update.keys import generate_key_pair

    try:
        public = generate_key_pair(path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists: refusing to overwrite a key") from None
    click.echo(f"wrote the private key to {path}; add this to the app's oro.toml:\n")
    click.echo(f'[build]\nupdate_public_key = "{public}"')


def _archive_top_folder(archive: Path) -> str:
    """The one top folder of a built app's ``.tar.gz``: the app's folder and launcher name."""
    import tarfile

    try:
        with tarfile.open(archive, "r:gz") as tar:
            tops = {member.name.split("/", 1)[0] for member in tar.getmembers()}
    except (tarfile.TarError, EOFError, OSError) as error:
        raise click.ClickException(f"{archive} is not a .tar.gz: {error}") from None
    if len(tops) != 1:
        raise click.ClickException(
            f"{archive} must hold one folder, the app's, at its top; it holds {sorted(tops)}"
        )
    return tops.pop()


@update.command("sign")
@click.argument("artifact", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--key",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The private update key (oro update keygen).",
)
@click.option("--url", required=True, help="Where ARTIFACT will be served (its full URL).")
@click.option(
    "--app",
    "app_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path(),
    show_default=True,
    help="The app whose [meta] bundle_identifier and version the manifest names.",
)
@click.option("--version", "version", help="The release's version; default: the app's.")
@click.option("--channel", default="stable", show_default=True, help="The manifest's channel.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where update.json and update.json.sig go; default: beside ARTIFACT.",
)
@host_errors
def update_sign(
    artifact: Path,
    key: Path,
    url: str,
    app_dir: Path,
    version: str | None,
    channel: str,
    out: Path | None,
) -> None:
    """Write the signed update manifest (update.json and update.json.sig) of ARTIFACT, a built
    app's .tar.gz (what `oro build --sign` does for the one it builds)."""
    from oro_framework.host.errors import IPCError
    from oro_framework.update.keys import write_signed_manifest

    if not find_config_file(app_dir, announce=False).exists:
        raise click.UsageError(
            f"{app_dir} has no {', '.join(CONFIG_FILE_NAMES)}: pass the app with --app"
        )
    host = Host(app_dir, resolve_secrets=False)
    try:
        meta = host.settings(MetaSettings)
        bundle_identifier = meta.bundle_identifier
        version = version or meta.version
    finally:
        host.close()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    try:
        paths = write_signed_manifest(
            artifact,
            private_key=key,
            url=url,
            name=_archive_top_folder(artifact),
            bundle_identifier=bundle_identifier,
            version=version,
            channel=channel,
            out_dir=out,
        )
    except IPCError as error:  # a version or URL the app would refuse
        raise click.ClickException(error.message) from None
    except (TypeError, ValueError) as error:
        raise click.ClickException(f"{key} is not an ed25519 private key: {error}") from None
    for path in paths:
        click.echo(f"wrote {path}")


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(update)
