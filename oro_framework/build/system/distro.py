"""What the distros give a system package: the Python packages Debian and Fedora ship, and the
rule that picks them over a vendored wheel.

One package serves Debian 12 (Python 3.11) and Debian 13 (Python 3.13), so a Python
distribution comes from Debian only when the version of *both* releases satisfies every
requirement the shipped distributions state; otherwise its wheel is vendored. The versions
below are those of the releases' main archives (bookworm and trixie, with their point
updates); ``tests/shipping/test_system_rules.py::test_the_distro_table_matches_this_debian``
checks them against the build machine's apt. Fedora's versions move every six months: the rpm
vendors every wheel it can and takes from Fedora only what cannot be vendored (compiled for one
Python).
"""

from __future__ import annotations

import re
from typing import Final, final

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from oro_framework.records import record

__all__ = [
    "DEBIAN_RELEASES",
    "DEB_BASE_DEPENDS",
    "DISTRO_PACKAGES",
    "RPM_BASE_REQUIRES",
    "DistroPackage",
    "upstream_version",
]

DEBIAN_RELEASES: Final = ("12", "13")
"""The Debian releases one package serves; the first has the oldest versions."""

DEB_BASE_DEPENDS: Final = ("python3 (>= 3.11)", "python3-gi", "gir1.2-webkit2-4.1")
"""What every system package needs: the distro's Python, PyGObject and WebKitGTK 4.1."""
RPM_BASE_REQUIRES: Final = ("python3 >= 3.11", "python3-gobject", "webkit2gtk4.1")


@final
@record
class DistroPackage:
    """A Python distribution as the distros package it."""

    deb: str
    rpm: str
    debian: tuple[str, str]
    """Its Debian version in each of :data:`DEBIAN_RELEASES`."""

    def fits_debian(self, specifier: SpecifierSet) -> bool:
        """Every supported Debian release's version satisfies ``specifier``."""
        return all(
            specifier.contains(upstream_version(version), prereleases=True)
            for version in self.debian
        )

    def deb_dependency(self, specifier: SpecifierSet) -> str:
        """The ``Depends`` entry: the package, with the lowest version ``specifier`` allows."""
        lowest = [spec.version for spec in specifier if spec.operator in (">=", "==", "~=")]
        return f"{self.deb} (>= {lowest[0]})" if lowest else self.deb


def _package(name: str, bookworm: str, trixie: str, rpm: str | None = None) -> DistroPackage:
    return DistroPackage(f"python3-{name}", rpm or f"python3-{name}", (bookworm, trixie))


DISTRO_PACKAGES: Final[dict[str, DistroPackage]] = {
    "anyio": _package("anyio", "3.6.2-1", "4.8.0-3"),
    "attrs": _package("attr", "22.2.0-1", "25.3.0-1", rpm="python3-attrs"),
    "certifi": _package("certifi", "2022.9.24-1", "2025.1.31+ds-1"),
    "cffi": _package("cffi", "1.15.1-5", "1.17.1-3"),
    "click": _package("click", "8.1.3-2", "8.2.0+0.really.8.1.8-1"),
    "cryptography": _package("cryptography", "38.0.4-3+deb12u1", "43.0.0-3+deb13u1"),
    "dnspython": _package("dnspython", "2.3.0-1+deb12u1", "2.7.0-1+deb13u1"),
    "h11": _package("h11", "0.14.0-1.1~deb12u1", "0.14.0-1.1"),
    "httpcore": _package("httpcore", "0.16.3-1", "1.0.7-1"),
    "httpx": _package("httpx", "0.23.3-1", "0.28.1-1"),
    "idna": _package("idna", "3.3-1+deb12u1", "3.10-1+deb13u1"),
    "jeepney": _package("jeepney", "0.8.0-3", "0.9.0-1"),
    "jinja2": _package("jinja2", "3.1.2-1+deb12u3", "3.1.6-1"),
    "markupsafe": _package("markupsafe", "2.1.2-1+b1", "2.1.5-1+b3"),
    "numpy": _package("numpy", "1:1.24.2-1+deb12u1", "1:2.2.4+ds-1"),
    "outcome": _package("outcome", "1.2.0-1", "1.2.0-1.1"),
    "platformdirs": _package("platformdirs", "2.6.0-1", "4.3.7-1"),
    "pluggy": _package("pluggy", "1.0.0+repack-1", "1.5.0-1"),
    "psutil": _package("psutil", "5.9.4-1+b1", "7.0.0-2"),
    "secretstorage": _package("secretstorage", "3.3.3-1", "3.3.3-3"),
    "sniffio": _package("sniffio", "1.2.0-1", "1.3.1-1"),
    "sortedcontainers": _package("sortedcontainers", "2.4.0-2", "2.4.0-2"),
    "tomlkit": _package("tomlkit", "0.11.7-1", "0.13.2-1"),
    "trio": _package("trio", "0.22.0-0.2", "0.29.0-1"),
    "trio-websocket": _package("trio-websocket", "0.9.2-2", "0.12.2-1"),
    "typing-extensions": _package("typing-extensions", "4.4.0-1", "4.13.2-1"),
    "wsproto": _package("wsproto", "1.2.0-1", "1.2.0-1"),
}
"""Python distributions (normalized names) Debian 12 and 13 both package."""


def upstream_version(debian_version: str) -> Version:
    """The upstream part of a Debian version as a PEP 440 version: no epoch, no Debian
    revision, no ``+ds``/``+repack``/``~`` suffix (``1:1.24.2-1+deb12u1`` → ``1.24.2``);
    Debian's ``+0.really.X`` (a version going back) is ``X``."""
    upstream = debian_version.split(":", 1)[-1].rsplit("-", 1)[0]
    upstream = upstream.split(".really.", 1)[-1]
    upstream = re.split(r"[+~]", upstream, maxsplit=1)[0]
    try:
        return Version(upstream)
    except InvalidVersion:
        return Version("0")
