"""The rules a system package is built by: Debian versions read as upstream versions, which
wheels serve both Debian 12's and 13's Python, and when a Debian package is taken over a carried
wheel. Property tests for the version parser: any text gives a version, never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from oro_framework.build.system.distro import DISTRO_PACKAGES, DistroPackage, upstream_version
from oro_framework.build.system.wheels import is_portable


def test_debian_versions_read_as_their_upstream_version() -> None:
    cases = {
        "1:1.24.2-1+deb12u1": "1.24.2",
        "8.2.0+0.really.8.1.8-1": "8.1.8",
        "1.0.0+repack-1": "1.0.0",
        "0.14.0-1.1~deb12u1": "0.14.0",
        "2025.1.31+ds-1": "2025.1.31",
        "3.3": "3.3",
        "5.9.4-1+b1": "5.9.4",
    }
    assert {text: str(upstream_version(text)) for text in cases} == cases


versions = st.lists(st.integers(0, 999), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
debian_suffix = st.sampled_from(["", "+ds", "+repack", "+dfsg", "~rc1"])
revision = st.sampled_from(["", "-1", "-1.1", "-3+deb12u1", "-1+b1", "-0.2~deb12u1"])


@given(st.integers(0, 3), versions, debian_suffix, revision)
def test_the_upstream_part_survives_epoch_suffix_and_revision(
    epoch: int, upstream: str, suffix: str, debian_revision: str
) -> None:
    text = (f"{epoch}:" if epoch else "") + upstream + suffix + debian_revision
    assert upstream_version(text) == Version(upstream)


@given(st.text(max_size=40))
def test_any_text_gives_a_version_and_never_raises(text: str) -> None:
    assert isinstance(upstream_version(text), Version)


def test_a_debian_package_counts_only_when_both_releases_fit() -> None:
    anyio = DISTRO_PACKAGES["anyio"]  # 3.6.2 in Debian 12, 4.8.0 in 13
    assert not anyio.fits_debian(SpecifierSet(">=4.7"))
    assert anyio.fits_debian(SpecifierSet(">=3.5"))
    package = DistroPackage("python3-x", "python3-x", ("2.0-1", "2.5-1"))
    assert package.fits_debian(SpecifierSet(">=2,<3"))
    assert not package.fits_debian(SpecifierSet(">=2,<2.4"))
    assert package.deb_dependency(SpecifierSet(">=2.0")) == "python3-x (>= 2.0)"
    assert package.deb_dependency(SpecifierSet()) == "python3-x"


def test_portable_wheels_serve_python_3_11_and_3_13_on_debian_12s_glibc() -> None:
    portable = [
        "anyio-4.16.0-py3-none-any.whl",
        "six-1.16.0-py2.py3-none-any.whl",
        "psutil-7.2.2-cp36-abi3-manylinux_2_12_x86_64.manylinux2010_x86_64.whl",
        "watchfiles-1.3.0-cp310-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl",
    ]
    not_portable = [
        "cffi-2.1.1-cp311-cp311-manylinux_2_17_x86_64.whl",  # one Python only
        "numpy-2.4.6-cp313-cp313-manylinux_2_28_x86_64.whl",
        "thing-1.0-cp312-abi3-manylinux_2_17_x86_64.whl",  # needs 3.12: Debian 12 has 3.11
        "thing-1.0-cp38-abi3-manylinux_2_39_x86_64.whl",  # glibc newer than Debian 12's 2.36
        "thing-1.0-cp38-abi3-macosx_11_0_arm64.whl",
        "thing-1.0-py3-none-linux_x86_64.whl",  # machine code behind a pure tag
        "not a wheel.tar.gz",
    ]
    assert [name for name in portable if not is_portable(name)] == []
    assert [name for name in not_portable if is_portable(name)] == []
