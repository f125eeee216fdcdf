"""Plugins in processes of their own (docs/design.md, "Isolated plugins").

``[plugins] isolate`` names the plugins to isolate (entry-point or distribution names), or
``"third-party"``: every plugin not shipped by this project (:data:`PROJECT_DISTRIBUTIONS`). A
plugin may ask for it itself, ``Plugin(isolate=True)``: the host imports its entry module to
read that, and runs it isolated whatever the app says. Otherwise the host does not import an
isolated plugin: it starts its process
(:mod:`.process`), which imports it and declares what it has, and registers a stand-in
(:class:`.proxy.IsolatedPlugin`) under its name. :func:`load_isolated` is that step of loading
plugins.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import TYPE_CHECKING, Final

from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.builtin_settings import PluginSettings
    from oro_framework.host.isolation.supervisor import IsolationLimits

__all__ = [
    "PROJECT_DISTRIBUTIONS",
    "RUNNING_ISOLATED",
    "THIRD_PARTY",
    "IsolationPlan",
    "asks_isolation",
]

RUNNING_ISOLATED: Final = threading.Event()
"""Set in an isolated plugin's own process (:mod:`oro_framework.host.isolation_child`): the
plugin it runs is never isolated again, whatever it declares."""

THIRD_PARTY: Final = "third-party"

PROJECT_DISTRIBUTIONS: Final = frozenset(
    {
        "oro-framework",
        "oro-ai",
        "oro-conduit",
        "oro-desktop",
        "oro-dns",
        "oro-fs",
        "oro-mcp",
        "oro-process",
        "oro-secure-storage",
        "oro-sqlite",
        "oro-sw",
        "oro-tls",
        "oro-udp",
        "oro-zlib",
    }
)
"""The distributions of this project's plugins (``plugins/*``, which
``tests/isolation/test_isolation_plan.py`` checks the list against): what ``isolate =
["third-party"]`` leaves in the host."""


@record
class IsolationPlan:
    """Which plugins run isolated, and the limits their processes get."""

    names: frozenset[str] = frozenset()
    third_party: bool = False
    memory_mb: int = 512
    unresponsive_ms: int = 5000

    @classmethod
    def of(cls, settings: PluginSettings) -> IsolationPlan:
        names = frozenset(settings.isolate)
        return cls(
            names - {THIRD_PARTY},
            THIRD_PARTY in names,
            settings.isolated_memory_mb,
            settings.isolated_unresponsive_ms,
        )

    def isolates(self, name: str, distribution: str | None) -> bool:
        """Whether the plugin ``name`` of ``distribution`` runs in a process of its own."""
        if {name, distribution} & self.names:
            return True
        return (
            self.third_party
            and distribution not in PROJECT_DISTRIBUTIONS
            and (distribution is not None)
        )

    def limits(self, *, handshake: float) -> IsolationLimits:
        """The limits of each process; ``handshake``: the seconds it has to import and declare
        (``ORO_PLUGIN_IMPORT_TIMEOUT``, as an in-process import has), and again to configure."""
        from oro_framework.host.isolation.supervisor import IsolationLimits

        return IsolationLimits(
            memory=self.memory_mb << 20,
            unresponsive=self.unresponsive_ms / 1000,
            handshake=handshake,
        )

    def __bool__(self) -> bool:
        return bool(self.names) or self.third_party


def asks_isolation(plugin: object) -> bool:
    """Whether ``plugin``, an entry module, declares ``Plugin(..., isolate=True)``."""
    from oro_framework.host.declaration import DECLARATION_NAME, Plugin

    declaration = vars(plugin).get(DECLARATION_NAME) if type(plugin) is ModuleType else None
    return isinstance(declaration, Plugin) and declaration.isolate
