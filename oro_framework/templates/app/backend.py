"""The app's own Python: each @command is a function the page calls with
`import backend from 'oro:backend'; await backend.greet({ name: 'Ada' })`.

Parameters and results are checked against the annotations; `oro types` writes backend.d.ts
for the editor. `oro dev` restarts the host when this file changes. See docs/backend.md.
"""

from __future__ import annotations

import platform

from oro_framework.backend import command
from oro_framework.records import record


@record(frozen=False)
class Greeting:
    text: str
    python: str


@command
def greet(name: str = "world") -> Greeting:
    """Say hello from Python (a plain def runs in a worker thread, so it may block)."""
    return Greeting(text=f"Hello, {name}!", python=platform.python_version())
