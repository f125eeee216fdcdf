"""What a page asks of a file dialog (``window.showFileSystemPicker``'s parameters, as the Oro
Runtime names them), checked on the loop before anything reaches the GUI thread."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable
from typing import Final, Literal, final

from oro_framework import InvalidArgumentError, Request
from oro_framework.records import record

__all__ = ["MAX_SPEC_LENGTH", "NameFilter", "PickerOptions", "name_filters"]

PickerType = Literal["open", "save"]

MAX_SPEC_LENGTH: Final = 4096
"""Longest ``contentTypeSpecs`` accepted: a few hundred types is already more than a dialog
can show."""
_MAX_TEXT: Final = 4096
"""Longest title, default name or default path (a path's limit on Linux)."""


@final
@record
class NameFilter:
    """One entry of the dialog's file-type list: ``Images (*.png *.jpg)`` in Qt's words."""

    name: str
    patterns: tuple[str, ...]

    @property
    def qt(self) -> str:
        return f"{self.name} ({' '.join(self.patterns)})"


@final
@record
class PickerOptions:
    """A checked ``window.showFileSystemPicker`` request.

    :ivar directories: the dialog picks directories (``allowDirs`` without ``allowFiles``);
        otherwise files (with both, files: Qt's dialog picks one kind at a time).
    :ivar writable: a picked directory may be written to (``writable``, from the JS
        ``mode: 'readwrite'``); a file from a save dialog always may, an opened file never.
    """

    type: PickerType
    directories: bool
    multiple: bool
    filters: tuple[NameFilter, ...]
    default_name: str | None
    default_path: str | None
    title: str | None
    writable: bool

    @classmethod
    def from_request(cls, request: Request) -> PickerOptions:
        """:raises InvalidArgumentError: an unknown ``type``, nothing allowed to pick, or a
        malformed ``contentTypeSpecs``, name or path."""
        params = request.params
        kind = params.get_str("type", "open")
        if kind not in ("open", "save"):
            raise InvalidArgumentError(
                f"'type' must be 'open' or 'save', got {kind!r}",
                code="ERR_INVALID_ARG_VALUE",
                parameter="type",
            )
        allow_files = params.get_bool("allowFiles", True)
        allow_dirs = params.get_bool("allowDirs", False)
        if not allow_files and not allow_dirs:
            raise InvalidArgumentError(
                "Nothing to pick: 'allowFiles' and 'allowDirs' are both false",
                code="ERR_INVALID_ARG_VALUE",
                parameter="allowFiles",
            )
        picker_type: PickerType = "save" if kind == "save" else "open"
        directories = allow_dirs and not allow_files and picker_type == "open"
        default_name = _text(request, "defaultName")
        if default_name is not None and (os.sep in default_name or default_name in (".", "..")):
            raise InvalidArgumentError(
                "'defaultName' must be a file name, without a directory (use 'defaultPath')",
                code="ERR_INVALID_ARG_VALUE",
                parameter="defaultName",
            )
        default_path = _text(request, "defaultPath")
        if default_path is not None:
            default_path = os.path.expanduser(default_path)
            if not os.path.isabs(default_path):
                raise InvalidArgumentError(
                    "'defaultPath' must be an absolute path (or start with ~)",
                    code="ERR_INVALID_ARG_VALUE",
                    parameter="defaultPath",
                )
        specs = params.get_str("contentTypeSpecs", "")
        return cls(
            type=picker_type,
            directories=directories,
            multiple=params.get_bool("allowMultiple", False) and picker_type == "open",
            filters=name_filters(specs) if not directories else (),
            default_name=default_name,
            default_path=default_path,
            title=_text(request, "title"),
            writable=params.get_bool("writable", False),
        )


def _text(request: Request, name: str) -> str | None:
    value = request.params.get_str(name)
    if value is None or not value.strip():
        return None
    if len(value) > _MAX_TEXT or "\0" in value:
        raise InvalidArgumentError(
            f"'{name}' must be at most {_MAX_TEXT} characters, without NUL",
            code="ERR_INVALID_ARG_VALUE",
            parameter=name,
        )
    return value


def name_filters(specs: str) -> tuple[NameFilter, ...]:
    """The dialog's file-type list from Oro's ``contentTypeSpecs``.

    Groups are separated by ``|``; a group is ``Name:items`` or just ``items``, its items
    separated by commas or spaces. An item is a MIME type (``image/png``, ``image/*``: its
    extensions from Python's :mod:`mimetypes`), an extension (``.png``) or a glob (``*.png``).
    ``"image/png,image/jpeg"`` is one unnamed group; ``"Images:*.png *.jpg|Text:text/plain"``
    two named ones.

    :raises InvalidArgumentError: too long, or a group none of whose items names a file type.
    """
    if len(specs) > MAX_SPEC_LENGTH:
        raise InvalidArgumentError(
            f"'contentTypeSpecs' is longer than {MAX_SPEC_LENGTH} characters",
            code="ERR_INVALID_ARG_VALUE",
            parameter="contentTypeSpecs",
        )
    filters = []
    for group in specs.split("|"):
        if not group.strip():
            continue
        name, colon, rest = group.partition(":")
        if not colon:
            name, rest = "", group
        items = [item for item in rest.replace(",", " ").split() if item]
        patterns = _unique(pattern for item in items for pattern in _patterns(item))
        if not patterns:
            raise InvalidArgumentError(
                f"'contentTypeSpecs' group {group.strip()!r} names no known file type "
                "(use MIME types such as image/png, extensions such as .png, or globs)",
                code="ERR_INVALID_ARG_VALUE",
                parameter="contentTypeSpecs",
            )
        # Qt reads the patterns from the parentheses: a name may not hold its own.
        label = " ".join(name.replace("(", " ").replace(")", " ").split()) or ", ".join(items)
        filters.append(NameFilter(label, patterns))
    return tuple(filters)


def _patterns(item: str) -> list[str]:
    if "/" in item:
        major, _, minor = item.lower().partition("/")
        if minor == "*":
            extensions = [ext for ext, mime in _types_map().items() if mime.startswith(major + "/")]
            return [f"*{ext}" for ext in sorted(extensions)]
        return [f"*{ext}" for ext in mimetypes.guess_all_extensions(item.lower())]
    if item.startswith("."):
        return [f"*{item}"] if len(item) > 1 else []
    # A glob: Qt's patterns are separated by spaces, so none is left here.
    return [item] if all(char not in item for char in "()") else []


def _types_map() -> dict[str, str]:
    if not mimetypes.inited:
        mimetypes.init()
    return dict(mimetypes.types_map)


def _unique(patterns: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for pattern in patterns:
        seen.setdefault(pattern, None)
    return tuple(seen)
