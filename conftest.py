"""What every test of this repository shares (tests/ and each plugin's tests/): a private set of
user directories per pytest process, and the way ``pytest -n`` (pytest-xdist) splits the suite
between its workers. docs/testing.md says how the suite runs in parallel."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from xdist.remote import Producer
    from xdist.scheduler import LoadFileScheduling

# What an app run by a test keeps of the user's: its data (web storage, permissions.json, window
# state, SQLite files), its config and state, and its single-instance lock and socket
# (``$XDG_RUNTIME_DIR/oro``). Each pytest process (each xdist worker) gets its own, made fresh:
# a test never reads or changes the user's ~/.local/share, and two workers running the same
# example app at once neither share its data nor hand their launch to the other's running copy
# (the single-instance lock is per user, per bundle identifier). XDG_CACHE_HOME and HOME stay the
# user's: uv's cache and oro-ai's model live there, and they only cache what any test may reuse.
USER_DIRECTORIES = {
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_STATE_HOME": "state",
    "XDG_RUNTIME_DIR": "run",
}
_PRIVATE_ROOT_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    # A short path under /tmp, not pytest's tmp_path: a Unix socket's path is at most ~100 bytes
    # and the single-instance socket lives in XDG_RUNTIME_DIR. 0700 (mkdtemp's mode), as
    # XDG_RUNTIME_DIR must be for the single-instance lock and Qt to use it.
    root = Path(tempfile.mkdtemp(prefix="oro-tests-"))
    for variable, name in USER_DIRECTORIES.items():
        folder = root / name
        folder.mkdir(mode=0o700)
        os.environ[variable] = str(folder)
    config.stash[_PRIVATE_ROOT_KEY] = root


def pytest_unconfigure(config: pytest.Config) -> None:
    root = config.stash.get(_PRIVATE_ROOT_KEY, None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


# Folders whose tests are one unit of work, on one worker, with why. Each other test file is a
# unit of its own. (pytest-xdist's own xdist_group marker cannot say this: its loadgroup sets
# the item's _nodeid, which pytest 9.2 no longer reads.)
SHARED_FOLDERS = {
    # The session-scoped builds of tests/shipping/conftest.py (the showcase for every target,
    # the notes app) are made once, not once per worker; and its tests that install packages on
    # this machine with apt-get and dpkg (test_system_packages.py, test_built_packages.py) never
    # hold the dpkg lock against each other or change /usr under each other's feet.
    "tests/shipping/": "shipping",
}


def unit_of_work(nodeid: str) -> str:
    """The unit of work of the test ``nodeid``: its folder's name in ``SHARED_FOLDERS``, else
    its file."""
    for folder, name in SHARED_FOLDERS.items():
        if nodeid.startswith(folder):
            return name
    return nodeid.split("::", 1)[0]


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadFileScheduling | None:
    """With ``--dist loadfile`` (scripts/test): a test file is one unit of work, so its
    module-scoped fixtures (an Xvfb, an app in two windows, a built app) start once, on one
    worker, and its tests run in file order; and the folders of ``SHARED_FOLDERS`` are one unit
    each. Other ``--dist`` modes are xdist's own."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrFolderScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return FileOrFolderScheduling(config, log)
