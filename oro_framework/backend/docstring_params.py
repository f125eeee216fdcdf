"""What a command's docstring says of each parameter, for the ``@param`` lines of its
TypeScript declaration: Sphinx's ``:param name: text``, Google's ``Args:`` section and NumPy's
``Parameters`` section."""

from __future__ import annotations

import inspect
import re
from typing import Any, Final, Literal

__all__ = ["parameter_docs"]

_SPHINX_PARAM: Final = re.compile(r"^:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")
_GOOGLE_SECTION: Final = re.compile(r"^(Args|Arguments|Parameters|Params)\s*:\s*$")
_GOOGLE_PARAM: Final = re.compile(r"^(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_NUMPY_SECTION: Final = frozenset({"Parameters", "Params", "Arguments"})
_NUMPY_PARAM: Final = re.compile(r"^(\w+)\s*(?::.*)?$")


def _is_rule(text: str) -> bool:
    return len(text) >= 3 and set(text) == {"-"}


def parameter_docs(function: Any) -> dict[str, str]:
    """Each parameter's text in the docstring: ``:param name: text`` (Sphinx), an ``Args:``
    section (Google) or a ``Parameters`` section underlined with dashes (NumPy)."""
    lines = (inspect.getdoc(function) or "").splitlines()
    reader = _ParameterDocs()
    for index, line in enumerate(lines):
        reader.read(line, lines[index + 1].strip() if index + 1 < len(lines) else "")
    return {
        name: " ".join(text for text in parts if text)
        for name, parts in reader.found.items()
        if any(parts)
    }


class _ParameterDocs:
    """What :func:`parameter_docs` knows while it reads a docstring line by line: the
    parameters found so far, the one being continued and the kind of section it is in."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}
        self.current: list[str] | None = None
        self.mode: Literal["sphinx", "google", "numpy"] | None = None
        self.entry_indent = 0

    def read(self, line: str, following: str) -> None:
        """Take one line; ``following`` is the next one, stripped (a NumPy header's rule)."""
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        sphinx = _SPHINX_PARAM.match(stripped)
        if sphinx:
            self.mode = "sphinx"
            self._start(sphinx[1], sphinx[2])
        elif _GOOGLE_SECTION.match(stripped):
            self.mode, self.current, self.entry_indent = "google", None, -1
        elif stripped in _NUMPY_SECTION and _is_rule(following):
            self.mode, self.current, self.entry_indent = "numpy", None, indent
        elif _is_rule(following) or (self.mode == "numpy" and _is_rule(stripped)):
            # Another NumPy section (Returns, Raises): its entries are no parameters.
            self.mode = self.mode if self.mode == "numpy" and _is_rule(stripped) else None
            self.current = None if self.mode is None else self.current
        elif not stripped:
            return
        elif self.mode == "sphinx":
            self._sphinx(stripped, indent)
        elif self.mode == "google":
            self._google(stripped, indent)
        elif self.mode == "numpy":
            self._numpy(stripped, indent)

    def _start(self, name: str, text: str | None) -> None:
        self.current = self.found.setdefault(name, [])
        if text is not None:
            self.current.append(text)

    def _sphinx(self, stripped: str, indent: int) -> None:
        if indent > 0 and self.current is not None:
            self.current.append(stripped)
        else:
            self.mode, self.current = None, None

    def _google(self, stripped: str, indent: int) -> None:
        if self.entry_indent < 0:
            self.entry_indent = indent
        google = _GOOGLE_PARAM.match(stripped)
        if indent < self.entry_indent or indent == 0:
            self.mode, self.current = None, None
        elif indent == self.entry_indent and google:
            self._start(google[1], google[2])
        elif indent > self.entry_indent and self.current is not None:
            self.current.append(stripped)

    def _numpy(self, stripped: str, indent: int) -> None:
        numpy = _NUMPY_PARAM.match(stripped)
        if indent == self.entry_indent and numpy:
            self._start(numpy[1], None)
        elif indent > self.entry_indent and self.current is not None:
            self.current.append(stripped)
