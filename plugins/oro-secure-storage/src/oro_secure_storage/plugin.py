"""The oro-secure-storage plugin: its parts declared (each imported when a host first needs
it, :class:`oro_framework.Plugin`), and the hooks of what it does beyond them: the
``secure-storage:`` secret references in the config, ``oro secure-storage`` and its doctor
check."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from oro_framework import Plugin, hookimpl

if TYPE_CHECKING:
    import click

    from oro_framework import DoctorCheck, Host

plugin = Plugin(
    api=1,
    permissions=".permissions:SECURE_STORAGE",
    settings={"secure_storage": ".settings:SecureStorageSettings"},
    state={".state:STATE": ".state:SecureStorageState.from_host"},
    routes=".routes:ROUTES",
    js_modules="js",
    hooks={"oro_unconfigure": ".state:STATE.store.close"},
)


@hookimpl
def oro_resolve_secret(host: Host, scheme: str, name: str) -> str | None:
    from oro_secure_storage import references

    return references.resolve(host, scheme, name)


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    from oro_secure_storage.cli import secure_storage

    cli.add_command(secure_storage)


@hookimpl
def oro_doctor_checks() -> list[DoctorCheck]:
    from oro_secure_storage.doctor import secret_service_check

    return [secret_service_check(os.environ)]
