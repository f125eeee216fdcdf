"""Socket apps build as under Socket (issue 53): ``apps/shelf`` is laid out as public Socket apps
often are (written in their image, none copied). Its ``[build] output`` is ``../build``,
outside the app folder; its build script bundles ``src/index.js`` into ``$PREFIX`` and
``[build] copy = "src;assets"`` runs after it, where the bundle, newer than ``src/index.js``,
is kept (Socket's ``update_existing``), the missing ``assets`` is one warning, and ``[build.script]
after`` starts once the output is in place. Its ``test/``
folder is an app of its own, copying the module under test from ``../src`` through
``[build.copy-map]`` and taking ``build/esbuild``, which its script writes inside its own
output, through ``[build] copy``. Each runs with the real ``oro`` command, as its author
would: ``oro run``, ``oro test ./index.js``, and ``oro build`` whose package runs on its own.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, free_port, headless_environ, run_oro, until

APPS = Path(__file__).with_name("apps")
SHELF_NOTES = "apples, figs, pears"
"""What the shelf's page shows once its bundle ran."""
AN_HOUR = 3600


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The shelf app in a folder of its own (``workspace/shelf``), its sources last edited an
    hour ago, before any build, as on a user's disk."""
    app = tmp_path / "workspace" / "shelf"
    shutil.copytree(APPS / "shelf", app, symlinks=True)
    earlier = time.time() - AN_HOUR
    for path in app.rglob("*"):
        os.utime(path, (earlier, earlier))
    return app.parent


def _shows_the_bundle(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.querySelector('h1').textContent !== 'Shelf'", timeout=30_000)
    assert page.text_content("h1") == SHELF_NOTES
    # The script's bundle, not src/index.js copied over it: that one imports ./shelf.js.
    assert page.evaluate("globalThis.shelf.build") == "bundled"


def test_the_app_builds_into_dotdot_build_script_first_then_copies_keeping_the_newer_bundle(
    workspace: Path, page: Page
) -> None:
    app = workspace / "shelf"
    environ = headless_environ({"XDG_DATA_HOME": str(workspace / "data")})
    missing = f"warning: [build] copy entry '{app / 'assets'}' does not exist"
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        _shows_the_bundle(page, oro.launch_url())
        output = until(
            lambda: oro.stderr() if missing in oro.stderr() else "", "the warning is read"
        )

    built = workspace / "build"
    until(lambda: (built / "stamp.txt").is_file(), "[build.script] after stamped the build")
    assert "oro: starting [build.script] after: node stamp.js " + str(built) in output
    assert (built / "index.js").read_text(encoding="utf-8").count("build: 'bundled'") == 1
    assert (built / "index.html").is_file(), "src/ copied after the script"
    assert not (app / "build").exists(), "the output is where socket.ini says: ../build"
    script = output.index("oro: running [build] script: node bundle.js")
    assert script < output.index(missing), output
    assert "Traceback" not in output, output


def test_a_test_folder_app_copies_from_dotdot_src_and_from_inside_its_output(
    workspace: Path,
) -> None:
    tests = workspace / "shelf" / "test"
    completed = run_oro("test", "./index.js", cwd=tests)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "ok 1 sorted" in completed.stdout, completed.stdout
    assert "ok 2 copied from inside the output" in completed.stdout, completed.stdout
    assert "# pass  2" in completed.stdout, completed.stdout
    assert (tests / "build" / "shelf.js").is_file()
    assert "Traceback" not in completed.stderr, completed.stderr


def test_oro_dev_builds_the_test_app_again_when_its_watched_source_outside_it_changes(
    workspace: Path,
) -> None:
    """``[build.watch] sources[] = "../src"``: a change outside the app folder rebuilds it."""
    tests = workspace / "shelf" / "test"
    module = workspace / "shelf" / "src" / "shelf.js"
    arguments = ("dev", str(tests), "--headless", "--port", str(free_port()))
    with OroProcess(*arguments, environ=headless_environ(), timeout=90) as oro:
        oro.launch_url()
        module.write_text(module.read_text(encoding="utf-8") + "// shelved again\n", "utf-8")
        oro.wait_for_line(r"oro dev: built; reloading pages")
        rebuilt = (tests / "build" / "shelf.js").read_text(encoding="utf-8")
        assert rebuilt.endswith("// shelved again\n"), rebuilt
    assert "Traceback" not in oro.stderr(), oro.stderr()


def test_the_built_app_runs_from_its_package_without_the_app_or_its_output(
    workspace: Path, page: Page
) -> None:
    """``oro build`` ships what the steps built into ``../build``: the package runs with the
    app folder and the output removed."""
    dist = workspace.parent / "dist"
    command = ["build", "shelf", "--webview", "system", "--target", "onedir", "--out", str(dist)]
    completed = run_oro(*command, cwd=workspace, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    shutil.rmtree(workspace)

    home = workspace.parent / "home"
    environ = headless_environ({"HOME": str(home), "XDG_DATA_HOME": str(home / "data")})
    with OroProcess(
        "--headless", "--port", "0", executable=dist / "shelf" / "shelf", environ=environ
    ) as built:
        _shows_the_bundle(page, built.launch_url())
