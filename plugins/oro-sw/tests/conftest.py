"""Fixtures: oro-sw alone for the kit's `host` and `client`."""

from __future__ import annotations

import oro_sw.plugin
import pytest


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (oro_sw.plugin,)
