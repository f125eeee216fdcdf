"""Modules imported on first use: llama.cpp (and numpy) cost ~0.4 s to import, which every
``oro`` command would otherwise pay for loading this plugin's entry points; httpx ~50 ms, which
``oro run`` would pay with no upstream configured.

Each name is an :class:`oro_framework.LazyModule`: the module imports on first attribute read.
"""

from __future__ import annotations

from oro_framework import LazyModule


def _route_llama_log() -> None:
    # llama.cpp's native log goes into logging before anything else calls it, as importing
    # oro_ai.engine used to do.
    from oro_ai import llama_log

    llama_log.install()


llama_cpp = LazyModule("llama_cpp", before_import=_route_llama_log)
llama_internals = LazyModule("llama_cpp._internals", before_import=_route_llama_log)
llama_grammar = LazyModule("llama_cpp.llama_grammar", before_import=_route_llama_log)
llama_chat_format = LazyModule("llama_cpp.llama_chat_format", before_import=_route_llama_log)
numpy = LazyModule("numpy")
# httpx imports rich, pygments and click for its command line (httpx._main, ~50 ms): only an
# [ai.upstreams.*] server needs it.
httpx = LazyModule("httpx")
