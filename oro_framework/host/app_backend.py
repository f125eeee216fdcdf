"""Finding and importing the app's own Python backend: ``backend.py`` beside ``oro.toml``, or
what ``[backend] module`` names (a path relative to the app, or a dotted module name).

The backend is a plugin of the app, as pytest's ``conftest.py`` is of a test suite: its module
is registered with the plugin manager under the name :data:`BACKEND_PLUGIN` before any hook
runs, so every hook is open to it. Its ``@command`` functions become routes through the core
``backend`` plugin (:mod:`oro_framework.core.backend`).

A backend that does not import (a syntax error, a failing import) does not stop the host: the
error is kept (:attr:`AppBackend.error`), logged, and answered to every ``backend.*`` call, so
the pages keep their other routes and show what is wrong.

Importing the backend runs the app's code. Only the commands that run the app (``oro run``,
``dev``, ``test``, ``build``, ``types``) may: every other command reads an app folder, perhaps a
downloaded one, and switches imports off for its run with :func:`backend_imports_off`; a host
built then finds the backend but leaves it unimported (:attr:`AppBackend.imported` false).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.errors import BackendImportError, ConfigError, IPCError
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "BACKEND_FILE",
    "BACKEND_MODULE_KEY",
    "BACKEND_PLUGIN",
    "EVENT_PREFIX",
    "AppBackend",
    "BackendSwapRefused",
    "backend_imports_allowed",
    "backend_imports_off",
    "find_backend",
    "import_backend",
    "import_new_backend",
    "reload_backend",
    "swap_backend",
    "unimported_backend",
]

logger = logging.getLogger("oro_framework.backend")

BACKEND_PLUGIN: Final = "backend"
"""The name the app's backend module is registered under: ``oro plugins list`` shows it, and
its commands are routes ``backend.<name>``."""
BACKEND_FILE: Final = "backend.py"
BACKEND_MODULE_KEY: Final = "backend.module"
EVENT_PREFIX: Final = "backend:"
"""What the page events of the app's backend are named with: its ``emit("progress")``
(:mod:`oro_framework.backend.events`) is ``backend:progress``, and oro-process's backend
process sends ``backend:data``; the host declares the family, which no page may send."""

# A context variable, not a plain global: a test runner invoking commands in one process (click's
# CliRunner) and threads each see the policy of their own command.
_imports_allowed: ContextVar[bool] = ContextVar("oro_backend_imports_allowed", default=True)


def backend_imports_allowed() -> bool:
    """Whether a host built now imports the app's backend (true unless
    :func:`backend_imports_off` is in force)."""
    return _imports_allowed.get()


@contextmanager
def backend_imports_off() -> Iterator[None]:
    """Inside the block, hosts find the app's backend but do not import it: what the commands
    that only read an app folder (``oro config``, ``routes``, ``doctor``...) run under, so that
    reading a downloaded app never runs its code."""
    token = _imports_allowed.set(False)
    try:
        yield
    finally:
        _imports_allowed.reset(token)


@final
@record
class AppBackend:
    """The app's backend as the host found it.

    :ivar source: the file (``backend.py``) or the dotted module name it was loaded from.
    :ivar module: the imported module; ``None`` when it failed to import.
    :ivar error: why it failed to import, answered to every ``backend.*`` call.
    :ivar directory: where its code lives (the folder first on ``sys.path`` for it): what
        ``oro dev`` watches and ``oro build`` ships.
    :ivar imported: whether an import was tried; false for a host built while imports are off
        (:func:`backend_imports_off`): then ``module`` and ``error`` are both ``None``.
    :ivar page_error: what pages are answered instead of ``error`` (its brief form, without the
        app's text); the command line keeps telling the author the whole ``error``.
    """

    source: str
    module: ModuleType | None
    error: BackendImportError | None = None
    directory: Path | None = None
    imported: bool = True
    page_error: BackendImportError | None = None

    @property
    def file(self) -> Path | None:
        """The backend's file when it is one (``backend.py``, ``[backend] module =
        "src/app.py"``); for a dotted module name, the file it would import from the app's
        folder (``a/b.py`` or ``a/b/__init__.py``) when there is one, found without importing
        anything (no package's ``__init__`` runs)."""
        if self.source.endswith(".py") or Path(self.source).is_absolute():
            return Path(self.source)  # find_backend's resolved file
        base = (self.directory or Path()).joinpath(*self.source.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def missing_route(self, route: str) -> IPCError | None:
        """What a call to an unknown ``route`` answers: the import error for ``backend.*``
        while the backend is broken, else ``None`` (the router's own NotFoundError)."""
        if self.error is not None and route.lower().startswith(BACKEND_PLUGIN + "."):
            return self.page_error or self.error
        return None


def find_backend(app_dir: Path, setting: str | None) -> str | Path | None:
    """What to import as the app's backend: the file or dotted module ``setting`` names, else
    ``backend.py`` in ``app_dir`` when there is one, else ``None``.

    :raises ConfigError: ``setting`` names a file that does not exist.
    """
    if setting:
        text = setting.strip()
        if text.endswith(".py") or "/" in text or "\\" in text:
            path = (app_dir / text).resolve()
            if not path.is_file():
                raise ConfigError(
                    f"[backend] module = {setting!r}: no such file {path}", key=BACKEND_MODULE_KEY
                )
            return path
        return text
    default = app_dir / BACKEND_FILE
    return default if default.is_file() else None


def unimported_backend(app_dir: Path, source: str | Path) -> AppBackend:
    """The backend ``source`` names, found but not imported: nothing of it runs and
    ``sys.path`` is left as it is."""
    directory = source.parent if isinstance(source, Path) else app_dir
    return AppBackend(str(source), None, None, directory, imported=False)


def import_backend(app_dir: Path, source: str | Path) -> AppBackend:
    """Import the backend ``source`` names, the app's directory first on ``sys.path`` so that
    it imports the app's other modules as a script beside them would. A failure is kept, not
    raised."""
    directory = source.parent if isinstance(source, Path) else app_dir
    name = str(source)
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    _forget_shadowed_neighbours(directory)
    try:
        if isinstance(source, Path):
            module = _import_file(source)
        else:
            module = importlib.import_module(source)
    except Exception as error:
        failure = _describe(error, name, app_dir)
        logger.exception("the app's backend %s does not import: %s", name, failure.message)
        return AppBackend(name, None, failure, directory)
    return AppBackend(name, module, None, directory)


def _import_file(path: Path) -> ModuleType:
    # Named after the file, as `python backend.py` would not but `import backend` would: its
    # functions pickle and its log records read "backend".
    return import_file(path, path.stem)


def import_file(path: Path, name: str) -> ModuleType:
    """Import the file ``path`` afresh as module ``name`` (a host built again reads its current
    text), in ``sys.modules`` while it runs, where dataclasses and pickling look a module up;
    taken out again if it raises. The app's backend and its single-file plugins load so."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _describe(error: BaseException, source: str, app_dir: Path) -> BackendImportError:
    where = source
    if isinstance(error, SyntaxError) and error.filename:
        where = f"{error.filename}:{error.lineno}"
    else:
        frames = traceback.extract_tb(error.__traceback__)
        app_frames = [frame for frame in frames if "importlib" not in frame.filename]
        if app_frames:
            where = f"{app_frames[-1].filename}:{app_frames[-1].lineno}"
    where = app_relative(where, app_dir)
    text = " ".join(str(error).split())
    message = f"The app's backend does not import: {type(error).__name__}: {text} ({where})"
    return BackendImportError(message, exception=type(error).__name__, where=where)


def app_relative(where: str, app_dir: Path) -> str:
    """``where`` (a file, perhaps with ``:line``) as pages see it: relative to the app's
    folder, else the file's name alone (a module installed elsewhere): never where the host
    keeps the app, which is none of a page's business."""
    path = Path(where)
    if not path.is_absolute():
        return where
    try:
        return path.relative_to(app_dir.resolve()).as_posix()
    except ValueError:
        with contextlib.suppress(ValueError):
            return path.relative_to(app_dir.absolute()).as_posix()
    return path.name


# -------------------------------------------------------------------------------------------------
# oro dev: a new backend.py in the running host
# -------------------------------------------------------------------------------------------------

BACKEND_CORE_PLUGIN: Final = "app-backend"
"""The core plugin that turns the backend's commands into routes (oro_framework.core.backend)."""


@final
class BackendSwapRefused(Exception):
    """The backend cannot be replaced inside the running host: it implements host hooks (a
    plugin's part, which pluggy and the registries would keep half of). ``oro dev`` restarts
    the host instead."""


def _has_hooks(module: ModuleType | None) -> bool:
    # pluggy marks a hook implementation with the attribute "<project>_impl".
    marker = "oro_impl"
    return module is not None and any(hasattr(value, marker) for value in vars(module).values())


def _forget_app_modules(directory: Path | None, name: str) -> None:
    """Drop from ``sys.modules`` the backend and the app's modules beside it (not what is
    installed under the app, a virtual environment), so that a new import reads their files."""
    _forget_bytecode(sys.modules.pop(name, None))
    if directory is None:
        return
    root = directory.resolve()
    # Never what is installed, even from a folder under the app (an editable install of
    # oro-framework itself when the app lives in its checkout): a second copy of those modules
    # would split their classes in two.
    installed = {"oro_framework", *_installed_packages()}
    for key, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or "site-packages" in file or key.partition(".")[0] in installed:
            continue
        with contextlib.suppress(ValueError, OSError):
            if Path(file).resolve().is_relative_to(root):
                del sys.modules[key]
                _forget_bytecode(module)


def _forget_bytecode(module: object) -> None:
    """Remove ``module``'s cached bytecode: a file saved again within the second with the same
    size (one word for another) keeps the mtime and size the bytecode is checked against, so
    the next import would run the old code."""
    cached = getattr(module, "__cached__", None)
    if isinstance(cached, str):
        with contextlib.suppress(OSError):
            Path(cached).unlink(missing_ok=True)


def _forget_shadowed_neighbours(directory: Path) -> None:
    """Drop from ``sys.modules`` a module named like one of the app's own files beside its
    backend (``helpers.py``) that another folder gave: ``import helpers`` in the backend must
    read this app's file, not what an earlier app of the same process left (hosts built one
    after another, as tests and ``oro test`` do). Installed modules are never dropped."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return
    names = {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in entries
        if entry.suffix == ".py" or (entry / "__init__.py").is_file()
    }
    root = directory.resolve()
    # Python's own folders: the standard library and every installed package live there.
    python = {Path(prefix).resolve() for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    stale = []
    for name in (names & sys.modules.keys()) - sys.stdlib_module_names:
        file = getattr(sys.modules[name], "__file__", None)
        with contextlib.suppress(ValueError, OSError):
            where = Path(file).resolve() if file else None
            if where is None or where.is_relative_to(root):
                continue
            if not any(where.is_relative_to(folder) for folder in python):
                stale.append(name)
    if not stale:
        return
    installed = {"oro_framework", *_installed_packages()}
    for name in stale:
        if name in installed:
            continue
        for key in [key for key in sys.modules if key == name or key.startswith(f"{name}.")]:
            del sys.modules[key]


def reload_backend(host: Host, source: str | Path) -> AppBackend:
    """Import the backend ``source`` names afresh and swap it into the running ``host``: its
    commands replace the routes ``backend.*`` at once (a call already running finishes on the
    old code), or, when it does not import, every ``backend.*`` call answers its error until
    the next reload. Returns the new :attr:`Host.backend`.

    :raises BackendSwapRefused: the old or the new backend implements host hooks.
    """
    return swap_backend(host, import_new_backend(host, source))


def import_new_backend(host: Host, source: str | Path) -> AppBackend:
    """The first half of :func:`reload_backend`, which blocks (the app's code runs, and finding
    what is installed takes a few hundred milliseconds): import the backend ``source`` names
    afresh, the host untouched. Safe in a worker thread while the host serves.

    :raises BackendSwapRefused: the old or the new backend implements host hooks.
    """
    old = host.backend
    if old is not None and _has_hooks(old.module):
        raise BackendSwapRefused("the backend implements host hooks")
    name = Path(source).stem if isinstance(source, Path) else str(source)
    _forget_app_modules(old.directory if old is not None else None, name)
    new = import_backend(host.app_dir, source)
    if _has_hooks(new.module):
        raise BackendSwapRefused("the backend implements host hooks")
    return new


def swap_backend(host: Host, new: AppBackend) -> AppBackend:
    """The second half of :func:`reload_backend`, on the host's loop: ``new`` (from
    :func:`import_new_backend`) becomes the host's backend and its commands its routes."""
    host.backend = new
    # Out of the table before the new ones go in: a command the new code no longer has
    # answers NotFoundError (or the import error), never the old code.
    host.routes.drop_plugin(BACKEND_PLUGIN)
    # The core plugin's own hooks do the rest, as they did when the host was built: it reads
    # the commands (a signature pages cannot call turns into the backend's error) and adds the
    # routes. Called through the host's hook caller, that plugin alone.
    _call_core_hook(host, "oro_configure", host=host)
    if host.backend.module is not None and host.backend.error is None:
        _call_core_hook(host, "oro_register_routes", routes=host.routes, host=host)
    return host.backend


def _call_core_hook(target: Host, hook: str, **kwargs: object) -> None:
    for plugin, caller in target.hooks.implementers(hook):
        if plugin == BACKEND_CORE_PLUGIN:
            caller(**kwargs)


def _installed_packages() -> list[str]:
    """The top-level packages of every installed distribution (imported when asked: the
    metadata machinery costs every command that builds a host ~20 ms)."""
    import importlib.metadata

    return list(importlib.metadata.packages_distributions())
