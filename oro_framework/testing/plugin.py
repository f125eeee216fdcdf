"""The pytest plugin of the test kit (entry point ``pytest11``), loaded by every pytest run in an
environment where oro-framework is installed, so it imports nothing but pytest: the host, trio
and Playwright load only when a test uses them.

* ini option ``oro_anyio_backend`` (e.g. ``"trio"``): the backend of this project's
  ``@pytest.mark.anyio`` tests. Unset, anyio's own default applies (the kit imposes nothing).
* ini option ``oro_hypothesis_deadline`` (``"none"``, or milliseconds): Hypothesis's deadline
  per example for this project's property tests. Its default, 200 ms, is a timing threshold
  that a busy machine fails while the property holds. Unset, Hypothesis's own default applies.
* fixture ``chromium_browser``: one headless system Chromium for the session, and
  ``webkit_browser`` one WebKitGTK MiniBrowser (driven by ``WebKitWebDriver``) for the session.
* fixture ``browser``: each of the two in turn (a test using it runs once per engine, ids
  ``chromium`` and ``webkit``), for pages opened with ``app_page``/``open_app_page``: the same
  test body runs on both engines.
* fixture ``oro_transport``: ``"fetch"``, then ``"conduit"`` where oro-conduit is installed
  (module scope): a test that uses it, directly or through a fixture such as a module's served
  app (``served_app(..., transport=oro_transport)``), runs once over each transport an app may
  use, ids ``fetch`` and ``conduit``.
* marker ``in_process(reason)``: the test reads what its plugin keeps in the host's process
  (``host.stash``), so it is skipped, with its reason, when the suite runs with its plugins
  isolated (``ORO_TEST_ISOLATE=1``, :func:`~oro_framework.testing.hosts.isolating`).
* fixtures ``host`` (a running host with exactly the plugins of ``oro_plugins``, configured
  with ``oro_config``) and ``client`` (a :class:`~oro_framework.testing.MemoryClient` of it, as
  the page of window 0). A plugin's ``tests/conftest.py`` overrides ``oro_plugins`` (and
  ``oro_config`` when its tests need settings) and gets both::

      @pytest.fixture
      def oro_plugins() -> tuple[object, ...]:
          return (oro_dns.plugin,)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from oro_framework.host.app import Host
    from oro_framework.testing.hosts import MemoryClient
    from oro_framework.testing.webkit import WebKitBrowser

BACKEND_OPTION = "oro_anyio_backend"
DEADLINE_OPTION = "oro_hypothesis_deadline"
IN_PROCESS_MARKER = "in_process"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        BACKEND_OPTION,
        "anyio backend of this project's async tests ('trio' runs them like the oro runtime); "
        "unset: anyio's default",
        default="",
    )
    parser.addini(
        DEADLINE_OPTION,
        "Hypothesis deadline per example: 'none' or milliseconds; unset: Hypothesis's default",
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
    config.addinivalue_line(
        "markers",
        f"{IN_PROCESS_MARKER}(reason): reads what the plugin keeps in the host's process; "
        "skipped when the plugins run isolated (ORO_TEST_ISOLATE)",
    )
    backend = str(config.getini(BACKEND_OPTION)).strip()
    if backend:
        config.pluginmanager.register(_anyio_backend_plugin(backend), "oro-anyio-backend")
    deadline = str(config.getini(DEADLINE_OPTION)).strip().lower()
    if deadline:
        from hypothesis import settings

        settings.register_profile(
            "oro-deadline", deadline=None if deadline == "none" else float(deadline)
        )
        settings.load_profile("oro-deadline")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the ``in_process`` tests, with their reasons, when plugins run isolated."""
    marked = [item for item in items if item.get_closest_marker(IN_PROCESS_MARKER) is not None]
    if not marked:
        return
    from oro_framework.testing.hosts import isolation_requested

    if not isolation_requested():
        return
    for item in marked:
        marker = item.get_closest_marker(IN_PROCESS_MARKER)
        assert marker is not None
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        item.add_marker(pytest.mark.skip(reason=f"runs in process only: {reason}"))


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless system Chromium (:func:`oro_framework.testing.launch_chromium`) for the whole
    test session."""
    from oro_framework.testing.browser import launch_chromium

    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def webkit_browser() -> Iterator[WebKitBrowser]:
    """One WebKitGTK MiniBrowser driven by ``WebKitWebDriver``
    (:func:`oro_framework.testing.launch_webkit`) for the whole test session."""
    from oro_framework.testing.webkit import launch_webkit

    with launch_webkit() as browser:
        yield browser


BROWSER_ENGINES = ("chromium", "webkit")


@pytest.fixture(params=BROWSER_ENGINES)
def browser(request: pytest.FixtureRequest) -> Browser | WebKitBrowser:
    """The session's Chromium, then its WebKit: the test runs once on each engine. Only the
    engine a test runs on is started (the first test that needs it starts it)."""
    engine: Browser | WebKitBrowser = request.getfixturevalue(f"{request.param}_browser")
    return engine


TRANSPORT_FIXTURE = "oro_transport"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses ``oro_transport`` once per installed transport, unless it
    names its transports itself (``@pytest.mark.parametrize("oro_transport", ["conduit"])``)."""
    if TRANSPORT_FIXTURE not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else marker.kwargs.get("argnames", ())
        listed = names.split(",") if isinstance(names, str) else names
        if TRANSPORT_FIXTURE in (name.strip() for name in listed):
            return
    from oro_framework.testing.transports import installed_transports

    metafunc.parametrize(TRANSPORT_FIXTURE, installed_transports(), indirect=True, scope="module")


@pytest.fixture(scope="module")
def oro_transport(request: pytest.FixtureRequest) -> str:
    """The transport this run of the test uses: ``"fetch"`` or ``"conduit"`` (see
    :mod:`oro_framework.testing.transports`); pass it to ``served_app(transport=...)``."""
    return str(request.param)


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    """The plugins of the ``host`` fixture: none but the host's own until a conftest overrides
    it (``return (oro_dns.plugin,)``)."""
    return ()


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    """Config overrides of the ``host`` fixture, by dotted key; a conftest overrides it."""
    return {}


@pytest.fixture
async def host(
    oro_plugins: tuple[object, ...], oro_config: Mapping[str, Any]
) -> AsyncIterator[Host]:
    """A running host with exactly ``oro_plugins`` (see :func:`~oro_framework.testing.make_host`),
    stopped when the test ends."""
    from oro_framework.testing.hosts import make_host

    async with make_host(oro_plugins, config=oro_config) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    """Requests to ``host`` as the page of window 0 makes them."""
    from oro_framework.testing.hosts import MemoryClient

    return MemoryClient(host)
