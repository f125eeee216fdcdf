"""The oro-dns plugin, declared: each part is imported when a host first needs it
(:class:`oro_framework.Plugin`)."""

from __future__ import annotations

from oro_framework import Plugin

plugin = Plugin(
    api=1,
    permissions=".permissions:DNS",
    settings={"dns": ".settings:DnsSettings"},
    # Queries hold no resources past their request; the state has only settings and counters.
    state={".state:STATE": ".state:DnsState.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    hooks={"oro_diagnostics": ".state:STATE.diagnostics"},
)
