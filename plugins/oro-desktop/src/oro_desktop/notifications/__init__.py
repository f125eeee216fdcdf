"""oro-desktop: notifications, and the page events :mod:`.part` sends (declared from here by
the plugin's ``oro_register_page_events``, which must not import the D-Bus client)."""

from __future__ import annotations

from typing import Final

__all__ = ["CLOSE_EVENT", "EVENTS", "PRESENTED_EVENT", "RESPONSE_EVENT"]

PRESENTED_EVENT: Final = "notificationpresented"
RESPONSE_EVENT: Final = "notificationresponse"
CLOSE_EVENT: Final = "notificationclose"
EVENTS: Final = (PRESENTED_EVENT, RESPONSE_EVENT, CLOSE_EVENT)
