"""Where an app's files live (:class:`AppPaths`): its folder and resources, and the per-user
folders named after its bundle identifier, the host's state folder among them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import final

import platformdirs

from oro_framework.host.private_files import app_state_dir, folder_name, hide_from_pages
from oro_framework.records import record

__all__ = ["AppPaths", "app_paths", "user_data_dir"]


@final
@record
class AppPaths:
    """Where the app's files live. ``resources`` is read-only app content (``webview.root``);
    ``data``, ``cache`` and ``temp`` are per-user directories named after the bundle identifier,
    created when the host starts; ``config`` and ``log`` are named the same way (the pages'
    ``os.paths()``), created by whoever writes there. ``state`` is the host's own (permission
    decisions, the engine's storage, window state, the worker registry): no page reaches it
    (:mod:`oro_framework.host.private_files`)."""

    app: Path
    resources: Path
    data: Path
    cache: Path
    temp: Path
    config: Path
    log: Path
    state: Path


def _state_beside(data: Path | None) -> Path | None:
    """A data folder a caller chose keeps its host state beside it, not in the user's."""
    if data is None:
        return None
    data = data.absolute()
    return data.with_name(f"{data.name}.oro-state")


def user_data_dir(bundle_identifier: str) -> Path:
    """The app's per-user data directory (:attr:`AppPaths.data`) when nothing overrides it."""
    return Path(platformdirs.user_data_dir(folder_name(bundle_identifier), appauthor=False))


def app_paths(
    app: Path,
    resources: Path,
    bundle_identifier: str,
    *,
    data: Path | None = None,
    cache: Path | None = None,
    temp: Path | None = None,
    state: Path | None = None,
    root: Path | None = None,
) -> AppPaths:
    """The paths of the app in ``app``: the per-user folders named after ``bundle_identifier``
    (:func:`~oro_framework.host.private_files.folder_name`), or all in ``root`` (``oro test``),
    where ``data``, ``cache``, ``temp`` and ``state`` are not given. The state folder is hidden
    from every sandbox of the process from then on, whatever roots it is given."""
    bundle = folder_name(bundle_identifier)
    if root is not None:
        # Every per-user folder in one place: an isolated run (oro test) switches them all at
        # once, so that none is forgotten and left pointing at the user's own.
        root = root.absolute()
        paths = AppPaths(
            app=app,
            resources=resources,
            data=data or root / "data",
            cache=cache or root / "cache",
            temp=temp or root / "temp",
            config=root / "config",
            log=root / "log",
            state=state or root / "state",
        )
    else:
        paths = AppPaths(
            app=app,
            resources=resources,
            data=data or user_data_dir(bundle),
            cache=cache or Path(platformdirs.user_cache_dir(bundle, appauthor=False)),
            temp=temp or Path(tempfile.gettempdir()) / bundle,
            config=Path(platformdirs.user_config_dir(bundle, appauthor=False)),
            log=Path(platformdirs.user_log_dir(bundle, appauthor=False)),
            state=state or _state_beside(data) or app_state_dir(bundle),
        )
    hide_from_pages(paths.state)
    return paths
