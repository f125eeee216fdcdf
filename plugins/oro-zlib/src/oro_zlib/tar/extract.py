"""Extraction, checked whole before anything is written: every entry the page asked for must
stay in the folder it is extracted into, or the archive is refused and the folder is left as
it was.

An entry is refused (``SecurityError`` ``ERR_TAR_UNSAFE_ENTRY``) when its path is absolute or
holds ``..`` (Oro refuses the segment; tar, Node's ``tar`` and Python's ``data`` filter strip or
resolve them, a page gets a clear error instead); when it is no file, folder or link (a device
node, a FIFO); when it is a symlink whose target is absolute or climbs out of the folder, or a
hard link not to an earlier file of the archive; when it reuses a symlink's name or lies below
one (the way tar bombs reach out: write ``a -> /etc``, then ``a/passwd``); when a symlink
already in the folder lies on its way; or when it would land on a file hidden from pages. The
sizes of the files add up to at most ``tar.max_extract_bytes`` (``RangeError``
``ERR_TAR_TOO_LARGE``). :mod:`tarfile`'s ``data`` filter then guards the extraction itself."""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from collections.abc import Collection
from typing import Final, final

from oro_framework import Sandbox
from oro_zlib.tar.archive import Reader
from oro_zlib.tar.errors import filter_refusal, invalid_archive, too_large, unsafe_entry

__all__ = ["Plan", "plan_extraction"]

_LINKS: Final = "a link"


@final
class Plan:
    """The members to extract, checked, and the bytes they write."""

    def __init__(self) -> None:
        self.members: list[tarfile.TarInfo] = []
        self.bytes = 0
        self.files: set[str] = set()
        self.symlinks: set[str] = set()
        self.names: set[str] = set()
        self.folders: set[str] = set()
        """Names the archive makes folders of (its folder entries and their parents)."""


def _plain(name: str) -> str:
    """``name`` without empty and ``.`` segments (what :func:`_relative` answers, unchecked)."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _relative(member: tarfile.TarInfo) -> str:
    """The entry's path, relative and without ``.`` segments (``""`` for the folder itself).

    :raises SecurityError: absolute, ``..``, or a NUL byte.
    """
    name = member.name
    if name.startswith("/") or posixpath.isabs(name):
        raise unsafe_entry(name, "its path is absolute")
    plain = _plain(name)
    if ".." in plain.split("/"):
        raise unsafe_entry(name, "its path leaves the folder ('..')")
    if "\0" in name:
        raise unsafe_entry(name, "its path holds a NUL byte")
    return plain


def _resolve(start: str, link: str, entry: str, plan: Plan) -> str:
    """The path ``link`` names from the folder ``start``, ``..`` resolved component by
    component: it may neither climb out of the folder nor pass through a symlink of the archive
    (whose ``..`` the kernel would take from where the symlink points, not from where it lies).

    :raises SecurityError: it climbs out, or passes through a symlink of the archive.
    """
    stack = [part for part in start.split("/") if part]
    for part in link.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not stack:
                raise unsafe_entry(entry, "its link target leaves the folder")
            stack.pop()
            continue
        stack.append(part)
        if "/".join(stack) in plan.symlinks:
            raise unsafe_entry(entry, "its link target goes through a symlink of the archive")
    return "/".join(stack)


def _check_link(member: tarfile.TarInfo, name: str, plan: Plan) -> None:
    link = member.linkname
    if not link or posixpath.isabs(link) or "\0" in link:
        raise unsafe_entry(member.name, f"{_LINKS} target must be a relative path in the folder")
    if member.issym():
        _resolve(posixpath.dirname(name), link, member.name, plan)
        if name in plan.names:
            raise unsafe_entry(member.name, "a symlink replaces an earlier entry")
        return
    if _resolve("", link, member.name, plan) not in plan.files:
        raise unsafe_entry(member.name, "its hard link target is no earlier file of the archive")


def _check_shape(member: tarfile.TarInfo, name: str, plan: Plan) -> None:
    """A name is a folder or not throughout the archive (``a`` a file, then ``a/b``, is no tree
    a folder can hold).

    :raises TarFormatError: ``ERR_TAR_INVALID``: the entry contradicts an earlier one.
    """
    is_folder = member.isdir()
    if not is_folder and member.name.split("/")[-1] in ("", "."):
        raise invalid_archive(f"entry {member.name!r} is named as a folder but is none")
    parts = name.split("/")
    parents = {"/".join(parts[:end]) for end in range(1, len(parts))}
    files = plan.names - plan.folders
    if parents & files or (is_folder and name in files) or (not is_folder and name in plan.folders):
        raise invalid_archive(f"entry {member.name!r} is a file and a folder at once")
    plan.folders |= parents
    if is_folder:
        plan.folders.add(name)


def _below_symlink(name: str, plan: Plan, *, itself: bool) -> bool:
    """Whether ``name`` (``itself`` too) lies at or below a symlink of the archive."""
    parts = name.split("/")
    ends = range(1, len(parts) + 1) if itself else range(1, len(parts))
    return any("/".join(parts[:end]) in plan.symlinks for end in ends)


def _check_on_disk(sandbox: Sandbox, folder: str, member: tarfile.TarInfo, name: str) -> None:
    """Nothing already in ``folder`` on the entry's way is a symlink, and the entry does not
    land on a file hidden from pages."""
    path = folder
    for part in name.split("/"):
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            break
        if stat.S_ISLNK(info.st_mode):
            raise unsafe_entry(member.name, "a symlink already in the folder is on its way")
    if sandbox.holding(os.path.join(folder, name)) is None:
        raise unsafe_entry(member.name, "its path is hidden from pages")


def _check_member(
    member: tarfile.TarInfo, plan: Plan, sandbox: Sandbox, folder: str, *, links: bool
) -> str | None:
    """The entry's relative path when it is to be extracted, ``None`` when it is skipped (a
    link without ``preserveLinks``, as Oro skips them; the folder itself).

    :raises SecurityError: the entry is unsafe (see the module's docstring).
    """
    name = _relative(member)
    if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
        kind = "a device node" if member.isdev() else "a FIFO" if member.isfifo() else "of no type"
        raise unsafe_entry(member.name, f"it is {kind}, not a file, folder or link")
    if name and _below_symlink(name, plan, itself=not member.issym()):
        raise unsafe_entry(member.name, "it lies at or below a symlink of the archive")
    if member.issym() or member.islnk():
        _check_link(member, name, plan)
    if not name:
        return None
    _check_on_disk(sandbox, folder, member, name)
    try:
        tarfile.data_filter(member, folder)
    except tarfile.FilterError as error:
        raise filter_refusal(error) from None
    _check_shape(member, name, plan)
    plan.names.add(name)
    if (member.issym() or member.islnk()) and not links:
        return None
    return name


def plan_extraction(
    archive: Reader,
    folder: str,
    sandbox: Sandbox,
    *,
    only: Collection[str] | None,
    links: bool,
    max_bytes: int,
) -> Plan:
    """Check the entries of ``archive`` (those named in ``only``, when given) for extraction
    into the real folder ``folder``.

    :raises SecurityError: ``ERR_TAR_UNSAFE_ENTRY``: an entry is unsafe.
    :raises OutOfRangeError: ``ERR_TAR_TOO_LARGE``: the files add up to more than
        ``max_bytes``.
    """
    plan = Plan()
    wanted = None if only is None else {path.strip("/") for path in only}
    chosen = [
        member for member in archive.members if wanted is None or member.name.strip("/") in wanted
    ]
    # Every symlink first: one made later changes what an earlier link's `..` reaches.
    plan.symlinks = {_plain(member.name) for member in chosen if member.issym()}
    for member in chosen:
        name = _check_member(member, plan, sandbox, folder, links=links)
        if member.isreg() and name is not None:
            plan.files.add(name)
            plan.bytes += member.size
            if plan.bytes > max_bytes:
                raise too_large(plan.bytes, max_bytes)
        if name is not None:
            plan.members.append(member)
    return plan
