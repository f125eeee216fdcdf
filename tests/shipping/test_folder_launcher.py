"""The launcher of ``oro build --webview system --target tar`` (and ``onedir``) runs the app on
a ``python3`` that has the distro's ``gi``, not merely the first on ``PATH`` (a venv's, pyenv's):
it took that one and then told the user to install packages that were installed. Where no
``python3`` fits, it names each one it tried and what that one lacks.

The launcher itself runs, on a folder laid out as the build lays it out, with a ``launch.py``
that reports the interpreter it runs on; no build needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oro_framework.build.launcher import APP_DIRECTORY
from oro_framework.build.system.layout import PYTHON_CANDIDATES, folder_launcher

DISTRO_PYTHON = Path("/usr/bin/python3")

REPORT = "import sys; print('ran on', sys.executable, sys.argv[1:])\n"


def _has_gi(python: Path) -> bool:
    done = subprocess.run([python, "-I", "-c", "import gi"], capture_output=True, check=False)
    return done.returncode == 0


def _folder(tmp_path: Path, launcher: str) -> Path:
    folder = tmp_path / "app"
    (folder / APP_DIRECTORY).mkdir(parents=True)
    (folder / "launch.py").write_text(REPORT, encoding="utf-8")
    (folder / "app").write_text(launcher, encoding="utf-8")
    (folder / "app").chmod(0o755)
    return folder / "app"


def _python_without_gi(tmp_path: Path) -> Path:
    """A real Python 3.11+ first on ``PATH`` without the distro's packages, as a venv's is."""
    bin_dir = tmp_path / "venv-bin"
    bin_dir.mkdir()
    python = bin_dir / "python3"
    python.write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    assert not _has_gi(python)
    return bin_dir


def _run(launcher: Path, path: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PATH": path}
    return subprocess.run(
        [launcher, "--flag"], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.skipif(not _has_gi(DISTRO_PYTHON), reason="needs the distro's python3 with gi")
def test_the_launcher_passes_over_a_python3_without_gi_for_the_distros(tmp_path: Path) -> None:
    fake = _python_without_gi(tmp_path)
    launcher = _folder(tmp_path, folder_launcher(["oro-fs"]))

    done = _run(launcher, f"{fake}:/usr/bin:/bin")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ran on {DISTRO_PYTHON} "), done.stdout
    assert f"'{launcher.parent / APP_DIRECTORY}', '--flag'" in done.stdout


def test_where_no_python3_fits_the_launcher_names_each_and_what_it_lacks(tmp_path: Path) -> None:
    fake = _python_without_gi(tmp_path)
    # The same launcher, its fixed candidates pointed at interpreters that lack gi or are absent.
    launcher_text = folder_launcher(["oro-fs"])
    for candidate in PYTHON_CANDIDATES:
        launcher_text = launcher_text.replace(f" {candidate}", f" {tmp_path}/absent{candidate}")
    launcher = _folder(tmp_path, launcher_text)

    done = _run(launcher, f"{fake}:/usr/bin:/bin")

    assert done.returncode == 1
    assert done.stdout == ""
    assert "no python3 here runs the app" in done.stderr
    assert f"{fake}/python3: no gi (the distro PyGObject)" in done.stderr, done.stderr
    assert "apt-get install python3-gi" in done.stderr
