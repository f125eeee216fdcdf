"""Protocol handlers: ``[webview.protocol-handlers]``, the app's own scheme
(``meta.application_protocol``) and the ``protocol.*`` routes.

A scheme (``web+demo``) is served by a Service Worker of the app with scope
``/oro/protocol/<scheme>/``; the page's ``oro:protocol-handlers`` registers the workers it finds
in ``__args.protocolHandlers`` and maps the scheme's URLs for ``fetch``, ``EventSource`` and
links (see :mod:`oro_framework.host.protocols` for the mapping). The routes sit behind
permission ``protocol_handlers``: Oro serves them from its Service Worker container, and a
permission of their own lets an app turn them off without turning off its own workers.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework import (
    DESKTOP_SCHEMES,
    ConfigError,
    ConfigWarning,
    InvalidArgumentError,
    IPCError,
    MetaSettings,
    Plugin,
    RouteGroup,
    check_application_scheme,
    check_scheme,
    check_script_path,
    hookimpl,
    is_ini_file,
    reserved_reason,
    setting,
)
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework import (
        Host,
        ProtocolHandlers,
        Request,
    )

__all__ = ["PERMISSION", "application_scheme_of", "schemes_from_config"]

PERMISSION: Final = "protocol_handlers"
_LIST_KEY: Final = "webview.protocol-handlers"
_APPLICATION_KEY: Final = "meta.application_protocol"
_BUNDLE_KEY: Final = "meta.bundle_identifier"


def _application_scheme(value: str) -> None:
    if value:
        try:
            check_application_scheme(value)
        except IPCError as error:
            raise ValueError(error.message) from None


@final
@record
class ProtocolHandlerSettings:
    """``[webview.protocol-handlers]``: the schemes the app's workers serve."""

    listed: str = setting(
        "",
        "Space-separated schemes with protocol handlers, as Oro's flattened "
        'webview_protocol-handlers = "web+foo"; each needs its script in '
        "webview.protocol-handlers.<scheme>.",
        name="protocol-handlers",
    )
    scripts: dict[str, str] = setting(
        {},
        "Worker script (a path inside the app) serving the scheme's URLs, one per scheme: "
        '[webview.protocol-handlers] "web+demo" = "./demo-sw.js". web+demo://host/path is served '
        "at /oro/protocol/web+demo/host/path by that worker.",
        name="protocol-handlers",
    )


@final
@record
class ApplicationProtocolSettings:
    """``[meta] application_protocol``: the app's own deep-link scheme."""

    application_protocol: str = setting(
        "",
        "The app's own URL scheme (Oro's [meta] application_protocol, 'notes'): a URL of it "
        "that opens the app (a deep link given to oro run or to a second launch, "
        "openExternal, the desktop) reaches the pages as an applicationurl event; no worker "
        "serves it (give it one in webview.protocol-handlers for that). A scheme the web also "
        "uses (filesystem) is taken with a warning, the engine keeping its in-page meaning; "
        "http, https and file, which the desktop hands to the browser or file manager, are "
        "ignored with a warning.",
        validator=_application_scheme,
    )


def application_scheme_of(host: Host) -> str | None:
    """The app's deep-link scheme (``meta.application_protocol``, checked by its validator), or
    ``None``. A scheme the web also uses (``filesystem``) is the app's for the desktop entry and
    a second launch, as Socket registers it, with one warning: the engine is never asked to
    handle it, so the page's own URLs of it keep their meaning. One the desktop hands to the
    user's browser or file manager (``https``) is ignored with a warning, for registering it
    would take every such link from them; the app still starts."""
    value = host.settings(ApplicationProtocolSettings).application_protocol or _socket_default(host)
    if not value:
        return None
    scheme = check_application_scheme(value)
    where = host.config.source(_APPLICATION_KEY)
    owner = DESKTOP_SCHEMES.get(scheme)
    if owner is not None:
        warnings.warn(
            f"{where}: [meta] application_protocol = {value!r} is ignored: as the app's deep-link "
            f"scheme it would take every {scheme}: link from {owner}; the app gets no deep links "
            "until it names a scheme of its own (notes)",
            ConfigWarning,
            stacklevel=2,
        )
        return None
    reason = reserved_reason(scheme)
    if reason is not None:
        warnings.warn(
            f"{where}: [meta] application_protocol = {value!r} is also a web scheme ({reason}): "
            f"{scheme}: links from the desktop and a second launch reach the app as "
            f"applicationurl, while a page's own {scheme}: URLs stay the engine's",
            ConfigWarning,
            stacklevel=2,
        )
    return scheme


def _config_error(error: IPCError, key: str, host: Host) -> ConfigError:
    return ConfigError(f"key '{key}': {error.message}", key=key, source=host.config.source(key))


def schemes_from_config(host: Host) -> dict[str, str]:
    """``{scheme: script app path}`` from ``[webview.protocol-handlers]`` and Oro's flattened
    ``webview_protocol-handlers = "web+foo"`` + ``webview_protocol-handlers_web+foo = "./sw.js"``.

    :raises ConfigError: a bad scheme, a script outside the app, or a listed scheme without a
        script; the message names the key.
    """
    settings = host.settings(ProtocolHandlerSettings)
    scripts: dict[str, str] = {}
    for scheme, script in settings.scripts.items():
        key = f"{_LIST_KEY}.{scheme}"
        try:
            scripts[check_scheme(scheme)] = check_script_path(script)
        except IPCError as error:
            raise _config_error(error, key, host) from None
    for scheme in settings.listed.split():
        try:
            checked = check_scheme(scheme)
        except IPCError as error:
            raise _config_error(error, _LIST_KEY, host) from None
        if checked not in scripts:
            raise ConfigError(
                f"key '{_LIST_KEY}' lists {scheme!r} but no worker script is set for it: add "
                f"'{_LIST_KEY}.{checked}' (flattened: webview_protocol-handlers_{checked})",
                key=_LIST_KEY,
                source=host.config.source(_LIST_KEY),
            )
    return scripts


def _socket_default(host: Host) -> str:
    """Socket's scheme for an app whose ``socket.ini``/``oro.ini`` names none: its bundle
    identifier with dots and underscores as dashes (``org.example.notes`` →
    ``org-example-notes``, src/cli/main.cc:2239); ``""`` for an ``oro.toml`` app, an INI
    without a bundle identifier, or one that makes no URL scheme."""
    config_file = host.config_file
    if config_file is None or not is_ini_file(config_file) or not config_file.is_file():
        return ""
    if host.config.source(_BUNDLE_KEY) == "default":
        return ""
    derived = re.sub(r"[._]", "-", host.settings(MetaSettings).bundle_identifier).lower()
    try:
        check_scheme(derived)
    except IPCError:
        return ""
    return derived


# -------------------------------------------------------------------------------------------------
# Routes
# -------------------------------------------------------------------------------------------------


def _handlers(request: Request) -> ProtocolHandlers:
    return request.host.protocol_handlers


def _script_of(request: Request, value: str) -> str:
    """An app path from a worker script URL a page gave: a path, or a URL of the page's own
    origin (anything else is another origin's script: SecurityError)."""
    host = request.headers.get("host")
    if host is not None:
        for origin in (f"http://{host}", f"https://{host}"):
            if value == origin or value.startswith(origin + "/"):
                value = value[len(origin) :] or "/"
                break
    return check_script_path(value)


async def register(request: Request) -> dict[str, Any]:
    """Serve `scheme` with the worker at `scriptURL` (default: the configured one); keep `data`."""
    params = request.params
    scheme = check_scheme(params.require_str("scheme"))
    handlers = _handlers(request)
    given = params.get_str("scriptURL")
    known = handlers.find(scheme)
    if given is not None:
        script = _script_of(request, given)
    elif known is not None:
        script = known.script
    else:
        raise InvalidArgumentError.missing("scriptURL")
    data = params.get("data", known.data if known is not None else None)
    return handlers.register(scheme, script, data).to_json()


async def unregister(request: Request) -> dict[str, Any]:
    """Stop serving `scheme`; answers what was registered. NotFoundError for an unknown scheme."""
    return _handlers(request).unregister(request.params.require_str("scheme")).to_json()


async def get_data(request: Request) -> dict[str, Any]:
    """The `data` attached to `scheme` (`null` when none). NotFoundError for an unknown scheme."""
    handler = _handlers(request).get(request.params.require_str("scheme"))
    return {"scheme": handler.scheme, "data": handler.data}


async def set_data(request: Request) -> dict[str, Any]:
    """Attach `data` (any JSON value) to `scheme`. NotFoundError for an unknown scheme."""
    handler = _handlers(request).get(request.params.require_str("scheme"))
    handler.data = request.params.get("data")
    return {"scheme": handler.scheme, "data": handler.data}


async def list_handlers(request: Request) -> dict[str, dict[str, Any]]:
    """Every registered scheme: `{scheme: {scheme, scriptURL, scope}}`."""
    return _handlers(request).to_json()


# -------------------------------------------------------------------------------------------------
# Hooks
# -------------------------------------------------------------------------------------------------


ROUTES: Final = RouteGroup(
    permission=PERMISSION,
    doc="Protocol handlers: register web+<name> schemes served by workers.",
    handlers={
        "protocol.register": register,
        "protocol.unregister": unregister,
        "protocol.getData": get_data,
        "protocol.setData": set_data,
        "protocol.list": list_handlers,
    },
)


@hookimpl
def oro_configure(host: Host) -> None:
    for scheme, script in schemes_from_config(host).items():
        host.protocol_handlers.register(scheme, script)
    host.protocol_handlers.application_scheme = application_scheme_of(host)


@hookimpl
def oro_page_args(host: Host) -> dict[str, Any]:
    return {"protocolHandlers": host.protocol_handlers.to_json()}


plugin = Plugin(
    permissions=".protocols:ROUTES",
    routes=".protocols:ROUTES",
    settings={
        "webview": ".protocols:ProtocolHandlerSettings",
        "meta": ".protocols:ApplicationProtocolSettings",
    },
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    js_modules="oro_framework.host.builtin:find_js_api",
)
