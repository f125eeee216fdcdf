"""`oro clean`: the build steps' output and the web engine's caches of the app go; anything
else (a folder oro's build did not make, one reached through a link, a file a link inside the
output points at, the pages' storage) stays."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from oro_framework.build.steps import MARK_FILE, BuildSteps, run_build_steps
from oro_framework.cli import cli
from oro_framework.gui.warm import WEBVIEW_STORAGE
from oro_framework.host.app import Host


def _app(folder: Path, output: str = "build") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    bundle = f"dev.oro.test.clean-{secrets.token_hex(4)}"
    (folder / "oro.toml").write_text(
        f'[meta]\nname = "clean"\nbundle_identifier = "{bundle}"\n\n'
        f'[build]\ncopy = "src"\noutput = "{output}"\n'
    )
    (folder / "src").mkdir()
    (folder / "src" / "index.html").write_text("<!doctype html><title>clean</title>")
    return folder


def _built(app: Path) -> tuple[Path, Path]:
    """The app built by its real build steps; its output and its state folder."""
    host = Host(app, declare_only=True)
    try:
        output = run_build_steps(BuildSteps.from_host(host), write=print, warn=print)
        return output, host.paths.state
    finally:
        host.close()


def _clean(app: Path, *arguments: str) -> Result:
    return CliRunner().invoke(cli, ["clean", str(app), *arguments])


def test_the_build_output_and_the_engine_caches_are_removed(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    output, state = _built(app)
    caches = [state / WEBVIEW_STORAGE / "webkitgtk" / "cache", state / WEBVIEW_STORAGE / "cache"]
    storage = state / WEBVIEW_STORAGE / "webkitgtk" / "localstorage"
    for folder in [*caches, storage]:
        folder.mkdir(parents=True)
        (folder / "entry").write_text("x")

    cleaned = _clean(app)

    assert cleaned.exit_code == 0, cleaned.output
    assert f"removed {output} (the build steps' output)" in cleaned.output
    assert not output.exists()
    assert not any(cache.exists() for cache in caches)
    # The pages' own storage is no cache.
    assert (storage / "entry").read_text() == "x"
    assert (app / "src" / "index.html").is_file()
    again = _clean(app)
    assert again.exit_code == 0
    assert again.output.strip() == "nothing to clean"


def test_a_dry_run_removes_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    output, _ = _built(app)

    cleaned = _clean(app, "--dry-run")

    assert cleaned.exit_code == 0, cleaned.output
    assert f"would remove {output}" in cleaned.output
    assert (output / "index.html").is_file()


def test_an_output_without_the_build_mark_is_kept(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    mine = app / "build"
    mine.mkdir()
    (mine / "notes.txt").write_text("the user's own")

    cleaned = _clean(app)

    assert cleaned.exit_code == 1
    assert f"kept {mine} (build.output): it has no {MARK_FILE} mark" in cleaned.output
    assert (mine / "notes.txt").read_text() == "the user's own"


def test_an_output_reached_through_a_link_is_kept(tmp_path: Path) -> None:
    app = _app(tmp_path / "app", output="out/build")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "build").mkdir()
    (elsewhere / "build" / MARK_FILE).write_text("looks like ours")
    (app / "out").symlink_to(elsewhere)

    cleaned = _clean(app)

    assert cleaned.exit_code == 1
    assert "reached through a link, which oro clean never follows" in cleaned.output
    assert (elsewhere / "build" / MARK_FILE).is_file()


def test_a_link_inside_the_output_is_removed_not_followed(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    output, _ = _built(app)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("precious")
    (output / "escape").symlink_to(precious)

    cleaned = _clean(app)

    assert cleaned.exit_code == 0, cleaned.output
    assert not output.exists()
    assert (precious / "keep.txt").read_text() == "precious"


@pytest.mark.parametrize("output", [".", "..", "/etc"])
def test_an_output_no_build_may_replace_is_refused(tmp_path: Path, output: str) -> None:
    app = _app(tmp_path / "workspace" / "app", output=output)
    (app / MARK_FILE).write_text("planted")

    cleaned = _clean(app)

    assert cleaned.exit_code == 1
    assert "ConfigError: " in cleaned.output
    assert "key 'build.output'" in cleaned.output
    assert (app / "oro.toml").is_file()
    assert os.path.isdir("/etc")


def test_a_staging_folder_a_killed_build_left_is_removed(tmp_path: Path) -> None:
    app = _app(tmp_path / "app")
    output, _ = _built(app)
    # No process has pid 2**22 + 1 (above Linux's pid_max).
    abandoned = app / f".build.staging-{2**22 + 1}-x"
    abandoned.mkdir()
    running = app / f".build.staging-{os.getpid()}-y"
    running.mkdir()

    cleaned = _clean(app)

    assert cleaned.exit_code == 0, cleaned.output
    assert not abandoned.exists()
    assert running.is_dir()
    assert not output.exists()


def test_an_apps_own_build_folder_is_left_alone_when_it_has_no_build_steps(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app"
    (app / "build").mkdir(parents=True)
    bundle = f"dev.oro.test.plain-{secrets.token_hex(4)}"
    (app / "oro.toml").write_text(f'[meta]\nname = "plain"\nbundle_identifier = "{bundle}"\n')
    (app / "build" / "make.sh").write_text("echo the app's own")

    cleaned = _clean(app)

    assert cleaned.exit_code == 0, cleaned.output
    assert cleaned.output.strip() == "nothing to clean"
    assert (app / "build" / "make.sh").is_file()
