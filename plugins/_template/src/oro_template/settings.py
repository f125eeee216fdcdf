"""The ``[template]`` config keys, declared once as the fields of
:class:`TemplateSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from oro_framework import setting, validators

__all__ = ["TemplateSettings"]


@final
@dataclass(frozen=True)
class TemplateSettings:
    """The ``[template]`` keys of one host: each field is one key,
    ``template.<field>``, with its type, default and doc (``oro config list
    --describe`` shows them). ``plugin.py`` declares them with
    ``config.add_settings(TemplateSettings, section="template")``;
    ``host.settings(TemplateSettings)`` reads them back.

    A validator raises ``ValueError`` to refuse a value; the host reports it with the file and
    line it came from. ``oro_framework.validators`` has the common ones.
    """

    greeting: str = setting(
        "Hello",
        "Greeting template.echo answers with.",
        validator=validators.non_empty,
    )
    tick_ms: int = setting(
        1000,
        "Milliseconds between two template.tick events.",
        validator=validators.positive,
    )
