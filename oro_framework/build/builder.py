"""``oro build``'s steps in order, each announced before it starts and timed after."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import Final, final

from oro_framework.build.desktop import app_desktop_entry
from oro_framework.build.freeze import freeze, stage_app
from oro_framework.build.icon import default_icon
from oro_framework.build.package import build_deb, build_rpm, build_tar
from oro_framework.build.plan import AppPlan, plan_build
from oro_framework.build.smoke import check_starts
from oro_framework.build.trim import TrimmedKind, trim_bundle
from oro_framework.records import record

__all__ = [
    "TARGETS",
    "Artifact",
    "BuildResult",
    "Steps",
    "build_app",
    "folder_size",
    "plan_and_say",
    "write_icon",
]

TARGETS: Final = ("onedir", "tar", "deb", "rpm")
"""What ``--target`` takes (``all`` means every one)."""


@final
@record
class Artifact:
    kind: str
    path: Path
    size: int


@final
@record(frozen=False)
class BuildResult:
    plan: AppPlan
    artifacts: list[Artifact] = field(default_factory=list)
    trimmed: list[TrimmedKind] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.steps)


def folder_size(path: Path) -> int:
    """Bytes of every file below ``path`` (links counted once, as themselves)."""
    return sum(item.lstat().st_size for item in path.rglob("*") if not item.is_dir())


@final
class Steps:
    def __init__(self, total: int, say: Callable[[str], None]) -> None:
        self.timings: list[tuple[str, float]] = []
        self._total = total
        self._say = say
        self._number = 0

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        self._number += 1
        self._say(f"[{self._number}/{self._total}] {title}...")
        started = time.monotonic()
        yield
        seconds = time.monotonic() - started
        self.timings.append((title, seconds))
        self._say(f"      done in {seconds:.1f} s")


def write_icon(plan: AppPlan, folder: Path) -> Path:
    """The app's icon inside its folder, ``<bundle_identifier>.png``."""
    target = folder / f"{plan.bundle_identifier}.png"
    if plan.icon is not None:
        shutil.copy2(plan.icon, target)
    else:
        target.write_bytes(default_icon(plan.bundle_identifier))
    return target


def plan_and_say(app_dir: Path, out: Path, say: Callable[[str], None]) -> AppPlan:
    """The build's plan of the app in ``app_dir`` (``out`` is no part of it), saying which
    plugins ship and why."""
    plan = plan_build(app_dir.resolve(), skipped=[out])
    for choice in plan.plugins:
        say(f"      plugin {choice.distribution}: {choice.reason}")
    if plan.left_out:
        say(f"      left out ({plan.left_out_because}): {', '.join(plan.left_out)}")
    return plan


def build_app(
    app_dir: Path,
    *,
    targets: Sequence[str],
    out: Path,
    say: Callable[[str], None] = print,
) -> BuildResult:
    """Build the app in ``app_dir`` into ``out``: the folder ``out/<command>`` always, and the
    archives and packages ``targets`` names.

    :raises BuildError: the app cannot be built (see :mod:`oro_framework.build`).
    :raises HostError: the app does not load (a broken plugin, an invalid oro.toml).
    """
    out = out.resolve()
    work = out / ".work"
    packages = [target for target in TARGETS[1:] if target in targets]
    steps = Steps(4 + len(packages), say)
    with steps.step(f"collecting {app_dir}"):
        plan = plan_and_say(app_dir, out, say)
        result = BuildResult(plan, steps=steps.timings)
        staged = stage_app(plan, work / "stage", skipped=[out])
    with steps.step("freezing with PyInstaller (about a minute)"):
        frozen = freeze(plan, work / "stage", work, work / "dist")
    with steps.step("trimming what the app never loads"):
        result.trimmed = trim_bundle(frozen / "_internal")
        removed = sum(kind.size for kind in result.trimmed)
        say(f"      removed {removed / 2**20:.0f} MiB")
        icon = write_icon(plan, frozen)
        (frozen / f"{plan.bundle_identifier}.desktop").write_text(
            app_desktop_entry(plan, plan.command),
            encoding="utf-8",
        )
        folder = out / plan.command
        if folder.exists():
            shutil.rmtree(folder)
        frozen.replace(folder)
        icon = folder / icon.name
        shutil.rmtree(staged)
    result.artifacts.append(Artifact("onedir", folder, folder_size(folder)))
    builders = {
        "tar": lambda: build_tar(plan, folder, out),
        "deb": lambda: build_deb(plan, folder, icon, work, out),
        "rpm": lambda: build_rpm(plan, folder, icon, work, out),
    }
    for target in packages:
        with steps.step(f"packaging {target}"):
            path = builders[target]()
        result.artifacts.append(Artifact(target, path, path.stat().st_size))
    with steps.step("checking that the built app starts"):
        check_starts(folder / plan.command, work)
    return result
