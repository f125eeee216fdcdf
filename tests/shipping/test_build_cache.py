"""The cache ``oro build`` reuses between builds (oro_framework/build/incremental.py): keys made
of content digests, and a stored runtime that is reused only while it is complete and as it
was built. The builds that use it: test_build_incremental.py."""

from __future__ import annotations

import os
from pathlib import Path

from oro_framework.build.incremental import (
    BuildCache,
    digest,
    environment_inputs,
    manifest,
    manifest_difference,
)
from oro_framework.build.trim import TrimmedKind

INPUTS = {"the Python and the installed distributions": "a", "PyInstaller's arguments": "b"}


def _runtime(folder: Path) -> Path:
    (folder / "_internal" / "lib").mkdir(parents=True)
    (folder / "_internal" / "lib" / "libqt.so").write_bytes(b"\x7fELF qt")
    (folder / "app").write_bytes(b"launcher")
    (folder / "app").chmod(0o755)
    (folder / "_internal" / "current").symlink_to("lib")
    return folder


def _stored(tmp_path: Path) -> tuple[BuildCache, list[str]]:
    said: list[str] = []
    cache = BuildCache(tmp_path / "cache", said.append)
    cache.store_runtime(INPUTS, _runtime(tmp_path / "frozen"), [TrimmedKind("QML modules", 3, 9)])
    return cache, said


def _dist_info(site: Path, name: str, version: str, record: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "RECORD").write_text(record)


def test_a_stored_runtime_is_reused_with_what_trimming_removed(tmp_path: Path) -> None:
    cache, said = _stored(tmp_path)
    stored = cache.runtime(INPUTS)
    assert stored is not None
    folder, trimmed = stored
    assert (folder / "_internal" / "lib" / "libqt.so").read_bytes() == b"\x7fELF qt"
    assert trimmed == [TrimmedKind("QML modules", 3, 9)]
    assert said == []


def test_changed_inputs_are_named_and_the_runtime_is_dropped(tmp_path: Path) -> None:
    cache, said = _stored(tmp_path)
    assert cache.runtime({**INPUTS, "PyInstaller's arguments": "c"}) is None
    assert said == [
        "      PyInstaller's arguments changed since the runtime was built: freezing again"
    ]
    assert not (cache.root / "runtime").exists()


def test_a_file_changed_in_place_is_never_reused(tmp_path: Path) -> None:
    # The app folder is hard-linked to the cache: a write into it is a write into the cache.
    cache, said = _stored(tmp_path)
    library = cache.root / "runtime" / "_internal" / "lib" / "libqt.so"
    library.write_bytes(b"\x7fELF qX")  # same size, same folder, one byte changed
    assert cache.runtime(INPUTS) is None
    assert said == [
        "      the stored runtime was changed since it was built (_internal/lib/libqt.so "
        "changed): freezing again"
    ]


def test_a_missing_an_added_a_relinked_or_rechmodded_file_is_seen(tmp_path: Path) -> None:
    folder = _runtime(tmp_path / "runtime")
    expected = manifest(folder)
    assert manifest_difference(expected, folder) is None
    (folder / "app").chmod(0o777)
    assert manifest_difference(expected, folder) == "app changed"
    (folder / "app").chmod(0o755)
    (folder / "_internal" / "current").unlink()
    (folder / "_internal" / "current").symlink_to("/etc")
    assert manifest_difference(expected, folder) == "_internal/current changed"
    (folder / "_internal" / "current").unlink()
    assert manifest_difference(expected, folder) == "_internal/current is missing"
    (folder / "_internal" / "current").symlink_to("lib")
    (folder / "_internal" / "lib" / "extra.so").write_bytes(b"")
    assert manifest_difference(expected, folder) == "_internal/lib/extra.so was added"


def test_a_runtime_a_killed_build_left_without_its_record_is_removed(tmp_path: Path) -> None:
    cache, said = _stored(tmp_path)
    (cache.root / "runtime.json").unlink()  # killed between moving the folder and recording it
    assert cache.runtime(INPUTS) is None
    assert said == ["      the stored runtime is incomplete (a build was stopped): freezing again"]
    assert os.listdir(cache.root) == []


def test_a_damaged_record_is_not_trusted(tmp_path: Path) -> None:
    cache, said = _stored(tmp_path)
    (cache.root / "runtime.json").write_text('{"format": 1, "inputs": {}}')
    assert cache.runtime(INPUTS) is None
    assert said[-1].startswith("      ")
    assert not (cache.root / "runtime").exists()


def test_a_package_is_reused_only_with_the_bytes_it_was_written_with(tmp_path: Path) -> None:
    said: list[str] = []
    cache = BuildCache(tmp_path / "cache", said.append)
    package = tmp_path / "app_1.0_amd64.deb"
    package.write_bytes(b"package")
    cache.store_package("deb", "key", package)
    assert cache.package("deb", "key") == package
    assert cache.package("deb", "another key") is None
    assert cache.package("tar", "key") is None
    package.write_bytes(b"packagf")
    assert cache.package("deb", "key") is None
    assert said == ["      app_1.0_amd64.deb was changed or removed since it was built"]


def environment_digest(path: list[str]) -> str:
    """The environment's inputs as one digest, as the runtime's key holds them."""
    return digest(sorted(environment_inputs(path).items()))


def test_the_environment_digest_follows_versions_and_recorded_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _dist_info(site, "oro_dns", "1.0.0", "oro_dns/__init__.py,sha256=abc,10\n")
    first = environment_digest([str(site)])
    assert environment_digest([str(site)]) == first
    os.rename(site / "oro_dns-1.0.0.dist-info", tmp_path / "old")
    _dist_info(site, "oro_dns", "1.0.1", "oro_dns/__init__.py,sha256=abc,10\n")
    bumped = environment_digest([str(site)])
    assert bumped != first
    (site / "oro_dns-1.0.1.dist-info" / "RECORD").write_text("oro_dns/__init__.py,sha256=abd,10\n")
    assert environment_digest([str(site)]) not in {first, bumped}


def test_an_upgraded_or_removed_distribution_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _dist_info(site, "oro_dns", "1.0.0", "oro_dns/__init__.py,sha256=abc,10\n")
    said: list[str] = []
    cache = BuildCache(tmp_path / "cache", said.append)
    cache.store_runtime(environment_inputs([str(site)]), _runtime(tmp_path / "frozen"), [])
    os.rename(site / "oro_dns-1.0.0.dist-info", tmp_path / "old")
    _dist_info(site, "oro_dns", "1.0.1", "oro_dns/__init__.py,sha256=abc,10\n")
    assert cache.runtime(environment_inputs([str(site)])) is None
    assert said == [
        "      the installed oro_dns changed since the runtime was built: freezing again"
    ]
    cache.store_runtime(environment_inputs([str(site)]), _runtime(tmp_path / "again"), [])
    os.rename(site / "oro_dns-1.0.1.dist-info", tmp_path / "removed")
    assert cache.runtime(environment_inputs([str(site)])) is None
    assert said[-1] == (
        "      the installed oro_dns changed since the runtime was built: freezing again"
    )
