"""What ``oro doctor`` checks: the pieces an app, its window and its tests rely on, and whether
every plugin loads and builds."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

from oro_framework.errors import HostError
from oro_framework.host.plugins import PluginInfo

__all__ = ["Check", "run_checks"]

CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@final
@dataclass(frozen=True)
class Check:
    """One line of ``oro doctor``.

    :ivar required: a failure makes ``oro doctor`` exit with status 1 (a broken plugin, an app
        that cannot be built); other failures are missing optional pieces.
    """

    name: str
    ok: bool
    detail: str
    required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "required": self.required}


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


def _gui_backends() -> list[Check]:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    on_desktop = sys.platform in ("darwin", "win32") or has_display
    checks = [
        Check(
            "display",
            on_desktop,
            "available"
            if on_desktop
            else "none (DISPLAY/WAYLAND_DISPLAY unset): apps run headless",
        ),
        Check(
            "pywebview",
            _has_module("webview"),
            "installed" if _has_module("webview") else "missing: pip install 'oro-framework[gui]'",
        ),
    ]
    qt = _has_module("PyQt6") and _has_module("PyQt6.QtWebEngineWidgets")
    checks.append(Check("backend qt (PyQt6 + QtWebEngine)", qt, "installed" if qt else "missing"))
    gtk = _has_module("gi")
    checks.append(Check("backend gtk (PyGObject)", gtk, "installed" if gtk else "missing"))
    return checks


def _chromium() -> Check:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return Check("chromium (browser tests)", True, f"{_version_of(path)} at {path}")
    return Check("chromium (browser tests)", False, "not found: apt-get install chromium")


def _node() -> Check:
    path = shutil.which("node")
    if path is None:
        return Check("node (JS unit tests)", False, "not found")
    return Check("node (JS unit tests)", True, f"{_version_of(path)} at {path}")


def _plugins(infos: Iterable[PluginInfo]) -> list[Check]:
    checks = []
    for info in infos:
        installed = f"{info.distribution or info.module or '-'} {info.version or ''}".strip()
        detail = installed if info.error is None else f"broken ({installed}): {info.error}"
        checks.append(Check(f"plugin {info.name}", info.error is None, detail, required=True))
    return checks


def _app(app_dir: Path, error: HostError | None) -> Check:
    if error is None:
        return Check("app", True, f"{app_dir} builds", required=True)
    return Check("app", False, f"{app_dir}: {type(error).__name__}: {error}", required=True)


def run_checks(
    plugins: Iterable[PluginInfo], *, app_dir: Path, app_error: HostError | None = None
) -> list[Check]:
    """Every check, in the order ``oro doctor`` prints them.

    :param plugins: every plugin, broken ones with their error.
    :param app_dir: the app that was built to find the plugins' hook failures.
    :param app_error: why that app could not be built, if it could not.
    """
    from oro_framework import __version__

    return [
        Check(
            "python",
            sys.version_info >= (3, 11),
            f"{platform.python_version()} at {sys.executable}",
            required=True,
        ),
        Check("oro-framework", True, __version__),
        Check("platform", True, f"{sys.platform} {platform.machine()}"),
        *_gui_backends(),
        _chromium(),
        _node(),
        _app(app_dir, app_error),
        *_plugins(plugins),
    ]
