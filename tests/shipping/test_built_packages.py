"""The .tar.gz, .deb and .rpm of the built showcase: each installs the app, the installed app
answers a ping from a clean environment, and removing the package leaves nothing of it."""

from __future__ import annotations

import os
import posixpath
import stat
import subprocess
import tarfile
from pathlib import Path

import httpx

from conftest import BuiltApp, as_root, clean_environ, install_rpm_into, serves
from tests._oro_process import OroProcess

INSTALLED = (
    Path("/opt/oro-showcase/oro-showcase"),
    Path("/usr/bin/oro-showcase"),
    Path("/usr/share/applications/dev.oro.showcase.desktop"),
    Path("/usr/share/icons/hicolor/256x256/apps/dev.oro.showcase.png"),
)


def test_the_tar_holds_the_folder_at_its_top_and_runs_where_it_is_unpacked(
    built_showcase: BuiltApp, tmp_path: Path
) -> None:
    archive = built_showcase.artifact("oro-showcase-0.1.0-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        assert {member.name.split("/", 1)[0] for member in members} == {"oro-showcase"}
        assert all(member.uid == 0 and member.gid == 0 for member in members)
        tar.extractall(tmp_path / "unpacked", filter="tar")
    serves(tmp_path / "unpacked" / "oro-showcase" / "oro-showcase", tmp_path / "home")


def test_the_tar_holds_only_regular_paths_sane_modes_and_the_onedir_launcher(
    built_showcase: BuiltApp, tmp_path: Path
) -> None:
    """Issue 71: every member a path under the one top folder (none absolute, none with
    ``..``), every link pointing inside it, no file set-user/group-ID or writable by others;
    unpacked, it is the onedir app, launcher and all, which serves its own files only."""
    archive = built_showcase.artifact("oro-showcase-0.1.0-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        tar.extractall(tmp_path / "unpacked", filter="data")
    links = {m.name: m.linkname for m in members if m.issym() or m.islnk()}
    unsafe = stat.S_ISUID | stat.S_ISGID | stat.S_IWGRP | stat.S_IWOTH

    assert not [m.name for m in members if os.path.isabs(m.name) or ".." in m.name.split("/")]
    assert not [m.name for m in members if not (m.isfile() or m.isdir() or m.name in links)]
    assert not [m.name for m in members if m.name in links and not _leads_inside(m)]
    assert not [m.name for m in members if m.name not in links and m.mode & unsafe]
    unpacked = tmp_path / "unpacked" / "oro-showcase"
    launcher = unpacked / "oro-showcase"
    assert launcher.read_bytes() == built_showcase.executable.read_bytes()
    with (
        OroProcess(
            "--headless",
            "--port",
            "0",
            executable=launcher,
            environ=clean_environ(tmp_path / "home"),
        ) as app,
        httpx.Client(timeout=30) as client,
    ):
        launch = app.launch_url()
        client.get(launch)
        origin = launch.split("/?", 1)[0]
        for path in ("/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/oro.toml"):
            reply = client.get(origin + path)
            assert reply.status_code in {400, 403, 404}, (path, reply.status_code)
        assert client.get(origin + "/ipc/ping").json()["data"] == "pong"


def _leads_inside(link: tarfile.TarInfo) -> bool:
    """Whether the link ``link`` points into the archive's top folder (a symbolic link from
    its own folder, a hard link from the archive's top)."""
    base = posixpath.dirname(link.name) if link.issym() else ""
    target = posixpath.normpath(posixpath.join(base, link.linkname))
    return not posixpath.isabs(link.linkname) and target.startswith("oro-showcase/")


def test_the_deb_installs_serves_and_is_removed_cleanly(
    built_showcase: BuiltApp, tmp_path: Path
) -> None:
    deb = built_showcase.artifact("oro-showcase_0.1.0_*.deb")
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version", "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Package: oro-showcase\nVersion: 0.1.0\n" in fields
    subprocess.run(as_root("dpkg", "-i", str(deb)), capture_output=True, check=True, timeout=300)
    try:
        assert all(path.exists() for path in INSTALLED), [p for p in INSTALLED if not p.exists()]
        entry = INSTALLED[2].read_text()
        assert "Exec=/usr/bin/oro-showcase %u" in entry.splitlines()
        assert "MimeType=x-scheme-handler/web+showcase;" in entry.splitlines()
        serves(Path("/usr/bin/oro-showcase"), tmp_path / "home")
    finally:
        subprocess.run(as_root("dpkg", "--purge", "oro-showcase"), capture_output=True, check=True)
    assert not [path for path in INSTALLED if path.exists()]
    assert not Path("/opt/oro-showcase").exists()
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "oro-showcase"], capture_output=True, text=True
    )
    assert "installed" not in status.stdout.replace("not-installed", "")


def test_the_rpm_installs_into_a_root_serves_and_is_removed_cleanly(
    built_showcase: BuiltApp, tmp_path: Path
) -> None:
    rpm = built_showcase.artifact("oro-showcase-0.1.0-1.*.rpm")
    query = subprocess.run(
        ["rpm", "-qp", "--queryformat", "%{NAME} %{VERSION} %{RELEASE}", str(rpm)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert query.stdout == "oro-showcase 0.1.0 1"
    root = tmp_path / "root"
    install_rpm_into(rpm, root)
    for path in INSTALLED:
        assert (root / path.relative_to("/")).exists(), path
    serves(root / "opt" / "oro-showcase" / "oro-showcase", tmp_path / "home")
    subprocess.run(
        ["rpm", "--root", str(root), "--nodeps", "--noscripts", "-e", "oro-showcase"], check=True
    )
    assert not (root / "opt" / "oro-showcase").exists()
    assert not (root / "usr" / "bin" / "oro-showcase").exists()
