"""Wrapping a built app folder: ``.tar.gz``, ``.deb`` (dpkg-deb) and ``.rpm`` (rpmbuild).

The ``.deb`` and ``.rpm`` install the same tree (:func:`install_tree`): the app folder under
``/opt/<command>``, a ``/usr/bin/<command>`` launcher, the ``.desktop`` entry and the icon. Both
run ``update-desktop-database`` after installing and removing, when the desktop has it, so that
the app's deep-link schemes reach it at once.
"""

from __future__ import annotations

import os
import platform
import posixpath
import shutil
import stat
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from oro_framework.build.desktop import app_desktop_entry
from oro_framework.build.icon import png_size
from oro_framework.build.names import deb_version, rpm_version
from oro_framework.build.pgzip import ParallelGzip
from oro_framework.build.plan import AppPlan
from oro_framework.host.errors import BuildError

__all__ = [
    "DEB_DEPENDS",
    "UNSAFE_MODE_BITS",
    "architecture",
    "artifact_name",
    "build_deb",
    "build_rpm",
    "build_tar",
    "install_desktop_files",
    "install_tree",
    "installed_kib",
    "link_tree",
    "owned_by_root",
    "require_tool",
    "run_dpkg_deb",
    "run_rpmbuild",
    "run_tool",
]

DEB_DEPENDS: Final = (
    # What the bundled Qt and QtWebEngine load from the system (the X11/xcb and GL stack, NSS,
    # fonts): the libraries no wheel carries and every desktop has.
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libnss3",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxkbfile1",
)
_SCRIPT: Final = """#!/bin/sh
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
fi
"""


def architecture() -> dict[str, str]:
    machine = platform.machine()
    return {
        "deb": {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf"}.get(machine, machine),
        "rpm": machine,
        "tar": machine,
    }


def artifact_name(plan: AppPlan, suffix: str) -> str:
    """``<command>-<version>-linux-<arch>.tar.gz``, ``<command>_<version>_<arch>.deb``,
    ``<command>-<version>-1.<arch>.rpm``: each format's own convention."""
    arch = architecture()
    if suffix == ".deb":
        return f"{plan.command}_{deb_version(plan.version)}_{arch['deb']}.deb"
    if suffix == ".rpm":
        return f"{plan.command}-{rpm_version(plan.version)}-1.{arch['rpm']}.rpm"
    return f"{plan.command}-{plan.version}-linux-{arch['tar']}{suffix}"


def require_tool(name: str, apt_package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BuildError(
            f"{name} is missing, which --target {'deb' if name == 'dpkg-deb' else 'rpm'} needs: "
            f"install it with `apt-get install {apt_package}`"
        )
    return found


UNSAFE_MODE_BITS: Final = stat.S_ISUID | stat.S_ISGID | stat.S_IWGRP | stat.S_IWOTH
"""Mode bits no file of a built app keeps: set-user/group-ID (an app folder's own file would run
as root once a package installs it) and write by others (anyone could change the app)."""


def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """A member of the app's archive as it is unpacked: owned by root, with no
    :data:`UNSAFE_MODE_BITS`.

    :raises BuildError: the member is a link leading out of the archive's top folder.
    """
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if info.issym() or info.islnk():
        base = posixpath.dirname(info.name) if info.issym() else ""
        target = posixpath.normpath(posixpath.join(base, info.linkname))
        top = info.name.split("/", 1)[0]
        if posixpath.isabs(info.linkname) or not target.startswith(f"{top}/"):
            raise BuildError(f"{info.name} is a link to {info.linkname}, out of the app's folder")
    else:
        info.mode &= ~UNSAFE_MODE_BITS
    return info


def build_tar(
    plan: AppPlan, folder: Path, out: Path, *, flavour: str = "", compresslevel: int = 6
) -> Path:
    """``.tar.gz`` of the app folder, with the folder ``<command>/`` at its top; ``flavour``
    joins the platform in its name (``-linux-system-x86_64``)."""
    name = artifact_name(plan, ".tar.gz")
    target = out / (name.replace("-linux-", f"-linux-{flavour}-") if flavour else name)
    partial = target.with_name(target.name + ".part")
    with (
        partial.open("wb") as file,
        ParallelGzip(file, level=compresslevel) as gzipped,
        # A stream ("w|") only writes; typeshed's file protocol asks for read and seek too.
        tarfile.open(fileobj=gzipped, mode="w|") as archive,  # type: ignore[call-overload]
    ):
        archive.add(folder, arcname=plan.command, filter=owned_by_root)
    partial.replace(target)
    return target


def link_tree(source: Path, target: Path) -> None:
    """A copy of the folder ``source`` at ``target`` made of hard links (links stay links),
    or of copies where the file system cannot link: no copy of a 400 MB folder."""

    def link(source_file: str, target_file: str) -> None:
        try:
            os.link(source_file, target_file)
        except OSError:
            shutil.copy2(source_file, target_file)

    shutil.copytree(source, target, symlinks=True, copy_function=link)


def install_tree(plan: AppPlan, folder: Path, icon: Path, root: Path) -> list[str]:
    """Lay out what a package installs below ``root``; return its top paths (for rpm's
    ``%files``)."""
    if root.exists():
        shutil.rmtree(root)
    app_home = f"/opt/{plan.command}"
    launcher = f"/usr/bin/{plan.command}"
    link_tree(folder, root / app_home.lstrip("/"))
    (root / "usr/bin").mkdir(parents=True)
    script = root / launcher.lstrip("/")
    script.write_text(f'#!/bin/sh\nexec {app_home}/{plan.command} "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return [app_home, launcher, *install_desktop_files(plan, icon, root, launcher)]


def install_desktop_files(plan: AppPlan, icon: Path, root: Path, launcher: str) -> list[str]:
    """The ``.desktop`` entry (running ``launcher``) and the icon in the hicolor theme, below
    ``root``; their installed paths."""
    entry = f"/usr/share/applications/{plan.bundle_identifier}.desktop"
    (root / entry.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / entry.lstrip("/")).write_text(app_desktop_entry(plan, launcher), encoding="utf-8")
    width, height = png_size(icon)
    icon_path = f"/usr/share/icons/hicolor/{width}x{height}/apps/{plan.bundle_identifier}.png"
    (root / icon_path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(icon, root / icon_path.lstrip("/"))
    return [entry, icon_path]


def installed_kib(root: Path) -> int:
    """What the tree below ``root`` takes once installed, in KiB (``Installed-Size``)."""
    total = sum(path.lstat().st_size for path in root.rglob("*") if not path.is_dir())
    return (total + 1023) // 1024


def run_dpkg_deb(
    dpkg_deb: str,
    root: Path,
    fields: Mapping[str, str],
    scripts: Mapping[str, str],
    target: Path,
    compression: str,
) -> Path:
    """Write ``root/DEBIAN`` (``control`` from ``fields``, maintainer ``scripts`` by name),
    build ``target`` from ``root`` with dpkg-deb and remove ``root``.

    :raises BuildError: dpkg-deb fails.
    """
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in fields.items()), encoding="utf-8"
    )
    for name, script in scripts.items():
        (control / name).write_text(script, encoding="utf-8")
        (control / name).chmod(0o755)
    run_tool(
        [
            dpkg_deb,
            "--root-owner-group",
            f"-Z{compression}",
            "-z9",
            "--build",
            str(root),
            str(target),
        ]
    )
    shutil.rmtree(root)
    return target


def build_deb(plan: AppPlan, folder: Path, icon: Path, work: Path, out: Path) -> Path:
    """``.deb`` with dpkg-deb.

    :raises BuildError: dpkg-deb is missing, or fails.
    """
    dpkg_deb = require_tool("dpkg-deb", "dpkg")
    root = work / "deb"
    install_tree(plan, folder, icon, root)
    summary = plan.description or plan.name
    fields = {
        "Package": plan.command,
        "Version": deb_version(plan.version),
        "Architecture": architecture()["deb"],
        "Maintainer": plan.maintainer or f"{plan.name} <{plan.command}@localhost>",
        "Installed-Size": str(installed_kib(root)),
        "Depends": ", ".join(DEB_DEPENDS),
        "Section": "misc",
        "Priority": "optional",
        "Description": f"{summary}\n {plan.name} ({plan.bundle_identifier}), built with oro.",
    }
    scripts = {"postinst": _SCRIPT, "postrm": _SCRIPT}
    return run_dpkg_deb(dpkg_deb, root, fields, scripts, out / artifact_name(plan, ".deb"), "zstd")


def build_rpm(plan: AppPlan, folder: Path, icon: Path, work: Path, out: Path) -> Path:
    """``.rpm`` with rpmbuild (Debian's ``rpm`` package has it).

    :raises BuildError: rpmbuild is missing, or fails.
    """
    rpmbuild = require_tool("rpmbuild", "rpm")
    top = work / "rpm"
    if top.exists():
        shutil.rmtree(top)
    tree = top / "tree"
    files = install_tree(plan, folder, icon, tree)
    summary = (plan.description or plan.name).replace("\n", " ")
    spec = top / f"{plan.command}.spec"
    spec.write_text(
        "\n".join(
            [
                f"Name: {plan.command}",
                f"Version: {rpm_version(plan.version)}",
                "Release: 1",
                f"Summary: {summary}",
                "License: Unspecified",
                f"Packager: {plan.maintainer or plan.name}",
                "AutoReqProv: no",
                # The folder is built already: no stripping, no byte-compiling, no debug
                # package, no build-id links into /usr/lib.
                "%global __os_install_post %{nil}",
                "%global debug_package %{nil}",
                "%global _build_id_links none",
                "%description",
                f"{summary}. {plan.name} ({plan.bundle_identifier}), built with oro.",
                "%install",
                f"cp -a {tree}/. %{{buildroot}}/",
                "%post",
                _SCRIPT.removeprefix("#!/bin/sh\n"),
                "%postun",
                _SCRIPT.removeprefix("#!/bin/sh\n"),
                "%files",
                *files,
                "",
            ]
        ),
        encoding="utf-8",
    )
    return run_rpmbuild(rpmbuild, spec, top, artifact_name(plan, ".rpm"), out)


def run_rpmbuild(rpmbuild: str, spec: Path, top: Path, name: str, out: Path) -> Path:
    """Build ``spec`` in the scratch tree ``top`` (removed after) into ``out/<name>``.

    :raises BuildError: rpmbuild fails.
    """
    run_tool(
        [
            rpmbuild,
            "-bb",
            "--quiet",
            f"--define=_topdir {top}",
            f"--define=_rpmdir {top / 'out'}",
            "--define=_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
            "--define=_binary_payload w9.zstdio",
            str(spec),
        ]
    )
    target = out / name
    (top / "out" / name).replace(target)
    shutil.rmtree(top)
    return target


def run_tool(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): "
            f"{detail[-1] if detail else 'no output'}"
        )
