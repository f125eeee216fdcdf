"""The ``os.*`` routes: Node's ``os`` module answered by the host, behind permission
``device_info`` (an app that needs none of it switches it off in ``oro.toml``)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import anyio

from oro_framework import MetaSettings, Plugin, RouteGroup, StashKey, hookimpl
from oro_framework.core import _system

if TYPE_CHECKING:
    from oro_framework import Host, Request


async def uname(request: Request) -> dict[str, str]:
    """Operating system name, host name, release, version and machine."""
    return await anyio.to_thread.run_sync(_system.uname)


async def cpus(request: Request) -> list[dict[str, Any]]:
    """Logical CPUs: model, speed in MHz and times in ms, like Node's os.cpus()."""
    return await anyio.to_thread.run_sync(_system.cpus)


async def network_interfaces(request: Request) -> dict[str, list[dict[str, Any]]]:
    """Network interfaces that are up, with their addresses, like Node's os.networkInterfaces()."""
    return await anyio.to_thread.run_sync(_system.network_interfaces)


async def uptime(request: Request) -> float:
    """Seconds since the system booted."""
    return await anyio.to_thread.run_sync(_system.uptime)


async def hrtime(request: Request) -> str:
    """Monotonic time in nanoseconds, as a decimal string."""
    # A string, because a JSON number loses nanoseconds past 2**53 (about 104 days of uptime).
    return str(time.perf_counter_ns())


async def available_memory(request: Request) -> int:
    """Bytes of memory available without swapping."""
    return await anyio.to_thread.run_sync(_system.available_memory)


async def total_memory(request: Request) -> int:
    """Bytes of memory in total (Node's ``os.totalmem()``)."""
    return await anyio.to_thread.run_sync(_total_memory)


def _total_memory() -> int:
    import psutil  # ~7 ms: on first use, not for every command that loads this plugin

    return int(psutil.virtual_memory().total)


async def load_average(request: Request) -> list[float]:
    """The 1, 5 and 15 minute load averages (Node's ``os.loadavg()``; zeros on Windows, as
    Node's)."""
    if not hasattr(os, "getloadavg"):
        return [0.0, 0.0, 0.0]
    return list(os.getloadavg())


async def resource_usage(request: Request) -> dict[str, float]:
    """The host process's resource usage, as Oro's ``os.rusage``: ``getrusage(2)``'s fields by
    their C names, ``ru_maxrss`` in KiB and the CPU times in seconds."""
    return await anyio.to_thread.run_sync(_system.resource_usage)


async def user_info(request: Request) -> dict[str, Any]:
    """The user the host runs as, like Node's ``os.userInfo()``: ``uid`` and ``gid`` (-1 on
    Windows), ``username``, ``homedir``, ``shell`` (``None`` on Windows)."""
    return await anyio.to_thread.run_sync(_user_info)


def _user_info() -> dict[str, Any]:
    if hasattr(os, "getuid"):
        import pwd

        entry = pwd.getpwuid(os.getuid())
        return {
            "uid": entry.pw_uid,
            "gid": entry.pw_gid,
            "username": entry.pw_name,
            "homedir": entry.pw_dir,
            "shell": entry.pw_shell or None,
        }
    import getpass  # Windows only, as pwd is on the others

    return {
        "uid": -1,
        "gid": -1,
        "username": getpass.getuser(),
        "homedir": str(Path.home()),
        "shell": None,
    }


async def paths(request: Request) -> dict[str, str]:
    """Well-known directories: the app's resources, data, cache, temp and config; the user's."""
    return await anyio.to_thread.run_sync(_paths, request.host)


def _paths(host: Host) -> dict[str, str]:
    return {
        "resources": str(host.paths.resources),
        "data": str(host.paths.data),
        "cache": str(host.paths.cache),
        "temp": str(host.paths.temp),
        **_system.user_paths(host.settings(MetaSettings).bundle_identifier),
        # The host's own (under oro test's temporary root, not the user's).
        "log": str(host.paths.log),
        "config": str(host.paths.config),
    }


async def constants(request: Request) -> dict[str, dict[str, int]]:
    """Error numbers and signal numbers by name, for this platform."""
    return _system.constants()


_PAGE_FACTS: Final = StashKey[dict[str, Any]]("os.page-facts")


def _page_facts(host: Host) -> dict[str, Any]:
    """What ``oro:os`` answers synchronously, as Node's ``os`` does: the system's name and
    release, its CPUs (their times as of the page's load), the well-known paths."""
    return {
        "uname": _system.uname(),
        "cpus": _system.cpus(),
        "paths": _paths(host),
        "constants": _system.constants(),
        # oro:errno's getMessage(), as the C library words them here.
        "errnoMessages": {
            name: os.strerror(number) for name, number in _system.constants()["errno"].items()
        },
        "endianness": "LE" if sys.byteorder == "little" else "BE",
    }


@hookimpl
def oro_page_args(host: Host) -> Mapping[str, Any]:
    """Every page learns the platform and architecture; with ``device_info`` allowed, also the
    facts of :func:`_page_facts` (computed at the first page, then kept)."""
    facts: dict[str, Any] = {"platform": sys.platform, "arch": _system.architecture()}
    if host.is_permission_allowed("device_info"):
        cached = host.stash.get(_PAGE_FACTS)
        if cached is None:
            cached = host.stash[_PAGE_FACTS] = _page_facts(host)
        facts.update(cached)
    return {"os": facts}


ROUTES: Final = RouteGroup(
    permission="device_info",
    doc="Device information: OS, CPUs, memory, network interfaces, well-known paths, the user",
    handlers={
        "os.uname": uname,
        "os.cpus": cpus,
        "os.networkInterfaces": network_interfaces,
        "os.uptime": uptime,
        "os.hrtime": hrtime,
        "os.availableMemory": available_memory,
        "os.totalMemory": total_memory,
        "os.loadavg": load_average,
        "os.userInfo": user_info,
        "os.rusage": resource_usage,
        "os.paths": paths,
        "os.constants": constants,
    },
)


plugin = Plugin(
    permissions=".os:ROUTES",
    routes=".os:ROUTES",
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    js_modules="oro_framework.host.builtin:find_js_api",
)
