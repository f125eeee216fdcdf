"""Installing an update archive: the app folder is swapped whole, the old version is kept, an
unsafe archive installs nothing, and a process killed at any step of an install leaves an app
that starts, whose leftovers the next install or check finishes or removes."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from oro_framework.host.errors import NotSupportedError, SecurityError
from oro_framework.update.install import (
    INSTALL_STEPS,
    install_archive,
    previous_folder,
    recover,
)
from tests._update_server import NAME, make_archive, make_folder

# A real install in a child process that reports each step on stdout and, at the step the test
# names, waits on stdin (which never comes): the test kills it exactly there.
INSTALLER = """
import sys
from pathlib import Path
from oro_framework.update.install import install_archive

def step(name):
    print(name, flush=True)
    if name == sys.argv[3]:
        sys.stdin.read()

install_archive(Path(sys.argv[1]), Path(sys.argv[2]), step=step)
print("done", flush=True)
"""
SWAPPED_FROM = INSTALL_STEPS.index("exchanged")


def _runs(folder: Path) -> str:
    return subprocess.run(
        [str(folder / NAME)], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """The archive of version 1.1.0, large enough that unpacking it takes a while."""
    folder = make_folder(tmp_path / "release", "1.1.0", padding=5_000_000)
    return make_archive(folder, tmp_path / "1.1.0.tar.gz")


@pytest.fixture
def with_previous(installed: Path) -> Path:
    """The installed 1.0.0 with 0.9.0 kept from the install before."""
    older = make_folder(installed.parent / "older", "0.9.0")
    older.rename(previous_folder(installed))
    (installed.parent / "older").rmdir()
    return installed


def test_an_install_swaps_the_folder_and_keeps_the_old_version(
    with_previous: Path, release: Path
) -> None:
    steps: list[str] = []

    previous = install_archive(release, with_previous, step=steps.append)

    assert steps == list(INSTALL_STEPS)
    assert _runs(with_previous) == "1.1.0"
    assert previous == previous_folder(with_previous)
    assert _runs(previous) == "1.0.0"
    assert sorted(path.name for path in with_previous.parent.iterdir()) == [
        NAME,
        f"{NAME}.previous",
    ]


@pytest.mark.parametrize("step", INSTALL_STEPS)
def test_an_install_killed_at_any_step_leaves_an_app_that_starts(
    with_previous: Path, release: Path, step: str
) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", INSTALLER, str(release), str(with_previous), step],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == step:
                break
        child.send_signal(signal.SIGKILL)
        child.wait()
    swapped = INSTALL_STEPS.index(step) >= SWAPPED_FROM

    assert _runs(with_previous) == ("1.1.0" if swapped else "1.0.0")
    recover(with_previous)  # what the next install or check does first
    assert not with_previous.with_name(f".{NAME}.new").exists()
    assert _runs(previous_folder(with_previous)) == ("1.0.0" if swapped else "0.9.0")


def test_the_install_after_a_killed_one_completes(with_previous: Path, release: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", INSTALLER, str(release), str(with_previous), "unpacking"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == "unpacking\n"
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert with_previous.with_name(f".{NAME}.new").exists()

    install_archive(release, with_previous)

    assert _runs(with_previous) == "1.1.0"
    assert _runs(previous_folder(with_previous)) == "1.0.0"
    assert not with_previous.with_name(f".{NAME}.new").exists()


def _evil_archive(path: Path, *members: tarfile.TarInfo) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        launcher = tarfile.TarInfo(f"{NAME}/{NAME}")
        launcher.size, launcher.mode = 3, 0o755
        tar.addfile(launcher, io.BytesIO(b"bad"))
        for member in members:
            tar.addfile(member, io.BytesIO(b"bad") if member.isfile() else None)
    return path


def _file(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 3
    return info


def _link(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


def _device(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    return info


@pytest.mark.parametrize(
    "member",
    [
        _file(f"{NAME}/../../escaped"),
        _file("escaped"),
        _file("/tmp/escaped"),
        _link(f"{NAME}/passwd", "/etc/passwd", tarfile.SYMTYPE),
        _link(f"{NAME}/up", "../../..", tarfile.SYMTYPE),
        _link(f"{NAME}/hard", "/etc/passwd", tarfile.LNKTYPE),
        _device(f"{NAME}/null"),
    ],
    ids=["dot-dot", "other-top", "absolute", "symlink-out", "symlink-up", "hardlink", "device"],
)
def test_an_unsafe_archive_installs_nothing(
    installed: Path, tmp_path: Path, member: tarfile.TarInfo
) -> None:
    archive = _evil_archive(tmp_path / "evil.tar.gz", member)

    with pytest.raises(SecurityError) as caught:
        install_archive(archive, installed)

    assert caught.value.code == "UPDATE_ARCHIVE_UNSAFE"
    assert not (tmp_path / "escaped").exists()
    assert _runs(installed) == "1.0.0"
    assert sorted(path.name for path in installed.parent.iterdir()) == [NAME]


def test_an_archive_without_the_launcher_installs_nothing(installed: Path, tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "release", "1.1.0")
    (folder / NAME).unlink()
    archive = make_archive(folder, tmp_path / "1.1.0.tar.gz")

    with pytest.raises(NotSupportedError) as caught:
        install_archive(archive, installed)

    assert caught.value.code == "UPDATE_NOT_INSTALLABLE"
    assert _runs(installed) == "1.0.0"
    assert sorted(path.name for path in installed.parent.iterdir()) == [NAME]


def test_a_damaged_archive_installs_nothing(installed: Path, release: Path) -> None:
    release.write_bytes(release.read_bytes()[:100_000])

    with pytest.raises(NotSupportedError) as caught:
        install_archive(release, installed)

    assert caught.value.code == "UPDATE_NOT_INSTALLABLE"
    assert _runs(installed) == "1.0.0"
    assert sorted(path.name for path in installed.parent.iterdir()) == [NAME]


NOT_WRITABLE = """
import os, sys
from pathlib import Path
from oro_framework.host.errors import NotSupportedError
from oro_framework.update.install import install_archive
if os.geteuid() == 0:
    os.setuid(65534)  # root may write anywhere: a user an /opt install leaves without rights
try:
    install_archive(Path(sys.argv[1]), Path(sys.argv[2]))
except NotSupportedError as error:
    print(error.code)
"""


def test_an_app_folder_the_user_cannot_write_is_left_to_its_package_manager(
    installed: Path, release: Path
) -> None:
    installed.parent.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-c", NOT_WRITABLE, str(release), str(installed)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        installed.parent.chmod(0o755)

    assert result.stdout.strip() == "UPDATE_NOT_INSTALLABLE", result.stderr
    assert _runs(installed) == "1.0.0"
