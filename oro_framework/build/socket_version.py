"""Which Socket Runtime an app was written for, where it says so: the banner ``ssc init``
writes at the top of ``socket.ini`` (``; Socket ⚡︎ Runtime · ... · v0.2.13 (c220b0fa)``), else
the ``@socketsupply/socket`` dependency of its ``package.json`` (``"^0.2.13"``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Final

__all__ = ["LEGACY_SCRIPT_ARGUMENTS_BEFORE", "declared_socket_version"]

LEGACY_SCRIPT_ARGUMENTS_BEFORE: Final = (0, 5, 0)
"""Socket before 0.5.0 passed every build script the output folder (and ``--test=true``):
``src/cli/cli.cc`` of v0.4.0, ``buildArgs << " " << pathResourcesRelativeToUserBuild``. From
0.5.0 only ``[build.script] forward_arguments = true`` passes it."""

_BANNER: Final = re.compile(r"Socket\b.*?\bv(\d+)\.(\d+)\.(\d+)")
_RANGE: Final = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_BANNER_LINES: Final = 12
_PACKAGE: Final = "@socketsupply/socket"


def declared_socket_version(app_dir: Path, config_file: Path | None) -> tuple[int, int, int] | None:
    """The Socket version the app declares, or ``None`` where it declares none (or its files do
    not read)."""
    if config_file is not None and config_file.suffix == ".ini":
        try:
            head = config_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            head = []
        for line in head[:_BANNER_LINES]:
            found = _BANNER.search(line)
            if found and line.lstrip().startswith((";", "#")):
                return int(found[1]), int(found[2]), int(found[3])
    try:
        package = json.loads((app_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(package, dict):
        return None
    for section in ("dependencies", "devDependencies"):
        wanted = package.get(section)
        if isinstance(wanted, dict) and isinstance(wanted.get(_PACKAGE), str):
            found = _RANGE.search(wanted[_PACKAGE])
            if found:
                return int(found[1]), int(found[2]), int(found[3])
    return None
