"""What ``oro:process`` answers at once, as Node's ``process`` does: the app's declared
environment, argv, cwd, pid, versions; and ``process.memoryUsage`` for the host's memory.

Secure by default: ``process.env`` holds only the variables the app declares in ``oro.toml``
(``[env]`` values and the names ``build.env`` forwards from the host's environment), never the
host's whole environment, and never a variable whose name marks it secret (``*_KEY``,
``*_TOKEN``, ``*_SECRET``, ``*_PASSWORD``). The rest of the facts sit behind permission
``runtime``, like ``platform.primordials``, which tells the same cwd and versions.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

from oro_framework import (
    REDACTED,
    ConfigError,
    MetaSettings,
    StashKey,
    __version__,
    find_js_api,
    hookimpl,
    is_secret_name,
    is_variable_name,
    setting,
)
from oro_framework.core import _system
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework import ConfigRegistry, Host, JSModuleTable, Request, RouteTable


_FACTS: Final = StashKey[dict[str, Any]]("process.page-facts")


def _variable_names(names: list[str]) -> None:
    for name in names:
        if not is_variable_name(name):
            raise ValueError(f"holds {name!r}, which is not an environment variable name")
        if is_secret_name(name):
            raise ValueError(
                f"names {name!r}, whose name marks it secret: pages never get secrets (keep it "
                "in the host, e.g. a plugin's config key read from a secrets file)"
            )


@final
@record
class PageEnvironment:
    """What pages get as ``process.env``: the ``[env]`` values and the ``build.env`` names.
    Declared at the top (``section=""``), as Oro names the keys, in two sections."""

    env: dict[str, str] = setting(
        {},
        'Fixed `process.env` values of pages (Oro\'s `env_*`): `[env] NAME = "value"`. A '
        "variable forwarded by `build.env` overrides the same name. Secret-looking names are "
        "refused.",
    )
    forwarded: list[str] = setting(
        [],
        "Names of the host's environment variables forwarded to pages as `process.env` "
        "(Oro's `build_env`); unset ones are left out. Names that mark a secret (ending in "
        "KEY, SECRET, TOKEN or PASSWORD) are refused.",
        name="build.env",
        validator=_variable_names,
    )


def declared_environment(
    env_section: Mapping[str, Any], forwarded: Sequence[str], environ: Mapping[str, str]
) -> dict[str, str]:
    """``process.env`` of pages: the ``[env]`` values, then the ``build.env`` variables the host's
    environment holds (they win: the environment is the more specific layer, as for config).
    Names that mark a secret are left out."""
    env = {name: str(value) for name, value in env_section.items() if not is_secret_name(name)}
    env.update({name: environ[name] for name in forwarded if name in environ})
    return {name: value for name, value in env.items() if not is_secret_name(name)}


def redacted_argv(arguments: Sequence[str]) -> list[str]:
    """``arguments`` with the value of every ``NAME=VALUE`` whose name marks a secret replaced
    (``oro run -c http.ipc.shared_key=...`` must not reach a page)."""
    redacted = []
    for argument in arguments:
        name, equals, _ = argument.partition("=")
        redacted.append(f"{name}={REDACTED}" if equals and is_secret_name(name) else argument)
    return redacted


def versions() -> dict[str, str]:
    """Node's ``process.versions`` for this host: Oro's ``oro`` key (the runtime's release),
    oro-framework's full version, Python's, and the libraries the host links (SQLite, OpenSSL)."""
    # Imported here, at the first page that asks: every command loads this plugin.
    import sqlite3
    import ssl

    openssl = ssl.OPENSSL_VERSION.split()
    return {
        "oro": _system.release_version(__version__),
        "oro-framework": __version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "openssl": openssl[1] if len(openssl) > 1 else ssl.OPENSSL_VERSION,
    }


def page_cwd(host: Host) -> str:
    """The working directory pages see (``process.cwd()``, ``primordials.cwd``): the app's
    resources (``webview.root``), Oro's cwd, against which oro-fs resolves relative paths too.
    Not the host process's own working directory, which a page has no use for."""
    return str(host.paths.resources)


def _facts(host: Host) -> dict[str, Any]:
    return {
        "argv": [sys.executable, *redacted_argv(sys.argv)],
        "execPath": sys.executable,
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "title": host.settings(MetaSettings).name,
        "versions": versions(),
        "release": {"name": "oro-framework"},
        "startedAt": _system.started_at(),
    }


async def memory_usage(request: Request) -> dict[str, int]:
    """The host process's resident set size in bytes (Node's ``process.memoryUsage().rss``)."""
    import psutil

    return {"rss": int(psutil.Process().memory_info().rss)}


@hookimpl
def oro_register_config(config: ConfigRegistry) -> None:
    config.add_settings(PageEnvironment, section="")


@hookimpl
def oro_configure(host: Host) -> None:
    for name in host.settings(PageEnvironment).env:
        if not is_variable_name(name) or is_secret_name(name):
            raise ConfigError(
                f"key 'env.{name}' is handed to every page as process.env.{name}; "
                + (
                    "its name marks it secret, and pages never get secrets"
                    if is_secret_name(name)
                    else "that is not an environment variable name"
                ),
                key=f"env.{name}",
            )


@hookimpl
def oro_page_args(host: Host) -> Mapping[str, Any]:
    """``__args.env`` (always: the app declared it) and ``__args.argv`` as Oro's pages have
    them, and ``__args.process`` (with permission ``runtime``; computed at the first page)."""
    settings = host.settings(PageEnvironment)
    env = declared_environment(settings.env, settings.forwarded, host.environ)
    if not host.is_permission_allowed("runtime"):
        return {"env": env, "argv": [], "process": {}}
    facts = host.stash.get(_FACTS)
    if facts is None:
        facts = host.stash[_FACTS] = _facts(host)
    # uptime is read at each page: the page adds its own performance.now() to it, no round trip
    # needed.
    return {
        "env": env,
        "argv": facts["argv"],
        "process": {
            **facts,
            "cwd": page_cwd(host),
            "uptime": max(0.0, time.time() - facts["startedAt"]),
            "primordials": _system.primordials(__version__, page_cwd(host)),
        },
    }


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add("process.memoryUsage", memory_usage, permission="runtime")


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    directory = find_js_api()
    if directory is not None:
        modules.add_directory(directory, owner="process")
