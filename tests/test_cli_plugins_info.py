"""``oro plugins info``, ``install`` and ``uninstall``, run as real commands.

``info`` runs against the repository's own environment (core plugins, the workspace plugins) and
against a throwaway venv that holds broken plugins; ``install``/``uninstall`` put the sample
third-party plugin of examples/hello-plugin into that venv and take it out again, with uv as a
user with uv on PATH would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_plugin_author import REPOSITORY, _write_distribution, editable_venv
from uv import find_uv_bin

ORO = Path(sys.executable).parent / "oro"
HELLO = REPOSITORY / "examples" / "hello-plugin"

RAISING_PLUGIN = """
    from oro_framework import hookimpl


    @hookimpl
    def oro_register_routes(routes):
        raise RuntimeError("the route table is not ready")
"""


def _run(
    oro: Path, *args: str, path: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(oro), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        # The caller's environment (its uv cache, certificates, find-links), with PATH chosen
        # by each test: it decides whether uv is found.
        env={**_without_venv(os.environ), "PATH": path},
    )


def _without_venv(environ: os._Environ[str]) -> dict[str, str]:
    return {name: value for name, value in environ.items() if name != "VIRTUAL_ENV"}


# -------------------------------------------------------------------------------------------------
# info in the repository's environment
# -------------------------------------------------------------------------------------------------


def _repo_oro(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), *args], capture_output=True, text=True, check=False, cwd=cwd, env=os.environ
    )


def test_info_of_a_core_plugin_as_text_and_json(tmp_path: Path) -> None:
    text = _repo_oro("plugins", "info", "ping", cwd=tmp_path)
    as_json = _repo_oro("plugins", "info", "ping", "--json", cwd=tmp_path)

    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[:3] == [
        "ping  (ping = oro_framework.core.ping)",
        f"  distribution: oro-framework {json.loads(as_json.stdout)[0]['version']}",
        f"  location: {REPOSITORY / 'oro_framework' / 'core' / 'ping.py'}  "
        f"(editable install of {REPOSITORY})",
    ]
    assert '    ping  [runtime]  Answer "pong".' in text.stdout
    [ping] = json.loads(as_json.stdout)
    assert (ping["distribution"], ping["hooks"], ping["error"]) == (
        "oro-framework",
        ["oro_register_routes"],
        None,
    )
    assert ping["routes"] == [
        {"name": "ping", "permission": "runtime", "doc": 'Answer "pong".', "timeout": None}
    ]


def test_info_of_a_plugin_by_distribution_name_lists_everything_it_registers(
    tmp_path: Path,
) -> None:
    result = _repo_oro("plugins", "info", "oro-fs", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    [fs] = json.loads(result.stdout)
    assert (fs["name"], fs["entry_point"], fs["editable"]) == (
        "fs",
        "fs = oro_fs.plugin",
        str(REPOSITORY / "plugins" / "oro-fs"),
    )
    assert {"name": "fs.readFile", "permission": "filesystem"}.items() <= next(
        route for route in fs["routes"] if route["name"] == "fs.readFile"
    ).items()
    modules = {module["specifier"]: module for module in fs["js_modules"]}
    assert modules["oro:fs"]["aliases"] == ["node:fs"]
    config = {key["key"]: key for key in fs["config"]}
    assert (
        config["filesystem.io_threads"]["type"],
        config["filesystem.io_threads"]["default"],
    ) == (
        "integer",
        8,
    )
    assert [permission["name"] for permission in fs["permissions"]] == ["filesystem"]
    assert [service["name"] for service in fs["services"]] == ["fs.watchers"]


def test_info_of_an_unknown_name_suggests_the_nearest(tmp_path: Path) -> None:
    result = _repo_oro("plugins", "info", "fss", cwd=tmp_path)

    assert result.returncode == 1
    assert "no installed plugin is named 'fss'; did you mean 'fs'?" in result.stderr


# -------------------------------------------------------------------------------------------------
# A throwaway venv: broken plugins, install and uninstall
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding oro-framework (editable) and two broken plugins: one that does not import,
    one whose hook raises."""
    root = tmp_path_factory.mktemp("plugins-info")
    missing = _write_distribution(
        root / "oro-missing", "oro-missing", 'missing = "oro_missing.nowhere"', ""
    )
    raising = _write_distribution(
        root / "oro-raising", "oro-raising", 'raising = "oro_raising.plugin"', RAISING_PLUGIN
    )
    return editable_venv(root / "venv", missing, raising)


def _with_uv() -> str:
    return f"{Path(find_uv_bin()).parent}:/usr/bin:/bin"


def test_info_of_a_plugin_that_does_not_import(venv: Path, tmp_path: Path) -> None:
    oro = venv / "bin" / "oro"
    text = _run(oro, "plugins", "info", "missing", path="/usr/bin:/bin", cwd=tmp_path)
    as_json = _run(oro, "plugins", "info", "oro-missing", "--json", path="/usr/bin:/bin")

    assert text.returncode == 1
    assert "  error: import failed: ModuleNotFoundError: No module named 'oro_missing.nowhere'" in (
        text.stdout
    )
    [missing] = json.loads(as_json.stdout)
    assert as_json.returncode == 1
    assert (missing["distribution"], missing["version"], missing["routes"]) == (
        "oro-missing",
        "1.2.3",
        [],
    )
    assert "No module named 'oro_missing.nowhere'" in missing["error"]


def test_info_of_a_plugin_whose_hook_raises_names_the_hook(venv: Path, tmp_path: Path) -> None:
    result = _run(
        venv / "bin" / "oro", "plugins", "info", "raising", path="/usr/bin:/bin", cwd=tmp_path
    )

    assert result.returncode == 1
    assert (
        "  error (in oro_register_routes): hook oro_register_routes raised RuntimeError: "
        "the route table is not ready"
    ) in result.stdout
    assert f"  location: {venv.parent / 'oro-raising' / 'src' / 'oro_raising' / 'plugin.py'}" in (
        result.stdout
    )


def test_install_shows_info_then_list_has_it_and_uninstall_removes_it(
    venv: Path, tmp_path: Path
) -> None:
    oro = venv / "bin" / "oro"
    installed = _run(oro, "plugins", "install", str(HELLO), path=_with_uv(), cwd=tmp_path)

    assert installed.returncode == 0, installed.stderr
    assert "installed oro-hello 0.1.0" in installed.stdout
    assert "hello  (hello = oro_hello.plugin)" in installed.stdout
    assert "    hello.greet  [hello]" in installed.stdout
    assert "    oro:hello" in installed.stdout
    listed = _run(oro, "plugins", "list", "--json", path="/usr/bin:/bin")
    hello = next(row for row in json.loads(listed.stdout) if row["name"] == "hello")
    assert (hello["distribution"], hello["error"]) == ("oro-hello", None)
    assert "    hello.greeting (string" in installed.stdout
    # Installed from a path, not editable: the code lies in the venv's site-packages.
    assert f"  location: {venv / 'lib'}" in installed.stdout
    assert "editable install" not in installed.stdout.split("hello  (hello")[1]

    removed = _run(oro, "plugins", "uninstall", "hello", path=_with_uv())

    assert removed.returncode == 0, removed.stderr
    assert "uninstalled oro-hello (plugins: hello)" in removed.stdout
    listed = _run(oro, "plugins", "list", "--json", path="/usr/bin:/bin")
    assert "hello" not in {row["name"] for row in json.loads(listed.stdout)}


def test_install_of_a_distribution_without_a_plugin_is_undone(venv: Path, tmp_path: Path) -> None:
    project = tmp_path / "not-a-plugin"
    (project / "src" / "not_a_plugin").mkdir(parents=True)
    (project / "src" / "not_a_plugin" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "not-a-plugin"\nversion = "1.0"\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    oro = venv / "bin" / "oro"

    result = _run(oro, "plugins", "install", str(project), path=_with_uv(), cwd=tmp_path)

    assert result.returncode == 1
    assert "holds no oro plugin" in result.stderr
    assert "uninstalled again: not-a-plugin" in result.stderr
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import not_a_plugin"],
        capture_output=True,
        check=False,
    )
    assert check.returncode == 1


def test_uninstall_refuses_what_is_no_plugin_and_oro_framework(venv: Path) -> None:
    oro = venv / "bin" / "oro"
    unknown = _run(oro, "plugins", "uninstall", "requests", path=_with_uv())
    core = _run(oro, "plugins", "uninstall", "oro-framework", path=_with_uv())

    assert unknown.returncode == 1
    assert "no installed oro plugin is named 'requests'" in unknown.stderr
    assert core.returncode == 1
    assert "oro-framework itself cannot be uninstalled" in core.stderr


def test_install_without_uv_or_pip_says_what_to_install(venv: Path, tmp_path: Path) -> None:
    # A venv made by uv has no pip; with no uv on PATH there is no installer at all.
    result = _run(
        venv / "bin" / "oro", "plugins", "install", str(HELLO), path=str(tmp_path), cwd=tmp_path
    )

    assert result.returncode == 1
    assert "neither uv nor pip is available" in result.stderr
