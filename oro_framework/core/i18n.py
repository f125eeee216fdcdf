"""``[i18n.locales]``: where an app's translated messages are, for ``oro:i18n``.

Oro's config names a folder per language tag (``en = "i18n/locales/en"``), each holding a
``messages.json`` in the WebExtension format (``{"key": {"message": "...", "placeholders":
{...}}}``). Pages read the table from ``application.config`` (``i18n_locales_en``) and load the
files from the app's own origin; the host serves them as any resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, final

from oro_framework import hookimpl, setting
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework import ConfigRegistry


def _relative_folder(value: str) -> None:
    if value.startswith("/") or ".." in value.split("/") or "://" in value:
        raise ValueError(
            f"{value!r} is not a folder of the app's resources (a relative path such as "
            "'i18n/locales/en')"
        )


@final
@record
class I18nSettings:
    """``[i18n]``: where the app's translations are. Pages read them (``application.config``);
    the host only declares and checks them."""

    locales: dict[str, str] = setting(
        {},
        "The folder (relative to the app's resources) holding `messages.json` for a language "
        'tag: `[i18n.locales] en = "i18n/locales/en"`; `default` is the folder holding one '
        "folder per tag (`i18n/locales`). `oro:i18n` reads them; a tag without an entry is "
        "looked for in `<default>/<tag>` and `_locales/<tag>`.",
        validator=_relative_folder,
    )


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(I18nSettings, section="i18n")
