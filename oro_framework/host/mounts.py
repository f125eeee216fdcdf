"""ASGI apps that plugins mount under a path prefix of the app origin (``/ai/llama``...)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, final

from oro_framework.host.exchange import reserved_prefix
from oro_framework.host.registry import Registry
from oro_framework.records import record

__all__ = ["ASGIApp", "Authenticator", "Mount", "MountTable"]

ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]
"""An ASGI 3 application: ``await app(scope, receive, send)``."""

Authenticator = Callable[[Mapping[str, str]], bool]
"""Judges a request's lower-case headers: ``True`` when they carry a credential the mounted app
accepts in place of the session cookie (an API key for other processes)."""


@final
@record
class Mount:
    """An ASGI app served under ``prefix``; requests pass the same session checks as IPC."""

    prefix: str
    app: ASGIApp
    doc: str
    permission: str | None
    plugin: str
    authenticate: Authenticator | None = None


@final
class MountTable(Registry[Mount]):
    """Passed to ``oro_register_mounts``."""

    kind = "mount"

    def mount(
        self,
        prefix: str,
        app: ASGIApp,
        *,
        doc: str,
        permission: str | None = None,
        authenticate: Authenticator | None = None,
    ) -> Mount:
        """Serve ``app`` under ``prefix`` (``/ai/llama``): it sees paths below the prefix.

        :param authenticate: consulted for a request without a valid session cookie (after the
            Host and Origin checks, which still apply): returning ``True`` serves it. This is
            how a mounted API lets other processes in with a key of its own.

        :raises RegistrationError: the prefix is not absolute, ends in ``/`` or is reserved by the
            host.
        :raises RegistrationConflict: another plugin mounted the same prefix.
        """
        if not prefix.startswith("/") or prefix.endswith("/") or "//" in prefix:
            raise self._refuse(f"mount prefix {prefix!r} must look like '/name' or '/a/b'")
        reserved = reserved_prefix(prefix)
        if reserved is not None:
            raise self._refuse(f"mount prefix {prefix!r} is under {reserved}, reserved by the host")
        mount = Mount(prefix, app, doc, permission, self.current_plugin, authenticate)
        self._claim(prefix, mount)
        return mount

    def resolve(self, path: str) -> Mount | None:
        """The mount whose prefix is the longest match of ``path``, if any."""
        best: Mount | None = None
        for mount in self:
            if (path == mount.prefix or path.startswith(mount.prefix + "/")) and (
                best is None or len(mount.prefix) > len(best.prefix)
            ):
                best = mount
        return best
