"""A laid-out system package tree wrapped as a ``.deb`` (dpkg-deb) or an ``.rpm`` (rpmbuild).

Python files are installed as sources only: the ``.deb`` byte-compiles them in ``postinst``
with ``py3compile`` and removes the byte code in ``prerm`` with ``py3clean``, as dh_python3's
scripts do, so that the one package serves whichever Python 3 the machine has. The desktop
database and icon cache are Debian's triggers' business; the ``.rpm`` refreshes them itself.
"""

from __future__ import annotations

import shutil
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, final

from oro_framework.build.names import deb_version, rpm_version
from oro_framework.build.package import architecture, require_tool, run_tool
from oro_framework.build.system.layout import build_time

__all__ = ["PackageSpec", "build_deb", "build_rpm", "normalize_modes"]


@final
@dataclass(frozen=True)
class PackageSpec:
    name: str
    version: str
    summary: str
    description: str
    maintainer: str
    depends: tuple[str, ...]
    architecture_independent: bool
    lib: str
    """``/usr/lib/<name>``: what is byte-compiled once installed."""
    files: tuple[str, ...]
    """The tree's top paths, for rpm's ``%files``."""
    provides: tuple[str, ...] = ()
    """Virtual packages it provides (the runtime: one per plugin it carries)."""

    def deb_name(self) -> str:
        arch = "all" if self.architecture_independent else architecture()["deb"]
        return f"{self.name}_{deb_version(self.version)}_{arch}.deb"

    def rpm_name(self) -> str:
        arch = "noarch" if self.architecture_independent else architecture()["rpm"]
        return f"{self.name}-{rpm_version(self.version)}-1.{arch}.rpm"


_POSTINST: Final = """#!/bin/sh
set -e
if [ "$1" = configure ] && command -v py3compile >/dev/null 2>&1; then
  py3compile -p {name} {lib}
fi
"""
_PRERM: Final = """#!/bin/sh
set -e
if command -v py3clean >/dev/null 2>&1; then
  py3clean -p {name}
else
  find {lib} -type d -name __pycache__ -prune -exec rm -rf {{}} +
fi
"""
_RPM_POST: Final = """python3 -m compileall -q {lib} >/dev/null 2>&1 || :
update-desktop-database -q /usr/share/applications >/dev/null 2>&1 || :
"""
_RPM_PREUN: Final = """if [ "$1" -eq 0 ]; then
  find {lib} -type d -name __pycache__ -prune -exec rm -rf {{}} + || :
fi
"""


def _rpm_date() -> str:
    return time.strftime("%a %b %d %Y", time.gmtime(build_time()))


def normalize_modes(root: Path) -> None:
    """Directories 0755, files 0644 unless executable (0755): what a package should install,
    whatever the umask of the build."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o100 else 0o644)


def _installed_kib(root: Path) -> int:
    total = sum(path.lstat().st_size for path in root.rglob("*") if not path.is_dir())
    return (total + 1023) // 1024


def build_deb(spec: PackageSpec, root: Path, out: Path) -> Path:
    """``root`` (the tree) as ``out/<name>_<version>_<arch>.deb``; ``root`` is consumed.

    :raises BuildError: dpkg-deb is missing, or fails.
    """
    dpkg_deb = require_tool("dpkg-deb", "dpkg")
    normalize_modes(root)
    fields = {
        "Package": spec.name,
        "Version": deb_version(spec.version),
        "Architecture": "all" if spec.architecture_independent else architecture()["deb"],
        "Maintainer": spec.maintainer,
        "Installed-Size": str(_installed_kib(root)),
        "Depends": ", ".join(spec.depends),
        **({"Provides": ", ".join(spec.provides)} if spec.provides else {}),
        "Section": "misc",
        "Priority": "optional",
        "Description": spec.summary
        + "".join(f"\n {line}" for line in textwrap.wrap(spec.description, 78)),
    }
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in fields.items()), encoding="utf-8"
    )
    for name, script in (("postinst", _POSTINST), ("prerm", _PRERM)):
        (control / name).write_text(script.format(name=spec.name, lib=spec.lib), encoding="utf-8")
        (control / name).chmod(0o755)
    target = out / spec.deb_name()
    run_tool([dpkg_deb, "--root-owner-group", "-Zxz", "-z9", "--build", str(root), str(target)])
    shutil.rmtree(root)
    return target


def build_rpm(spec: PackageSpec, root: Path, work: Path, out: Path) -> Path:
    """``root`` as ``out/<name>-<version>-1.<arch>.rpm``; ``root`` is consumed.

    :raises BuildError: rpmbuild is missing, or fails.
    """
    rpmbuild = require_tool("rpmbuild", "rpm")
    normalize_modes(root)
    top = work / "rpm"
    if top.exists():
        shutil.rmtree(top)
    spec_file = top / f"{spec.name}.spec"
    spec_file.parent.mkdir(parents=True)
    lines = [
        f"Name: {spec.name}",
        f"Version: {rpm_version(spec.version)}",
        "Release: 1",
        f"Summary: {spec.summary}",
        "License: Unspecified",
        f"Packager: {spec.maintainer}",
        "Group: Applications/System",
        "AutoReqProv: no",
        *(f"Requires: {requirement}" for requirement in spec.depends),
        *(f"Provides: {provided}" for provided in spec.provides),
        *(["BuildArch: noarch"] if spec.architecture_independent else []),
        "%global __os_install_post %{nil}",
        "%global debug_package %{nil}",
        "%global _build_id_links none",
        "%description",
        *textwrap.wrap(spec.description, 78),
        "%install",
        f"cp -a {root}/. %{{buildroot}}/",
        "%post",
        _RPM_POST.format(lib=spec.lib),
        "%preun",
        _RPM_PREUN.format(lib=spec.lib),
        "%files",
        *spec.files,
        "%changelog",
        f"* {_rpm_date()} {spec.maintainer} - {rpm_version(spec.version)}-1",
        "- Built with oro.",
        "",
    ]
    spec_file.write_text("\n".join(lines), encoding="utf-8")
    run_tool(
        [
            rpmbuild,
            "-bb",
            "--quiet",
            f"--define=_topdir {top}",
            f"--define=_rpmdir {top / 'out'}",
            "--define=_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
            "--define=_binary_payload w9.zstdio",
            str(spec_file),
        ]
    )
    target = out / spec.rpm_name()
    (top / "out" / spec.rpm_name()).replace(target)
    shutil.rmtree(top)
    shutil.rmtree(root)
    return target
