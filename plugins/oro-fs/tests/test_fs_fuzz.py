"""Every fs.* route fed random parameters through the real router: whatever a client sends, the
answer is a typed error or a result, never a server error (5xx), and every descriptor a call
opens is closed again by the call or by fs.closeOpenDescriptors."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_fs.plugin
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_fs.routes_common import CONSTANTS

from conftest import DATA_HOME
from oro_framework import ByteStream, Host
from oro_framework.testing import MemoryClient, make_host, open_descriptors, opened_since

ROUTES = [
    "fs.constants", "fs.open", "fs.close", "fs.read", "fs.write", "fs.fstat", "fs.ftruncate",
    "fs.fsync", "fs.opendir", "fs.readdir", "fs.closedir", "fs.getOpenDescriptors",
    "fs.closeOpenDescriptors", "fs.stat", "fs.lstat", "fs.access", "fs.mkdir", "fs.rmdir",
    "fs.unlink", "fs.rm", "fs.rename", "fs.copyFile", "fs.cp", "fs.link", "fs.symlink",
    "fs.readlink", "fs.realpath", "fs.chmod", "fs.truncate", "fs.utimes", "fs.mkdtemp",
    "fs.readFile", "fs.writeFile", "fs.watch", "fs.stopWatch", "fs.lchmod", "fs.chown",
    "fs.lchown", "fs.lutimes", "fs.futimes",
]  # fmt: skip
PARAMETERS = [
    "path", "src", "dest", "flags", "mode", "size", "offset", "length", "atime", "mtime",
    "recursive", "force", "errorOnExist", "entries", "prefix", "type", "commit", "atomic",
    "flush", "uid", "gid",
]  # fmt: skip
ODD_PATHS = [
    "", ".", "..", "/", "//", "file", "dir", "dir/inner", "link", "out", "file/x", "data:",
    "temp:", "resources:", "nope:x", "data:../x", "/etc/passwd", "a\x00b", "bad\ud800", "\udc80",
    "x" * 256, "y/" * 2100, "ünï/日本", "🙂", " ", "~", "$HOME", "file:///etc/passwd", "-1",
    ".file.oro-tmp-0123456789ab", "dir/../file", "./file", "dir//file/",
]  # fmt: skip
NUMBER_WORDS = ["NaN", "Infinity", "-Infinity", "1e400", "-0", "0x10", "1" * 110, "0o777", "1.5"]
FLAG_VALUES = list(CONSTANTS.values())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 16),
    st.integers(-(2**64), 2**64),
    st.integers(-(10**120), 10**120),
    st.floats(),  # NaN and infinities too: the memory transport passes any Python value
    st.sampled_from(FLAG_VALUES),
    st.sampled_from(NUMBER_WORDS),
    st.sampled_from(ODD_PATHS),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
# Mostly a few known ids, so that opens, reads, writes and closes meet each other.
IDS = ["1", "2", "3", "4", "", "\ud800", "\udc80x", "9" * 400]
ids = st.one_of(st.sampled_from(IDS), st.sampled_from(IDS), values)


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal("trio") as running:
        yield running


@pytest.fixture(scope="module")
def host(portal: BlockingPortal) -> Iterator[Host]:
    with portal.wrap_async_context_manager(make_host([oro_fs.plugin], config=DATA_HOME)) as running:
        # Paused, fs.watch registers watchers without starting their threads, so the census
        # counts what the routes hold (watchers are covered by test_fs_watch.py).
        portal.call(running.pause)
        yield running


def _reset(data: Path) -> None:
    for child in data.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (data / "file").write_bytes(b"content")
    (data / "dir" / "inner").mkdir(parents=True)
    (data / "link").symlink_to("file")
    (data / "out").symlink_to("/etc")


steps = st.lists(
    st.tuples(
        st.sampled_from(ROUTES),
        st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=8),
        ids,
        st.binary(max_size=64),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=steps)
def test_no_fuzzed_call_is_a_server_error_or_leaks_a_descriptor(
    portal: BlockingPortal, host: Host, calls: list[tuple[str, dict[str, Any], Any, bytes]]
) -> None:
    client = MemoryClient(host)
    _reset(host.paths.data)
    before = open_descriptors()
    # Ids 1 and 2 are open, so that descriptor routes reach an open file and directory.
    portal.call(functools.partial(client.call, "fs.open", id="1", path="file", flags=os.O_RDWR))
    portal.call(functools.partial(client.call, "fs.opendir", id="2", path="dir"))
    try:
        for route, params, descriptor_id, body in calls:
            call = functools.partial(client.call, route, body, **{"id": descriptor_id, **params})
            reply = portal.call(call)
            stream = reply.stream
            if isinstance(stream, ByteStream):
                # A streamed readFile holds its file until read or closed, as a transport does.
                portal.call(stream.chunks.aclose)  # type: ignore[attr-defined]
            assert reply.error is None or reply.error.status < 500, (route, params, reply.error)
    finally:
        portal.call(client.call, "fs.closeOpenDescriptors")
    assert opened_since(before) == {}, calls
    assert not os.path.lexists("/etc/file")
