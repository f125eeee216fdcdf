"""`oro init`: a new app from the template."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import click

from oro_framework.kernel.app import CONFIG_FILE_NAME
from oro_framework.kernel.hookspecs import hookimpl

_TEMPLATES = Path(__file__).parents[2] / "templates" / "app"
_TEMPLATE_FILES = (CONFIG_FILE_NAME, "index.html", "main.js")


@click.command()
@click.argument("app_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The app's name (default: the directory's name).")
def init(app_dir: Path, name: str | None) -> None:
    """Create an app in APP_DIR: oro.toml, index.html and a main.js showing live data.

    Refuses to overwrite any of these files; APP_DIR is created when missing.
    """
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


def _bundle_identifier(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"
    return f"com.example.{slug}"


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(init)
