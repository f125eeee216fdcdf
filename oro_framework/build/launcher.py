"""The entry point of a built app: ``oro run`` on the app frozen inside it.

PyInstaller freezes this script as the app's executable; a system package's ``launch.py``
calls :func:`launch` with the system engine. Its arguments are those of ``oro run``
after the app directory (``--headless``, ``--port N``, ``-c KEY=VALUE``, deep-link URLs), and
``--version`` prints the app's name and version.

A built app loads only its own packaged backend and serves only its own resources: what decides
them (:data:`PINNED_KEYS`) comes from the bundle's oro.toml alone. The environment
(``ORO_BACKEND_MODULE``, ``ORO_WEBVIEW_ROOT``...) and ``-c`` cannot move them; each such
override is ignored with one warning line, and the app starts as built.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Final

APP_DIRECTORY = "oro_app"
"""Where a build puts the app's oro.toml and resources, inside the bundle."""

PINNED_KEYS: Final = (
    "backend.module",
    "plugins.paths",
    "webview.root",
    "build.output",
    "build.script",
    "build.copy",
    "build.copy_map",
)
"""The keys a built app takes from its bundle only: which backend and own plugins it imports,
and its resource root (``webview.root``, or ``build.output`` when build steps are set and the
root is not)."""
_CONFIG_OPTIONS: Final = ("-c", "--config")


def _flattened(key: str) -> str:
    # The host's flatten_key, lower-cased: `-c` takes a key dotted or flattened.
    return key.strip().replace(".", "_").replace("-", "_").lower()


_PINNED: Final = frozenset(_flattened(key) for key in PINNED_KEYS)
PINNED_VARIABLES: Final = tuple(f"ORO_{_flattened(key).upper()}" for key in PINNED_KEYS)
"""The environment variables that would set :data:`PINNED_KEYS` (``ORO_<KEY>``)."""


def _pinned_override(value: str) -> str | None:
    key, _, _ = value.partition("=")
    return key.strip() if _flattened(key) in _PINNED else None


def without_overrides(
    arguments: Sequence[str], environ: MutableMapping[str, str]
) -> tuple[list[str], list[str]]:
    """``arguments`` without the ``-c KEY=VALUE`` of :data:`PINNED_KEYS`, and ``environ`` (changed
    in place) without their variables; also what was left out, one description each."""
    ignored = [f"{name} in the environment" for name in PINNED_VARIABLES if name in environ]
    for name in PINNED_VARIABLES:
        environ.pop(name, None)
    kept: list[str] = []
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--":
            kept.extend(arguments[index:])  # deep-link URLs from here on, never options
            break
        value, width = None, 1
        if argument in _CONFIG_OPTIONS and index + 1 < len(arguments):
            value, width = arguments[index + 1], 2
        elif argument.startswith("--config="):
            value = argument.removeprefix("--config=")
        elif argument.startswith("-c") and not argument.startswith("--"):
            value = argument[2:]
        key = None if value is None else _pinned_override(value)
        if key is None:
            kept.extend(arguments[index : index + width])
        else:
            ignored.append(f"-c {key}")
        index += width
    return kept, ignored


def bundled_app() -> Path:
    """The app directory inside the running bundle."""
    return Path(getattr(sys, "_MEIPASS", Path(__file__).parent)) / APP_DIRECTORY


def launch(app: Path, engine: str, arguments: list[str]) -> None:
    """``oro run app --webview engine arguments``, or the app's name and version for
    ``--version``."""
    if arguments in (["--version"], ["-V"]):
        # tomllib, not the host: a version check must not load every plugin.
        import tomllib

        meta = tomllib.loads((app / "oro.toml").read_text(encoding="utf-8")).get("meta", {})
        print(f"{meta.get('name', app.name)} {meta.get('version', '0.0.0')}")
        return
    kept, ignored = without_overrides(arguments, os.environ)
    for what in ignored:
        print(
            f"warning: ignoring {what}: a built app loads only its own backend and serves only "
            "its own resources",
            file=sys.stderr,
        )
    from oro_framework.cli import main as oro_main

    oro_main(["run", str(app), "--webview", engine, *kept])


def main() -> None:
    from oro_framework.host.isolation.process import CHILD_FLAG

    if sys.argv[1:2] == [CHILD_FLAG]:
        # The app's isolated plugin's process (host/isolation/process.py): the frozen
        # executable has no -m, so the host starts it again with this flag.
        from oro_framework.host.isolation_child import main as isolated_plugin

        sys.exit(isolated_plugin(sys.argv[2:]))
    # The bundle carries QtWebEngine, not the platform's WebView: the system engine ships as a
    # distro package instead (oro build --webview system, docs/build.md).
    launch(bundled_app(), "qt", sys.argv[1:])


if __name__ == "__main__":
    main()
