"""What is installed (``oro_framework.host.installed``): the ``oro`` entry points and
oro-framework's version, as importlib.metadata gives them, kept in a file by a process that
started through ``oro`` and read from it by the next one without importing importlib.metadata;
a distribution installed or removed since is seen at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib.metadata import EntryPoint, entry_points, version
from pathlib import Path
from typing import Any, Final

from hypothesis import given
from hypothesis import strategies as st

from oro_framework.hookspecs import PROJECT_NAME
from oro_framework.host.installed import (
    ENTRY_POINT_GROUP,
    PluginEntry,
    framework_version,
    plugin_entries,
)

PROBE: Final = """
import json, sys
from pathlib import Path
from oro_framework.host import installed
if sys.argv[2:] == ["keep"]:
    installed.keep(Path(sys.argv[1]))
elif sys.argv[2:] != ["library"]:  # a process that started through oro
    installed.remember(Path(sys.argv[1]))
if sys.argv[2:] == ["later"]:  # the clock three seconds on, as if the folder had settled
    import time
    now = time.time_ns
    time.time_ns = lambda: now() + 3_000_000_000
entries = [[e.name, e.value, e.distribution, e.version] for e in installed.plugin_entries()]
answer = {"entries": entries, "version": installed.framework_version(),
          "metadata": "importlib.metadata" in sys.modules}
print(json.dumps(answer))
"""
"""Lists the entry points with the file at ``argv[1]``, as ``oro`` does (``argv[2]``: ``keep``
as ``scripts/bootstrap``, ``later`` three seconds on, ``library`` as a process that did not
start through ``oro``): what it answered and whether it imported importlib.metadata."""


def _probe(
    cache: Path,
    cwd: Path,
    pythonpath: Path | None = None,
    *arguments: str,
    bytecode: bool = True,
) -> dict[str, Any]:
    """Run :data:`PROBE`; ``bytecode``: whether it may write bytecode (and so the file)."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}
    }
    if not bytecode:
        environ["PYTHONDONTWRITEBYTECODE"] = "1"
    if pythonpath is not None:
        environ["PYTHONPATH"] = str(pythonpath)
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(cache), *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        check=True,
        timeout=120,
    )
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def _install(site: Path, package: str) -> None:
    """A distribution with one ``oro`` entry point, as pip lays it out."""
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("", encoding="utf-8")
    info = site / f"{package}-1.2.3.dist-info"
    info.mkdir()
    name = package.replace("_", "-")
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[oro]\n{package} = {package}\n", encoding="utf-8")


def _rows_of_importlib() -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    for entry in entry_points(group="oro"):
        dist = entry.dist
        name, found = (dist.metadata["Name"], dist.version) if dist is not None else (None, None)
        rows.append([entry.name, entry.value, name, found])
    return rows


def test_the_entry_point_group_is_pluggys_project_name() -> None:
    assert ENTRY_POINT_GROUP == PROJECT_NAME


def test_the_entry_points_and_version_are_importlib_metadatas() -> None:
    rows = [[e.name, e.value, e.distribution, e.version] for e in plugin_entries()]
    assert rows == _rows_of_importlib()
    assert any(row[2] == "oro-fs" for row in rows)
    assert framework_version() == version("oro-framework")


def test_the_next_process_reads_them_from_the_file_without_importlib_metadata(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache.marshal"
    first = _probe(cache, tmp_path)
    second = _probe(cache, tmp_path)

    assert first["metadata"] is True
    assert second["metadata"] is False
    assert second["entries"] == first["entries"] == _rows_of_importlib()
    assert second["version"] == version("oro-framework")


def test_only_a_process_that_started_through_oro_reads_or_writes_the_file(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache.marshal"
    _probe(cache, tmp_path, None, "library")
    assert not cache.exists()

    _probe(cache, tmp_path)
    library = _probe(cache, tmp_path, None, "library")
    assert library["metadata"] is True
    assert library["entries"] == _rows_of_importlib()


def test_under_pythondontwritebytecode_only_bootstraps_keep_writes_the_file(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache.marshal"
    _probe(cache, tmp_path, bytecode=False)
    assert not cache.exists()

    kept = _probe(cache, tmp_path, None, "keep", bytecode=False)
    later = _probe(cache, tmp_path, None, "later", bytecode=False)
    assert later["metadata"] is False
    assert later["entries"] == kept["entries"] == _rows_of_importlib()


def test_a_file_that_does_not_load_is_ignored_and_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache.marshal"
    cache.write_bytes(b"\x00not marshal")
    first = _probe(cache, tmp_path)
    second = _probe(cache, tmp_path)

    assert first["entries"] == second["entries"] == _rows_of_importlib()
    assert second["metadata"] is False


def _settle(folder: Path) -> None:
    """Date the folder as an install that ended a minute ago."""
    past = time.time() - 60
    os.utime(folder, (past, past))


def test_a_distribution_installed_or_removed_since_is_seen_by_the_next_process(
    tmp_path: Path,
) -> None:
    cache, site = tmp_path / "cache.marshal", tmp_path / "site"
    site.mkdir()
    _settle(site)
    before = _probe(cache, tmp_path, site)
    _install(site, "oro_newly_installed")
    _settle(site)
    installed = _probe(cache, tmp_path, site)
    again = _probe(cache, tmp_path, site)
    for path in sorted(site.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    _settle(site)
    removed = _probe(cache, tmp_path, site)

    new = ["oro_newly_installed", "oro_newly_installed", "oro-newly-installed", "1.2.3"]
    assert new not in before["entries"]
    assert new in installed["entries"]
    assert installed["metadata"] is True
    assert again["entries"] == installed["entries"]
    assert again["metadata"] is False
    assert removed["entries"] == before["entries"]
    assert removed["metadata"] is True


def test_a_folder_changed_in_the_last_seconds_is_read_each_time_never_kept(
    tmp_path: Path,
) -> None:
    """An installer may still be writing it (a distribution's files land in its .dist-info
    after the folder's time changed), or change it again within the same tick of the clock."""
    cache, site = tmp_path / "cache.marshal", tmp_path / "site"
    site.mkdir()
    _install(site, "oro_being_installed")
    answers = [_probe(cache, tmp_path, site) for _ in range(2)]

    assert [answer["metadata"] for answer in answers] == [True, True]
    new = ["oro_being_installed", "oro_being_installed", "oro-being-installed", "1.2.3"]
    assert all(new in answer["entries"] for answer in answers)


def test_a_distribution_in_the_first_path_entry_is_read_each_time_never_kept(
    tmp_path: Path,
) -> None:
    """``python -c`` puts the working directory first: a distribution there (an app folder
    holding one) is what importlib.metadata finds, and it bypasses the cache."""
    cache = tmp_path / "cache.marshal"
    folder = tmp_path / "folder"
    folder.mkdir()
    _install(folder, "oro_in_the_folder")
    answers = [_probe(cache, folder) for _ in range(2)]

    new = ["oro_in_the_folder", "oro_in_the_folder", "oro-in-the-folder", "1.2.3"]
    assert all(new in answer["entries"] for answer in answers)
    assert all(answer["metadata"] for answer in answers)
    assert not cache.exists() or new not in _probe(cache, tmp_path)["entries"]


_NAME: Final = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)


@given(
    module=st.lists(_NAME, min_size=1, max_size=3).map(".".join),
    attribute=st.none() | st.lists(_NAME, min_size=1, max_size=3).map(".".join),
    extras=st.none() | st.lists(_NAME, max_size=2).map(lambda names: f"[{','.join(names)}]"),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_a_value_names_the_module_importlib_metadata_does(
    module: str, attribute: str | None, extras: str | None, spaces: str
) -> None:
    value = module
    if attribute is not None:
        value += f"{spaces}:{spaces}{attribute}"
    if extras is not None:
        value += f"{spaces}{extras}"
    theirs = EntryPoint("name", value, "oro")

    assert PluginEntry("name", value).module == theirs.module == module


def test_load_returns_what_the_value_names() -> None:
    assert PluginEntry("x", "os.path:join").load() is os.path.join
    assert PluginEntry("x", "os.path").load() is os.path
    assert PluginEntry("x", "json : JSONDecoder.decode [extra]").load() is (json.JSONDecoder.decode)


def test_what_bootstrap_keeps_right_after_installing_serves_once_the_folder_settles(
    tmp_path: Path,
) -> None:
    """``scripts/bootstrap`` keeps what is installed as its last step, its installs done: the
    commands run later (the folder's time is then more than two seconds old: the probe's clock
    is set on) read it."""
    cache, site = tmp_path / "cache.marshal", tmp_path / "site"
    site.mkdir()
    _install(site, "oro_just_installed")
    kept = _probe(cache, tmp_path, site, "keep")
    later = _probe(cache, tmp_path, site, "later")

    assert later["metadata"] is False
    assert later["entries"] == kept["entries"]
    assert ["oro_just_installed", "oro_just_installed", "oro-just-installed", "1.2.3"] in (
        later["entries"]
    )
