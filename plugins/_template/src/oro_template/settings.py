"""The ``[template]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_framework import Config, ConfigRegistry
from oro_framework.kernel.config import load_settings, non_empty, positive

__all__ = ["TemplateSettings", "declare"]

SECTION: Final = "template"


def declare(config: ConfigRegistry) -> None:
    """Declare every ``template.*`` key (``oro config list --describe`` shows them).

    A validator raises ``ValueError`` to refuse a value; the host reports it with the file and
    line it came from. ``oro_framework.kernel.config`` has the common ones.
    """
    config.add(
        "template.greeting",
        str,
        "Hello",
        "Greeting template.echo answers with.",
        validator=non_empty,
    )
    config.add(
        "template.tick_ms",
        int,
        1000,
        "Milliseconds between two template.tick events.",
        validator=positive,
    )


@final
@dataclass(frozen=True)
class TemplateSettings:
    """The ``template.*`` values of one host: one field per key, named after it."""

    greeting: str
    tick_ms: int

    @classmethod
    def from_config(cls, config: Config) -> TemplateSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, SECTION)
