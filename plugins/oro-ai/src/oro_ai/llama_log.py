"""llama.cpp's log lines, routed into Python logging (logger ``oro_ai.llama``) at their real level.

llama-cpp-python 0.3.36 installs a log callback whose level table predates ggml's current enum
(NONE, DEBUG, INFO, WARN, ERROR, CONT): it takes INFO for WARNING and prints every context's
construction report to stderr. Ours maps the levels as ggml defines them, so the chatter is
DEBUG/INFO and an app's logging configuration decides what is shown.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Final

import llama_cpp

__all__ = ["install"]

logger = logging.getLogger("oro_ai.llama")

_LEVELS: Final = {
    0: logging.CRITICAL,
    1: logging.DEBUG,
    2: logging.INFO,
    3: logging.WARNING,
    4: logging.ERROR,
}
_CONTINUE: Final = 5
"""ggml's level of a line that continues the previous one."""

_last_level = logging.DEBUG


@llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
def _forward(level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
    global _last_level
    python_level = _last_level if level == _CONTINUE else _LEVELS.get(level, logging.INFO)
    _last_level = python_level
    line = text.decode("utf-8", errors="replace").rstrip("\n")
    if line and logger.isEnabledFor(python_level):
        logger.log(python_level, "%s", line)


def install() -> None:
    """Make llama.cpp log through :data:`logger` (idempotent; the callback lives as long as the
    module, so ctypes never calls a collected function)."""
    llama_cpp.llama_log_set(_forward, ctypes.c_void_p(0))
