"""A third-party author's path, for real: write a one-file plugin distribution, ``pip install -e``
it into a fresh virtual environment next to oro-framework, and inspect it with the ``oro`` command.

uv builds the venvs (its binary comes from the ``uv`` dev dependency); packages come from uv's cache
or the package index, as they would for the author.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _clipnotes import install_distributions
from _oro_process import OroProcess
from uv import find_uv_bin

REPOSITORY = Path(__file__).resolve().parents[1]


def _write_distribution(root: Path, name: str, entry_point: str, plugin_source: str) -> Path:
    package = name.replace("-", "_")
    (root / "src" / package).mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [project]
            name = "{name}"
            version = "1.2.3"
            dependencies = ["oro-framework"]

            [project.entry-points.oro]
            {entry_point}

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
            """
        )
    )
    (root / "src" / package / "__init__.py").write_text("")
    (root / "src" / package / "plugin.py").write_text(textwrap.dedent(plugin_source))
    return root


GREETER_PLUGIN = '''
    from oro_framework import hookimpl


    async def greet(request):
        """Greet someone by name."""
        return f"hello {request.params.require_str('name')}"


    @hookimpl
    def oro_register_routes(routes):
        routes.add("greeter.greet", greet, permission="runtime")
'''


@pytest.fixture(scope="module")
def author_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding oro-framework (editable), a working plugin and a broken one."""
    root = tmp_path_factory.mktemp("author")
    greeter = _write_distribution(
        root / "oro-greeter", "oro-greeter", 'greeter = "oro_greeter.plugin"', GREETER_PLUGIN
    )
    broken = _write_distribution(
        root / "oro-broken", "oro-broken", 'broken = "oro_broken.missing_module"', ""
    )
    return editable_venv(root / "venv", greeter, broken)


def editable_venv(venv: Path, *projects: Path) -> Path:
    """A new venv at ``venv`` holding oro-framework and ``projects``, all editable."""
    uv = find_uv_bin()
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    editables = [arg for project in (REPOSITORY, *projects) for arg in ("-e", str(project))]
    python = str(venv / "bin" / "python")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", python, *editables], check=True)
    return venv


def _oro(venv: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "oro"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(venv)},
    )


def test_installed_plugin_is_listed_with_its_hooks(author_venv: Path) -> None:
    result = _oro(author_venv, "plugins", "list", "--json")
    # Exit 1: the venv holds the broken plugin too (issue 73).
    assert result.returncode == 1, result.stderr
    by_name = {row["name"]: row for row in json.loads(result.stdout)}
    assert by_name["greeter"] == {
        "name": "greeter",
        "version": "1.2.3",
        "entry_point": "greeter = oro_greeter.plugin",
        "module": "oro_greeter.plugin",
        "hooks": ["oro_register_routes"],
        "error": None,
        "failed_hook": None,
        "distribution": "oro-greeter",
        "isolated": False,
    }


def test_installed_plugin_route_is_listed(author_venv: Path, tmp_path: Path) -> None:
    # The venv holds the broken plugin too: without the flag, oro routes warns about it.
    result = _oro(author_venv, "routes", "--json", "--skip-broken-plugins", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    routes = {row["name"]: row for row in json.loads(result.stdout)}
    assert routes["greeter.greet"] == {
        "name": "greeter.greet",
        "plugin": "greeter",
        "permission": "runtime",
        "doc": "Greet someone by name.",
        "timeout": None,
        "wrapped_by": [],
    }
    assert "ping" in routes


def test_broken_plugin_shows_its_error_and_list_exits_1(author_venv: Path) -> None:
    result = _oro(author_venv, "plugins", "list", "--json")
    assert result.returncode == 1
    assert "broken plugin: broken" in result.stderr
    broken = next(row for row in json.loads(result.stdout) if row["name"] == "broken")
    assert "No module named 'oro_broken.missing_module'" in broken["error"]
    assert broken["distribution"] == "oro-broken"


def test_broken_plugin_makes_strict_run_fail_naming_entry_point_and_distribution(
    author_venv: Path, tmp_path: Path
) -> None:
    result = _oro(author_venv, "run", str(tmp_path), "--strict-plugins")
    assert result.returncode == 1
    assert "PluginLoadError" in result.stderr
    assert "broken = oro_broken.missing_module" in result.stderr
    assert "oro-broken" in result.stderr


def test_skip_broken_plugins_runs_the_app_anyway(author_venv: Path, tmp_path: Path) -> None:
    with OroProcess(
        "run",
        str(tmp_path),
        "--skip-broken-plugins",
        executable=author_venv / "bin" / "oro",
        environ={"PATH": "/usr/bin:/bin", "HOME": str(author_venv)},
    ) as oro:
        url = oro.launch_url()
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0, oro.stderr()
    assert url.startswith("http://127.0.0.1:")
    assert "skipping broken plugin" in oro.stderr()


# -------------------------------------------------------------------------------------------------
# `oro plugins new`: from oro-framework's wheel to a plugin that installs, passes its own tests and
# lints clean
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding oro-framework installed from its wheel, as a user gets it from an index."""
    root = tmp_path_factory.mktemp("wheel")
    uv = find_uv_bin()
    subprocess.run(
        [uv, "build", "--quiet", "--wheel", "--out-dir", str(root / "dist"), str(REPOSITORY)],
        check=True,
    )
    venv = root / "venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    wheel = next((root / "dist").glob("oro_framework-*.whl"))
    _uv_install(venv, str(wheel))
    return venv


def _uv_install(venv: Path, *requirements: str) -> None:
    python = str(venv / "bin" / "python")
    subprocess.run(
        [find_uv_bin(), "pip", "install", "--quiet", "--python", python, *requirements], check=True
    )


def test_plugins_new_from_the_wheel_makes_a_plugin_that_installs_and_registers(
    wheel_venv: Path, tmp_path: Path
) -> None:
    made = _oro(wheel_venv, "plugins", "new", "clock", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    _uv_install(wheel_venv, "-e", str(tmp_path / "oro-clock"))

    listed = _oro(wheel_venv, "plugins", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    clock = next(row for row in json.loads(listed.stdout) if row["name"] == "clock")
    assert (clock["distribution"], clock["entry_point"], clock["error"]) == (
        "oro-clock",
        "clock = oro_clock.plugin",
        None,
    )
    assert "oro_unconfigure" in clock["hooks"]
    routes = _oro(wheel_venv, "routes", "--json", cwd=tmp_path)
    assert routes.returncode == 0, routes.stderr
    clock_routes = [row for row in json.loads(routes.stdout) if row["plugin"] == "clock"]
    assert [(row["name"], row["permission"]) for row in clock_routes] == [
        ("clock.digest", "clock"),
        ("clock.echo", "clock"),
    ]


def test_plugins_new_makes_a_plugin_whose_own_tests_ruff_and_mypy_pass(tmp_path: Path) -> None:
    tools = Path(sys.executable).parent
    project = tmp_path / "oro-weather-station"
    made = subprocess.run(
        [tools / "oro", "plugins", "new", "weather_station", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr

    def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=project, env=env
        )
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"

    # Its tests load it by its entry point: installed, as `uv sync` installs the project.
    site = install_distributions(tmp_path / "site", project)
    pytest_command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    run(*pytest_command, "-p", "no:randomly", env={**os.environ, "PYTHONPATH": str(site)})
    run(tools / "ruff", "check", "--no-cache", ".")
    run(tools / "ruff", "format", "--check", "--no-cache", ".")
    run(sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
