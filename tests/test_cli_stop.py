"""`oro stop`: the copy of the app that `oro run` or `oro dev` runs (real processes) stops as
Ctrl-C would stop it, exiting 0; none running is said; a file a crashed copy left, and one
naming a process that is not the app's, never lead to a signal."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from oro_framework.cli.running_copies import announce, running_copies
from oro_framework.gui.single_instance import InstanceLock, instance_directory
from oro_framework.testing import open_descriptors, opened_since
from oro_framework.web.ports import is_port_free
from tests._oro_process import ORO, OroProcess, headless_environ, run_arguments

TOML = """[meta]
name = "Stop Me"
bundle_identifier = "dev.oro.test-stop-{suffix}"
"""


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    directory = tmp_path / "app"
    directory.mkdir()
    (directory / "oro.toml").write_text(TOML.format(suffix=request.node.name[-30:]))
    (directory / "index.html").write_text("<!doctype html><title>stop me</title>")
    return directory


@pytest.fixture
def environ() -> Iterator[dict[str, str]]:
    # A short directory of its own: a Unix socket's path has at most 107 bytes.
    with tempfile.TemporaryDirectory(prefix="rt-", dir="/tmp") as runtime:
        yield headless_environ({"XDG_RUNTIME_DIR": runtime})


def _stop(app: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), "stop", str(app)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_oro_stop_stops_oro_run_cleanly(app: Path, environ: dict[str, str]) -> None:
    with OroProcess(*run_arguments(app, "--headless", "--port", "0"), environ=environ) as oro:
        port = int(oro.launch_url().split(":")[2].split("/")[0])

        stopped = _stop(app, environ)

        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout == f"oro: stopped Stop Me (process {oro.process.pid})\n"
        assert oro.wait() == 0, oro.stderr()
        assert is_port_free(port)
    again = _stop(app, environ)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("oro: Stop Me is not running (no copy of dev.oro.test-stop-")


def test_oro_stop_stops_oro_dev_and_its_host(app: Path, environ: dict[str, str]) -> None:
    with OroProcess("dev", str(app), "--headless", environ=environ) as oro:
        port = int(oro.launch_url().split(":")[2].split("/")[0])

        stopped = _stop(app, environ)

        assert stopped.returncode == 0, stopped.stderr
        assert stopped.stdout == f"oro: stopped Stop Me (process {oro.process.pid})\n"
        assert oro.wait() == 0, oro.stderr()
        assert is_port_free(port)


def test_with_single_instance_off_every_copy_stops(app: Path, environ: dict[str, str]) -> None:
    off = ("-c", "application.single_instance=false")
    arguments = run_arguments(app, "--headless", "--port", "0", *off)
    with (
        OroProcess(*arguments, environ=environ) as one,
        OroProcess(*arguments, environ=environ) as two,
    ):
        one.launch_url()
        two.launch_url()

        stopped = _stop(app, environ)

        assert stopped.returncode == 0, stopped.stderr
        pids = sorted([one.process.pid, two.process.pid])
        assert stopped.stdout == f"oro: stopped Stop Me (process {pids[0]}, {pids[1]})\n"
        assert one.wait() == 0
        assert two.wait() == 0


def test_a_file_a_crashed_copy_left_is_removed_and_signals_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    directory = instance_directory()
    # This process's own pid, in a file nobody holds locked: what a crashed copy leaves.
    # Named as a copy names it: the single-instance socket's stem, which is a digest of the
    # identifier where the folder's path is too long for a socket (as pytest's can be).
    stem = InstanceLock("dev.oro.test-crashed", directory).socket_path.stem
    left = directory / f"{stem}.{os.getpid()}.run"
    left.write_text(f"{os.getpid()}\n")

    assert running_copies("dev.oro.test-crashed", directory) == []
    assert not left.exists()


def test_a_locked_file_naming_another_process_is_not_signalled(tmp_path: Path) -> None:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    held = announce("dev.oro.test.renamed", directory)
    try:
        # Renamed to claim process 1: its content (written by the holder) says otherwise.
        claimed = directory / "dev.oro.test.renamed.1.run"
        held.path.rename(claimed)
        held.path = claimed

        assert running_copies("dev.oro.test.renamed", directory) == []
        # Another app whose identifier starts with this one's is not this app.
        assert running_copies("dev.oro.test", directory) == []
    finally:
        held.release()


def test_this_processs_announcement_is_found_and_released(tmp_path: Path) -> None:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    held = announce("dev.oro.test-self", directory)
    try:
        [copy] = running_copies("dev.oro.test-self", directory)
        assert copy.pid == os.getpid()
        assert not copy.wait(0)
        copy.close()
    finally:
        held.release()
    assert running_copies("dev.oro.test-self", directory) == []


def test_no_descriptor_outlives_announcing_finding_or_failing(tmp_path: Path) -> None:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    before = open_descriptors()
    stem = InstanceLock("dev.oro.test.fds", directory).socket_path.stem
    # Failing after the file is open (its name taken by a folder): nothing leaks there either.
    blocker = directory / f"{stem}.{os.getpid()}.run"
    blocker.mkdir()
    with pytest.raises(IsADirectoryError):
        announce("dev.oro.test.fds", directory)
    blocker.rmdir()
    with announce("dev.oro.test.fds", directory):
        copies = running_copies("dev.oro.test.fds", directory)
        assert [copy.pid for copy in copies] == [os.getpid()]
        for copy in copies:
            with copy:
                assert not copy.wait(0)  # still held: not ended
    # A file nobody holds (a crashed copy's) is found, removed and closed.
    (directory / f"{stem}.{os.getpid()}.run").write_text(f"{os.getpid()}\n")
    assert running_copies("dev.oro.test.fds", directory) == []
    assert opened_since(before) == {}
