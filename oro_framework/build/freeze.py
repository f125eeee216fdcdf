"""Freezing: the staged app and the chosen plugins become a PyInstaller onedir folder.

PyInstaller runs in a child process (``python -m PyInstaller``): its analysis imports and
inspects half the environment, which must not happen in the ``oro`` process, and its log goes
to a file in the work folder that an error message points to.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import tomlkit

from oro_framework.backend.typescript_env import ENV_TYPES_FILE
from oro_framework.build import launcher
from oro_framework.build.distributions import import_packages, requirements
from oro_framework.build.package import UNSAFE_MODE_BITS
from oro_framework.build.plan import AppPlan
from oro_framework.host.app import CONFIG_FILE_NAME
from oro_framework.host.builtin import JS_API_DIRECTORIES
from oro_framework.host.errors import BuildError
from oro_framework.host.plugins import CORE_DISTRIBUTION

__all__ = [
    "DEV_ONLY_MODULES",
    "STAGED_JS_API",
    "SYSTEM_ENGINE_MODULES",
    "freeze",
    "freeze_arguments",
    "stage_app",
]

DEV_ONLY_MODULES: Final = (
    # The test kit and what only it, the benches and the dev tools import.
    "oro_framework.testing",
    "oro_framework.build",
    "PyInstaller",
    "playwright",
    "pytest",
    "_pytest",
    "hypothesis",
    "mypy",
    "hypercorn",
    "trustme",
    "tkinter",
)
SYSTEM_ENGINE_MODULES: Final = ("gi",)
"""The system engine's bindings: a frozen bundle carries Qt's engine and runs it
(``--webview qt``); the distro's PyGObject and WebKitGTK belong to distro packages. (The
engine's own modules load ``gi`` only when it runs, so they may ride along.)"""
_JS_API_LEFT_OUT: Final = ("tests", "scripts", "node_modules", "package.json", "package-lock.json")
# oro-env.d.ts names where oro-framework is installed on the build machine: for its editor.
_APP_LEFT_OUT: Final = ("__pycache__", ".git", "node_modules", ".DS_Store", ENV_TYPES_FILE)
STAGED_JS_API: Final = "js-api"
"""The core JS modules' copy in the stage folder, when they lie outside the package."""
OUTSIDE_RESOURCES: Final = "_resources"
"""Where a bundle holds resources that lie outside the app folder (Socket's ``[build] output =
"../build"``), next to its oro.toml, whose ``webview.root`` then names it."""
logger = logging.getLogger("oro_framework.build")


def _copy_tree(source: Path, target: Path, left_out: Iterable[str], skipped: list[Path]) -> None:
    names = frozenset(left_out)
    resolved = [path.resolve() for path in skipped]
    root = source.resolve()

    def ignore(directory: str, entries: list[str]) -> set[str]:
        return {
            entry
            for entry in entries
            if entry in names
            or any((Path(directory) / entry).resolve() == s for s in resolved)
            or _leads_out(Path(directory) / entry, root)
        }

    shutil.copytree(source, target, ignore=ignore, symlinks=False)


def _leads_out(path: Path, root: Path) -> bool:
    """Whether ``path`` is a link the copy must not follow: one whose target lies outside
    ``root`` (the folder the app serves, which the bridge never lets a link leave either: a
    downloaded app's ``notes -> ~/.ssh`` would ship the builder's keys), is missing, or holds
    the link itself (a copy without end). One warning names it."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # Missing, or a loop of links (RuntimeError before 3.13).
        logger.warning("not shipped: %s is a link that leads nowhere", path)
        return True
    if not target.is_relative_to(root):
        logger.warning("not shipped: %s is a link to %s, outside %s", path, target, root)
        return True
    if path.parent.resolve().is_relative_to(target):
        logger.warning("not shipped: %s is a link to a folder that holds it", path)
        return True
    return False


def stage_app(plan: AppPlan, stage: Path, *, skipped: list[Path]) -> Path:
    """Copy what the built app ships of the app into ``stage``: oro.toml (the mapped INI when
    the app has ``oro.ini`` or ``socket.ini``), ``webview.root``, the backend and the app's own
    plugins (at the same places relative to each other), and the icon. Resources outside the
    app folder (a build output ``../build``) go to :data:`OUTSIDE_RESOURCES` beside oro.toml,
    which names them as its ``webview.root``: the bundle holds all it serves.

    :param skipped: directories inside the app not to copy (the build's own output); the
        app's tests (:attr:`AppPlan.tests`) are not copied either.
    """
    app = stage / launcher.APP_DIRECTORY
    if app.exists():
        shutil.rmtree(app)
    inside = plan.resources.is_relative_to(plan.app_dir)
    place = plan.resources.relative_to(plan.app_dir) if inside else Path(OUTSIDE_RESOURCES)
    # The app's tests stay out of every package: they are the developer's, not the user's.
    _copy_tree(plan.resources, app / place, _APP_LEFT_OUT, [*skipped, *plan.tests])
    app.mkdir(parents=True, exist_ok=True)
    if plan.backend is not None:
        # At the same place relative to oro.toml, where the built app's host looks for it.
        place = app / plan.backend.directory.relative_to(plan.app_dir)
        for file in plan.backend.files:
            (place / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(plan.backend.directory / file, place / file)
    for file in plan.app_plugins:
        (app / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(plan.app_dir / file, app / file)
    if plan.config_text is None and inside:
        shutil.copy2(plan.app_dir / CONFIG_FILE_NAME, app / CONFIG_FILE_NAME)
    else:
        # The app's oro.ini or socket.ini as oro.toml: the bundle's own config, read fast by
        # the launcher's --version and with no warning for keys a built app never needed.
        text = plan.config_text
        if text is None:
            text = (plan.app_dir / CONFIG_FILE_NAME).read_text(encoding="utf-8")
        if not inside:
            text = _with_resource_root(text, OUTSIDE_RESOURCES)
        (app / CONFIG_FILE_NAME).write_text(text, encoding="utf-8")
    _strip_unsafe_modes(app)
    return app


def _strip_unsafe_modes(folder: Path) -> None:
    """Take :data:`UNSAFE_MODE_BITS` off what was staged: a copy keeps a file's mode, and a
    set-user-ID file of the app folder would stay one in every package of the app."""
    for directory, _, files in os.walk(folder):
        for path in [directory, *(os.path.join(directory, name) for name in files)]:
            status = os.lstat(path)
            mode = stat.S_IMODE(status.st_mode)
            if mode & UNSAFE_MODE_BITS and not stat.S_ISLNK(status.st_mode):
                os.chmod(path, mode & ~UNSAFE_MODE_BITS)


def _with_resource_root(text: str, root: str) -> str:
    """oro.toml's ``text`` with ``[webview] root`` naming ``root`` (comments kept)."""
    document = tomlkit.parse(text)
    webview = document.get("webview")
    if not isinstance(webview, dict):
        webview = tomlkit.table()
        document["webview"] = webview
    webview["root"] = root
    return tomlkit.dumps(document)


def _js_api() -> Path | None:
    """Where the core JS modules are, unless they already lie inside the oro_framework package
    (an installed wheel), where collecting its data finds them."""
    package_copy, source_tree = JS_API_DIRECTORIES
    return None if package_copy.is_dir() or not source_tree.is_dir() else source_tree


def _requirement_closure(distributions: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    pending = list(distributions)
    while pending:
        for name in requirements(pending.pop()):
            if name not in seen and name != CORE_DISTRIBUTION:
                seen.add(name)
                pending.append(name)
    return sorted(seen)


def freeze_arguments(plan: AppPlan, stage: Path, work: Path, dist: Path) -> list[str]:
    """PyInstaller's arguments for the runtime of ``plan``'s app, from what this environment
    has installed: the app's own files are no part of it (:func:`stage_app` stages them, and
    the build puts them into the frozen folder), so that the runtime of an app whose pages
    changed is the one already built. The core JS modules are staged into ``stage`` when they
    lie outside the package."""
    arguments = [
        "--noconfirm",
        "--onedir",
        "--log-level=WARN",
        f"--name={plan.command}",
        f"--distpath={dist}",
        f"--workpath={work / 'pyinstaller'}",
        f"--specpath={work}",
        "--collect-submodules=oro_framework",
        "--collect-data=oro_framework",
        f"--copy-metadata={CORE_DISTRIBUTION}",
    ]
    js_api = _js_api()
    if js_api is not None:
        staged = stage / STAGED_JS_API
        if staged.exists():
            shutil.rmtree(staged)
        _copy_tree(js_api, staged, _JS_API_LEFT_OUT, [])
        arguments.append(f"--add-data={staged}:oro_framework/js-api")
    chosen = [choice.distribution for choice in plan.plugins]
    for choice in plan.plugins:
        arguments.append(f"--copy-metadata={choice.distribution}")
        arguments.extend(f"--collect-all={package}" for package in choice.packages)
    # What the plugins require may load files beside its code (llama-cpp-python's libllama.so,
    # oro-ai-smollm2's model): their data and libraries come along, and their metadata for
    # what asks importlib.metadata for a version.
    for requirement in _requirement_closure(chosen):
        if requirement in chosen:
            continue
        for package in import_packages(requirement):
            arguments.append(f"--collect-data={package}")
            arguments.append(f"--collect-binaries={package}")
        if import_packages(requirement):
            arguments.append(f"--copy-metadata={requirement}")
    if plan.backend is not None:
        # No analysis sees what backend.py imports: it is data to PyInstaller.
        for requirement in plan.backend.requirements:
            arguments.append(f"--copy-metadata={requirement}")
            arguments.extend(f"--collect-all={package}" for package in import_packages(requirement))
        arguments.extend(
            f"--hidden-import={module}"
            for module in plan.backend.imports
            if importlib.util.find_spec(module) is not None
        )
    arguments.extend(
        f"--hidden-import={module}"
        for module in plan.app_plugin_imports
        if importlib.util.find_spec(module) is not None
    )
    for module in (*DEV_ONLY_MODULES, *SYSTEM_ENGINE_MODULES, *_left_out_packages(plan)):
        arguments.append(f"--exclude-module={module}")
    arguments.append(str(Path(launcher.__file__)))
    return arguments


def _left_out_packages(plan: AppPlan) -> list[str]:
    # The host never imports a plugin, but a left-out plugin's package must not ride along
    # through another import either: only its metadata makes it load.
    shipped = {package for choice in plan.plugins for package in choice.packages}
    return sorted(
        {package for name in plan.left_out for package in import_packages(name)} - shipped
    )


def freeze(arguments: list[str], work: Path) -> None:
    """Run PyInstaller with ``arguments`` (:func:`freeze_arguments`), its log in ``work``.

    :raises BuildError: PyInstaller is not installed, or it failed (the message quotes its
        last error line and names the full log).
    """
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(
            "PyInstaller is not installed: pip install 'oro-framework[build]' (it is part of "
            "oro-framework[all])"
        )
    work.mkdir(parents=True, exist_ok=True)
    log = work / "pyinstaller.log"
    command = [sys.executable, "-m", "PyInstaller", *arguments]
    with log.open("w", encoding="utf-8") as output:
        output.write(" ".join(command) + "\n")
        output.flush()
        result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [line for line in lines if "ERROR" in line or "Error" in line] or lines[-1:]
        raise BuildError(
            f"PyInstaller could not freeze the app: {errors[-1].strip() if errors else '?'} "
            f"(full log: {log})"
        )
