"""The test kit's switch (``ORO_TEST_ISOLATE``) that runs a plugin's own suite with its plugin
isolated: which plugins a test gives it isolates."""

from __future__ import annotations

import sys

import pytest


def test_the_switch_isolates_the_plugin_modules_a_test_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import oro_conduit.plugin
    import oro_sqlite.plugin

    import oro_framework.core.ping
    from oro_framework.testing import RoutePlugin
    from oro_framework.testing.hosts import isolating

    given = [
        oro_sqlite.plugin,
        oro_conduit.plugin,
        oro_framework.core.ping,
        RoutePlugin({}),
        sys.modules[__name__],
    ]
    config = {"sqlite.roots": ["data"], "plugins.isolate": ["other"]}
    monkeypatch.delenv("ORO_TEST_ISOLATE", raising=False)
    assert isolating(given, config) == config
    monkeypatch.setenv("ORO_TEST_ISOLATE", "0")
    assert isolating(given, config) == config
    monkeypatch.setenv("ORO_TEST_ISOLATE", "1")
    # By the installed entry point's name, else the module's; the host's own modules, the
    # transport's and plugin objects stay in process.
    assert isolating(given, config) == {
        "sqlite.roots": ["data"],
        "plugins.isolate": ["other", "sqlite", __name__],
    }
