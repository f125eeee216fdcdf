"""Page events are the host's: ``window.send`` refuses every name the host or a plugin declares
(``oro_register_page_events``, ``host.events.declared``) with ``ERR_RESERVED_EVENT``, and every
name the host side emits is declared.

A page may send any other event to another window's page (Oro's messages between windows), but
not one the host says: a ``dropin`` (files dropped on the window), an ``applicationurl`` (a deep
link), ``online``/``offline`` (``navigator.onLine``), a ``geolocationposition``, a
``backend:<name>``... The list comes from the registry, never from a list written here; what
keeps the registry complete is :func:`test_every_name_the_host_side_emits_is_declared`, which
reads every emit of the host and of this repository's plugins, and
:func:`test_every_name_the_page_runtime_treats_as_the_hosts_is_declared`, which reads the names
``oro:bootstrap`` listens for and gives a meaning.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest

import oro_framework.core.application
from oro_framework import (
    Host,
    InvalidArgumentError,
    PageEventTable,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    hookimpl,
)
from oro_framework.cli.dev_child import DevPlugin
from oro_framework.testing import MemoryClient, make_host, raise_for_error

APPLICATION = oro_framework.core.application
REPOSITORY = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.anyio


def installed_plugins() -> list[object]:
    """The entry module of every installed plugin, the core ones included."""
    return [entry.load() for entry in sorted(entry_points(group="oro"), key=lambda e: e.name)]


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> PageEventTable:
    """The page events of a host built with every installed plugin and ``oro dev``'s."""
    app = tmp_path_factory.mktemp("app")
    (app / "index.html").write_text("<!doctype html>\n", encoding="utf-8")
    host = Host(
        app,
        plugins=[DevPlugin("boot")],
        environ={},
        data_dir=app / "data",
        cache_dir=app / "cache",
        temp_dir=app / "temp",
    )
    host.close()
    return host.events.declared


# -------------------------------------------------------------------------------------------------
# window.send refuses them
# -------------------------------------------------------------------------------------------------


async def sent_from_window_1(host: Host, names: Iterable[str]) -> dict[str, Any]:
    """``window.send`` of each of ``names`` from window 1 (created here) to window 0: each
    name's error (``None`` once delivered), and under ``<nothing else>`` whether window 0's
    pages got exactly the names delivered, in order (broadcasts, which a running plugin may
    send meanwhile, aside)."""
    raise_for_error(await MemoryClient(host, window=0).call("window.create"))
    sender = MemoryClient(host, window=1)
    errors: dict[str, Any] = {}
    async with host.events.subscribe(window=0) as first:
        for name in names:
            reply = await sender.call("window.send", event=name, value=1, targetWindowIndex=0)
            errors[name] = reply.error
        heard = []
        with contextlib.suppress(anyio.WouldBlock):
            while True:
                event = first.receive_nowait()
                if event.window == 0:
                    heard.append((event.name, event.data, event.window))
    delivered = [(name, 1, 0) for name, error in errors.items() if error is None]
    errors["<nothing else>"] = None if heard == delivered else heard
    return errors


def assert_refused(errors: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        error = errors[name]
        assert isinstance(error, InvalidArgumentError), (name, error)
        assert error.code == "ERR_RESERVED_EVENT", (name, error)
        assert f"'{name}'" in str(error), error
        assert error.extra["event"] == name
    assert errors["<nothing else>"] is None


async def test_window_send_refuses_every_name_and_prefix_the_registry_declares() -> None:
    async with make_host(installed_plugins()) as host:
        table = host.events.declared
        # The names as they are, and one name of every prefix.
        names = [*table.names(), *(f"{prefix}anything" for prefix in table.prefixes())]
        errors = await sent_from_window_1(host, [name for name in names if name != "message"])

    # The host's own, the core plugins' and the plugins' (oro-desktop, oro-fs, oro-process...).
    assert len(table.names()) > 40
    assert {entry.plugin for entry in table} >= {"oro", "application", "desktop", "fs"}
    assert_refused(errors, [name for name in names if name != "message"])


async def test_a_plugin_declaring_its_own_events_gets_them_refused() -> None:
    class Scanner:
        name = "scanner"

        @hookimpl
        def oro_register_page_events(self, events: PageEventTable) -> None:
            events.add("scanned")
            events.add_prefix("scanner:")

    async with make_host([APPLICATION]) as host:
        before = await sent_from_window_1(host, ["scanned", "scanner:code"])
    async with make_host([APPLICATION, Scanner()]) as host:
        after = await sent_from_window_1(host, ["scanned", "scanner:code", "scanner"])
        owner = host.events.declared.owner("scanned")

    assert before == {"scanned": None, "scanner:code": None, "<nothing else>": None}
    assert_refused(after, ["scanned", "scanner:code"])
    assert "declared by 'scanner'" in str(after["scanned"])
    assert "'scanner:*'" in str(after["scanner:code"])
    assert after["scanner"] is None  # the prefix alone is no name of it
    assert owner == "scanner"


# The names the hand-written HOST_EVENTS of window.send missed: a drop (files granted to the
# page), a deep link, navigator.onLine, a permission's state, a position, the app backend's.
MISSED = ["dropin", "applicationurl", "online", "offline", "permissionchange"]
MISSED += ["geolocationposition", "backend:x", "backend:data", "drop", "hotkey"]


async def test_the_names_the_hand_written_list_missed_are_refused() -> None:
    import oro_desktop.plugin

    async with make_host([APPLICATION, oro_desktop.plugin]) as host:
        errors = await sent_from_window_1(host, MISSED)

    assert_refused(errors, MISSED)


async def test_an_apps_own_event_names_still_go_through() -> None:
    # Oro's pages name events in words; names are compared as pages do, case and all (a DOM
    # event type is case-sensitive): 'DropIn' is not the host's 'dropin'.
    names = ["secondary window loaded", "greeting", "DropIn", "ApplicationURL", "backend", "x:y"]
    async with make_host([APPLICATION]) as host:
        errors = await sent_from_window_1(host, names)

    assert errors == dict.fromkeys([*names, "<nothing else>"])


async def test_message_still_travels_as_the_hosts_carrier() -> None:
    async with make_host([APPLICATION]) as host:
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        async with host.events.subscribe(window=0) as first:
            sender = MemoryClient(host, window=1)
            await sender.call("window.send", event="message", value="hi", targetWindowIndex=0)
            received = first.receive_nowait()

    assert "message" in host.events.declared  # the event channel's own name
    assert (received.name, received.data) == ("windowmessage", {"data": "hi", "from": 1})


def test_two_plugins_cannot_declare_one_name_and_a_bad_name_is_refused(tmp_path: Path) -> None:
    class First:
        name = "first"

        @hookimpl
        def oro_register_page_events(self, events: PageEventTable) -> None:
            events.add("shared")

    class Second:
        name = "second"

        @hookimpl
        def oro_register_page_events(self, events: PageEventTable) -> None:
            events.add("shared")

    with pytest.raises(PluginLoadError) as raised:
        Host(tmp_path, plugins=[First(), Second()], autoload=False, environ={})
    table = PageEventTable()
    table.add("name")
    table.add_prefix("name")  # a prefix and a name of the same text are two declarations

    assert isinstance(raised.value.__cause__, RegistrationConflict)
    assert [entry.label for entry in table] == ["name", "name*"]
    for bad in ("", " leading", "two\nlines", "x" * 129):
        with pytest.raises(RegistrationError, match="page event name"):
            table.add(bad)


# -------------------------------------------------------------------------------------------------
# The registry is complete: every emit of the host side names a declared event
# -------------------------------------------------------------------------------------------------

EMITTERS = frozenset({"emit", "emit_when_subscribed"})
"""The calls that send a page event: ``host.emit``, ``host.events.emit`` (and
``emit_when_subscribed``), and the app backend's ``emit``; their first argument is the name."""
HELPERS = frozenset({"_emit"})
"""Plugins' own emit helpers, whose name argument is the first one that is a name."""
QT_SIGNALS = "oro_framework/gui/qt/"
"""Qt's signals have an ``emit`` too: in the Qt engine, an ``emit`` whose receiver names no host
nor event bus is one."""


@dataclass(frozen=True)
class Dynamic:
    """An emit site whose name is not a constant: what it may send, and why."""

    why: str
    names: Callable[[], Iterable[str]] = tuple


def _constants(module: str, *names: str) -> Callable[[], list[str]]:
    """The names the constants ``names`` of ``module`` hold (a mapping's values, a tuple's
    items, a string)."""

    def read() -> list[str]:
        found: list[str] = []
        for name in names:
            value = getattr(importlib.import_module(module), name)
            found += value.values() if isinstance(value, dict) else [value]
        return found

    return read


# Every emit site whose name is computed, by file and function: each must say where its names
# come from, and each must still exist (a site that moved or went fails the test too).
DYNAMIC: dict[tuple[str, str], Dynamic] = {
    ("oro_framework/host/app.py", "Host.emit"): Dynamic("the bus's front door"),
    ("oro_framework/host/events.py", "EventBus._emit_when_subscribed"): Dynamic("the bus"),
    ("oro_framework/host/events.py", "EventBus.subscribe"): Dynamic("the bus: held events"),
    ("oro_framework/testing/server.py", "ServedApp.emit"): Dynamic("the test kit's"),
    ("oro_framework/host/isolation/proxy.py", "IsolatedPlugin.deliver"): Dynamic(
        "an isolated plugin's emit: delivered only when the plugin declared the name"
    ),
    ("oro_framework/host/lifecycle.py", "emit_to_pages"): Dynamic(
        "the lifecycle's", _constants("oro_framework.host.lifecycle", "PAGE_EVENTS")
    ),
    ("oro_framework/host/windows/status.py", "WindowStatuses.set"): Dynamic(
        "a window's status", _constants("oro_framework.host.windows.model", "WINDOW_EVENTS")
    ),
    ("oro_framework/host/windows/operations.py", "WindowOperations.send"): Dynamic(
        "window.send's: the route refuses every declared name before it calls this"
    ),
    ("oro_framework/backend/events.py", "emit"): Dynamic(
        "the app backend's emit(): backend:<name>",
        lambda: [_constants("oro_framework.backend.events", "EVENT_PREFIX")()[0] + "progress"],
    ),
    ("oro_framework/backend/events.py", "BackendEvent.emit"): Dynamic("through emit()"),
    ("plugins/oro-desktop/src/oro_desktop/network_status.py", "NetworkStatus._update"): Dynamic(
        "online or offline",
        _constants("oro_desktop.network_status", "ONLINE_EVENT", "OFFLINE_EVENT"),
    ),
    ("plugins/oro-desktop/src/oro_desktop/notifications/part.py", "Notifications._emit"): Dynamic(
        "a helper: its callers' names are checked at each call"
    ),
    ("plugins/oro-mcp/src/oro_mcp/state.py", "McpState.ask"): Dynamic(
        "a question to the page that registered a tool or resource, or set the authorizer",
        _constants("oro_mcp.state", "TOOL_EVENT", "RESOURCE_EVENT", "AUTHORIZE_EVENT"),
    ),
    ("plugins/oro-process/src/oro_process/backend.py", "BackendProcess._emit"): Dynamic(
        "a helper: its callers' names are checked at each call"
    ),
    ("plugins/oro-process/src/oro_process/backend.py", "BackendProcess._message"): Dynamic(
        "the app's own backend process's ipc://send lines: names the app chose, as window.send"
    ),
}


@dataclass(frozen=True)
class Site:
    path: str
    function: str
    line: int
    name: str | None
    """The event's name, or ``None`` when it is computed."""


def _sources() -> Iterator[tuple[Path, str]]:
    """Every Python file of the host and of the repository's plugins, with its module name."""
    for path in sorted((REPOSITORY / "oro_framework").rglob("*.py")):
        yield path, ".".join(path.relative_to(REPOSITORY).with_suffix("").parts)
    for source in sorted(REPOSITORY.glob("plugins/oro-*/src")):
        for path in sorted(source.rglob("*.py")):
            yield path, ".".join(path.relative_to(source).with_suffix("").parts)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


class _Resolver:
    """The text of a name argument: a literal, or a constant of the module or one it imports
    (at its top or in a function, as plugins import in their hooks); modules are imported only
    then."""

    def __init__(self, module: str, tree: ast.Module) -> None:
        self._name = module.removesuffix(".__init__")
        self._module: ModuleType | None = None
        # Every `from x import NAME [as alias]` of the file, wherever it is.
        self._imported = {
            alias.asname or alias.name: (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
            for alias in node.names
        }

    def __call__(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if not isinstance(node, ast.Name | ast.Attribute) or "?" in _dotted(node):
            return None
        first, *rest = _dotted(node).split(".")
        if self._module is None:
            self._module = importlib.import_module(self._name)
        value: Any = getattr(self._module, first, None)
        if value is None and first in self._imported:
            module, name = self._imported[first]
            value = getattr(importlib.import_module(module), name, None)
        for part in rest:
            value = getattr(value, part, None)
        return value if isinstance(value, str) else None


class _Finder(ast.NodeVisitor):
    """The emit sites of one file, each in its function (``Class.method``)."""

    def __init__(self, path: str, resolve: _Resolver) -> None:
        self.path = path
        self.resolve = resolve
        self.scope: list[str] = []
        self.sites: list[Site] = []
        self.called: set[int] = set()

    def _scoped(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def _site(self, node: ast.AST, name: str | None) -> None:
        function = ".".join(self.scope) or "<module>"
        self.sites.append(Site(self.path, function, getattr(node, "lineno", 0), name))

    def _is_qt_signal(self, receiver: ast.AST) -> bool:
        dotted = _dotted(receiver).split(".")
        return self.path.startswith(QT_SIGNALS) and not {"host", "_host", "events"} & set(dotted)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        called = function.attr if isinstance(function, ast.Attribute) else None
        if isinstance(function, ast.Name) and function.id in EMITTERS:
            called = function.id
        if called in EMITTERS and not (
            isinstance(function, ast.Attribute) and self._is_qt_signal(function.value)
        ):
            self.called.add(id(function))
            argument = node.args[0] if node.args else None
            self._site(node, self.resolve(argument) if argument is not None else None)
        elif called in HELPERS:
            self.called.add(id(function))
            names = (self.resolve(argument) for argument in node.args)
            self._site(node, next((name for name in names if name is not None), None))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `functools.partial(host.emit, ...)`: an emitter handed on rather than called.
        handed_on = node.attr in EMITTERS and id(node) not in self.called
        if handed_on and not self._is_qt_signal(node.value):
            self._site(node, None)
        self.generic_visit(node)


def emit_sites() -> list[Site]:
    sites: list[Site] = []
    for path, module in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        relative = path.relative_to(REPOSITORY).as_posix()
        finder = _Finder(relative, _Resolver(module, tree))
        # Calls before the attributes they hold: visit_Call marks its own callee.
        finder.visit(tree)
        sites += finder.sites
    return sites


def test_every_name_the_host_side_emits_is_declared(declared: PageEventTable) -> None:
    sites = emit_sites()
    named = [site for site in sites if site.name is not None]
    computed = [site for site in sites if site.name is None]

    undeclared = [site for site in named if declared.reserving(site.name or "") is None]
    unexplained = [site for site in computed if (site.path, site.function) not in DYNAMIC]
    gone = sorted(set(DYNAMIC) - {(site.path, site.function) for site in computed})
    dynamic_undeclared = {
        key: name
        for key, dynamic in DYNAMIC.items()
        for name in dynamic.names()
        if declared.reserving(name) is None
    }

    assert len(named) >= 25, "the scan found too few emits to be reading the code"
    assert undeclared == [], "emitted, and declared by no oro_register_page_events"
    assert unexplained == [], "a computed name: declare what it may be, and list the site here"
    assert gone == [], "listed here, but no longer an emit site"
    assert dynamic_undeclared == {}


def _bootstrap_names() -> list[str]:
    """The names js-api's bootstrap subscribes from the start (``KNOWN_EVENTS``) and those
    its dispatch gives a meaning (``name === '...'``)."""
    text = (REPOSITORY / "js-api" / "bootstrap.js").read_text(encoding="utf-8")
    known = re.search(r"KNOWN_EVENTS = Object\.freeze\(\[(.*?)\]\)", text, flags=re.DOTALL)
    assert known is not None
    names = re.findall(r"'([^']+)'", known.group(1))
    names += re.findall(r"name === '([^']+)'", text)
    names += re.findall(r"const WINDOW_MESSAGE = '([^']+)'", text)
    return names


def test_every_name_the_page_runtime_treats_as_the_hosts_is_declared(
    declared: PageEventTable,
) -> None:
    names: Sequence[str] = _bootstrap_names()

    assert {"dropin", "drop", "drag", "applicationurl", "hotkey", "windowmessage"} <= set(names)
    assert [name for name in names if declared.reserving(name) is None] == []
