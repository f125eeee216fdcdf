"""``[i18n.locales]``: declared by the core ``i18n`` plugin (no "unknown key" warning), handed to
pages in the flattened config, and only folders of the app's resources."""

import pytest

import oro_framework.core.i18n
from oro_framework import ConfigError
from oro_framework.testing import make_host
from oro_framework.web.preload import public_config

pytestmark = pytest.mark.anyio


async def test_locale_folders_reach_pages_flattened() -> None:
    config = {"i18n.locales.en": "i18n/locales/en", "i18n.locales.fr-FR": "i18n/fr"}
    async with make_host([oro_framework.core.i18n], config=config) as host:
        page_config = public_config(host.config)
    assert page_config["i18n_locales_en"] == "i18n/locales/en"
    assert page_config["i18n_locales_fr_FR"] == "i18n/fr"


@pytest.mark.parametrize("folder", ["/etc", "../outside", "lang/../../x", "https://evil.example/"])
async def test_a_folder_outside_the_resources_is_a_config_error(folder: str) -> None:
    with pytest.raises(ConfigError, match=r"i18n\.locales\.en"):
        async with make_host([oro_framework.core.i18n], config={"i18n.locales.en": folder}):
            pass
