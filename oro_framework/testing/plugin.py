"""The pytest plugin of the test kit (entry point ``pytest11``), loaded by every pytest run in an
environment where oro-framework is installed, so it imports nothing but pytest: the host, trio
and Playwright load only when a test uses them.

* ini option ``oro_anyio_backend`` (e.g. ``"trio"``): the backend of this project's
  ``@pytest.mark.anyio`` tests. Unset, anyio's own default applies (the kit imposes nothing).
* fixture ``chromium_browser``: one headless system Chromium for the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

BACKEND_OPTION = "oro_anyio_backend"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        BACKEND_OPTION,
        "anyio backend of this project's async tests ('trio' runs them like the oro runtime); "
        "unset: anyio's default",
        default="",
    )


def _anyio_backend_plugin(backend: str) -> object:
    """A plugin holding the ``anyio_backend`` override; registered in :func:`pytest_configure`
    so that it is parsed after anyio's own plugin and wins over its default parametrisation."""

    class AnyioBackend:
        @pytest.fixture(scope="module")
        @staticmethod
        def anyio_backend() -> str:
            return backend

    return AnyioBackend()


def pytest_configure(config: pytest.Config) -> None:
    backend = str(config.getini(BACKEND_OPTION)).strip()
    if backend:
        config.pluginmanager.register(_anyio_backend_plugin(backend), "oro-anyio-backend")


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless system Chromium (:func:`oro_framework.testing.launch_chromium`) for the whole
    test session."""
    from oro_framework.testing.browser import launch_chromium

    with launch_chromium() as browser:
        yield browser
