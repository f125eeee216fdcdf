"""The app's own Python: each @command is a function the page calls with
`import backend from 'oro:backend'; await backend.greet({ name: 'Ada' })`.

Parameters and results are checked against the annotations; `oro types` writes backend.d.ts
for the editor. `oro dev` restarts the host when this file changes. See docs/backend.md.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from oro_framework.backend import command


@dataclass
class Greeting:
    text: str
    python: str


@command
def greet(name: str = "world") -> Greeting:
    """Say hello from Python (a plain def runs in a worker thread, so it may block)."""
    return Greeting(text=f"Hello, {name}!", python=platform.python_version())
