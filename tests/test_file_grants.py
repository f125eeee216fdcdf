"""``host.file_grants``: paths outside the sandbox a window's page may use because its user
picked them; oro-fs's tests prove the file system honours them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import FileGrants

names = st.text(st.characters(blacklist_characters="/\0", codec="utf-8"), min_size=1, max_size=8)


def test_a_file_grant_covers_that_file_only_and_for_that_window_only():
    grants = FileGrants()
    grants.grant(1, "/home/user/notes.txt")

    assert grants.covering(1, "/home/user/notes.txt") is not None
    assert grants.covering(1, "/home/user/other.txt") is None
    assert grants.covering(1, "/home/user/notes.txt/x") is None
    assert grants.covering(2, "/home/user/notes.txt") is None
    assert grants.covering(None, "/home/user/notes.txt") is None


def test_a_directory_grant_covers_its_subtree_but_not_a_sibling_with_the_same_prefix():
    grants = FileGrants()
    grants.grant(0, "/data/photos", is_directory=True)

    assert grants.covering(0, "/data/photos/2026/a.png") is not None
    assert grants.covering(0, "/data/photos") is not None
    assert grants.covering(0, "/data/photos-private/a.png") is None
    assert grants.covering(0, "/data") is None
    assert grants.covering(0, "/data/photos/link/../a.png") is None  # `link` may be a symlink


def test_a_read_grant_does_not_cover_writing_and_granting_again_widens_it():
    grants = FileGrants()
    grants.grant(0, "/tmp/report.csv")
    assert grants.covering(0, "/tmp/report.csv", for_writing=True) is None

    grants.grant(0, "/tmp/report.csv", is_writable=True)
    grants.grant(0, "/tmp/report.csv")  # a later read-only pick does not take writing back

    grant = grants.covering(0, "/tmp/report.csv", for_writing=True)
    assert grant is not None
    assert grant.is_writable


def test_revoke_ends_every_grant_of_that_window_only():
    grants = FileGrants()
    grants.grant(0, "/a")
    grants.grant(0, "/b", is_directory=True)
    grants.grant(1, "/a")

    revoked = grants.revoke(0)

    assert [grant.path for grant in revoked] == ["/a", "/b"]
    assert grants.of(0) == []
    assert grants.covering(1, "/a") is not None


@pytest.mark.parametrize("path", ["relative/file", "/a/../etc/passwd", ""])
def test_a_relative_path_or_one_with_dot_dot_cannot_be_granted(path):
    with pytest.raises(ValueError, match="absolute path"):
        FileGrants().grant(0, path)


@given(granted=st.lists(names, min_size=1, max_size=4), asked=st.lists(names, max_size=6))
def test_a_grant_never_covers_a_path_outside_the_granted_subtree(granted, asked):
    grants = FileGrants()
    root = "/" + "/".join(granted)
    if ".." in granted:
        with pytest.raises(ValueError, match="absolute path"):
            grants.grant(0, root, is_directory=True)
        return
    grants.grant(0, root, is_directory=True)

    covered = grants.covering(0, "/" + "/".join(asked)) is not None

    # The model works on components, where "." names the directory it is in.
    root_parts = [part for part in granted if part != "."]
    asked_parts = [part for part in asked if part != "."]
    inside = asked_parts[: len(root_parts)] == root_parts
    assert covered == (inside and ".." not in asked)
