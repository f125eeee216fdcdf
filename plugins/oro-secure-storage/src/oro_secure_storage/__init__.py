"""oro-secure-storage: secrets of oro-framework apps in the desktop's Secret Service.

:mod:`oro_secure_storage.plugin` holds the hook implementations; :mod:`.routes` the
``secureStorage.*`` routes; :mod:`.store` the Secret Service client (secretstorage on jeepney);
:mod:`.references` the ``secure-storage:`` references of ``oro.toml``; :mod:`.cli` the
``oro secure-storage`` command; ``js/`` the ``oro:secure-storage`` module.
"""

from __future__ import annotations

__all__: list[str] = []
