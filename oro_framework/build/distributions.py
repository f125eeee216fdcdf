"""What an installed distribution brings into a build: its import packages and requirements."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement

__all__ = ["import_packages", "normalize", "requirements", "unconditional_requirements"]


def normalize(name: str) -> str:
    """A distribution's name as PEP 503 compares them (``Trio_WebSocket`` → ``trio-websocket``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def unconditional_requirements(
    distribution: importlib.metadata.Distribution,
) -> Iterator[Requirement]:
    """What ``distribution`` requires with no extra and no marker that fails here."""
    for line in distribution.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            yield requirement


def requirements(distribution: str) -> list[str]:
    """The normalized names of what ``distribution`` requires unconditionally (no extras, no
    markers that do not hold here), installed or not."""
    try:
        found = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return []
    return [normalize(requirement.name) for requirement in unconditional_requirements(found)]


def import_packages(distribution: str) -> list[str]:
    """The top-level packages ``distribution`` installs: from ``top_level.txt``, else from its
    recorded files, else (an editable install records only a ``.pth``) its own name."""
    try:
        found = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return []
    listed = (found.read_text("top_level.txt") or "").split()
    if listed:
        return sorted(set(listed))
    packages = set()
    for file in found.files or ():
        parts = file.parts
        is_inside_package = len(parts) > 1 and parts[0] != ".."
        if is_inside_package and file.suffix == ".py" and not parts[0].endswith(".data"):
            packages.add(parts[0])
    if packages:
        return sorted(packages)
    guess = normalize(distribution).replace("-", "_")
    return [guess] if importlib.util.find_spec(guess) is not None else []
