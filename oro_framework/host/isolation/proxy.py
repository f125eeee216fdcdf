"""The host's stand-in for a plugin that runs in a process of its own (docs/design.md,
"Isolated plugins").

:class:`IsolatedPlugin` is registered under the plugin's name in the plugin's place. Its hook
implementations register what the process declared (permissions, config keys) and registered
(routes, JS modules, page events), and its routes forward each call over the channel. The
registries, the router, the permissions and the page events are the host's own, so a page calls
an isolated plugin's routes exactly as an in-process one's, over every transport, with the same
checks before the call leaves the host.

What crosses, and what cannot (a plugin implementing such a hook is refused when it loads,
naming the hook): see :data:`REFUSED_HOOKS`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Final, final

import anyio
import anyio.abc

from oro_framework.hookspecs import PLUGIN_API_VERSION, hookimpl
from oro_framework.host.envelope import ByteStream, EventStream
from oro_framework.host.errors import PluginLoadError
from oro_framework.host.isolation import codec
from oro_framework.host.isolation.channel import ChannelClosed, Inbox
from oro_framework.host.isolation.process import child_environment
from oro_framework.host.isolation.supervisor import IsolationLimits, Supervisor
from oro_framework.host.isolation.wire import Message
from oro_framework.host.lifecycle import LifecycleEvent

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.config.keys import ConfigRegistry
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.request import Request
    from oro_framework.host.router import RouteTable
    from oro_framework.host.services import ServiceRegistry

__all__ = ["REFUSED_HOOKS", "IsolatedPlugin"]

logger = logging.getLogger("oro.plugins")

REFUSED_HOOKS: Final[Mapping[str, str]] = {
    "oro_route_call": "it wraps the calls of routes, which run in the host",
    "oro_permission_check": "it decides the host's permission checks",
    "oro_permission_request": "it answers the host's permission prompts",
    "oro_register_mounts": "a mounted ASGI app runs in the host's server",
    "oro_register_schemes": "a URL scheme is served by the host's engines",
    "oro_resolve_secret": "it would see the host's secret references",
    "oro_window_created": "a window object lives in the host",
    "oro_page_args": "it is answered while a page loads, on the host's loop",
    "oro_service_worker_modules": "it is answered while a worker's script loads",
    "oro_register_commands": "commands run in the oro command's own process",
    "oro_doctor_checks": "doctor checks run in the oro command's own process",
}
"""The hooks an isolated plugin may not implement, and why: each hands the plugin an object
of the host's or runs in the host's process. Every other hook crosses: its registrations are
made in the plugin's process and sent over, and its notifications (a page closed, the app
paused or resumed) are sent to it."""

DROPPED_HEADERS: Final = frozenset(
    {"cookie", "authorization", "proxy-authorization", "x-oro-auth", "x-oro-window"}
)
"""Request headers that prove who the caller is to the host: never sent to the plugin, which
gets the window the host proved (``request.window``) instead."""

_CONFIG_TYPES: Final = (str, int, float, bool, list, type(None))

_HOST_ONLY_SECTIONS: Final = ("plugins.", "extensions.", "http.ipc.")
"""What decides which plugins load and how: the host's alone (the process runs its plugin
only, never isolating it again); and the HTTP IPC bridge, which the host alone serves (its key
is private, and the process's host refuses the bridge on without it)."""


def refused_hooks(hooks: list[str]) -> str | None:
    """Why a plugin implementing ``hooks`` cannot run isolated, or ``None``."""
    refused = [hook for hook in hooks if hook in REFUSED_HOOKS]
    if not refused:
        return None
    reasons = "; ".join(f"{hook}: {REFUSED_HOOKS[hook]}" for hook in refused)
    return (
        f"it cannot run in a process of its own, as it implements {reasons}. Run it in the "
        "host's process: take it out of [plugins] isolate"
    )


@final
class IsolatedPlugin:
    """The hooks of isolated plugin ``supervisor.name``, registered in its place."""

    ORO_PLUGIN_API: Final = PLUGIN_API_VERSION
    """Its process checked the plugin's own API version."""

    def __init__(self, supervisor: Supervisor, declared: Message) -> None:
        self.supervisor = supervisor
        self.name = supervisor.name
        self.declared = declared
        self.registered: Message = {}
        self.own_hooks = tuple(sorted(declared.get("hooks", ())))
        """The plugin's own hooks, which its process runs (``oro plugins list`` shows them)."""
        self.host: Host | None = None
        send, receive = anyio.create_memory_object_stream[Message](1024)
        self._notices = send
        supervisor.notices = receive

    @classmethod
    def start(
        cls, name: str, module: str, *, environ: Mapping[str, str], limits: IsolationLimits
    ) -> IsolatedPlugin:
        """Start the process of plugin ``name`` (entry module ``module``) and take what it
        declares.

        :raises PluginLoadError: it could not start or import, did not declare in time, or
            implements a hook that cannot cross (:data:`REFUSED_HOOKS`).
        """
        plugin: IsolatedPlugin | None = None

        def deliver(message: Message, body: bytes) -> None:
            if plugin is not None:
                plugin.deliver(message)

        supervisor = Supervisor(
            name, module, environ=child_environment(environ), limits=limits, on_message=deliver
        )
        declared = supervisor.start()
        refusal = refused_hooks(list(declared.get("hooks", ())))
        if refusal is not None:
            supervisor.close()
            raise PluginLoadError(refusal, entry_point=name, distribution=None)
        plugin = cls(supervisor, declared)
        return plugin

    # -- what the process declared and registered ----------------------------------------

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
        codec.permissions_in(permissions, self.declared["permissions"])

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        codec.config_keys_in(config, self.declared["config"])

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self.host = host
        state = host.paths.state / "plugins" / self.name
        message: Message = {
            "t": "configure",
            "app_dir": str(host.app_dir),
            "config": self._config_values(host),
            "paths": {
                "data": str(host.paths.data),
                "cache": str(host.paths.cache / "plugins" / self.name),
                "temp": str(host.paths.temp / "plugins" / self.name),
                "state": str(state),
            },
            "hidden": [str(host.paths.state)],
        }
        self.registered = self.supervisor.configure(message)

    def _config_values(self, host: Host) -> dict[str, Any]:
        """The plugin's own config values, and the host's that pages may see too (``meta``,
        ``ipc``...): never a secret or private value of the host or another plugin."""
        values: dict[str, Any] = {}
        for name, value in host.config.items():
            key = host.config_keys.find(name)
            if key is None or not isinstance(value, _CONFIG_TYPES):
                continue
            if name.startswith(_HOST_ONLY_SECTIONS):
                continue
            if key.plugin == self.name or (key.plugin == "oro" and not key.is_private):
                values[name] = value
        return values

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        for route in self.registered.get("routes", ()):
            routes.add(
                route["name"],
                self._forwarder(route["name"]),
                permission=route["permission"],
                doc=route["doc"],
                timeout=route["timeout"],
                per_window=route["per_window"],
            )

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        codec.js_modules_in(modules, self.registered.get("js_modules", ()))

    @hookimpl
    def oro_register_page_events(self, events: PageEventTable) -> None:
        declared = self.registered.get("events", {})
        events.add(*declared.get("names", ()))
        for prefix in declared.get("prefixes", ()):
            events.add_prefix(prefix)

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        services.add(
            f"isolated.{self.name}",
            self.supervisor.run,
            doc=f"Runs plugin '{self.name}' in a process of its own and starts it again when "
            "it crashes",
            startup_timeout=2 * self.supervisor.limits.handshake + 5,
        )

    # -- notifications ----------------------------------------------------------------------

    @hookimpl
    def oro_page_closed(self, window: int) -> None:
        self._notify({"t": "notify", "hook": "oro_page_closed", "window": window})

    @hookimpl
    def oro_lifecycle_event(self, event: LifecycleEvent) -> None:
        if event in (LifecycleEvent.PAUSED, LifecycleEvent.RESUMED):
            self._notify({"t": "notify", "hook": "oro_lifecycle_event", "event": event.value})

    def _notify(self, message: Message) -> None:
        try:
            self._notices.send_nowait(message)
        except anyio.WouldBlock:
            logger.warning("isolated plugin '%s' is behind: a notification was dropped", self.name)

    @hookimpl
    def oro_diagnostics(self) -> dict[str, Any]:
        return self.supervisor.diagnostics()

    @hookimpl
    def oro_unconfigure(self) -> None:
        self.supervisor.close()

    # -- what the process sends to pages ----------------------------------------------------

    def deliver(self, message: Message) -> None:
        """An ``emit`` or ``forget`` of the process, for the host's pages: only the page events
        the plugin declared (a host event such as a deep link is no isolated plugin's)."""
        host = self.host
        if host is None:
            return
        if message["t"] == "forget":
            host.events.forget(int(message["window"]))
            return
        name = message.get("name")
        declaration = host.events.declared.reserving(name) if isinstance(name, str) else None
        if not isinstance(name, str) or declaration is None or declaration.plugin != self.name:
            logger.warning(
                "isolated plugin '%s' emitted %r, a page event it did not declare: dropped",
                self.name,
                name,
            )
            return
        window = message.get("window")
        if message.get("held") and isinstance(window, int):
            host.events.emit_when_subscribed(name, message.get("data"), window=window)
        else:
            host.events.emit(name, message.get("data"), window=window)

    # -- calls ------------------------------------------------------------------------------

    def _forwarder(self, route: str) -> Any:
        async def forward(request: Request) -> Any:
            return await self.call(route, request)

        forward.__name__ = forward.__qualname__ = route.replace(".", "_")
        return forward

    async def call(self, route: str, request: Request) -> Any:
        """Send ``request`` to the process and give its answer as the handler's result."""
        supervisor = self.supervisor
        channel = supervisor.channel or await supervisor.ready_channel()
        call_id = supervisor.next_id()
        # Its reply, then a stream's items: the process has credit for 16 (CREDIT) at a time.
        inbox = supervisor.calls[call_id] = Inbox(64)
        message: Message = {
            "t": "call",
            "id": call_id,
            "route": route,
            "params": dict(request.params),
            "headers": {
                name: value
                for name, value in request.headers.items()
                if name not in DROPPED_HEADERS
            },
            "window": request.window,
            "transport": request.transport,
            "rid": request.id,
            "bridge": request.by_bridge_key,
            # What the user picked for the calling page (a file dialog, a drop): the plugin
            # opens those files as it would in process, and no other window's.
            "grants": [
                [grant.path, grant.is_directory, grant.is_writable]
                for grant in request.host.file_grants.of(request.window)
            ]
            if request.window is not None
            else [],
        }
        streaming = False
        try:
            await channel.send(message, request.body)
            reply, body = await inbox.receive()
            kind = reply.get("kind")
            if kind not in ("events", "chunks"):
                supervisor.calls.pop(call_id, None)  # answered: nothing to cancel there
            if kind == "error":
                raise codec.error_in(reply)
            if kind == "bytes":
                return body
            if kind == "events":
                streaming = True
                return EventStream(self._items(call_id, inbox, events=True))
            if kind == "chunks":
                streaming = True
                chunks = self._items(call_id, inbox, events=False)
                return ByteStream(chunks, reply.get("media_type", ""), reply.get("length"))
            return reply.get("data")
        except (anyio.EndOfStream, ChannelClosed):
            raise supervisor.crashed_error() from None
        finally:
            if not streaming:
                await self._done(call_id)

    async def _done(self, call_id: int) -> None:
        """Forget call ``call_id``; tell the process to stop it, unless it ended there."""
        ended = self.supervisor.calls.pop(call_id, None) is None
        channel = self.supervisor.channel
        if not ended and channel is not None:
            with anyio.CancelScope(shield=True), contextlib.suppress(ChannelClosed):
                await channel.send({"t": "cancel", "id": call_id})

    async def _items(
        self,
        call_id: int,
        inbox: Inbox,
        *,
        events: bool,
    ) -> AsyncIterator[Any]:
        """The stream's items as the process sends them, granting it credit as they are
        taken; an error it ends with is raised here, as the handler's own would be."""
        taken = 0
        try:
            while True:
                try:
                    message, body = await inbox.receive()
                except anyio.EndOfStream:
                    raise self.supervisor.crashed_error() from None
                if message["t"] == "end":
                    self.supervisor.calls.pop(call_id, None)
                    if "error" in message:
                        raise codec.error_in(message["error"])
                    return
                yield codec.event_in(message) if events else body
                taken += 1
                channel = self.supervisor.channel
                if taken % 8 == 0 and channel is not None:
                    await channel.send({"t": "more", "id": call_id, "n": 8})
        finally:
            await self._done(call_id)
