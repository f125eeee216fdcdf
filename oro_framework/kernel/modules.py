"""JavaScript modules that plugins serve to pages under ``oro:<name>`` (and ``node:`` aliases)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, final

from oro_framework.kernel.exchange import MODULE_PREFIX
from oro_framework.kernel.registry import Registry

__all__ = ["JSModule", "JSModuleTable"]

_SPECIFIER: Final = re.compile(r"^(oro|node):[a-z0-9_\-]+(/[a-z0-9_\-]+)*$")


@final
@dataclass(frozen=True)
class JSModule:
    """One ES module file, importable by its specifier (``oro:fs/promises``)."""

    specifier: str
    path: Path
    plugin: str
    declarations: Path | None = None
    preload: bool = False

    @property
    def url_path(self) -> str:
        """Where the bridge serves it: ``oro:fs/promises`` → ``/oro/fs/promises.js``."""
        return f"{MODULE_PREFIX}/{self.specifier.split(':', 1)[1]}.js"


@final
class JSModuleTable(Registry[JSModule]):
    """Passed to ``oro_register_js_modules``."""

    kind = "JS module specifier"

    def add(
        self,
        specifier: str,
        path: Path,
        *,
        aliases: tuple[str, ...] = (),
        declarations: Path | None = None,
        preload: bool = False,
    ) -> JSModule:
        """Serve the ES module at ``path`` as ``specifier`` and every alias (``node:fs``).

        :param preload: also load it in every page, after ``oro:bootstrap``, in registration
            order (for modules that install themselves, such as an IPC transport).

        :raises RegistrationError: a specifier is not ``oro:<name>``/``node:<name>``, or the
            file is missing.
        :raises RegistrationConflict: another plugin registered one of the specifiers.
        """
        if not path.is_file():
            raise self._refuse(f"JS module file for {specifier!r} does not exist: {path}")
        module = JSModule(specifier, path, self.current_plugin, declarations, preload)
        for name in (specifier, *aliases):
            if not _SPECIFIER.match(name):
                raise self._refuse(f"JS module specifier {name!r} must match {_SPECIFIER.pattern}")
            self._claim(name, module)
        return module

    def specifiers(self) -> dict[str, JSModule]:
        """Every specifier (aliases included) and the module it names."""
        return dict(self._entries)
