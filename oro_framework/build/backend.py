"""What a build ships of the app's own Python backend: its files, the modules they import and
its ``[backend] requirements``.

The requirements must be installed where ``oro build`` runs, as the plugins must: the build
ships the versions the app was run and tested with, never what an index holds that day.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, final

from packaging.requirements import InvalidRequirement, Requirement

from oro_framework.build.distributions import normalize
from oro_framework.host.errors import BuildError
from oro_framework.records import record

__all__ = [
    "BackendPlan",
    "backend_files",
    "check_requirements",
    "expand_requirements",
    "imported_modules",
    "requirement_status",
]

_SKIPPED_DIRECTORIES: Final = frozenset(
    {"__pycache__", "node_modules", "dist", "build", "site-packages"}
)


@final
@record
class BackendPlan:
    """The backend a build ships.

    :ivar directory: where its code lives (the app directory for ``backend.py``).
    :ivar files: its Python files, relative to ``directory``.
    :ivar requirements: the installed distributions ``[backend] requirements`` names.
    :ivar imports: top-level modules its files import that are neither its own nor a plugin's
        (``json``, ``PIL``): a frozen bundle must carry them although no analysis sees them.
    """

    directory: Path
    files: tuple[Path, ...]
    requirements: tuple[str, ...]
    imports: tuple[str, ...]


def backend_files(directory: Path, skipped: Sequence[Path] = ()) -> list[Path]:
    """The Python files of the backend in ``directory``: its modules and packages, without
    hidden folders, virtual environments, build output and ``skipped``."""
    left_out = [path.resolve() for path in skipped]
    found: list[Path] = []

    def walk(folder: Path, inside_package: bool) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.resolve() in left_out:
                continue
            if entry.is_dir():
                is_package = (entry / "__init__.py").is_file()
                is_venv = (entry / "pyvenv.cfg").is_file()
                if is_package and not is_venv and entry.name not in _SKIPPED_DIRECTORIES:
                    walk(entry, True)
            elif entry.suffix == ".py" and (inside_package or folder == directory):
                found.append(entry.relative_to(directory))

    walk(directory, False)
    return found


def imported_modules(directory: Path, files: Iterable[Path]) -> list[str]:
    """The top-level modules ``files`` import absolutely, other than their own."""
    own = {file.parts[0].removesuffix(".py") for file in files}
    imported: set[str] = set()
    for file in files:
        try:
            tree = ast.parse((directory / file).read_bytes(), filename=str(file))
        except SyntaxError:
            continue  # oro run reports it; the build ships the file as it is
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".", 1)[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".", 1)[0])
    return sorted(imported - own - {"__future__"})


def expand_requirements(app_dir: Path, listed: Sequence[str]) -> list[str]:
    """``[backend] requirements`` with each ``-r FILE`` entry (pip's form, relative to the app)
    replaced by that file's requirements: one per line, ``#`` comments and blank lines left out.

    :raises BuildError: a file that does not exist.
    """
    expanded: list[str] = []
    for entry in listed:
        text = entry.strip()
        if not text.startswith("-r"):
            expanded.append(text)
            continue
        path = app_dir / text.removeprefix("-r").strip()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise BuildError(
                f"[backend] requirements: {entry!r}: {error.strerror}: {path}"
            ) from None
        for line in lines:
            requirement = line.split("#", 1)[0].strip()
            if requirement:
                expanded.append(requirement)
    return expanded


def requirement_status(text: str) -> tuple[str | None, str]:
    """``(distribution, what is installed)`` for one ``[backend] requirements`` entry, the
    distribution ``None`` when it does not apply here (its marker is false).

    :raises BuildError: it does not parse, is not installed or not in a fitting version; the
        message says how to install it.
    """
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise BuildError(
            f"[backend] requirements: {text!r} is not a requirement ({error})"
        ) from None
    if requirement.marker is not None and not requirement.marker.evaluate():
        return None, "not needed on this platform"
    install = f"{sys.executable} -m pip install '{text}'"
    try:
        version = importlib.metadata.version(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        raise BuildError(
            f"[backend] requirements: {requirement.name} is not installed ({install})"
        ) from None
    if not requirement.specifier.contains(version, prereleases=True):
        raise BuildError(
            f"[backend] requirements: {requirement.name} {version} is installed, the app "
            f"needs {text!r} ({install})"
        )
    return normalize(requirement.name), f"{requirement.name} {version}"


def check_requirements(listed: Sequence[str]) -> list[str]:
    """The distributions ``listed`` (``[backend] requirements``) names, each installed here in
    a version its specifier allows.

    :raises BuildError: as :func:`requirement_status`, for the first that is not.
    """
    return [name for text in listed if (name := requirement_status(text)[0]) is not None]
