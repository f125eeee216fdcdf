"""Hostile archives and hostile calls against ``tar.*``: each refused with a typed error, nothing
written outside the folder (nor, for an archive refused whole, inside it), and the host serving
the next call. The entries are those tar bombs are made of: ``../``, absolute paths, a symlink
or hard link leading out, a path through a symlink of the archive or of the folder, device
nodes and FIFOs, too many entries, too many bytes."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path
from typing import Any

import oro_zlib.plugin
import pytest
from tar_helpers import Entry, call, file, hardlink, make_tar, open_bytes, symlink

from oro_framework import (
    Host,
    InvalidArgumentError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

HOSTILE: dict[str, list[Entry]] = {
    "dot-dot": [file("ok.txt", b"ok"), file("../escaped.txt", b"x")],
    "dot-dot-inside": [file("a/../../escaped.txt", b"x")],
    "absolute": [file("/tmp/escaped.txt", b"x")],
    "symlink-out": [symlink("out", "../../escaped.txt")],
    "symlink-absolute": [symlink("out", "/etc/passwd")],
    "through-symlink": [symlink("sub", "."), file("sub/escaped.txt", b"x")],
    "symlink-then-file": [symlink("evil", "ok"), file("evil", b"x")],
    "file-then-symlink": [file("ok", b"x"), symlink("ok", "other")],
    "hardlink-out": [hardlink("out", "../../etc/passwd")],
    "hardlink-absolute": [hardlink("out", "/etc/passwd")],
    "hardlink-missing": [hardlink("out", "nothing-here")],
    "char-device": [("null", None, {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3})],
    "block-device": [("disk", None, {"type": tarfile.BLKTYPE, "devmajor": 8, "devminor": 0})],
    "fifo": [("pipe", None, {"type": tarfile.FIFOTYPE})],
}


@pytest.fixture
def oro_config() -> dict[str, Any]:
    return {"tar.max_entries": 50, "tar.max_extract_bytes": 1 << 20}


def snapshot(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("links", [False, True])
async def test_a_hostile_archive_is_refused_whole_with_nothing_written(
    client: MemoryClient, host: Host, case: str, links: bool
) -> None:
    data_dir = Path(host.paths.data)
    base = data_dir.parent
    archive = await open_bytes(client, make_tar(HOSTILE[case]))
    # After the first call: the plugin has started (isolated, its process's folders are made).
    before = set(snapshot(base))
    with pytest.raises(SecurityError) as refused:
        await call(client, "tar.extract", id=archive, dest="x/y", preserveLinks=links)
    assert refused.value.code == "ERR_TAR_UNSAFE_ENTRY"
    assert "Refusing to extract tar entry" in refused.value.message
    # The folder was made (the page asked for it), nothing else: not the safe entries either.
    made = {str((data_dir / "x").relative_to(base)), str((data_dir / "x" / "y").relative_to(base))}
    assert set(snapshot(base)) - before == made
    # The host serves on.
    assert (await call(client, "tar.list", id=archive))["entryCount"] == len(HOSTILE[case])


async def test_a_symlink_already_in_the_folder_is_not_followed(
    client: MemoryClient, host: Host, tmp_path: Path
) -> None:
    outside = tmp_path
    dest = Path(host.paths.data) / "dest"
    dest.mkdir()
    (dest / "sub").symlink_to(outside)
    archive = await open_bytes(client, make_tar([file("sub/escaped.txt", b"x")]))
    with pytest.raises(SecurityError, match="a symlink already in the folder"):
        await call(client, "tar.extract", id=archive, dest="dest")
    assert list(outside.iterdir()) == []
    # A destination that is itself a symlink is no folder to write into.
    (Path(host.paths.data) / "moved").symlink_to(outside)
    with pytest.raises(IPCError) as loop:
        await call(client, "tar.extract", id=archive, dest="moved/inner")
    assert loop.value.code == "ELOOP"
    assert list(outside.iterdir()) == []


async def test_a_tar_bomb_of_entries_is_refused_as_it_opens(client: MemoryClient) -> None:
    bomb = make_tar([file(f"f{n}", b"") for n in range(51)])
    with pytest.raises(OutOfRangeError) as refused:
        await open_bytes(client, bomb)
    assert refused.value.code == "ERR_TAR_TOO_MANY_ENTRIES"
    # Writing one more than the bound is refused too.
    writer = str((await call(client, "tar.createBuffer"))["id"])
    for n in range(50):
        await call(client, "tar.write.begin", id=writer, path=f"f{n}", size=0)
    with pytest.raises(OutOfRangeError):
        await call(client, "tar.write.begin", id=writer, path="one-more", size=0)


async def test_a_tar_bomb_of_bytes_is_refused_before_anything_is_written(
    client: MemoryClient, host: Host
) -> None:
    # Two files of 600 KiB each: under the bound one by one, over it together.
    half = b"\0" * (600 * 1024)
    archive = await open_bytes(client, make_tar([file("a", half), file("b", half)]))
    with pytest.raises(OutOfRangeError) as refused:
        await call(client, "tar.extract", id=archive, dest="bomb")
    assert refused.value.code == "ERR_TAR_TOO_LARGE"
    assert list((Path(host.paths.data) / "bomb").iterdir()) == []
    # A header claiming a huge size in a short archive is a broken archive, not a huge file.
    lying = bytearray(make_tar([file("huge", b"abc")]))
    lying[124:136] = b"77777777777\0"
    with pytest.raises(IPCError) as broken:
        await open_bytes(client, bytes(lying))
    assert broken.value.code in {"ERR_TAR_INVALID", "ERR_TAR_TOO_LARGE"}


@pytest.mark.parametrize(
    "garbage", [b"", b"not a tar archive at all" * 40, make_tar([file("a", b"x" * 2000)])[:1100]]
)
async def test_bytes_that_are_no_archive_are_a_typed_error(
    client: MemoryClient, garbage: bytes
) -> None:
    with pytest.raises(IPCError) as refused:
        await open_bytes(client, garbage)
    assert refused.value.code == "ERR_TAR_INVALID"
    assert (await call(client, "tar.list", id=await open_bytes(client, make_tar([]))))[
        "entries"
    ] == []


@pytest.mark.parametrize(
    ("route", "params"),
    [
        ("tar.open", {"path": "/etc/passwd"}),
        ("tar.open", {"path": "../outside.tar"}),
        ("tar.open", {"path": "/tmp/x.tar", "writable": True}),
        ("tar.open", {"path": "resources:new.tar", "writable": True}),
        ("tar.open", {"path": "data:../x.tar"}),
    ],
)
async def test_paths_outside_the_sandbox_are_refused(
    client: MemoryClient, route: str, params: dict[str, Any]
) -> None:
    with pytest.raises(SecurityError) as refused:
        await call(client, route, **params)
    assert refused.value.code == "EPERM"


async def test_extracting_outside_the_sandbox_is_refused(
    client: MemoryClient, tmp_path: Path
) -> None:
    archive = await open_bytes(client, make_tar([file("a", b"x")]))
    escape = tmp_path / "escape"
    for dest in (str(escape), "../escape", "resources:unpacked"):
        with pytest.raises(SecurityError):
            await call(client, "tar.extract", id=archive, dest=dest)
    assert os.listdir(tmp_path) == []


async def test_another_windows_archive_is_not_found(host: Host) -> None:
    page, other = MemoryClient(host, window=1), MemoryClient(host, window=2)
    archive = await open_bytes(page, make_tar([file("secret", b"s")]))
    with pytest.raises(NotFoundError):
        await call(other, "tar.read", id=archive, path="secret", offset=0, size=1)
    with pytest.raises(NotFoundError):
        await call(other, "tar.list", id=archive)
    assert (await call(other, "tar.close", id=archive)) == {"closed": False}
    assert (await call(page, "tar.list", id=archive))["entryCount"] == 1


async def test_a_request_without_a_window_gets_no_archive(host: Host) -> None:
    reply = await MemoryClient(host, window=None).call("tar.createBuffer")
    assert reply.error is not None
    assert reply.error.code == "ERR_NO_WINDOW"


async def test_too_many_open_archives_and_oversized_reads_are_range_errors(
    client: MemoryClient,
) -> None:
    data = make_tar([file("a", b"abc")])
    archives = [await open_bytes(client, data) for _ in range(32)]
    with pytest.raises(OutOfRangeError) as many:
        await open_bytes(client, data)
    assert many.value.code == "ERR_TAR_TOO_MANY_ARCHIVES"
    with pytest.raises(OutOfRangeError):
        await call(client, "tar.read", id=archives[0], path="a", offset=0, size=1 << 30)
    with pytest.raises(InvalidArgumentError):
        await call(client, "tar.extract", b"{not json", id=archives[0], dest="d")
    await call(client, "tar.close", id=archives[0])
    await open_bytes(client, data)


async def test_the_routes_are_refused_when_the_permission_is_off() -> None:
    async with make_host([oro_zlib.plugin], config={"permissions.allow_tar": False}) as host:
        reply = await MemoryClient(host).call("tar.createBuffer")
        assert isinstance(reply.error, NotAllowedError)
        # zlib stays on: the permissions are separate.
        assert (await MemoryClient(host).call("zlib.capabilities")).error is None
