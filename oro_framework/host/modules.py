"""JavaScript modules that plugins serve to pages under ``oro:<name>`` (and ``node:`` aliases)."""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import Final, final

from oro_framework.host.exchange import MODULE_PREFIX
from oro_framework.host.registry import Registry
from oro_framework.records import record

__all__ = ["JSModule", "JSModuleTable", "read_header"]

_SPECIFIER: Final = re.compile(r"^(oro|node):[a-z0-9_\-]+(/[a-z0-9_\-]+)*$")
_MODULE: Final = re.compile(r"@module\s+(oro:[\w/\-]+)")
_ALIAS: Final = re.compile(r"@alias\s+(node:[\w/\-]+)")
_PLUGIN: Final = re.compile(r"@plugin\s+([\w\-]+)")
_SKIPPED_DIRECTORIES: Final = frozenset({"node_modules"})


def read_header(declarations: Path) -> tuple[str, tuple[str, ...]] | None:
    """``(specifier, aliases)`` from a declaration file's header, the text before its first
    ``*/``: ``@module oro:<name>`` and any ``@alias node:<name>`` lines, or ``None`` when it
    names no module. js-api/scripts/types.mjs reads the same lines for the type bundle."""
    return _parse_header(_header_text(declarations))


_HEADER_READ: Final = 4096


def _header_text(declarations: Path) -> str:
    """The ``.d.ts``'s text up to its first comment's end: the header, read without the rest
    of the file (the core plugins' ``js-api/`` holds 600 KB of declarations)."""
    with declarations.open("rb") as file:
        text = file.read(_HEADER_READ)
        while b"*/" not in text:
            more = file.read(_HEADER_READ)
            if not more:
                break
            text += more
    return text.split(b"*/", 1)[0].decode("utf-8")


def _parse_header(header: str) -> tuple[str, tuple[str, ...]] | None:
    found = _MODULE.search(header)
    if found is None:
        return None
    return found.group(1), tuple(_ALIAS.findall(header))


def _owner(header: str) -> str | None:
    found = _PLUGIN.search(header)
    return found.group(1) if found is not None else None


def _declaration_files(directory: Path) -> list[Path]:
    """Every ``*.d.ts`` below ``directory``, sorted, never looking inside a skipped directory:
    ``Path.rglob`` walked all of ``node_modules`` first and start-up paid for it."""
    found: list[Path] = []
    for parent, directories, files in os.walk(directory):
        directories[:] = [name for name in directories if name not in _SKIPPED_DIRECTORIES]
        found.extend(Path(parent, name) for name in files if name.endswith(".d.ts"))
    return sorted(found)


@final
@record
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

    def __init__(self) -> None:
        super().__init__()
        # Each directory's declarations, read once per host: the core plugins take their
        # modules out of the same js-api/ folder, eight scans of it otherwise (~25 ms a launch).
        self._scanned: dict[Path, list[tuple[Path, Path, str]]] = {}

    def _scan(self, directory: Path) -> list[tuple[Path, Path, str]]:
        """Each ``.d.ts`` below ``directory`` beside its ``.js``, with its header text."""
        scanned = self._scanned.get(directory)
        if scanned is None:
            scanned = []
            for declarations in _declaration_files(directory):
                source = declarations.with_name(declarations.name.removesuffix(".d.ts") + ".js")
                if source.is_file():
                    scanned.append((declarations, source, _header_text(declarations)))
            self._scanned[directory] = scanned
        return scanned

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

    def add_directory(
        self, directory: Path, *, preload: Collection[str] = (), owner: str | None = None
    ) -> list[JSModule]:
        """Serve every ``<x>.js`` below ``directory`` whose ``<x>.d.ts`` has an
        ``@module oro:<name>`` header, as that specifier, with the header's ``@alias node:<name>``
        lines as aliases and the ``.d.ts`` as its declarations. How a plugin registers its
        ``js/`` folder: the headers are the one place a module's names are written.

        Files without such a header (``fs/internal/*.js``, ``vendor/``) are no modules of their
        own; the bridge still serves them by URL beside the modules, for relative imports.

        :param preload: specifiers (found in ``directory``) to load in every page, after
            ``oro:bootstrap``, in this order (see :meth:`add`).
        :param owner: register only the modules whose header says ``@plugin <owner>``; without
            it, only those that name no plugin. How the core plugins take their own modules out
            of ``js-api/``, which the host's builtin plugin registers the rest of.
        :raises RegistrationError: ``directory`` is not a directory, a header names a bad
            specifier, or a ``preload`` specifier is not found there.
        :raises RegistrationConflict: another plugin registered one of the specifiers.
        """
        if not directory.is_dir():
            raise self._refuse(f"JS module directory does not exist: {directory}")
        found: dict[str, tuple[Path, Path, tuple[str, ...]]] = {}
        for declarations, source, text in self._scan(directory):
            header = _parse_header(text)
            if header is not None and _owner(text) == owner:
                found[header[0]] = (source, declarations, header[1])
        missing = [specifier for specifier in preload if specifier not in found]
        if missing:
            raise self._refuse(
                f"preload names {missing}, which no .d.ts header in {directory} declares"
            )
        # Preloaded modules first, in the order given: preloads run in registration order.
        order = [*preload, *(specifier for specifier in found if specifier not in preload)]
        return [
            self.add(
                specifier,
                found[specifier][0],
                aliases=found[specifier][2],
                declarations=found[specifier][1],
                preload=specifier in preload,
            )
            for specifier in order
        ]

    def specifiers(self) -> dict[str, JSModule]:
        """Every specifier (aliases included) and the module it names."""
        return dict(self._entries)
