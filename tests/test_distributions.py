"""The repository's distributions are released together: one version (the root
``pyproject.toml``'s), requirements on oro-framework and on each other bounded to its release
series, and built wheels and sdists that pass ``scripts/check_dists.py`` (what
``scripts/build-dists`` runs after building them all)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from uv import find_uv_bin

REPOSITORY = Path(__file__).resolve().parents[1]
SCRIPT = REPOSITORY / "scripts" / "check_dists.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_dists", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


check_dists = _load_script()


def _project(path: Path) -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    return project


ROOT = _project(REPOSITORY / "pyproject.toml")
RELEASED = {
    path.parent.relative_to(REPOSITORY).as_posix(): _project(path)
    for path in [
        REPOSITORY / "pyproject.toml",
        *sorted(REPOSITORY.glob("plugins/oro-*/pyproject.toml")),
        REPOSITORY / "examples" / "hello-plugin" / "pyproject.toml",
    ]
}
"""Every distribution that shares the version, by folder."""
TEMPLATE = _project(REPOSITORY / "plugins" / "_template" / "pyproject.toml")
OURS = {canonicalize_name(project["name"]) for project in RELEASED.values()}


def _requirements(project: dict[str, Any]) -> list[Requirement]:
    # oro-framework's `all` extra names the plugins as the project's standing rule lists them,
    # unbounded: they are released with it, from one workspace.
    texts = [
        *project.get("dependencies", []),
        *(
            text
            for name, extra in project.get("optional-dependencies", {}).items()
            if not (project["name"] == "oro-framework" and name == "all")
            for text in extra
        ),
    ]
    return [Requirement(text) for text in texts]


def test_every_distribution_carries_the_root_version() -> None:
    versions = {folder: project["version"] for folder, project in RELEASED.items()}
    assert len(versions) > 12  # the root, every plugin and the example
    assert versions == dict.fromkeys(RELEASED, ROOT["version"])


@pytest.mark.parametrize("folder", sorted(RELEASED))
def test_requirements_on_oro_framework_and_each_other_stay_in_the_release_series(
    folder: str,
) -> None:
    project = RELEASED[folder]
    wanted = check_dists.compatible_specifier(ROOT["version"])
    own = canonicalize_name(project["name"])
    bounded = {
        str(requirement): str(requirement.specifier)
        for requirement in _requirements(project)
        if canonicalize_name(requirement.name) in OURS - {own}
    }
    assert bounded == dict.fromkeys(bounded, str(SpecifierSet(wanted)))
    if own != "oro-framework":
        assert any(r.name == "oro-framework" for r in _requirements(project)), folder


def test_the_plugin_template_requires_the_release_series_it_ships_in() -> None:
    (requirement,) = [Requirement(text) for text in TEMPLATE["dependencies"]]
    assert requirement.name == "oro-framework"
    assert requirement.specifier == SpecifierSet(check_dists.compatible_specifier(ROOT["version"]))


@pytest.mark.parametrize(
    ("version", "specifier"),
    [("0.1.0", ">=0.1,<0.2"), ("0.9.4", ">=0.9,<0.10"), ("1.4.0", ">=1.4,<2"), ("2.0", ">=2.0,<3")],
)
def test_the_release_series_is_a_minor_one_before_1_0_and_a_major_one_after(
    version: str, specifier: str
) -> None:
    assert check_dists.compatible_specifier(version) == specifier


# -------------------------------------------------------------------------------------------------
# The checks, on a real wheel and sdist
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """oro-zlib's sdist and wheel (built from the sdist), as scripts/build-dists builds them."""
    out = tmp_path_factory.mktemp("dist")
    plugin = REPOSITORY / "plugins" / "oro-zlib"
    subprocess.run([find_uv_bin(), "build", "--quiet", "--out-dir", str(out), plugin], check=True)
    return out


def test_a_built_plugin_passes_every_check(built: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(built)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"ok   oro-zlib {ROOT['version']}: oro_zlib-{ROOT['version']}-py3-none-any.whl, "
        f"oro_zlib-{ROOT['version']}.tar.gz"
    ]


def _rewrite_wheel(source: Path, target: Path, edit: dict[str, str | None]) -> None:
    """A copy of the wheel ``source`` at ``target`` whose files ending with a key of ``edit``
    are replaced by its value (``None``: left out)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for name in original.namelist():
            ending = next((key for key in edit if name.endswith(key)), None)
            if ending is None:
                copy.writestr(name, original.read(name))
            elif (replacement := edit[ending]) is not None:
                copy.writestr(name, replacement)


def test_the_checks_name_what_an_index_or_the_host_would_refuse_in_a_wheel(
    built: Path, tmp_path: Path
) -> None:
    shutil.copy(next(built.glob("*.tar.gz")), tmp_path)
    wheel = next(built.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"oro_zlib-{ROOT['version']}.dist-info/METADATA").decode()
    typed = "Classifier: Typing :: Typed"
    broken = (
        metadata.replace("Requires-Dist: oro-framework<0.2,>=0.1", "Requires-Dist: oro-framework")
        .replace("Keywords: oro,oro-plugin\n", "")
        .replace(typed, f"Classifier: Framework :: Oro\n{typed}")
    )
    assert broken.count("\n") == metadata.count("\n")  # each replacement found what it replaces
    entry_points = "[oro]\nzlib = oro_zlib.missing\n"
    edit = {"METADATA": broken, "entry_points.txt": entry_points, "py.typed": None}
    _rewrite_wheel(wheel, tmp_path / wheel.name, edit)

    (entry,) = check_dists.check(tmp_path).values()

    assert entry.problems == [
        "classifier 'Framework :: Oro' is not one PyPI accepts",
        "metadata: no keyword 'oro-plugin': the index will not find it",
        "entry point zlib = oro_zlib.missing: the wheel holds no oro_zlib/missing.py",
        "classifier 'Typing :: Typed' but oro_zlib/py.typed is missing",
        f"requires oro-framework (unbounded); the release series is oro-framework"
        f"{check_dists.compatible_specifier(ROOT['version'])}",
    ]


def test_the_checks_refuse_a_wheel_without_its_sdist_and_metadata_that_does_not_validate(
    built: Path, tmp_path: Path
) -> None:
    wheel = next(built.glob("*.whl"))
    edit = {"METADATA": "Metadata-Version: 2.4\nName: oro-zlib\n"}
    _rewrite_wheel(wheel, tmp_path / wheel.name, edit)

    (entry,) = check_dists.check(tmp_path).values()

    assert entry.problems[-1] == "no sdist"
    assert any("version" in problem for problem in entry.problems[:-1]), entry.problems
