"""`oro init`: a new app from the template."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import click

from oro_framework.cli.common import build_host, host_errors
from oro_framework.hookspecs import hookimpl
from oro_framework.host.config import load_config
from oro_framework.host.config.files import CONFIG_FILE_NAME, is_ini_file
from oro_framework.host.config.ini_map import ini_file_as_toml

_TEMPLATES = Path(__file__).parents[2] / "templates" / "app"
_TEMPLATE_FILES = (CONFIG_FILE_NAME, "index.html", "main.js", "backend.py")


@click.command()
@click.argument("app_dir", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--name", help="The app's name (default: the directory's name).")
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Write the oro.toml equivalent to this oro.ini or socket.ini beside it instead.",
)
@click.option("--force", is_flag=True, help="With --from: replace an existing oro.toml.")
@host_errors
def init(app_dir: Path | None, name: str | None, source: Path | None, force: bool) -> None:
    """Create an app in APP_DIR: oro.toml, index.html and a main.js showing live data.

    Refuses to overwrite any of these files; APP_DIR is created when missing. With --from
    socket.ini (or oro.ini), writes the oro.toml equivalent to it beside it: each key commented
    with the INI key it came from, the keys oro does not honour listed at the top.
    """
    if source is not None:
        if app_dir is not None or name is not None:
            raise click.UsageError("--from takes neither APP_DIR nor --name")
        _from_ini(source, force=force)
        return
    if app_dir is None:
        raise click.UsageError("missing APP_DIR (or --from socket.ini)")
    name = name or app_dir.resolve().name
    existing = [file for file in _TEMPLATE_FILES if (app_dir / file).exists()]
    if existing:
        raise click.ClickException(
            f"{app_dir} already has {', '.join(existing)}; nothing was written"
        )
    values = {
        "name_toml": json.dumps(name, ensure_ascii=False),
        "name_html": html.escape(name),
        "bundle_identifier": _bundle_identifier(name),
    }
    app_dir.mkdir(parents=True, exist_ok=True)
    for file in _TEMPLATE_FILES:
        text = (_TEMPLATES / file).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        (app_dir / file).write_text(text, encoding="utf-8")
    click.echo(f"created {name} in {app_dir}: {', '.join(_TEMPLATE_FILES)}")
    click.echo(f"run it with: oro run {app_dir}")


@click.command("import")
@click.argument(
    "source", type=click.Path(dir_okay=False, exists=True, path_type=Path), default="socket.ini"
)
@click.option("--force", is_flag=True, help="Replace an existing oro.toml.")
@host_errors
def import_ini(source: Path, force: bool) -> None:
    """Write the oro.toml equivalent to SOURCE (socket.ini or oro.ini; default ./socket.ini)
    beside it: `oro init --from SOURCE`."""
    _from_ini(source, force=force)


def _from_ini(source: Path, *, force: bool) -> None:
    if not is_ini_file(source):
        raise click.UsageError(f"{source} is no oro.ini or socket.ini (an .ini file)")
    target = source.parent / CONFIG_FILE_NAME
    if target.exists() and not force:
        raise click.ClickException(
            f"{target} exists already (and wins over {source.name}); --force replaces it; "
            "nothing was written"
        )
    host = build_host(source.parent, skip_broken=True, use_config_file=False, declare_only=True)
    host.close()
    text, mapped = ini_file_as_toml(source, host.config_keys)
    # The result must be what oro run reads from the INI: checked before it is written.
    load_config(host.config_keys, path=target, content=text)
    target.write_text(text, encoding="utf-8")
    click.echo(
        f"wrote {target} from {source}: {len(mapped.keys)} key(s) mapped, "
        f"{len(mapped.notes)} not honoured (listed at its top)"
    )


def _bundle_identifier(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"
    return f"com.example.{slug}"


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(import_ini)
