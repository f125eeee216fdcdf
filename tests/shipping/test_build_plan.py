"""Which plugins a build ships, and the app errors `oro build` stops on with one clear line."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import BuiltApp
from oro_framework.build.plan import plan_build
from oro_framework.host.errors import BuildError
from tests._oro_process import REPOSITORY, SHOWCASE, run_oro

MINIMAL = REPOSITORY / "examples" / "minimal"
EVERY_PLUGIN = [
    "oro-ai",
    "oro-conduit",
    "oro-desktop",
    "oro-dns",
    "oro-fs",
    "oro-process",
    "oro-secure-storage",
    "oro-sqlite",
    "oro-sw",
    "oro-tls",
    "oro-udp",
    "oro-zlib",
]


def _app(tmp_path: Path, toml: str, **files: str) -> Path:
    (tmp_path / "oro.toml").write_text(
        '[meta]\nname = "T"\nbundle_identifier = "dev.oro.t"\n' + toml
    )
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_showcase_ships_every_plugin_its_pages_import() -> None:
    plan = plan_build(SHOWCASE)
    assert [choice.distribution for choice in plan.plugins] == EVERY_PLUGIN
    reasons = {choice.distribution: choice.reason for choice in plan.plugins}
    assert reasons["oro-ai"].startswith("imports oro:ai (ai.js:")
    assert plan.schemes == ("web+showcase",)
    assert plan.command == "oro-showcase"


def test_a_page_that_imports_nothing_ships_only_what_every_page_loads() -> None:
    plan = plan_build(MINIMAL)
    # oro-desktop loads into every page: navigator.geolocation and navigator.onLine are its.
    reasons = {choice.distribution: choice.reason for choice in plan.plugins}
    assert set(reasons) == {"oro-conduit", "oro-desktop", "oro-sw"}
    assert reasons["oro-desktop"] == "loads in every page (oro:geolocation)"
    assert set(plan.left_out) == {
        "oro-ai",
        "oro-dns",
        "oro-fs",
        "oro-mcp",
        "oro-process",
        "oro-secure-storage",
        "oro-sqlite",
        "oro-tls",
        "oro-udp",
        "oro-zlib",
    }


def test_a_plugin_configured_in_oro_toml_ships_and_brings_what_it_requires(tmp_path: Path) -> None:
    app = _app(tmp_path, "[tcp]\nallow_any_address = false\n", **{"index.html": "<p>hi"})
    reasons = {choice.distribution: choice.reason for choice in plan_build(app).plugins}
    assert reasons["oro-tls"].startswith("configured in oro.toml:")
    assert reasons["oro-conduit"] in ("required by oro-tls", "loads in every page (oro:conduit)")


def test_a_socket_ini_app_ships_the_plugins_its_socket_imports_need_and_its_mapped_config(
    tmp_path: Path,
) -> None:
    """A Socket Runtime app as it is: its ``socket:fs/promises`` import picks oro-fs, and the
    bundle gets the oro.toml its socket.ini maps to (a built app reads no INI)."""
    app = tmp_path / "fs-notes"
    shutil.copytree(REPOSITORY / "tests" / "compat" / "apps" / "fs-notes", app)

    plan = plan_build(app)

    assert "oro-fs" in {choice.distribution for choice in plan.plugins}
    assert plan.resources == (app / "src").resolve()
    assert plan.bundle_identifier == "org.example.fsnotes"
    assert plan.config_text is not None
    shipped = tomllib.loads(plan.config_text)
    assert shipped["meta"]["bundle_identifier"] == "org.example.fsnotes"
    assert shipped["window"]["height"] == "50%"


def test_build_plugins_lists_exactly_what_ships(tmp_path: Path) -> None:
    app = _app(tmp_path, '[build]\nplugins = ["oro-dns"]\n', **{"main.js": "import 'oro:dns'"})
    plan = plan_build(app)
    assert [(c.distribution, c.reason) for c in plan.plugins] == [("oro-dns", "[build] plugins")]
    assert "oro-fs" in plan.left_out


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[build]\nplugins = ["oro-nope"]\n', "'oro-nope': not an installed oro plugin"),
        ('[build]\nicon = "missing.png"\n', "icon .*missing.png' does not exist"),
        ('[build]\nicon = "index.html"\n', "icon .*index.html' is not a PNG file"),
    ],
)
def test_an_app_that_cannot_be_built_is_a_build_error(
    tmp_path: Path, toml: str, message: str
) -> None:
    app = _app(tmp_path, toml, **{"index.html": "<p>hi"})
    with pytest.raises(BuildError, match=message):
        plan_build(app)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["build", "no-such-app"], "Directory 'no-such-app' does not exist"),
        (["build", "."], "is not an app: it has no oro.toml"),
    ],
)
def test_the_command_stops_with_one_line(
    tmp_path: Path, arguments: list[str], expected: str
) -> None:
    result = run_oro(*arguments, cwd=tmp_path)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_version_stops_the_command_before_freezing(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "T"\nversion = "1.0 beta"\n')
    result = run_oro("build", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: BuildError: invalid version '1.0 beta' in [meta] version: expected "
        "MAJOR[.MINOR[.PATCH...]][-PRERELEASE][+BUILD], e.g. 1.2.0 or 2.0.0-beta.1"
    )
    assert "freezing" not in result.stdout


def test_packaging_without_dpkg_deb_names_the_package_to_install(
    built_notes: BuiltApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oro_framework.build.package import build_deb

    plan = plan_build(built_notes.folder.parent.parent)
    monkeypatch.setenv("PATH", str(tmp_path))  # a real PATH where no dpkg-deb lives
    with pytest.raises(BuildError, match=r"dpkg-deb is missing.*apt-get install dpkg"):
        build_deb(plan, built_notes.folder, tmp_path / "icon.png", tmp_path, tmp_path)


def test_the_small_app_ships_its_plugin_and_not_the_others(built_notes: BuiltApp) -> None:
    internal = built_notes.folder / "_internal"
    metadata = {path.name.split("-")[0] for path in internal.glob("*.dist-info")}
    assert {"oro_fs", "oro_conduit", "oro_sw", "oro_framework"} <= metadata
    assert not metadata & {"oro_ai", "oro_dns", "oro_tls", "oro_udp", "llama_cpp_python"}
    assert not (internal / "llama_cpp").exists()
    assert not (internal / "oro_ai_smollm2").exists()
    # The build's own output inside the app was not shipped as one of its files.
    assert not (internal / "oro_app" / "dist").exists()
    assert (internal / "oro_app" / "notes-sw.js").is_file()
    desktop = (built_notes.folder / "dev.oro.test-notes.desktop").read_text()
    assert "MimeType=x-scheme-handler/web+notes;" in desktop.splitlines()
    check = subprocess.run(
        ["desktop-file-validate", str(built_notes.folder / "dev.oro.test-notes.desktop")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
