"""What Python compiles the same way in every process, compiled once per installation: the
methods ``dataclasses`` and attrs write for every class, and the programs of regular expressions.

A dataclass's ``__init__``, ``__repr__``, ``__eq__``... are made by writing their source and
compiling it: ~900 compiles for the ~190 dataclasses ``oro run`` makes as it starts, about a
fifth of its start-up CPU (``bench/startup.py``). ``re`` parses and compiles each pattern in
pure Python (~350 patterns in that start, most in the modules of Python and its libraries). The
source and the pattern are the same from one run to the next (a dataclass's source names
fields, never values), so, as Python keeps a module's bytecode in ``__pycache__``, this keeps
what each compiles to, in ``oro_framework/__pycache__/`` beside the host's own bytecode: the
next process executes the code, or hands the program to ``_sre``, instead of compiling again.
attrs (trio's ~50 classes, ~10 ms of compiles) writes one script of methods per class, the same
way; a script that defines ``__hash__`` is compiled every time and never kept, since it holds a
number made of the process's hash seed.

What is made is unchanged: a source compiles exactly as it did (same file name, the caller's
``__future__`` flags; the key is both and the whole source), a pattern's program is what re's
compiler made of the same pattern and flags; the file's header is the interpreter's version
and optimisation level. Only the compilers are skipped (and with them the warnings a pattern's
parse gives, shown once, as a module's syntax warnings are when its bytecode is written). The
file is trusted as the ``.pyc`` files beside it are (whoever can write one can write the
other); it is never read from an app folder or the user's directories. A file that does not
load (another Python, a broken write) is ignored and replaced.

It is written at exit by a process that compiled something new, in a virtual environment where
bytecode may be written (not under ``PYTHONDONTWRITEBYTECODE``; never in a built app, nor in a
system package, whose files belong to the package manager); a write replaces the file whole,
so concurrent processes never see half of one. ``scripts/bootstrap`` fills it for a checkout
(``python -m oro_framework.host.generated_code``), as it compiles the checkout's bytecode, and
``oro build`` for a built app.
"""

from __future__ import annotations
import __future__

import atexit
import builtins
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any, Final

__all__ = [
    "CACHE_FILE",
    "FILE_NAME",
    "CodeCache",
    "active",
    "fill",
    "install",
    "save_at_exit",
    "settle",
]

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
_MAX_ENTRIES: Final = 10_000
"""A bound on one table (patterns made of an app's config differ from app to app): past it,
what this process did not use is dropped from it."""


def _future_flags() -> int:
    flags = 0
    for name in __future__.all_feature_names:
        flags |= getattr(__future__, name).compiler_flag
    return flags


_FUTURE_FLAGS: Final = _future_flags()

_SIZE_BYTES: Final = 8
"""The file starts with the index's length."""
_PATTERNS: Final = "\0patterns"
"""The table of regular expressions' programs (no module's name has a NUL); each module's
table keys its classes' sources, after their ``__future__`` flags."""
_INSTALLED: Final = "\0installed"
"""The table of what is installed (:mod:`~oro_framework.host.installed`), by its key."""
_ATTRS: Final = "\0attrs"
"""The table of attrs's class scripts, by their ``__future__`` flags, file name and source."""
_ATTRS_MODULE: Final = "attr._make"
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""What ``_sre.compile`` makes a pattern object of, after the pattern and before its flags'
parse: the flags, the program, the group count, the group names both ways."""


class CodeCache:
    """Sources and the code they compiled to, by the module of the class they were written
    for, and patterns and their programs, loaded from and saved to one file.

    The file is an index (the header, then each table's place) and the tables (one per module,
    one of patterns), marshalled apart. It is mapped, not read, when the first class or pattern
    is made, and a table decoded when it is first needed: a command that makes few dataclasses
    (``oro --version``) decodes little of it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored: dict[str, bytes | memoryview] | None = None
        self._tables: dict[str, dict[Any, Any]] = {}
        self._changed: set[str] = set()
        self._used: set[tuple[str, Any]] = set()
        self.compiled = 0
        """Sources and patterns this process compiled (not found in the file)."""
        self.found = 0
        """Sources and patterns this process found compiled in the file."""
        self.settled = False
        """Nothing new is kept (:meth:`settle`)."""

    def settle(self) -> None:
        """Keep nothing new from now on: what the app compiles once it serves (a pattern made
        of what a page sent, a glob's) compiles as without the cache and is not kept, so pages
        can neither grow this process's tables nor fill the file."""
        self.settled = True

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

    def _table(self, name: str) -> dict[Any, Any]:
        table = self._tables.get(name)
        if table is None:
            if self._stored is None:
                self._stored = self._read()
            table = {}
            blob = self._stored.get(name)
            if blob is not None:
                try:
                    loaded = marshal.loads(blob)
                except (EOFError, ValueError, TypeError):
                    loaded = None
                if isinstance(loaded, dict):
                    table = loaded
            self._tables[name] = table
        return table

    def _kept(self, name: str, key: Any, make: Callable[[], Any], *, counted: bool = True) -> Any:
        """What table ``name`` keeps for ``key``, or ``make()``'s, kept unless settled;
        ``counted``: a source or pattern (:attr:`found`, :attr:`compiled`)."""
        table = self._table(name)
        self._used.add((name, key))
        made = table.get(key)
        if made is not None:
            self.found += counted
            return made
        made = make()
        self.compiled += counted
        if not self.settled:
            table[key] = made
            self._changed.add(name)
        return made

    def code(self, source: str, flags: int, module: str) -> CodeType:
        """The code of ``source``, compiled as ``exec(source)`` in code with ``flags`` compiles
        it, for a class of ``module``."""
        code: CodeType = self._kept(
            module,
            f"{flags}\0{source}",
            lambda: builtins.compile(source, "<string>", "exec", flags, dont_inherit=True),
        )
        return code

    def script(self, source: str, file_name: str, flags: int) -> CodeType:
        """The code of attrs's ``source``, compiled as ``compile(source, file_name, "exec")`` in
        code with ``flags`` compiles it."""
        code: CodeType = self._kept(
            _ATTRS,
            f"{flags}\0{file_name}\0{source}",
            lambda: builtins.compile(source, file_name, "exec", flags, dont_inherit=True),
        )
        return code

    def program(self, pattern: str | bytes, flags: int, parse: Callable[[], Program]) -> Program:
        """The program of ``pattern`` with ``flags``: from the file, or ``parse()``."""
        program: Program = self._kept(_PATTERNS, (pattern, flags), parse)
        return program

    def installed(self, key: Any, read: Callable[[], Any]) -> Any:
        """What :mod:`~oro_framework.host.installed` found for ``key``: from the file, or
        ``read()``'s."""
        return self._kept(_INSTALLED, key, read, counted=False)

    def save(self) -> bool:
        """Write the file when this process compiled something new: whether it did."""
        if not self._changed:
            return False
        stored = dict(self._stored or {})
        if len(stored) > _MAX_MODULES:
            stored = {name: blob for name, blob in stored.items() if name in self._tables}
        for name in self._changed:
            table = self._tables[name]
            if len(table) > _MAX_ENTRIES:
                table = {key: made for key, made in table.items() if (name, key) in self._used}
            stored[name] = marshal.dumps(table)
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


def _caller_flags() -> int:
    """The ``__future__`` flags of the code that called the caller (dataclasses calling
    ``exec``, attrs calling ``compile``): what the built-in given a string compiles it with."""
    return sys._getframe(2).f_code.co_flags & _FUTURE_FLAGS


def _cached_exec(cache: CodeCache) -> Callable[..., Any]:
    """``exec`` as dataclasses calls it (a source, its globals and a namespace), taking the
    source's code from ``cache``."""

    def exec_(source: Any, globals_: Any = None, locals_: Any = None, /) -> Any:
        if type(source) is str:
            module = globals_.get("__name__", "") if type(globals_) is dict else ""
            source = cache.code(source, _caller_flags(), str(module))
        return builtins.exec(source, globals_, locals_)

    return exec_


def _cached_compile(cache: CodeCache) -> Callable[..., Any]:
    """``compile`` as attrs calls it (a class's script and its file name), taking the code from
    ``cache``; any other call, and a script defining ``__hash__``, compiles as before."""

    def compile_(
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
        **options: Any,
    ) -> Any:
        if not dont_inherit:
            # What the built-in would inherit: the caller's __future__ flags, not this module's.
            flags |= _caller_flags()
        if (
            type(source) is not str
            or type(filename) is not str
            or mode != "exec"
            or flags & ~_FUTURE_FLAGS
            or optimize != -1
            or options
            or "__hash__" in source
        ):
            return builtins.compile(source, filename, mode, flags, True, optimize, **options)
        return cache.script(source, filename, flags)

    return compile_


class _AttrsLoader:
    """The loader of attrs's ``attr._make``, which gives the module the cache's ``compile``
    once it is executed; everything else is the wrapped loader's."""

    def __init__(self, loader: Any, cache: CodeCache) -> None:
        self._loader = loader
        self._cache = cache

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        # attrs looks the name up in its module's globals before the built-ins: only its
        # calls reach the cache.
        module.compile = _cached_compile(self._cache)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _AttrsFinder:
    """Finds ``attr._make`` as the finders after it on ``sys.meta_path`` do (a source file, a
    built app's archive), with :class:`_AttrsLoader` as its loader, then leaves the path: the
    host's modules import attrs (through trio) after :func:`install`, and a command that never
    imports it pays nothing."""

    def __init__(self, cache: CodeCache) -> None:
        self._cache = cache

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != _ATTRS_MODULE:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = None if find_spec is None else find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _AttrsLoader(spec.loader, self._cache)
                return spec
        return None


def _cache_attrs(cache: CodeCache) -> None:
    """attrs takes its class scripts' code from ``cache``: now if it is imported already,
    else when it is."""
    module = sys.modules.get(_ATTRS_MODULE)
    if module is not None:
        module.compile = _cached_compile(cache)  # type: ignore[attr-defined]
    else:
        sys.meta_path.insert(0, _AttrsFinder(cache))


def _cache_patterns(cache: CodeCache) -> bool:
    """Make ``re._compiler.compile`` take a pattern's program from ``cache``: what re's parser
    and compiler (pure Python, ~100 µs a pattern) make of a pattern and flags, handed to
    ``_sre`` as the original hands it. Patterns with the DEBUG flag (which prints as it
    compiles) or LOCALE (whose meaning depends on the locale when used) compile as before.
    Whether it did: not where re's internals are not the ones this knows."""
    import importlib

    try:
        _sre = importlib.import_module("_sre")
        _compiler = importlib.import_module("re._compiler")
        _parser = importlib.import_module("re._parser")
    except ImportError:
        return False
    code_of = getattr(_compiler, "_code", None)
    if code_of is None or not callable(getattr(_sre, "compile", None)):
        return False
    original = _compiler.compile
    uncached = _compiler.SRE_FLAG_DEBUG | _compiler.SRE_FLAG_LOCALE

    def compile_(pattern: Any, flags: Any = 0) -> Any:
        if type(pattern) not in (str, bytes) or type(flags) is not int or flags & uncached:
            return original(pattern, flags)

        def parse() -> Program:
            parsed = _parser.parse(pattern, flags)
            # Its opcodes are int subclasses, which marshal does not write.
            code = list(map(int, code_of(parsed, flags)))
            groups: dict[str, int] = parsed.state.groupdict
            names: list[str | None] = [None] * parsed.state.groups
            for name, index in groups.items():
                names[index] = name
            final = int(flags | parsed.state.flags)
            return final, code, parsed.state.groups - 1, dict(groups), tuple(names)

        final, code, count, groups, names = cache.program(pattern, flags, parse)
        return _sre.compile(pattern, final, code, count, dict(groups), names)

    compile_.__wrapped__ = original  # type: ignore[attr-defined]
    _compiler.compile = compile_  # type: ignore[attr-defined]
    return True


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
    """Make dataclasses, attrs and re take what they compile from the cache at ``path`` for the rest
    of the process (once: later calls answer the first cache), and save it at exit."""
    if _installed:
        return _installed[0]
    import dataclasses

    cache = CodeCache(path)
    _installed.append(cache)
    # dataclasses looks the name up in its own globals before the built-ins: only its calls
    # reach the cache, no one else's exec.
    dataclasses.exec = _cached_exec(cache)  # type: ignore[attr-defined]
    _cache_attrs(cache)
    _cache_patterns(cache)
    atexit.register(save_at_exit, cache)
    return cache


def active() -> CodeCache | None:
    """The cache this process installed, if it did."""
    return _installed[0] if _installed else None


def settle() -> None:
    """The app serves: the installed cache keeps nothing new (:meth:`CodeCache.settle`); with
    ``ORO_TRACE_STARTUP`` set, a line says what start-up found in it and compiled."""
    if _installed:
        cache = _installed[0]
        cache.settle()
        from oro_framework.host import tracing

        tracing.startup_detail(
            f"generated code: {cache.found} from the cache, {cache.compiled} compiled"
        )


def fill(path: Path = CACHE_FILE) -> CodeCache:
    """Import every module of the host, of every installed plugin and of the event loop's
    backend (which makes their classes and patterns) with the cache at ``path`` installed, and
    save it whatever ``PYTHONDONTWRITEBYTECODE`` says: what ``scripts/bootstrap`` does for a
    checkout after compiling its bytecode, and ``oro build`` for a built app. Test packages and
    ``__main__`` modules are not imported; a module that does not import here is left out.

    :raises RuntimeError: this process installed a cache at another path already."""
    cache = install(path)
    if cache.path != path:
        raise RuntimeError(f"this process uses the cache at {cache.path}, not {path}")
    from oro_framework.host import installed
    from oro_framework.host.plugins import discover

    installed.keep()
    # Every installed plugin, whatever ORO_DISABLE_PLUGINS says: the file is the installation's.
    plugins = {entry_point.module.split(".", 1)[0] for entry_point in discover({})}
    # anyio imports the backend it runs on only when a loop starts.
    for package in ["oro_framework", *sorted(plugins), "anyio._backends._trio"]:
        _import_tree(package)
    cache.save()
    return cache


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
    # fill() is the one to call (it installs the cache before importing anything else).
    from oro_framework.host import generated_code

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else generated_code.CACHE_FILE
    filled = generated_code.fill(target)
    print(f"generated code: {filled.compiled + filled.found} sources in {filled.path}")
