"""Installing test extensions the way pip does: a package and its ``.dist-info`` (``METADATA``
with a summary, ``entry_points.txt`` in the ``oro`` group) in a folder the test puts on
``sys.path`` for its own duration (``monkeypatch.syspath_prepend``: another test that loads
every installed plugin must not meet them), so that the host finds them through
``importlib.metadata`` as it finds any installed plugin."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

ECHO = "echo-ext"
"""The entry-point name of the echo extension: its name for ``extension.load``."""
ECHO_DISTRIBUTION = "oro-echo-ext"
ECHO_VERSION = "1.2.3"
ECHO_SUMMARY = "An echo extension for tests"
OTHER = "other-ext"
"""An installed extension the test apps do not list."""
CLASHING = "clashing-ext"
"""An extension whose routes claim ``ping``, which a plugin of the app owns: it cannot load."""
EVERY = "every-ext"
"""An extension with a hook for every build step, recording each call in its EVENTS."""
UNDECLARED = "undeclared-ext"
"""An extension whose route needs a permission no plugin declares: it cannot load."""

ECHO_SOURCE = textwrap.dedent(
    '''
    """The echo extension: ``echo.say`` answers the greeting and the value, ``echo.wait`` waits
    for the test, a service runs while it is loaded, and every hook is recorded in EVENTS."""

    from __future__ import annotations

    import anyio

    from oro_framework import Request, StashKey, hookimpl

    EVENTS: list[str] = []
    RELEASE = StashKey[anyio.Event]("echo-release")


    async def say(request: Request) -> str:
        return f"{request.host.config['echo.greeting']} {request.params.get('value')}"


    async def wait(request: Request) -> str:
        EVENTS.append("wait started")
        await request.host.stash[RELEASE].wait()
        return "released"


    async def ticker(*, task_status) -> None:
        EVENTS.append("service started")
        task_status.started()
        try:
            await anyio.sleep_forever()
        finally:
            EVENTS.append("service cancelled")


    @hookimpl
    def oro_register_permissions(permissions):
        permissions.add("echo", "The echo extension's routes.")


    @hookimpl
    def oro_register_config(config):
        EVENTS.append("declared")
        config.add("echo.greeting", str, "hello", "What echo.say says first.")


    @hookimpl
    def oro_configure(host):
        EVENTS.append("configured")
        host.stash[RELEASE] = anyio.Event()


    @hookimpl
    def oro_register_routes(routes):
        routes.add("echo.say", say, permission="echo")
        routes.add("echo.wait", wait, permission="echo")


    @hookimpl
    def oro_register_services(services):
        services.add("echo.ticker", ticker, doc="Runs while the echo extension is loaded.")


    @hookimpl
    def oro_lifecycle_event(event):
        EVENTS.append(f"lifecycle {event.value}")


    @hookimpl
    def oro_unconfigure(host):
        EVENTS.append("unconfigured")
        host.stash.pop(RELEASE)
    '''
)

OTHER_SOURCE = textwrap.dedent(
    '''
    """An extension no test app lists."""

    from oro_framework import hookimpl


    async def hello(request):
        return "hello"


    @hookimpl
    def oro_register_routes(routes):
        routes.add("other.hello", hello, permission="runtime")
    '''
)

CLASHING_SOURCE = textwrap.dedent(
    '''
    """An extension whose route takes a name the app's ping plugin owns."""

    from oro_framework import hookimpl

    EVENTS: list[str] = []


    async def pong(request):
        return "not pong"


    @hookimpl
    def oro_configure(host):
        EVENTS.append("configured")


    @hookimpl
    def oro_register_routes(routes):
        routes.add("clash.first", pong, permission="runtime")
        routes.add("ping", pong, permission="runtime")


    @hookimpl
    def oro_unconfigure(host):
        EVENTS.append("unconfigured")
    '''
)


EVERY_SOURCE = textwrap.dedent(
    '''
    """An extension with a hook for every build step, whether it loads at start or later."""

    from __future__ import annotations

    from pathlib import Path

    import anyio

    from oro_framework import hookimpl

    EVENTS: list[str] = []


    async def hello(request):
        return "hello"


    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


    async def ticker(*, task_status) -> None:
        task_status.started()
        await anyio.sleep_forever()


    @hookimpl
    def oro_register_permissions(permissions):
        EVENTS.append("oro_register_permissions")
        permissions.add("every", "The every extension's routes.", default=False)


    @hookimpl
    def oro_register_config(config):
        EVENTS.append("oro_register_config")
        config.add("every.word", str, "hello", "What every.hello answers.")


    @hookimpl
    def oro_configure(host):
        EVENTS.append("oro_configure")


    @hookimpl
    def oro_register_routes(routes):
        EVENTS.append("oro_register_routes")
        routes.add("every.hello", hello, permission="every")


    @hookimpl
    def oro_register_mounts(mounts):
        EVENTS.append("oro_register_mounts")
        mounts.mount("/every", app, doc="The every extension's mount.", permission="every")


    @hookimpl
    def oro_register_js_modules(modules):
        EVENTS.append("oro_register_js_modules")
        modules.add("oro:every", Path(__file__).with_name("every.js"))


    @hookimpl
    def oro_register_services(services):
        EVENTS.append("oro_register_services")
        services.add("every.ticker", ticker, doc="Runs while the every extension is loaded.")


    @hookimpl
    def oro_register_page_events(events):
        EVENTS.append("oro_register_page_events")
        events.add("everytick")


    @hookimpl
    def oro_lifecycle_event(event):
        EVENTS.append(f"oro_lifecycle_event {event.value}")


    @hookimpl
    def oro_unconfigure(host):
        EVENTS.append("oro_unconfigure")
    '''
)

UNDECLARED_SOURCE = textwrap.dedent(
    '''
    """An extension whose route needs a permission nobody declares."""

    from oro_framework import hookimpl


    async def hello(request):
        return "hello"


    @hookimpl
    def oro_register_routes(routes):
        routes.add("undeclared.hello", hello, permission="nobody_declares_this")
    '''
)


def install(
    site: Path, distribution: str, entry_point: str, source: str, *, version: str, summary: str
) -> None:
    """Install ``distribution`` into ``site``: package ``<distribution>`` (dashes as
    underscores) whose ``plugin`` module is ``source``, and its ``.dist-info``."""
    package = distribution.replace("-", "_")
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("", encoding="utf-8")
    (site / package / "plugin.py").write_text(source, encoding="utf-8")
    info = site / f"{package}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\nSummary: {summary}\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        f"[oro]\n{entry_point} = {package}.plugin\n", encoding="utf-8"
    )


def install_test_extensions(site: Path) -> Path:
    """The test extensions (echo, other, clashing, every, undeclared) installed in ``site``
    (created)."""
    site.mkdir(parents=True, exist_ok=True)
    install(site, ECHO_DISTRIBUTION, ECHO, ECHO_SOURCE, version=ECHO_VERSION, summary=ECHO_SUMMARY)
    install(site, "oro-other-ext", OTHER, OTHER_SOURCE, version="0.1.0", summary="Other")
    install(site, "oro-clashing-ext", CLASHING, CLASHING_SOURCE, version="0.1.0", summary="")
    install(site, "oro-every-ext", EVERY, EVERY_SOURCE, version="0.1.0", summary="Every hook")
    (site / "oro_every_ext" / "every.js").write_text("export default {}\n", encoding="utf-8")
    install(site, "oro-undeclared-ext", UNDECLARED, UNDECLARED_SOURCE, version="0.1.0", summary="")
    return site


def echo_events() -> list[str]:
    """The echo extension's record of its hooks (its module, imported by the host)."""
    module = importlib.import_module("oro_echo_ext.plugin")
    events: list[str] = module.EVENTS
    return events
