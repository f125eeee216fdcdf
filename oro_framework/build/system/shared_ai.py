"""oro-ai's shared system packages: the inference engine (``oro-ai-engine``) and the default
model (``oro-ai-model-smollm2``), which every app built with ``--webview system`` that uses oro-ai
depends on instead of carrying them (docs/ai.md, "System packages").

The engine is llama.cpp built for distribution: no ``-march=native``; its CPU code is built
once per instruction-set level (``GGML_CPU_ALL_VARIANTS``) as shared objects that ggml loads at
run time (``GGML_BACKEND_DL``), keeping the best one this CPU runs. So one package runs on every
x86-64 machine Debian supports, and as fast as a native build on a recent one. It is built
once per machine from llama-cpp-python's source release (the same version as the binding
installed here, whose Python files it ships) and kept in the user's cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, final

from oro_framework.build.package import require_tool
from oro_framework.host.errors import BuildError
from oro_framework.records import record

__all__ = [
    "ENGINE_DISTRIBUTION",
    "SHARED_PACKAGES",
    "SHARED_PATHS",
    "SharedPackage",
    "engine_libraries",
    "engine_source",
]

ENGINE_DISTRIBUTION: Final = "llama-cpp-python"
MODEL_DISTRIBUTION: Final = "oro-ai-smollm2"


@final
@record
class SharedPackage:
    """A distribution an app's package takes from a shared package of ours."""

    package: str
    """The Debian package (``oro-ai-engine``)."""
    path: str
    """Where it installs the distribution's import path (put on ``sys.path`` by the
    launcher when present)."""


SHARED_PACKAGES: Final[dict[str, SharedPackage]] = {
    ENGINE_DISTRIBUTION: SharedPackage("oro-ai-engine", "/usr/lib/oro-ai-engine"),
    MODEL_DISTRIBUTION: SharedPackage("oro-ai-model-smollm2", "/usr/share/oro-ai-model-smollm2"),
}
"""Distribution (normalized) → the shared package that gives it (Debian only: the ``.rpm`` and
the folder build still cannot carry llama.cpp, compiled for one Python)."""
SHARED_PATHS: Final = tuple(shared.path for shared in SHARED_PACKAGES.values())

DROPPED_VARIANTS: Final = (
    # Intel AMX: on a virtual machine whose CPU reports AMX but whose kernel does not give the
    # process the tile state, ggml's AMX kernel dies on its first instruction (seen here).
    "sapphirerapids",
    # Each served within a few per cent by a neighbour that is built (ivybridge, piledriver by
    # sandybridge; cannonlake, cascadelake, cooperlake by skylakex; zen4 by icelake): about half
    # the build time, which every CI run pays.
    "ivybridge",
    "piledriver",
    "cannonlake",
    "cascadelake",
    "cooperlake",
    "zen4",
)
"""x86-64 CPU variants of ggml not built."""
CMAKE_OPTIONS: Final = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=ON",
    "-DGGML_NATIVE=OFF",
    "-DGGML_BACKEND_DL=ON",
    "-DGGML_CPU_ALL_VARIANTS=ON",
    # Where ggml looks for its CPU variants first: where the package installs them (its
    # default search, the executable's folder and the working directory, is /usr/bin and
    # wherever the app was started).
    f"-DGGML_BACKEND_DIR={SHARED_PACKAGES[ENGINE_DISTRIBUTION].path}/llama_cpp/lib",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_BUILD_COMMON=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DCMAKE_INSTALL_RPATH=$ORIGIN",
    "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON",
)
LIBRARIES: Final = re.compile(r"lib(llama|ggml|ggml-base)\.so(\.\d+)*$|libggml-cpu-[\w.]+\.so$")
"""What the build leaves in ``bin/`` that the binding loads."""


def _recipe() -> str:
    return hashlib.sha256("\n".join((*CMAKE_OPTIONS, *DROPPED_VARIANTS)).encode()).hexdigest()[:12]


def _cache() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("oro-framework") / "ai-engine"


def engine_source(version: str, say: Callable[[str], None]) -> Path:
    """llama-cpp-python ``version``'s source release from PyPI, checked against the digest
    PyPI publishes and unpacked once per machine; its folder.

    :raises BuildError: PyPI cannot be reached or the file does not match.
    """
    import httpx

    where = _cache() / f"{ENGINE_DISTRIBUTION}-{version}-source"
    if (where / "CMakeLists.txt").is_file():
        return where
    say(f"      downloading {ENGINE_DISTRIBUTION} {version}'s source from PyPI (once per machine)")
    wanted = f"{ENGINE_DISTRIBUTION.replace('-', '_')}-{version}.tar.gz"
    try:
        # PyPI's simple index (PEP 691), which mirrors and proxies of PyPI serve too.
        index = httpx.get(
            f"https://pypi.org/simple/{ENGINE_DISTRIBUTION}/",
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
            follow_redirects=True,
            timeout=60,
        )
        index.raise_for_status()
        sdist = next(file for file in index.json()["files"] if file["filename"] == wanted)
        archive = httpx.get(sdist["url"], follow_redirects=True, timeout=300)
        archive.raise_for_status()
    except (httpx.HTTPError, StopIteration, KeyError, ValueError) as error:
        raise BuildError(
            f"cannot fetch {wanted} from PyPI for oro-ai's engine package: "
            f"{error or 'not in its index'}"
        ) from error
    if hashlib.sha256(archive.content).hexdigest() != sdist["hashes"]["sha256"]:
        raise BuildError(f"{wanted} from PyPI does not match its published digest")
    scratch = where.with_name(where.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    tarball = scratch / wanted
    tarball.write_bytes(archive.content)
    with tarfile.open(tarball) as opened:
        opened.extractall(scratch, filter="data")
    tarball.unlink()
    (top,) = scratch.iterdir()
    shutil.rmtree(where, ignore_errors=True)
    top.rename(where)
    shutil.rmtree(scratch)
    return where


def _drop_variants(cmakelists: Path) -> None:
    text = cmakelists.read_text(encoding="utf-8")
    pattern = re.compile(
        rf"^(\s*)(ggml_add_cpu_backend_variant\(({'|'.join(DROPPED_VARIANTS)})\s)", re.MULTILINE
    )
    cmakelists.write_text(pattern.sub(r"\1# not built by oro: \2", text), encoding="utf-8")


def engine_libraries(say: Callable[[str], None]) -> Path:
    """The folder of the engine's shared objects for the llama-cpp-python installed here
    (``libllama.so``, ``libggml*.so`` and one ``libggml-cpu-<level>.so`` per CPU level), built
    once per machine and recipe.

    :raises BuildError: llama-cpp-python is not installed, the source cannot be fetched, or
        CMake or the compiler is missing or fails.
    """
    try:
        version = importlib.metadata.version(ENGINE_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise BuildError(f"{ENGINE_DISTRIBUTION} is not installed here") from None
    built = _cache() / f"{ENGINE_DISTRIBUTION}-{version}-{_recipe()}"
    built.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(built.parent / ".lock"):
        # Two builds at once (two apps, two test workers): the second waits, then reuses.
        if not (built / ".complete").is_file():
            _build_engine(version, built, say)
    return built


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


def _build_engine(version: str, built: Path, say: Callable[[str], None]) -> None:
    cmake = require_tool("cmake", "cmake")
    require_tool("c++", "build-essential")
    llama = engine_source(version, say) / "vendor" / "llama.cpp"
    _drop_variants(llama / "ggml" / "src" / "CMakeLists.txt")
    work = built.with_name(built.name + ".build")
    say(
        f"      building llama.cpp of {ENGINE_DISTRIBUTION} {version} for distribution, one CPU "
        "variant per instruction-set level (about 10 min on 2 cores, once per machine)"
    )
    for step in (
        [cmake, "-S", str(llama), "-B", str(work), *CMAKE_OPTIONS],
        # A job per core: --parallel alone lets make start every compile at once.
        [
            cmake,
            "--build",
            str(work),
            "--parallel",
            str(os.cpu_count() or 2),
            "--target",
            "llama",
            "ggml",
        ],
    ):
        completed = subprocess.run(step, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise BuildError(
                f"building oro-ai's engine failed ({' '.join(step[:2])}):\n"
                + "\n".join(completed.stdout.splitlines()[-15:])
                + "\n"
                + "\n".join(completed.stderr.splitlines()[-25:])
            )
    shutil.rmtree(built, ignore_errors=True)
    built.mkdir(parents=True)
    for library in sorted((work / "bin").iterdir()):
        if LIBRARIES.fullmatch(library.name):
            shutil.copy2(library, built / library.name, follow_symlinks=False)
    (built / ".complete").write_text(version, encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
