"""Types reach the app: ``oro types`` and ``oro dev`` write ``oro-env.d.ts``, which declares every
``oro:`` module of the installed plugins, so that an app's ``tsc --strict`` checks its calls
into a third-party plugin installed for real (oro-clipnotes, tests/_clipnotes.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _clipnotes import CLIPNOTES, install_distributions, write_distribution
from _oro_process import OroProcess, headless_environ

from oro_framework.backend.typescript_env import env_types
from oro_framework.build.freeze import stage_app
from oro_framework.build.plan import plan_build
from oro_framework.cli.commands.types import write_app_types
from oro_framework.host.modules import JSModule
from oro_framework.testing import type_check_js
from oro_framework.testing.hosts import make_host

MAIN = """
import { add, type Note } from 'oro:clipnotes'
import { TAGS, type Tag } from 'oro:clipnotes/tags'
import { request } from 'oro:ipc'

export async function keep (text: string): Promise<string> {
  const note: Note = await add(text, ['todo'])
  const first: Tag | undefined = TAGS[0]
  await request('ping')
  return `${note.id}: ${note.text} ${first ?? ''}`
}
"""

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "module": "ESNext",
        "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM", "DOM.Iterable"],
        "types": [],
        "skipLibCheck": False,
    },
    "include": ["*.ts"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clipnotes")
    project = write_distribution(
        root / "oro-clipnotes", "oro-clipnotes", 'clipnotes = "oro_clipnotes.plugin"', CLIPNOTES
    )
    return install_distributions(root / "site", project)


def make_app(directory: Path, main: str = MAIN) -> Path:
    directory.mkdir(parents=True)
    (directory / "oro.toml").write_text('[meta]\nname = "Notes"\n')
    (directory / "main.ts").write_text(main.lstrip())
    (directory / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2))
    return directory


def oro_types(app: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oro_framework.cli", "types", "--app", str(app), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(site)},
        timeout=300,
    )


def test_an_apps_strict_tsc_checks_its_calls_into_an_installed_plugin(
    site: Path, tmp_path: Path
) -> None:
    app = make_app(tmp_path / "app")
    result = oro_types(app, site)
    assert result.returncode == 0, result.stderr
    env = app / "oro-env.d.ts"
    assert result.stdout.splitlines() == [f"wrote {env}"]
    text = env.read_text()
    assert "declare module 'oro:clipnotes' {\n" in text
    # The relative import became the specifier of the module that file is.
    assert "  import type { Tag } from 'oro:clipnotes/tags'\n" in text
    assert "  export function add (text: string, tags?: Tag[]): Promise<Note>\n" in text
    assert str(tmp_path) not in text.split("\n/// ", 1)[0]

    type_check_js(app / "tsconfig.json")


@pytest.mark.parametrize(
    ("call", "report"),
    [
        ("add(42)", "error TS2345: Argument of type 'number' is not assignable"),
        ("add('milk', ['urgent'])", "error TS2322: Type '\"urgent\"' is not assignable"),
        ("add('milk').then((note) => note.title)", "Property 'title' does not exist"),
    ],
    ids=["wrong-type", "unknown-tag", "unknown-field"],
)
def test_a_wrong_call_into_the_plugin_fails_the_apps_tsc(
    site: Path, tmp_path: Path, call: str, report: str
) -> None:
    app = make_app(tmp_path / "app", f"import {{ add }} from 'oro:clipnotes'\n\n{call}\n")
    assert oro_types(app, site).returncode == 0
    with pytest.raises(AssertionError, match=report) as failed:
        type_check_js(app / "tsconfig.json")
    assert "main.ts(3," in str(failed.value)


def test_check_fails_until_the_plugins_types_are_written(site: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    missing = oro_types(app, site, "--check")
    assert missing.returncode == 1
    assert f"{app / 'oro-env.d.ts'} is missing: run `oro types` to update it" in missing.stderr
    assert oro_types(app, site).returncode == 0
    current = oro_types(app, site, "--check")
    assert current.returncode == 0, current.stderr
    # Without the plugin installed the file no longer matches: oro dev and oro types follow.
    uninstalled = subprocess.run(
        [sys.executable, "-m", "oro_framework.cli", "types", "--app", str(app), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert uninstalled.returncode == 1
    assert "oro-env.d.ts is out of date" in uninstalled.stderr


def test_a_module_importing_a_file_that_is_no_module_is_left_out_with_a_warning(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "js"
    folder.mkdir()
    (folder / "notes.js").write_text("export const x = 1\n")
    (folder / "notes.d.ts").write_text(
        "// @module oro:notes\nimport type { Y } from './internal/y.js'\nexport const x: Y\n"
    )
    module = JSModule("oro:notes", folder / "notes.js", "notes", folder / "notes.d.ts")
    result = env_types(tmp_path, [module])
    assert "oro:notes" not in result.text
    assert result.skipped == (
        "oro:notes (plugin 'notes'): its declarations import ./internal/y.js, which is no JS "
        "module of a plugin: declare it with an @module header, or write the types in "
        "notes.d.ts",
    )


@pytest.mark.anyio
async def test_written_only_when_the_plugins_change(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    async with make_host(app_dir=app) as host:
        assert write_app_types(host) == [app / "oro-env.d.ts"]
        written = (app / "oro-env.d.ts").stat().st_mtime_ns
        assert write_app_types(host) == []
    assert (app / "oro-env.d.ts").stat().st_mtime_ns == written


def test_oro_dev_writes_the_types_as_its_host_starts(site: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    (app / "index.html").write_text("<!doctype html><title>notes</title>\n")
    environ = headless_environ({"PYTHONPATH": str(site)})
    with OroProcess("dev", str(app), "--headless", environ=environ) as process:
        process.wait_for_line(r"oro dev: wrote .*oro-env\.d\.ts \(the app's types\)")
    assert "declare module 'oro:clipnotes'" in (app / "oro-env.d.ts").read_text()
    # The same file as `oro types` writes: oro dev's own modules (oro:dev) are not in it.
    assert "'oro:dev'" not in (app / "oro-env.d.ts").read_text()
    assert oro_types(app, site, "--check").returncode == 0


def test_a_build_leaves_the_apps_env_types_out(tmp_path: Path) -> None:
    """oro-env.d.ts names where oro-framework is installed on the build machine: it is that
    machine's editor's, never a resource of the built app."""
    app = make_app(tmp_path / "app")
    (app / "index.html").write_text("<!doctype html>\n")
    (app / "oro-env.d.ts").write_text('/// <reference path="../../venv/index.d.ts" />\n')
    staged = stage_app(plan_build(app), tmp_path / "stage", skipped=[])
    assert not (staged / "oro-env.d.ts").exists()
    assert (staged / "index.html").is_file()
    assert (staged / "main.ts").is_file()
