"""Reading an app folder never runs it: every ``oro`` command but ``run``, ``dev``, ``test``,
``build`` and ``types`` leaves the app's ``backend.py`` unimported (issue 50: inspecting a
downloaded app must not execute it).

Each command runs as the user runs it, the installed ``oro`` in a subprocess, in a folder whose
``backend.py`` writes a marker file when it is imported. The commands come from the same group
``oro --help`` lists (plugins' commands included), so a new command is covered as soon as it
exists; one that needs arguments fails here until :data:`ARGUMENTS` gives them."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from _oro_process import ORO, headless_environ

from oro_framework.cli import BACKEND_COMMANDS
from oro_framework.cli.commands import add_own_commands, add_plugin_commands
from oro_framework.cli.ssc import READING_SUBCOMMANDS, SUBCOMMANDS
from oro_framework.host.hooks import HookCaller
from oro_framework.host.plugins import create_plugin_manager

MARKER = "backend-ran"

BACKEND = textwrap.dedent(
    '''\
    import sys
    from pathlib import Path

    from oro_framework.backend import command

    # What a hostile app would do instead: anything the user may do.
    Path(__file__).resolve().parent.parent.joinpath("{marker}").write_text("ran")
    print("backend.py: imported", file=sys.stderr, flush=True)


    @command
    def save(text: str) -> str:
        """Save a note."""
        return text


    @command(name="load", timeout=5)
    async def load_note() -> str:
        """Load the note."""
        return ""
    '''
).format(marker=MARKER)


def _oro_group() -> click.Group:
    """What ``oro --help`` lists: oro-framework's commands, then the installed plugins'."""
    group = click.Group("oro")
    add_own_commands(group)
    add_plugin_commands(group, HookCaller(create_plugin_manager(environ=os.environ, strict=False)))
    return group


def _leaves(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path


GROUP = _oro_group()
READING_COMMANDS = [
    path
    for name, command in sorted(GROUP.commands.items())
    if name not in BACKEND_COMMANDS
    for path in _leaves(command, (name,))
]

ARGUMENTS: dict[tuple[str, ...], list[str]] = {
    # Builds a distro package of the host, never reads an app: a target it refuses keeps the
    # test from building one (minutes).
    ("build-runtime",): ["--target", "no-such-target"],
    ("config", "get"): ["meta.name"],
    ("config", "set"): ["meta.name", "renamed"],
    ("import",): ["socket.ini", "--force"],
    ("init",): ["{tmp}/new-app"],
    ("plugins", "info"): ["backend"],
    ("plugins", "install"): ["{tmp}/no-such-plugin"],
    ("plugins", "new"): ["probe", "{tmp}/oro-probe"],
    ("plugins", "uninstall"): ["no-such-plugin"],
    ("secure-storage", "get"): ["api_key"],
    ("secure-storage", "remove"): ["api_key"],
    ("secure-storage", "set"): ["api_key"],
    ("update", "keygen"): ["{tmp}/update.key"],
    ("update", "sign"): [
        "{tmp}/hostile.tar.gz",
        "--key",
        "{tmp}/update.key",
        "--url",
        "https://example.com/hostile.tar.gz",
    ],
}
"""The arguments each command that needs some gets (``{tmp}``: a folder beside the app)."""


def write_hostile_app(folder: Path) -> Path:
    app = folder / "app"
    app.mkdir(parents=True)
    (app / "oro.toml").write_text('[meta]\nname = "hostile"\nbundle_identifier = "com.x.h"\n')
    (app / "socket.ini").write_text("[meta]\ntitle = hostile\n")
    (app / "index.html").write_text("<!doctype html><title>hostile</title>")
    (app / "backend.py").write_text(BACKEND)
    return app


def _oro(app: Path, *arguments: str, executable: Path = ORO) -> subprocess.CompletedProcess[str]:
    home = app.parent / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [str(executable), *arguments],
        cwd=app,
        env=headless_environ({"HOME": str(home), "XDG_DATA_HOME": str(home / "data")}),
        input="not-a-secret\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _required_parameters(path: tuple[str, ...]) -> list[str]:
    command: click.Command = GROUP
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return [parameter.name or "" for parameter in command.params if parameter.required]


def test_every_reading_command_is_checked() -> None:
    names = {path[0] for path in READING_COMMANDS}
    assert {"config", "doctor", "routes", "plugins", "import", "init", "update"} <= names
    assert not names & BACKEND_COMMANDS


@pytest.mark.parametrize("path", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_never_imports_the_apps_backend(
    path: tuple[str, ...], tmp_path: Path
) -> None:
    app = write_hostile_app(tmp_path)
    if _required_parameters(path) and path not in ARGUMENTS:
        pytest.fail(
            f"`oro {' '.join(path)}` needs {_required_parameters(path)}: give it arguments in "
            "ARGUMENTS so that this test reaches the point where it reads the app"
        )
    if path == ("update", "sign"):
        (tmp_path / "hostile.tar.gz").write_bytes(b"not an archive")
        (tmp_path / "update.key").write_text("not a key")
    arguments = [argument.format(tmp=tmp_path) for argument in ARGUMENTS.get(path, [])]
    result = _oro(app, *path, *arguments)
    assert not (tmp_path / MARKER).exists(), (
        f"`oro {' '.join(path)}` imported the app's backend.py:\n{result.stdout}\n{result.stderr}"
    )
    assert "backend.py: imported" not in result.stderr


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


def test_config_get_in_a_hostile_folder_writes_nothing(tmp_path: Path) -> None:
    app = write_hostile_app(tmp_path)
    before = _tree(app)
    result = _oro(app, "config", "get", "meta.name")
    assert (result.returncode, result.stdout) == (0, "hostile\n"), result.stderr
    # No marker, no __pycache__, nothing else either: the folder is as it was.
    assert not (tmp_path / MARKER).exists()
    assert _tree(app) == before


def test_keys_and_permissions_the_backend_declares_are_warnings_when_it_is_not_run(
    tmp_path: Path,
) -> None:
    """A backend may declare config keys and permissions (it is a local plugin); a command that
    does not run it reads the app all the same, naming them unknown with the reason."""
    app = write_hostile_app(tmp_path)
    with (app / "oro.toml").open("a") as config:
        config.write('\n[myapp]\ngreeting = "hi"\n\n[permissions]\nallow_mything = false\n')
    result = _oro(app, "config", "get", "meta.name")
    assert (result.returncode, result.stdout) == (0, "hostile\n"), result.stderr
    assert "unknown config key 'myapp.greeting'" in result.stderr
    assert (
        "unknown config key 'permissions.allow_mything' (no installed plugin declares it or the "
        "app's backend, not run here)"
    ) in result.stderr
    assert not (tmp_path / MARKER).exists()


def test_routes_lists_the_backends_commands_read_from_its_source(tmp_path: Path) -> None:
    app = write_hostile_app(tmp_path)
    result = _oro(app, "routes")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line}
    assert rows["backend.save"][1:4] == ["backend", "backend", "Save"]
    assert rows["backend.load"][1:4] == ["backend", "backend", "Load"]
    assert "read without importing it" in result.stderr
    assert not (tmp_path / MARKER).exists()


def test_doctor_checks_the_backend_parses_without_running_it(tmp_path: Path) -> None:
    app = write_hostile_app(tmp_path)
    (app / "backend.py").write_text(BACKEND + "\ndef broken(:\n")
    result = _oro(app, "doctor")
    line = next(line for line in result.stdout.splitlines() if " backend:" in line)
    assert line.startswith("fail backend: backend.py does not parse"), line
    assert result.returncode == 1
    assert not (tmp_path / MARKER).exists()


def test_types_says_it_runs_the_backend_before_importing_it(tmp_path: Path) -> None:
    app = write_hostile_app(tmp_path)
    result = _oro(app, "types", "--check")
    notice = result.stderr.find("oro types: importing the backend")
    assert notice >= 0, result.stderr
    assert 0 <= notice < result.stderr.find("backend.py: imported")
    assert (tmp_path / MARKER).exists()


def test_a_dotted_backend_module_is_read_without_running_its_package(tmp_path: Path) -> None:
    app = write_hostile_app(tmp_path)
    (app / "backend.py").unlink()
    (app / "lib").mkdir()
    (app / "lib" / "__init__.py").write_text(BACKEND.split("@command")[0])
    (app / "lib" / "server.py").write_text(BACKEND)
    with (app / "oro.toml").open("a") as config:
        config.write('[backend]\nmodule = "lib.server"\n')
    result = _oro(app, "routes", "--json")
    assert result.returncode == 0, result.stderr
    assert {"backend.save", "backend.load"} <= {row["name"] for row in json.loads(result.stdout)}
    assert "lib/server.py's @command functions" in result.stderr
    assert not (tmp_path / MARKER).exists()


# -------------------------------------------------------------------------------------------
# ssc, Socket's command line: its reading forms read the app as oro's reading commands do
# -------------------------------------------------------------------------------------------

SSC = ORO.with_name("ssc")
SSC_READING_FORMS = [
    *([name] for name in sorted(READING_SUBCOMMANDS)),
    ["print-build-dir", "--root"],
    ["print-build-dir", "--platform=linux"],
    ["-v"],
    ["--version"],
    # Refused before the app is read at all.
    ["--help"],
    ["build", "--platform=ios"],
    ["run", "--bogus"],
    ["install-app"],
]


def test_every_ssc_subcommand_reads_the_app_or_is_an_oro_command_that_runs_it() -> None:
    """A subcommand oro's ssc gains is either a reading one (checked below) or one of those
    that run the app, under the same name as oro's."""
    assert set(SUBCOMMANDS) - READING_SUBCOMMANDS <= BACKEND_COMMANDS
    assert {form[0] for form in SSC_READING_FORMS} >= READING_SUBCOMMANDS


@pytest.mark.parametrize("form", SSC_READING_FORMS, ids=" ".join)
def test_a_reading_ssc_form_never_imports_the_apps_code_nor_runs_its_build(
    form: list[str], tmp_path: Path
) -> None:
    app = write_hostile_app(tmp_path)
    (app / "plugins").mkdir()
    (app / "plugins" / "hostile.py").write_text(BACKEND)
    with (app / "oro.toml").open("a") as config:
        config.write('[build]\nscript = "touch ../script-ran"\ncopy = "index.html"\n')
    result = _oro(app, *form, executable=SSC)
    # backend.py marks beside the app, plugins/hostile.py in it.
    assert not (tmp_path / MARKER).exists(), f"`ssc {' '.join(form)}`: {result.stderr}"
    assert not (app / MARKER).exists(), f"`ssc {' '.join(form)}`: {result.stderr}"
    assert not (tmp_path / "script-ran").exists(), f"`ssc {' '.join(form)}`: {result.stderr}"
    assert "backend.py: imported" not in result.stderr


def _socket_app(folder: Path, build: str) -> Path:
    app = write_hostile_app(folder)
    (app / "oro.toml").unlink()
    text = "[meta]\ntitle = hostile\n\n[build]\ncopy = src\n" + build
    (app / "socket.ini").write_text(text, encoding="utf-8")
    return app


@pytest.mark.parametrize("output", ["/etc", "/", ".."])
def test_ssc_print_build_dir_refuses_an_output_no_build_may_replace(
    tmp_path: Path, output: str
) -> None:
    app = _socket_app(tmp_path, f"output = {output}\n")
    result = _oro(app, "print-build-dir", executable=SSC)
    assert (result.returncode, result.stdout) == (1, ""), result.stdout
    assert "ERROR: key 'build.output' names " in result.stderr
    assert not (tmp_path / MARKER).exists()


def test_ssc_prints_a_hostile_output_name_escaped(tmp_path: Path) -> None:
    # An OSC title and a screen clear, a bell, a right-to-left override (';' starts a comment).
    app = _socket_app(tmp_path, "output = out\x1b]2:pwned\x07\x1b[2J\u202e\n")
    result = _oro(app, "print-build-dir", executable=SSC)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{app}/out\\x1b]2:pwned\\x07\\x1b[2J\\u202e\n"
