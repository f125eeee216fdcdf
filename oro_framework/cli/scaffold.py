"""``oro plugins new``: a new plugin distribution, copied from the plugin template.

The template is ``plugins/_template`` of the source tree, shipped in the wheel as
``oro_framework/templates/plugin``. It is a working, tested plugin named ``template``; copying it
renames that everywhere, in paths and in text: ``oro-template`` (the distribution),
``oro_template`` (the package), ``Template`` (class names) and ``template`` (entry point, routes,
permission, config section, JS module).

The copy requires oro-framework within the release series of the oro-framework it ships in
(``oro-framework>=0.1,<0.2`` for 0.1.x): the template's ``pyproject.toml`` says so, and
``tests/test_distributions.py`` keeps that bound equal to the one ``scripts/check_dists.py``
derives from the version (the plugin guide's "Publishing"). Its ``plugin.py`` declares the plugin
API it is written for (``api=``), and its README describes the new plugin to app authors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Final, final

from oro_framework.records import record

__all__ = ["TEMPLATE_DIRECTORIES", "PluginNames", "scaffold_plugin", "template_directory"]

_PACKAGE: Final = Path(__file__).resolve().parents[1]
TEMPLATE_DIRECTORIES: Final = (
    _PACKAGE / "templates" / "plugin",
    _PACKAGE.parent / "plugins" / "_template",
)
"""Where the template is: in the installed wheel, else in the source tree."""

_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_MAX_NAME_LENGTH: Final = 24
_PLACEHOLDER: Final = re.compile(r"oro-template|oro_template|Template|template")
# What a source tree or an installed copy may hold beside the template's own files.
_LEFT_OUT: Final = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", "build", "dist"}
)


@final
@record
class PluginNames:
    """The names of a new plugin called ``name`` (``weather_station``)."""

    name: str
    """The entry point, route namespace, permission, config section and JS module name."""

    @classmethod
    def parse(cls, name: str) -> PluginNames:
        """The names of the plugin ``name``.

        :raises ValueError: ``name`` is not lowercase words of letters and digits joined by
            ``_``, starting with a letter, of at most 24 characters.
        """
        if not _NAME.fullmatch(name) or len(name) > _MAX_NAME_LENGTH:
            raise ValueError(
                f"plugin name {name!r} must be lowercase letters and digits, words joined by '_', "
                f"starting with a letter, at most {_MAX_NAME_LENGTH} characters (e.g. 'clock')"
            )
        return cls(name)

    @property
    def distribution(self) -> str:
        """``oro-weather-station``."""
        return "oro-" + self.name.replace("_", "-")

    @property
    def package(self) -> str:
        """``oro_weather_station``."""
        return "oro_" + self.name

    @property
    def class_prefix(self) -> str:
        """``WeatherStation`` (``WeatherStationState``, ``WeatherStationSettings``)."""
        return "".join(word.capitalize() for word in self.name.split("_"))

    def replace(self, text: str) -> str:
        """``text`` with the template's names replaced by these."""
        names = {
            "oro-template": self.distribution,
            "oro_template": self.package,
            "Template": self.class_prefix,
            "template": self.name,
        }
        return _PLACEHOLDER.sub(lambda match: names[match.group()], text)


def template_directory() -> Path:
    """The plugin template.

    :raises FileNotFoundError: neither in the package nor in a source tree (a broken install).
    """
    for directory in TEMPLATE_DIRECTORIES:
        if (directory / "pyproject.toml").is_file():
            return directory
    raise FileNotFoundError(
        f"the plugin template is missing from {TEMPLATE_DIRECTORIES[0]}; reinstall oro-framework"
    )


def scaffold_plugin(names: PluginNames, destination: Path) -> list[Path]:
    """Write the distribution ``names.distribution`` into ``destination`` (created if needed).

    :return: the files written, relative to ``destination``.
    :raises FileExistsError: ``destination`` exists and is not an empty directory; nothing is
        written then.
    """
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(f"{destination} already exists and is not empty")
    template = template_directory()
    written: list[Path] = []
    for source in sorted(template.rglob("*")):
        relative = source.relative_to(template)
        if not source.is_file() or source.suffix == ".pyc" or _is_left_out(relative):
            continue
        target = Path(*(names.replace(part) for part in relative.parts))
        (destination / target).parent.mkdir(parents=True, exist_ok=True)
        (destination / target).write_text(
            names.replace(source.read_text(encoding="utf-8")), encoding="utf-8"
        )
        shutil.copymode(source, destination / target)
        written.append(target)
    return written


def _is_left_out(relative: Path) -> bool:
    return any(part in _LEFT_OUT or part.endswith(".egg-info") for part in relative.parts)
