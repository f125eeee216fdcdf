"""oro-template: the starting point of a new oro-framework plugin distribution.

:mod:`oro_template.plugin` holds the hook implementations (the entry point names it);
:mod:`oro_template.handlers` does the work; ``js/`` holds the ES modules pages import.
"""

from __future__ import annotations

__all__: list[str] = []
