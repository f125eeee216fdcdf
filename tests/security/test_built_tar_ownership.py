"""Issue 71, item 6: a ``--target tar`` app built from a hostile app folder. The archive holds
the app's own files only, at regular paths under one top folder: a link in the app folder to
``/etc`` or to the builder's keys ships neither, no member is absolute, climbs out with ``..``
or links out, and no file is set-user-ID or writable by others, whatever the app folder held.

The build's own staging (:func:`~oro_framework.build.freeze.stage_app`) and packing
(:func:`~oro_framework.build.package.build_tar`) on a real folder; freezing, which copies the
staged app as it is, is left out here. The showcase's real ``.tar.gz``, unpacked and run:
tests/shipping/test_built_packages.py."""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from pathlib import Path

import pytest

from oro_framework.build.freeze import stage_app
from oro_framework.build.launcher import APP_DIRECTORY
from oro_framework.build.package import build_tar, owned_by_root
from oro_framework.build.plan import plan_build
from oro_framework.host.errors import BuildError

SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- the builder's"


def _hostile_app(folder: Path) -> Path:
    keys = folder / "home" / ".ssh"
    keys.mkdir(parents=True)
    (keys / "id_ed25519").write_text(SECRET)
    app = folder / "app"
    (app / "assets").mkdir(parents=True)
    (app / "oro.toml").write_text('[meta]\nname = "Hostile"\nbundle_identifier = "com.x.h"\n')
    (app / "index.html").write_text("<!doctype html><title>hostile</title>")
    (app / "assets" / "logo.txt").write_text("logo")
    links = {
        "etc": "/etc",
        "keys": str(keys),
        "notes.txt": str(keys / "id_ed25519"),
        "assets/up": "../..",
        "assets/loop": ".",
        "dangling": "missing",
        "logo.txt": "assets/logo.txt",  # inside the app: shipped, as the file it names
    }
    for name, target in links.items():
        os.symlink(target, app / name)
    tool = app / "assets" / "tool.sh"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o6777)
    (app / "assets").chmod(0o777)
    return app


@pytest.fixture
def archive(tmp_path: Path) -> tarfile.TarFile:
    app = _hostile_app(tmp_path)
    plan = plan_build(app)
    stage = tmp_path / "stage"
    stage_app(plan, stage, skipped=[])
    out = tmp_path / "out"
    out.mkdir()
    return tarfile.open(build_tar(plan, stage, out))


def test_a_tar_of_a_hostile_app_folder_holds_its_own_files_only(
    archive: tarfile.TarFile, caplog: pytest.LogCaptureFixture
) -> None:
    with archive:
        members = archive.getmembers()
        files = [archive.extractfile(member) for member in members if member.isfile()]
        contents = [file.read() for file in files if file is not None]
    names = {member.name for member in members}
    top = members[0].name
    app = f"{top}/{APP_DIRECTORY}"

    assert all(name == top or name.startswith(f"{top}/") for name in names)
    assert not [name for name in names if posixpath.isabs(name) or ".." in name.split("/")]
    assert [member.name for member in members if not (member.isfile() or member.isdir())] == []
    assert f"{app}/logo.txt" in names  # a link inside the app: its file
    assert not {f"{app}/{name}" for name in ("etc", "keys", "notes.txt", "dangling")} & names
    assert not [name for name in names if "/assets/up" in name or "/assets/loop" in name]
    assert not [content for content in contents if SECRET.encode() in content]
    # One warning for each link left out, as the build stages the app (the fixture).
    warned = [r.getMessage() for r in caplog.get_records("setup")]
    warned = [message for message in warned if message.startswith("not shipped:")]
    assert len(warned) == 6, warned


def test_no_member_is_set_id_or_writable_by_others(archive: tarfile.TarFile) -> None:
    with archive:
        modes = {member.name: member.mode for member in archive.getmembers()}
    unsafe = stat.S_ISUID | stat.S_ISGID | stat.S_IWGRP | stat.S_IWOTH
    assert {name: oct(mode) for name, mode in modes.items() if mode & unsafe} == {}
    assert modes[next(name for name in modes if name.endswith("/tool.sh"))] & 0o111 == 0o111


@pytest.mark.parametrize(
    ("name", "target", "kind"),
    [
        ("app/lib", "/etc", tarfile.SYMTYPE),
        ("app/lib", "../../etc", tarfile.SYMTYPE),
        ("app/lib", "other/x", tarfile.LNKTYPE),
    ],
)
def test_a_link_member_out_of_the_top_folder_fails_the_build(
    name: str, target: str, kind: bytes
) -> None:
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, target

    with pytest.raises(BuildError, match="out of the app's folder"):
        owned_by_root(member)
