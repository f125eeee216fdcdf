"""Names of files: renaming, hard links and symlinks (whose targets must stay in the sandbox)."""

from __future__ import annotations

import os

from oro_framework import InvalidArgumentError, Sandbox, SandboxTarget
from oro_fs.ops.walking import check_replaceable, syscall, walk_to
from oro_fs.text import printable

__all__ = ["check_link_target", "link", "rename", "symlink"]


def rename(sandbox: Sandbox, src: str, dest: str) -> None:
    with (
        walk_to(sandbox, src, "rename", follow=False, write=True) as old,
        walk_to(sandbox, dest, "rename", follow=False, write=True) as new,
    ):
        check_replaceable(old, src)
        check_replaceable(new, dest)
        with syscall("rename", src):
            os.rename(old.at, new.at, src_dir_fd=old.dir_fd, dst_dir_fd=new.dir_fd)


def link(sandbox: Sandbox, src: str, dest: str) -> None:
    # A hard link from a writable root to a read-only file would make it writable: both checked.
    with (
        walk_to(sandbox, src, "link", follow=False, write=True) as old,
        walk_to(sandbox, dest, "link", follow=False, write=True) as new,
        syscall("link", src),
    ):
        if old.target.root is not new.target.root and (
            old.target.root.granted or new.target.root.granted
        ):
            # A second name in a lasting root would outlive the page's grant of the file.
            raise Sandbox.refusal(
                "a picked path cannot be hard-linked into or out of its grant", src
            )
        os.link(old.at, new.at, src_dir_fd=old.dir_fd, dst_dir_fd=new.dir_fd, follow_symlinks=False)


def check_link_target(
    sandbox: Sandbox, link_target: str, location: SandboxTarget, shown: str
) -> None:
    """Refuse to create a symlink whose target (read from where it will live) lies outside
    every root. Following it later is checked again by the walk; this keeps the tree clean."""
    if "\0" in link_target or not link_target:
        raise Sandbox.refusal("invalid symlink target", shown)
    joined = os.path.join(os.path.dirname(location.absolute), link_target)
    # Lexically inside is not enough: the target may itself be a link (or pass through one)
    # that leads out, and the new link would then resolve outside too. The real path is taken
    # of the joined text, not of its normpath: `out/..` climbs from where `out` leads.
    if (
        sandbox.owning(os.path.normpath(joined)) is None
        or sandbox.owning(os.path.realpath(joined)) is None
    ):
        raise Sandbox.refusal("symlink target is outside the app's sandbox", shown)


def symlink(sandbox: Sandbox, target: str, dest: str) -> None:
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(
            "symlink target must be valid Unicode",
            code="ERR_INVALID_ARG_VALUE",
            path=printable(target),
        ) from None
    located = sandbox.locate(target) if _is_rooted(sandbox, target) else None
    with walk_to(sandbox, dest, "symlink", follow=False, write=True) as new:
        # A prefixed or absolute target is stored as the real absolute path it denotes.
        text = located.absolute if located is not None else target
        check_link_target(sandbox, text, new.target, target)
        with syscall("symlink", target):
            os.symlink(text, new.at, dir_fd=new.dir_fd)


def _is_rooted(sandbox: Sandbox, path: str) -> bool:
    # Only `data:x` names a root: a relative target that is a root's bare name ("data") is a
    # name in the link's directory and stays relative.
    name, colon, _ = path.partition(":")
    return os.path.isabs(path) or (bool(colon) and name in sandbox.roots)
