"""host.stash: typed per-plugin state, keyed by identity."""

from __future__ import annotations

import pytest

from oro_framework import Host, Stash, StashKey


def test_values_are_found_by_their_key_object_not_by_label():
    first, second = StashKey[int]("fs"), StashKey[int]("fs")
    stash = Stash()
    stash[first] = 1
    stash[second] = 2
    assert (stash[first], stash[second], len(stash)) == (1, 2, 2)
    assert stash.pop(first) == 1
    assert first not in stash
    assert second in stash


def test_a_missing_value_says_the_plugin_is_not_configured():
    key = StashKey[str]("conduit")
    with pytest.raises(LookupError, match=r"StashKey\('conduit'\).*not configured"):
        Stash()[key]
    assert Stash().get(key) is None
    assert Stash().get(key, "x") == "x"
    assert Stash().pop(key) is None


def test_every_host_has_its_own_stash(tmp_path):
    key = StashKey[list[str]]("demo")
    one = Host(tmp_path, autoload=False, data_dir=tmp_path / "d1")
    two = Host(tmp_path, autoload=False, data_dir=tmp_path / "d2")
    one.stash.setdefault(key, []).append("a")
    assert key not in two.stash
    assert one.stash[key] == ["a"]
    one.close()
    two.close()
