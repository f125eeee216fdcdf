"""The package face (``oro_framework/__init__.py``) names each public name three times, for three
readers: the ``TYPE_CHECKING`` imports for type checkers, ``_EXPORTS`` for the import on first
use (PEP 562), ``__all__`` for mypy's explicit re-exports and ``import *``. They must agree."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import oro_framework


def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse(Path(oro_framework.__file__).read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    ]
    return {
        alias.asname or alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_three_listings_of_the_public_names_agree() -> None:
    exports = oro_framework._EXPORTS

    assert _type_checking_imports() == exports
    assert sorted(oro_framework.__all__) == sorted([*exports, "__version__"])


def test_every_public_name_imports_from_where_the_face_says() -> None:
    for name, module in oro_framework._EXPORTS.items():
        assert hasattr(importlib.import_module(module), name), (name, module)
