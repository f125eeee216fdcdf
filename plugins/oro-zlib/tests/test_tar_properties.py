"""Properties, with hypothesis: any files written through ``tar.*`` are what Python's
:mod:`tarfile` reads back, and any archive :mod:`tarfile` writes lists and reads the same through
``tar.*``; any archive of hostile names and links either extracts inside its folder or is
refused whole with a typed error, never writing outside, and the host serves the next call."""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oro_zlib import plugin
from tar_helpers import Entry, file, folder, hardlink, make_tar, symlink

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

FIXTURES = [HealthCheck.function_scoped_fixture]

segment_st = st.text(
    st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1, max_size=12
)
name_st = st.lists(segment_st, min_size=1, max_size=3).map("/".join)
files_st = st.dictionaries(name_st, st.binary(max_size=3000), min_size=1, max_size=6)
hostile_part_st = st.sampled_from(["..", ".", "a", "b", "", "/"]) | segment_st
hostile_name_st = st.lists(hostile_part_st, min_size=1, max_size=4).map("/".join)
hostile_entry_st: st.SearchStrategy[Entry] = st.one_of(
    st.builds(file, hostile_name_st, st.binary(max_size=64)),
    st.builds(folder, hostile_name_st),
    st.builds(symlink, hostile_name_st, hostile_name_st),
    st.builds(hardlink, hostile_name_st, hostile_name_st),
)


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend="trio") as running:
        yield running


@pytest.fixture(scope="module")
def host(portal: BlockingPortal) -> Iterator[Host]:
    with portal.wrap_async_context_manager(make_host([plugin])) as running:
        yield running


def call(
    portal: BlockingPortal, client: MemoryClient, route: str, body: bytes = b"", **params: Any
) -> Any:
    reply = portal.call(lambda: client.call(route, body, **params))
    if reply.error is not None:
        raise reply.error
    return reply.body if reply.body is not None else reply.data


def clean(files: dict[str, bytes]) -> dict[str, bytes]:
    """Drop names that are a folder of another name (a file cannot be both)."""
    return {
        name: body
        for name, body in files.items()
        if not any(other.startswith(name + "/") for other in files)
    }


@settings(suppress_health_check=FIXTURES, deadline=None, max_examples=40)
@given(files=files_st)
def test_what_tar_writes_is_what_tarfile_reads(
    portal: BlockingPortal, host: Host, files: dict[str, bytes]
) -> None:
    client = MemoryClient(host)
    files = clean(files)
    archive = call(portal, client, "tar.createBuffer")["id"]
    for name, body in files.items():
        call(portal, client, "tar.write.begin", id=archive, path=name, size=len(body))
        call(portal, client, "tar.write.data", body, id=archive)
    data = call(portal, client, "tar.buffer", id=archive)
    call(portal, client, "tar.close", id=archive)
    with tarfile.open(fileobj=io.BytesIO(data)) as read:
        got = {m.name: read.extractfile(m).read() for m in read.getmembers()}  # type: ignore[union-attr]
    assert got == files


@settings(suppress_health_check=FIXTURES, deadline=None, max_examples=40)
@given(files=files_st)
def test_what_tarfile_writes_tar_lists_and_reads(
    portal: BlockingPortal, host: Host, files: dict[str, bytes]
) -> None:
    client = MemoryClient(host)
    files = clean(files)
    archive = call(
        portal, client, "tar.openBuffer", make_tar([file(n, b) for n, b in files.items()])
    )["id"]
    listed = call(portal, client, "tar.list", id=archive)["entries"]
    assert [entry["path"] for entry in listed] == list(files)
    for name, body in files.items():
        assert (
            call(portal, client, "tar.read", id=archive, path=name, offset=0, size=len(body))
            == body
        )
    call(portal, client, "tar.close", id=archive)


def everything(root: Path) -> set[str]:
    return {str(path) for path in root.rglob("*")}


@settings(suppress_health_check=FIXTURES, deadline=None, max_examples=120)
@given(entries=st.lists(hostile_entry_st, min_size=1, max_size=5), links=st.booleans())
def test_hostile_archives_stay_in_their_folder_or_are_refused_whole(
    portal: BlockingPortal, host: Host, entries: list[Entry], links: bool
) -> None:
    client = MemoryClient(host)
    base = Path(host.paths.data).parent
    dest = Path(host.paths.data) / "x" / f"d{os.urandom(4).hex()}"
    before = everything(base)
    archive = call(portal, client, "tar.openBuffer", make_tar(entries))["id"]
    reply = portal.call(
        lambda: client.call(
            "tar.extract",
            id=archive,
            dest=str(dest.relative_to(host.paths.data)),
            preserveLinks=links,
        )
    )
    if reply.error is not None:
        assert reply.error.code in {"ERR_TAR_UNSAFE_ENTRY", "ERR_TAR_INVALID"}, reply.error
        assert not any(dest.iterdir())
    new = everything(base) - before - {str(dest.parent), str(dest)}
    assert all(Path(path).is_relative_to(dest) for path in new), new
    for path in new:
        if os.path.islink(path):
            assert Path(os.path.realpath(path)).is_relative_to(dest.resolve())
    assert call(portal, client, "tar.close", id=archive) == {"closed": True}
