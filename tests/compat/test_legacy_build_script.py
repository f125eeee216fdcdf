"""Apps written for Socket before 0.5 get their build script run as that Socket ran it: with the
folder to fill as its first argument (and ``--test=true`` when building tests), which every
script of ``ssc init``'s templates of that time reads as ``process.argv[2]``. From 0.5 only
``[build.script] forward_arguments = true`` passes it, and an app that sets the key decides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from oro_framework.build.socket_version import declared_socket_version
from oro_framework.build.steps import BuildSteps, run_build_steps
from oro_framework.host.app import Host

APP = Path(__file__).with_name("apps") / "legacy-script"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    target = tmp_path / "legacy-script"
    shutil.copytree(APP, target)
    return target


def _build(app: Path, *, tests: bool = False) -> tuple[Path, list[str]]:
    host = Host(app, autoload=False, resolve_secrets=False)
    try:
        steps = BuildSteps.from_host(host)
    finally:
        host.close()
    said: list[str] = []
    output = run_build_steps(
        steps, test_files=["test/index.js"] if tests else [], write=said.append, warn=said.append
    )
    return output, said


def test_a_socket_0_2_script_gets_the_output_folder_and_test_flag(app: Path) -> None:
    output, said = _build(app, tests=True)
    assert (output / "index.html").is_file(), said
    assert json.loads((output / "test" / "argv.json").read_text())[1:] == ["--test=true"]
    assert any("written for Socket 0.2.13" in line for line in said), said


def test_the_package_json_dependency_declares_the_version_without_a_banner(app: Path) -> None:
    ini = app / "socket.ini"
    ini.write_text("\n".join(line for line in ini.read_text().splitlines() if "v0.2" not in line))
    assert declared_socket_version(app, ini) == (0, 2, 13)
    output, _ = _build(app)
    assert (output / "index.html").is_file()


def test_an_app_that_sets_forward_arguments_decides(app: Path) -> None:
    ini = app / "socket.ini"
    ini.write_text(ini.read_text() + "\n[build.script]\nforward_arguments = false\n")
    with pytest.raises(Exception, match="exit code 1"):
        _build(app)


@pytest.mark.parametrize(
    ("banner", "package", "version"),
    [
        (
            "; Socket ⚡︎ Runtime · A modern runtime for Web Apps · v0.5.4 (97fa3f7c)",
            None,
            (0, 5, 4),
        ),
        ("", {"devDependencies": {"@socketsupply/socket": "~0.4.0"}}, (0, 4, 0)),
        ("", {"dependencies": {"@socketsupply/socket": "latest"}}, None),
        ("", ["not", "an", "object"], None),
        ("title = v0.1.0 of Socket", None, None),
        ("", None, None),
    ],
)
def test_the_declared_version(
    tmp_path: Path, banner: str, package: object, version: tuple[int, int, int] | None
) -> None:
    ini = tmp_path / "socket.ini"
    ini.write_text(f"{banner}\n[build]\nname = x\n")
    if package is not None:
        (tmp_path / "package.json").write_text(json.dumps(package))
    assert declared_socket_version(tmp_path, ini) == version
