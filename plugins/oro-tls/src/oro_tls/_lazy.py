"""cryptography's modules, imported on first use: ``cryptography.x509`` and its verification
cost ~20-40 ms to import, which ``oro run`` would pay at start for every app, though only a
page's TLS connection (its handshake, its certificate, a pin) needs them.

Each name is an :class:`oro_framework.LazyModule`: the module imports on first attribute read.
"""

from __future__ import annotations

from oro_framework import LazyModule

x509 = LazyModule("cryptography.x509")
verification = LazyModule("cryptography.x509.verification")
oid = LazyModule("cryptography.x509.oid")
serialization = LazyModule("cryptography.hazmat.primitives.serialization")
ec = LazyModule("cryptography.hazmat.primitives.asymmetric.ec")
rsa = LazyModule("cryptography.hazmat.primitives.asymmetric.rsa")
