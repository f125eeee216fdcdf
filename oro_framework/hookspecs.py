"""The hook specifications: THE contract between the host and every plugin.

A plugin is a module (or object) with functions named like the hooks below, decorated with
:data:`oro_framework.hookimpl`. It is found through the ``oro`` entry-point group::

    [project.entry-points.oro]
    fs = "oro_fs.plugin"

Hooks are **synchronous and declarative**: they register things (routes, keys, services) or react
to a notification. ``async def`` implementations are refused when the plugin loads. Awaiting
happens in what hooks register: async route handlers and service ``run`` functions.

A hook implementation may accept any subset of the arguments a spec lists (pluggy matches them by
name), so ``def oro_register_routes(routes)`` and ``def oro_register_routes(routes, host)`` both
work. Every registration is attributed to the plugin that made it: a second plugin registering
the same route, mount prefix, URL scheme, permission, config key, service or JS specifier gets a
:class:`~oro_framework.RegistrationConflict` naming both. Any exception a hook raises while
the host is built makes the plugin broken (a :class:`~oro_framework.PluginLoadError` naming the
hook); one raised while the host runs is logged and the host goes on.

The seven sections below follow the order the host calls the hooks in: when a
:class:`~oro_framework.Host` is built (sections 1 to 3), while it runs (section 4) and when it
shuts down (section 5); the command line calls section 6, and ``oro doctor`` section 7.
``docs/plugin-hooks.md`` documents each hook for plugin authors; a test checks that every hook
here has a section there and a test of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pluggy

if TYPE_CHECKING:
    import click

    from oro_framework.host.app import Host
    from oro_framework.host.checks import DoctorCheck
    from oro_framework.host.config import ConfigRegistry
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.mounts import MountTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.permission_broker import PermissionRequest
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.request import Request
    from oro_framework.host.router import Route, RouteTable
    from oro_framework.host.schemes import SchemeTable
    from oro_framework.host.services import ServiceRegistry
    from oro_framework.host.windows.model import Window

PROJECT_NAME = "oro"
"""The pluggy project name, the hook marker name and the entry-point group."""

PLUGIN_API_VERSION: Final = 1
"""The version of this contract: raised when a change would break plugins written against the
one before (a hook removed or its arguments changed), not when a hook or a registry method is
added. Pages read it as the ``abi`` of ``oro:extension`` (the Oro Runtime's extension ABI).
A plugin says which version it was written for (``Plugin(api=...)``); see
:mod:`oro_framework.host.contract` and ``docs/plugin-hooks.md``, "Versions and deprecations"."""

OLDEST_PLUGIN_API_VERSION: Final = 1
"""The oldest contract this host still serves: a plugin written for an older one is refused
when it loads. Raised when the hooks :func:`deprecated_hookspec` marked for removal go."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

_Spec = TypeVar("_Spec", bound=Callable[..., Any])


class HookDeprecationWarning(DeprecationWarning):
    """Warned when a plugin registers an implementation of a hook a later plugin API removes;
    pluggy points it at the implementation's file and line (the plugin's module)."""


def deprecated_hookspec(
    *, removed_in: int, instead: str, firstresult: bool = False
) -> Callable[[_Spec], _Spec]:
    """Mark a hook specification deprecated: the one place a hook's removal is written.

    Every plugin that implements the hook gets a :class:`HookDeprecationWarning` when it
    registers (pluggy's ``warn_on_impl``), naming the hook, the plugin API that removes it and
    what to do instead. The hook keeps working until :data:`OLDEST_PLUGIN_API_VERSION` reaches
    ``removed_in``, when it is deleted.

    :param removed_in: the :data:`PLUGIN_API_VERSION` without the hook (greater than this one).
    :param instead: what an implementation does instead (``"implement oro_register_schemes"``).
    :param firstresult: as :data:`hookspec`'s.
    """

    def mark(function: _Spec) -> _Spec:
        warning = HookDeprecationWarning(
            f"hook {function.__name__} is deprecated and goes away in plugin API {removed_in} "
            f"(this is plugin API {PLUGIN_API_VERSION}): {instead}"
        )
        return hookspec(firstresult=firstresult, warn_on_impl=warning)(function)

    return mark


# -------------------------------------------------------------------------------------------------
# 1. Declarations read before the configuration is loaded
# -------------------------------------------------------------------------------------------------


@hookspec
def oro_register_permissions(permissions: PermissionRegistry, host: Host) -> None:
    """Declare the permissions your routes are guarded by.

    Called once per host, first of all hooks. Each ``permissions.add(name, doc, default=True)``
    creates the config key ``permissions.allow_<name>`` (flattened ``permissions_allow_<name>``);
    setting it to ``false`` makes every route declaring that permission answer ``NotAllowedError``.
    A ``permissions.allow_<x>`` key in ``oro.toml`` whose ``<x>`` nobody declared is a config error.

    :param permissions: the host's :class:`~oro_framework.PermissionRegistry`.
    :param host: the host being built; its config is **not** loaded yet.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_config(config: ConfigRegistry, host: Host) -> None:
    """Declare the config keys of your plugin's section(s), with type, default, doc and an
    optional validator.

    Called once per host, after :func:`oro_register_permissions` and before ``oro.toml`` is read.
    ``config.add("filesystem.sandbox_enabled", bool, True, "doc", env=("FS_SANDBOX",))`` declares
    a key; its value is then read from (lowest to highest precedence) the default, ``oro.toml``,
    ``[<section>.linux|darwin|win32]`` override tables, the environment (``ORO_<FLATTENED_KEY>`` and
    the aliases in ``env``) and CLI flags. A key whose name ends in ``.*`` accepts any sub-key
    (``filesystem.mounts.*``). Keys nobody declares produce a :class:`~oro_framework.ConfigWarning`.

    :param config: the host's :class:`~oro_framework.ConfigRegistry`.
    :param host: the host being built; its config is **not** loaded yet.
    :return: nothing; the return value is ignored.
    """


# -------------------------------------------------------------------------------------------------
# 2. Configuration is loaded
# -------------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def oro_resolve_secret(host: Host, scheme: str, name: str) -> str | None:
    """Answer the secret a secret reference names (``"secure-storage:openai"`` in ``oro.toml``).

    A key declared secret (``setting(..., secret=True)``) may hold ``<scheme>:<name>`` in
    ``oro.toml`` instead of the secret itself. Called once per such reference while the host is
    built, after the configuration is loaded and before :func:`oro_configure`, so that every
    plugin's settings hold the secret. Not called for hosts that tools build only to read tables
    (``Host(resolve_secrets=False)``: ``oro config list`` shows the reference). It may block
    briefly (the host is being built, no loop runs yet) but must not prompt the user.
    ``firstresult``: the first plugin, in registration order, that answers a string decides.
    The host's own plugin answers ``env:<VARIABLE>`` (the variable of ``host.environ``).

    :param host: the host being built; ``host.config`` (the references still unresolved),
        ``host.paths`` and ``host.environ`` are ready, ``host.stash`` is not filled yet.
    :param scheme: the reference's scheme (``secure-storage``).
    :param name: the rest of the reference (``openai``).
    :return: the secret, or ``None`` when your plugin does not resolve ``scheme`` (nobody
        answering is a :class:`~oro_framework.ConfigError` naming the key and the line). Raise an
        :class:`~oro_framework.IPCError` whose message names the fix when the scheme is yours
        but the secret cannot be had (no such item, the store unreachable or locked): the host
        stops with a ``ConfigError`` that carries it. Never log or put the secret in an error.
    """


@hookspec
def oro_configure(host: Host) -> None:
    """Prepare per-host state now that ``host.config`` is loaded and validated.

    Called once per host, after the configuration is loaded and before any ``oro_register_*`` hook
    of section 3, in plugin registration order. Keep state that must not be shared between hosts in
    ``host.stash[STATE]``, under a :class:`~oro_framework.StashKey` your plugin creates once
    (``STATE: Final = StashKey[MyState]("my-plugin")``): handlers then read
    ``request.host.stash[STATE]``, typed, with no lookup by string. Raise
    :class:`~oro_framework.ConfigError` for a combination of values that is invalid as a whole; the
    host is then not built.

    :param host: the host being built; ``host.config`` and ``host.paths`` are ready.
    :return: nothing; the return value is ignored.
    """


# -------------------------------------------------------------------------------------------------
# 3. What the plugin serves
# -------------------------------------------------------------------------------------------------


@hookspec
def oro_register_routes(routes: RouteTable, host: Host) -> None:
    """Register your IPC routes.

    Called once per host after :func:`oro_configure`. ``routes.add("fs.stat", handler,
    permission="fs")`` or the ``@routes.route(...)`` decorator. A handler is ``async def
    handler(request) -> data`` (run on the event loop, which it must not block) or a plain ``def``
    (run in a worker thread; the route's timeout still answers the caller, but the thread cannot
    be interrupted). It may return JSON data, ``bytes`` (answered as
    ``application/octet-stream``), an :class:`~oro_framework.EventStream` or
    :class:`~oro_framework.ByteStream`, or any async iterator (sent as server-sent events). It
    raises an :class:`~oro_framework.IPCError` subclass to answer an error; any other exception is
    logged and answered as ``InternalError``. The route's permission must have been declared by
    some plugin. A bad ``add()`` call raises :class:`~oro_framework.RegistrationError` naming
    your plugin. While a service of your plugin is down, its routes answer
    :class:`~oro_framework.ServiceUnavailableError` without running.

    :param routes: the host's :class:`~oro_framework.RouteTable`.
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_mounts(mounts: MountTable, host: Host) -> None:
    """Mount ASGI applications under path prefixes of the app origin.

    Called once per host after :func:`oro_register_routes`. ``mounts.mount("/ai/llama", app,
    doc="...")`` serves ``app`` (any ASGI 3 app: Starlette, FastAPI, a plain function) for every
    path below the prefix, behind the same session, Host and Origin checks as IPC. ``/oro`` and
    ``/ipc`` are reserved by the host.

    :param mounts: the host's :class:`~oro_framework.MountTable`.
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_schemes(schemes: SchemeTable, host: Host) -> None:
    """Serve URL schemes of your own: ``clip:hello`` and ``clip://board/1`` in the app's pages.

    Called once per host after :func:`oro_register_mounts`. ``schemes.add("clip", handler,
    doc="...")`` makes every ``clip:`` request of a page (``fetch``, ``import``, and in a
    window also ``<img src>`` and navigations) reach ``async def handler(request)``, which gets
    a :class:`~oro_framework.SchemeRequest` (method, URL, headers, body, the window it proves
    it comes from) and returns a :class:`~oro_framework.SchemeResponse` (status, headers, a
    body or an async iterable of chunks). Mounts serve paths of the app origin; schemes serve
    URLs of their own. Names the engine, the web or oro gives a meaning (``http``, ``file``,
    ``blob``, ``oro``, ``socket``, ``npm``...) are refused, and a handler that raises or does
    not answer in time gets the page a typed error naming your plugin.

    :param schemes: the host's :class:`~oro_framework.SchemeTable`.
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_js_modules(modules: JSModuleTable, host: Host) -> None:
    """Register the ES modules page JavaScript imports to reach your routes.

    Called once per host after :func:`oro_register_mounts`. ``modules.add("oro:fs", path,
    aliases=("node:fs",), declarations=dts_path)`` makes ``import fs from 'oro:fs'`` load ``path``;
    the page's import map is built from this table. With ``preload=True`` the preload also loads
    the module in every page, after ``oro:bootstrap`` (oro-conduit installs its IPC transport so).

    :param modules: the host's :class:`~oro_framework.JSModuleTable`.
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_services(services: ServiceRegistry, host: Host) -> None:
    """Register long-running tasks (servers, watchers, model pools) of your plugin.

    Called once per host, before :func:`oro_register_page_events`. ``services.add("conduit", run,
    doc=...)`` where ``async def run(*, task_status)`` calls ``task_status.started()`` once it is
    ready to serve and then runs until cancelled (clean up in ``finally``). :meth:`Host.run` starts
    every service with ``TaskGroup.start`` within its ``startup_timeout``. A service that fails to
    start or crashes later (raises, returns, or misses its startup timeout) is logged and restarted
    with backoff up to ``services.restart_limit`` times, then marked ``failed``; meanwhile the
    routes of its plugin answer :class:`~oro_framework.ServiceUnavailableError` and the rest of the
    host keeps serving. With ``required=True`` its failure stops the host with
    :class:`~oro_framework.ServiceError` naming it instead. With ``stop_on_pause=True`` the service
    is cancelled when the app pauses and started again on resume.

    :param services: the host's :class:`~oro_framework.ServiceRegistry`.
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_register_page_events(events: PageEventTable, host: Host) -> None:
    """Declare the page events your plugin sends (``host.emit(name, ...)``).

    Called once per host, last of the registration hooks. ``events.add(EVENT_NAME)`` declares
    a name, ``events.add_prefix("backend:")`` every name that starts so. Declare every name
    your plugin (its routes, services, GUI callbacks) emits to pages, from the constant your
    code emits it by, in the module that emits it: ``window.send``, which lets a page send an
    event to another window's page, refuses each declared name (``ERR_RESERVED_EVENT``), so no
    page makes another believe what only your plugin may say (a file it dropped, a position, a
    state). A name a page or the app chooses (a ``window.send`` you pass on) is not yours to
    declare. Names are compared as pages do: exactly, case and all.

    :param events: the host's :class:`~oro_framework.PageEventTable` (``host.events.declared``).
    :param host: the host being built, configured.
    :return: nothing; the return value is ignored.
    """


# -------------------------------------------------------------------------------------------------
# 4. While the host runs
# -------------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def oro_permission_check(request: Request, permission: str) -> bool | None:
    """Decide whether ``request`` may use ``permission``.

    Called for every IPC request, on the event loop, after the config check
    (``permissions.allow_<permission>``) passed and before the handler runs; and for every
    request to a mounted app that declares a permission, with the path as ``request.route``.
    Must be fast and must not block. ``firstresult``: the first implementation returning a
    non-``None`` value decides.

    :param request: the :class:`~oro_framework.Request` about to be dispatched.
    :param permission: the permission the route declared.
    :return: ``True`` to allow, ``False`` to deny (the caller gets ``NotAllowedError``), ``None`` to
        leave the decision to other plugins (allowed when nobody decides). Raising an
        :class:`~oro_framework.IPCError` answers that error instead; any other exception is
        logged and denies.
    """


@hookspec(firstresult=True)
def oro_permission_request(host: Host, request: PermissionRequest) -> bool | None:
    """Decide what a page asks of the web platform: the camera, the microphone, the screen,
    its location, notifications (:mod:`oro_framework.host.permission_broker`).

    Called on the event loop when a web engine asks the app (WebKitGTK's ``permission-request``,
    QtWebEngine's feature permissions), when ``geolocation.*`` or ``permissions.request`` needs a
    grant, and when ``permissions.query`` asks for such a state: after the config check
    (``permissions.allow_<kind>`` false denies without calling this) and before the decisions the
    user remembered and the prompt. Must be fast and must not block. ``firstresult``: the first
    implementation returning a non-``None`` value decides. This is where an app that knows its
    own needs (a kiosk's camera) grants without a prompt, as Electron's
    ``setPermissionRequestHandler`` does; the app's ``backend.py`` may implement it.

    :param host: the running host.
    :param request: the kinds asked for, the page's origin and ``site`` (``"app"`` for the app's
        own), the window that asked (proven by the host, ``None`` when not a window), and
        ``embedder``: the page's origin when a frame of another origin in it asks (``origin``
        is then the frame's). Such a frame gets only what this hook grants: ``None`` denies it.
    :return: ``True`` to grant, ``False`` to deny, ``None`` to leave it to the user. Raising
        denies (logged).
    """


@hookspec(firstresult=True)
def oro_route_call(request: Request, route: Route) -> Awaitable[Any]:
    """Wrap the calls of routes: log, time, cache, rewrite or refuse them (middleware).

    Implement it only as a new-style wrapper, ``@hookimpl(wrapper=True)``: a generator that
    yields once, receives the inner call and returns the call its caller awaits::

        @hookimpl(wrapper=True)
        def oro_route_call(request: Request, route: Route) -> RouteCallWrapper:
            call = yield  # the inner call, not started yet
            return call  # or wrap_result(call, fn), answered(value), your own coroutine

    A plain implementation would answer in the handler's place, which route registration
    refuses as a conflict: it makes the plugin broken when it loads.

    Called on the event loop for every IPC request to a registered route, after the permission
    checks passed, inside the route's deadline and the client's cancellation, in pluggy's order:
    ``tryfirst`` wrappers outermost, then the plugin registered last, ``trylast`` wrappers
    closest to the handler. Never called while no plugin implements it: the router then calls
    the handler as if the hook did not exist. What ``yield`` gives is an awaitable that has not
    started: awaiting it (once) runs the inner wrappers and then the handler (in a worker thread
    for a plain ``def``) and gives the handler's result: JSON data, ``bytes``, or for a streaming
    route the stream itself (an async iterator, :class:`~oro_framework.EventStream` or
    :class:`~oro_framework.ByteStream`; return a new one wrapping it to see its items). It
    raises the :class:`~oro_framework.IPCError` the caller would get: the handler's other
    exceptions are translated before a wrapper sees them. Not awaiting it skips the handler.

    A wrapper runs before the route's own checks of the caller's window (the file a window's
    page picked, the child process it started, its database handles are that window's alone):
    what it answers in the handler's place, the handler would have answered that caller. Keep
    what a wrapper remembers of answers per ``request.window`` (the window the request proved
    with its credential, never one the page named) and remember nothing for a request whose
    ``request.window`` is ``None`` (a worker, another process, a page opened without its launch
    URL), unless the route says ``route.per_window`` is ``False``: then every caller gets the
    same answer.

    :param request: the :class:`~oro_framework.Request`; set ``request.params`` before awaiting
        the inner call to rewrite what the handler receives. ``request.window`` is the window
        its caller proved, or ``None``.
    :param route: the :class:`~oro_framework.Route` called (``name``, ``plugin``,
        ``permission``, ``runs_in_thread``, ``per_window``: whether its answers may differ per
        window, true unless the route was registered with ``per_window=False``).
    :return: the awaitable whose result the caller gets: the inner call itself,
        :func:`~oro_framework.wrap_result`, :func:`~oro_framework.answered`, or a coroutine of
        your own ``async def``. Raise an :class:`~oro_framework.IPCError` (in the generator or
        in what it returns) to refuse the call with it. Any other exception, or an answer that
        cannot be awaited, takes the wrapper out of the chain for the rest of the run, logged
        once naming your plugin and the fix; that call gets ``InternalError``
        (``ERR_ROUTE_WRAPPER``) naming your plugin.
    """
    # Only this hook answers something besides None: a specification still needs a body that
    # type-checks, and pluggy never calls it.
    raise NotImplementedError


@hookspec
def oro_lifecycle_event(host: Host, event: LifecycleEvent) -> None:
    """React to the host's lifecycle.

    Called on the event loop after each transition: ``started`` (every service is running),
    ``paused`` and ``resumed`` (the app window was hidden/minimised and came back), ``stopping``
    (before services are cancelled) and ``stopped`` (after they finished). Services registered with
    ``stop_on_pause`` are already stopped when ``paused`` is notified and running again when
    ``resumed`` is. An exception here is logged and does not stop the transition.

    :param host: the host.
    :param event: a :class:`~oro_framework.LifecycleEvent`.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_page_closed(host: Host, window: int) -> None:
    """Release what a window's page held (open files, watchers, subscriptions).

    Called on the event loop when the last event channel of window ``window`` (``/oro/events``
    with the window's credential) has ended: its page was closed, reloaded or navigated away. A
    reloaded page opens a new channel; a channel that opens before the old one is noticed closed
    means the hook is not called for that transition (state is never released under a live
    page). Not called once the host is stopping: ``oro_unconfigure`` releases everything then.
    An exception here is logged and does not affect other plugins.

    :param host: the running host.
    :param window: the window index whose page went away.
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_window_created(host: Host, window: Window) -> None:
    """Decorate a new window: a menu bar, a saved size and place, a context menu.

    Called on the event loop once for every window the app opens, main window included: headless,
    when the virtual window is created; with a GUI, once the toolkit has made the native window,
    so that :meth:`host.windows.run_on_gui <oro_framework.WindowManager.run_on_gui>` reaches it
    (``host.windows.native(window)`` inside the function it runs). The window may already be
    visible. Must not block; an exception is logged and the window opens regardless.

    :param host: the running host.
    :param window: the :class:`~oro_framework.Window` (``window.index`` names it in routes).
    :return: nothing; the return value is ignored.
    """


@hookspec
def oro_page_args(host: Host, window: int, origin: str) -> Mapping[str, Any] | None:
    """Add entries to ``globalThis.__args`` of an HTML page the bridge serves.

    Called on the event loop each time the bridge injects the preload into a page, so values
    known only while the host runs (the Conduit port and key) are current. Must be fast and must
    not block. Entries are merged over the host's own (``index``, ``config``, ``conduit``...) in
    plugin registration order; use a key named after your plugin.

    :param host: the running host.
    :param window: the index of the window the page is served for.
    :param origin: the origin the page is served from (``http://127.0.0.1:<port>``).
    :return: a JSON-serialisable mapping of entries, or ``None`` for none.
    """


@hookspec
def oro_service_worker_modules(host: Host) -> Sequence[str] | None:
    """Extend every Service Worker of the app with ES modules of your plugin.

    Called on the event loop each time the bridge generates a worker's shell
    (``/oro/service-worker/shell.js?script=...``, through which every configured worker, every
    page's own registration and every protocol handler runs), so the answer may follow the
    config. Must be fast and must not block. Each specifier names a JS module your plugin
    registered (``oro_register_js_modules``); the shell imports them, in plugin registration
    order, after oro-sw's runtime and before the app's script. Declared as
    ``Plugin(service_worker="oro:<name>/worker")``.

    The module answers fetches the way an Oro worker script does: its default export is
    ``async function (request, env, ctx)`` or ``{ fetch (request, env, ctx) }``. oro-sw's
    runtime asks each extension first, for every request the worker intercepts (never other
    origins, ``/ipc``, ``/oro/events``), in workers whose script is an Oro module or uses
    ``serve()``: a ``Response`` answers; ``undefined`` or ``null`` passes the request on to
    the next extension, then to the app's handling as if no extension were there. An
    extension that throws, rejects, answers something else or exports no handler is left out
    of that request (or of the worker) with one ``console.error`` in the worker naming your
    plugin and the specifier; the worker keeps serving the app. A module that fails to load
    (a syntax error, a throw at its top level) fails the worker's script like any import:
    keep work out of the top level. Without oro-sw no shell imports extensions.

    :param host: the running host.
    :return: specifiers of your plugin's JS modules (``["oro:hello/worker"]``), or ``None``
        for none. A specifier no module has, or one another plugin registered, is logged
        naming your plugin and left out; a raising implementation contributes nothing.
    """


@hookspec
def oro_diagnostics(host: Host, window: int | None) -> dict[str, Any] | None:
    """Report what your plugin holds, for the ``diagnostics.query`` route.

    Called whenever a page or tool queries diagnostics. Return JSON data, conventionally
    ``{"handles": {"count": n, "ids": [...]}}`` plus anything useful; it appears under your plugin's
    name in the answer's ``plugins`` object.

    A page's query is answered only by implementations that take ``window``, and they report
    only what that window holds, with no host path: a host-wide report would show a page the
    other windows' resources. Implementations without ``window`` answer the host's own tools
    (the HTTP IPC bridge key's outside process) alone.

    :param host: the running host.
    :param window: the window a page's query comes from; ``None`` for the host's own tools.
    :return: a JSON-serialisable mapping, or ``None`` for nothing to report.
    """


# -------------------------------------------------------------------------------------------------
# 5. Shutdown
# -------------------------------------------------------------------------------------------------


@hookspec
def oro_unconfigure(host: Host) -> None:
    """Release what :func:`oro_configure` prepared.

    Called once per host when it is closed: after :meth:`Host.run` has returned (every service has
    stopped) or when a host that never ran is closed. Called in reverse registration order; an
    exception is logged and the remaining plugins are still unconfigured. Take your state out with
    ``host.stash.pop(STATE)`` (``None`` if your ``oro_configure`` never stored it) and close what it
    holds (files, sockets, threads).

    :param host: the host being closed.
    :return: nothing; the return value is ignored.
    """


# -------------------------------------------------------------------------------------------------
# 6. Command line
# -------------------------------------------------------------------------------------------------


@hookspec
def oro_register_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``oro`` command line.

    Called once when ``oro`` starts, for every plugin that loads (broken plugins are skipped and
    shown by ``oro plugins list``). Add commands with ``@cli.command()``; a name already taken is a
    :class:`~oro_framework.RegistrationConflict`. If the hook raises, none of the plugin's
    commands is added and ``oro`` warns in one line.

    :param cli: the root ``oro`` :class:`click.Group`.
    :return: nothing; the return value is ignored.
    """


# -------------------------------------------------------------------------------------------------
# 7. oro doctor
# -------------------------------------------------------------------------------------------------


@hookspec
def oro_doctor_checks() -> Sequence[DoctorCheck] | None:
    """Report what this plugin needs from the machine, as lines of ``oro doctor``.

    Called once by ``oro doctor``, for every installed plugin that loads, without building an
    app (a check must work while the app is broken). oro-ai reports the CPU features, whether
    llama-cpp-python imports and the default model. Keep it quick and free of side effects;
    run anything that may crash the process (importing a native library) in a child process.
    If the hook raises, ``oro doctor`` shows one failed line for the plugin and goes on.

    :return: the lines, each a :class:`~oro_framework.DoctorCheck` (``required=True`` makes a
        failure exit ``oro doctor`` with status 1), or ``None`` for none.
    """
