"""The ``notification.*`` routes (Oro's names): show, close and list desktop notifications.

``notification.show`` takes its fields from the query or, as ``oro:notification`` sends them,
from a JSON object in the request body: a query value is JSON-decoded by the transport, so a
title such as ``true`` or ``1.50`` would not arrive as the text the page wrote.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, Final

from oro_desktop.permissions import NOTIFICATIONS
from oro_desktop.state import STATE
from oro_framework import InvalidArgumentError, OutOfRangeError, Params, Request, RouteGroup

__all__ = ["ROUTES"]

MAX_TITLE: Final = 1024
MAX_BODY: Final = 64 * 1024
"""Characters of a body; daemons show a few lines, and D-Bus messages have a size limit."""
MAX_ID: Final = 256
MAX_ACTIONS: Final = 8
MAX_TIMEOUT_MS: Final = 24 * 3600 * 1000
TOO_LARGE: Final = "ERR_NOTIFICATION_TOO_LARGE"
_ICON_NAME_CHARACTERS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
)


async def show(request: Request) -> dict[str, str]:
    """Show a desktop notification {id?, title, body, icon?, tag?, silent?, actions?,
    requireInteraction?, timeout?}; answers {id} once the daemon accepted it."""
    # The part's module (with its D-Bus client) imports with the first notification.
    from oro_desktop.notifications.part import NotificationSpec

    params = request.fields()
    icon = _text(params, "icon", MAX_ID * 16)
    spec = NotificationSpec(
        title=_text(params, "title", MAX_TITLE, required=True),
        body=_text(params, "body", MAX_BODY),
        id=_text(params, "id", MAX_ID) or None,
        tag=_text(params, "tag", MAX_ID),
        icon=icon,
        icon_uri=_icon_uri(request, icon),
        silent=params.get_bool("silent", False),
        require_interaction=params.get_bool("requireInteraction", False),
        timeout_ms=(
            params.get_int("timeout", 0, minimum=0, maximum=MAX_TIMEOUT_MS)
            if params.get("timeout") is not None
            else None
        ),
        actions=_actions(params),
    )
    state = request.host.stash[STATE]
    return {"id": await state.notifications.show(spec, window=request.window)}


async def close(request: Request) -> dict[str, Any]:
    """Close the notification {id}; NotFoundError when it is no longer shown."""
    notification_id = _text(request.fields(), "id", MAX_ID, required=True)
    await request.host.stash[STATE].notifications.close(notification_id)
    return {"id": notification_id, "closed": True}


async def list_(request: Request) -> list[dict[str, Any]]:
    """The notifications still shown: [{id, title, body, tag, icon, silent,
    requireInteraction, actions}]."""
    return request.host.stash[STATE].notifications.list()


def _text(params: Params, name: str, limit: int, *, required: bool = False) -> str:
    value = params.require_str(name) if required else params.get_str(name, "")
    if len(value) > limit:
        raise OutOfRangeError(
            f"'{name}' holds {len(value)} characters; a notification allows {limit}",
            code=TOO_LARGE,
            parameter=name,
            limit=limit,
        )
    # D-Bus strings are UTF-8 without NUL: anything else would get the connection dropped.
    if "\0" in value:
        raise InvalidArgumentError.invalid(name, "a string without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError.invalid(name, "a string of Unicode text") from None
    return value


def _actions(params: Params) -> tuple[tuple[str, str], ...]:
    raw = params.get("actions")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidArgumentError.invalid("actions", "a list of {action, title}")
    if len(raw) > MAX_ACTIONS:
        raise OutOfRangeError(
            f"'actions' holds {len(raw)} actions; a notification allows {MAX_ACTIONS}",
            code=TOO_LARGE,
            parameter="actions",
            limit=MAX_ACTIONS,
        )
    actions: list[tuple[str, str]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InvalidArgumentError.invalid(f"actions[{index}]", "an object {action, title}")
        entry = Params(item)
        key = _text(entry, "action", MAX_ID, required=True)
        title = _text(entry, "title", MAX_ID, required=True)
        if not key or key == "default" or key in (known for known, _ in actions):
            raise InvalidArgumentError(
                f"actions[{index}].action must be a unique non-empty id other than 'default' "
                "(the click on the notification itself)",
                code="ERR_INVALID_ARG_VALUE",
                parameter="actions",
            )
        actions.append((key, title))
    return tuple(actions)


def _icon_uri(request: Request, icon: str) -> str:
    """What the daemon gets for ``icon``: a file of the app's resources (a path as the page's
    URL names it, ``/images/a.png``) as a ``file://`` URI, or an icon-theme name
    (``dialog-information``) as is."""
    if not icon:
        return ""
    if set(icon) <= _ICON_NAME_CHARACTERS:
        return icon
    if ":" in icon.split("/")[0]:
        raise InvalidArgumentError(
            f"icon {icon!r} is a URL the notification daemon cannot load: name a file of the "
            "app (a path of the page's own origin, '/icons/a.png') or an icon-theme name",
            code="ERR_INVALID_ARG_VALUE",
            parameter="icon",
        )
    resources = request.host.paths.resources.resolve()
    relative = PurePosixPath(icon.lstrip("/"))
    path = Path(resources, *relative.parts).resolve()
    if not path.is_relative_to(resources) or not path.is_file():
        raise InvalidArgumentError(
            f"icon {icon!r} is no file of the app's resources",
            code="ERR_INVALID_ARG_VALUE",
            parameter="icon",
        )
    return path.as_uri()


ROUTES: Final = RouteGroup.guarded(
    NOTIFICATIONS,
    handlers={
        "notification.show": show,
        "notification.close": close,
        "notification.list": list_,
    },
)
