"""The tray icon as a StatusNotifierItem with a ``com.canonical.dbusmenu`` menu, served over the
session bus with jeepney on the host's loop: what KDE, GNOME (with its AppIndicator extension),
XFCE, waybar and the other panels of today show. It needs no toolkit, so it is the GTK engine's
tray (GTK 3's ``GtkStatusIcon`` is an XEmbed icon those panels no longer show).

The item owns ``org.kde.StatusNotifierItem-<pid>-<n>`` and registers with the panel's
``org.kde.StatusNotifierWatcher``; no watcher on the bus is ``ERR_NO_SYSTEM_TRAY``. A watcher
that comes back (a panel restarted) is registered with again. The icon's image is decoded with
GdkPixbuf (PNG, SVG...) in a worker thread into the ARGB pixmap the protocol carries.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from pathlib import Path
from typing import Any, Final, final

import anyio
import anyio.lowlevel
import trio
from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageType,
    message_bus,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.io.trio import open_dbus_connection  # type: ignore[import-untyped]

from oro_desktop.menus.common import Click, Select
from oro_desktop.menus.dbusmenu import MenuModel
from oro_desktop.menus.text import Menu
from oro_desktop.part import Spawn
from oro_framework import InvalidArgumentError, NotSupportedError

__all__ = ["ITEM_PATH", "MENU_PATH", "WATCHER", "StatusNotifierTray", "icon_pixmap"]

logger = logging.getLogger("oro_desktop.menus")

WATCHER: Final = "org.kde.StatusNotifierWatcher"
WATCHER_ADDRESS: Final = DBusAddress("/StatusNotifierWatcher", bus_name=WATCHER, interface=WATCHER)
ITEM_INTERFACE: Final = "org.kde.StatusNotifierItem"
MENU_INTERFACE: Final = "com.canonical.dbusmenu"
PROPERTIES: Final = "org.freedesktop.DBus.Properties"
INTROSPECTABLE: Final = "org.freedesktop.DBus.Introspectable"
PEER: Final = "org.freedesktop.DBus.Peer"
ITEM_PATH: Final = "/StatusNotifierItem"
MENU_PATH: Final = "/MenuBar"
CALL_TIMEOUT: Final = 5.0
"""Seconds to connect, to own the name and for the watcher to answer: a stale bus or a hung
panel fails the route, not the page."""
ICON_SIZE: Final = 64
PLAIN_COLOUR: Final = (0x3A, 0x6E, 0xA5)
"""The plain icon's colour (Qt's tray draws the same) when the app names no image."""
_NO_TRAY: Final = (
    "This desktop has no system tray: nothing on the session bus provides "
    f"{WATCHER} ({{why}}); run the app under a desktop or panel that shows StatusNotifierItems "
    "(KDE, GNOME with the AppIndicator extension, XFCE, waybar), or a tray host such as "
    "snixembed on bare X11"
)
_UNKNOWN_METHOD: Final = "org.freedesktop.DBus.Error.UnknownMethod"
_INVALID_ARGS: Final = "org.freedesktop.DBus.Error.InvalidArgs"
_names = itertools.count(1)

Pixmap = tuple[int, int, bytes]


def icon_pixmap(path: Path | None) -> Pixmap:
    """``(width, height, ARGB32 bytes in network order)`` of the image at ``path``, made at
    most :data:`ICON_SIZE` square; ``None``: a plain square. In a worker thread.

    :raises InvalidArgumentError: ``path`` is not an image GdkPixbuf reads (``ERR_TRAY_ICON``).
    """
    if path is None:
        red, green, blue = PLAIN_COLOUR
        return ICON_SIZE, ICON_SIZE, bytes((255, red, green, blue)) * (ICON_SIZE * ICON_SIZE)
    from oro_desktop.gtk_bindings import repository

    pixbuf_module, glib = repository("GdkPixbuf"), repository("GLib")
    try:
        pixbuf = pixbuf_module.Pixbuf.new_from_file(str(path))
    except glib.Error as error:
        raise InvalidArgumentError(
            f"The tray icon {str(path)!r} is not an image GdkPixbuf can read (PNG or SVG): "
            f"{error.message}",
            code="ERR_TRAY_ICON",
            path=str(path),
        ) from None
    largest = max(pixbuf.get_width(), pixbuf.get_height())
    if largest > ICON_SIZE:
        # The panel scales the pixmap to its own size; a big image would only weigh on the bus.
        scale = ICON_SIZE / largest
        pixbuf = pixbuf.scale_simple(
            max(1, round(pixbuf.get_width() * scale)),
            max(1, round(pixbuf.get_height() * scale)),
            pixbuf_module.InterpType.BILINEAR,
        )
    if not pixbuf.get_has_alpha():
        pixbuf = pixbuf.add_alpha(False, 0, 0, 0)
    width, height, stride = pixbuf.get_width(), pixbuf.get_height(), pixbuf.get_rowstride()
    pixels = bytes(pixbuf.get_pixels())
    argb = bytearray()
    for row in range(height):
        line = pixels[row * stride : row * stride + width * 4]
        for offset in range(0, len(line), 4):
            red, green, blue, alpha = line[offset : offset + 4]
            argb += bytes((alpha, red, green, blue))
    return width, height, bytes(argb)


@final
class StatusNotifierTray:
    """The app's tray icon on the session bus (a :class:`~oro_desktop.menus.common.Tray`);
    its connection is a task of the desktop service while the icon is shown."""

    def __init__(self, address: str, app_id: str, spawn: Spawn) -> None:
        self._address = address
        self._app_id = app_id
        self._spawn = spawn
        self._service = f"{ITEM_INTERFACE}-{os.getpid()}-{next(_names)}"
        self._router: Any = None
        self._scope: anyio.CancelScope | None = None
        self._ready: anyio.Event | None = None
        self._failure = ""
        self._model = MenuModel(())
        self._revision = 0
        self._title = ""
        self._pixmap: Pixmap | None = None
        self._select: Select | None = None
        self._click: Click | None = None

    @property
    def service(self) -> str:
        """The bus name the item owns."""
        return self._service

    async def set(
        self, icon_path: Path | None, menus: tuple[Menu, ...], select: Select, click: Click
    ) -> None:
        if not menus:
            await self.remove()
            return
        pixmap = await anyio.to_thread.run_sync(icon_pixmap, icon_path)
        self._model = MenuModel(menus)
        self._revision += 1
        self._title = menus[0].title
        self._pixmap = pixmap
        self._select, self._click = select, click
        if self._router is not None:
            for member in ("NewIcon", "NewTitle", "NewToolTip"):
                await self._signal(ITEM_PATH, ITEM_INTERFACE, member)
            await self._signal(MENU_PATH, MENU_INTERFACE, "LayoutUpdated", "ui", self._revision, 0)
            return
        await self._connect()
        try:
            await self._register()
        except BaseException:
            await self.remove()
            raise

    async def remove(self) -> None:
        """Leave the bus: the watcher sees the name go and the panel drops the icon."""
        scope, self._scope = self._scope, None
        self._router = None
        if scope is not None:
            scope.cancel()
        await anyio.lowlevel.checkpoint()

    # -- the connection ------------------------------------------------------------------------

    async def _connect(self) -> None:
        if not self._address:
            raise NotSupportedError(
                _NO_TRAY.format(why="the environment names no session bus"),
                code="ERR_NO_SYSTEM_TRAY",
            )
        self._failure = ""
        ready = self._ready = anyio.Event()
        scope = self._scope = anyio.CancelScope()
        self._spawn(lambda: self._run(scope, ready))
        with anyio.move_on_after(CALL_TIMEOUT + 1):
            await ready.wait()
        if self._router is None:
            await self.remove()
            why = self._failure or "the session bus did not answer in time"
            raise NotSupportedError(_NO_TRAY.format(why=why), code="ERR_NO_SYSTEM_TRAY")

    async def _run(self, scope: anyio.CancelScope, ready: anyio.Event) -> None:
        calls = MatchRule(type="method_call")
        watcher = MatchRule(
            type="signal",
            sender=message_bus.bus_name,
            interface=message_bus.interface,
            member="NameOwnerChanged",
            path=message_bus.object_path,
        )
        watcher.add_arg_condition(0, WATCHER)
        send, receive = trio.open_memory_channel[Message](64)
        try:
            with scope:
                with anyio.fail_after(CALL_TIMEOUT):
                    connection = await open_dbus_connection(self._address)
                async with connection, connection.router() as router:
                    with anyio.fail_after(CALL_TIMEOUT):
                        await router.send_and_get_reply(message_bus.AddMatch(watcher))
                        reply = await router.send_and_get_reply(
                            message_bus.RequestName(self._service, 0x4)  # do not queue
                        )
                    if reply.header.message_type is MessageType.error or reply.body[0] != 1:
                        self._failure = f"the bus name {self._service} is taken"
                        return
                    # Registered for the router's lifetime (see notifications.bus: a filter
                    # left while the receiver runs breaks its loop).
                    router.filter(calls, channel=send)
                    router.filter(watcher, channel=send.clone())
                    if self._scope is scope:
                        self._router = router
                    ready.set()
                    async for message in receive:
                        await self._handle(router, message)
        except TimeoutError:
            self._failure = f"the session bus did not answer within {CALL_TIMEOUT:g} s"
        except Exception as error:
            logger.info("tray: the session bus connection ended: %r", error)
            self._failure = f"cannot use the session bus {self._address!r} ({error})"
        finally:
            if self._scope is scope:
                self._router = None
            ready.set()

    async def _register(self) -> None:
        router = self._router
        if router is None:
            raise NotSupportedError(_NO_TRAY.format(why=self._failure), code="ERR_NO_SYSTEM_TRAY")
        message = new_method_call(
            WATCHER_ADDRESS, "RegisterStatusNotifierItem", "s", (self._service,)
        )
        try:
            with anyio.fail_after(CALL_TIMEOUT):
                reply = await router.send_and_get_reply(message)
        except TimeoutError:
            why = f"it did not answer within {CALL_TIMEOUT:g} s"
            raise NotSupportedError(_NO_TRAY.format(why=why), code="ERR_NO_SYSTEM_TRAY") from None
        if reply.header.message_type is MessageType.error:
            detail = str(reply.body[0]) if reply.body else ""
            name = str(reply.header.fields.get(HeaderFields.error_name, ""))
            raise NotSupportedError(
                _NO_TRAY.format(why=detail or name), code="ERR_NO_SYSTEM_TRAY", dbusError=name
            )

    async def _signal(self, path: str, interface: str, member: str, *body: Any) -> None:
        router = self._router
        if router is None:
            return
        signature = body[0] if body else None
        emitter = DBusAddress(path, interface=interface)
        with contextlib.suppress(Exception):
            await router.send(new_signal(emitter, member, signature, tuple(body[1:])))

    # -- incoming calls ------------------------------------------------------------------------

    async def _handle(self, router: Any, message: Message) -> None:
        fields = message.header.fields
        if message.header.message_type is MessageType.signal:
            # NameOwnerChanged(name, old, new): a watcher came (back); tell it about the item.
            if len(message.body) == 3 and message.body[2]:
                with contextlib.suppress(NotSupportedError):
                    await self._register()
            return
        path = fields.get(HeaderFields.path)
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        try:
            reply = self._answer(message, path, interface, member)
        except _CallError as error:
            reply = new_error(message, error.name, "s", (error.message,))
        except Exception as error:
            logger.exception("tray: answering %s.%s failed", interface, member)
            reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", (str(error),))
        with contextlib.suppress(Exception):
            await router.send(reply)

    def _answer(self, message: Message, path: Any, interface: Any, member: Any) -> Message:
        body = message.body
        if interface == PEER and member == "Ping":
            return new_method_return(message)
        if interface == INTROSPECTABLE and member == "Introspect":
            return new_method_return(message, "s", (_introspection(path),))
        if path == ITEM_PATH:
            if interface == PROPERTIES:
                return self._properties(message, ITEM_INTERFACE, self._item_properties())
            if interface in (ITEM_INTERFACE, None):
                if member == "Activate" and self._click is not None:
                    self._click(int(body[0]), int(body[1]))
                    return new_method_return(message)
                if member in ("SecondaryActivate", "ContextMenu", "Scroll"):
                    # The panel shows the menu itself (ItemIsMenu false, Menu set).
                    return new_method_return(message)
                if member == "ProvideXdgActivationToken":
                    return new_method_return(message)
        if path == MENU_PATH:
            if interface == PROPERTIES:
                return self._properties(message, MENU_INTERFACE, self._menu_properties())
            if interface in (MENU_INTERFACE, None):
                return self._menu_call(message, member, body)
        raise _CallError(_UNKNOWN_METHOD, f"No method {interface}.{member} on {path}")

    def _properties(
        self, message: Message, interface: str, values: dict[str, tuple[str, Any]]
    ) -> Message:
        member = message.header.fields.get(HeaderFields.member)
        body = message.body
        if member == "GetAll":
            return new_method_return(message, "a{sv}", (values if body[0] == interface else {},))
        if member == "Get":
            if body[0] != interface or body[1] not in values:
                raise _CallError(_INVALID_ARGS, f"No property {body[0]}.{body[1]}")
            return new_method_return(message, "v", (values[body[1]],))
        if member == "Set":
            raise _CallError(
                "org.freedesktop.DBus.Error.PropertyReadOnly", "The properties are read-only"
            )
        raise _CallError(_UNKNOWN_METHOD, f"No method {PROPERTIES}.{member}")

    def _item_properties(self) -> dict[str, tuple[str, Any]]:
        pixmaps = [] if self._pixmap is None else [self._pixmap]
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", self._app_id),
            "Title": ("s", self._title),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconThemePath": ("s", ""),
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], self._title, "")),
            "ItemIsMenu": ("b", False),
            "Menu": ("o", MENU_PATH),
        }

    def _menu_properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "Version": ("u", 3),
            "TextDirection": ("s", "ltr"),
            "Status": ("s", "normal"),
            "IconThemePath": ("as", []),
        }

    def _menu_call(self, message: Message, member: Any, body: tuple[Any, ...]) -> Message:
        model = self._model
        if member == "GetLayout":
            parent_id, depth, names = body
            node = model.get(int(parent_id))
            if node is None:
                raise _CallError(_INVALID_ARGS, f"No menu item {parent_id}")
            layout = node.layout(int(depth), names)
            return new_method_return(message, "u(ia{sv}av)", (self._revision, layout))
        if member == "GetGroupProperties":
            ids, names = body
            found = [(node.id, node.chosen(names)) for i in ids if (node := model.get(int(i)))]
            return new_method_return(message, "a(ia{sv})", (found,))
        if member == "GetProperty":
            node = model.get(int(body[0]))
            if node is None or body[1] not in node.properties:
                raise _CallError(_INVALID_ARGS, f"No property {body[1]} of menu item {body[0]}")
            return new_method_return(message, "v", (node.properties[body[1]],))
        if member == "Event":
            self._event(int(body[0]), str(body[1]))
            return new_method_return(message)
        if member == "EventGroup":
            errors = [
                int(event[0]) for event in body[0] if not self._event(int(event[0]), event[1])
            ]
            return new_method_return(message, "ai", (errors,))
        if member == "AboutToShow":
            return new_method_return(message, "b", (False,))
        if member == "AboutToShowGroup":
            return new_method_return(message, "aiai", ([], []))
        raise _CallError(_UNKNOWN_METHOD, f"No method {MENU_INTERFACE}.{member}")

    def _event(self, node_id: int, event: str) -> bool:
        """A dbusmenu event; ``False``: no such node."""
        node = self._model.get(node_id)
        if node is None:
            return False
        chosen = event == "clicked" and node.item is not None and node.item.enabled
        if chosen and node.item is not None and self._select is not None:
            self._select(node.item, node.parent)
        return True


class _CallError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _introspection(path: Any) -> str:
    interface = ""
    if path == ITEM_PATH:
        interface = _ITEM_XML
    elif path == MENU_PATH:
        interface = _MENU_XML
    children = ""
    if path == "/":
        children = '<node name="StatusNotifierItem"/><node name="MenuBar"/>'
    return (
        '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN" '
        '"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">'
        f"<node>{interface}{children}</node>"
    )


_ITEM_XML: Final = f"""<interface name="{ITEM_INTERFACE}">
<property name="Category" type="s" access="read"/>
<property name="Id" type="s" access="read"/>
<property name="Title" type="s" access="read"/>
<property name="Status" type="s" access="read"/>
<property name="WindowId" type="i" access="read"/>
<property name="IconName" type="s" access="read"/>
<property name="IconThemePath" type="s" access="read"/>
<property name="IconPixmap" type="a(iiay)" access="read"/>
<property name="OverlayIconName" type="s" access="read"/>
<property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
<property name="AttentionIconName" type="s" access="read"/>
<property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
<property name="AttentionMovieName" type="s" access="read"/>
<property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
<property name="ItemIsMenu" type="b" access="read"/>
<property name="Menu" type="o" access="read"/>
<method name="Activate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
<method name="SecondaryActivate"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
<method name="ContextMenu"><arg name="x" type="i" direction="in"/><arg name="y" type="i" direction="in"/></method>
<method name="Scroll"><arg name="delta" type="i" direction="in"/><arg name="orientation" type="s" direction="in"/></method>
<signal name="NewTitle"/><signal name="NewIcon"/><signal name="NewToolTip"/>
<signal name="NewStatus"><arg name="status" type="s"/></signal>
</interface>"""  # noqa: E501

_MENU_XML: Final = f"""<interface name="{MENU_INTERFACE}">
<property name="Version" type="u" access="read"/>
<property name="TextDirection" type="s" access="read"/>
<property name="Status" type="s" access="read"/>
<property name="IconThemePath" type="as" access="read"/>
<method name="GetLayout"><arg type="i" name="parentId" direction="in"/><arg type="i" name="recursionDepth" direction="in"/><arg type="as" name="propertyNames" direction="in"/><arg type="u" name="revision" direction="out"/><arg type="(ia{{sv}}av)" name="layout" direction="out"/></method>
<method name="GetGroupProperties"><arg type="ai" name="ids" direction="in"/><arg type="as" name="propertyNames" direction="in"/><arg type="a(ia{{sv}})" name="properties" direction="out"/></method>
<method name="GetProperty"><arg type="i" name="id" direction="in"/><arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="out"/></method>
<method name="Event"><arg type="i" name="id" direction="in"/><arg type="s" name="eventId" direction="in"/><arg type="v" name="data" direction="in"/><arg type="u" name="timestamp" direction="in"/></method>
<method name="EventGroup"><arg type="a(isvu)" name="events" direction="in"/><arg type="ai" name="idErrors" direction="out"/></method>
<method name="AboutToShow"><arg type="i" name="id" direction="in"/><arg type="b" name="needUpdate" direction="out"/></method>
<method name="AboutToShowGroup"><arg type="ai" name="ids" direction="in"/><arg type="ai" name="updatesNeeded" direction="out"/><arg type="ai" name="idErrors" direction="out"/></method>
<signal name="ItemsPropertiesUpdated"><arg type="a(ia{{sv}})" name="updatedProps"/><arg type="a(ias)" name="removedProps"/></signal>
<signal name="LayoutUpdated"><arg type="u" name="revision"/><arg type="i" name="parent"/></signal>
<signal name="ItemActivationRequested"><arg type="i" name="id"/><arg type="u" name="timestamp"/></signal>
</interface>"""  # noqa: E501
