"""What the commands that only read an app learn of its backend without importing it.

Importing ``backend.py`` runs the app's code; ``oro routes``, ``oro doctor`` and the other
commands that inspect an app folder (perhaps a downloaded one) read its source with :mod:`ast`
instead: whether it parses, and the ``@command`` functions it defines at its top level, as
written. A command made some other way (a decorator applied in a loop, a name computed at import
time) shows only once the backend runs (``oro run``)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final, final

from oro_framework.host.app_backend import AppBackend
from oro_framework.records import record

__all__ = [
    "NOT_IMPORTED",
    "StaticCommand",
    "describe_backend",
    "parse_backend",
    "static_commands",
]

NOT_IMPORTED: Final = (
    "read without importing it: only oro run, dev, test, build and types run the app's code"
)
_DECORATOR: Final = "command"


@final
@record
class StaticCommand:
    """A ``@command`` of the backend's source: its route name, first doc line and timeout."""

    name: str
    doc: str
    timeout: float | None
    line: int


def parse_backend(backend: AppBackend) -> ast.Module | None:
    """The backend's source parsed, ``None`` when it is not a file of the app's (a dotted module
    installed elsewhere).

    :raises SyntaxError: it does not parse (also for a file that is not UTF-8).
    :raises OSError: it cannot be read.
    """
    file = backend.file
    if file is None:
        return None
    try:
        return ast.parse(file.read_bytes(), filename=str(file))
    except ValueError as error:  # null bytes, undecodable text: what an import reports too
        raise SyntaxError(f"{error} ({file})") from None


def static_commands(tree: ast.Module) -> list[StaticCommand]:
    """The functions decorated ``@command`` or ``@command(name=..., timeout=...)`` (also as an
    attribute, ``@backend.command``) at the top level of ``tree``, in source order."""
    found: list[StaticCommand] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            marked = _command_options(decorator)
            if marked is None:
                continue
            name, timeout = marked
            doc = (ast.get_docstring(node) or "").strip().splitlines()
            found.append(
                StaticCommand(name or node.name, doc[0] if doc else "", timeout, node.lineno)
            )
            break
    return found


def _is_command(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == _DECORATOR) or (
        isinstance(node, ast.Attribute) and node.attr == _DECORATOR
    )


def _command_options(decorator: ast.expr) -> tuple[str | None, float | None] | None:
    """``(name, timeout)`` of a ``@command`` decorator, ``None`` for any other decorator."""
    if _is_command(decorator):
        return None, None
    if not isinstance(decorator, ast.Call) or not _is_command(decorator.func):
        return None
    name: str | None = None
    timeout: float | None = None
    for keyword in decorator.keywords:
        value = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
        if keyword.arg == "name" and isinstance(value, str):
            name = value
        elif (
            keyword.arg == "timeout"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            timeout = float(value)
    return name, timeout


def describe_backend(app_dir: Path, backend: AppBackend) -> str:
    """How the backend is named in messages: its file relative to the app, or its module."""
    file = backend.file
    if file is None:
        return backend.source
    try:
        return file.resolve().relative_to(app_dir.resolve()).as_posix()
    except ValueError:
        return str(file)
