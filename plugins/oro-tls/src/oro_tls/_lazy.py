"""cryptography's modules, imported on first use: ``cryptography.x509`` and its verification
cost ~20-40 ms to import, which ``oro run`` would pay at start for every app, though only a
page's TLS connection (its handshake, its certificate, a pin) needs them.

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
        # Another thread may read an attribute while this one copies the namespace.
        with _lock:
            module = importlib.import_module(self.__dict__["_lazy_name"])
            for key, value in vars(module).items():
                self.__dict__.setdefault(key, value)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


x509 = LazyModule("cryptography.x509")
verification = LazyModule("cryptography.x509.verification")
oid = LazyModule("cryptography.x509.oid")
serialization = LazyModule("cryptography.hazmat.primitives.serialization")
ec = LazyModule("cryptography.hazmat.primitives.asymmetric.ec")
rsa = LazyModule("cryptography.hazmat.primitives.asymmetric.rsa")
