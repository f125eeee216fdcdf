"""The oro-secure-storage plugin: hook implementations only.

The routes and their permission are in ``routes.py``, the config keys in ``settings.py``, the
per-host state in ``state.py``, the ``secure-storage:`` references of ``oro.toml`` in
``references.py``, the ``oro secure-storage`` command in ``cli.py`` and ``oro:secure-storage``
in ``js/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import click

from oro_framework import (
    ConfigRegistry,
    DoctorCheck,
    Host,
    JSModuleTable,
    PermissionRegistry,
    RouteTable,
    hookimpl,
)
from oro_secure_storage import references
from oro_secure_storage.cli import secure_storage
from oro_secure_storage.doctor import secret_service_check
from oro_secure_storage.routes import ROUTES
from oro_secure_storage.settings import SecureStorageSettings
from oro_secure_storage.state import STATE, SecureStorageState

JS_DIRECTORY: Final = Path(__file__).parent / "js"


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(SecureStorageSettings, section="secure_storage")


@hookimpl
def oro_resolve_secret(host: Host, scheme: str, name: str) -> str | None:
    return references.resolve(host, scheme, name)


@hookimpl
def oro_configure(host: Host) -> None:
    host.stash[STATE] = SecureStorageState.from_host(host)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    modules.add_directory(JS_DIRECTORY)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(secure_storage)


@hookimpl
def oro_doctor_checks() -> list[DoctorCheck]:
    return [secret_service_check(os.environ)]


@hookimpl
def oro_unconfigure(host: Host) -> None:
    state = host.stash.pop(STATE)
    if state is not None:
        state.store.close()
