"""The test kit's ``host`` and ``client`` fixtures (oro-framework's pytest plugin) build their
host with exactly the plugins this fixture names: this one, by its installed entry point."""

from __future__ import annotations

import pytest
from oro_framework.testing import installed_plugin


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (installed_plugin("hello"),)
