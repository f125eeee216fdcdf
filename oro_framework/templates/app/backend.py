"""The app's own Python: each @command is a function the page calls with
`import backend from 'oro:backend'; await backend.greet({ name: 'Ada' })`.

Parameters and results are checked against the annotations; `oro types` writes backend.d.ts
for the editor. `oro dev` swaps this file into the running host each time it is saved: the page
is not reloaded (it keeps its state) and its next call runs the new code. A command that takes a
`request: Request` parameter finds the app's data folder at `request.host.paths.data`. See
docs/backend.md.
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
