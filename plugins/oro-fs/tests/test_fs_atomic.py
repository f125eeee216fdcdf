"""Crash-safe writes: ``flush`` and ``atomic`` of fs.writeFile, and the descriptor form large
atomic writes use (fs.open ``atomic`` ... fs.close ``commit``), through the real router."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from oro_fs.ops import is_atomic_temp
from oro_fs.state import STATE

from oro_framework import ErrnoError, Host, InvalidArgumentError, IPCError, Reply
from oro_framework.testing import MemoryClient, open_descriptors, opened_since, raise_for_error

pytestmark = pytest.mark.anyio

WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
APPEND = os.O_WRONLY | os.O_CREAT | os.O_APPEND


def error_of(reply: Reply) -> IPCError:
    assert reply.error is not None, f"expected an error, got {reply.kind} {reply.data!r}"
    return reply.error


async def ok(client: MemoryClient, route: str, body: bytes = b"", **params: Any) -> Any:
    reply = await client.call(route, body, **params)
    raise_for_error(reply)
    return reply.data


def temp_files(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if is_atomic_temp(name)]


async def test_atomic_write_replaces_the_content_and_keeps_the_mode(
    client: MemoryClient, data: Path
) -> None:
    (data / "note.md").write_bytes(b"old content, longer than the new")
    os.chmod(data / "note.md", 0o640)
    await ok(client, "fs.writeFile", b"new", path="note.md", atomic=True)
    assert (data / "note.md").read_bytes() == b"new"
    assert stat.S_IMODE((data / "note.md").stat().st_mode) == 0o640
    assert os.listdir(data) == ["note.md"]


async def test_atomic_write_creates_a_missing_file_with_the_given_mode(
    client: MemoryClient, data: Path
) -> None:
    await ok(client, "fs.writeFile", b"x", path="fresh.txt", atomic=True, mode=0o600)
    assert (data / "fresh.txt").read_bytes() == b"x"
    assert stat.S_IMODE((data / "fresh.txt").stat().st_mode) == 0o600


async def test_atomic_write_through_a_symlink_replaces_its_target_and_keeps_the_link(
    client: MemoryClient, data: Path
) -> None:
    (data / "real.txt").write_bytes(b"old")
    (data / "alias").symlink_to("real.txt")
    await ok(client, "fs.writeFile", b"new", path="alias", atomic=True)
    assert os.readlink(data / "alias") == "real.txt"
    assert (data / "real.txt").read_bytes() == b"new"


async def test_atomic_append_keeps_the_old_content(client: MemoryClient, data: Path) -> None:
    (data / "log.txt").write_bytes(b"one,")
    await ok(client, "fs.writeFile", b"two", path="log.txt", flags=APPEND, atomic=True)
    await ok(client, "fs.writeFile", b"first", path="new.txt", flags=APPEND, atomic=True)
    assert (data / "log.txt").read_bytes() == b"one,two"
    assert (data / "new.txt").read_bytes() == b"first"


async def test_atomic_write_honours_o_creat_and_o_excl(client: MemoryClient, data: Path) -> None:
    (data / "there.txt").write_bytes(b"kept")
    exclusive = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    existing = await client.call(
        "fs.writeFile", b"x", path="there.txt", flags=exclusive, atomic=True
    )
    missing = await client.call(
        "fs.writeFile", b"x", path="none.txt", flags=os.O_WRONLY, atomic=True
    )
    await ok(client, "fs.writeFile", b"made", path="made.txt", flags=exclusive, atomic=True)
    assert error_of(existing).code == "EEXIST"
    assert error_of(missing).code == "ENOENT"
    assert (data / "there.txt").read_bytes() == b"kept"
    assert (data / "made.txt").read_bytes() == b"made"
    assert sorted(os.listdir(data)) == ["made.txt", "there.txt"]


async def test_flush_writes_and_appends(client: MemoryClient, data: Path) -> None:
    await ok(client, "fs.writeFile", b"a", path="f.txt", flush=True)
    await ok(client, "fs.writeFile", b"b", path="f.txt", flags=APPEND, flush=True)
    assert (data / "f.txt").read_bytes() == b"ab"


async def test_a_large_atomic_write_through_a_descriptor_appears_only_on_commit(
    client: MemoryClient, data: Path
) -> None:
    (data / "big.bin").write_bytes(b"old")
    before = open_descriptors()
    await ok(client, "fs.open", id="7", path="big.bin", flags=WRITE, atomic=True)
    await ok(client, "fs.write", b"a" * 1000, id="7")
    await ok(client, "fs.write", b"b" * 1000, id="7")
    # Until the commit the file is untouched and the temporary file is not listed.
    assert (data / "big.bin").read_bytes() == b"old"
    assert len(temp_files(data)) == 1
    assert [entry["name"] for entry in await ok(client, "fs.readdir", path=".")] == ["big.bin"]
    await ok(client, "fs.opendir", id="d", path=".")
    assert [entry["name"] for entry in await ok(client, "fs.readdir", id="d")] == ["big.bin"]
    await ok(client, "fs.closedir", id="d")
    await ok(client, "fs.close", id="7", commit=True)
    assert (data / "big.bin").read_bytes() == b"a" * 1000 + b"b" * 1000
    assert temp_files(data) == []
    assert await ok(client, "fs.getOpenDescriptors") == []
    assert opened_since(before) == {}


async def test_an_atomic_descriptor_closed_without_commit_changes_nothing(
    client: MemoryClient, host: Host, data: Path
) -> None:
    (data / "kept.txt").write_bytes(b"old")
    before = open_descriptors()
    for descriptor_id in ("1", "2"):
        await ok(client, "fs.open", id=descriptor_id, path="kept.txt", flags=WRITE, atomic=True)
        await ok(client, "fs.write", b"never seen", id=descriptor_id)
    await ok(client, "fs.close", id="1")
    # The page going away closes the rest the same way.
    host.stash[STATE].descriptors.close_window(0)
    assert (data / "kept.txt").read_bytes() == b"old"
    assert os.listdir(data) == ["kept.txt"]
    assert opened_since(before) == {}


async def test_a_failed_commit_removes_the_temporary_file_and_closes(
    client: MemoryClient, data: Path
) -> None:
    exclusive = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    await ok(client, "fs.open", id="9", path="race.txt", flags=exclusive, atomic=True)
    await ok(client, "fs.write", b"late", id="9")
    (data / "race.txt").write_bytes(b"first")  # someone else created it meanwhile
    reply = await client.call("fs.close", id="9", commit=True)
    assert isinstance(error_of(reply), ErrnoError)
    assert error_of(reply).code == "EEXIST"
    assert (data / "race.txt").read_bytes() == b"first"
    assert os.listdir(data) == ["race.txt"]
    assert await ok(client, "fs.getOpenDescriptors") == []


async def test_append_through_an_atomic_descriptor_starts_from_the_old_content(
    client: MemoryClient, data: Path
) -> None:
    (data / "log.txt").write_bytes(b"one,")
    await ok(client, "fs.open", id="3", path="log.txt", flags=APPEND, atomic=True)
    await ok(client, "fs.write", b"two", id="3")
    await ok(client, "fs.close", id="3", commit=True)
    assert (data / "log.txt").read_bytes() == b"one,two"


async def test_atomic_needs_a_write_flag_and_commit_an_atomic_descriptor(
    client: MemoryClient, data: Path
) -> None:
    (data / "f.txt").write_bytes(b"x")
    read_only = await client.call("fs.open", id="1", path="f.txt", atomic=True)
    await ok(client, "fs.open", id="2", path="f.txt", flags=os.O_WRONLY)
    plain = await client.call("fs.close", id="2", commit=True)
    assert isinstance(error_of(read_only), InvalidArgumentError)
    assert isinstance(error_of(plain), InvalidArgumentError)
    assert await ok(client, "fs.getOpenDescriptors") == []


async def test_long_names_get_a_temporary_name_within_the_limit(
    client: MemoryClient, data: Path
) -> None:
    name = "é" * 127  # 254 bytes of UTF-8
    await ok(client, "fs.writeFile", b"x", path=name, atomic=True)
    assert (data / name).read_bytes() == b"x"
    assert os.listdir(data) == [name]
