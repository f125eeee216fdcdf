"""No page in a Qt window gets a permission QtWebEngine asks the app about: camera, microphone,
both, the screen, location, notifications, clipboard, pointer lock, local fonts... are denied
until oro has a prompt of its own to ask the user with.

pywebview's Qt backend grants them in two ways, both undone here:

- It adds Chromium's ``--use-fake-ui-for-media-stream`` to ``QTWEBENGINE_CHROMIUM_FLAGS`` as it
  makes each window: Chromium then answers every camera and microphone request with "yes"
  itself, and Qt never hears of it. :func:`drop_auto_grant_flags` takes that switch (and
  Chromium's other auto-accepting ones) out of the environment again before the windows' profile
  is created, which is when QtWebEngine reads its flags.
- Its page connects ``featurePermissionRequested`` to a slot granting media and denying the rest
  with plain integers, which PyQt6 refuses: the slot raises, and PyQt aborts the app on an
  exception in a slot, so a page asking for its location ended the app.
  :func:`deny_every_permission` makes every page pywebview creates from then on disconnect that
  slot and deny instead, through ``permissionRequested`` (``QWebEnginePermission``, Qt 6.8 and
  later: every permission type) or ``featurePermissionRequested`` before it.

A request is denied at once, never left waiting: a page that asks gets the engine's refusal
(``NotAllowedError``/``AbortError``, ``PERMISSION_DENIED``, ``"denied"``). Decisions are not
kept (``AskEveryTime``, :func:`ask_every_time`): a grant some earlier version stored in the
profile is not reused, and a denial now does not outlive the run.

Qt is imported only inside these functions: a host without a window never loads it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, MutableMapping
from typing import Any, Final

__all__ = [
    "AUTO_GRANT_SWITCHES",
    "CHROMIUM_FLAGS",
    "ask_every_time",
    "deny_every_permission",
    "deny_on_page",
    "drop_auto_grant_flags",
]

logger = logging.getLogger("oro_framework.windows")

CHROMIUM_FLAGS: Final = "QTWEBENGINE_CHROMIUM_FLAGS"
"""The environment variable QtWebEngine reads Chromium's switches from."""

AUTO_GRANT_SWITCHES: Final = frozenset(
    {
        "--use-fake-ui-for-media-stream",
        "--auto-accept-camera-and-microphone-capture",
        "--auto-accept-this-tab-capture",
        "--auto-select-desktop-capture-source",
        "--auto-select-tab-capture-source-by-title",
        "--auto-select-window-capture-source-by-title",
    }
)
"""Chromium's switches that answer a page's capture requests themselves, without the app."""

_PATCHED: Final = "_oro_denies_permissions"
"""Marks pywebview's page ``__init__`` once it is wrapped, so that it is wrapped once."""


def drop_auto_grant_flags(environ: MutableMapping[str, str]) -> list[str]:
    """Take :data:`AUTO_GRANT_SWITCHES` out of ``environ``'s Chromium flags; the ones taken."""
    flags = environ.get(CHROMIUM_FLAGS, "")
    kept: list[str] = []
    dropped: list[str] = []
    for flag in flags.split():
        (dropped if flag.split("=", 1)[0] in AUTO_GRANT_SWITCHES else kept).append(flag)
    if dropped:
        environ[CHROMIUM_FLAGS] = " ".join(kept)
    return dropped


def ask_every_time(profile: Any) -> None:
    """Keep no permission decision in ``profile`` (Qt 6.8 and later keep them, on disk for a
    persistent profile): nothing granted before is granted again without asking."""
    policies = getattr(type(profile), "PersistentPermissionsPolicy", None)
    if policies is not None:
        profile.setPersistentPermissionsPolicy(policies.AskEveryTime)


def deny_on_page(page: Any) -> None:
    """Make ``page`` deny every permission request, and drop whatever else answered them."""
    if hasattr(page, "permissionRequested"):
        # Qt 6.8 and later emit both signals for each request: the new one carries every
        # permission type and is the one answered; the old one's slots (pywebview's) go.
        _disconnect_all(page.featurePermissionRequested)
        page.permissionRequested.connect(_deny_permission)
        return
    _disconnect_all(page.featurePermissionRequested)
    page_class: Any = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
    denied = page_class.PermissionPolicy.PermissionDeniedByUser
    page.featurePermissionRequested.connect(_feature_denier(page, denied))


def deny_every_permission() -> None:
    """Make every page pywebview's Qt backend creates from now on deny what it is asked (call
    before ``webview.start``). pywebview offers no setting or hook for it: its page class's
    ``__init__`` is wrapped, which is where it connects its own answer."""
    browser_view: Any = importlib.import_module("webview.platforms.qt").BrowserView
    page_class: Any = browser_view.WebPage
    made: Callable[..., None] = page_class.__init__
    if getattr(made, _PATCHED, False):
        return

    def __init__(page: Any, *args: Any, **kwargs: Any) -> None:
        made(page, *args, **kwargs)
        deny_on_page(page)
        handler = getattr(page, "nav_handler", None)
        if handler is not None:
            # The page pywebview hands Chromium for a new window: it loads nothing itself, but
            # no page of the app answers a permission another way.
            deny_on_page(handler)

    setattr(__init__, _PATCHED, True)
    page_class.__init__ = __init__


def _disconnect_all(signal: Any) -> None:
    with contextlib.suppress(TypeError):  # nothing was connected
        signal.disconnect()


def _deny_permission(permission: Any) -> None:
    logger.info(
        "denied %s to %s",
        _name(permission.permissionType()),
        permission.origin().toString(),
    )
    permission.deny()


def _feature_denier(page: Any, denied: Any) -> Callable[[Any, Any], None]:
    def deny(origin: Any, feature: Any) -> None:
        logger.info("denied %s to %s", _name(feature), origin.toString())
        page.setFeaturePermission(origin, feature, denied)

    return deny


def _name(value: Any) -> str:
    return str(getattr(value, "name", value))
