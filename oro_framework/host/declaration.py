"""A plugin's declaration: what it has, as data naming where each part lives.

A plugin's entry module holds one :class:`Plugin`, named ``plugin``, saying what the plugin
registers: its permissions, settings, per-host state, routes, JS modules, page events, services,
and which of its state's methods answer the host's notifications. Each part is a reference,
``"module:attribute"`` as an entry point writes it (a leading ``.`` is relative to the entry
module's package), imported when the host first needs it, not when the module loads: every
``oro`` command loads every plugin's entry module, ``oro --help`` too, and most of them never
build a host. Laziness is written once, here, for every plugin, core or third-party.

A reference whose path passes through a :class:`~oro_framework.StashKey` reads that key in the
host's stash, so ``".state:STATE.run"`` is the ``run`` method of this host's state: the per-host
state a ``state`` entry made when the host was configured.

Hook implementations stay for behaviour: wrappers around routes, permission checks, a
registration that depends on the config. A hook the module implements that the declaration also
fills runs after the declared part; the declared part and the module may not both answer a hook
that returns a value, nor may the module's be a wrapper or ordered (``tryfirst``) there.
:func:`assemble` builds what the plugin manager registers: the module's hooks and the declared
ones, side by side in one object, under the plugin's one name.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework.hookspecs import PROJECT_NAME, hookimpl
from oro_framework.host.stash import StashKey

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.config import ConfigRegistry
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.router import RouteTable
    from oro_framework.host.schemes import SchemeTable
    from oro_framework.host.services import ServiceRegistry

__all__ = ["DECLARATION_NAME", "NOTIFICATIONS", "Plugin", "PluginService", "assemble"]

DECLARATION_NAME: Final = "plugin"
"""The name of the :class:`Plugin` in an entry module."""

_WORKER_MODULE: Final = re.compile(r"oro:[a-z0-9_\-]+(?:/[a-z0-9_\-]+)*")
_REFERENCE: Final = re.compile(r"(?:\.+|\.*[A-Za-z_][\w.]*):[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

NOTIFICATIONS: Final = frozenset(
    {
        "oro_page_closed",
        "oro_window_created",
        "oro_page_args",
        "oro_lifecycle_event",
        "oro_diagnostics",
        "oro_unconfigure",
    }
)
"""The hooks a declaration's ``hooks`` may answer with references: a referenced callable gets
those of the hook's arguments its parameters name (``page_args(origin)``)."""

_ANSWERING: Final = frozenset({"oro_page_args", "oro_diagnostics", "oro_service_worker_modules"})
"""The declared hooks whose answer the host uses."""


@final
class PluginService:
    """One service of a plugin (see :meth:`~oro_framework.ServiceRegistry.add`).

    :param name: the service's name, or a reference to it (``".service:NAME"``, when the
        plugin's code names it too).
    :param run: a reference to its ``run`` (``".state:STATE.run"``).
    """

    __slots__ = ("doc", "name", "required", "run", "startup_timeout", "stop_on_pause")

    def __init__(
        self,
        name: str,
        run: str,
        *,
        doc: str,
        stop_on_pause: bool = False,
        startup_timeout: float = 10.0,
        required: bool = False,
    ) -> None:
        self.name = name
        self.run = run
        self.doc = doc
        self.stop_on_pause = stop_on_pause
        self.startup_timeout = startup_timeout
        self.required = required


@final
class Plugin:
    """What a plugin has, each part a reference to where it lives.

    Where a part may be several, one reference may stand alone (``routes=".routes:ROUTES"``).

    :param api: the plugin API the plugin is written for: the
        :data:`~oro_framework.PLUGIN_API_VERSION` of the oro-framework it was written against.
        A host serving another refuses the plugin when it loads, saying which to upgrade;
        ``None`` (not said) is taken as 1 (see :mod:`oro_framework.host.contract`).
    :param permissions: references to :class:`~oro_framework.PermissionSpec` or
        :class:`~oro_framework.RouteGroup` objects (or collections of them), declared in order.
    :param settings: config section → reference to its settings class.
    :param state: reference to a :class:`~oro_framework.StashKey` → reference to what makes the
        value from the host (``".state:FsState.from_host"``), stored when the host is
        configured and dropped when it closes.
    :param routes: references to route groups (or collections of them).
    :param schemes: URL scheme (``clip``) → reference to its handler (``".state:CLIPS.serve"``:
        a :class:`~oro_framework.StashKey` on the path is read in the host), whose docstring's
        first line is the scheme's doc.
    :param js_modules: the folder of the plugin's ES modules, relative to the entry module's
        folder (see :meth:`~oro_framework.JSModuleTable.add_directory`); or a reference to
        what answers a folder other plugins share (or ``None``, none here), of which the
        plugin registers the modules whose ``.d.ts`` header says ``@plugin <its name>``.
    :param preload: specifiers among them that every page loads.
    :param service_worker: specifiers among them that every Service Worker of the app imports,
        its fetch handler asked before the app's (``oro_service_worker_modules``).
    :param events: references to the names (or collections of names) of the page events the
        plugin sends.
    :param event_prefixes: references to page event name prefixes the plugin sends.
    :param services: the plugin's services.
    :param hooks: a notification hook (:data:`NOTIFICATIONS`) → references to what answers it,
        in order (``{"oro_page_closed": ".state:STATE.close_window"}``).
    :param isolate: run the plugin in a process of its own whatever the app's ``[plugins]
        isolate`` says (a plugin around a C library that may crash, or that holds much
        memory): the host imports this module, reads the declaration, and starts the process.
    """

    __slots__ = (
        "api",
        "event_prefixes",
        "events",
        "hooks",
        "isolate",
        "js_modules",
        "permissions",
        "preload",
        "routes",
        "schemes",
        "service_worker",
        "services",
        "settings",
        "state",
    )

    def __init__(
        self,
        *,
        api: int | None = None,
        permissions: str | Iterable[str] = (),
        settings: Mapping[str, str] | None = None,
        state: Mapping[str, str] | None = None,
        routes: str | Iterable[str] = (),
        schemes: Mapping[str, str] | None = None,
        js_modules: str | None = None,
        preload: str | Iterable[str] = (),
        service_worker: str | Iterable[str] = (),
        events: str | Iterable[str] = (),
        event_prefixes: str | Iterable[str] = (),
        services: PluginService | Iterable[PluginService] = (),
        hooks: Mapping[str, str | Iterable[str]] | None = None,
        isolate: bool = False,
    ) -> None:
        self.api = api
        self.isolate = isolate
        self.permissions = _references(permissions)
        self.settings = dict(settings or {})
        self.state = dict(state or {})
        self.routes = _references(routes)
        self.schemes = dict(schemes or {})
        self.js_modules = js_modules
        self.preload = _references(preload)
        self.service_worker = _references(service_worker)
        self.events = _references(events)
        self.event_prefixes = _references(event_prefixes)
        self.services = (services,) if isinstance(services, PluginService) else tuple(services)
        self.hooks = {hook: _references(refs) for hook, refs in (hooks or {}).items()}
        self._check()

    def _check(self) -> None:
        """Refuse a malformed declaration when the entry module loads (a mistake shows in
        ``oro plugins list``, not in the middle of building a host)."""
        if self.api is not None and (type(self.api) is not int or self.api < 1):
            raise ValueError(
                f"api={self.api!r} is no plugin API version: write the whole number "
                "oro_framework.PLUGIN_API_VERSION had when the plugin was written"
            )
        unknown = sorted(set(self.hooks) - set(NOTIFICATIONS))
        if unknown:
            import difflib  # only for this error's hint: every launch imports this module

            close = difflib.get_close_matches(unknown[0], sorted(NOTIFICATIONS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"hooks {unknown} cannot be declared{hint}; declared hooks are "
                f"{sorted(NOTIFICATIONS)}"
            )
        references = [
            *self.permissions,
            *self.settings.values(),
            *self.state,
            *self.state.values(),
            *self.routes,
            *self.schemes.values(),
            *self.events,
            *self.event_prefixes,
            *(service.run for service in self.services),
            *(service.name for service in self.services if ":" in service.name),
            *([self.js_modules] if self.js_modules and ":" in self.js_modules else []),
            *(ref for refs in self.hooks.values() for ref in refs),
        ]
        for specifier in self.service_worker:
            if not isinstance(specifier, str) or _WORKER_MODULE.fullmatch(specifier) is None:
                raise ValueError(
                    f"service_worker={specifier!r} is no JS module specifier: name one of the "
                    "plugin's modules, 'oro:<name>/worker' as its .d.ts header says"
                )
        for reference in references:
            if not isinstance(reference, str) or _REFERENCE.fullmatch(reference) is None:
                raise ValueError(
                    f"{reference!r} is no reference: write 'package.module:attribute' "
                    "(or '.module:attribute', relative to the plugin's package)"
                )


def _references(value: str | Iterable[str]) -> tuple[str, ...]:
    """One reference or several, as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


def _flatten(value: object) -> list[Any]:
    """A referenced value, or the items of a referenced collection."""
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


@final
class _Resolver:
    """Reads a declaration's references for one entry module."""

    def __init__(self, module: types.ModuleType) -> None:
        self.package = module.__package__ or module.__name__
        self.folder = Path(module.__file__ or ".").parent

    def load(self, reference: str, host: Host | None = None) -> Any:
        """What ``reference`` names; a :class:`StashKey` on its path is read in ``host``, when
        given."""
        module_name, _, path = reference.partition(":")
        if module_name.startswith("."):
            module_name = importlib.util.resolve_name(module_name, self.package)
        value: Any = importlib.import_module(module_name)
        for attribute in path.split("."):
            value = getattr(value, attribute)
            if host is not None and isinstance(value, StashKey):
                value = host.stash[value]
        return value


def _call(function: Callable[..., Any], given: Mapping[str, Any]) -> Any:
    """Call ``function`` with the arguments of ``given`` its parameters name, as pluggy calls a
    hook implementation."""
    parameters = inspect.signature(function).parameters
    return function(**{name: value for name, value in given.items() if name in parameters})


def _merge(answers: list[Any]) -> Any:
    """One answer of several parts: mappings merged in order, else the last one given."""
    answers = [answer for answer in answers if answer is not None]
    if not answers:
        return None
    if all(isinstance(answer, Mapping) for answer in answers):
        merged: dict[str, Any] = {}
        for answer in answers:
            merged.update(answer)
        return merged
    return answers[-1]


def assemble(module: types.ModuleType, declaration: Plugin) -> object:
    """What the plugin manager registers for ``module``: its own hook implementations and the
    ones ``declaration`` makes, in one namespace.

    :raises ValueError: the module implements a hook the declaration fills in a way they cannot
        share (a wrapper, an ordered implementation, or two answers).
    """
    resolver = _Resolver(module)
    declared = _declared_hooks(declaration, resolver)
    marker = f"{PROJECT_NAME}_impl"
    own = {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and isinstance(getattr(value, marker, None), dict)
    }
    hooks: dict[str, Callable[..., Any]] = dict(own)
    for name, part in declared.items():
        theirs = own.get(name)
        hooks[name] = part if theirs is None else _joined(name, part, theirs, marker)
    return _Assembled(module, hooks)


@final
class _Assembled:
    """A declared plugin as the plugin manager registers it: its hook implementations as
    attributes, named and documented as its entry module (hashed by identity, as a module)."""

    def __init__(self, module: types.ModuleType, hooks: Mapping[str, Callable[..., Any]]) -> None:
        self.__name__ = module.__name__
        self.__doc__ = module.__doc__
        vars(self).update(hooks)

    def __repr__(self) -> str:
        return f"<declared plugin {self.__name__!r}>"


def _joined(
    name: str, part: Callable[..., Any], theirs: Callable[..., Any], marker: str
) -> Callable[..., Any]:
    """One implementation of hook ``name``: the declared ``part``, then the module's own."""
    options = getattr(theirs, marker)
    if any(options.get(key) for key in ("wrapper", "hookwrapper", "tryfirst", "trylast")):
        raise ValueError(
            f"hook {name} is declared by the plugin's {DECLARATION_NAME!r} and implemented as a "
            "wrapper or an ordered hook in its module: implement it in the module alone"
        )
    if name in _ANSWERING:
        raise ValueError(
            f"hook {name} is answered both by the plugin's {DECLARATION_NAME!r} (hooks=) and "
            "by its module: answer it in one place"
        )

    def joined(**given: Any) -> Any:
        part(**given)
        return _call(theirs, given)

    return _implementation(name, joined)


def _implementation(name: str, body: Callable[..., Any]) -> Callable[..., Any]:
    """A hook implementation of hook ``name`` that hands ``body`` its arguments by name: pluggy
    reads an implementation's parameter names from its code, so each shape is written out."""
    maker = _SHAPES[name]
    return hookimpl(maker(body))


def _declared_hooks(declaration: Plugin, resolver: _Resolver) -> dict[str, Callable[..., Any]]:
    """The hook implementations ``declaration`` asks for, by hook name."""
    registrations = {
        name: function
        for name, builder in _REGISTRATIONS.items()
        if (function := builder(declaration, resolver)) is not None
    }
    # Each takes the hook's arguments by name (the ones it does not use as ``_``).
    bodies = dict(registrations)
    bodies.update(_notification_hooks(declaration, resolver.load))
    return {name: _implementation(name, body) for name, body in bodies.items()}


def _permissions(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.permissions:
        return None

    def register(permissions: PermissionRegistry, **_: Any) -> None:
        from oro_framework.host.permissions import RouteGroup

        for reference in declaration.permissions:
            for spec in _flatten(resolver.load(reference)):
                if isinstance(spec, RouteGroup):
                    permissions.add_group(spec)
                else:
                    permissions.declare(spec)

    return register


def _settings(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.settings:
        return None

    def register(config: ConfigRegistry, **_: Any) -> None:
        for section, reference in declaration.settings.items():
            config.add_settings(resolver.load(reference), section=section)

    return register


def _state(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.state:
        return None

    def configure(host: Host, **_: Any) -> None:
        # In order: a later part may read an earlier one from the stash.
        for key, factory in declaration.state.items():
            host.stash[resolver.load(key)] = resolver.load(factory)(host)

    return configure


def _routes(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.routes:
        return None

    def register(routes: RouteTable, **_: Any) -> None:
        for reference in declaration.routes:
            for group in _flatten(resolver.load(reference)):
                routes.add_group(group)

    return register


def _schemes(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.schemes:
        return None

    def register(schemes: SchemeTable, host: Host, **_: Any) -> None:
        for name, reference in declaration.schemes.items():
            handler = resolver.load(reference, host)
            doc = (inspect.getdoc(handler) or "").partition("\n")[0]
            schemes.add(name, handler, doc=doc)

    return register


def _js_modules(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    folder = declaration.js_modules
    if folder is None:
        return None

    def register(modules: JSModuleTable, **_: Any) -> None:
        if ":" not in folder:
            modules.add_directory(resolver.folder / folder, preload=declaration.preload)
            return
        # A folder other plugins share (the core plugins' js-api/): the modules whose header
        # names this plugin (``@plugin <name>``).
        shared = resolver.load(folder)()
        if shared is not None:
            owner = modules.current_plugin
            modules.add_directory(shared, preload=declaration.preload, owner=owner)

    return register


def _events(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not (declaration.events or declaration.event_prefixes):
        return None

    def register(events: PageEventTable, **_: Any) -> None:
        for reference in declaration.events:
            events.add(*_flatten(resolver.load(reference)))
        for reference in declaration.event_prefixes:
            for prefix in _flatten(resolver.load(reference)):
                events.add_prefix(prefix)

    return register


def _service_worker(declaration: Plugin, _: _Resolver) -> Callable[..., list[str]] | None:
    if not declaration.service_worker:
        return None

    def answer(**_: Any) -> list[str]:
        return list(declaration.service_worker)

    return answer


def _services(declaration: Plugin, resolver: _Resolver) -> Callable[..., None] | None:
    if not declaration.services:
        return None
    load = resolver.load

    def register(services: ServiceRegistry, host: Host, **_: Any) -> None:
        for service in declaration.services:
            services.add(
                load(service.name) if ":" in service.name else service.name,
                load(service.run, host),
                doc=service.doc,
                stop_on_pause=service.stop_on_pause,
                startup_timeout=service.startup_timeout,
                required=service.required,
            )

    return register


_REGISTRATIONS: Final = {
    "oro_register_permissions": _permissions,
    "oro_register_config": _settings,
    "oro_configure": _state,
    "oro_register_routes": _routes,
    "oro_register_schemes": _schemes,
    "oro_register_js_modules": _js_modules,
    "oro_register_page_events": _events,
    "oro_register_services": _services,
    "oro_service_worker_modules": _service_worker,
}
"""Each registration hook and what makes its implementation from a declaration (``None`` when
the declaration has nothing for it)."""


def _notification_hooks(
    declaration: Plugin, load: Callable[..., Any]
) -> dict[str, Callable[..., Any]]:
    """The bodies of the notification hooks ``declaration.hooks`` answers, by hook name;
    ``oro_unconfigure`` also drops the declared state, after what answers it (which may close
    it)."""
    bodies: dict[str, Callable[..., Any]] = {}
    names = set(declaration.hooks) | ({"oro_unconfigure"} if declaration.state else set())
    for name in names:
        references = declaration.hooks.get(name, ())
        drops = tuple(declaration.state) if name == "oro_unconfigure" else ()
        bodies[name] = _notified(references, drops, load)
    return bodies


def _notified(
    references: tuple[str, ...], drops: tuple[str, ...], load: Callable[..., Any]
) -> Callable[..., Any]:
    def body(**given: Any) -> Any:
        host = given["host"]
        answers = [_call(load(reference, host), given) for reference in references]
        for key in drops:
            host.stash.pop(load(key))
        return _merge(answers)

    return body


# pluggy passes an implementation the arguments its parameters name, read from its code: one
# maker per hook shape, each handing every argument on by name.
_SHAPES: Final[dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = {
    "oro_register_permissions": lambda body: (
        lambda permissions, host: body(permissions=permissions, host=host)
    ),
    "oro_register_config": lambda body: lambda config, host: body(config=config, host=host),
    "oro_configure": lambda body: lambda host: body(host=host),
    "oro_register_routes": lambda body: lambda routes, host: body(routes=routes, host=host),
    "oro_register_schemes": lambda body: lambda schemes, host: body(schemes=schemes, host=host),
    "oro_register_js_modules": lambda body: lambda modules, host: body(modules=modules, host=host),
    "oro_register_page_events": lambda body: lambda events, host: body(events=events, host=host),
    "oro_register_services": lambda body: lambda services, host: body(services=services, host=host),
    "oro_service_worker_modules": lambda body: lambda host: body(host=host),
    "oro_page_closed": lambda body: lambda host, window: body(host=host, window=window),
    "oro_window_created": lambda body: lambda host, window: body(host=host, window=window),
    "oro_page_args": lambda body: (
        lambda host, window, origin: body(host=host, window=window, origin=origin)
    ),
    "oro_lifecycle_event": lambda body: lambda host, event: body(host=host, event=event),
    "oro_diagnostics": lambda body: lambda host, window: body(host=host, window=window),
    "oro_unconfigure": lambda body: lambda host: body(host=host),
}
