"""Installing this repository the way a user would: every distribution built with ``uv build``,
then ``oro-framework[all]`` installed from those files into a fresh venv, third-party packages from
the package index through uv's cache.

llama-cpp-python has no Linux wheel on the index: a fresh venv would compile it again (5-9 min on
2 cores), so the wheel uv built for the workspace is taken from uv's cache and offered with
``--find-links``, and building it is refused (``--only-binary``): the install either reuses
that build or fails at once.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from uv import find_uv_bin

__all__ = ["REPOSITORY", "Installed", "build_distributions", "cached_llama_wheel", "install"]

REPOSITORY = Path(__file__).resolve().parents[1]
LLAMA = "llama-cpp-python"


def build_distributions(out: Path) -> list[Path]:
    """The sdist and wheel of every workspace member (each wheel built from its sdist)."""
    subprocess.run(
        [find_uv_bin(), "build", "--quiet", "--all-packages", "--out-dir", str(out)],
        cwd=REPOSITORY,
        check=True,
    )
    return sorted(out.iterdir())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cached_llama_wheel(into: Path) -> Path:
    """The llama-cpp-python wheel in uv's cache that the running environment was installed from
    (matched on a shared library's content), copied into ``into``."""
    distribution = importlib.metadata.distribution(LLAMA)
    version = distribution.version
    library = next(f for f in distribution.files or () if f.name.endswith(".so"))
    installed = _sha256(Path(str(distribution.locate_file(library))).read_bytes())
    cache = Path(
        subprocess.run(
            [find_uv_bin(), "cache", "dir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    candidates = sorted(
        cache.glob(f"sdists-v*/pypi/{LLAMA}/{version}/*/llama_cpp_python-{version}-*.whl"),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for wheel in candidates:
        with zipfile.ZipFile(wheel) as archive:
            if _sha256(archive.read(library.as_posix())) == installed:
                target = into / wheel.name
                target.write_bytes(wheel.read_bytes())
                return target
    raise AssertionError(
        f"no wheel of {LLAMA} {version} in {cache} matches the installed one "
        f"({len(candidates)} candidates): run scripts/bootstrap first"
    )


@dataclass(frozen=True)
class Installed:
    venv: Path
    seconds: float
    packages: dict[str, str]
    """Every distribution in the venv, by normalised name: its version."""

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


def install(venv: Path, requirements: list[str], find_links: list[Path]) -> Installed:
    """A fresh venv at ``venv`` with ``requirements`` installed, timed (venv creation excluded)."""
    uv = find_uv_bin()
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = str(venv / "bin" / "python")
    links = [argument for path in find_links for argument in ("--find-links", str(path))]
    started = time.monotonic()
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", python, "--only-binary", LLAMA, *links,
         *requirements],
        check=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    listed = subprocess.run(
        [uv, "pip", "list", "--python", python, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    packages = {
        entry["name"].lower().replace("_", "-"): entry["version"] for entry in json.loads(listed)
    }
    return Installed(venv, seconds, packages)
