"""What a system package installs, laid out below a staging root.

An app carrying its runtime::

    /usr/bin/<app>                      sh: the distro's python3 on launch.py
    /usr/lib/<app>/launch.py            puts vendor/ first on sys.path, runs the app
    /usr/lib/<app>/vendor/              the carried wheels, unpacked with their dist-info
    /usr/lib/<app>/oro_app/             oro.toml and webview.root
    /usr/share/applications/<id>.desktop, /usr/share/icons/hicolor/WxH/apps/<id>.png,
    /usr/share/metainfo/<id>.metainfo.xml, /usr/share/doc/<app>/{copyright,changelog.gz}

An app on the shared runtime has only ``oro_app/`` below ``/usr/lib/<app>/``; its launcher runs
``/usr/lib/oro-runtime/launch.py``, which the ``oro-runtime`` package installs with its own
``vendor/``. The folder build (``--target onedir``, ``tar``) holds ``launch.py``, ``vendor/``,
``oro_app/`` and a launcher that finds them next to itself.
"""

from __future__ import annotations

import gzip
import os
import shlex
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from oro_framework.build.launcher import APP_DIRECTORY
from oro_framework.build.package import install_desktop_files
from oro_framework.build.plan import AppPlan
from oro_framework.build.system.shared_ai import SHARED_PATHS
from oro_framework.host.plugins import LOAD_PLUGINS_ENV
from oro_framework.update import PACKAGED_ENVIRON

__all__ = [
    "LAUNCH_SCRIPT",
    "PYTHON_CANDIDATES",
    "RUNTIME_NAME",
    "app_files",
    "build_time",
    "doc_files",
    "folder_launcher",
    "installed_launcher",
    "lib_dir",
]

RUNTIME_NAME: Final = "oro-runtime"

LAUNCH_SCRIPT: Final = f'''"""Starts an oro app installed as a system package (oro build --webview
system): the carried distributions next to this file come first on sys.path, then those of
oro's shared packages installed here (oro-ai's engine and model), then the distro's own; the
first argument is the app's directory, the rest are oro run's."""

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path[0:0] = [
    str(Path(__file__).resolve().parent / "vendor"),
    *(shared for shared in {SHARED_PATHS!r} if Path(shared).is_dir()),
]

from oro_framework.build.launcher import launch  # noqa: E402

launch(Path(sys.argv[1]), "system", sys.argv[2:])
'''


def lib_dir(name: str) -> str:
    return f"/usr/lib/{name}"


def installed_launcher(runtime: str, app: str, package_format: str, plugins: Sequence[str]) -> str:
    """``/usr/bin/<app>``: the distro's Python, isolated (no user site, no ``PYTHON*``
    variables), on ``runtime``'s ``launch.py``, loading ``plugins`` and no other (a shared
    runtime carries more; a plugin installed elsewhere on the system is not the app's)."""
    return (
        "#!/bin/sh\n"
        f"export {PACKAGED_ENVIRON}={package_format}\n"
        f"export {LOAD_PLUGINS_ENV}={shlex.quote(','.join(plugins))}\n"
        f"exec /usr/bin/python3 -I {lib_dir(runtime)}/launch.py "
        f'{lib_dir(app)}/{APP_DIRECTORY} "$@"\n'
    )


PYTHON_CANDIDATES: Final = ("/usr/bin/python3", "/bin/python3", "/usr/local/bin/python3")
"""Where the folder launcher looks for a ``python3`` with the distro's ``gi`` after ``PATH``'s:
the distro's own first (a venv's or pyenv's ``python3`` first on ``PATH`` has no ``gi``)."""

_PYTHON_CHECK: Final = (
    "import sys\n"
    "version = sys.version_info[:2]\n"
    'if version < (3, 11): sys.exit("Python %d.%d, older than 3.11" % version)\n'
    "try: import gi\n"
    'except ImportError: sys.exit("no gi (the distro PyGObject)")\n'
)
"""Exits 0 in a ``python3`` that runs the app, else says on stderr what it lacks."""


def folder_launcher(plugins: Sequence[str]) -> str:
    """The folder build's launcher: the first ``python3`` that is 3.11 or later and has the
    distro's ``gi`` (``PATH``'s, then :data:`PYTHON_CANDIDATES`), isolated, on the files beside
    it, loading ``plugins`` and no other. Where none fits it names each interpreter it tried and
    what that one lacks, and exits 1."""
    candidates = " ".join(shlex.quote(path) for path in PYTHON_CANDIDATES)
    return (
        "#!/bin/sh\n"
        'here=$(dirname "$(readlink -f "$0")")\n'
        f"export {LOAD_PLUGINS_ENV}={shlex.quote(','.join(plugins))}\n"
        f"check={shlex.quote(_PYTHON_CHECK)}\n"
        'tried=""\n'
        f'for python in "$(command -v python3)" {candidates}; do\n'
        '  case " $tried " in *" $python: "*) continue ;; esac\n'
        '  [ -n "$python" ] && [ -x "$python" ] || continue\n'
        '  if reason=$("$python" -I -c "$check" 2>&1); then\n'
        f'    exec "$python" -I "$here/launch.py" "$here/{APP_DIRECTORY}" "$@"\n'
        "  fi\n"
        '  tried="$tried\n  $python: ${reason:-does not run}"\n'
        "done\n"
        'printf "%s: no python3 here runs the app: it needs Python 3.11 or later with the '
        "distro's gi (PyGObject; Debian, Ubuntu: apt-get install python3-gi "
        'gir1.2-webkit2-4.1). Tried:%b\\n" "$0" "$tried" >&2\n'
        "exit 1\n"
    )


def _metainfo(plan: AppPlan) -> str:
    summary = escape(plan.description or plan.name)
    released = time.strftime("%Y-%m-%d", time.gmtime(build_time()))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{escape(plan.bundle_identifier)}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <name>{escape(plan.name)}</name>
  <summary>{summary}</summary>
  <description>
    <p>{summary}. {escape(plan.name)} is a desktop app built with oro, running on the
      system's WebKitGTK.</p>
  </description>
  <launchable type="desktop-id">{escape(plan.bundle_identifier)}.desktop</launchable>
  <provides>
    <binary>{escape(plan.command)}</binary>
  </provides>
  <content_rating type="oars-1.1"/>
  <releases>
    <release version="{escape(plan.version)}" date="{released}"/>
  </releases>
</component>
"""


def app_files(plan: AppPlan, root: Path, icon: Path) -> list[str]:
    """The launcher entry, icon and AppStream metadata below ``root``; their paths."""
    desktop = install_desktop_files(plan, icon, root, f"/usr/bin/{plan.command}")
    metainfo = f"/usr/share/metainfo/{plan.bundle_identifier}.metainfo.xml"
    _write(root, metainfo, _metainfo(plan))
    return [*desktop, metainfo]


def doc_files(root: Path, package: str, version: str, maintainer: str, summary: str) -> list[str]:
    """``/usr/share/doc/<package>/``: the copyright file and the changelog Debian asks of
    every package."""
    doc = f"/usr/share/doc/{package}"
    _write(
        root,
        f"{doc}/copyright",
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {package}\n"
        f"Comment: {summary}\n\n"
        f"Files: *\nCopyright: {maintainer}\n"
        "License: other\n The licence of the app, of oro and of each carried distribution "
        "(its dist-info) apply.\n",
    )
    changelog = (
        f"{package} ({version}) unstable; urgency=medium\n\n  * Built with oro.\n\n"
        f" -- {maintainer}  {_changelog_date()}\n"
    )
    target = root / f"{doc}/changelog.gz".lstrip("/")
    target.write_bytes(gzip.compress(changelog.encode(), compresslevel=9, mtime=0))
    return [doc]


def _changelog_date() -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(build_time()))


def build_time() -> int:
    """When the package was built: ``SOURCE_DATE_EPOCH``, the reproducible-builds convention
    for a build's own timestamps, else now."""
    return int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())


def _write(root: Path, path: str, text: str) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
