"""Modules imported on first use: llama.cpp (and numpy) cost ~0.4 s to import, which every
``oro`` command would otherwise pay for loading this plugin's entry points; httpx ~50 ms, which
``oro run`` would pay with no upstream configured.

Type checkers see the real modules (``if TYPE_CHECKING:`` imports at each use site); at run time
each name is a :class:`LazyModule` that imports its module on first attribute access and then
copies the module's namespace into itself, so later accesses are plain attribute lookups.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

_lock = threading.Lock()


class LazyModule:
    """Stands in for the module ``name`` until an attribute is read."""

    def __init__(self, name: str) -> None:
        self.__dict__["_lazy_name"] = name

    def __getattr__(self, attribute: str) -> Any:
        name = self.__dict__["_lazy_name"]
        with _lock:
            if name.split(".", 1)[0] == "llama_cpp":
                # Route llama.cpp's native log into logging before anything else calls it, as
                # importing oro_ai.engine used to do.
                from oro_ai import llama_log

                llama_log.install()
            module = importlib.import_module(name)
            for key, value in vars(module).items():
                self.__dict__.setdefault(key, value)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


llama_cpp = LazyModule("llama_cpp")
llama_internals = LazyModule("llama_cpp._internals")
llama_grammar = LazyModule("llama_cpp.llama_grammar")
llama_chat_format = LazyModule("llama_cpp.llama_chat_format")
numpy = LazyModule("numpy")
# httpx imports rich, pygments and click for its command line (httpx._main, ~50 ms): only an
# [ai.upstreams.*] server needs it.
httpx = LazyModule("httpx")
