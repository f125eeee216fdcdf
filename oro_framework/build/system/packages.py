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
from pathlib import Path
from typing import Final, final

from oro_framework.build.names import deb_version, rpm_version
from oro_framework.build.package import (
    architecture,
    installed_kib,
    require_tool,
    run_dpkg_deb,
    run_rpmbuild,
)
from oro_framework.build.system.layout import build_time
from oro_framework.records import record

__all__ = ["PackageSpec", "build_deb", "build_rpm", "normalize_modes"]


@final
@record
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
    compression: str = "xz"
    """dpkg-deb's ``-Z``: ``gzip`` for data xz cannot shrink (a quantised model: xz -9 spends
    two minutes to save 7 %)."""

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
        "Installed-Size": str(installed_kib(root)),
        "Depends": ", ".join(spec.depends),
        **({"Provides": ", ".join(spec.provides)} if spec.provides else {}),
        "Section": "misc",
        "Priority": "optional",
        "Description": spec.summary
        + "".join(f"\n {line}" for line in textwrap.wrap(spec.description, 78)),
    }
    scripts = {
        name: script.format(name=spec.name, lib=spec.lib)
        for name, script in (("postinst", _POSTINST), ("prerm", _PRERM))
    }
    return run_dpkg_deb(dpkg_deb, root, fields, scripts, out / spec.deb_name(), spec.compression)


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
    target = run_rpmbuild(rpmbuild, spec_file, top, spec.rpm_name(), out)
    shutil.rmtree(root)
    return target
