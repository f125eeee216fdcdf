"""The Python distributions a system package needs: the host, the shipped plugins and what
they require, each with every requirement stated on it and the plugin that brought it in."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import field
from typing import Final, final

from packaging.specifiers import SpecifierSet

from oro_framework.build.distributions import normalize, unconditional_requirements
from oro_framework.records import record

__all__ = ["LEFT_TO_THE_ENGINE", "Needed", "needed_distributions", "reachable"]

LEFT_TO_THE_ENGINE: Final = frozenset({"pywebview", "pyqt6", "pyqt6-webengine", "pygobject"})
"""Never shipped in a system package: the window is the distro's WebKitGTK through its own
``python3-gi``, and nothing of Qt goes along."""


@final
@record(frozen=False)
class Needed:
    """One distribution to ship."""

    name: str
    """Normalized (``trio-websocket``)."""
    version: str
    """The version installed here: the one the app was tried with."""
    specifier: SpecifierSet = field(default_factory=SpecifierSet)
    """Every requirement on it, together."""
    via: set[str] = field(default_factory=set)
    """The top distributions (the host, a plugin) that brought it in."""
    requires: set[str] = field(default_factory=set)
    """What it requires, among the needed ones."""


def needed_distributions(tops: Iterable[str]) -> dict[str, Needed]:
    """``tops`` (installed distributions) and everything they require unconditionally, by
    normalized name; a requirement not installed here is left out, as the app never ran
    with it."""
    needed: dict[str, Needed] = {}
    for top in tops:
        pending = [(normalize(top), SpecifierSet())]
        while pending:
            name, specifier = pending.pop()
            if name in LEFT_TO_THE_ENGINE:
                continue
            try:
                distribution = importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                continue
            entry = needed.get(name)
            first = entry is None
            if entry is None:
                entry = needed[name] = Needed(name, distribution.version)
            entry.specifier &= specifier
            if normalize(top) in entry.via and not first:
                continue
            entry.via.add(normalize(top))
            for requirement in unconditional_requirements(distribution):
                entry.requires.add(normalize(requirement.name))
                pending.append((normalize(requirement.name), requirement.specifier))
    for entry in needed.values():
        entry.requires &= needed.keys()
    return needed


def reachable(needed: dict[str, Needed], tops: Iterable[str], through: set[str]) -> set[str]:
    """The names reached from ``tops`` by following requirements of ``through`` only (what a
    package carries: a distro package's own requirements are the distro's business)."""
    seen: set[str] = set()
    pending = [normalize(top) for top in tops if normalize(top) in needed]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in through:
            pending.extend(needed[name].requires)
    return seen
