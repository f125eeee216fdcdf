"""The ``webview`` keys of oro-sw and the typed settings read from them.

Oro spells them flattened (``webview_service-workers``, ``webview_auto_register_service_workers``);
both spellings reach the same key.
"""

from __future__ import annotations

import posixpath
from typing import Final, NamedTuple, final

from oro_framework import setting
from oro_framework.records import record
from oro_sw.urls import config_scope_path, config_script_path

__all__ = ["AUTO_REGISTER_KEY", "SCRIPTS_KEY", "ConfiguredWorker", "SwSettings"]

SCRIPTS_KEY: Final = "webview.service-workers"
AUTO_REGISTER_KEY: Final = "webview.auto_register_service_workers"


@final
class ConfiguredWorker(NamedTuple):
    """One worker every page registers: its script and scope (URL paths of the app)."""

    script: str
    scope: str

    def to_json(self) -> dict[str, str]:
        return {"script": self.script, "scope": self.scope}


def workers_of(scripts: list[str], table: dict[str, str]) -> list[ConfiguredWorker]:
    """The string form's scripts (each with its directory as scope), then the table's entries.

    :raises ValueError: a scope or script outside the app (the message names the entry).
    """
    workers = [
        ConfiguredWorker(path, posixpath.dirname(path).rstrip("/") + "/") for path in scripts
    ]
    for scope, script in table.items():
        workers.append(ConfiguredWorker(config_script_path(str(script)), config_scope_path(scope)))
    return workers


def script_paths(value: str) -> list[str]:
    """The URL paths of a ``webview.service-workers`` value, in order, without repeats.

    :raises ValueError: an entry outside the app.
    """
    return list(dict.fromkeys(config_script_path(entry) for entry in value.split()))


def _scripts(value: str) -> None:
    # Refused when the host is built (a ConfigError naming the key and file), not in a page.
    script_paths(value)


@final
@record
class SwSettings:
    """What oro-sw reads from the config: its ``webview`` keys
    (``config.add_settings(SwSettings, section="webview")``)."""

    service_workers: str = setting(
        "",
        "Service Worker scripts every page registers (space-separated paths in the app, as in "
        "Oro: './sw.js /workers/api.js'); each takes its directory as scope.",
        validator=_scripts,
        name="service-workers",
    )
    auto_register: bool = setting(
        True,
        f"Register the {SCRIPTS_KEY} scripts from every page; false: pages register them with "
        "oro:service-worker themselves.",
        name="auto_register_service_workers",
    )
    table: dict[str, str] = setting(
        {},
        'Oro\'s table form, one worker per scope: [webview.service-workers] "/" = '
        '"/service-worker.js" (scope and script are paths inside the app).',
        name="service-workers",
    )

    @property
    def scripts(self) -> list[str]:
        """URL paths of the configured worker scripts (``/sw.js``)."""
        return script_paths(self.service_workers)
