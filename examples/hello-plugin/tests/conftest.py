"""The test kit's ``host`` and ``client`` fixtures (oro-framework's pytest plugin) build their
host with exactly the plugins this fixture names."""

from __future__ import annotations

import pytest

from oro_hello import plugin


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (plugin,)
