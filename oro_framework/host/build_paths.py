"""Where an app's build steps may write and read: the app folder, and the user's own folders.

Socket joins ``[build] output`` and every copy source to the app folder and goes wherever that
leads (``output = "../build"``, a ``test/`` app copying ``../src/index.js``). Oro goes there
too, but only into what are the user's own files, because the output is replaced whole:

* the app folder itself, any folder inside it;
* outside it, a folder inside one of the *user roots*: the home folder, the temporary folder,
  or the app's *workspace*: its highest ancestor that is neither a top-level folder (``/srv``,
  ``/tmp``, ``/home``), nor the home folder or one of its ancestors;
* never ``/``, the home folder, a top-level folder or a system folder (``/etc``, ``/usr``...)
  wholesale, nor anything inside a system folder; an output is never the app folder or one of
  its ancestors (replacing it would remove the app).

Paths are judged once links are resolved, so a link cannot lead a build out of these folders.
``~`` is no home folder here: as in Socket, a path is joined to the app folder as written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final

from oro_framework.host.errors import ConfigError

__all__ = [
    "SYSTEM_FOLDERS",
    "check_build_output",
    "check_build_source",
    "real_path",
    "user_roots",
]

SYSTEM_FOLDERS: Final = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/lost+found",
    "/proc",
    "/run",
    "/sbin",
    "/snap",
    "/sys",
    "/usr",
    "/var",
)
"""The system's folders: no build writes or reads anything inside them (the temporary folder
excepted, when it lies there: ``/var/tmp``)."""
_ROOT: Final = Path("/")


def real_path(path: Path) -> Path:
    """``path`` absolute with every link resolved, as far as they resolve: a link loop or a
    missing part ends the resolving there, and never raises (``Path.resolve`` would)."""
    return Path(os.path.realpath(path))


def _loops(path: Path) -> bool:
    try:
        path.resolve()
    except (OSError, RuntimeError):
        return True
    return False


def _home() -> Path | None:
    try:
        home = real_path(Path.home())
    except (RuntimeError, KeyError):
        return None
    return None if home == _ROOT else home


def _is_system(path: Path) -> bool:
    return any(path.is_relative_to(folder) for folder in SYSTEM_FOLDERS)


def _workspace(app_dir: Path, home: Path | None) -> Path | None:
    """The app's highest ancestor that is the user's: below a top-level folder, not the home
    folder or above it, not a system folder."""
    found = None
    for ancestor in app_dir.parents:
        if len(ancestor.parts) < 3 or _is_system(ancestor):
            continue
        if home is not None and home.is_relative_to(ancestor):
            continue
        found = ancestor
    return found


def user_roots(app_dir: Path) -> tuple[Path, ...]:
    """The folders a build may go into outside ``app_dir`` (resolved): home, the temporary
    folder and the app's workspace, whichever exist for it."""
    app = real_path(app_dir)
    home = _home()
    roots: list[Path] = []
    if home is not None:
        roots.append(home)
    temp = real_path(Path(tempfile.gettempdir()))
    if len(temp.parts) >= 2 and temp != home:
        roots.append(temp)
    workspace = _workspace(app, home)
    if workspace is not None and not any(workspace.is_relative_to(root) for root in roots):
        roots.append(workspace)
    return tuple(roots)


def _refusal(real: Path, app: Path, *, writes: bool) -> str | None:
    """Why ``real`` is no place for the build (``None``: it is)."""
    if real.is_relative_to(app):
        return (
            "the app folder itself, which the build would replace whole"
            if (writes and real == app)
            else None
        )
    if writes and app.is_relative_to(real):
        return "an ancestor of the app folder, which the build would replace whole"
    home = _home()
    if len(real.parts) < 3 or (home is not None and home.is_relative_to(real)):
        return "the filesystem's root, a top-level folder or the home folder, wholesale"
    roots = user_roots(app)
    if not any(real.is_relative_to(root) for root in roots):
        if _is_system(real):
            return "a system folder"
        return f"outside the user's folders ({', '.join(map(str, roots)) or 'none'})"
    if real in roots and not app.is_relative_to(real):
        # The workspace (an ancestor of the app) may be read; the temporary folder, no.
        return "one of the user's folders wholesale"
    return None


def check_build_output(app_dir: Path, output: str | Path, *, key: str = "build.output") -> Path:
    """``output`` (as written, joined to ``app_dir``) resolved, when a build may replace it.

    :raises ConfigError: it is ``/``, the home folder, a system folder, the app folder or an
        ancestor of it, or lies outside the user's folders (:func:`user_roots`).
    """
    app = real_path(app_dir)
    real = real_path(app / output)
    why = _refusal(real, app, writes=True)
    if why is None and _loops(app / output):
        why = "reached through a link that leads back to itself"
    if why is not None:
        raise ConfigError(
            f"key '{key}' names {real} ({str(output)!r} from {app}): that is {why}; a build "
            "replaces its output folder whole, so it must be a folder of the app or of the "
            "user's own (docs/build.md#where-a-build-may-go)",
            key=key,
        )
    return real


def check_build_source(app_dir: Path, source: str | Path, *, key: str) -> Path:
    """``source`` (joined to ``app_dir``) resolved, when a build may copy from it.

    :raises ConfigError: it is ``/``, the home folder wholesale, inside a system folder, or
        outside the user's folders (:func:`user_roots`).
    """
    app = real_path(app_dir)
    real = real_path(app / source)
    why = _refusal(real, app, writes=False)
    if why is not None:
        raise ConfigError(
            f"key '{key}': source {str(source)!r} is {real}, {why}: a build copies the app's "
            "files and the user's own, never the system's (docs/build.md#where-a-build-may-go)",
            key=key,
        )
    return real
