"""The ``tar.*`` routes over the in-memory client: Oro's eleven (``tar.open|openBuffer|
createBuffer|close|list|stat|read|write.begin|write.data|finalize|buffer``, from Oro's
``api/tar.js``) and ``tar.extract``, each checked against Python's :mod:`tarfile` reading or
writing the same bytes."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import anyio
import pytest
from tar_helpers import call, file, folder, hardlink, make_tar, open_bytes, symlink

from oro_framework import ErrnoError, Host, InvalidStateError, NotFoundError, OutOfRangeError
from oro_framework.testing import MemoryClient, open_descriptors, opened_since, raise_for_error

pytestmark = pytest.mark.anyio

BIG = os.urandom(3 * 1024 * 1024 + 17)
SAMPLE = make_tar(
    [
        folder("docs"),
        file("docs/a.txt", b"alpha\n"),
        file("docs/run.sh", b"#!/bin/sh\n", mode=0o755),
        file("big.bin", BIG),
        symlink("docs/link", "a.txt"),
        hardlink("docs/again.txt", "docs/a.txt"),
        file("empty", b""),
    ]
)


async def test_a_buffer_lists_its_entries_as_oro_describes_them(client: MemoryClient) -> None:
    archive = await open_bytes(client, SAMPLE)
    answer = await call(client, "tar.list", id=archive)
    assert answer["entryCount"] == 7
    assert answer["size"] == len(SAMPLE)
    by_path = {entry["path"]: entry for entry in answer["entries"]}
    assert [entry["path"] for entry in answer["entries"]] == [
        "docs", "docs/a.txt", "docs/run.sh", "big.bin", "docs/link", "docs/again.txt", "empty",
    ]  # fmt: skip
    assert by_path["docs"] | {"size": 0} == by_path["docs"]
    assert by_path["docs"]["type"] == "5"
    assert by_path["docs"]["isDirectory"] is True
    assert by_path["docs/run.sh"]["mode"] == 0o755
    assert by_path["docs/a.txt"]["mtime"] == 1_700_000_000
    assert by_path["big.bin"]["size"] == len(BIG)
    assert by_path["big.bin"]["isFile"] is True
    assert by_path["docs/link"]["type"] == "2"
    assert by_path["docs/link"]["linkpath"] == "a.txt"
    assert by_path["docs/again.txt"]["type"] == "1"
    assert await call(client, "tar.stat", id=archive, path="docs/a.txt") == by_path["docs/a.txt"]


async def test_an_entry_is_read_by_range(client: MemoryClient) -> None:
    archive = await open_bytes(client, SAMPLE)
    assert await call(client, "tar.read", id=archive, path="docs/a.txt", offset=0, size=6) == (
        b"alpha\n"
    )
    chunks = [
        await call(client, "tar.read", id=archive, path="big.bin", offset=offset, size=1 << 20)
        for offset in range(0, len(BIG), 1 << 20)
    ]
    assert b"".join(chunks) == BIG
    middle = await call(client, "tar.read", id=archive, path="big.bin", offset=1000, size=10)
    assert middle == BIG[1000:1010]
    # A hard link reads as its target, as tar extracts it.
    assert await call(client, "tar.read", id=archive, path="docs/again.txt", offset=0, size=99) == (
        b"alpha\n"
    )


async def test_an_archive_written_in_memory_is_what_tarfile_reads(client: MemoryClient) -> None:
    archive = str((await call(client, "tar.createBuffer", uid=7, uname="me", mtime=1234))["id"])
    await call(client, "tar.write.begin", id=archive, path="dir", type="5", size=0)
    await call(client, "tar.write.data", id=archive)
    await call(client, "tar.write.begin", id=archive, path="dir/big.bin", size=len(BIG))
    step = 700_001
    for start in range(0, len(BIG), step):
        await call(client, "tar.write.data", BIG[start : start + step], id=archive)
    await call(client, "tar.write.begin", id=archive, path="dir/l", type="2", linkpath="big.bin")
    await call(client, "tar.write.data", id=archive)
    finalized = await call(client, "tar.finalize", id=archive)
    data = await call(client, "tar.buffer", id=archive)
    assert finalized == {"size": len(data), "entryCount": 3}
    with tarfile.open(fileobj=io.BytesIO(data)) as read:
        members = read.getmembers()
        assert [(m.name, m.type) for m in members] == [
            ("dir", tarfile.DIRTYPE), ("dir/big.bin", tarfile.REGTYPE), ("dir/l", tarfile.SYMTYPE),
        ]  # fmt: skip
        assert all(m.uid == 7 and m.uname == "me" and m.mtime == 1234 for m in members)
        body = read.extractfile("dir/big.bin")
        assert body is not None
        assert body.read() == BIG
    # Finalized, it reads as any archive.
    listed = await call(client, "tar.list", id=archive)
    assert [entry["path"] for entry in listed["entries"]] == ["dir", "dir/big.bin", "dir/l"]
    assert (
        await call(client, "tar.read", id=archive, path="dir/big.bin", offset=5, size=5)
        == (BIG[5:10])
    )


async def test_the_writer_refuses_what_oro_refuses(client: MemoryClient) -> None:
    archive = str((await call(client, "tar.createBuffer"))["id"])
    await call(client, "tar.write.begin", id=archive, path="a", size=3)
    with pytest.raises(OutOfRangeError, match=r"more data than header\.size"):
        await call(client, "tar.write.data", b"four", id=archive)
    with pytest.raises(InvalidStateError, match="still lacks 3 bytes"):
        await call(client, "tar.write.begin", id=archive, path="b", size=0)
    with pytest.raises(InvalidStateError, match="still lacks"):
        await call(client, "tar.finalize", id=archive)
    await call(client, "tar.write.data", b"abc", id=archive)
    await call(client, "tar.finalize", id=archive)
    with pytest.raises(InvalidStateError):
        await call(client, "tar.write.begin", id=archive, path="c", size=0)
    reader = await open_bytes(client, SAMPLE)
    with pytest.raises(InvalidStateError, match="not opened in writable mode"):
        await call(client, "tar.write.begin", id=reader, path="c", size=0)


async def test_an_archive_file_in_the_data_folder(client: MemoryClient, host: Host) -> None:
    created = await call(client, "tar.open", path="out.tar", writable=True)
    archive = str(created["id"])
    await call(client, "tar.write.begin", id=archive, path="hello.txt", size=5)
    await call(client, "tar.write.data", b"hello", id=archive)
    await call(client, "tar.finalize", id=archive)
    written = Path(host.paths.data) / "out.tar"
    with tarfile.open(written) as read:
        body = read.extractfile("hello.txt")
        assert body is not None
        assert body.read() == b"hello"
    assert await call(client, "tar.close", id=archive) == {"closed": True}
    assert await call(client, "tar.close", id=archive) == {"closed": False}
    again = await call(client, "tar.open", path="out.tar")
    assert again["entryCount"] == 1
    assert again["path"] == "out.tar"
    assert await call(client, "tar.buffer", id=again["id"]) == written.read_bytes()


@pytest.mark.in_process(reason="it counts the descriptors of the host's process")
async def test_opening_a_folder_or_a_missing_file_leaves_no_descriptor_open(
    client: MemoryClient, host: Host
) -> None:
    (Path(host.paths.data) / "folder.tar").mkdir()
    before = open_descriptors()
    for path, code in (("folder.tar", "EISDIR"), ("missing.tar", "ENOENT")):
        reply = await client.call("tar.open", path=path)
        assert isinstance(reply.error, ErrnoError)
        assert reply.error.code == code
    assert opened_since(before) == {}


async def test_gzipped_archives_are_read_too(client: MemoryClient) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("z.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"zzz"))
    archive_id = await open_bytes(client, out.getvalue())
    assert await call(client, "tar.read", id=archive_id, path="z.txt", offset=0, size=3) == b"zzz"


async def test_extracting_writes_files_folders_and_with_preserve_links_links(
    client: MemoryClient, host: Host
) -> None:
    archive = await open_bytes(client, SAMPLE)
    answer = await call(client, "tar.extract", id=archive, dest="plain")
    plain = Path(host.paths.data) / "plain"
    assert answer == {"entries": 5, "bytes": 6 + 10 + len(BIG)}
    assert (plain / "docs" / "a.txt").read_bytes() == b"alpha\n"
    assert (plain / "big.bin").read_bytes() == BIG
    assert (plain / "docs" / "run.sh").stat().st_mode & 0o777 == 0o755
    assert not (plain / "docs" / "link").exists()
    assert not (plain / "docs" / "again.txt").exists()
    await call(client, "tar.extract", id=archive, dest="linked", preserveLinks=True)
    linked = Path(host.paths.data) / "linked" / "docs"
    assert os.readlink(linked / "link") == "a.txt"
    assert (linked / "again.txt").stat().st_ino == (linked / "a.txt").stat().st_ino


async def test_extracting_what_the_filter_kept_or_one_entry(
    client: MemoryClient, host: Host
) -> None:
    archive = await open_bytes(client, SAMPLE)
    await call(client, "tar.extract", b'["docs", "docs/a.txt"]', id=archive, dest="some")
    some = Path(host.paths.data) / "some"
    assert sorted(p.relative_to(some).as_posix() for p in some.rglob("*")) == ["docs", "docs/a.txt"]
    await call(client, "tar.extract", id=archive, entry="docs/run.sh", dest="one/deep/run.sh")
    one = Path(host.paths.data) / "one" / "deep" / "run.sh"
    assert one.read_bytes() == b"#!/bin/sh\n"
    assert one.stat().st_mtime == 1_700_000_000


async def test_unknown_archives_and_entries_are_not_found(client: MemoryClient) -> None:
    with pytest.raises(NotFoundError) as error:
        await call(client, "tar.list", id="404")
    assert error.value.code == "ERR_TAR_UNKNOWN_ARCHIVE"
    archive = await open_bytes(client, SAMPLE)
    with pytest.raises(NotFoundError) as missing:
        await call(client, "tar.stat", id=archive, path="nope")
    assert missing.value.code == "ENOENT"


async def test_a_page_going_away_closes_its_archives(client: MemoryClient, host: Host) -> None:
    archive = await open_bytes(client, SAMPLE)
    raise_for_error(await client.call("tar.list", id=archive))
    host.hooks.page_closed(host, 0)
    # With the plugin isolated (ORO_TEST_ISOLATE) the close is a notice travelling beside the
    # calls: wait until it has landed, as a page that is gone never calls again anyway.
    with anyio.fail_after(10):
        reply = await client.call("tar.list", id=archive)
        while reply.error is None:
            await anyio.sleep(0.01)
            reply = await client.call("tar.list", id=archive)
    assert isinstance(reply.error, NotFoundError)
