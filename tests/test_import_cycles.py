"""No import cycles among oro_framework's modules at run time (issue 72): read from the sources'
syntax trees, so what a module would import late (inside a function, a method, a ``try``) counts
as much as what it imports at its top, and only imports a type checker alone follows (under
``if TYPE_CHECKING:``) are left out. A package's ``__init__`` importing its submodules is an
edge like any other, and so is importing a submodule, which runs its package's ``__init__``
first."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import oro_framework

PACKAGE = Path(oro_framework.__file__).parent
ROOT = "oro_framework"


def _module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    names: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of ``tree`` but those under ``if TYPE_CHECKING:`` (an ``else:``
    beside one runs, and counts)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports_of(child)
            continue
        yield from _imports_of(node)


def _imports_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _imports(node)


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool) -> Iterator[str]:
    """The dotted names an import statement of module ``name`` imports."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = ".".join([*base, node.module] if node.module else base)
    else:
        module = node.module or ""
    yield module
    # `from package import submodule` imports the submodule.
    yield from (f"{module}.{alias.name}" for alias in node.names)


def _known(target: str, modules: dict[str, Path]) -> Iterator[str]:
    """The project's modules that importing ``target`` runs: it (or the nearest module that
    defines it) and the packages above it."""
    parts = target.split(".")
    for end in range(1, len(parts) + 1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            yield candidate


def import_graph() -> dict[str, set[str]]:
    """Each module of oro_framework and the modules of oro_framework it imports at run time."""
    modules = _module_names()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _imports(tree):
            for target in _targets(node, name, is_package):
                if target == ROOT or target.startswith(f"{ROOT}."):
                    edges.update(_known(target, modules))
        # A module's own packages run before it: that is no import of its own.
        edges -= {name, *(".".join(name.split(".")[:end]) for end in range(1, name.count(".") + 1))}
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of ``graph`` with more than one module (Tarjan's
    algorithm, iterative), each sorted; sorted by their first module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def _path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest loop through ``component``, from its first module back to it."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for child in sorted(graph[node] & members):
            if child == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return [*reversed(loop), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    return component


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    """A cycle as one loop through it, then each of its modules' imports inside it."""
    members = set(component)
    edges = "".join(
        f"\n    {module} imports {', '.join(sorted(graph[module] & members))}"
        for module in component
    )
    return f"  {' -> '.join(_path(graph, component))}{edges}"


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = cycles(graph)
    report = "\n".join(_describe(graph, component) for component in found)
    assert not found, (
        f"{len(found)} import cycles in oro_framework (importing a submodule runs its "
        f"package's __init__ first: an import of the package):\n{report}"
    )


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _path(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_type_checking_imports_are_left_out() -> None:
    tree = ast.parse(
        "if TYPE_CHECKING:\n    import x\nelse:\n    import y\ndef f():\n    import z\n"
    )
    assert sorted(
        target for node in _imports(tree) for target in _targets(node, "m", is_package=False)
    ) == ["y", "z"]
