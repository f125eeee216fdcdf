"""The entry point of a built app: ``oro run`` on the app frozen inside it.

PyInstaller freezes this script as the app's executable; a system package's ``launch.py``
calls :func:`launch` with the system engine. Its arguments are those of ``oro run``
after the app directory (``--headless``, ``--port N``, ``-c KEY=VALUE``, deep-link URLs), and
``--version`` prints the app's name and version.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_DIRECTORY = "oro_app"
"""Where a build puts the app's oro.toml and resources, inside the bundle."""


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
    from oro_framework.cli import main as oro_main

    oro_main(["run", str(app), "--webview", engine, *arguments])


def main() -> None:
    # The bundle carries QtWebEngine, not the platform's WebView: the system engine ships as a
    # distro package instead (oro build --webview system, docs/build.md).
    launch(bundled_app(), "qt", sys.argv[1:])


if __name__ == "__main__":
    main()
