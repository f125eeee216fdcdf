"""The :class:`Bridge`: admission of every request, then the first path family that claims it
(:data:`PATH_FAMILIES`)."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeAlias, final

from oro_framework.host.app import Host
from oro_framework.host.bridge_settings import WebviewCorsSettings
from oro_framework.host.builtin import JS_API_DIRECTORIES
from oro_framework.host.builtin_settings import (
    HttpIpcSettings,
    IpcSettings,
    MetaSettings,
    WebviewSettings,
)
from oro_framework.host.config import get_document_value, read_document
from oro_framework.host.config.files import CONFIG_FILE_NAMES
from oro_framework.host.config.loading import SECRETS_FILE_ENV, SECRETS_FILE_KEY
from oro_framework.host.errors import ConfigError
from oro_framework.host.exchange import (
    IPC_PREFIX,
    MODULE_PREFIX,
    last_value,
    parse_query,
    reserved_prefix,
)
from oro_framework.host.protocols import PROTOCOL_PREFIX
from oro_framework.host.schemes import SCHEME_PREFIX
from oro_framework.web import worker_shell
from oro_framework.web.asgi import HeaderList, Receive, Scope, Send, read_headers
from oro_framework.web.bridge import events, ipc, modules, mounts, pages, protocol, schemes
from oro_framework.web.bridge.answers import launch, preflight, refuse, refuse_page
from oro_framework.web.bridge.call import Call
from oro_framework.web.bridge.flow import StreamCredits
from oro_framework.web.bridge.held import HeldConnections
from oro_framework.web.bridge.missing_modules import MissingModules
from oro_framework.web.csp import adapt_policy
from oro_framework.web.import_maps import AppImportMap, import_map_candidates
from oro_framework.web.navigator_mounts import NavigatorMounts
from oro_framework.web.preload import build_import_map
from oro_framework.web.resources import Resources
from oro_framework.web.security import (
    LAUNCH_PARAMETER,
    ORO_CORS_HEADERS,
    Access,
    Admitted,
    CorsAnswers,
    CorsPreflight,
    Gatekeeper,
    LaunchRedirect,
    RefusalReason,
    session_cookie_name,
)
from oro_framework.web.specifiers import (
    NAMESPACE_EXPORTS_PATH,
    NODE_ELSEWHERE_PATH,
    NPM_PREFIX,
    ModuleRewriter,
    namespace_exports,
    node_elsewhere_exports,
    socket_aliases,
)

__all__ = ["PATH_FAMILIES", "Bridge", "PathFamily", "PreloadArgs"]

PreloadArgs: TypeAlias = Callable[[int], Mapping[str, Any]]
"""Given a window index, extra ``__args`` entries for pages of that window (``windowCount``,
Conduit details...)."""

EVENTS_PATH: Final = MODULE_PREFIX + "/events"
logger = logging.getLogger("oro_framework.bridge")


@final
class PathFamily(NamedTuple):
    """Requests the bridge answers the same way: those :attr:`claims` takes go to :attr:`serve`."""

    name: str
    claims: Callable[[Call], bool]
    serve: Callable[[Call], Awaitable[None]]


async def _serve_npm(call: Call) -> None:
    # The package resolver and its CommonJS reader: only an app whose pages import npm:
    # packages needs them, not every launch.
    from oro_framework.web import npm

    await npm.serve(call)


PATH_FAMILIES: Final[tuple[PathFamily, ...]] = (
    PathFamily("ipc", lambda call: call.reserved == IPC_PREFIX, ipc.serve),
    PathFamily("events", lambda call: call.path == EVENTS_PATH, events.serve),
    PathFamily("protocol", lambda call: call.path.startswith(PROTOCOL_PREFIX), protocol.serve),
    PathFamily("npm", lambda call: call.path.startswith(NPM_PREFIX), _serve_npm),
    PathFamily("schemes", lambda call: call.path.startswith(SCHEME_PREFIX), schemes.serve),
    PathFamily(
        "worker-shell", lambda call: call.path == worker_shell.SHELL_PATH, worker_shell.serve
    ),
    PathFamily("modules", lambda call: call.reserved is not None, modules.serve),
    PathFamily("mounts", lambda call: call.mount is not None, mounts.serve),
    PathFamily("pages", lambda call: True, pages.serve),
)
"""Every admitted HTTP request goes to the first family that claims it, in this order."""


def _secret_files(host: Host) -> list[Path]:
    """Files the bridge never serves, under any name (compared by device and inode): the app's
    config files, the one read and those it shadows (they may hold keys, and always describe
    the app's defences), any file a secret key's value names (``tls.private_key =
    "certs/server.key"``), relative to the app directory as ``webview.root`` is."""
    files = [host.app_dir / name for name in CONFIG_FILE_NAMES]
    if host.config_file is not None:
        files.append(host.config_file)
    files += _secrets_file(host)
    for name in host.config:
        key = host.config_keys.find(name)
        value = host.config[name]
        if key is not None and key.is_secret and isinstance(value, str) and value.strip():
            # A secret that is no path (an inline key) names no file inside the root: harmless.
            with contextlib.suppress(RuntimeError):
                files.append(host.app_dir / Path(value).expanduser())
    return files


def _secrets_file(host: Host) -> list[Path]:
    """The secrets file (``ORO_SECRETS_FILE``, else ``[oro] secrets_file``): the config refuses
    one inside the resources by its real path, which a hard link there would not have."""
    named: object = host.environ.get(SECRETS_FILE_ENV)
    if named is None and host.config_file is not None:
        with contextlib.suppress(ConfigError, KeyError, OSError):
            named = get_document_value(read_document(host.config_file), SECRETS_FILE_KEY)
    if not isinstance(named, str) or not named.strip():
        return []
    with contextlib.suppress(RuntimeError):
        return [host.app_dir / Path(named).expanduser()]
    return []


def _app_module_files(app_dir: Path) -> list[Path]:
    """The files of the modules imported so far from ``app_dir``: the backend, the modules and
    packages it imports from there, compiled extension modules included. (A module imported
    later is a ``.py`` file, which no rule serves anyway.)"""
    folder = app_dir.resolve()
    # Only a module found through the app's folder can lie in it: a cheap test of every
    # module's name first, the real path of the few that pass.
    prefixes = (str(app_dir), str(folder))
    files: list[Path] = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str) and name.startswith(prefixes):
            with contextlib.suppress(OSError, RuntimeError):
                if Path(name).resolve().is_relative_to(folder):
                    files.append(Path(name))
    return files


@final
class Bridge:
    """The ASGI 3 application of one app.

    :param host: the app's host; it must be running for its services to be reachable.
    :param launch_token: this run's launch token
        (see :class:`~oro_framework.web.server.ServerInfo`).
    :param preload_args: extra ``__args`` entries per window index.
    :param session_key: signs session ids so that they outlive this bridge (``oro dev``; see
        :class:`~oro_framework.web.security.Gatekeeper`).
    """

    def __init__(
        self,
        host: Host,
        *,
        launch_token: str,
        preload_args: PreloadArgs | None = None,
        session_key: str | None = None,
    ) -> None:
        webview = host.settings(WebviewSettings)
        http_ipc = host.settings(HttpIpcSettings)
        cors = host.settings(WebviewCorsSettings)
        self.host = host
        self.gatekeeper = Gatekeeper(
            launch_token=launch_token,
            bridge_key=http_ipc.shared_key if http_ipc.enable else None,
            cors_origins=webview.cors_allowed_origins,
            cors_allow_all=cors.cors_allow_all,
            cookie_name=session_cookie_name(host.settings(MetaSettings).bundle_identifier),
            session_key=session_key,
            window_credentials=host.windows.credentials,
        )
        if session_key is not None:
            host.windows.credentials.use_key(session_key)
        extra_headers = cors.cors_allow_headers.strip()
        self.cors = CorsAnswers(
            self.gatekeeper.cors_origins,
            allow_credentials=cors.cors_allow_credentials,
            allow_methods=cors.cors_allow_methods,
            allow_headers=ORO_CORS_HEADERS + (f", {extra_headers}" if extra_headers else ""),
        )
        """The CORS headers of answers to other origins (``webview.cors_*``)."""
        self.resources = Resources(
            host.paths.resources,
            default_index=webview.default_index,
            allow_any_route=webview.allow_any_route,
            cache_control=webview.cache_control,
            hidden=_secret_files(host),
            hidden_at_start=_app_module_files(host.app_dir),
        )
        self.navigator_mounts = NavigatorMounts(
            webview.navigator_mounts,
            app_dir=host.app_dir,
            home=Path.home(),
            cache_control=webview.cache_control,
        )
        """Host folders the pages read at paths of their own (``webview.navigator_mounts``)."""
        ipc = host.settings(IpcSettings)
        self.max_body_bytes = ipc.max_body_bytes
        self.held = HeldConnections(
            ipc.max_held_connections_per_page,
            session_limit=ipc.max_held_connections_without_window,
            grace=ipc.held_connection_grace_ms / 1000,
        )
        """The connections each page holds open (event streams, streams, pending calls)."""
        self.credits = StreamCredits(ipc.stream_window_bytes)
        """The streamed replies paced by their page's acknowledgements (``bridge/flow.py``)."""
        self.csp = webview.csp
        probe = adapt_policy(self.csp, connect=["http://127.0.0.1"]) if self.csp else None
        self.csp_names_oro = probe is not None and probe.policy != self.csp
        """``webview.csp`` allows Oro's schemes: each page gets it adapted to its transports."""
        self.csp_blocks_oro: list[str] = probe.blocking if probe is not None else []
        self.referrer_policy = webview.referrer_policy
        served = host.js_modules.specifiers()
        self.missing_modules = MissingModules(served, host.paths.resources)
        """Known modules whose plugin this host lacks: their import answers which to install."""
        self.imports = {
            **socket_aliases(self.missing_modules.imports),
            **build_import_map(host.js_modules),
        }
        self.rewriter = ModuleRewriter(
            self.imports,
            as_is=JS_API_DIRECTORIES,
            schemes=[scheme.name for scheme in host.schemes],
        )
        """Rewrites oro:/socket:/node:/npm: specifiers in the JavaScript modules served, for
        workers, which get no import map, and those of plugins' schemes (clip:), which no
        import map can map; the core modules import by relative paths."""
        self.generated_modules: dict[str, bytes] = {
            NODE_ELSEWHERE_PATH: node_elsewhere_exports(served)
        }
        """The modules generated from what this host serves, by URL path: what ``oro:index``
        re-exports (when it is served) and the ``node:`` modules the CommonJS builtins import."""
        if "oro:index" in served:
            self.generated_modules[NAMESPACE_EXPORTS_PATH] = namespace_exports(served)
        roots = list(dict.fromkeys((host.paths.resources, host.app_dir)))
        candidates, refused = import_map_candidates(webview.importmap, roots)
        if refused is not None:
            logger.warning(refused)
        self.app_import_map = AppImportMap(candidates, warn=logger.warning, roots=roots)
        self.csp_reported: set[str] = set()
        """Pages whose CSP keeps Oro out, each logged once."""
        self.preload_modules = list(
            dict.fromkeys(module.url_path for module in host.js_modules if module.preload)
        )
        self.module_files = modules.ModuleFiles(
            {module.url_path: module.path for module in host.js_modules}
        )
        self.preload_args = preload_args
        self.channels: dict[int, int] = {}
        """Open event channels per window; ``oro_page_closed`` when one drops to zero."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            if scope["path"] == EVENTS_PATH:
                await events.serve_socket(self, scope, receive, send)
            else:
                await mounts.serve_websocket(self, scope, receive, send)

    def _base_headers(self, request_headers: Mapping[str, str]) -> HeaderList:
        headers: HeaderList = [(b"x-content-type-options", b"nosniff")]
        if request_headers.get("service-worker") == "script":
            # A worker script anywhere in the app may take any scope of it (a protocol handler's
            # worker takes /oro/protocol/<scheme>/), as in Oro: the origin is the app's alone.
            headers.append((b"service-worker-allowed", b"/"))
        if self.referrer_policy:
            headers.append((b"referrer-policy", self.referrer_policy.encode()))
        origin = request_headers.get("origin")
        if origin is not None and self.gatekeeper.is_cors_origin(origin):
            headers += self.cors.grant(origin)
        return headers

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = read_headers(scope)
        path: str = scope["path"]
        # Parsed once: admission (the launch token), IPC, events and the preload all read it.
        query = parse_query(scope.get("query_string", b""))
        reserved = reserved_prefix(path)
        is_ipc = reserved == IPC_PREFIX
        mount = self.host.mounts.resolve(path) if reserved is None else None
        base = self._base_headers(headers)
        admission = self.gatekeeper.admit(
            headers,
            port=mounts.server_port(scope),
            method=scope["method"],
            is_ipc=is_ipc,
            launch_token=last_value(query, LAUNCH_PARAMETER),
            authenticate=mount.authenticate if mount is not None else None,
            is_resource=mount is None and not is_ipc and path != EVENTS_PATH,
        )
        if isinstance(admission, Admitted):
            worker_script = admission.access is Access.WORKER_SCRIPT
            call = Call(
                self,
                scope,
                receive,
                send,
                headers,
                query,
                base,
                reserved,
                mount,
                worker_script=worker_script,
            )
            family = next(family for family in PATH_FAMILIES if family.claims(call))
            await family.serve(call)
        elif isinstance(admission, CorsPreflight):
            await preflight(send, base, self.cors)
        elif isinstance(admission, LaunchRedirect):
            await launch(self.gatekeeper, scope, send, query, base, admission)
        elif admission.reason is RefusalReason.LAUNCH_TOKEN:
            await refuse_page(send, admission.error, base)
        else:
            # A foreign caller gets none of the app's headers (no CORS grant).
            answer_base = [] if admission.reason is RefusalReason.FOREIGN else base
            await refuse(scope, send, headers, query, admission, answer_base, is_ipc)
