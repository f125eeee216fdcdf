"""Which distributions a system package takes from the distro and which it carries, and the
carried ones unpacked into its ``vendor/`` directory, each with its ``*.dist-info`` (plugins are
found through their entry points)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Final, Literal, final

from packaging.tags import Tag

from oro_framework.build.system.closure import Needed, reachable
from oro_framework.build.system.distro import (
    DEB_BASE_DEPENDS,
    DISTRO_PACKAGES,
    RPM_BASE_REQUIRES,
)
from oro_framework.build.system.shared_ai import SHARED_PACKAGES
from oro_framework.build.system.wheels import (
    copy_installed,
    installed_tags,
    is_portable,
    portable_tags,
    source_wheel,
    wheel_tags,
)
from oro_framework.host.errors import BuildError
from oro_framework.records import record

__all__ = [
    "CannotShipError",
    "Flavour",
    "VendorPlan",
    "install_wheels",
    "plan_vendor",
    "strip_shared_objects",
]

Flavour = Literal["deb", "rpm"]
"""Whose packages the dependencies name: Debian's (the .deb, and the .tar.gz for Debian-like
systems) or Fedora's (the .rpm)."""

UNUSED_IN_AN_APP: Final = ("tests", "_tests", "__pycache__")
"""Directories of vendored third-party packages an installed app never imports."""
OWN_PREFIX: Final = ("oro-",)
"""Our own distributions (the host, the plugins): always carried, never a distro's."""
MANYLINUX_ALIASES: Final = {
    "manylinux1_x86_64": (2, 5),
    "manylinux2010_x86_64": (2, 12),
    "manylinux2014_x86_64": (2, 17),
}


@final
@record(frozen=False)
class VendorPlan:
    depends: list[str]
    """The distro packages the package depends on (``Depends``/``Requires``)."""
    wheels: list[Path] = field(default_factory=list)
    """Built from source trees."""
    installed: list[str] = field(default_factory=list)
    """Carried as installed here."""
    compiled: bool = False
    """A carried wheel holds machine code: the package is for this architecture only."""
    glibc: tuple[int, int] = (0, 0)
    """The newest glibc the carried machine code needs (its manylinux tags)."""
    shared: dict[str, str] = field(default_factory=dict)
    """Distributions a shared package of ours gives (:data:`SHARED_PACKAGES`), by name: the
    dependency on it (``oro-ai-engine (>= 0.3.36)``). An app's package depends on them; the
    shared runtime does not (only the apps that use oro-ai need its engine and model)."""


class CannotShipError(BuildError):
    """Plugins (or the host) need a distribution that can neither be carried nor taken from
    the distro; :attr:`plugins` names them, :attr:`needs` what (``{"oro-ai": "llama-cpp-python
    0.3.36"}``; several plugins together when only their combination cannot ship)."""

    def __init__(self, plugins: list[str], needs: dict[str, str], flavour: Flavour) -> None:
        where = "Debian 12 and 13" if flavour == "deb" else "Fedora"
        said = "; ".join(f"{who} needs {what}" for who, what in needs.items())
        super().__init__(
            f"{', '.join(plugins)} cannot ship in a system package: {said}, with no build for "
            f"every Python of {where} (pure Python or abi3) and no package of theirs at a "
            "version that fits. Build the app with --webview qt (a bundle with its own Python), "
            "or leave the plugin out ([build] plugins)"
        )
        self.plugins = plugins
        self.needs = needs


def _refusal(blocked: Mapping[str, Needed], flavour: Flavour) -> CannotShipError:
    plugins = sorted({plugin for needed in blocked.values() for plugin in needed.via})
    names = ", ".join(f"{name} {needed.version}" for name, needed in sorted(blocked.items()))
    return CannotShipError(plugins, {" and ".join(plugins): names}, flavour)


def plan_vendor(
    needed: Mapping[str, Needed],
    tops: Sequence[str],
    flavour: Flavour,
    cache: Path,
    say: Callable[[str], None],
) -> VendorPlan:
    """Decide each of ``needed`` (what ``tops`` require): a distro package (Debian's when both
    releases' versions fit; Fedora's only for what cannot be carried), else carried. Only what
    the carried ones lead to counts: a distro package brings its own requirements.

    :raises CannotShipError: something can be neither, naming the plugins that need it; raised
        before anything is written.
    """
    from_distro: dict[str, str] = {}
    shared: dict[str, str] = {}
    carried: dict[str, Path | None] = {}
    blocked: dict[str, Needed] = {}
    compiled: dict[str, tuple[int, int]] = {}
    for name, item in sorted(needed.items()):
        known = DISTRO_PACKAGES.get(name)
        own = name.startswith(OWN_PREFIX)
        if flavour == "deb" and name in SHARED_PACKAGES:
            shared[name] = f"{SHARED_PACKAGES[name].package} (>= {item.version})"
            continue
        if flavour == "deb" and known is not None and not own and known.fits_debian(item.specifier):
            from_distro[name] = known.deb_dependency(item.specifier)
            continue
        wheel = source_wheel(name, cache)
        if wheel is not None and is_portable(wheel.name):
            carried[name] = wheel
            if not wheel.name.endswith("-none-any.whl"):
                compiled[name] = _glibc(wheel_tags(wheel.name))
            continue
        tags = installed_tags(name) if wheel is None else []
        if portable_tags(tags):
            carried[name] = None
            if all(tag.platform != "any" for tag in tags):
                compiled[name] = _glibc(tags)
            continue
        if flavour == "rpm" and known is not None:
            from_distro[name] = known.rpm
            continue
        blocked[name] = item
    used = reachable(dict(needed), tops, set(carried))
    blocked = {name: item for name, item in blocked.items() if name in used}
    if blocked:
        raise _refusal(blocked, flavour)
    base = DEB_BASE_DEPENDS if flavour == "deb" else RPM_BASE_REQUIRES
    glibc = max((compiled[name] for name in compiled.keys() & used), default=(0, 0))
    libc = (
        []
        if glibc == (0, 0)
        else [f"libc6 (>= {glibc[0]}.{glibc[1]})" if flavour == "deb" else "glibc"]
    )
    plan = VendorPlan(
        [*base, *libc, *(from_distro[name] for name in sorted(from_distro) if name in used)],
        wheels=[wheel for name, wheel in sorted(carried.items()) if wheel and name in used],
        installed=[name for name, wheel in sorted(carried.items()) if not wheel and name in used],
        compiled=glibc != (0, 0),
        glibc=glibc,
        shared={name: shared[name] for name in sorted(shared) if name in used},
    )
    carried_names = [name for name in sorted(carried) if name in used]
    say(f"      from the distro ({flavour}): {', '.join(plan.depends)}")
    if plan.shared:
        say(f"      from oro's shared packages: {', '.join(plan.shared.values())}")
    say(f"      carried: {', '.join(carried_names)}")
    return plan


def _drop_shebang(module: Path) -> None:
    """A module is imported, never run: its ``#!`` line (a maintainer's tool inside a library)
    only makes packaging checks call it a script that is not executable. The line stays, blank,
    so tracebacks keep their line numbers."""
    with module.open("rb") as file:
        if file.read(2) != b"#!":
            return
    text = module.read_bytes()
    module.write_bytes(b"\n" + text.split(b"\n", 1)[1] if b"\n" in text else b"")


def _strip(vendor: Path) -> None:
    strip_shared_objects([path for path in vendor.rglob("*.so") if path.is_file()])


def strip_shared_objects(objects: Sequence[Path]) -> None:
    """Strip the symbols of shared objects a package carries, as Debian's packages are: they are
    never debugged from the package, and lose about a fifth of their size (nothing done where
    binutils' ``strip`` is missing)."""
    strip = shutil.which("strip")
    if strip is None or not objects:
        return
    subprocess.run(
        [
            strip,
            "--strip-unneeded",
            "--remove-section=.comment",
            "--remove-section=.note",
            *map(str, objects),
        ],
        check=True,
        capture_output=True,
    )


def _glibc(tags: Iterable[Tag]) -> tuple[int, int]:
    """The newest glibc the oldest of ``tags``' manylinux platforms needs."""
    needs = [MANYLINUX_ALIASES.get(tag.platform, _manylinux(tag.platform)) for tag in tags]
    return min((need for need in needs if need != (0, 0)), default=(2, 17))


def _manylinux(platform: str) -> tuple[int, int]:
    parts = platform.split("_")
    if platform.startswith("manylinux_") and len(parts) >= 3:
        return int(parts[1]), int(parts[2])
    return (0, 0)


def install_wheels(plan: VendorPlan, vendor: Path, own: Callable[[str], bool]) -> None:
    """Unpack ``plan``'s wheels into ``vendor`` as ``pip install --target`` does (no scripts,
    no byte code: the package compiles it where it is installed) and copy its installed
    distributions beside them, then drop the test suites of the third-party ones (``own`` says
    which are the app's own: their files stay whole)."""
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    if vendor.exists():
        shutil.rmtree(vendor)
    vendor.mkdir(parents=True)
    extras = vendor / ".unused"
    destination = SchemeDictionaryDestination(
        {
            "purelib": str(vendor),
            "platlib": str(vendor),
            "headers": str(extras / "headers"),
            "scripts": str(extras / "scripts"),
            "data": str(extras / "data"),
        },
        interpreter="/usr/bin/python3",
        script_kind="posix",
        bytecode_optimization_levels=(),
    )
    for wheel in plan.wheels:
        with WheelFile.open(wheel) as source:
            install(source, destination, additional_metadata={"INSTALLER": b"oro build\n"})
    shutil.rmtree(extras, ignore_errors=True)
    for name in plan.installed:
        copy_installed(name, vendor)
    _strip(vendor)
    for package in vendor.iterdir():
        if not package.is_dir() or package.name.endswith(".dist-info") or own(package.name):
            continue
        for unused in UNUSED_IN_AN_APP:
            for found in list(package.rglob(unused)):
                if found.is_dir():
                    shutil.rmtree(found)
        for module in package.rglob("*.py"):
            _drop_shebang(module)
