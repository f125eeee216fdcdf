"""oro-hello's permission, written once: ``plugin.py`` declares it without importing the routes
it guards (``oro config`` reads the declarations alone), and ``routes.py`` guards them with it."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

HELLO: Final = PermissionSpec("hello", "Greet the user and count out loud (oro-hello).")
"""``[permissions] allow_hello = false`` in the app's ``oro.toml`` refuses every ``hello.*``
route."""
