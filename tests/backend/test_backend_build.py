"""What a build takes of the backend (its files, the modules they import, its requirements) and
what `oro doctor` says about it; the real builds are tests/shipping's."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from _apps import write_app
from click.testing import CliRunner

from oro_framework.build.backend import (
    backend_files,
    check_requirements,
    expand_requirements,
    imported_modules,
)
from oro_framework.build.plan import plan_build
from oro_framework.cli import cli
from oro_framework.host.errors import BuildError

PATHSPEC = importlib.metadata.version("pathspec")


def test_the_backends_files_are_its_modules_and_packages_not_venvs_or_hidden_folders(
    tmp_path: Path,
) -> None:
    app = write_app(tmp_path / "app", "import helpers\nfrom tools.text import shout\nimport json\n")
    (app / "helpers.py").write_text("import PIL\n")
    (app / "tools").mkdir()
    (app / "tools" / "__init__.py").write_text("")
    (app / "tools" / "text.py").write_text("from . import other\nimport anyio.abc\n")
    for skipped in (".venv", "node_modules/pkg", "ui"):
        (app / skipped).mkdir(parents=True)
        (app / skipped / "__init__.py").write_text("")
    (app / ".venv" / "pyvenv.cfg").write_text("")
    (app / "ui" / "page.py").write_text("")
    files = backend_files(app)
    assert [str(file) for file in files] == [
        "backend.py",
        "helpers.py",
        "tools/__init__.py",
        "tools/text.py",
        "ui/__init__.py",
        "ui/page.py",
    ]
    assert imported_modules(app, files) == ["PIL", "anyio", "json"]


def test_requirements_expand_files_and_must_be_installed_in_a_fitting_version(
    tmp_path: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text("# the backend's\npathspec>=0.10  # globs\n\n")
    listed = expand_requirements(tmp_path, ["-r requirements.txt", "anyio"])
    assert listed == ["pathspec>=0.10", "anyio"]
    assert check_requirements(listed) == ["pathspec", "anyio"]
    assert check_requirements(["pathspec; sys_platform == 'nowhere'"]) == []
    with pytest.raises(BuildError, match=re.escape("pip install 'no-such-dist-oro>=1'")):
        check_requirements(["no-such-dist-oro>=1"])
    with pytest.raises(BuildError, match=f"pathspec {re.escape(PATHSPEC)} is installed"):
        check_requirements(["pathspec<0.1"])
    with pytest.raises(BuildError, match="is not a requirement"):
        check_requirements(["pathspec >>> 1"])
    with pytest.raises(BuildError, match=re.escape("missing.txt")):
        expand_requirements(tmp_path, ["-r missing.txt"])


def test_the_build_plan_carries_the_backend(tmp_path: Path) -> None:
    app = write_app(
        tmp_path / "app", "import pathspec\nfrom oro_framework.backend import command\n"
    )
    (app / "oro.toml").write_text(
        '[meta]\nname = "notes"\nbundle_identifier = "com.example.notes"\n'
        '[backend]\nrequirements = ["pathspec>=0.10"]\n'
    )
    plan = plan_build(app)
    assert plan.backend is not None
    assert plan.backend.files == (Path("backend.py"),)
    assert plan.backend.requirements == ("pathspec",)
    assert plan.backend.imports == ("oro_framework", "pathspec")


def test_a_broken_backend_stops_the_build_naming_it(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", "def broken(:\n")
    with pytest.raises(BuildError, match=re.escape("backend.py:1")):
        plan_build(app)


def test_doctor_checks_the_backend_and_each_requirement(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", "from oro_framework.backend import command\n")
    (app / "oro.toml").write_text(
        '[meta]\nname = "notes"\n[backend]\nrequirements = ["pathspec>=0.10", "no-such-dist-oro"]\n'
    )
    result = CliRunner().invoke(cli, ["doctor", "--app", str(app)])
    lines = result.output.splitlines()
    assert any(line.startswith("ok   backend:") and "imports" in line for line in lines)
    assert f"ok   backend requirement pathspec>=0.10: pathspec {PATHSPEC}" in lines
    failed = next(line for line in lines if "backend requirement no-such-dist-oro" in line)
    assert failed.startswith("fail "), failed
    assert "pip install 'no-such-dist-oro'" in result.output
    # oro build would stop on it: so does doctor's exit status.
    assert result.exit_code == 1
