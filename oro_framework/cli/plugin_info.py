"""``oro plugins info``, ``install`` and ``uninstall``: what one plugin brings to a host, and
adding or removing a plugin distribution in the environment ``oro`` runs from.

Everything a plugin registered is read from a host built for the app (broken plugins skipped),
so ``info`` shows exactly what ``oro run`` would serve: each registry remembers the plugin that
added an entry.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, final
from urllib.parse import unquote, urlparse

from oro_framework.host.app import Host
from oro_framework.host.config import type_name
from oro_framework.host.errors import InstallError
from oro_framework.host.installed import ENTRY_POINT_GROUP
from oro_framework.host.plugins import CORE_DISTRIBUTION, PluginInfo
from oro_framework.host.terminal import terminal_safe
from oro_framework.records import record

__all__ = [
    "PluginDetails",
    "distributions",
    "find_plugins",
    "install_command",
    "plugin_details",
    "plugin_distributions",
    "run_installer",
    "uninstall_command",
]


def normalize(name: str) -> str:
    """A distribution name as installers compare them (PEP 503): ``Oro_FS`` → ``oro-fs``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def find_plugins(infos: Sequence[PluginInfo], name: str) -> list[PluginInfo]:
    """The plugins ``name`` denotes: the one with that entry-point name, else every plugin of the
    distribution of that name (``oro-fs``; ``oro-framework`` gives the core plugins)."""
    exact = [info for info in infos if info.name == name]
    if exact:
        return exact
    wanted = normalize(name)
    return [info for info in infos if info.distribution and normalize(info.distribution) == wanted]


@final
@record
class PluginDetails:
    """One plugin and everything it registered in a host."""

    info: PluginInfo
    location: str | None
    editable: str | None
    """The project directory of an editable install (``pip install -e``), else ``None``."""
    routes: list[dict[str, Any]] = field(default_factory=list)
    config: list[dict[str, Any]] = field(default_factory=list)
    js_modules: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    mounts: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.info.to_json(),
            "location": self.location,
            "editable": self.editable,
            "routes": self.routes,
            "config": self.config,
            "js_modules": self.js_modules,
            "services": self.services,
            "permissions": self.permissions,
            "mounts": self.mounts,
        }

    def render(self) -> str:
        """The text ``oro plugins info`` prints: one line per entry, each
        :func:`~oro_framework.host.terminal.terminal_safe` (the plugin chose its names, docs
        and error; a newline in one is shown as ``\\n``, never a line of its own)."""
        info = self.info
        lines = [f"{info.name}  ({info.entry_point or info.module or 'built in'})"]
        lines.append(f"  distribution: {info.distribution or '-'} {info.version or ''}".rstrip())
        where = self.location or "-"
        if self.editable:
            where += f"  (editable install of {self.editable})"
        lines.append(f"  location: {where}")
        if info.isolated:
            lines.append("  runs: in a process of its own ([plugins] isolate)")
        if info.error is not None:
            hook = f" (in {info.failed_hook})" if info.failed_hook else ""
            lines.append(f"  error{hook}: {info.error}")
        lines.append(f"  hooks: {', '.join(h.removeprefix('oro_') for h in info.hooks) or '-'}")
        lines.extend(
            _section("permissions", [f"{p['name']}: {p['doc']}" for p in self.permissions])
        )
        lines.extend(
            _section(
                "routes", [f"{r['name']}  [{r['permission']}]  {r['doc']}" for r in self.routes]
            )
        )
        lines.extend(
            _section(
                "config",
                [
                    f"{c['key']} ({c['type']}{_default_text(c['default'])})  {c['doc']}"
                    for c in self.config
                ],
            )
        )
        lines.extend(
            _section(
                "js modules",
                [" ".join([m["specifier"], *m["aliases"]]) for m in self.js_modules],
            )
        )
        lines.extend(_section("services", [f"{s['name']}  {s['doc']}" for s in self.services]))
        lines.extend(
            _section(
                "mounts",
                [f"{m['prefix']}  [{m['permission'] or '-'}]  {m['doc']}" for m in self.mounts],
            )
        )
        return "\n".join(terminal_safe(line) for line in lines)


def _section(title: str, rows: list[str]) -> list[str]:
    if not rows:
        return [f"  {title}: -"]
    return [f"  {title}:", *(f"    {row}" for row in rows)]


def _default_text(default: Any) -> str:
    return "" if default is None else f" = {json.dumps(default)}"


def plugin_details(host: Host | None, info: PluginInfo) -> PluginDetails:
    """What ``info``'s plugin registered in ``host`` (nothing for a broken plugin, whose entries
    the host dropped; ``host`` is ``None`` when none could be built)."""
    location, editable = _location(info)
    if host is None or info.error is not None:
        return PluginDetails(info, location, editable)
    name = info.name
    modules: dict[int, dict[str, Any]] = {}
    for specifier, module in host.js_modules.specifiers().items():
        if module.plugin != name:
            continue
        entry = modules.setdefault(
            id(module),
            {
                "specifier": module.specifier,
                "aliases": [],
                "path": str(module.path),
                "preload": module.preload,
            },
        )
        if specifier != module.specifier:
            entry["aliases"].append(specifier)
    return PluginDetails(
        info,
        location,
        editable,
        routes=[
            {"name": r.name, "permission": r.permission, "doc": r.doc, "timeout": r.timeout}
            for r in host.routes.sorted()
            if r.plugin == name
        ],
        config=[
            {
                "key": key.name,
                "type": type_name(key.type),
                "default": key.default,
                "env": list(key.env_names),
                "doc": key.doc,
            }
            for key in sorted(host.config_keys, key=lambda key: key.name)
            if key.plugin == name
        ],
        js_modules=sorted(modules.values(), key=lambda module: str(module["specifier"])),
        services=[
            {"name": s.name, "doc": s.doc, "required": s.required}
            for s in host.services
            if s.plugin == name
        ],
        permissions=[
            {"name": p.name, "doc": p.doc, "default": p.default}
            for p in host.permissions
            if p.plugin == name
        ],
        mounts=[
            {"prefix": m.prefix, "permission": m.permission, "doc": m.doc}
            for m in host.mounts
            if m.plugin == name
        ],
    )


def _location(info: PluginInfo) -> tuple[str | None, str | None]:
    """Where the plugin's code lies (its package directory, or its module file), and the
    project directory when its distribution is an editable install."""
    location: str | None = None
    if info.module:
        try:
            spec = importlib.util.find_spec(info.module)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin not in (None, "built-in", "frozen"):
            origin = Path(str(spec.origin))
            location = str(origin.parent if origin.name == "__init__.py" else origin)
    editable: str | None = None
    if info.distribution:
        try:
            distribution = importlib.metadata.distribution(info.distribution)
        except importlib.metadata.PackageNotFoundError:
            return location, None
        direct = _direct_url(distribution)
        if direct.get("dir_info", {}).get("editable"):
            editable = _file_path(str(direct.get("url", "")))
        if location is None:
            location = str(distribution.locate_file(""))
    return location, editable


def _direct_url(distribution: importlib.metadata.Distribution) -> dict[str, Any]:
    """PEP 610's ``direct_url.json``: how a distribution was installed (``{}`` from an index)."""
    text = distribution.read_text("direct_url.json")
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _file_path(url: str) -> str | None:
    parsed = urlparse(url)
    return unquote(parsed.path) if parsed.scheme == "file" else None


# -------------------------------------------------------------------------------------------------
# Installing and uninstalling
# -------------------------------------------------------------------------------------------------


def distributions() -> dict[str, str]:
    """Every distribution of this environment: normalized name → version."""
    importlib.invalidate_caches()
    return {
        normalize(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    }


def plugin_distributions() -> dict[str, list[str]]:
    """Normalized distribution name → its ``oro`` entry-point names."""
    importlib.invalidate_caches()
    found: dict[str, list[str]] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.dist is not None:
            found.setdefault(normalize(entry_point.dist.name), []).append(entry_point.name)
    return {name: sorted(set(points)) for name, points in found.items()}


def _installer() -> list[str]:
    """The command that installs into this environment: uv when present (fast, and the only
    choice in a venv made by ``uv venv``, which has no pip), else this Python's pip."""
    uv = shutil.which("uv")
    if uv is None:
        try:
            from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            pass
        else:
            uv = str(find_uv_bin())
    if uv is not None:
        return [uv, "pip"]
    if importlib.util.find_spec("pip") is None:
        raise InstallError(
            f"neither uv nor pip is available for {sys.executable}: install uv "
            "(https://docs.astral.sh/uv/) or run `python -m ensurepip`"
        )
    return [sys.executable, "-m", "pip"]


def install_command(specs: Sequence[str]) -> list[str]:
    """The command that installs ``specs`` (pip requirement specifiers, paths, ``-e PATH``)
    into the environment of ``sys.executable``."""
    command = _installer()
    if command[-1] == "pip" and command[0] != sys.executable:
        return [*command, "install", "--python", sys.executable, *specs]
    return [*command, "install", *specs]


def uninstall_command(distributions: Sequence[str]) -> list[str]:
    command = _installer()
    if command[-1] == "pip" and command[0] != sys.executable:
        return [*command, "uninstall", "--python", sys.executable, *distributions]
    return [*command, "uninstall", "--yes", *distributions]


def run_installer(command: Sequence[str]) -> None:
    """Run ``command``, its output going to the terminal.

    :raises InstallError: it failed.
    """
    result = subprocess.run(list(command), check=False, env={**os.environ})
    if result.returncode != 0:
        raise InstallError(f"{' '.join(command)} failed with exit status {result.returncode}")


def is_core(distribution: str) -> bool:
    return normalize(distribution) == CORE_DISTRIBUTION
