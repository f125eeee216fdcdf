"""The ``webview`` keys of oro-sw and the typed settings read from them.

Oro spells them flattened (``webview_service-workers``, ``webview_auto_register_service_workers``);
both spellings reach the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_framework import Config, ConfigRegistry
from oro_sw.urls import config_script_path

__all__ = ["AUTO_REGISTER_KEY", "SCRIPTS_KEY", "SwSettings", "declare"]

SCRIPTS_KEY: Final = "webview.service-workers"
AUTO_REGISTER_KEY: Final = "webview.auto_register_service_workers"


def declare(config: ConfigRegistry) -> None:
    """Declare the keys (``oro config list --describe`` shows them)."""
    config.add(
        SCRIPTS_KEY,
        str,
        "",
        "Service Worker scripts every page registers (space-separated paths in the app, as in "
        "Oro: './sw.js /workers/api.js'); each takes its directory as scope.",
        validator=_scripts,
    )
    config.add(
        AUTO_REGISTER_KEY,
        bool,
        True,
        f"Register the {SCRIPTS_KEY} scripts from every page; false: pages register them with "
        "oro:service-worker themselves.",
    )


def script_paths(value: str) -> list[str]:
    """The URL paths of a ``webview.service-workers`` value, in order, without repeats.

    :raises ValueError: an entry outside the app.
    """
    return list(dict.fromkeys(config_script_path(entry) for entry in value.split()))


def _scripts(value: str) -> None:
    # Refused when the host is built (a ConfigError naming the key and file), not in a page.
    script_paths(value)


@final
@dataclass(frozen=True)
class SwSettings:
    """What oro-sw reads from the config."""

    scripts: list[str]
    """URL paths of the configured worker scripts (``/sw.js``)."""
    auto_register: bool

    @classmethod
    def from_config(cls, config: Config) -> SwSettings:
        """Read the settings from a host's loaded config (already validated)."""
        return cls(script_paths(config[SCRIPTS_KEY]), bool(config[AUTO_REGISTER_KEY]))
