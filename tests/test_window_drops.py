"""The ``text/uri-list`` of a native drop, as the host reads it (``host/windows/drops.py``):
only local ``file:`` paths, each once, a bounded list, typed errors; and what is granted for
each (a directory with its tree, a file, a symlink as itself). The real drops, on both engines,
are ``tests/test_window_drop_native.py``."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.host.errors import OutOfRangeError
from oro_framework.host.file_grants import FileGrants
from oro_framework.host.windows.drops import (
    MAX_DROPPED_FILES,
    MAX_URI_LIST_BYTES,
    grant_dropped,
    parse_uri_list,
)

NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/"), min_size=1, max_size=12
).filter(lambda name: name not in (".", ".."))
PATHS = st.lists(NAMES, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))


def as_uri(path: str, host: str = "") -> bytes:
    return f"file://{host}{quote(path)}".encode()


def test_a_file_managers_list_names_its_local_files_in_order_once() -> None:
    data = (
        b"# dragged from a file manager\r\n"
        b"file:///home/me/a%20note.txt\r\n"
        b"file://localhost/home/me/b.txt\r\n"
        b"file:/home/me/c.txt\n"
        b"file:///home/me/a%20note.txt\r\n"
        b"\r\n"
    )

    dropped = parse_uri_list(data)

    assert dropped.paths == ("/home/me/a note.txt", "/home/me/b.txt", "/home/me/c.txt")
    assert (dropped.skipped, dropped.left_out) == (0, 0)


@pytest.mark.parametrize(
    "entry",
    [
        b"https://example.com/a.txt",  # a link, not a file
        b"file://otherhost/etc/passwd",  # another machine's file
        b"hello world",  # text
        b"file:///home/me/../../etc/passwd",  # '..'
        b"file:///home/me/a%00b",  # a NUL
        b"file:///home/me/%ff%fe",  # a name that is not UTF-8
        "file:///home/me/é".encode(),  # not a URI (unencoded bytes)
        b"file:relative/path",
        b"file:///a?query",
        b"file:///a#fragment",
        b"file://[::1",  # not parsable
    ],
)
def test_what_names_no_local_path_is_skipped_and_counted(entry: bytes) -> None:
    dropped = parse_uri_list(entry + b"\r\nfile:///kept\r\n")

    assert dropped.paths == ("/kept",)
    assert dropped.skipped == 1


def test_ten_thousand_files_are_cut_to_the_first_ones() -> None:
    data = b"\r\n".join(as_uri(f"/files/{number}.txt") for number in range(10_000))

    dropped = parse_uri_list(data)

    assert dropped.paths == tuple(f"/files/{number}.txt" for number in range(MAX_DROPPED_FILES))
    assert dropped.left_out == 10_000 - MAX_DROPPED_FILES


def test_a_huge_list_is_a_typed_error() -> None:
    with pytest.raises(OutOfRangeError) as raised:
        parse_uri_list(b"file:///a\r\n" * (MAX_URI_LIST_BYTES // 10))

    assert raised.value.code == "ERR_DROP_TOO_LARGE"


@given(
    dropped=st.lists(
        st.one_of(
            PATHS.map(as_uri),
            PATHS.map(lambda path: as_uri(path, "localhost")),
            PATHS.map(lambda path: as_uri(path, "elsewhere")),
            st.binary(max_size=40).filter(lambda line: b"\n" not in line and b"\r" not in line),
        ),
        max_size=20,
    )
)
def test_every_path_is_one_that_was_dropped_and_nothing_else(dropped: list[bytes]) -> None:
    local = {path for line in dropped if (path := _local(line)) is not None}

    paths = parse_uri_list(b"\r\n".join(dropped)).paths

    assert len(set(paths)) == len(paths)
    assert set(paths) <= local, (paths, local)
    assert all(path.startswith("/") and ".." not in path.split("/") for path in paths)


def _local(line: bytes) -> str | None:
    """The path a test-made line names: ``file://`` of no host or ``localhost``, decoded."""
    for prefix in (b"file:///", b"file://localhost/"):
        if line.startswith(prefix):
            try:
                text = unquote_to_bytes(line[len(prefix) - 1 :].decode("ascii")).decode("utf-8")
            except UnicodeDecodeError:
                return None
            return os.path.normpath("/" + text.lstrip("/"))
    return None


def test_each_dropped_path_is_granted_as_itself(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("in", encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text("note", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("secret", encoding="utf-8")
    to_folder, to_file = tmp_path / "to-folder", tmp_path / "to-file"
    to_folder.symlink_to(elsewhere)
    to_file.symlink_to(elsewhere / "secret.txt")
    gone = str(tmp_path / "gone.txt")
    grants = FileGrants()

    granted = grant_dropped(grants, 0, (str(folder), str(note), str(to_folder), str(to_file), gone))

    assert granted == [str(folder), str(note), str(to_folder), str(to_file)]
    assert {(g.path, g.is_directory, g.is_writable) for g in grants.of(0)} == {
        (str(folder), True, False),
        (str(note), False, False),
        (str(to_folder), False, False),  # the link alone: not the tree it points at
        (str(to_file), False, False),
        (str(elsewhere / "secret.txt"), False, False),  # the one file a link to a file names
    }
    assert grants.covering(0, str(folder / "inside.txt")) is not None
    assert grants.covering(0, str(elsewhere / "other.txt")) is None
    assert grants.covering(0, str(note), for_writing=True) is None
    assert grants.of(1) == []
