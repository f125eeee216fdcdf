"""The ``[hello]`` config keys, declared once as the fields of :class:`HelloSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from oro_framework import setting, validators

__all__ = ["HelloSettings"]


@final
@dataclass(frozen=True)
class HelloSettings:
    """The ``[hello]`` keys of one host: each field is the key ``hello.<field>``, with its type,
    default and doc (``oro config list --describe`` shows them). ``plugin.py`` declares them
    with ``config.add_settings(HelloSettings, section="hello")``; ``host.settings(HelloSettings)``
    reads them back."""

    greeting: str = setting(
        "Hello",
        "Word hello.greet puts before the name.",
        validator=validators.non_empty,
    )
    max_count: int = setting(
        100,
        "Largest 'to' hello.count accepts.",
        validator=validators.positive,
    )
    heartbeat_ms: int = setting(
        1000,
        "Milliseconds between two hello.heartbeat events.",
        validator=validators.positive,
    )
