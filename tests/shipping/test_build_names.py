"""Versions and names a build gives the app's packages: dpkg and rpm accept them and order
pre-releases before their release, as semantic versioning does."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.build.names import check_version, deb_version, rpm_version, slugify

numbers = st.integers(min_value=0, max_value=999).map(str)
identifiers = st.from_regex(r"[0-9A-Za-z]{1,6}", fullmatch=True)
versions = st.builds(
    lambda release, pre, build: (
        ".".join(release)
        + (f"-{'.'.join(pre)}" if pre else "")
        + (f"+{'.'.join(build)}" if build else "")
    ),
    st.lists(numbers, min_size=1, max_size=4),
    st.lists(identifiers, max_size=2),
    st.lists(identifiers, max_size=2),
)


def _dpkg_accepts(version: str) -> bool:
    # dpkg --compare-versions says "version ... has bad syntax" on stderr for a version it
    # would refuse in a control file.
    result = subprocess.run(
        ["dpkg", "--compare-versions", version, "eq", version],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and "bad syntax" not in result.stderr


@given(versions)
def test_every_accepted_version_is_one_dpkg_takes(version: str) -> None:
    assert check_version(version) == version
    assert _dpkg_accepts(deb_version(version))
    assert "-" not in rpm_version(version)


@pytest.mark.parametrize(
    "version", ["", "v1.0", "1.0.", "1..0", "1.0-", "1.0+", "1.0 beta", "1.0-beta_1", "٣.0"]
)
def test_a_version_no_package_format_takes_is_refused_with_the_syntax(version: str) -> None:
    with pytest.raises(ValueError, match=r"invalid version .* expected MAJOR\[\.MINOR"):
        check_version(version)


def test_a_prerelease_sorts_before_its_release_for_dpkg_and_rpm() -> None:
    older, newer = deb_version("2.0.0-beta.1"), deb_version("2.0.0")
    assert older == "2.0.0~beta.1"
    dpkg = subprocess.run(["dpkg", "--compare-versions", older, "lt", newer], check=False)
    assert dpkg.returncode == 0
    rpm = subprocess.run(
        ["rpm", "--eval", f'%{{lua: print(rpm.vercmp("{rpm_version("2.0.0-beta.1")}", "2.0.0"))}}'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert rpm.stdout.strip() == "-1"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Oro Showcase", "oro-showcase"),
        ("  Notes++ 2  ", "notes-2"),
        ("Café Crème", "cafe-creme"),
        ("X", "app-x"),
    ],
)
def test_the_command_name_is_a_debian_package_name(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_with_nothing_to_keep_is_refused() -> None:
    with pytest.raises(ValueError, match="no letter or digit"):
        slugify("★ ☆")
