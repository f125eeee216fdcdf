"""oro-hello: a sample third-party plugin for oro-framework.

The plugin itself is :mod:`oro_hello.plugin` (hook implementations only, found through the ``oro``
entry point); the work happens in :mod:`oro_hello.handlers`.
"""

from __future__ import annotations

__all__: list[str] = []
