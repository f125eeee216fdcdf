"""``oro build --webview system`` and ``oro build-runtime``: apps as distro packages on the
distro's Python, PyGObject and WebKitGTK, with no PyInstaller and no browser of their own.

Every decision (which distributions the distro gives, which wheels are carried, whether a
plugin can ship at all) is taken before anything is written to the output.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, Literal

from oro_framework.build.builder import (
    Artifact,
    BuildResult,
    Steps,
    folder_size,
    plan_and_say,
    write_icon,
)
from oro_framework.build.desktop import app_desktop_entry
from oro_framework.build.distributions import normalize
from oro_framework.build.freeze import stage_app
from oro_framework.build.launcher import APP_DIRECTORY
from oro_framework.build.package import build_tar
from oro_framework.build.plan import AppPlan
from oro_framework.build.smoke import check_starts
from oro_framework.build.system.closure import needed_distributions
from oro_framework.build.system.layout import (
    LAUNCH_SCRIPT,
    RUNTIME_NAME,
    app_files,
    doc_files,
    folder_launcher,
    installed_launcher,
    lib_dir,
)
from oro_framework.build.system.packages import PackageSpec, build_deb, build_rpm
from oro_framework.build.system.shared_packages import build_shared_debs
from oro_framework.build.system.vendor import (
    CannotShipError,
    Flavour,
    VendorPlan,
    install_wheels,
    plan_vendor,
)
from oro_framework.host.errors import BuildError
from oro_framework.host.plugins import CORE_DISTRIBUTION

__all__ = [
    "build_runtime",
    "build_system_app",
    "installed_plugin_distributions",
    "virtual_plugin_package",
]

Runtime = Literal["bundled", "shared"]


def _wheel_cache() -> Path:
    # Outside the output: a build that stops (a plugin that cannot ship) writes nothing there.
    from platformdirs import user_cache_path

    return user_cache_path("oro-framework") / "wheels"


def installed_plugin_distributions() -> list[str]:
    """Every installed distribution with an ``oro`` entry point, the host's own left out."""
    names = {
        normalize(entry.dist.name)
        for entry in importlib.metadata.entry_points(group="oro")
        if entry.dist is not None
    }
    names.discard(CORE_DISTRIBUTION)
    return sorted(names)


def _maintainer(plan_maintainer: str, name: str) -> str:
    # Debian wants "Name <address>"; an app without [meta] maintainer gets a placeholder that
    # says so rather than a made-up person.
    if "<" in plan_maintainer and plan_maintainer.rstrip().endswith(">"):
        return plan_maintainer
    who = plan_maintainer or f"{name} maintainers"
    return f"{who} <{name}@users.noreply.invalid>"


def _vendor_plan(
    plugins: Sequence[str], flavour: Flavour, say: Callable[[str], None]
) -> VendorPlan:
    """What the host with ``plugins`` takes from ``flavour``'s distro and carries.

    :raises CannotShipError: naming the plugins that cannot ship: those that cannot alone (a
        requirement of one plugin can make a library another shares unshippable), else all.
    """
    tops = [CORE_DISTRIBUTION, *plugins]
    try:
        return plan_vendor(needed_distributions(tops), tops, flavour, _wheel_cache(), say)
    except CannotShipError:
        if _failure([], flavour) is not None:
            raise  # the host itself
        failures = {
            plugin: failure
            for plugin in plugins
            if (failure := _failure([plugin], flavour)) is not None
        }
        if not failures:
            raise  # only their combination cannot ship: the error names them all
        needs = {plugin: "".join(failure.needs.values()) for plugin, failure in failures.items()}
        raise CannotShipError(list(failures), needs, flavour) from None


def _failure(plugins: Sequence[str], flavour: Flavour) -> CannotShipError | None:
    """Why the host with ``plugins`` cannot ship, or ``None`` when it can."""
    tops = [CORE_DISTRIBUTION, *plugins]
    try:
        plan_vendor(needed_distributions(tops), tops, flavour, _wheel_cache(), _silent)
    except CannotShipError as error:
        return error
    return None


def _silent(_line: str) -> None:
    pass


def virtual_plugin_package(plugin: str, flavour: Flavour) -> str:
    """What ``oro-runtime`` provides for each plugin it carries, and what an app on it
    depends on for each plugin it uses, so that apt or dnf refuse an app whose runtime lacks
    one."""
    return f"{RUNTIME_NAME}-{plugin}" if flavour == "deb" else f"{RUNTIME_NAME}({plugin})"


def _own(package: str) -> bool:
    return package.startswith(("oro_", "oro-"))


def _runtime_files(root: Path, lib: str, vendor: VendorPlan) -> None:
    where = root / lib.lstrip("/")
    where.mkdir(parents=True, exist_ok=True)
    (where / "launch.py").write_text(LAUNCH_SCRIPT, encoding="utf-8")
    install_wheels(vendor, where / "vendor", _own)


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)


def _app_package_tree(
    plan: AppPlan,
    root: Path,
    staged_app: Path,
    icon: Path,
    runtime_lib: str,
    package_format: str,
    vendor: VendorPlan | None,
) -> list[str]:
    """The tree of the app's package below ``root``; its top paths."""
    if root.exists():
        shutil.rmtree(root)
    lib = lib_dir(plan.command)
    if vendor is not None:
        _runtime_files(root, lib, vendor)
    _copy(staged_app, root / lib.lstrip("/") / APP_DIRECTORY)
    launcher = root / "usr/bin" / plan.command
    launcher.parent.mkdir(parents=True)
    launcher.write_text(
        installed_launcher(
            runtime_lib.rsplit("/", 1)[-1],
            plan.command,
            package_format,
            [choice.distribution for choice in plan.plugins],
        ),
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    summary = _summary(plan)
    maintainer = _maintainer(plan.maintainer, plan.command)
    extra = app_files(plan, root, icon)
    docs = doc_files(root, plan.command, plan.version, maintainer, summary)
    return [lib, f"/usr/bin/{plan.command}", *extra, *docs]


def _summary(plan: AppPlan) -> str:
    # Debian's synopsis: one line, neither the package's name nor starting with it.
    summary = (plan.description or f"{plan.name}, a desktop app built with oro").replace("\n", " ")
    if re.match(rf"{re.escape(plan.command)}\b", summary, re.IGNORECASE):
        return f"desktop app: {summary}"
    return summary


def _spec(
    plan: AppPlan, depends: Sequence[str], independent: bool, files: list[str]
) -> PackageSpec:
    summary = _summary(plan)
    return PackageSpec(
        name=plan.command,
        version=plan.version,
        summary=summary,
        # Plain words: rpmlint spell-checks the description (an identifier is an "error").
        description=f"{plan.name} is a desktop app running on the web view of the system.",
        maintainer=_maintainer(plan.maintainer, plan.command),
        depends=tuple(depends),
        architecture_independent=independent,
        lib=lib_dir(plan.command),
        files=tuple(files),
    )


def _folder(plan: AppPlan, out: Path, staged_app: Path, icon: Path, vendor: VendorPlan) -> Path:
    """``out/<command>/``: the app and its runtime beside a launcher that runs the distro's
    ``python3`` on them, wherever the folder lies."""
    folder = out / plan.command
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "launch.py").write_text(LAUNCH_SCRIPT, encoding="utf-8")
    install_wheels(vendor, folder / "vendor", _own)
    _copy(staged_app, folder / APP_DIRECTORY)
    launcher = folder / plan.command
    launcher.write_text(
        folder_launcher([choice.distribution for choice in plan.plugins]), encoding="utf-8"
    )
    launcher.chmod(0o755)
    shutil.copy2(icon, folder / icon.name)
    (folder / f"{plan.bundle_identifier}.desktop").write_text(
        app_desktop_entry(plan, plan.command),
        encoding="utf-8",
    )
    return folder


def _system_python_runs(code: str) -> bool:
    """``python3`` on the clean ``PATH`` the built folder's check uses runs ``code`` without
    an error (a missing ``python3`` runs nothing)."""
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        return False
    return subprocess.run([python, "-c", code], capture_output=True, check=False).returncode == 0


PYTHON_FITS: Final = "import sys; sys.exit(sys.version_info < (3, 11))"
HAS_WEBKIT: Final = (
    "import gi; gi.require_version('WebKit2', '4.1'); from gi.repository import WebKit2"
)


def _vendor_plans(
    plan: AppPlan,
    runtime: Runtime,
    packages: Sequence[str],
    wants_folder: bool,
    say: Callable[[str], None],
) -> tuple[dict[Flavour, VendorPlan], dict[str, str]]:
    """What each flavour the build makes carries and takes from the distro, and oro's shared
    packages (oro-ai's engine and model) the app's ``.deb`` depends on.

    :raises BuildError: something cannot ship this way.
    """
    flavours: list[Flavour] = []
    if runtime == "bundled":
        if "deb" in packages:
            flavours.append("deb")
        if "rpm" in packages or wants_folder:
            flavours.append("rpm")
    plugins = [choice.distribution for choice in plan.plugins]
    requirements = list(plan.backend.requirements) if plan.backend is not None else []
    if requirements and runtime == "shared":
        raise BuildError(
            "[backend] requirements need a bundled package (--runtime bundled): the shared "
            f"oro-runtime does not carry {', '.join(requirements)}"
        )
    # The backend's requirements ship as the plugins' do: the distro's, else carried.
    vendors = {
        flavour: _vendor_plan([*plugins, *requirements], flavour, say) for flavour in flavours
    }
    checked = list(vendors.values())
    if runtime == "shared":
        # The runtime must be able to carry them: checked here, as a bundled build would.
        checked = [
            _vendor_plan(plugins, "deb" if target == "deb" else "rpm", _silent)
            for target in packages
        ]
    shared = {name: depend for vendor in checked for name, depend in vendor.shared.items()}
    return vendors, shared


def _shared_debs(
    shared: dict[str, str], out: Path, work: Path, say: Callable[[str], None]
) -> list[Artifact]:
    if not shared:
        say("      none: the app does not use oro-ai")
        return []
    return [
        Artifact("deb", path, path.stat().st_size)
        for path in build_shared_debs(shared, out, work, _wheel_cache(), say)
    ]


def build_system_app(
    app_dir: Path,
    *,
    targets: Sequence[str],
    out: Path,
    runtime: Runtime = "bundled",
    say: Callable[[str], None] = print,
) -> BuildResult:
    """Build the app in ``app_dir`` for the system WebView: ``out/<command>/`` (the folder,
    which ``tar`` archives) and the ``.deb``/``.rpm`` ``targets`` names; with ``runtime``
    ``shared`` the packages depend on ``oro-runtime`` and carry only the app.

    :raises BuildError: a plugin cannot ship this way, PyPI cannot be reached, a tool is
        missing; nothing is written to ``out`` before the plugins are checked.
    """
    out = out.resolve()
    work = out / ".work"
    packages = [target for target in ("deb", "rpm") if target in targets]
    wants_folder = runtime == "bundled" and ("onedir" in targets or "tar" in targets)
    folder_steps = (2 + ("tar" in targets)) if wants_folder else 0  # lay out, tar, check
    steps = Steps(2 + len(packages) + folder_steps + ("deb" in packages), say)
    with steps.step(f"collecting {app_dir}"):
        plan = plan_and_say(app_dir, out, say)
        result = BuildResult(plan, steps=steps.timings)
    with steps.step("choosing what the distro gives and what the package carries"):
        plugins = [choice.distribution for choice in plan.plugins]
        vendors, shared = _vendor_plans(plan, runtime, packages, wants_folder, say)
        staged = stage_app(plan, work / "stage", skipped=[out])
        icon = write_icon(plan, work / "stage")
    folder: Path | None = None
    if wants_folder:
        with steps.step("laying out the app folder"):
            folder = _folder(plan, out, staged, icon, vendors["rpm"])
        result.artifacts.append(Artifact("onedir", folder, folder_size(folder)))
    from oro_framework import __version__ as host_version

    for target in packages:
        with steps.step(f"packaging {target}"):
            flavour: Flavour = "deb" if target == "deb" else "rpm"
            vendor = vendors.get(flavour)
            root = work / f"{target}-root"
            if vendor is None:  # shared: the runtime package carries the host
                runtime_lib = lib_dir(RUNTIME_NAME)
                depends = [
                    f"{RUNTIME_NAME} (>= {host_version})"
                    if target == "deb"
                    else f"{RUNTIME_NAME} >= {host_version}",
                    *(virtual_plugin_package(name, flavour) for name in plugins),
                ]
                independent = True
            else:
                runtime_lib = lib_dir(plan.command)
                depends, independent = list(vendor.depends), not vendor.compiled
            if target == "deb":
                depends.extend(shared.values())
            files = _app_package_tree(plan, root, staged, icon, runtime_lib, target, vendor)
            spec = _spec(plan, depends, independent, files)
            path = (
                build_deb(spec, root, out) if target == "deb" else build_rpm(spec, root, work, out)
            )
        result.artifacts.append(Artifact(target, path, path.stat().st_size))
    if "deb" in packages:
        with steps.step("packaging oro's shared packages the app depends on"):
            result.artifacts.extend(_shared_debs(shared, out, work, say))
    if folder is not None:
        if "tar" in targets:
            with steps.step("packaging tar"):
                # Small enough for the best compression (the Qt bundle's is ~400 MB).
                path = build_tar(plan, folder, out, flavour="system", compresslevel=9)
            result.artifacts.append(Artifact("tar", path, path.stat().st_size))
        with steps.step("checking that the built app starts"):
            if _system_python_runs(PYTHON_FITS):
                check_starts(folder / plan.command, work)
            else:
                say("      not here: this machine's python3 is missing or older than 3.11")
    say(
        "the target needs: the distro's Python >= 3.11, PyGObject and WebKitGTK 4.1 (Debian, "
        "Ubuntu: python3 python3-gi gir1.2-webkit2-4.1; Fedora: python3 python3-gobject "
        "webkit2gtk4.1); a .deb or .rpm declares them"
    )
    if not _system_python_runs(HAS_WEBKIT):
        say(
            "      this machine has no WebKitGTK 4.1 for python3: the packages are complete, "
            "but to open a window here install those packages"
        )
    shutil.rmtree(work / "stage", ignore_errors=True)
    return result


def build_runtime(
    *,
    targets: Sequence[str],
    out: Path,
    plugins: Sequence[str] | None = None,
    say: Callable[[str], None] = print,
) -> list[Artifact]:
    """The ``oro-runtime`` package: the host and ``plugins`` (default: every installed one that
    can ship this way) with what they need, for apps built with ``--runtime shared``.

    :raises BuildError: a plugin named in ``plugins`` cannot ship, or is not installed.
    """
    from oro_framework import __version__ as host_version

    out = out.resolve()
    work = out / ".work"
    installed = installed_plugin_distributions()
    chosen = [normalize(name) for name in plugins] if plugins is not None else installed
    unknown = sorted(set(chosen) - set(installed))
    if unknown:
        raise BuildError(
            f"not an installed oro plugin distribution: {', '.join(unknown)} "
            f"(installed: {', '.join(installed) or 'none'})"
        )
    flavours: list[Flavour] = [flavour for flavour in ("deb", "rpm") if flavour in targets]
    vendors: dict[Flavour, VendorPlan] = {}
    carried: dict[Flavour, list[str]] = {}
    for flavour in flavours:
        if plugins is None:
            # Left out by default, a stop when asked for by name.
            refused = [name for name in chosen if _failure([name], flavour) is not None]
            if refused:
                say(f"      left out ({flavour}): {', '.join(refused)} cannot ship this way")
            carried[flavour] = [name for name in chosen if name not in refused]
        else:
            carried[flavour] = list(chosen)
        vendors[flavour] = _vendor_plan(carried[flavour], flavour, say)
    artifacts: list[Artifact] = []
    maintainer = _maintainer("", RUNTIME_NAME)
    summary = "oro's host and plugins for apps built with oro build --runtime shared"
    for flavour, vendor in vendors.items():
        root = work / f"{RUNTIME_NAME}-{flavour}-root"
        if root.exists():
            shutil.rmtree(root)
        lib = lib_dir(RUNTIME_NAME)
        _runtime_files(root, lib, vendor)
        docs = doc_files(root, RUNTIME_NAME, host_version, maintainer, summary)
        spec = PackageSpec(
            name=RUNTIME_NAME,
            version=host_version,
            summary=summary,
            description="The oro-framework host and its plugins on the system's Python, "
            "PyGObject and WebKitGTK, shared by the oro apps installed on this machine.",
            maintainer=maintainer,
            depends=tuple(vendor.depends),
            architecture_independent=not vendor.compiled,
            lib=lib,
            files=(lib, *docs),
            provides=tuple(virtual_plugin_package(name, flavour) for name in carried[flavour]),
        )
        path = build_deb(spec, root, out) if flavour == "deb" else build_rpm(spec, root, work, out)
        artifacts.append(Artifact(flavour, path, path.stat().st_size))
    return artifacts
