"""The tests' own pidfd helper (``conftest.pidfds``), which the orphan and route tests rely on
to see processes end: it owns every descriptor it opens and closes them all on leaving, also when
opening one fails midway or the body fails."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import exited_blocking, pidfds
from oro_framework.testing import open_descriptors, opened_since


def a_gone_pid() -> int:
    """The pid of a process that has exited and been reaped (nothing owns that pid now)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_every_pidfd_is_closed_on_leaving_and_when_the_body_fails() -> None:
    before = open_descriptors()
    with pidfds(os.getpid(), os.getpid()) as fds:
        assert len(fds) == 2
        assert exited_blocking(fds, seconds=0) is False  # this process is alive
    assert opened_since(before) == {}
    with pytest.raises(RuntimeError), pidfds(os.getpid()):
        raise RuntimeError("the test's body failed")
    assert opened_since(before) == {}


def test_a_pid_already_gone_closes_the_ones_opened_before_it() -> None:
    gone = a_gone_pid()
    before = open_descriptors()
    with pytest.raises(ProcessLookupError), pidfds(os.getpid(), gone):
        pytest.fail("never entered")
    assert opened_since(before) == {}


def test_exited_blocking_sees_an_exit() -> None:
    child = subprocess.Popen(["sleep", "1000"])
    try:
        with pidfds(child.pid) as fds:
            child.kill()
            assert exited_blocking(fds)
    finally:
        child.wait()
