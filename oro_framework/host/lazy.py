"""Modules imported on first use, for plugins whose libraries are heavy to import.

A plugin's entry module and the modules its hooks import run for every ``oro`` command and
every launch; a library only a page's call needs (cryptography for a TLS handshake, llama.cpp
for a model) should cost nothing until then. ``x509 = LazyModule("cryptography.x509")`` stands
in for the module: type checkers see the real one (``if TYPE_CHECKING:`` imports at each use
site), and at run time the first attribute read imports it and copies its namespace into the
stand-in, so later reads are plain attribute lookups.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any, final

__all__ = ["LazyModule"]

_lock = threading.Lock()


@final
class LazyModule:
    """Stands in for the module ``name`` until an attribute is read.

    :param before_import: called once, just before the first import of ``name`` (oro-ai routes
        llama.cpp's native log into :mod:`logging` before llama.cpp can write to it).
    """

    def __init__(self, name: str, *, before_import: Callable[[], None] | None = None) -> None:
        self.__dict__["_lazy_name"] = name
        self.__dict__["_lazy_before"] = before_import

    def __getattr__(self, attribute: str) -> Any:
        # Another thread may read an attribute while this one copies the namespace.
        with _lock:
            before = self.__dict__.pop("_lazy_before", None)
            if before is not None:
                before()
            module = importlib.import_module(self.__dict__["_lazy_name"])
            for key, value in vars(module).items():
                self.__dict__.setdefault(key, value)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"
