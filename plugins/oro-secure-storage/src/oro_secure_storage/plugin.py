"""The oro-secure-storage plugin: hook implementations only.

The routes and their permission are in ``routes.py``, the config keys in ``settings.py``, the
per-host state in ``state.py``, the ``secure-storage:`` references of ``oro.toml`` in
``references.py``, the ``oro secure-storage`` command in ``cli.py`` and ``oro:secure-storage``
in ``js/``.

Every command loads this module to collect the plugins' hooks (``oro --help`` too): it imports
nothing but ``hookimpl``, and each hook imports what it hands the host, so a command that never
builds a host never imports the routes, the store (jeepney) or the settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from oro_framework import hookimpl

if TYPE_CHECKING:
    import click

    from oro_framework import (
        ConfigRegistry,
        DoctorCheck,
        Host,
        JSModuleTable,
        PermissionRegistry,
        RouteTable,
    )

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    from oro_secure_storage.permissions import SECURE_STORAGE

    permissions.declare(SECURE_STORAGE)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    from oro_secure_storage.settings import SecureStorageSettings

    config.add_settings(SecureStorageSettings, section="secure_storage")


@hookimpl
def oro_resolve_secret(host: Host, scheme: str, name: str) -> str | None:
    from oro_secure_storage import references

    return references.resolve(host, scheme, name)


@hookimpl
def oro_configure(host: Host) -> None:
    from oro_secure_storage.state import STATE, SecureStorageState

    host.stash[STATE] = SecureStorageState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    from oro_secure_storage.routes import ROUTES

    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    from oro_secure_storage.cli import secure_storage

    cli.add_command(secure_storage)


@hookimpl
def oro_doctor_checks() -> list[DoctorCheck]:
    from oro_secure_storage.doctor import secret_service_check

    return [secret_service_check(os.environ)]


@hookimpl
def oro_unconfigure(host: Host) -> None:
    from oro_secure_storage.state import STATE

    state = host.stash.pop(STATE)
    if state is not None:
        state.store.close()
