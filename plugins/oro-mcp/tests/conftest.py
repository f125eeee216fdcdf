"""oro-mcp's tests: the plugin for the kit's in-memory ``host`` and ``client`` fixtures."""

from __future__ import annotations

from typing import Any

import oro_mcp.plugin
import pytest


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (oro_mcp.plugin,)


@pytest.fixture
def oro_config() -> dict[str, Any]:
    return {"permissions.allow_mcp": True}
