"""Check built distributions as a package index would, before anything is uploaded.

``scripts/build-dists`` builds every sdist and wheel of the repository into a folder and runs
this on it; ``python scripts/check_dists.py FOLDER`` runs it alone. For each wheel and sdist it
checks what ``twine check`` and PyPI's upload check, and what an oro plugin needs:

* the metadata parses and validates (:class:`packaging.metadata.Metadata`): name, version,
  summary, a licence expression, ``Requires-Python``, a Markdown description;
* every classifier is one PyPI knows (``trove-classifiers``, which hatchling checks too);
* oro-framework and every distribution that requires it (its plugins) carry the version they
  all share, and require oro-framework and each other within :func:`compatible_specifier` of
  it; a plugin's wheel declares entry points of group ``oro`` whose modules it holds, and the
  keyword :data:`PLUGIN_KEYWORD`; ``Typing :: Typed`` means each package ships ``py.typed``;
* an sdist holds ``PKG-INFO``, ``pyproject.toml`` and its README, with the wheel's name and
  version.

Distributions that do not require oro-framework (the model carriers of ``models/``) version on
their own.
It prints one line per distribution and each problem, and exits 1 when there is any.
"""

from __future__ import annotations

import configparser
import email.parser
import re
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.metadata import Metadata
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from trove_classifiers import classifiers as KNOWN_CLASSIFIERS

FRAMEWORK = "oro-framework"
PLUGIN_KEYWORD = "oro-plugin"
"""How the package index finds oro plugins (``keywords`` in ``pyproject.toml``)."""
ENTRY_POINT_GROUP = "oro"


def compatible_specifier(version: str) -> str:
    """The versions of oro-framework a plugin written against ``version`` runs on: its release
    series, ``>=0.1,<0.2`` for ``0.1.3`` (before 1.0 a minor release may change the plugin API),
    ``>=1.4,<2`` for ``1.4.0`` (from 1.0 on only a major one does)."""
    parsed = Version(version)
    major, minor = parsed.major, parsed.minor
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"


@dataclass
class Built:
    """One distribution's wheel and sdist, as read from a folder."""

    name: str
    version: str = ""
    metadata: Metadata | None = None
    wheel: Path | None = None
    sdist: Path | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def is_oro(self) -> bool:
        """oro-framework, or a distribution that requires it."""
        return self.name == FRAMEWORK or (
            self.metadata is not None
            and any(
                canonicalize_name(r.name) == FRAMEWORK for r in self.metadata.requires_dist or []
            )
        )


def _parse(raw: bytes) -> tuple[Metadata | None, list[str]]:
    """The metadata in ``raw`` (a ``METADATA``/``PKG-INFO`` file), validated as an index does."""
    try:
        return Metadata.from_email(raw, validate=True), []
    except ExceptionGroup as group:
        return None, [f"metadata: {error}" for error in group.exceptions]


def _metadata_problems(metadata: Metadata) -> list[str]:
    """What an index's page or installer would miss in ``metadata``."""
    problems = [
        f"metadata: no {label}"
        for label, value in (
            ("Summary (description)", metadata.summary),
            ("License-Expression (license)", metadata.license_expression),
            ("Requires-Python", metadata.requires_python),
            ("Description (readme)", metadata.description),
        )
        if not value
    ]
    if metadata.description and metadata.description_content_type != "text/markdown":
        problems.append(
            f"metadata: description is {metadata.description_content_type or 'of no type'}; "
            "the index renders it as Markdown only when it is text/markdown (a README.md)"
        )
    for classifier in metadata.classifiers or []:
        if classifier not in KNOWN_CLASSIFIERS:
            problems.append(f"classifier {classifier!r} is not one PyPI accepts")
    return problems


def _read_wheel(path: Path) -> tuple[Metadata | None, list[str]]:
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        info = next((n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)), None)
        if info is None:
            return None, ["wheel: no .dist-info/METADATA"]
        metadata, problems = _parse(wheel.read(info))
        if metadata is None:
            return None, problems
        problems += _metadata_problems(metadata)
        entry_points = info.replace("METADATA", "entry_points.txt")
        text = wheel.read(entry_points).decode() if entry_points in names else ""
        problems += _entry_point_problems(metadata, text, names)
        problems += _typed_problems(metadata, names)
    return metadata, problems


def _entry_point_problems(metadata: Metadata, text: str, names: list[str]) -> list[str]:
    """A plugin's wheel (it requires oro-framework) must name its plugins in group ``oro``,
    each a module the wheel holds, and carry the keyword that finds it."""
    requires = {canonicalize_name(r.name) for r in metadata.requires_dist or []}
    is_plugin = canonicalize_name(metadata.name) == FRAMEWORK or FRAMEWORK in requires
    entry_points = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    entry_points.optionxform = str  # type: ignore[assignment,method-assign]
    entry_points.read_string(text)
    if not entry_points.has_section(ENTRY_POINT_GROUP):
        if is_plugin:
            return [f"wheel: no entry point of group {ENTRY_POINT_GROUP!r}: no host loads it"]
        return []
    problems = []
    if canonicalize_name(metadata.name) != FRAMEWORK and PLUGIN_KEYWORD not in (
        metadata.keywords or []
    ):
        problems.append(f"metadata: no keyword {PLUGIN_KEYWORD!r}: the index will not find it")
    for name, target in entry_points.items(ENTRY_POINT_GROUP):
        module = target.partition(":")[0].strip().replace(".", "/")
        if f"{module}.py" not in names and f"{module}/__init__.py" not in names:
            problems.append(f"entry point {name} = {target}: the wheel holds no {module}.py")
    return problems


def _typed_problems(metadata: Metadata, names: list[str]) -> list[str]:
    """``Typing :: Typed`` promises a ``py.typed`` in each of the wheel's packages."""
    if "Typing :: Typed" not in (metadata.classifiers or []):
        return []
    packages = {name.split("/")[0] for name in names if name.endswith("/__init__.py")}
    return [
        f"classifier 'Typing :: Typed' but {package}/py.typed is missing"
        for package in sorted(packages)
        if f"{package}/py.typed" not in names
    ]


def _read_sdist(path: Path) -> tuple[tuple[str, str] | None, list[str]]:
    """The sdist's name and version from its ``PKG-INFO``, and what it lacks."""
    with tarfile.open(path) as sdist:
        members = {member.name for member in sdist.getmembers()}
        top = min(members, key=len).split("/")[0]
        missing = [
            f"sdist: no {name}"
            for name in ("PKG-INFO", "pyproject.toml")
            if f"{top}/{name}" not in members
        ]
        if missing:
            return None, missing
        info = sdist.extractfile(f"{top}/PKG-INFO")
        assert info is not None
        headers = email.parser.BytesParser().parse(info)
        readme = [m for m in members if re.fullmatch(rf"{re.escape(top)}/README(\.\w+)?", m)]
        problems = [] if readme else ["sdist: no README"]
    return (headers["Name"], headers["Version"]), problems


def collect(folder: Path) -> dict[str, Built]:
    """Every distribution whose wheel or sdist is in ``folder``, read and checked on its own."""
    built: dict[str, Built] = {}
    for wheel in sorted(folder.glob("*.whl")):
        metadata, problems = _read_wheel(wheel)
        name = canonicalize_name(metadata.name if metadata else wheel.name.split("-")[0])
        entry = built.setdefault(name, Built(name))
        entry.wheel, entry.metadata, entry.problems = wheel, metadata, problems
        entry.version = str(metadata.version) if metadata else ""
    for sdist in sorted(folder.glob("*.tar.gz")):
        identity, problems = _read_sdist(sdist)
        name = canonicalize_name(identity[0] if identity else sdist.name.rsplit("-", 1)[0])
        entry = built.setdefault(name, Built(name))
        entry.sdist = sdist
        entry.problems += problems
        if identity is not None and entry.version and identity[1] != entry.version:
            entry.problems.append(f"sdist is version {identity[1]}, the wheel {entry.version}")
    for entry in built.values():
        if entry.wheel is None:
            entry.problems.append("no wheel")
        if entry.sdist is None:
            entry.problems.append("no sdist")
    return built


def check_together(built: dict[str, Built]) -> None:
    """The distributions marked as oro's share one version and require each other within its
    release series (:func:`compatible_specifier`): record what breaks that on each."""
    ours = {name: entry for name, entry in built.items() if entry.is_oro}
    framework = ours.get(FRAMEWORK)
    shared = framework.version if framework else None
    for entry in ours.values():
        if shared is not None and entry.version != shared:
            entry.problems.append(f"version {entry.version}, but {FRAMEWORK} is {shared}")
        assert entry.metadata is not None
        for requirement in entry.metadata.requires_dist or []:
            other = canonicalize_name(requirement.name)
            if other == entry.name or (other != FRAMEWORK and other not in ours):
                continue
            if entry.name == FRAMEWORK and requirement.marker == Marker('extra == "all"'):
                continue  # the plugins oro-framework[all] names, released with it
            wanted = compatible_specifier(shared or entry.version)
            if requirement.specifier != SpecifierSet(wanted):
                entry.problems.append(
                    f"requires {requirement.name}{requirement.specifier or ' (unbounded)'}; "
                    f"the release series is {requirement.name}{wanted}"
                )


def check(folder: Path) -> dict[str, Built]:
    """Every distribution in ``folder``, each with its problems (none when all is well)."""
    built = collect(folder)
    check_together(built)
    return built


def report(built: list[Built]) -> int:
    """Print one line per distribution and its problems; 1 when there are any."""
    failed = 0
    for entry in built:
        files = ", ".join(path.name for path in (entry.wheel, entry.sdist) if path is not None)
        print(f"{'FAIL' if entry.problems else 'ok  '} {entry.name} {entry.version}: {files}")
        for problem in entry.problems:
            print(f"       {problem}")
        failed += bool(entry.problems)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: check_dists.py FOLDER  (the wheels and sdists to check)", file=sys.stderr)
        return 2
    built = check(Path(argv[0]))
    if not built:
        print(f"no wheel or sdist in {argv[0]}", file=sys.stderr)
        return 1
    return report(list(built.values()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
