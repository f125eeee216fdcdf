"""The transports a page may reach the host over, for tests that run a page over each.

A page calls routes and receives events over ``fetch`` (the bridge's HTTP routes and its event
stream), or, in an app where the oro-conduit plugin is installed (``oro-framework[all]``), over
the Conduit's WebSocket, which its preload installs as ``oro:ipc``'s transport. Both promise the
same results, errors and events; a plugin's page tests prove it by running over each transport
an app may use: :func:`served_app` takes ``transport=``, and the pytest plugin's module-scoped
``oro_transport`` fixture runs a test (and the served app it builds) once per installed
transport::

    @pytest.fixture(scope="module")
    def app(oro_transport: str) -> Iterator[ServedApp]:
        with served_app([plugin], transport=oro_transport) as served:
            yield served
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from oro_framework.host.installed import PluginEntry, plugin_entries

__all__ = [
    "CONDUIT_DISTRIBUTION",
    "Transport",
    "installed_transports",
    "transport_of",
    "with_transport",
]

Transport = Literal["fetch", "conduit"]
"""``fetch``: the bridge's HTTP routes and event stream; ``conduit``: oro-conduit's socket."""

CONDUIT_DISTRIBUTION: Final = "oro-conduit"
"""The distribution whose plugin makes pages use the Conduit."""


def _conduit_entry() -> PluginEntry | None:
    return next(
        (entry for entry in plugin_entries() if entry.distribution == CONDUIT_DISTRIBUTION), None
    )


def installed_transports() -> tuple[Transport, ...]:
    """``("fetch", "conduit")`` where oro-conduit is installed, else ``("fetch",)``: every
    transport an app made in this environment may use."""
    return ("fetch", "conduit") if _conduit_entry() is not None else ("fetch",)


def _conduit_plugin() -> object | None:
    entry = _conduit_entry()
    return None if entry is None else entry.load()


def transport_of(plugins: Sequence[object]) -> Transport:
    """What the pages of a host with ``plugins`` use: ``conduit`` when oro-conduit's plugin is
    among them (its preload makes every page use it), else ``fetch``."""
    conduit = _conduit_plugin()
    has_conduit = conduit is not None and any(plugin is conduit for plugin in plugins)
    return "conduit" if has_conduit else "fetch"


def with_transport(plugins: Sequence[object], transport: str | None) -> list[object]:
    """``plugins`` for a host whose pages use ``transport``: with oro-conduit's plugin (from
    its installed entry point, as ``oro run`` loads it) for ``conduit``, without it for
    ``fetch``; ``None`` leaves ``plugins`` as they are.

    :raises ValueError: ``transport`` is neither; ``conduit`` without oro-conduit installed;
        ``fetch`` with oro-conduit's plugin among ``plugins``.
    """
    if transport is None:
        return list(plugins)
    if transport not in ("fetch", "conduit"):
        raise ValueError(f"transport must be 'fetch' or 'conduit', not {transport!r}")
    given = transport_of(plugins)
    if transport == "fetch":
        if given == "conduit":
            raise ValueError(
                "transport 'fetch' with oro-conduit's plugin in plugins: its pages would use "
                "the Conduit; leave the plugin out, or pass transport='conduit'"
            )
        return list(plugins)
    conduit = _conduit_plugin()
    if conduit is None:
        raise ValueError(
            "transport 'conduit' needs the oro-conduit plugin: pip install oro-conduit "
            "(or oro-framework[all]) in the environment the tests run in"
        )
    return list(plugins) if given == "conduit" else [*plugins, conduit]
