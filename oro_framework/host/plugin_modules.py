"""Which distribution serves each ``oro:``/``node:`` module of this project's plugins, known even
when that plugin is not there.

A host learns a module's plugin from the plugin itself (``@module`` headers of its ``js/``
folder, :mod:`~oro_framework.host.modules`); an absent plugin says nothing. This table is what
``oro build`` and the bridge know without it: the build names the distribution a page's import
needs, and the bridge answers such an import with a module that says which one to install.
``tests/test_build_page_imports.py`` checks it against the plugins' headers and against the
modules a host with every plugin serves, so that the two never disagree.
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Final

from oro_framework.host.exchange import MODULE_PREFIX

__all__ = [
    "PLUGIN_MODULES",
    "absent_modules",
    "canonical_specifier",
    "is_installed",
    "missing_module_source",
    "missing_plugin_message",
]

PLUGIN_MODULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "node:child_process": "oro-process",
        "node:dgram": "oro-udp",
        "node:dns": "oro-dns",
        "node:dns/promises": "oro-dns",
        "node:fs": "oro-fs",
        "node:fs/constants": "oro-fs",
        "node:fs/promises": "oro-fs",
        "node:net": "oro-tls",
        "node:tls": "oro-tls",
        "node:zlib": "oro-zlib",
        "oro:ai": "oro-ai",
        "oro:ai/llm": "oro-ai",
        "oro:child_process": "oro-process",
        "oro:clipboard": "oro-desktop",
        "oro:conduit": "oro-conduit",
        "oro:conduit/codec": "oro-conduit",
        "oro:cookies": "oro-desktop",
        "oro:dgram": "oro-udp",
        "oro:dns": "oro-dns",
        "oro:dns/constants": "oro-dns",
        "oro:dns/promises": "oro-dns",
        "oro:fs": "oro-fs",
        "oro:fs/bookmarks": "oro-fs",
        "oro:fs/constants": "oro-fs",
        "oro:fs/dir": "oro-fs",
        "oro:fs/fds": "oro-fs",
        "oro:fs/flags": "oro-fs",
        "oro:fs/handle": "oro-fs",
        "oro:fs/promises": "oro-fs",
        "oro:fs/stats": "oro-fs",
        "oro:fs/stream": "oro-fs",
        "oro:fs/watcher": "oro-fs",
        "oro:fs/web": "oro-fs",
        "oro:geolocation": "oro-desktop",
        "oro:mcp": "oro-mcp",
        "oro:net": "oro-tls",
        "oro:network-status": "oro-desktop",
        "oro:notification": "oro-desktop",
        "oro:secure-storage": "oro-secure-storage",
        "oro:service-worker": "oro-sw",
        "oro:service-worker/environment": "oro-sw",
        "oro:service-worker/preload": "oro-sw",
        "oro:service-worker/runtime": "oro-sw",
        "oro:service-worker/worker": "oro-sw",
        "oro:sqlite": "oro-sqlite",
        "oro:tar": "oro-zlib",
        "oro:tls": "oro-tls",
        "oro:zlib": "oro-zlib",
        "oro:zlib/node": "oro-zlib",
    }
)
"""Specifier (``oro:<x>`` and the ``node:<x>`` aliases) → the distribution whose plugin serves
it. ``socket:<x>`` is ``oro:<x>`` (:func:`canonical_specifier`)."""


def canonical_specifier(specifier: str) -> str:
    """``specifier`` with Oro's former scheme ``socket:`` read as ``oro:``."""
    if specifier.startswith("socket:"):
        return "oro:" + specifier.removeprefix("socket:")
    return specifier


def _url_path(specifier: str) -> str:
    return f"{MODULE_PREFIX}/{specifier.split(':', 1)[1]}.js"


def absent_modules(served: Collection[str]) -> dict[str, str]:
    """Each known specifier the host does not serve → the URL path a module is served at
    (``oro:ai`` → ``/oro/ai.js``, ``node:fs`` → ``/oro/fs.js``), when nothing served has it."""
    served_urls = {_url_path(specifier) for specifier in served}
    return {
        specifier: _url_path(specifier)
        for specifier in PLUGIN_MODULES
        if specifier not in served and _url_path(specifier) not in served_urls
    }


def is_installed(distribution: str) -> bool:
    """Whether ``distribution`` is installed here (its plugin may still be left unloaded)."""
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def missing_plugin_message(specifier: str) -> str:
    """What a page that imports ``specifier`` (a known module whose plugin this host lacks) is
    told, and the terminal too."""
    distribution = PLUGIN_MODULES[specifier]
    if is_installed(distribution):
        return (
            f"{specifier} needs the plugin {distribution}, which is installed but not loaded "
            "(ORO_LOAD_PLUGINS, ORO_DISABLE_PLUGINS or [plugins] disable leave it out)"
        )
    return (
        f"{specifier} needs the plugin {distribution}, which is not installed: "
        f"pip install {distribution} (a built app: add {distribution} to [build] plugins and "
        "build it again)"
    )


def missing_module_source(specifier: str, names: Iterable[str]) -> str:
    """An ES module that throws :func:`missing_plugin_message` when it runs. It exports
    ``names`` (the names the app's pages import from it, ``default`` among them) so that a
    page's module graph links and the page sees that message, not a missing-export error."""
    exports = ", ".join(f"missing as {name}" for name in sorted(set(names)))
    message = json.dumps(missing_plugin_message(specifier))
    return (
        f"throw new Error({message})\nlet missing\nexport {{ {exports} }}\n"
        if exports
        else f"throw new Error({message})\nexport {{}}\n"
    )
