"""What a build ships: the app's names and files, and the plugins it needs.

The plugins are ``[build] plugins`` when the app lists them (distribution names); a list that
leaves out a plugin the pages import is refused. Otherwise a plugin ships when the app uses it,
which the plan finds in four places:

* a module the app's pages import (:mod:`~oro_framework.build.imports`) belongs to it; a page
  that imports a module of a plugin that is not installed stops the build;
* the backend imports its Python package;
* it serves a module every page loads on its own (a *preload* module: oro-conduit's IPC
  transport, which every ``oro:ipc`` call takes);
* ``oro.toml`` sets one of its config keys (``[ai.llm]`` names oro-ai).

The app's tests (:data:`TEST_FOLDERS`, ``[test] files``) neither ship nor choose plugins.

oro-framework's own core plugins (ping, platform, os, application...) always ship.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final, final

from oro_framework.build.backend import (
    BackendPlan,
    backend_files,
    check_requirements,
    expand_requirements,
    imported_modules,
)
from oro_framework.build.distributions import import_packages, requirements
from oro_framework.build.icon import png_size
from oro_framework.build.imports import (
    ImportSite,
    distribution_of,
    find_specifiers,
    import_map_specifiers,
    where,
)
from oro_framework.build.names import check_version, slugify
from oro_framework.host.app import Host
from oro_framework.host.app_plugins import app_plugin_files
from oro_framework.host.builtin_settings import (
    BackendSettings,
    BuildSettings,
    MetaSettings,
    PluginSettings,
    TestSettings,
    WebviewSettings,
)
from oro_framework.host.config.files import CONFIG_FILE_NAMES, find_config_file
from oro_framework.host.config.ini_map import ini_file_as_toml
from oro_framework.host.errors import BuildError
from oro_framework.host.extensions import EXTENSIONS_KEY
from oro_framework.host.plugin_modules import is_installed
from oro_framework.host.plugins import CORE_DISTRIBUTION
from oro_framework.records import record
from oro_framework.web.import_maps import import_map_candidates

__all__ = ["TEST_FOLDERS", "AppPlan", "PluginChoice", "plan_build"]

TEST_FOLDERS: Final = ("test", "tests")
"""Folders of an app (or of its ``webview.root``) that hold its tests, which no build ships."""


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
    left_out_because: str = ""
    """Why they are left out, as the build says it (``not in [build] plugins``)."""
    tests: tuple[Path, ...] = ()
    """The app's ``oro test`` tests (folders and files, absolute): not shipped, and their
    imports choose no plugin."""
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


def _page_imports(host: Host, resources: Path, skipped: list[Path]) -> dict[str, list[ImportSite]]:
    """The modules the app's pages import (and its own import map file names), with where."""
    found = find_specifiers(resources, skipped=skipped)
    importmap = host.settings(WebviewSettings).importmap
    candidates, _refused = import_map_candidates(importmap, [resources, host.app_dir])
    for path in candidates:
        if path.is_file():
            for specifier in sorted(import_map_specifiers(path)):
                found.setdefault(specifier, []).append(ImportSite(path, 1))
            break
    return found


def _plugin_distributions(host: Host, packages: dict[str, set[str]]) -> dict[str, str]:
    """Plugin entry-point name → its distribution, for the plugin distributions in ``packages``."""
    return {
        info.name: info.distribution
        for info in host.plugins
        if info.distribution is not None and info.distribution in packages
    }


def _imported(
    host: Host, imports: dict[str, list[ImportSite]], distributions: dict[str, str], root: Path
) -> dict[str, tuple[str, str]]:
    """Plugin distribution → the first module of it the pages import, and where
    (``("oro:ai", "main.js:2")``).

    :raises BuildError: a page imports a module of a plugin that is not installed (or not
        loaded), naming each such import and what to install.
    """
    needed: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    served = host.js_modules.specifiers()
    loaded = set(distributions.values())
    for specifier, sites in sorted(imports.items()):
        distribution = distribution_of(specifier, served, distributions)
        if distribution is None:
            continue
        if distribution not in loaded:
            state = (
                "is installed but not loaded (ORO_LOAD_PLUGINS, ORO_DISABLE_PLUGINS or "
                "[plugins] disable leave it out)"
                if is_installed(distribution)
                else f"is not installed: pip install {distribution}"
            )
            missing.append(
                f"{where(sites, root)} imports {specifier}, whose plugin {distribution} {state}"
            )
        needed.setdefault(distribution, (specifier, where(sites, root)))
    if missing:
        raise BuildError(
            "; ".join(missing) + ". The page would not load without it: make it available and "
            "build again, or remove the import"
        )
    return needed


def _used_plugins(
    host: Host,
    imports: dict[str, list[ImportSite]],
    backend_modules: Iterable[str],
    packages: dict[str, set[str]],
    resources: Path,
) -> dict[str, str]:
    """Plugin distribution → why the app uses it: its pages import one of its modules, its
    backend imports its package, it loads in every page, the app names it as an extension or
    oro.toml sets one of its keys.

    :param packages: each installed plugin distribution's top-level import packages.
    """
    distributions = _plugin_distributions(host, packages)
    reasons = {
        distribution: f"imports {specifier} ({sites})"
        for distribution, (specifier, sites) in _imported(
            host, imports, distributions, resources
        ).items()
    }
    for module in sorted(backend_modules):
        for distribution, names in sorted(packages.items()):
            if module in names:
                reasons.setdefault(distribution, f"imported by the backend ({module})")
    named: list[tuple[str, str]] = [
        (module.plugin, f"loads in every page ({specifier})")
        for specifier, module in host.js_modules.specifiers().items()
        if module.preload
    ]
    named += [
        (name, f"an extension of the app ({EXTENSIONS_KEY})") for name in host.extensions.available
    ]
    for key in host.config:
        source = host.config.source(key)
        declared = host.config_keys.find(key)
        if declared is not None and source.partition(":")[0] in CONFIG_FILE_NAMES:
            named.append((declared.plugin, f"configured in {source} ({key})"))
    for plugin, reason in named:
        if plugin in distributions:
            reasons.setdefault(distributions[plugin], reason)
    return reasons


def _check_listed(
    host: Host,
    imports: dict[str, list[ImportSite]],
    shipped: Iterable[str],
    packages: dict[str, set[str]],
    resources: Path,
) -> None:
    """Refuse a ``[build] plugins`` that leaves out a plugin the pages import.

    :raises BuildError: naming the import, the plugin and what to do.
    """
    needed = _imported(host, imports, _plugin_distributions(host, packages), resources)
    left_out = sorted(set(needed) - set(shipped))
    if left_out:
        said = "; ".join(
            f"{needed[name][1]} imports {needed[name][0]}, whose plugin is {name}"
            for name in left_out
        )
        listed = ", ".join(f'"{name}"' for name in left_out)
        raise BuildError(
            f"[build] plugins leaves out a plugin the pages import: {said}. Add {listed} to "
            "[build] plugins, or remove the import: the page would not load without it"
        )


def _choose(
    host: Host,
    listed: list[str] | None,
    imports: dict[str, list[ImportSite]],
    backend_modules: Iterable[str],
    resources: Path,
) -> tuple[tuple[PluginChoice, ...], tuple[str, ...]]:
    names_by_distribution: dict[str, list[str]] = {}
    packages: dict[str, set[str]] = {}
    for info in host.plugins:
        if info.distribution is None or info.distribution == CORE_DISTRIBUTION:
            continue
        names_by_distribution.setdefault(info.distribution, []).append(info.name)
        packages.setdefault(info.distribution, set(import_packages(info.distribution)))
        if info.module:
            packages[info.distribution].add(info.module.split(".", 1)[0])
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
        reasons = _used_plugins(host, imports, backend_modules, packages, resources)
    # A plugin built on another (oro-tls on oro-conduit) needs that one loaded too.
    pending = list(reasons)
    while pending:
        distribution = pending.pop()
        for required in requirements(distribution):
            if required in names_by_distribution and required not in reasons:
                reasons[required] = f"required by {distribution}"
                pending.append(required)
    if listed is not None:
        _check_listed(host, imports, reasons, packages, resources)
    chosen = tuple(
        PluginChoice(distribution, tuple(sorted(packages[distribution])), reason)
        for distribution, reason in sorted(reasons.items())
    )
    return chosen, tuple(sorted(set(names_by_distribution) - set(reasons)))


def _test_paths(host: Host, resources: Path) -> tuple[Path, ...]:
    """The app's ``oro test`` tests: its ``test/`` and ``tests/`` folders and the files
    ``[test] files`` matches, in the app folder and in ``webview.root``."""
    found: dict[Path, None] = {}
    for root in dict.fromkeys((host.app_dir.resolve(), resources.resolve())):
        for name in TEST_FOLDERS:
            if (root / name).is_dir():
                found.setdefault(root / name)
        for pattern in host.settings(TestSettings).files:
            try:
                matches = sorted(root.glob(pattern))
            except (ValueError, NotImplementedError):  # an absolute or empty pattern
                continue
            found.update(dict.fromkeys(path for path in matches if path.is_relative_to(root)))
    return tuple(found)


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
        tests = _test_paths(host, resources)
        left_alone = [*(skipped or []), *tests]
        backend = _backend(host, left_alone)
        plugins, left_out = _choose(
            host,
            listed,
            _page_imports(host, resources, left_alone),
            backend.imports if backend is not None else (),
            resources,
        )
        handlers = host.protocol_handlers
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
            left_out_because=(
                "not in [build] plugins"
                if listed is not None
                else "not imported by a page, not named in backend.py, no config key"
            ),
            tests=tests,
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
