"""The host: plugins and hooks, config, registries, the router, services, events and the
:class:`~oro_framework.host.app.Host` that ties them together. It knows nothing of HTTP, windows
or the command line (the web, gui and cli layers sit above it; import-linter checks that)."""
