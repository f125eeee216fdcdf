"""A second ``oro build`` into the same output reuses what cannot have changed, with the real
PyInstaller and dpkg-deb: the frozen runtime while only the app's files changed, a package while
nothing it is made from changed; and it ships what a full build ships.

Each test first builds the app as it is (reusing what an earlier test left, else building it
all), changes one input, builds again and reads what that build says it reused."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import clean_environ
from oro_framework.build.incremental import manifest
from tests._oro_process import ORO, REPOSITORY, OroProcess

PAGE = """<!doctype html><title>inc</title>
<script type="module">
import fs from 'oro:fs'
globalThis.listed = await fs.promises.readdir('.')
</script>
<p>{marker}</p>
"""
TOML = """[meta]
name = "Incremental"
version = "1.0.0"
bundle_identifier = "dev.oro.test-incremental"
description = "{description}"
"""


class Project:
    """The app, its output folder, and builds of it."""

    def __init__(self, app: Path) -> None:
        self.app = app
        self.out = app / "dist"
        self.folder = self.out / "incremental"
        self.work = self.out / ".work" / "incremental"

    def build(self, *options: str) -> str:
        """``oro build --target deb`` into ``out``: what it printed."""
        result = subprocess.run(
            [str(ORO), "build", str(self.app), "--out", str(self.out), "--target", "deb", *options],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
            cwd=REPOSITORY,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    @property
    def deb(self) -> Path:
        return self.out / "incremental_1.0.0_amd64.deb"

    def deb_file(self, path: str) -> bytes:
        """A file of the ``.deb``'s tree, as the package installs it."""
        tree = subprocess.run(
            ["dpkg-deb", "--fsys-tarfile", str(self.deb)], capture_output=True, check=True
        ).stdout
        return subprocess.run(
            ["tar", "-xO", f"./opt/incremental/{path}"],
            input=tree,
            capture_output=True,
            check=True,
        ).stdout


def _reused(output: str) -> list[str]:
    """The steps the build says it reused."""
    return re.findall(r"^\[\d+/\d+\] (.+?): reused ", output, re.MULTILINE)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    app = tmp_path_factory.mktemp("incremental")
    (app / "oro.toml").write_text(TOML.format(description="first"))
    (app / "index.html").write_text(PAGE.format(marker="first page"))
    (app / "about.html").write_text("<!doctype html><p>about</p>\n")
    return Project(app)


def test_a_rebuild_of_an_unchanged_app_reuses_the_runtime_and_the_package(
    project: Project,
) -> None:
    project.build()
    folder, deb = manifest(project.folder), project.deb.read_bytes()
    output = project.build()
    assert _reused(output) == [
        "freezing with PyInstaller",
        "trimming what the app never loads",
        "packaging deb",
    ], output
    # The same folder, file for file and byte for byte, and the same package.
    assert manifest(project.folder) == folder
    assert project.deb.read_bytes() == deb


def test_a_changed_page_ships_and_the_runtime_is_reused(project: Project, tmp_path: Path) -> None:
    project.build()
    before = manifest(project.folder)
    (project.app / "index.html").write_text(PAGE.format(marker="second page"))
    output = project.build()
    assert _reused(output) == ["freezing with PyInstaller", "trimming what the app never loads"]
    page = "_internal/oro_app/index.html"
    assert b"second page" in (project.folder / page).read_bytes()
    assert b"second page" in project.deb_file(page)
    assert b"about" in project.deb_file("_internal/oro_app/about.html")
    # Nothing else of the folder changed.
    after = manifest(project.folder)
    assert [entry for entry in after if entry[0] != page] == [
        entry for entry in before if entry[0] != page
    ]
    # The built app serves the new page from its own folder.
    with (
        OroProcess(
            "--headless",
            "--port",
            "0",
            executable=project.folder / "incremental",
            environ=clean_environ(tmp_path / "home"),
        ) as app,
        httpx.Client(timeout=30) as client,
    ):
        launch_url = app.launch_url()
        client.get(launch_url)  # the session cookie, then a redirect to the page
        served = client.get(launch_url.split("/?", 1)[0] + "/index.html")
        assert "second page" in served.text


def test_a_changed_description_rebuilds_the_package_only(project: Project) -> None:
    project.build()
    (project.app / "oro.toml").write_text(TOML.format(description="second"))
    output = project.build()
    assert _reused(output) == ["freezing with PyInstaller", "trimming what the app never loads"]
    control = subprocess.run(
        ["dpkg-deb", "--field", str(project.deb), "Description"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert control.startswith("second")
    assert b'description = "second"' in project.deb_file("_internal/oro_app/oro.toml")


def test_a_plugin_the_pages_now_import_freezes_again(project: Project) -> None:
    project.build()
    (project.app / "store.js").write_text(
        "import sqlite from 'oro:sqlite'\nexport default sqlite\n"
    )
    output = project.build()
    assert _reused(output) == []
    assert "PyInstaller's arguments (the app's name, plugins, backend imports) changed" in output
    assert (project.folder / "_internal" / "oro_sqlite").is_dir()


def test_a_runtime_changed_after_the_build_is_built_again_never_shipped(
    project: Project,
) -> None:
    project.build()
    # The app folder's files are hard links into the cache: a change to one reaches it.
    library = project.folder / "_internal" / "base_library.zip"
    with library.open("r+b") as file:
        file.write(b"XX")
    output = project.build()
    assert "the stored runtime was changed since it was built (_internal/base_library.zip" in output
    assert "freezing with PyInstaller" not in _reused(output)
    assert library.read_bytes()[:2] == b"PK"
    # The package carries the runtime the folder has, whether or not PyInstaller made the
    # same bytes again.
    assert project.deb_file("_internal/base_library.zip") == library.read_bytes()


def test_clean_builds_everything_again(project: Project) -> None:
    project.build()
    output = project.build("--clean")
    assert _reused(output) == []
    assert re.search(r"^\[2/6\] freezing with PyInstaller", output, re.MULTILINE)
