"""Each carried distribution, for every Python the package serves.

A distribution installed from a source tree (the host and the plugins in a checkout, editable)
is built into a wheel from that tree with PyPA's ``build`` and its own backend, installed here.
Any other was installed from a wheel: the files that wheel installed, as its ``RECORD`` lists
them, are carried as they are, dist-info included, at the version the app ran with here; no
network. Either is usable when it serves both Python 3.11 and 3.13 on x86-64 glibc 2.36
(Debian 12's): pure Python, or compiled for the stable ABI (``abi3``) of a Python no newer than
3.11.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from packaging.tags import Tag, parse_tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from oro_framework.host.errors import BuildError

__all__ = [
    "copy_installed",
    "installed_tags",
    "is_portable",
    "portable_tags",
    "source_wheel",
    "wheel_tags",
]

OLDEST_PYTHON: Final = (3, 11)
NEWEST_GLIBC: Final = (2, 36)
"""Debian 12's glibc: a manylinux wheel needing more does not load there."""


def _portable_tag(tag: Tag) -> bool:
    if tag.abi == "none" and tag.platform == "any":
        return tag.interpreter.startswith("py3") or tag.interpreter == "py2.py3"
    if tag.abi != "abi3" or not tag.interpreter.startswith("cp3"):
        return False
    minor = int(tag.interpreter[3:] or "0")
    if (3, minor) > OLDEST_PYTHON:
        return False
    platform = tag.platform
    if platform == "manylinux2014_x86_64" or platform == "manylinux2010_x86_64":
        return True
    if platform.startswith("manylinux_") and platform.endswith("_x86_64"):
        major, glibc_minor = platform.split("_")[1:3]
        return (int(major), int(glibc_minor)) <= NEWEST_GLIBC
    return False


def portable_tags(tags: Iterable[Tag]) -> bool:
    """A wheel of ``tags`` runs on Debian 12's and 13's Python alike."""
    return any(_portable_tag(tag) for tag in tags)


def wheel_tags(filename: str) -> frozenset[Tag]:
    """The tags of the wheel named ``filename`` (none if it is not a wheel's name)."""
    try:
        return parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return frozenset()


def is_portable(filename: str) -> bool:
    """``filename`` names a wheel that runs on Debian 12's and 13's Python alike."""
    try:
        _name, _version, _build, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    return portable_tags(tags)


def _source_tree(name: str) -> Path | None:
    """The directory ``name`` was installed from, when it was (``pip install -e``, uv's
    workspace)."""
    try:
        text = importlib.metadata.distribution(name).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    origin = json.loads(text)
    url = urlsplit(origin.get("url", ""))
    if url.scheme != "file" or "dir_info" not in origin:
        return None
    tree = Path(unquote(url.path))
    return tree if (tree / "pyproject.toml").is_file() else None


def _build_from_source(tree: Path, cache: Path) -> Path:
    from build import BuildBackendException, ProjectBuilder

    out = Path(tempfile.mkdtemp(prefix="wheel-", dir=cache))
    try:
        builder = ProjectBuilder(tree, python_executable=sys.executable, runner=_quiet)
        built = Path(builder.build("wheel", out))
    except (BuildBackendException, subprocess.CalledProcessError) as error:
        raise BuildError(f"could not build a wheel of {tree}: {error}") from error
    target = cache / built.name
    built.replace(target)
    shutil.rmtree(out, ignore_errors=True)
    return target


def _quiet(
    cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
) -> None:
    environ = {**os.environ, **(extra_environ or {})}
    result = subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True)
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, cmd, result.stdout, result.stderr)


def installed_tags(name: str) -> list[Tag]:
    """The wheel tags the installed ``name`` was built for (its dist-info's ``WHEEL``)."""
    text = importlib.metadata.distribution(name).read_text("WHEEL") or ""
    tags: list[Tag] = []
    for line in text.splitlines():
        if line.startswith("Tag:"):
            tags.extend(parse_tag(line.split(":", 1)[1].strip()))
    return tags


def copy_installed(name: str, vendor: Path) -> None:
    """Copy the installed ``name`` into ``vendor`` as its wheel installed it: the files its
    ``RECORD`` lists inside site-packages, its dist-info included, no byte code, no scripts."""
    distribution = importlib.metadata.distribution(name)
    for file in distribution.files or ():
        if file.parts[0] == ".." or "__pycache__" in file.parts or file.suffix == ".pyc":
            continue
        source = Path(str(distribution.locate_file(file)))
        if not source.is_file():
            continue
        target = vendor / Path(*file.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@functools.cache
def source_wheel(name: str, cache: Path) -> Path | None:
    """A wheel of ``name`` built from the source tree it was installed from; ``None`` when it
    was installed from a wheel (then :func:`copy_installed` carries it). Built once per
    process: a build plans several combinations of plugins.

    :raises BuildError: the source tree does not build.
    """
    tree = _source_tree(name)
    if tree is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    return _build_from_source(tree, cache)
