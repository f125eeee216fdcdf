"""What a build ships: the app's names and files, and the plugins it needs.

The plugins are ``[build] plugins`` when the app lists them (distribution names). Otherwise a
plugin ships when the app uses it, which the plan finds in three places:

* a module the app's pages import (:mod:`~oro_framework.build.imports`) belongs to it;
* it serves a module every page loads on its own (a *preload* module: oro-conduit's IPC
  transport, which every ``oro:ipc`` call takes);
* ``oro.toml`` sets one of its config keys (``[ai.llm]`` names oro-ai).

oro-framework's own core plugins (ping, platform, os, application...) always ship.
"""

from __future__ import annotations

from pathlib import Path
from typing import final

from oro_framework.build.backend import (
    BackendPlan,
    backend_files,
    check_requirements,
    expand_requirements,
    imported_modules,
)
from oro_framework.build.distributions import import_packages, requirements
from oro_framework.build.icon import png_size
from oro_framework.build.imports import find_specifiers
from oro_framework.build.names import check_version, slugify
from oro_framework.host.app import Host
from oro_framework.host.app_plugins import app_plugin_files
from oro_framework.host.builtin_settings import (
    BackendSettings,
    BuildSettings,
    MetaSettings,
    PluginSettings,
)
from oro_framework.host.config.files import CONFIG_FILE_NAMES, find_config_file
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.host.errors import BuildError
from oro_framework.host.extensions import EXTENSIONS_KEY
from oro_framework.host.plugins import CORE_DISTRIBUTION
from oro_framework.records import record

__all__ = ["AppPlan", "PluginChoice", "plan_build"]


@final
@record
class PluginChoice:
    """One plugin distribution a build ships, and why."""

    distribution: str
    packages: tuple[str, ...]
    """Its top-level import packages (``oro_fs``)."""
    reason: str
    """``[build] plugins``, ``imports oro:fs (main.js)``, ``loads in every page (oro:conduit)``
    or ``configured in oro.toml ([ai.llm] ...)``."""


@final
@record
class AppPlan:
    """Everything the later steps need to know about the app, read once."""

    app_dir: Path
    resources: Path
    """``webview.root``, resolved: the files the app serves."""
    name: str
    """``[meta] name``, shown in launchers."""
    command: str
    """The executable's and the package's name (``[build] name``, else from ``[meta] name``)."""
    version: str
    bundle_identifier: str
    description: str
    maintainer: str
    icon: Path | None
    """``[build] icon`` (a PNG), ``None`` for a drawn default icon."""
    schemes: tuple[str, ...]
    """The app's protocol handler schemes and its application scheme: its deep links."""
    plugins: tuple[PluginChoice, ...]
    left_out: tuple[str, ...]
    """Installed plugin distributions the app does not use: not shipped."""
    backend: BackendPlan | None = None
    """The app's own Python backend, when it has one."""
    app_plugins: tuple[Path, ...] = ()
    """The app's own single-file plugins (``plugins/*.py``, ``[plugins] paths``), relative to
    the app: shipped at the same places, where the built app's host finds them again."""
    app_plugin_imports: tuple[str, ...] = ()
    """The top-level modules they import: data to PyInstaller, as the backend's imports are."""
    config_text: str | None = None
    """The ``oro.toml`` the built app ships when the app's config is an ``oro.ini`` or
    ``socket.ini`` (mapped, with its INI origins as comments); ``None``: its own oro.toml."""


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _used_plugins(host: Host, resources: Path, skipped: list[Path]) -> dict[str, str]:
    """Plugin entry-point name → why the app uses it."""
    reasons: dict[str, str] = {}
    modules = host.js_modules.specifiers()
    for specifier, files in sorted(find_specifiers(resources, skipped=skipped).items()):
        module = modules.get(specifier)
        if module is not None and module.plugin not in reasons:
            where = ", ".join(_relative(path, resources) for path in files[:3])
            reasons[module.plugin] = f"imports {specifier} ({where})"
    for specifier, module in modules.items():
        if module.preload and module.plugin not in reasons:
            reasons[module.plugin] = f"loads in every page ({specifier})"
    for name in host.extensions.available:
        reasons.setdefault(name, f"an extension of the app ({EXTENSIONS_KEY})")
    for key in host.config:
        source = host.config.source(key)
        declared = host.config_keys.find(key)
        if declared is not None and source.partition(":")[0] in CONFIG_FILE_NAMES:
            reasons.setdefault(declared.plugin, f"configured in {source} ({key})")
    return reasons


def _choose(
    host: Host, listed: list[str] | None, resources: Path, skipped: list[Path]
) -> tuple[tuple[PluginChoice, ...], tuple[str, ...]]:
    names_by_distribution: dict[str, list[str]] = {}
    modules_by_distribution: dict[str, set[str]] = {}
    for info in host.plugins:
        if info.distribution is None or info.distribution == CORE_DISTRIBUTION:
            continue
        names_by_distribution.setdefault(info.distribution, []).append(info.name)
        if info.module:
            modules_by_distribution.setdefault(info.distribution, set()).add(
                info.module.split(".", 1)[0]
            )
    if listed is not None:
        unknown = [name for name in listed if name not in names_by_distribution]
        if unknown:
            installed = ", ".join(sorted(names_by_distribution)) or "none"
            raise BuildError(
                f"[build] plugins names {', '.join(map(repr, unknown))}: not an installed oro "
                f"plugin distribution (installed: {installed})"
            )
        reasons = dict.fromkeys(listed, "[build] plugins")
    else:
        used = _used_plugins(host, resources, skipped)
        reasons = {}
        for distribution, names in sorted(names_by_distribution.items()):
            for name in names:
                if name in used:
                    reasons.setdefault(distribution, used[name])
    # A plugin built on another (oro-tls on oro-conduit) needs that one loaded too.
    pending = list(reasons)
    while pending:
        distribution = pending.pop()
        for required in requirements(distribution):
            if required in names_by_distribution and required not in reasons:
                reasons[required] = f"required by {distribution}"
                pending.append(required)
    chosen = tuple(
        PluginChoice(
            distribution,
            tuple(
                sorted(
                    set(import_packages(distribution))
                    | modules_by_distribution.get(distribution, set())
                )
            ),
            reason,
        )
        for distribution, reason in sorted(reasons.items())
    )
    return chosen, tuple(sorted(set(names_by_distribution) - set(reasons)))


def _backend(host: Host, skipped: list[Path]) -> BackendPlan | None:
    """The backend ``host`` loaded, its files and requirements checked.

    :raises BuildError: it does not import, lies outside the app, or a requirement is missing.
    """
    backend = host.backend
    if backend is None:
        return None
    if backend.error is not None:
        raise BuildError(backend.error.message)
    directory = backend.directory or host.app_dir
    if not directory.is_relative_to(host.app_dir):
        raise BuildError(
            f"the backend {backend.source} lies outside the app directory {host.app_dir}: a "
            "build ships only what is inside it"
        )
    files = backend_files(directory, skipped)
    listed = expand_requirements(host.app_dir, host.settings(BackendSettings).requirements)
    requirements = check_requirements(listed)
    return BackendPlan(
        directory, tuple(files), tuple(requirements), tuple(imported_modules(directory, files))
    )


def plan_build(app_dir: Path, *, skipped: list[Path] | None = None) -> AppPlan:
    """Read the app in ``app_dir`` with every installed plugin loaded, and plan its build.

    :param skipped: directories inside the app that are not part of it (the build's output).
    :raises BuildError: the app cannot be built as it is (no config file, bad version, an icon
        that is not a PNG, a listed plugin that is not installed).
    :raises HostError: a plugin is broken or oro.toml is invalid, as ``oro run`` would say.
    """
    config_file = find_config_file(app_dir)
    if not config_file.exists:
        raise BuildError(
            f"{app_dir} is not an app: it has no {', '.join(CONFIG_FILE_NAMES[:-1])} or "
            f"{CONFIG_FILE_NAMES[-1]}"
        )
    # The build machine needs none of the app's secrets: references stay as written.
    host = Host(app_dir, resolve_secrets=False)
    try:
        config = host.config
        meta, build = host.settings(MetaSettings), host.settings(BuildSettings)
        try:
            version = check_version(meta.version)
            command = slugify(build.name or meta.name)
        except ValueError as error:
            raise BuildError(str(error)) from None
        resources = host.paths.resources
        icon = None
        if build.icon:
            icon = (host.app_dir / build.icon).resolve()
            if not icon.is_file():
                raise BuildError(f"[build] icon {str(icon)!r} does not exist")
            try:
                png_size(icon)
            except ValueError as error:
                raise BuildError(str(error)) from None
        listed = build.plugins if config.source("build.plugins") != "default" else None
        plugins, left_out = _choose(host, listed, resources, skipped or [])
        handlers = host.protocol_handlers
        backend = _backend(host, skipped or [])
        # Inside the app by construction: a path outside it never loads (app_plugins.py).
        root = host.app_dir.resolve()
        plugin_files = app_plugin_files(root, host.settings(PluginSettings).paths)
        own_plugins = tuple(path.relative_to(root) for path in plugin_files)
        return AppPlan(
            app_dir=host.app_dir,
            resources=resources,
            name=meta.name,
            command=command,
            version=version,
            bundle_identifier=meta.bundle_identifier,
            description=meta.description,
            maintainer=meta.maintainer,
            icon=icon,
            schemes=handlers.deep_link_schemes(),
            plugins=plugins,
            left_out=left_out,
            backend=backend,
            app_plugins=own_plugins,
            app_plugin_imports=tuple(imported_modules(root, own_plugins)),
            config_text=(
                ini_file_as_toml(config_file.path, host.config_keys)[0]
                if config_file.is_ini
                else None
            ),
        )
    finally:
        host.close()
