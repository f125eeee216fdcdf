"""The methods ``dataclasses`` writes for every class, compiled once per installation instead of
once per process.

A dataclass's ``__init__``, ``__repr__``, ``__eq__``... are made by writing their source and
compiling it: ~900 compiles for the ~190 dataclasses ``oro run`` makes as it starts, about a
fifth of its start-up CPU (``bench/startup.py``). The source is the same from one run to the
next (it names fields, never values), so, as Python keeps a module's bytecode in
``__pycache__``, this keeps the code each source compiles to, in ``oro_framework/__pycache__/``
beside the host's own bytecode: the next process executes it instead of compiling it again.
(attrs, which trio uses, is left alone: the source it writes for ``__hash__`` holds a number
that changes with every process's hash seed.)

What the generated code does is unchanged: a source compiles exactly as it did (same file
name, the caller's ``__future__`` flags; the key is both and the whole source, the file's
header the interpreter's version and optimisation level), the cache only skips the compiler.
The file is trusted as the ``.pyc`` files beside it are (whoever can write one can write the
other); it is never read from an app folder or the user's directories. A file that does not
load (another Python, a broken write) is ignored and replaced.

It is written at exit by a process that compiled something new, in a virtual environment where
bytecode may be written (not under ``PYTHONDONTWRITEBYTECODE``; never in a built app, nor in a
system package, whose files belong to the package manager); a write replaces the file whole,
so concurrent processes never see half of one. ``scripts/bootstrap``
fills it for a checkout (``python -m oro_framework.host.generated_code``), as it compiles the
checkout's bytecode.
"""

from __future__ import annotations
import __future__

import atexit
import builtins
import marshal
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import CodeType
from typing import Any, Final

__all__ = ["CACHE_FILE", "FILE_NAME", "CodeCache", "fill", "install", "packages", "save_at_exit"]

FILE_NAME: Final = f"generated-code.{sys.implementation.cache_tag}.marshal"
_FROZEN: Final = bool(getattr(sys, "frozen", False))
CACHE_FILE: Final = (
    # A built app (PyInstaller) carries the file oro build made for it beside the package's
    # data, and never writes it: the app's folder is not the app's to change.
    Path(getattr(sys, "_MEIPASS", "")) / "oro_framework" / FILE_NAME
    if _FROZEN
    else Path(__file__).resolve().parents[1] / "__pycache__" / FILE_NAME
)
_HEADER: Final = f"{sys.version}|optimize={sys.flags.optimize}|marshal={marshal.version}"
"""What the code objects in a file were made by: another interpreter's are not used."""
_MAX_MODULES: Final = 2_000
"""A bound on the file: past it, the modules this process did not use are dropped."""


def _future_flags() -> int:
    flags = 0
    for name in __future__.all_feature_names:
        flags |= getattr(__future__, name).compiler_flag
    return flags


_FUTURE_FLAGS: Final = _future_flags()

_SIZE_BYTES: Final = 8
"""The file starts with the index's length."""
Codes = dict[str, CodeType]
"""A module's sources (after their ``__future__`` flags) and the code they compile to."""


class CodeCache:
    """Sources and the code they compiled to, by the module of the class they were written
    for, loaded from and saved to one file.

    The file is an index (the header, then each module's place) and each module's table,
    marshalled apart. It is mapped, not read, when the first class is made, and a module's
    table is decoded when a class of that module is first made: a command that makes few
    dataclasses (``oro --version``) touches little of it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored: dict[str, bytes | memoryview] | None = None
        self._modules: dict[str, Codes] = {}
        self._changed: set[str] = set()
        self.compiled = 0
        """Sources this process compiled (not found in the file)."""
        self.found = 0
        """Sources this process found compiled in the file."""

    def _read(self) -> dict[str, bytes | memoryview]:
        import mmap

        try:
            with self.path.open("rb") as file:
                mapped = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
            size = int.from_bytes(mapped[:_SIZE_BYTES], "little")
            header, places = marshal.loads(mapped[_SIZE_BYTES : _SIZE_BYTES + size])
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if header != _HEADER or not isinstance(places, dict):
            return {}
        start = _SIZE_BYTES + size
        try:
            return {
                module: mapped[start + offset : start + offset + length]
                for module, (offset, length) in places.items()
            }
        except (TypeError, ValueError):
            return {}

    def _codes(self, module: str) -> Codes:
        codes = self._modules.get(module)
        if codes is None:
            if self._stored is None:
                self._stored = self._read()
            codes = {}
            blob = self._stored.get(module)
            if blob is not None:
                try:
                    loaded = marshal.loads(blob)
                except (EOFError, ValueError, TypeError):
                    loaded = None
                if isinstance(loaded, dict):
                    codes = loaded
            self._modules[module] = codes
        return codes

    def code(self, source: str, flags: int, module: str) -> CodeType:
        """The code of ``source``, compiled as ``exec(source)`` in code with ``flags`` compiles
        it, for a class of ``module``."""
        codes = self._codes(module)
        key = f"{flags}\0{source}"
        code = codes.get(key)
        if code is None:
            code = builtins.compile(source, "<string>", "exec", flags, dont_inherit=True)
            codes[key] = code
            self._changed.add(module)
            self.compiled += 1
        else:
            self.found += 1
        return code

    def save(self) -> bool:
        """Write the file when this process compiled something new: whether it did."""
        if not self._changed:
            return False
        stored = dict(self._stored or {})
        if len(stored) > _MAX_MODULES:
            stored = {module: blob for module, blob in stored.items() if module in self._modules}
        for module in self._changed:
            stored[module] = marshal.dumps(self._modules[module])
        places: dict[str, tuple[int, int]] = {}
        offset = 0
        for module, blob in stored.items():
            places[module] = (offset, len(blob))
            offset += len(blob)
        index = marshal.dumps((_HEADER, places))
        if not self._write([len(index).to_bytes(_SIZE_BYTES, "little"), index, *stored.values()]):
            return False
        self._changed.clear()
        return True

    def _write(self, parts: list[bytes | memoryview]) -> bool:
        import tempfile

        try:
            self.path.parent.mkdir(exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", dir=self.path.parent
            )
        except OSError:
            return False
        try:
            # Readable by everyone, as the bytecode beside it (mkstemp makes it private).
            os.fchmod(descriptor, 0o644)
            with os.fdopen(descriptor, "wb") as file:
                file.writelines(parts)
            # Replaced, never rewritten: a process that mapped the old file keeps reading it.
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return False
        return True


def _caller_flags(depth: int) -> int:
    """The ``__future__`` flags of the code ``depth`` frames up: what ``exec`` and ``compile``
    given a string compile it with."""
    return sys._getframe(depth + 1).f_code.co_flags & _FUTURE_FLAGS


def _cached_exec(cache: CodeCache) -> Callable[..., Any]:
    """``exec`` as dataclasses calls it (a source, its globals and a namespace), taking the
    source's code from ``cache``."""

    def exec_(source: Any, globals_: Any = None, locals_: Any = None, /) -> Any:
        if type(source) is str:
            module = globals_.get("__name__", "") if type(globals_) is dict else ""
            source = cache.code(source, _caller_flags(1), str(module))
        return builtins.exec(source, globals_, locals_)

    return exec_


def save_at_exit(cache: CodeCache) -> bool:
    """Save ``cache`` as a process ends, where its file is this installation's to keep: in a
    virtual environment (a system package's files are the package manager's: dpkg would leave a
    file it does not own behind), not in a built app, and where bytecode may be written (not
    under ``PYTHONDONTWRITEBYTECODE``). Whether it wrote the file."""
    if sys.dont_write_bytecode or _FROZEN or sys.prefix == sys.base_prefix:
        return False
    return cache.save()


_installed: list[CodeCache] = []


def install(path: Path = CACHE_FILE) -> CodeCache:
    """Make dataclasses take their generated code from the cache at ``path`` for the
    rest of the process (once: later calls answer the first cache), and save it at exit."""
    if _installed:
        return _installed[0]
    import dataclasses

    cache = CodeCache(path)
    _installed.append(cache)
    # dataclasses looks the name up in its own globals before the built-ins: only its calls
    # reach the cache, no one else's exec.
    dataclasses.exec = _cached_exec(cache)  # type: ignore[attr-defined]
    atexit.register(save_at_exit, cache)
    return cache


def fill(packages: Iterable[str], path: Path = CACHE_FILE) -> CodeCache:
    """Import every module of ``packages`` (which makes their classes) with the cache at
    ``path`` installed, and save it whatever ``PYTHONDONTWRITEBYTECODE`` says: what
    ``scripts/bootstrap`` does for a checkout after compiling its bytecode, and ``oro build``
    for a built app. Test packages and ``__main__`` modules are not imported; a module that
    does not import here is left out.

    :raises RuntimeError: this process installed a cache at another path already."""
    cache = install(path)
    if cache.path != path:
        raise RuntimeError(f"this process uses the cache at {cache.path}, not {path}")
    for package in packages:
        _import_tree(package)
    cache.save()
    return cache


def packages() -> list[str]:
    """The host's package, every installed plugin's and the event loop's backend: what a
    ``fill`` for the host imports."""
    from importlib.metadata import entry_points

    from oro_framework.hookspecs import PROJECT_NAME

    plugins = {point.value.split(".", 1)[0] for point in entry_points(group=PROJECT_NAME)}
    # The backend anyio runs on, which it imports only when a loop starts.
    return ["oro_framework", *sorted(plugins), "anyio._backends._trio"]


def _import_tree(name: str) -> None:
    import importlib
    import pkgutil

    if set(name.split(".")) & {"__main__", "tests", "_tests", "conftest"}:
        return
    try:
        module = importlib.import_module(name)
    except (Exception, SystemExit):  # what does not import here has nothing to keep
        return
    for child in pkgutil.iter_modules(getattr(module, "__path__", []), f"{name}."):
        _import_tree(child.name)


if __name__ == "__main__":
    # This file runs as __main__, a copy of the module the imports below meet: the module's
    # functions are the ones to call. The cache is installed before anything else is imported.
    from oro_framework.host import generated_code

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else generated_code.CACHE_FILE
    generated_code.install(target)
    filled = generated_code.fill(generated_code.packages(), target)
    print(f"generated code: {filled.compiled + filled.found} sources in {filled.path}")
