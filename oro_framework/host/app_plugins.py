"""The app's own single-file plugins: each ``plugins/*.py`` beside ``oro.toml``, and the files
or folders of them that ``[plugins] paths`` names, loaded as pytest loads ``conftest.py``.

Such a file is a plugin like an installed one, without a distribution or an entry point: the
same hooks, a ``plugin = Plugin(...)`` declaration or ``@hookimpl`` functions, and the same
checks (hookspecs, declaration, plugin API) through :func:`~oro_framework.host.plugins.
register_plugin`. Its name is the file's (``plugins/clip.py`` is the plugin ``clip``), and
``[plugins] disable`` / ``ORO_DISABLE_PLUGINS`` name it so. A file whose name starts with ``_``
is no plugin (``__init__.py``, a helper). They load after the installed plugins and before the
app's backend.

They are the app's code, as ``backend.py`` is: they load only when the backend may
(:func:`~oro_framework.host.app_backend.backend_imports_allowed`: ``oro run``, ``dev``, ``test``,
``build`` and ``types``), never when a command only reads an app folder, and a path outside the
app's folder is refused, so that an app never loads a file it does not ship.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from oro_framework.host.app_backend import import_file
from oro_framework.host.builtin_settings import PluginSettings
from oro_framework.host.config import Config
from oro_framework.host.errors import ConfigError
from oro_framework.host.plugins import LoadedPlugins, PluginInfo, fail_plugin, register_plugin

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "APP_PLUGINS_DIRECTORY",
    "PATHS_KEY",
    "app_plugin_files",
    "app_plugin_locations",
    "load_app_plugins",
    "plugin_locations",
]

APP_PLUGINS_DIRECTORY: Final = "plugins"
"""The app's folder of single-file plugins, beside ``oro.toml``."""
PATHS_KEY: Final = "plugins.paths"
DISABLE_ENV: Final = "ORO_DISABLE_PLUGINS"
_MODULE_PREFIX: Final = "oro_app_plugin_"
"""What an app plugin's module is named with in ``sys.modules`` (``oro_app_plugin_clip``), so
that ``plugins/json.py`` never takes the place of an installed module."""


def app_plugin_files(
    app_dir: Path, paths: Sequence[str], *, source: str | None = None
) -> list[Path]:
    """The app's single-file plugins, resolved: ``plugins/*.py`` sorted by name, then each of
    ``paths`` in order (a ``.py`` file, or a folder whose ``*.py`` files are taken sorted), each
    file once.

    :param source: where ``paths`` was set (``oro.toml:4``), for the errors.
    :raises ConfigError: a path does not exist, is no Python file or folder, lies outside
        ``app_dir`` (after following links) or is ``app_dir`` itself.
    """
    root = app_dir.resolve()
    found: dict[Path, None] = {}
    folder = root / APP_PLUGINS_DIRECTORY
    if folder.is_dir():
        found.update(dict.fromkeys(_python_files(folder)))
    for text in paths:
        path = _placed(root, text, source)
        if path.is_dir():
            found.update(dict.fromkeys(_python_files(path)))
        else:
            found[path] = None
    return list(found)


def _placed(root: Path, text: str, source: str | None) -> Path:
    """The file or folder ``text`` of ``[plugins] paths`` names in the app ``root``, resolved.

    :raises ConfigError: see :func:`app_plugin_files`.
    """

    def refuse(why: str) -> ConfigError:
        return ConfigError(f"[plugins] paths names {text!r}{why}", key=PATHS_KEY, source=source)

    try:
        path = (root / text).resolve()
        is_file = path.is_file() and path.suffix == ".py"
        is_dir = path.is_dir()
    except (OSError, ValueError):
        raise refuse(": no Python file or folder") from None
    if not path.is_relative_to(root):
        raise refuse(
            f", which lies outside the app folder {root}: an app loads only plugin files it "
            "ships (install a plugin instead, or move the file into the app)"
        )
    if path == root:
        raise refuse(
            ": the app folder itself, whose Python files are its backend's; name a folder of "
            "plugins, or put them in plugins/"
        )
    if not (is_file or is_dir):
        raise refuse(f": no Python file or folder at {path}")
    return path


def app_plugin_locations(host: Host) -> list[Path]:
    """Where the app's own plugins of ``host`` are or would be, whether they exist or not: its
    ``plugins/`` folder and each path ``[plugins] paths`` names, resolved. A plugin that lets
    pages write files keeps them out of reach, as it does ``backend.py``: a file a page put
    there would run with the app at its next start (oro-fs hides them)."""
    return plugin_locations(host.app_dir, host.settings(PluginSettings).paths)


def plugin_locations(app_dir: Path, paths: Sequence[str]) -> list[Path]:
    """``plugins/`` of ``app_dir`` and each of ``paths`` resolved, those inside the app folder
    (and not it): what :func:`app_plugin_locations` answers, without a host (``oro dev``)."""
    root = app_dir.resolve()
    found = []
    for name in (APP_PLUGINS_DIRECTORY, *paths):
        try:
            path = (root / name).resolve()
        except (OSError, ValueError):
            continue  # never loaded either: the host refuses it (app_plugin_files)
        if path.is_relative_to(root) and path != root:
            found.append(path)
    return found


def _python_files(folder: Path) -> list[Path]:
    return sorted(
        path.resolve()
        for path in folder.glob("*.py")
        if path.is_file() and not path.name.startswith("_")
    )


def load_app_plugins(
    loaded: LoadedPlugins,
    app_dir: Path,
    early: Config,
    environ: Mapping[str, str],
    *,
    strict: bool | None = None,
) -> None:
    """Import each of the app's single-file plugins (:func:`app_plugin_files`, with ``[plugins]
    paths`` from ``early``) and register it as the plugin named after its file, unless
    ``ORO_DISABLE_PLUGINS`` in ``environ`` names it. A file that does not import, or whose
    plugin breaks the hookspecs, raises :class:`PluginLoadError` (``strict``; ``None``: as
    :attr:`LoadedPlugins.policy` says, which stops the host for the app's own plugins unless
    every broken plugin is skipped) or is recorded as a broken plugin.

    :raises ConfigError: ``[plugins] paths`` names a path outside the app or no Python file.
    """
    root = app_dir.resolve()
    paths = early.settings(PluginSettings).paths
    files = app_plugin_files(root, paths, source=early.source(PATHS_KEY) if paths else None)
    disabled = {name.strip() for name in environ.get(DISABLE_ENV, "").split(",")}
    for path in files:
        name = path.stem
        if name in disabled:
            continue
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        info = PluginInfo(name, entry_point=f"{name} = {where}", module=_module_name(name))
        try:
            module = import_file(path, _module_name(name))
        except Exception as error:
            fail_plugin(loaded, info, f"import failed: {type(error).__name__}: {error}", strict)
            continue
        register_plugin(loaded, module, info, strict)


def _module_name(name: str) -> str:
    return _MODULE_PREFIX + name.replace("-", "_").replace(".", "_")
