"""What ``oro dev`` watches, and which changes count.

The app's config files (``oro.toml``, ``oro.ini``, ``socket.ini``) and the source of every
editable-installed plugin restart the host (:class:`~oro_framework.cli.dev_loop.DevLoop`); the
app's other files reload its pages, or rebuild it when it has build steps
(:class:`~oro_framework.cli.dev_child.DevPlugin`). Each burst of changes is reported once, by
the files it left changed: the temporary files, backups and locks editors write beside the file
they save (:mod:`~oro_framework.cli.dev_editors`) never count.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final, final
from urllib.parse import unquote, urlsplit

import anyio
import watchfiles
from anyio.abc import TaskStatus

from oro_framework.cli.dev_editors import EDITOR_PATTERNS, Bursts
from oro_framework.host.config.files import CONFIG_FILE_NAMES

__all__ = [
    "STEP_MS",
    "ChangeFilter",
    "editable_plugin_sources",
    "is_under",
    "relative_name",
    "watch",
    "watch_sources",
]

STEP_MS: Final = 50
"""A burst of changes ends after this long without another: one reload per burst (an editor
saving several files, a build writing its output)."""
_WATCH_TIMEOUT_MS: Final = 200
"""How often a watcher thread looks up from waiting: the latency of stopping it."""
_FRAMEWORK: Final = "oro-framework"


def editable_plugin_sources(
    distributions: Iterable[importlib.metadata.Distribution] | None = None,
) -> list[Path]:
    """The project directories of the plugins installed in editable mode (``pip install -e``):
    distributions with an ``oro`` entry point whose ``direct_url.json`` says ``editable``.
    oro-framework's own core plugins are not among them: changing the framework is not the
    daily loop of an app."""
    found: set[Path] = set()
    for dist in importlib.metadata.distributions() if distributions is None else distributions:
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name == _FRAMEWORK or not any(ep.group == "oro" for ep in dist.entry_points):
            continue
        text = dist.read_text("direct_url.json")
        if not text:
            continue
        with contextlib.suppress(ValueError):
            info = json.loads(text)
            url = urlsplit(str(info.get("url", "")))
            if info.get("dir_info", {}).get("editable") and url.scheme == "file":
                path = Path(unquote(url.path))
                if path.is_dir():
                    found.add(path.resolve())
    return sorted(found)


def is_under(path: Path, roots: Sequence[Path]) -> bool:
    """Whether ``path`` is one of ``roots`` or below one."""
    return any(path.is_relative_to(root) for root in roots)


class _AppFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (``.git``, ``node_modules``, bytecode) that also leaves out
    the files editors write beside the one they save."""

    ignore_entity_patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, *EDITOR_PATTERNS)


@final
class ChangeFilter(_AppFilter):
    """Changes to the app's config files (``oro.toml``, ``oro.ini``, ``socket.ini``: one
    appearing beside another changes which is read) and plugin sources (which restart the
    host) when ``restarts``, else the app's other files (which reload its pages)."""

    def __init__(self, app_dir: Path, plugin_sources: Sequence[Path], *, restarts: bool) -> None:
        super().__init__()
        self._config_files = {app_dir / name for name in CONFIG_FILE_NAMES}
        self._app_dir = app_dir
        self._plugin_sources = plugin_sources
        self._restarts = restarts

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        # Declarations (backend.d.ts, which the host writes) are for the editor: no page loads them.
        if not super().__call__(change, path) or path.endswith(".d.ts"):
            return False
        changed = Path(path)
        restarts = (
            changed in self._config_files
            or is_under(changed, self._plugin_sources)
            # The app's own Python (backend.py and what it imports beside it).
            or (changed.suffix == ".py" and changed.parent == self._app_dir)
        )
        return restarts == self._restarts


async def watch(
    paths: Sequence[Path],
    watch_filter: Callable[[watchfiles.Change, str], bool],
    on_changes: Callable[[list[Path]], None],
    *,
    recursive: bool = True,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Call ``on_changes`` with the paths each burst changed (:func:`final_paths`: an atomic
    save is one change of its target), when it changed any, until cancelled. Reports
    started once the watcher is in place (its first timeout), so a change made after that is
    never missed.

    A burst that leaves a file missing waits for the next (:class:`Bursts`), up to a quiet
    watcher timeout."""
    is_started = False
    bursts = Bursts()
    async for changes in watchfiles.awatch(
        *paths,
        watch_filter=watch_filter,
        step=STEP_MS,
        rust_timeout=_WATCH_TIMEOUT_MS,
        yield_on_timeout=True,
        recursive=recursive,
    ):
        if not is_started:
            is_started = True
            task_status.started()
        changed = bursts.add(changes)
        if changed:
            on_changes(changed)


_NOT_SOURCES: Final = frozenset({"node_modules", "__pycache__", *CONFIG_FILE_NAMES})
"""Top-level entries of the app whose changes never rebuild it (its config files restart the
host instead; dot entries are left out too)."""


def _source_roots(app_dir: Path, output: Path | None) -> list[Path]:
    """The app's top-level folders a build reads: all but dot folders, ``node_modules`` and the
    one the output is in (watching it would rebuild on every build)."""
    roots = []
    for entry in sorted(app_dir.iterdir()):
        if (
            entry.name.startswith(".")
            or entry.name in _NOT_SOURCES
            or entry.is_symlink()
            or not entry.is_dir()
            or (output is not None and output.is_relative_to(entry))
        ):
            continue
        roots.append(entry)
    return roots


@final
class _SourceFilter(_AppFilter):
    """Changes to the app's sources: anything under the app but dot entries (staging folders
    among them), ``node_modules``, the config files and the output; and anything under the
    ``extra`` sources (``[build.watch] sources`` outside the app)."""

    def __init__(self, app_dir: Path, output: Path | None, extra: Sequence[Path] = ()) -> None:
        super().__init__()
        self._app = app_dir
        self._output = output
        self._extra = extra

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        changed = Path(path)
        if is_under(changed, self._extra):
            return self._output is None or not changed.is_relative_to(self._output)
        if not changed.is_relative_to(self._app) or changed == self._app:
            return False
        parts = changed.relative_to(self._app).parts
        if parts[0] in _NOT_SOURCES or any(part.startswith(".") for part in parts):
            return False
        return self._output is None or not (
            changed.is_relative_to(self._output) or self._output.is_relative_to(changed)
        )


async def watch_sources(
    app_dir: Path,
    output: Path | None,
    on_changes: Callable[[list[Path]], None],
    extra: Sequence[Path] = (),
    *,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Call ``on_changes`` for each burst of changes to the app's sources, until cancelled:
    its top-level files, and its top-level folders (those there when it starts) with all
    below them. Not the whole folder at once, which would watch ``node_modules`` too. And the
    ``extra`` files and folders outside the app (``[build.watch] sources``)."""
    outside = [path for path in extra if not path.is_relative_to(app_dir)]
    watch_filter = _SourceFilter(app_dir, output, outside)
    async with anyio.create_task_group() as task_group:
        await task_group.start(
            functools.partial(watch, [app_dir], watch_filter, on_changes, recursive=False)
        )
        roots = _source_roots(app_dir, output) + outside
        if roots:
            await task_group.start(functools.partial(watch, roots, watch_filter, on_changes))
        task_status.started()


def relative_name(path: Path, root: Path) -> str:
    """``path`` as ``oro dev`` names it in its lines: below ``root`` (with ``/``) when it is
    there, else whole."""
    with contextlib.suppress(ValueError):
        return path.relative_to(root).as_posix()
    return str(path)
