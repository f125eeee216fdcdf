"""Apps built once per test session with the real ``oro build`` (PyInstaller, dpkg-deb,
rpmbuild), shared by every test of this folder: the showcase with every target, and a small app
that uses one plugin."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from oro_framework.testing import virtual_display
from tests._oro_process import ORO, REPOSITORY, SHOWCASE, OroProcess

NOTES_TOML = """[meta]
name = "Notes"
version = "1.2.0"
bundle_identifier = "dev.oro.test-notes"
description = "Notes that a build test ships"

[webview.protocol-handlers]
"web+notes" = "./notes-sw.js"

[backend]
# Not a requirement of oro or of any plugin: the build ships it for backend.py alone.
requirements = ["pathspec>=0.10"]
"""
NOTES_BACKEND = """from pathspec import PathSpec

from oro_framework.backend import command


@command
def ignored(patterns: list[str], names: list[str]) -> list[str]:
    spec = PathSpec.from_lines("gitwildmatch", patterns)
    return [name for name in names if spec.match_file(name)]
"""
BACKEND_CALL = (
    "async () => (await import('oro:backend')).default"
    ".ignored({ patterns: ['*.log', 'build/'], names: ['a.log', 'b.txt', 'build/x'] })"
)
"""What a page of the notes app asks its backend, and the answer: ``BACKEND_ANSWER``."""
BACKEND_ANSWER = ["a.log", "build/x"]
NOTES_HTML = """<!doctype html><title>notes</title>
<script type="module">
import fs from 'oro:fs'
globalThis.notes = await fs.promises.readdir('.')
</script>
"""
NOTES_WORKER = (
    "import { serve } from '/oro/service-worker/worker.js'\nserve(() => new Response('ok'))\n"
)


@dataclass(frozen=True)
class BuiltApp:
    """An app ``oro build`` made: its folder, the packages, what the command printed."""

    command: str
    folder: Path
    out: Path
    output: str

    @property
    def executable(self) -> Path:
        return self.folder / self.command

    def artifact(self, pattern: str) -> Path:
        found = sorted(self.out.glob(pattern))
        assert len(found) == 1, f"{pattern} in {self.out}: {found}"
        return found[0]


def _build(app: Path, out: Path, *targets: str) -> BuiltApp:
    arguments = [str(ORO), "build", str(app), "--out", str(out)]
    for target in targets:
        arguments += ["--target", target]
    result = subprocess.run(
        arguments, capture_output=True, text=True, timeout=900, check=False, cwd=REPOSITORY
    )
    assert result.returncode == 0, result.stdout + result.stderr
    folder = next(path for path in out.iterdir() if path.is_dir() and not path.name.startswith("."))
    return BuiltApp(folder.name, folder, out, result.stdout)


@pytest.fixture(scope="session")
def built_showcase(tmp_path_factory: pytest.TempPathFactory) -> BuiltApp:
    return _build(SHOWCASE, tmp_path_factory.mktemp("showcase-dist"), "all")


def write_notes_app(app: Path, *, backend: bool = True) -> Path:
    """The notes app (it uses oro:fs and a web+notes handler) written into ``app``; with
    ``backend``, its backend.py and that backend's requirement (pathspec)."""
    toml = NOTES_TOML if backend else NOTES_TOML.split("\n[backend]", 1)[0] + "\n"
    (app / "oro.toml").write_text(toml)
    (app / "index.html").write_text(NOTES_HTML)
    (app / "notes-sw.js").write_text(NOTES_WORKER)
    if backend:
        (app / "backend.py").write_text(NOTES_BACKEND)
    return app


@pytest.fixture(scope="session")
def notes_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_notes_app(tmp_path_factory.mktemp("notes"))


@pytest.fixture(scope="session")
def built_notes(notes_app: Path) -> BuiltApp:
    # The output inside the app, where `oro build` run in it puts it by default: a rebuild
    # must not ship the previous build.
    return _build(notes_app, notes_app / "dist")


def clean_environ(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What `env -i` leaves, plus a fresh HOME: no venv, no Python on purpose, no display."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(extra or {})}


def ping(launch_url: str) -> str:
    """``/ipc/ping``'s answer through a session the launch URL opened."""
    with httpx.Client(timeout=30) as client:
        client.get(launch_url)
        reply = client.get(launch_url.split("/?", 1)[0] + "/ipc/ping")
        reply.raise_for_status()
        data: str = reply.json()["data"]
        return data


def backend_answers(browser: Browser, executable: Path, home: Path) -> None:
    """``executable --headless`` from a clean environment serves a page whose call of its
    backend (``BACKEND_CALL``) answers ``BACKEND_ANSWER``: the backend and its requirement
    shipped."""
    with OroProcess(
        "--headless", "--port", "0", executable=executable, environ=clean_environ(home)
    ) as app:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.add_init_script(
                "globalThis.addEventListener('runtimeinit',"
                " () => { globalThis.__oroInitialised = true }, { once: true })"
            )
            page.goto(app.window_launch_url("/"))
            page.wait_for_function("() => globalThis.__oroInitialised === true", timeout=30_000)
            assert page.evaluate(BACKEND_CALL) == BACKEND_ANSWER
        finally:
            context.close()


def serves(executable: Path, home: Path) -> None:
    """``executable --headless`` started from a clean environment answers a ping."""
    with OroProcess(
        "--headless", "--port", "0", executable=executable, environ=clean_environ(home)
    ) as app:
        assert ping(app.launch_url()) == "pong"


def install_rpm_into(rpm: Path, root: Path) -> None:
    """Install ``rpm`` into a fresh rpm database at ``root``, without its scripts and with
    ``--nodeps``: this Debian root has no rpm database of what the package requires."""
    subprocess.run(["rpm", "--root", str(root), "--initdb"], check=True)
    subprocess.run(
        ["rpm", "--root", str(root), "--nodeps", "--noscripts", "-i", str(rpm)],
        capture_output=True,
        check=True,
        timeout=300,
    )


def mapped_files(pid: int) -> set[str]:
    with open(f"/proc/{pid}/maps") as maps:
        return {line.split()[-1] for line in maps if len(line.split()) >= 6 and "/" in line}


def as_root(*command: str) -> list[str]:
    """``command`` run as root: directly when the tests are (CI), else through ``sudo -n``."""
    return list(command) if os.geteuid() == 0 else ["sudo", "-n", *command]


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb screen for a real window."""
    with virtual_display() as number:
        yield number


def apt(*arguments: str) -> None:
    """apt-get with ``arguments`` on this machine, as root, waiting for dpkg's lock."""
    completed = subprocess.run(
        as_root("apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q", *arguments),
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def deb_field(deb: Path, name: str) -> str:
    """A field of a ``.deb``'s control file."""
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def one(folder: Path, pattern: str) -> Path:
    """The one file of ``folder`` that ``pattern`` matches."""
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, sorted(path.name for path in folder.iterdir()))
    return found[0]
