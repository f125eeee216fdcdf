"""The cache of the methods dataclasses writes (oro_framework/host/generated_code.py): a class made
with code from the cache behaves as one made without it, a file it cannot use is ignored, and a
process finds what an earlier one compiled."""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework.host import generated_code
from oro_framework.host.generated_code import CodeCache


@contextmanager
def cached(cache: CodeCache) -> Iterator[None]:
    """dataclasses takes its code from ``cache`` meanwhile (as install() makes it for good)."""
    saved = dataclasses.__dict__.get("exec")
    dataclasses.exec = generated_code._cached_exec(cache)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if saved is None:
            del dataclasses.exec  # type: ignore[attr-defined]
        else:
            dataclasses.exec = saved  # type: ignore[attr-defined]


@contextmanager
def uncached() -> Iterator[None]:
    """dataclasses compiles as it does without the cache (the built-in exec)."""
    saved = dataclasses.__dict__.pop("exec", None)
    try:
        yield
    finally:
        if saved is not None:
            dataclasses.exec = saved  # type: ignore[attr-defined]


names = st.text("abcdefgh_", min_size=1, max_size=6).filter(
    lambda name: name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__")
)
fields = st.lists(
    st.tuples(names, st.sampled_from(["int", "str", "list[int]", "'Forward'"]), st.booleans()),
    max_size=5,
    unique_by=lambda field: field[0],
)
options = st.fixed_dictionaries(
    {
        "frozen": st.booleans(),
        "eq": st.booleans(),
        "order": st.booleans(),
        "unsafe_hash": st.booleans(),
        "kw_only": st.booleans(),
        "slots": st.booleans(),
    }
).filter(lambda option: option["eq"] or not option["order"])


def class_source(
    library: str,
    decorator: str,
    default: str,
    spec: list[tuple[str, str, bool]],
    future: bool,
    *,
    kw_only: bool,
) -> list[str]:
    """The lines of a class ``Made`` decorated with ``decorator`` (from ``library``), with the
    fields of ``spec`` (name, annotation, whether ``default`` gives it a default), after
    ``from __future__ import annotations`` when ``future``."""
    lines = ["from __future__ import annotations"] if future else []
    lines += [f"import {library}", f"@{decorator}", "class Made:"]
    ordered = spec if kw_only else sorted(spec, key=lambda field: field[2])
    for name, annotation, has_default in ordered:
        lines.append(f"    {name}: {annotation}{f' = {default}' if has_default else ''}")
    if not spec:
        lines.append("    pass")
    return lines


def made_in(module: str, lines: list[str]) -> type:
    """The class ``Made`` that ``lines`` define, run as module ``module`` (in ``sys.modules``
    meanwhile, where dataclasses and attrs look a class's module up)."""
    namespace: dict[str, Any] = {"__name__": module, "Forward": int}
    sys.modules[module] = type(sys)(module)
    sys.modules[module].__dict__.update(namespace)
    try:
        exec(compile("\n".join(lines), module, "exec", dont_inherit=True), namespace)
    finally:
        del sys.modules[module]
    made: type = namespace["Made"]
    return made


def make(
    spec: list[tuple[str, str, bool]],
    option: dict[str, bool],
    future: bool,
    module: str = "made_for_test",
) -> type:
    """A dataclass of ``spec`` (name, annotation, has a default) in a module of its own, whose
    source starts with ``from __future__ import annotations`` when ``future``."""
    decorator = f"dataclasses.dataclass(**{option!r})"
    lines = class_source(
        "dataclasses",
        decorator,
        "dataclasses.field(default_factory=list)",
        spec,
        future,
        kw_only=option.get("kw_only", False),
    )
    return made_in(module, lines)


def behaviour(
    made: type,
    spec: list[tuple[str, str, bool]],
    frozen: type[Exception] = dataclasses.FrozenInstanceError,
) -> dict[str, Any]:
    """What a user of the class sees of it; ``frozen``: what assigning to a frozen one raises."""
    arguments = {name: [index] for index, (name, _, _) in enumerate(spec)}
    first, second = made(**arguments), made(**arguments)
    # Without a __repr__ of the class's own, object's names the instance's address, which
    # differs anyway.
    shown = repr if "__repr__" in vars(made) else lambda instance: "object's repr"
    seen: dict[str, Any] = {
        "signature": str(inspect.signature(made.__init__)),
        "init annotations": made.__init__.__annotations__,
        "repr": shown(first),
        "equal": first == second,
        "methods": sorted(
            name for name in ("__lt__", "__hash__", "__eq__", "__setattr__") if name in vars(made)
        ),
        "source file": inspect.getsourcefile(made.__init__),
    }
    try:
        seen["hash"] = hash(first) == hash(second)
    except TypeError as error:
        seen["hash"] = str(error)
    try:
        seen["less"] = first < second
    except TypeError as error:
        seen["less"] = str(error)
    try:
        for name, _, _ in spec[:1]:
            setattr(first, name, [9])
        seen["assigned"] = shown(first)
    except frozen as error:
        seen["assigned"] = f"frozen: {error}"
    return seen


@settings(max_examples=60, deadline=None)
@given(spec=fields, option=options, future=st.booleans())
def test_a_class_made_from_the_cache_behaves_as_one_made_without_it(
    tmp_path_factory: pytest.TempPathFactory,
    spec: list[tuple[str, str, bool]],
    option: dict[str, bool],
    future: bool,
) -> None:
    path = tmp_path_factory.mktemp("cache") / "generated.marshal"
    with uncached():
        expected = behaviour(make(spec, option, future), spec)
    first = CodeCache(path)
    with cached(first):
        compiled = behaviour(make(spec, option, future), spec)
    assert first.save()
    again = CodeCache(path)
    with cached(again):
        from_file = behaviour(make(spec, option, future), spec)
    assert compiled == expected
    assert from_file == expected
    assert again.compiled == 0
    assert again.found == first.compiled + first.found


def make_one(cache: CodeCache, module: str = "made_for_test") -> type:
    with cached(cache):
        return make(
            [("a", "int", False), ("b", "str", True)], {"frozen": True}, future=False, module=module
        )


def filled(path: Path) -> CodeCache:
    cache = CodeCache(path)
    make_one(cache)
    assert cache.save()
    return cache


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "garbage",
        "truncated",
        "another interpreter",
        "index past the end",
        "a module's table is not one",
    ],
)
def test_a_file_the_cache_cannot_use_is_ignored_and_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "generated.marshal"
    filled(path)
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "another interpreter":
        header, places = generated_code.marshal.loads(data[8 : 8 + size])
        index = generated_code.marshal.dumps(("CPython 2.7|optimize=0", places))
        path.write_bytes(len(index).to_bytes(8, "little") + index + data[8 + size :])
    elif damage == "index past the end":
        path.write_bytes((1 << 40).to_bytes(8, "little") + data[8:])
    else:
        header, places = generated_code.marshal.loads(data[8 : 8 + size])
        body = generated_code.marshal.dumps([1, 2, 3])
        places = {module: (0, len(body)) for module in places}
        index = generated_code.marshal.dumps((header, places))
        path.write_bytes(len(index).to_bytes(8, "little") + index + body)
    cache = CodeCache(path)
    made = make_one(cache)
    assert made(a=1, b="x") == made(a=1, b="x")
    assert cache.found == 0
    assert cache.save()
    again = CodeCache(path)
    make_one(again)
    assert again.compiled == 0


@pytest.mark.parametrize(
    "where", ["a virtual environment", "no bytecode", "a system installation", "a built app"]
)
def test_a_process_writes_the_file_only_where_it_is_the_installations_to_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "generated.marshal"
    cache = CodeCache(path)
    make_one(cache)
    monkeypatch.setattr(sys, "dont_write_bytecode", where == "no bytecode")
    monkeypatch.setattr(sys, "prefix", "/venv")
    monkeypatch.setattr(sys, "base_prefix", "/usr" if where != "a system installation" else "/venv")
    monkeypatch.setattr(generated_code, "_FROZEN", where == "a built app")

    written = generated_code.save_at_exit(cache)

    assert written == (where == "a virtual environment") == path.exists()


def test_a_file_that_cannot_be_written_is_left_as_it_was(tmp_path: Path) -> None:
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        cache = CodeCache(read_only / "generated.marshal")
        make_one(cache)
        # root may write anywhere: then the file is there, whole.
        written = cache.save()
        assert written == (read_only / "generated.marshal").exists()
        assert not [entry for entry in read_only.iterdir() if entry.name.startswith(".")]
    finally:
        read_only.chmod(0o700)


def test_the_file_is_readable_as_the_bytecode_beside_it_and_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "generated.marshal"
    first = CodeCache(path)
    make_one(first, "one")
    make_one(first, "two")
    assert first.save()
    assert path.stat().st_mode & 0o777 == 0o644
    mapped = CodeCache(path)
    make_one(mapped, "one")
    # Another process replaces the file while this one has it mapped: this one still reads
    # the tables it has not decoded yet from the file it mapped.
    other = CodeCache(path)
    with cached(other):
        make([("c", "int", False)], {}, future=False, module="three")
    assert other.save()
    make_one(mapped, "two")
    assert (mapped.found, mapped.compiled) == (first.compiled, 0)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["generated.marshal"]


@contextmanager
def attrs_cached(cache: CodeCache | None) -> Iterator[None]:
    """attrs compiles its class scripts with ``cache`` meanwhile (as install() makes it for
    good), or, with ``None``, with the built-in compile."""
    import attr._make

    saved = attr._make.__dict__.pop("compile", None)
    if cache is not None:
        attr._make.compile = generated_code._cached_compile(cache)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        attr._make.__dict__.pop("compile", None)
        if saved is not None:
            attr._make.compile = saved  # type: ignore[attr-defined]


attrs_options = st.fixed_dictionaries(
    {
        "frozen": st.booleans(),
        "eq": st.booleans(),
        "order": st.booleans(),
        "hash": st.sampled_from([None, True, False]),
        "kw_only": st.booleans(),
        "slots": st.booleans(),
        "repr": st.booleans(),
        "cache_hash": st.booleans(),
    }
).filter(
    lambda option: (
        (option["eq"] or not option["order"])
        and (not option["cache_hash"] or option["hash"] is True)
    )
)


attrs_names = names.filter(lambda name: not name.startswith("_"))
annotations = st.sampled_from(["int", "str", "list[int]", "'Forward'"])
attrs_fields = st.lists(
    st.tuples(attrs_names, annotations, st.booleans()),
    max_size=5,
    unique_by=lambda field: field[0],
)


def make_attrs(
    spec: list[tuple[str, str, bool]], option: dict[str, Any], future: bool, module: str
) -> type:
    """An attrs class of ``spec`` in a module of its own, as trio declares its classes."""
    lines = class_source(
        "attrs",
        f"attrs.define(**{option!r})",
        "attrs.field(factory=list)",
        spec,
        future,
        kw_only=option.get("kw_only", False),
    )
    return made_in(module, lines)


@settings(max_examples=60, deadline=None)
@given(spec=attrs_fields, option=attrs_options, future=st.booleans(), number=st.integers(0, 10**9))
def test_an_attrs_class_made_from_the_cache_behaves_as_one_made_without_it(
    tmp_path_factory: pytest.TempPathFactory,
    spec: list[tuple[str, str, bool]],
    option: dict[str, Any],
    future: bool,
    number: int,
) -> None:
    # A module name of its own for each example: attrs names each class's script after it.
    module = f"attrs_made_{number}"
    path = tmp_path_factory.mktemp("cache") / "generated.marshal"
    with attrs_cached(None):
        expected = behaviour(
            make_attrs(spec, option, future, module), spec, attrs.exceptions.FrozenInstanceError
        )
    first = CodeCache(path)
    with attrs_cached(first):
        compiled = behaviour(
            make_attrs(spec, option, future, module), spec, attrs.exceptions.FrozenInstanceError
        )
    first.save()
    again = CodeCache(path)
    with attrs_cached(again):
        from_file = behaviour(
            make_attrs(spec, option, future, module), spec, attrs.exceptions.FrozenInstanceError
        )
    assert compiled == expected
    assert from_file == expected
    assert again.compiled == 0
    assert again.found == first.compiled + first.found


def test_an_attrs_script_that_holds_the_hash_seed_is_never_kept(tmp_path: Path) -> None:
    # A frozen class with eq gets a __hash__ whose script holds a number made of this
    # process's hash seed: kept, it would be another process's number (and the file would
    # grow by one script per process).
    path = tmp_path / "generated.marshal"
    cache = CodeCache(path)
    spec = [("a", "int", False)]
    with attrs_cached(cache):
        hashed = make_attrs(spec, {"frozen": True}, future=False, module="attrs_hashed")
        plain = make_attrs(spec, {"eq": False}, future=False, module="attrs_plain")
    assert "__hash__" in vars(hashed)
    assert hash(hashed(a=1)) == hash(hashed(a=1))
    assert plain(a=1) != plain(a=1)
    assert cache.compiled == 1  # the plain class's script; the hashed one was compiled apart
    assert cache.save()
    scripts = generated_code.marshal.loads(
        generated_code.CodeCache(path)._read()[generated_code._ATTRS]
    )
    assert len(scripts) == 1
    assert all("__hash__" not in key for key in scripts)


ATTRS_PROCESS = """
import inspect, sys
from pathlib import Path
from oro_framework.host import generated_code
cache = generated_code.install(Path(sys.argv[1]))
import trio  # its classes are attrs classes
import attr._make
assert not [f for f in sys.meta_path if isinstance(f, generated_code._AttrsFinder)], "left"
assert "def attrs(" in inspect.getsource(attr._make), "the loader still answers for its source"
trio.run(trio.sleep, 0)  # trio's classes, made of the kept scripts, run a loop
print(cache.compiled, cache.found)
"""


def test_a_process_takes_trios_attrs_scripts_from_what_an_earlier_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "generated.marshal"
    first = counts_of(ATTRS_PROCESS, path)
    assert first[0] > 0
    stored = generated_code.marshal.loads(CodeCache(path)._read()[generated_code._ATTRS])
    assert len(stored) >= 20  # trio's attrs classes without a __hash__
    assert counts_of(ATTRS_PROCESS, path) == [0, first[0] + first[1]]


MODULE = """
import dataclasses

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
"""

PROCESS = """
import sys
from pathlib import Path
from oro_framework.host import generated_code
cache = generated_code.install(Path(sys.argv[1]))
sys.path.insert(0, sys.argv[2])
import points
assert points.Point(1) < points.Point(2), "order"
print(cache.compiled, cache.found)
"""


def test_a_process_finds_what_an_earlier_one_compiled(tmp_path: Path) -> None:
    (tmp_path / "points.py").write_text(textwrap.dedent(MODULE))
    path = tmp_path / "generated.marshal"
    first = counts_of(PROCESS, path, tmp_path)
    assert first[0] > 0
    assert path.exists()
    assert counts_of(PROCESS, path, tmp_path) == [0, first[0] + first[1]]


def counts_of(script: str, path: Path, *arguments: Path) -> list[int]:
    """What ``script`` compiled and found, run in a process of its own with the cache at
    ``path`` (bytecode allowed, so that its cache is saved at exit)."""
    environ = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), *map(str, arguments)],
        capture_output=True,
        text=True,
        check=True,
        env=environ,
    )
    return [int(count) for count in done.stdout.split()]


@contextmanager
def patterns_from(cache: CodeCache) -> Iterator[None]:
    """re takes its programs from ``cache`` meanwhile (as install() makes it for good)."""
    from re import _compiler  # type: ignore[attr-defined]

    saved = _compiler.compile
    try:
        assert generated_code._cache_patterns(cache)
        yield
    finally:
        _compiler.compile = saved


def fresh_compile(pattern: str | bytes, flags: int) -> re.Pattern[Any]:
    """The pattern as re's own compiler makes it (not re's per-process cache of patterns)."""
    from re import _compiler  # type: ignore[attr-defined]

    original = _compiler.compile
    while hasattr(original, "__wrapped__"):
        original = original.__wrapped__
    compiled: re.Pattern[Any] = original(pattern, flags)
    return compiled


atoms = st.sampled_from(
    ["a", "b", "ab", ".", r"\d", r"\w", r"\s", "[a-c]", "[^b]", r"\.", "(?:ab)", "é", "[à-ÿ]"]
)


@st.composite
def patterns(draw: st.DrawFn) -> str:
    parts = []
    for index in range(draw(st.integers(1, 5))):
        atom = draw(atoms)
        quantifier = draw(st.sampled_from(["", "*", "+", "?", "{1,3}", "*?", "{2}"]))
        group = draw(st.sampled_from(["", "(", f"(?P<g{index}>", "(?=", "(?<!"]))
        parts.append(f"{group}{atom}{')' if group else ''}{quantifier}")
    return draw(st.sampled_from(["", "^", r"\b"])) + "|".join(
        "".join(parts[at : at + 2]) for at in range(0, len(parts), 2)
    )


@settings(max_examples=80, deadline=None)
@given(
    pattern=patterns(),
    flags=st.sampled_from([0, re.I, re.M | re.S, re.X, re.A, re.I | re.A]),
    subject=st.text("abcé .1_\n", max_size=12),
    as_bytes=st.booleans(),
)
def test_a_pattern_from_the_cache_matches_as_one_compiled_afresh(
    tmp_path_factory: pytest.TempPathFactory,
    pattern: str,
    flags: int,
    subject: str,
    as_bytes: bool,
) -> None:
    if as_bytes:
        if not pattern.isascii() or not subject.isascii():
            return
        pattern_or_bytes: str | bytes = pattern.encode()
        subject_or_bytes: str | bytes = subject.encode()
    else:
        pattern_or_bytes, subject_or_bytes = pattern, subject
    path = tmp_path_factory.mktemp("cache") / "generated.marshal"
    flags = int(flags)  # as re._compile hands them to its compiler
    refused = None
    try:
        expected = fresh_compile(pattern_or_bytes, flags)
    except re.error as error:
        refused = str(error)
    if refused is not None:
        # A pattern re refuses is refused the same, and nothing is kept of it.
        refusing = CodeCache(path)
        with pytest.raises(re.error, match=re.escape(refused)), patterns_from(refusing):
            re._compiler.compile(pattern_or_bytes, flags)  # type: ignore[attr-defined]
        assert refusing.compiled == 0
        return
    first = CodeCache(path)
    with patterns_from(first):
        compiled = re._compiler.compile(pattern_or_bytes, flags)  # type: ignore[attr-defined]
    assert first.save()
    again = CodeCache(path)
    with patterns_from(again):
        from_file = re._compiler.compile(pattern_or_bytes, flags)  # type: ignore[attr-defined]
    assert (again.found, again.compiled) == (1, 0)
    for made in (compiled, from_file):
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (
            expected.pattern,
            expected.flags,
            expected.groups,
            expected.groupindex,
        )
        assert made.findall(subject_or_bytes) == expected.findall(subject_or_bytes)
        assert [match.span() for match in made.finditer(subject_or_bytes)] == [
            match.span() for match in expected.finditer(subject_or_bytes)
        ]
        matched, wanted = made.fullmatch(subject_or_bytes), expected.fullmatch(subject_or_bytes)
        assert (matched and matched.groupdict()) == (wanted and wanted.groupdict())


def test_patterns_that_print_or_depend_on_the_locale_compile_as_before(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path / "generated.marshal")
    with patterns_from(cache):
        re._compiler.compile(b"a+", re.L)  # type: ignore[attr-defined]
        re._compiler.compile("(?P<x>a)", 0)  # type: ignore[attr-defined]
    assert (cache.compiled, cache.found) == (1, 0)
    with pytest.raises(re.error), patterns_from(cache):
        re._compiler.compile("(unclosed", 0)  # type: ignore[attr-defined]
    assert cache.compiled == 1


def test_once_the_app_serves_nothing_new_is_kept(tmp_path: Path) -> None:
    """What a page's input makes the host compile (a pattern, a glob) must not grow the tables
    or the file: a hostile page could otherwise fill both."""
    methods = CodeCache(tmp_path / "count.marshal")
    make_one(methods)
    path = tmp_path / "generated.marshal"
    cache = CodeCache(path)
    with patterns_from(cache):
        re._compiler.compile("before serving", 0)  # type: ignore[attr-defined]
        cache.settle()
        for index in range(200):
            pattern = re._compiler.compile(f"page sent {index}+", 0)  # type: ignore[attr-defined]
            assert pattern.fullmatch(f"page sent {index}")
    make_one(cache)
    assert cache.compiled == 1 + 200 + methods.compiled
    assert cache.save()
    again = CodeCache(path)
    with patterns_from(again):
        re._compiler.compile("before serving", 0)  # type: ignore[attr-defined]
        re._compiler.compile("page sent 7+", 0)  # type: ignore[attr-defined]
    make_one(again)
    assert (again.found, again.compiled) == (1, 1 + methods.compiled)


def test_a_table_past_its_bound_keeps_what_the_last_process_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patterns made of one app's config are not another's: the table does not grow without
    end over the apps a machine runs."""
    monkeypatch.setattr(generated_code, "_MAX_ENTRIES", 5)
    path = tmp_path / "generated.marshal"
    for app in range(3):
        cache = CodeCache(path)
        with patterns_from(cache):
            for index in range(4):
                re._compiler.compile(f"app {app} key {index}", 0)  # type: ignore[attr-defined]
        assert cache.save()
    last = CodeCache(path)
    with patterns_from(last):
        for app in range(3):
            for index in range(4):
                re._compiler.compile(f"app {app} key {index}", 0)  # type: ignore[attr-defined]
    # Each save past the bound (4 found + 4 new > 5) kept what its process used: the last
    # app's 4 patterns are in the file, the others' are not.
    assert (last.found, last.compiled) == (4, 8)
