"""The names and numbers a build gives an app: its command name, its package version for dpkg
and rpm, and the checks that refuse what neither would accept. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["VERSION_SYNTAX", "check_version", "deb_version", "rpm_version", "slugify"]

VERSION_SYNTAX: Final = "MAJOR[.MINOR[.PATCH...]][-PRERELEASE][+BUILD], e.g. 1.2.0 or 2.0.0-beta.1"

_VERSION: Final = re.compile(
    r"^(?P<release>[0-9]+(?:\.[0-9]+)*)"
    r"(?:-(?P<prerelease>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*))?$"
)


def check_version(version: str) -> str:
    """``version`` if it is a version every package format takes (:data:`VERSION_SYNTAX`).

    :raises ValueError: a version dpkg or rpm would refuse or misorder.
    """
    if not _VERSION.match(version):
        raise ValueError(
            f"invalid version {version!r} in [meta] version: expected {VERSION_SYNTAX}"
        )
    return version


def _package_version(version: str) -> str:
    # A pre-release sorts before its release in dpkg and rpm only behind "~" ("-" means the
    # package revision to both).
    match = _VERSION.match(check_version(version))
    assert match is not None
    text = match["release"]
    if match["prerelease"]:
        text += "~" + match["prerelease"]
    if match["build"]:
        text += "+" + match["build"]
    return text


def deb_version(version: str) -> str:
    """The ``Version:`` of a ``.deb``: ``2.0.0-beta.1`` → ``2.0.0~beta.1``."""
    return _package_version(version)


def rpm_version(version: str) -> str:
    """The ``Version:`` of an ``.rpm``: as :func:`deb_version` (rpm takes ``~`` and ``+`` too)."""
    return _package_version(version)


def slugify(name: str) -> str:
    """A command and package name from an app's name: ``Oro Showcase`` → ``oro-showcase``.

    Lowercase ASCII letters, digits and single hyphens, as a Debian package name must be.

    :raises ValueError: the name has no letter or digit to keep.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ValueError(f"[meta] name {name!r} has no letter or digit to name the app's command")
    if not slug[0].isalnum() or len(slug) < 2:
        slug = f"app-{slug}"
    return slug
