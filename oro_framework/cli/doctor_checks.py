"""What ``oro doctor`` checks: the pieces an app, its window and its tests rely on, what each
plugin reports about its own (``oro_doctor_checks``: oro-ai its CPU, llama.cpp and model), and
whether every plugin loads and builds. Each check is ``ok``, ``warn`` (an optional piece is
missing) or ``fail`` (``oro doctor`` exits with status 1) and carries a one-line fix."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from oro_framework.cli.backend_source import (
    NOT_IMPORTED,
    describe_backend,
    parse_backend,
    static_commands,
)
from oro_framework.cli.shared_libraries import (
    DEBIAN_PACKAGES,
    missing_libraries,
    qt_xcb_plugin,
)
from oro_framework.gui.engines import ENGINE_LABELS, choose_engine, probe_engine
from oro_framework.gui.gtk.healing import software_path_reason
from oro_framework.host.app_backend import AppBackend
from oro_framework.host.builtin_settings import BackendSettings
from oro_framework.host.checks import DoctorCheck
from oro_framework.host.config import ConfigRegistry
from oro_framework.host.config.files import CONFIG_FILE_NAMES, DOC, AppConfigFile
from oro_framework.host.config.ini import parse_ini, read_ini
from oro_framework.host.config.ini_map import map_ini
from oro_framework.host.errors import BuildError, ConfigError, HostError
from oro_framework.host.hooks import HookCaller
from oro_framework.host.plugins import LoadedPlugins, PluginInfo

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = ["ini_checks", "plugin_checks", "run_checks"]

CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _version_of(executable: str) -> str:
    try:
        completed = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{executable} (version unknown: {error})"
    output = (completed.stdout or completed.stderr).strip()
    return output.splitlines()[0] if output else executable


def _gui_backends() -> list[DoctorCheck]:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    on_desktop = sys.platform in ("darwin", "win32") or has_display
    checks = [
        DoctorCheck(
            "display",
            on_desktop,
            "available"
            if on_desktop
            else "none (DISPLAY/WAYLAND_DISPLAY unset): apps run headless",
            hint="run from a desktop session for windows; `oro run --headless` works anywhere",
        ),
        DoctorCheck(
            "pywebview",
            _has_module("webview"),
            "installed" if _has_module("webview") else "missing",
            hint="pip install 'oro-framework[qt]'",
        ),
    ]
    checks.append(_system_engine())
    checks.append(_qt_backend())
    checks.append(_default_engine())
    return checks


def _system_engine() -> DoctorCheck:
    status = probe_engine("system")
    if not status.available:
        return DoctorCheck(
            "engine system (WebKitGTK 4.1)",
            False,
            f"not available: {status.problem}",
            hint=status.install,
        )
    detail = f"WebKitGTK {status.version}"
    software = software_path_reason()
    if software is not None:
        detail += f"; on the software path: {software}"
    return DoctorCheck("engine system (WebKitGTK 4.1)", True, detail)


def _default_engine() -> DoctorCheck:
    engine = choose_engine(None)
    return DoctorCheck(
        "engine default",
        True,
        f"{engine} ({ENGINE_LABELS[engine]}); `--webview system|qt` or [webview] engine picks one",
    )


def _qt_backend() -> DoctorCheck:
    name = "engine qt (QtWebEngine)"
    status = probe_engine("qt")
    if not (_has_module("PyQt6") and _has_module("PyQt6.QtWebEngineWidgets")):
        return DoctorCheck(name, False, f"not available: {status.problem}", hint=status.install)
    plugin = qt_xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if not missing:
        return DoctorCheck(name, True, f"PyQt6-WebEngine {status.version}")
    packages = sorted({DEBIAN_PACKAGES.get(soname, soname) for soname in missing})
    return DoctorCheck(
        name,
        False,
        f"installed, but its X11 plugin cannot load: {', '.join(missing)} not found",
        hint=f"apt-get install {' '.join(packages)} (or use the system engine)",
    )


def _chromium() -> DoctorCheck:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return DoctorCheck("chromium (browser tests)", True, f"{_version_of(path)} at {path}")
    return DoctorCheck(
        "chromium (browser tests)",
        False,
        "not found",
        hint="apt-get install chromium (or: playwright install chromium)",
    )


def _node() -> DoctorCheck:
    path = shutil.which("node")
    if path is None:
        return DoctorCheck(
            "node (JS unit tests)", False, "not found", hint="install Node.js 20 or newer"
        )
    return DoctorCheck("node (JS unit tests)", True, f"{_version_of(path)} at {path}")


def _plugins(infos: Iterable[PluginInfo]) -> list[DoctorCheck]:
    checks = []
    for info in infos:
        installed = f"{info.distribution or info.module or '-'} {info.version or ''}".strip()
        detail = installed if info.error is None else f"broken ({installed}): {info.error}"
        package = info.distribution or info.module or info.name
        checks.append(
            DoctorCheck(
                f"plugin {info.name}",
                info.error is None,
                detail,
                required=True,
                hint=f"pip install --upgrade {package} (or uninstall it); the app runs "
                "without it unless it requires it",
            )
        )
    return checks


def _app(app_dir: Path, error: HostError | None, config_file: AppConfigFile | None) -> DoctorCheck:
    if config_file is not None and not config_file.exists:
        # Plugins still load there, but there is no app to speak of.
        return DoctorCheck(
            "app",
            False,
            f"{app_dir}: no {', '.join(CONFIG_FILE_NAMES)}: not an app",
            hint="`oro init DIR` creates one; `oro doctor --app DIR` checks the app in DIR",
        )
    if error is None:
        read = f" (read from {config_file.path.name})" if config_file is not None else ""
        return DoctorCheck("app", True, f"{app_dir} builds{read}", required=True)
    return DoctorCheck(
        "app",
        False,
        f"{app_dir}: {type(error).__name__}: {error}",
        required=True,
        hint="fix the file and line named above (`oro config list` shows every value)",
    )


def backend_checks(host: Host) -> list[DoctorCheck]:
    """The app's backend: whether it imports, and each ``[backend] requirements`` entry
    installed in a fitting version (what ``oro build`` ships)."""
    # Imported here: a built app carries no build package, and its `oro` imports this module.
    from oro_framework.build.backend import expand_requirements, requirement_status

    backend = host.backend
    if backend is None:
        return []
    if not backend.imported:
        checks = [_backend_source_check(host.app_dir, backend)]
        if not checks[0].ok:
            return checks
    elif backend.error is not None:
        return [
            DoctorCheck(
                "backend",
                False,
                backend.error.message,
                required=True,
                hint="fix the file and line named above; `oro dev` shows it in the page too",
            )
        ]
    else:
        checks = [DoctorCheck("backend", True, f"{backend.source} imports")]
    try:
        listed = expand_requirements(host.app_dir, host.settings(BackendSettings).requirements)
    except BuildError as error:
        return [*checks, DoctorCheck("backend requirements", False, str(error), required=True)]
    for text in listed:
        try:
            _name, installed = requirement_status(str(text))
        except BuildError as error:
            why, _, fix = str(error).rpartition(" (")
            checks.append(
                DoctorCheck(
                    f"backend requirement {text}",
                    False,
                    why,
                    required=True,
                    hint=fix.rstrip(")"),
                )
            )
        else:
            checks.append(DoctorCheck(f"backend requirement {text}", True, installed))
    return checks


def _backend_source_check(app_dir: Path, backend: AppBackend) -> DoctorCheck:
    """Whether the backend's source parses, read without importing it: a doctor looking at a
    downloaded app must not run it."""
    shown = describe_backend(app_dir, backend)
    try:
        tree = parse_backend(backend)
    except (SyntaxError, OSError) as error:
        return DoctorCheck(
            "backend",
            False,
            f"{shown} does not parse: {error}",
            required=True,
            hint="fix the file and line named above; `oro dev` shows it in the page too",
        )
    if tree is None:
        return DoctorCheck("backend", True, f"{shown} ({NOT_IMPORTED}; oro run imports it)")
    names = ", ".join(spec.name for spec in static_commands(tree)) or "none"
    return DoctorCheck(
        "backend",
        True,
        f"{shown} parses, commands: {names} ({NOT_IMPORTED}; oro run imports it)",
    )


def run_checks(
    plugins: Iterable[PluginInfo],
    *,
    app_dir: Path,
    app_error: HostError | None = None,
    plugin_checks: Sequence[DoctorCheck] = (),
    config_file: AppConfigFile | None = None,
    config_checks: Sequence[DoctorCheck] = (),
) -> list[DoctorCheck]:
    """Every check, in the order ``oro doctor`` prints them.

    :param plugins: every plugin, broken ones with their error.
    :param app_dir: the app that was built to find the plugins' hook failures.
    :param app_error: why that app could not be built, if it could not.
    :param plugin_checks: what the plugins report from ``oro_doctor_checks``.
    :param config_file: the app's config file, as the host finds it.
    :param config_checks: what reading it said (an INI's mapping), after the app's line.
    """
    from oro_framework import __version__

    plugins = list(plugins)
    return [
        DoctorCheck(
            "python",
            sys.version_info >= (3, 11),
            f"{platform.python_version()} at {sys.executable}",
            required=True,
        ),
        DoctorCheck("oro-framework", True, __version__),
        DoctorCheck("platform", True, f"{sys.platform} {platform.machine()}"),
        *_gui_backends(),
        _chromium(),
        _node(),
        *plugin_checks,
        _app(app_dir, app_error, config_file),
        *config_checks,
        *_plugins(plugins),
    ]


def ini_checks(config_file: AppConfigFile, registry: ConfigRegistry) -> list[DoctorCheck]:
    """What oro makes of an app's ``oro.ini`` or ``socket.ini``: a line for the keys it maps and
    one for those it does not honour (each also warned about, with its line). Nothing for an
    ``oro.toml``, or for an INI the app's line reports as broken."""
    if not config_file.is_ini:
        return []
    try:
        text = read_ini(config_file.path)
        mapped = map_ini(parse_ini(text, config_file.path), registry, config_file.path)
    except (OSError, ConfigError):
        return []
    name = config_file.path.name
    keys = ", ".join(key.dotted for key in mapped.keys) or "none"
    checks = [DoctorCheck(f"config {name}", True, f"read as these oro.toml keys: {keys}")]
    # A value no spelling covers (height = tall) keeps its key's default: not honoured either.
    unread = [note.origin.name for note in mapped.notes + mapped.invalid]
    if unread:
        checks.append(
            DoctorCheck(
                f"config {name} not honoured",
                False,
                ", ".join(unread),
                hint=f"why, key by key: the warnings above and {DOC}; "
                f"`oro init --from {name}` writes the oro.toml to edit instead",
            )
        )
    return checks


def plugin_checks(loaded: LoadedPlugins) -> list[DoctorCheck]:
    """Every line the plugins in ``loaded`` report from ``oro_doctor_checks``, in plugin order.
    A plugin whose hook raises gets a failed line naming the error, and the others still
    report."""
    found: list[DoctorCheck] = []
    for plugin, caller in HookCaller(loaded).implementers("oro_doctor_checks"):
        try:
            for result in caller():
                found.extend(result or ())
        except Exception as error:
            found.append(
                DoctorCheck(
                    f"plugin {plugin} checks",
                    False,
                    f"oro_doctor_checks raised {type(error).__name__}: {error}",
                    required=True,
                    hint=f"report it to the authors of {plugin}",
                )
            )
    return found
