"""What an INI file (``oro.ini``, ``socket.ini``) means to oro, as :func:`.ini_map.map_ini`
finds it: the keys it sets, each with its INI line, and the keys oro does not honour, with why;
and the ``oro.toml`` holding the same (``oro init --from``)."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Final, final

import tomlkit
from tomlkit.items import Table

from oro_framework.host.config.files import DOC
from oro_framework.host.config.ini import IniValue
from oro_framework.host.config.ini_app import AppSection
from oro_framework.records import record

__all__ = ["DOC", "IniNote", "InvalidIniValue", "MappedIni", "MappedKey", "joined_text"]

_SHOWN_TEXT: Final = 80
"""How much of a value a warning line shows."""


def joined_text(raw: str | list[str]) -> str:
    """An INI value's text: a list (a key given on several lines) joined by spaces."""
    return raw if isinstance(raw, str) else " ".join(raw)


@final
@record
class MappedKey:
    """A value for oro's key ``parts`` (a part may hold a dot: ``build.copy-map`` sources)."""

    parts: tuple[str, ...]
    value: Any
    origin: IniValue

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@final
@record
class IniNote:
    """An INI key oro does not honour, and why; or, with ``read_as``, one it reads otherwise
    than its text says (``height = 932px`` read as 932 pixels), and why."""

    origin: IniValue
    reason: str
    read_as: str | None = None

    def message(self, file_name: str) -> str:
        """The warning line: ``socket.ini:12: [ios] icon is not honoured: ... (see DOC)``, or
        ``socket.ini:3: [window] height = '932px' is read as 932 pixels: ... (see DOC)``."""
        where = f"{file_name}:{self.origin.line}: {self.origin.name}"
        if self.read_as is not None:
            text = joined_text(self.origin.value)
            shown = text if len(text) <= _SHOWN_TEXT else f"{text[: _SHOWN_TEXT - 3]}..."
            return f"{where} = {shown!r} is read as {self.read_as}: {self.reason} (see {DOC})"
        return f"{where} is not honoured: {self.reason} (see {DOC})"


@final
@record
class InvalidIniValue:
    """A value no spelling Socket or oro reads covers (``height = tall``): the key keeps its
    default, with one warning, unless a later layer (``ORO_*``, ``-c``) replaces it."""

    parts: tuple[str, ...]
    origin: IniValue
    problem: str

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@final
@record(frozen=False)
class MappedIni:
    """What an INI file means to oro: the keys it sets, the ones oro does not honour, and the
    app's own, which pages read (:mod:`.ini_app`)."""

    file_name: str
    keys: list[MappedKey] = field(default_factory=list)
    notes: list[IniNote] = field(default_factory=list)
    invalid: list[InvalidIniValue] = field(default_factory=list)
    app_config: dict[str, Any] = field(default_factory=dict)
    """The app's own keys as pages read them: Socket's name → Socket's value."""
    app_sections: list[AppSection] = field(default_factory=list)

    def messages(self) -> list[str]:
        """The warning lines: one per note, then one per section of the app's own."""
        return [note.message(self.file_name) for note in self.notes] + [
            section.message(self.file_name) for section in self.app_sections
        ]

    def source(self, key: MappedKey) -> str:
        return f"{self.file_name}:{key.origin.line}"

    def document(self, *, comments: bool = False) -> tomlkit.TOMLDocument:
        """The ``oro.toml`` holding these keys; with ``comments``, each key names its INI origin
        and the notes head the file."""
        document = tomlkit.document()
        if comments:
            document.add(tomlkit.comment(f"Written by `oro init --from {self.file_name}`."))
            if self.notes or self.invalid:
                document.add(tomlkit.comment(f"Not honoured by oro (see {DOC}):"))
                for invalid in self.invalid:
                    document.add(
                        tomlkit.comment(
                            _printable(
                                f"  {self.file_name}:{invalid.origin.line} {invalid.origin.name}:"
                                f" {invalid.problem} (the default is used)"
                            )
                        )
                    )
                for note in self.notes:
                    document.add(
                        tomlkit.comment(
                            _printable(
                                f"  {self.file_name}:{note.origin.line} {note.origin.name}: "
                                f"{note.reason}"
                            )
                        )
                    )
            if self.app_sections:
                document.add(
                    tomlkit.comment(
                        "The app's own, which pages read in application.config while the app "
                        f"runs from its {self.file_name} (an oro.toml holds declared keys only):"
                    )
                )
                for section in self.app_sections:
                    document.add(
                        tomlkit.comment(_printable(f"  {section.message(self.file_name)}"))
                    )
            document.add(tomlkit.nl())
        tree: dict[str, Any] = {}
        for key in self.keys:
            node = tree
            for part in key.parts[:-1]:
                node = node.setdefault(part, {})
            node[key.parts[-1]] = key
        for name, value in tree.items():
            document.add(name, _toml_item(value, self.file_name, comments))
        return document


def _printable(text: str) -> str:
    """``text`` for a TOML comment: a key may hold a carriage return or a control character
    (only ``\\n`` ends an INI line), which a comment cannot; escaped, as Python writes them."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _toml_item(node: dict[str, Any] | MappedKey, file_name: str, comments: bool) -> Any:
    if isinstance(node, MappedKey):
        item = tomlkit.item(node.value)
        if comments:
            item.comment(_printable(f"{file_name} {node.origin.name}"))
        return item
    has_values = any(isinstance(child, MappedKey) for child in node.values())
    table: Table = tomlkit.table(is_super_table=not has_values)
    # Values first: a key after a sub-table would belong to the sub-table in TOML.
    ordered = sorted(node.items(), key=lambda item: not isinstance(item[1], MappedKey))
    for name, child in ordered:
        table.add(name, _toml_item(child, file_name, comments))
    return table
