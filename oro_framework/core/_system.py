"""What the machine says about itself, shaped the way Node's ``os`` module answers.

Most of these block (psutil reads ``/proc`` or calls the OS, platformdirs may read
``user-dirs.dirs``): route handlers run them with ``anyio.to_thread.run_sync``.
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import os
import platform
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import platformdirs

# psutil (~12 ms), socket and signal import in each function that reads them: every command
# loads the core plugins that import this module, and only a page's os.networkInterfaces(),
# os.rusage()... use them. On Linux the CPUs and the process's start come from /proc without
# psutil, since every page's first load carries them.

__all__ = [
    "architecture",
    "available_memory",
    "build_hash",
    "constants",
    "cpus",
    "full_version",
    "network_interfaces",
    "node_architecture",
    "primordials",
    "release_version",
    "resource_usage",
    "started_at",
    "uname",
    "uptime",
    "user_paths",
]

# Oro's primordials name architectures like its C++ build does, not like each OS reports them.
_ARCHITECTURES: Final = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}

_NO_MAC: Final = "00:00:00:00:00:00"

_RELEASE: Final = re.compile(r"\d+(?:\.\d+)*")


def architecture() -> str:
    machine = platform.machine().lower()
    return _ARCHITECTURES.get(machine, machine)


_NODE_ARCHITECTURES: Final = {"x86_64": "x64", "i386": "ia32", "i686": "ia32", "armv7l": "arm"}


def node_architecture() -> str:
    """The architecture under Node's name (``x64``, ``arm64``, ``ia32``), as Oro's
    ``primordials.arch`` and ``process.arch`` give it."""
    machine = architecture()
    return _NODE_ARCHITECTURES.get(machine, machine)


def release_version(version: str) -> str:
    """``0.1.0`` of ``0.1.0.dev3+g1a2b3c``: the release segment, without pre/dev/local parts."""
    match = _RELEASE.match(version)
    return match.group(0) if match else version


_LOCAL_HASH: Final = re.compile(r"\+g([0-9a-f]{7,40})")
_COMMIT: Final = re.compile(r"[0-9a-f]{40}")


@functools.cache
def build_hash(version: str) -> str:
    """Oro's ``primordials.version.hash``: the short commit the runtime was built from. The
    ``+g<hash>`` of a development version; else, for a source checkout (an editable install),
    the commit its ``.git/HEAD`` names; else ``""`` (a release says its version only)."""
    found = _LOCAL_HASH.search(version)
    if found:
        return found.group(1)[:8]
    commit = _checkout_commit(Path(__file__).resolve().parents[2] / ".git")
    return commit[:8] if commit else ""


def full_version(version: str) -> str:
    """Oro's ``primordials.version.full``: the release and the build's hash, ``0.1.0 (1a2b3c4d)``
    (Oro's pages check that shape); the release alone when no hash is known."""
    short, commit = release_version(version), build_hash(version)
    return f"{short} ({commit})" if commit else short


def primordials(version: str, cwd: str) -> dict[str, Any]:
    """Oro's ``ipc.primordials``: exactly ``arch``, ``cwd``, ``platform``, ``version`` and
    ``host-operating-system`` (Oro's own test expects these five keys), for the runtime
    ``version`` whose pages see ``cwd`` as their working directory."""
    return {
        "arch": node_architecture(),
        "cwd": cwd,
        "platform": sys.platform,
        "version": {
            "full": full_version(version),
            "short": release_version(version),
            "hash": build_hash(version),
        },
        "host-operating-system": platform.system(),
    }


def _checkout_commit(git: Path) -> str | None:
    """The commit ``HEAD`` names in the checkout's ``.git``, read from its files (a detached
    head, a loose ref or ``packed-refs``): no ``git`` program, which a built app has not. A
    linked worktree's ``.git`` is a file naming its own git directory (``gitdir: ...``), whose
    ``commondir`` holds the branches."""
    try:
        if git.is_file():
            pointer = git.read_text(encoding="utf-8").strip()
            if not pointer.startswith("gitdir: "):
                return None
            git = git.parent / pointer.removeprefix("gitdir: ")
        head = (git / "HEAD").read_text(encoding="ascii").strip()
        if not head.startswith("ref: "):
            return head if _COMMIT.fullmatch(head) else None
        ref = head.removeprefix("ref: ")
        common = git / "commondir"
        if common.is_file():
            git = git / common.read_text(encoding="utf-8").strip()
        loose = git / ref
        if loose.is_file():
            commit = loose.read_text(encoding="ascii").strip()
            return commit if _COMMIT.fullmatch(commit) else None
        for line in (git / "packed-refs").read_text(encoding="ascii").splitlines():
            commit, _, name = line.partition(" ")
            if name == ref and _COMMIT.fullmatch(commit):
                return commit
    except (OSError, UnicodeDecodeError):
        return None
    return None


def started_at() -> float:
    """When this process started, in seconds since the epoch (Node's ``performance.timeOrigin``
    of the host). On Linux from ``/proc`` as psutil's ``Process.create_time()`` reads it there
    (the process's start in clock ticks after boot, plus the boot time): a page's first load
    carries it, and importing psutil costs that load ~12 ms."""
    started = _linux_started_at() if sys.platform.startswith("linux") else None
    if started is not None:
        return started
    import psutil

    return float(psutil.Process().create_time())


def _linux_started_at() -> float | None:
    try:
        own = Path("/proc/self/stat").read_text(encoding="ascii", errors="replace")
        system = Path("/proc/stat").read_text(encoding="ascii", errors="replace")
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None
    # The command name, in parentheses, may hold spaces; field 22 (starttime) is the 20th after
    # it.
    fields = own.rpartition(")")[2].split()
    boot = next((line.split()[1] for line in system.splitlines() if line.startswith("btime ")), "")
    if len(fields) < 20 or not fields[19].isdigit() or not boot.isdigit():
        return None
    return int(boot) + int(fields[19]) / ticks


def resource_usage() -> dict[str, float]:
    """This process's ``getrusage(2)`` fields by their C names, ``ru_maxrss`` in KiB (macOS
    counts bytes) and the times in seconds. Windows has no ``getrusage``: psutil's peak working
    set, CPU times and I/O counts stand in, the fields it cannot tell are 0."""
    try:
        import resource
    except ImportError:
        return _windows_resource_usage()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    maxrss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return {
        "ru_maxrss": maxrss,
        "ru_utime": usage.ru_utime,
        "ru_stime": usage.ru_stime,
        "ru_minflt": usage.ru_minflt,
        "ru_majflt": usage.ru_majflt,
        "ru_inblock": usage.ru_inblock,
        "ru_oublock": usage.ru_oublock,
        "ru_nvcsw": usage.ru_nvcsw,
        "ru_nivcsw": usage.ru_nivcsw,
    }


def _windows_resource_usage() -> dict[str, float]:
    import psutil

    process = psutil.Process()
    memory = process.memory_info()
    times = process.cpu_times()
    io = process.io_counters()
    return {
        "ru_maxrss": int(getattr(memory, "peak_wset", memory.rss)) // 1024,
        "ru_utime": times.user,
        "ru_stime": times.system,
        "ru_minflt": int(getattr(memory, "num_page_faults", 0)),
        "ru_majflt": 0,
        "ru_inblock": io.read_count,
        "ru_oublock": io.write_count,
        "ru_nvcsw": 0,
        "ru_nivcsw": 0,
    }


def uname() -> dict[str, str]:
    system = platform.uname()
    return {
        "sysname": system.system,
        "nodename": system.node,
        "release": system.release,
        "version": system.version,
        "machine": system.machine,
    }


_CPU_TIMES: Final = ("user", "nice", "sys", "idle", "irq")
"""The times Node's ``os.cpus()`` gives, in its order."""


def cpus() -> list[dict[str, Any]]:
    """One entry per logical CPU: ``{model, speed, times: {user, nice, sys, idle, irq}}``, the
    speed in MHz and the times in milliseconds."""
    times = _linux_cpu_times() if sys.platform.startswith("linux") else None
    if times is None:
        import psutil

        times = [
            (cpu.user, getattr(cpu, "nice", 0.0), cpu.system, cpu.idle, getattr(cpu, "irq", 0.0))
            for cpu in psutil.cpu_times(percpu=True)
        ]
    models = _cpu_models(len(times))
    speeds = _cpu_speeds(len(times))
    return [
        {
            "model": models[index],
            "speed": speeds[index],
            "times": dict(zip(_CPU_TIMES, map(_milliseconds, seconds), strict=True)),
        }
        for index, seconds in enumerate(times)
    ]


def _milliseconds(seconds: float) -> int:
    return round(seconds * 1000)


def _linux_cpu_times() -> list[tuple[float, ...]] | None:
    """Each CPU's user, nice, system, idle and irq seconds from ``/proc/stat``, the lines
    psutil's ``cpu_times(percpu=True)`` reads on Linux; ``None`` when they cannot be read.
    Read here because importing psutil costs ~12 ms, and a page's first load pays for it: its
    ``__args.os`` carries the CPUs."""
    try:
        text = Path("/proc/stat").read_text(encoding="ascii", errors="replace")
        ticks = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None
    rows: list[tuple[float, ...]] = []
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if not (name.startswith("cpu") and name[3:].isdigit()):
            continue
        fields = rest.split()
        if len(fields) < 6 or not all(field.isdigit() for field in fields[:6]):
            return None  # a kernel older than 2.6 (no irq column), or a line not understood
        user, nice, system, idle, _iowait, irq = (int(field) / ticks for field in fields[:6])
        rows.append((user, nice, system, idle, irq))
    return rows or None


def _cpu_models(count: int) -> list[str]:
    models = _linux_cpuinfo("model name") if sys.platform.startswith("linux") else []
    if len(models) == count:
        return models
    model = (models[0] if models else _brand_string()) or platform.processor() or "unknown"
    return [model] * count


def _linux_cpuinfo(field: str) -> list[str]:
    """The values of ``field`` in ``/proc/cpuinfo``, one per CPU that lists it."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith(field) and ":" in line
    ]


def _brand_string() -> str:
    if sys.platform != "darwin":
        return ""
    import subprocess  # macOS only: the other systems never pay for the module

    try:
        completed = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip()


def _cpu_speeds(count: int) -> list[int]:
    if sys.platform.startswith("linux"):
        # Where /proc/cpuinfo gives each CPU's "cpu MHz" (x86), psutil's cpu_freq answers
        # those; elsewhere (ARM) it reads sysfs.
        try:
            speeds = [round(float(value)) for value in _linux_cpuinfo("cpu MHz")]
        except ValueError:
            speeds = []
        if len(speeds) == count:
            return speeds
    import psutil

    try:
        frequencies = psutil.cpu_freq(percpu=True)
    except (AttributeError, NotImplementedError, OSError):
        frequencies = []
    if len(frequencies) == count:
        return [round(frequency.current) for frequency in frequencies]
    # Some systems report one frequency for the whole package, some none at all (Node says 0).
    speed = round(frequencies[0].current) if frequencies else 0
    return [speed] * count


def network_interfaces() -> dict[str, list[dict[str, Any]]]:
    """Node's ``os.networkInterfaces()``: interfaces that are up and hold an IP address."""
    import socket

    import psutil

    stats = psutil.net_if_stats()
    interfaces: dict[str, list[dict[str, Any]]] = {}
    for name, entries in psutil.net_if_addrs().items():
        state = stats.get(name)
        if state is not None and not state.isup:
            continue
        is_loopback = state is not None and "loopback" in state.flags.split(",")
        described = [
            _describe_address(name, entry, _mac_address(entries), is_loopback)
            for entry in entries
            if entry.family in (socket.AF_INET, socket.AF_INET6)
        ]
        if described:
            interfaces[name] = described
    return interfaces


def _mac_address(entries: Sequence[Any]) -> str:
    import psutil

    for entry in entries:
        if entry.family == psutil.AF_LINK and entry.address:
            # Windows writes AA-BB-..., Node always aa:bb:...
            return str(entry.address).replace("-", ":").lower()
    return _NO_MAC


def _describe_address(name: str, entry: Any, mac: str, is_loopback: bool) -> dict[str, Any]:
    address, _, zone = str(entry.address).partition("%")
    ip = ipaddress.ip_address(address)
    netmask: str | None = entry.netmask
    prefix = _prefix_length(netmask)
    described: dict[str, Any] = {
        "address": address,
        "netmask": netmask,
        "family": "IPv4" if ip.version == 4 else "IPv6",
        "mac": mac,
        "internal": is_loopback or ip.is_loopback,
        "cidr": None if prefix is None else f"{address}/{prefix}",
    }
    if ip.version == 6:
        described["scopeid"] = _scope_id(zone or name) if ip.is_link_local else 0
    return described


def _prefix_length(netmask: str | None) -> int | None:
    if not netmask:
        return None
    try:
        return bin(int(ipaddress.ip_address(netmask))).count("1")
    except ValueError:
        return None


def _scope_id(zone: str) -> int:
    if zone.isdigit():
        return int(zone)
    import socket

    try:
        return socket.if_nametoindex(zone)
    except OSError:
        return 0


def uptime() -> float:
    """Seconds since the system booted, suspended time included."""
    # Linux's boot clock is exact and immune to wall-clock changes; psutil's boot time is a
    # whole second that shifts with NTP, so it is only the fallback.
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    import psutil

    return time.time() - psutil.boot_time()


def available_memory() -> int:
    """Bytes of memory available to new processes without swapping."""
    import psutil

    return int(psutil.virtual_memory().available)


def user_paths(bundle_identifier: str) -> dict[str, str]:
    """The user's well-known directories, and the app's config directory (named like its data
    directory, after the bundle identifier). Nothing is created."""
    return {
        "home": str(Path.home()),
        "documents": platformdirs.user_documents_dir(),
        "downloads": platformdirs.user_downloads_dir(),
        "desktop": platformdirs.user_desktop_dir(),
        "pictures": platformdirs.user_pictures_dir(),
        "music": platformdirs.user_music_dir(),
        "videos": platformdirs.user_videos_dir(),
        "config": platformdirs.user_config_dir(bundle_identifier, appauthor=False),
    }


def constants() -> dict[str, dict[str, int]]:
    """Node's ``os.constants``: ``errno`` and ``signals`` by name, with this platform's numbers."""
    import signal

    errors = {
        name: value
        for name, value in vars(errno).items()
        if name.startswith("E") and isinstance(value, int)
    }
    signals = {
        name: int(number)
        for name, number in signal.Signals.__members__.items()
        if name.startswith("SIG")
    }
    return {"errno": dict(sorted(errors.items())), "signals": dict(sorted(signals.items()))}
