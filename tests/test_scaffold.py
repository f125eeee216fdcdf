"""``oro plugins new``: names, the copy of the plugin template, and what it refuses.

The scaffolded plugin's own tests, lint and installation run in ``test_plugin_author.py``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from oro_framework import __version__
from oro_framework.cli import cli
from oro_framework.cli.scaffold import (
    TEMPLATE_DIRECTORIES,
    PluginNames,
    scaffold_plugin,
    template_directory,
)

REPOSITORY = Path(__file__).resolve().parents[1]


def _template_files() -> set[Path]:
    """The template's files as git tracks them (what the wheel ships)."""
    listed = subprocess.run(
        ["git", "ls-files", "plugins/_template"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPOSITORY,
    ).stdout.split()
    return {Path(name).relative_to("plugins/_template") for name in listed}


@pytest.mark.parametrize(
    ("name", "distribution", "package", "prefix"),
    [
        ("clock", "oro-clock", "oro_clock", "Clock"),
        ("weather_station", "oro-weather-station", "oro_weather_station", "WeatherStation"),
        ("s3", "oro-s3", "oro_s3", "S3"),
    ],
)
def test_names_follow_from_the_plugin_name(
    name: str, distribution: str, package: str, prefix: str
) -> None:
    names = PluginNames.parse(name)
    assert names.distribution == distribution
    assert names.package == package
    assert names.class_prefix == prefix


@pytest.mark.parametrize(
    "name", ["", "Clock", "1clock", "my-clock", "clock_", "a__b", "clock.x", "x" * 25, "ä"]
)
def test_a_name_that_is_not_lowercase_words_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="must be lowercase letters and digits"):
        PluginNames.parse(name)


def test_replace_renames_every_spelling_of_the_template_name() -> None:
    names = PluginNames.parse("weather_station")
    text = 'oro-template oro_template.plugin TemplateState "template.echo" oro:template'
    assert names.replace(text) == (
        'oro-weather-station oro_weather_station.plugin WeatherStationState "weather_station.echo"'
        " oro:weather_station"
    )


def test_the_source_tree_template_is_found_when_the_package_has_none() -> None:
    assert not TEMPLATE_DIRECTORIES[0].exists()  # an editable install: no copy in the package
    assert template_directory() == REPOSITORY / "plugins" / "_template"


def test_scaffold_writes_every_template_file_renamed_with_no_template_name_left(
    tmp_path: Path,
) -> None:
    destination = tmp_path / "oro-clock"
    written = scaffold_plugin(PluginNames.parse("clock"), destination)
    expected = {Path(str(path).replace("template", "clock")) for path in _template_files()}
    assert set(written) == expected
    assert {path.relative_to(destination) for path in destination.rglob("*") if path.is_file()} == (
        expected
    )
    for path in written:
        assert "template" not in (destination / path).read_text(encoding="utf-8").lower(), path
    pyproject = (destination / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "oro-clock"' in pyproject
    assert 'clock = "oro_clock.plugin"' in pyproject


def _compatible_specifier(version: str) -> str:
    """scripts/check_dists.py's release series of ``version``."""
    spec = importlib.util.spec_from_file_location(
        "check_dists", REPOSITORY / "scripts" / "check_dists.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    specifier: str = module.compatible_specifier(version)
    return specifier


def test_scaffold_requires_the_release_series_of_the_running_oro_framework(
    tmp_path: Path,
) -> None:
    scaffold_plugin(PluginNames.parse("clock"), tmp_path)
    project = tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    (requirement,) = [Requirement(text) for text in project["dependencies"]]
    assert requirement.name == "oro-framework"
    assert requirement.specifier == SpecifierSet(_compatible_specifier(__version__))
    assert "oro-plugin" in project["keywords"]
    plugin = (tmp_path / "src" / "oro_clock" / "plugin.py").read_text(encoding="utf-8")
    assert "    api=1,\n" in plugin


def test_scaffold_readme_describes_the_new_plugin_and_how_to_publish_it(tmp_path: Path) -> None:
    scaffold_plugin(PluginNames.parse("weather_station"), tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")

    assert readme.startswith("# oro-weather-station\n")
    for text in (
        "pip install oro-weather-station",
        "import { echo, digest } from 'oro:weather_station'",
        "`weather_station.echo` (`value`)",
        "`weather_station.digest`",
        "pytest",
        "python -m build",
        "twine upload dist/*",
    ):
        assert text in readme, text


def test_scaffold_leaves_out_caches_of_the_source_tree(tmp_path: Path) -> None:
    template = template_directory()
    cache = template / "src" / "oro_template" / "__pycache__"
    made = not cache.exists()
    cache.mkdir(exist_ok=True)
    (cache / "stray.cpython-311.pyc").write_bytes(b"\x00")
    try:
        written = scaffold_plugin(PluginNames.parse("clock"), tmp_path / "out")
    finally:
        (cache / "stray.cpython-311.pyc").unlink()
        if made:
            cache.rmdir()
    assert not any("__pycache__" in path.parts for path in written)


def test_scaffold_into_a_directory_that_is_not_empty_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="already exists and is not empty"):
        scaffold_plugin(PluginNames.parse("clock"), tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_plugins_new_defaults_to_oro_name_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plugins", "new", "clock"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "oro-clock" / "src" / "oro_clock" / "plugin.py").is_file()
    assert "created oro-clock in oro-clock" in result.output
    assert "plugin 'clock', package oro_clock" in result.output
    assert "next: pip install -e oro-clock 'oro-framework[testing]'" in result.output


def test_plugins_new_with_a_bad_name_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["plugins", "new", "My-Clock", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Invalid value for NAME" in result.output
    assert not (tmp_path / "x").exists()


def test_plugins_new_into_a_directory_that_is_not_empty_fails_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["plugins", "new", "clock", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists and is not empty; nothing was written" in result.output
