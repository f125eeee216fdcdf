"""Host errors: what stops the host or a command, shown to the app's or a plugin's author and
never sent to a page; and :class:`ConfigWarning`."""

from __future__ import annotations

from oro_framework.host.errors.root import OroError

__all__ = [
    "BackendTypesUnavailable",
    "BuildError",
    "ConfigError",
    "ConfigWarning",
    "DisplayError",
    "EngineUnavailableError",
    "HostError",
    "InstallError",
    "LifecycleError",
    "NoTestFilesError",
    "PluginLoadError",
    "RegistrationConflict",
    "RegistrationError",
    "ServiceError",
    "SingleInstanceError",
    "SscUsageError",
]


class HostError(OroError):
    """An error in how the host was put together: plugins, config, services, lifecycle."""


class PluginLoadError(HostError):
    """Raised when a plugin cannot be imported, registered or validated against the hookspecs,
    or when one of its hooks raises while the host is built (any exception, chained as the
    ``__cause__``).

    :ivar entry_point: the entry point's text (``fs = oro_fs.plugin``) or the plugin's name.
    :ivar distribution: the distribution that declared it, when known.
    :ivar hook: the hook that raised (``oro_register_routes``), or ``None`` when the plugin
        failed to import or validate.
    """

    def __init__(
        self,
        message: str,
        *,
        entry_point: str,
        distribution: str | None,
        hook: str | None = None,
    ) -> None:
        origin = f"plugin entry point '{entry_point}'"
        if distribution:
            origin += f" from distribution '{distribution}'"
        super().__init__(f"{origin}: {message}")
        self.entry_point = entry_point
        self.distribution = distribution
        self.hook = hook
        self.reason = message


class RegistrationError(HostError):
    """Raised when a plugin calls a registry's ``add()`` wrongly (a missing ``permission=``, an
    invalid name, a timeout that is not a positive number...); names the plugin.

    :ivar plugin: the plugin whose hook made the call.
    """

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(f"plugin '{plugin}': {message}")
        self.plugin = plugin
        self.reason = message


class RegistrationConflict(RegistrationError):
    """Raised when a second plugin registers a name another plugin already owns.

    The message names the kind of thing, the name and both plugins, e.g.
    ``route 'fs.stat' from 'extra-fs' is already registered by 'fs'``, then ``detail`` if given.
    """

    def __init__(
        self, kind: str, name: str, *, owner: str, challenger: str, detail: str = ""
    ) -> None:
        message = f"{kind} '{name}' from '{challenger}' is already registered by '{owner}'{detail}"
        HostError.__init__(self, message)
        self.plugin = challenger
        self.reason = message
        self.kind = kind
        self.name = name
        self.owner = owner
        self.challenger = challenger


class ConfigError(HostError):
    """Raised for an invalid config value; says where it came from and what was expected.

    :ivar source: ``oro.toml:12``, ``env ORO_WEBVIEW_ROOT``, ``--config``, or ``default``.
    :ivar key: the dotted key (``filesystem.sandbox_enabled``).
    """

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None) -> None:
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{message}")
        self.key = key
        self.source = source


class ServiceError(HostError):
    """Raised when a registered service fails to start in time or crashes; names the service."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"service '{service}' {message}")
        self.service = service


class LifecycleError(HostError):
    """Raised when a lifecycle transition is impossible from the current state."""


class BuildError(HostError):
    """Raised by ``oro build`` when the app cannot be built or packaged as asked: no app, an
    invalid version, PyInstaller or a packaging tool missing (the message names what to
    install), a plugin that cannot be frozen."""


class SingleInstanceError(HostError):
    """Raised by ``oro run`` when the app's single-instance socket cannot be used safely (its
    directory belongs to another user or others may enter it, or the path is too long) or when
    the running copy holding the lock never answers a hand-over."""


class EngineUnavailableError(HostError):
    """The web engine asked for cannot run here; the message names what to install."""


class DisplayError(HostError):
    """``DISPLAY`` is not an X display name (``::5``, ``:x``), and no Wayland display answers:
    the message names the value and what a valid one looks like. WebKitGTK would abort the
    process on it (a core dump, no message); ``oro run`` says this and exits 2 instead.

    :ivar value: the malformed value.
    """

    def __init__(self, value: str) -> None:
        super().__init__(
            f"DISPLAY={value!r} is not an X display name: expected [host]:number[.screen] "
            "(':0', ':1.0', 'localhost:10.0'); unset DISPLAY to run headless"
        )
        self.value = value


class InstallError(HostError):
    """Raised by ``oro plugins install`` and ``uninstall`` when the installer (uv or pip) is
    missing or fails, or what it installed holds no oro plugin."""


class NoTestFilesError(HostError):
    """Raised by ``oro test`` when it has no file to run: none matches ``test.files``, a file
    given does not exist, or one lies outside the app's resources (the page could not import
    it)."""


class BackendTypesUnavailable(HostError):
    """Raised by ``oro types`` when there is nothing to type: the app has no backend, or its
    backend does not import (the message is the import's error)."""


class SscUsageError(HostError):
    """Raised by ``ssc`` (Socket's command line) for a command line Socket's ``ssc`` would not
    accept, or one for another platform than Linux."""


class ConfigWarning(UserWarning):
    """Warned for config keys no installed plugin declares (likely a typo or a missing plugin)."""
