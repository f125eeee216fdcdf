"""``ssc``, Socket's command line, read by Socket's rules (``src/cli/main.cc``) and run as the
``oro`` command doing the same: an app's README steps (``ssc build -r``) and its test command
(``ssc build -r -o --test=./test/index.js --headless``) work as they are."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from oro_framework.cli.ssc import parse, to_oro
from oro_framework.host.errors import SscUsageError
from oro_framework.testing.process import run_oro

SSC = Path(sys.executable).with_name("ssc")
APPS = Path(__file__).with_name("apps")


def _oro(argv: list[str], cwd: Path = Path("/app")) -> list[str] | None:
    return to_oro(parse(argv, cwd))


@pytest.mark.parametrize(
    ("argv", "oro"),
    [
        (["build", "-r"], ["run", "--build", "/app"]),
        (["build", "-r", "-o"], ["run", "--build", "/app"]),
        (
            ["build", "-r", "--headless", "--port", "9000"],
            ["run", "--build", "--config=window.headless=true", "--port", "9000", "/app"],
        ),
        (["build", "-r", "-w"], ["dev", "/app"]),
        (["build", "-r", "-w", "--headless"], ["dev", "--headless", "/app"]),
        (
            ["build", "-r", "-o", "--test=./test/index.js", "--headless"],
            ["test", "--window", "--config=window.headless=true", "/app", "./test/index.js"],
        ),
        (
            ["build", "-r", "--test", "t.js", "-H"],
            ["test", "--window", "--config=window.headless=true", "/app", "t.js"],
        ),
        (["build", "-r", "--test", "t.js"], ["test", "--window", "/app", "t.js"]),
        (["run", "--headless"], ["run", "--config=window.headless=true", "/app"]),
        (["build", "-p"], ["build", "/app"]),
        (["build", "-o"], None),
        (["build"], None),
        (["build", "--test=./test/index.js"], None),
        (["print-build-dir"], None),
        (["build", "-r", "sub"], ["run", "--build", "/app/sub"]),
        (["build", "-r", "--platform=linux", "-c", "-n", "-q"], ["run", "--build", "/app"]),
    ],
)
def test_sockets_command_lines_become_the_oro_command_doing_the_same(
    argv: list[str], oro: list[str] | None
) -> None:
    assert _oro(argv) == oro


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--bogus"], "unrecognized option '--bogus'"),
        (["build", "-r", "--run"], "used more than once"),
        (["build", "--run=yes"], "does not take a value"),
        (["build", "--platform=ios"], "Linux desktop apps"),
        (["install-app"], "use the oro command"),
        ([], "use the oro command"),
    ],
)
def test_what_socket_refuses_is_refused_with_its_reason(argv: list[str], message: str) -> None:
    with pytest.raises(SscUsageError, match=message):
        parse(argv, Path("/app"))


def test_ssc_env_entries_reach_the_app_as_its_env_section() -> None:
    command = parse(["build", "-r", "--env", "A=1,B=two"], Path("/app"))
    assert command.env == ["A=1", "B=two"]


def test_a_test_app_built_and_tested_with_sockets_command(tmp_path: Path) -> None:
    app = tmp_path / "bundled"
    shutil.copytree(APPS / "bundled", app, symlinks=True)

    built = run_oro("build", "-o", cwd=app, timeout=120, executable=SSC)
    assert built.returncode == 0, built.stderr
    assert (app / "build" / "index.html").is_file(), built.stderr

    where = run_oro("print-build-dir", cwd=app, timeout=60, executable=SSC)
    assert where.stdout.strip() == str(app / "build"), where.stderr

    tested = run_oro(
        "build",
        "-r",
        "-o",
        "--test=./test/index.js",
        "--headless",
        cwd=app,
        timeout=240,
        executable=SSC,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "# pass  5" in tested.stdout, tested.stdout

    refused = run_oro("build", "--platform=android", cwd=app, timeout=60, executable=SSC)
    assert refused.returncode == 1
    assert "ERROR: --platform=android" in refused.stderr
