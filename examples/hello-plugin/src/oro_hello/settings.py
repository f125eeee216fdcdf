"""The ``[hello]`` config keys and the typed settings read from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from oro_framework import Config, ConfigRegistry
from oro_framework.kernel.config import load_settings, non_empty, positive

__all__ = ["HelloSettings", "declare"]

SECTION: Final = "hello"


def declare(config: ConfigRegistry) -> None:
    """Declare every ``hello.*`` key (``oro config list --describe`` shows them)."""
    config.add(
        "hello.greeting",
        str,
        "Hello",
        "Word hello.greet puts before the name.",
        validator=non_empty,
    )
    config.add(
        "hello.max_count",
        int,
        100,
        "Largest 'to' hello.count accepts.",
        validator=positive,
    )
    config.add(
        "hello.heartbeat_ms",
        int,
        1000,
        "Milliseconds between two hello.heartbeat events.",
        validator=positive,
    )


@final
@dataclass(frozen=True)
class HelloSettings:
    """The ``hello.*`` values of one host: one field per key, named after it."""

    greeting: str
    max_count: int
    heartbeat_ms: int

    @classmethod
    def from_config(cls, config: Config) -> HelloSettings:
        """Read the settings from a host's loaded config."""
        return load_settings(cls, config, SECTION)
