"""The host's own plugin: the config keys and the permission of the host itself.

Registered first in every plugin manager under the name ``oro``; it cannot be disabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from oro_framework.hookspecs import hookimpl

if TYPE_CHECKING:
    from oro_framework.config import ConfigRegistry
    from oro_framework.host.permissions import PermissionRegistry


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")


def _absolute_url_path(value: str) -> None:
    if not value.startswith("/"):
        raise ValueError(f"must start with '/', got {value!r}")


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add(
        "runtime", "Basic runtime information: ping, platform, MIME types, permissions."
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add("meta.name", str, "oro-app", "Application name, shown in titles and logs.")
    config.add("meta.version", str, "0.0.0", "Application version.")
    config.add(
        "meta.bundle_identifier",
        str,
        "com.example.oro-app",
        "Reverse-DNS identifier; names the app's data, cache and temp directories.",
    )
    config.add("webview.root", str, ".", "Directory of the app's resources, relative to oro.toml.")
    config.add(
        "webview.default_index",
        str,
        "/index.html",
        "Resource served for '/'.",
        validator=_absolute_url_path,
    )
    config.add(
        "webview.allow_any_route", bool, False, "Serve the default index for unknown paths (SPA)."
    )
    config.add("window.title", str, "", "Title of the main window; empty means meta.name.")
    config.add(
        "window.width",
        int,
        1024,
        "Initial width of the main window in pixels.",
        validator=_positive,
    )
    config.add(
        "window.height",
        int,
        768,
        "Initial height of the main window in pixels.",
        validator=_positive,
    )
    config.add(
        "ipc.timeout_ms",
        int,
        32000,
        "Milliseconds an IPC handler may take before the caller gets TimeoutError.",
        validator=_positive,
    )
    config.add(
        "lifecycle.desktop_always_running",
        bool,
        True,
        "Keep services running when the window is minimised; pages still get pause/resume events.",
    )
    config.add(
        "plugins.disable",
        list,
        [],
        "Entry-point or distribution names of plugins not to load (like ORO_DISABLE_PLUGINS).",
    )
