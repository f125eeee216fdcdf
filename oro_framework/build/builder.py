"""``oro build``'s steps in order, each announced before it starts and timed after."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import Final, final

from oro_framework.build.desktop import app_desktop_entry
from oro_framework.build.freeze import STAGED_JS_API, freeze, freeze_arguments, stage_app
from oro_framework.build.icon import default_icon
from oro_framework.build.incremental import CACHE_FOLDER, BuildCache
from oro_framework.build.package import build_deb, build_rpm, build_tar, link_tree
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
    reused: list[str] = field(default_factory=list)
    """The steps skipped because the last build's result was reused."""

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
        self.reused: list[str] = []
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

    def reuse(self, title: str, what: str) -> None:
        """Say that the step ``title`` is skipped: ``what`` it makes is the last build's."""
        self._number += 1
        self._say(
            f"[{self._number}/{self._total}] {title}: reused {what} "
            "(nothing it is made from changed)"
        )
        self.reused.append(title)


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
    clean: bool = False,
    say: Callable[[str], None] = print,
) -> BuildResult:
    """Build the app in ``app_dir`` into ``out``: the folder ``out/<command>`` always, and the
    archives and packages ``targets`` names. What the last build into ``out`` made from the same
    inputs is reused (:mod:`~oro_framework.build.incremental`) unless ``clean``.

    :raises BuildError: the app cannot be built (see :mod:`oro_framework.build`).
    :raises HostError: the app does not load (a broken plugin, an invalid oro.toml).
    """
    out = out.resolve()
    work = out / ".work"
    if clean:
        # PyInstaller's own cache too: nothing of an earlier build is read.
        for folder in (work / CACHE_FOLDER, work / "pyinstaller"):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)
    packages = [target for target in TARGETS[1:] if target in targets]
    steps = Steps(5 + len(packages), say)
    with steps.step(f"collecting {app_dir}"):
        plan = plan_and_say(app_dir, out, say)
        result = BuildResult(plan, steps=steps.timings, reused=steps.reused)
        staged = stage_app(plan, work / "stage", skipped=[out])
        arguments = freeze_arguments(plan, work / "stage", work, work / "dist")
        cache = BuildCache(work / CACHE_FOLDER, say)
        inputs = cache.runtime_inputs(arguments, work / "stage" / STAGED_JS_API)
        stored = cache.runtime(inputs)
    if stored is None:
        runtime = _freeze_and_trim(steps, plan, arguments, work, cache, inputs, result, say)
    else:
        runtime, result.trimmed = stored
        steps.reuse("freezing with PyInstaller", "the frozen runtime")
        steps.reuse("trimming what the app never loads", "the trimmed runtime")
    folder = out / plan.command
    with steps.step("putting the app's files into the runtime"):
        added = _app_files(plan, staged, work / "added")
        _assemble(runtime, added, folder)
    result.artifacts.append(Artifact("onedir", folder, folder_size(folder)))
    icon = folder / f"{plan.bundle_identifier}.png"
    builders: dict[str, tuple[Callable[[], Path], str | None]] = {
        "tar": (lambda: build_tar(plan, folder, out), None),
        "deb": (lambda: build_deb(plan, folder, icon, work, out), "dpkg-deb"),
        "rpm": (lambda: build_rpm(plan, folder, icon, work, out), "rpmbuild"),
    }
    for target in packages:
        build, tool = builders[target]
        key = cache.package_key(target, added, plan, tool)
        path = cache.package(target, key)
        if path is not None:
            steps.reuse(f"packaging {target}", path.name)
        else:
            with steps.step(f"packaging {target}"):
                path = build()
                cache.store_package(target, key, path)
        result.artifacts.append(Artifact(target, path, path.stat().st_size))
    with steps.step("checking that the built app starts"):
        check_starts(folder / plan.command, work)
    return result


def _freeze_and_trim(
    steps: Steps,
    plan: AppPlan,
    arguments: list[str],
    work: Path,
    cache: BuildCache,
    inputs: dict[str, str],
    result: BuildResult,
    say: Callable[[str], None],
) -> Path:
    """Freeze and trim the runtime, and store it in ``cache`` with its ``inputs``."""
    with steps.step("freezing with PyInstaller (about a minute)"):
        freeze(arguments, work)
    with steps.step("trimming what the app never loads"):
        frozen = work / "dist" / plan.command
        result.trimmed = trim_bundle(frozen / "_internal")
        removed = sum(kind.size for kind in result.trimmed)
        say(f"      removed {removed / 2**20:.0f} MiB")
        return cache.store_runtime(inputs, frozen, result.trimmed)


def _app_files(plan: AppPlan, staged: Path, added: Path) -> Path:
    """What the app folder holds besides the runtime, laid out in ``added`` as in the folder:
    the staged app (``_internal/oro_app``), the icon and the ``.desktop`` entry."""
    if added.exists():
        shutil.rmtree(added)
    (added / "_internal").mkdir(parents=True)
    staged.replace(added / "_internal" / staged.name)
    write_icon(plan, added)
    (added / f"{plan.bundle_identifier}.desktop").write_text(
        app_desktop_entry(plan, plan.command), encoding="utf-8"
    )
    return added


def _assemble(runtime: Path, added: Path, folder: Path) -> None:
    """The app folder: the runtime hard-linked (a stored runtime costs no copy, and the cache
    sees a change made through a link), then the app's own files copied over it."""
    building = folder.with_name(f".{folder.name}.building")
    for stale in (building, folder):
        if stale.is_symlink() or stale.is_file():
            stale.unlink()
        elif stale.exists():
            shutil.rmtree(stale)
    link_tree(runtime, building)
    shutil.copytree(
        added, building, symlinks=True, dirs_exist_ok=True, copy_function=_copy_unlinked
    )
    building.replace(folder)


def _copy_unlinked(source: str, target: str) -> None:
    # Never written through: a file of the same name would be a hard link into the cache.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    shutil.copy2(source, target)
