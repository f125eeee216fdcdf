import errno
import ipaddress
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import platformdirs
import psutil
import pytest

import oro_framework.core.os
from oro_framework.core import _system
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

OS_ROUTES = [
    "os.uname",
    "os.cpus",
    "os.networkInterfaces",
    "os.uptime",
    "os.hrtime",
    "os.availableMemory",
    "os.paths",
    "os.constants",
    "os.totalMemory",
    "os.loadavg",
    "os.userInfo",
    "os.rusage",
]


async def call(route, **params):
    async with make_host(plugins=[oro_framework.core.os]) as host:
        return raise_for_error(await MemoryClient(host).call(route, **params))


async def test_uname_matches_platform_uname():
    answer = await call("os.uname")

    system = platform.uname()
    assert answer == {
        "sysname": system.system,
        "nodename": system.node,
        "release": system.release,
        "version": system.version,
        "machine": system.machine,
    }


async def test_cpus_lists_one_entry_per_logical_cpu():
    answer = await call("os.cpus")

    assert len(answer) == os.cpu_count()


async def test_cpus_report_times_in_whole_milliseconds():
    answer = await call("os.cpus")

    for cpu in answer:
        assert cpu["times"].keys() == {"user", "nice", "sys", "idle", "irq"}
        assert all(isinstance(value, int) and value >= 0 for value in cpu["times"].values())


async def test_cpus_report_a_model_and_a_whole_megahertz_speed():
    answer = await call("os.cpus")

    for cpu in answer:
        assert isinstance(cpu["model"], str)
        assert cpu["model"]
        assert isinstance(cpu["speed"], int)
        assert cpu["speed"] >= 0


def test_cpus_read_by_hand_agree_with_psutil():
    # /proc/stat and /proc/cpuinfo are read by hand (importing psutil cost a page's first load
    # ~12 ms); psutil reads the same files, a moment later here.
    ours = _system.cpus()
    times = psutil.cpu_times(percpu=True)
    frequencies = psutil.cpu_freq(percpu=True)

    assert len(ours) == len(times)
    for cpu, theirs in zip(ours, times, strict=True):
        expected = {
            "user": theirs.user,
            "nice": theirs.nice,
            "sys": theirs.system,
            "idle": theirs.idle,
            "irq": theirs.irq,
        }
        for name, seconds in expected.items():
            assert abs(cpu["times"][name] - round(seconds * 1000)) <= 5_000, (name, cpu, theirs)
    if not Path("/sys/devices/system/cpu/cpufreq").exists() and len(frequencies) == len(ours):
        # No frequency scaling: both name the fixed "cpu MHz" of each CPU.
        assert [cpu["speed"] for cpu in ours] == [round(each.current) for each in frequencies]


FIRST_PAGE: Final = """
import sys, anyio
import oro_framework.core.os, oro_framework.core.process
from oro_framework.testing import make_host

async def main():
    plugins = [oro_framework.core.os, oro_framework.core.process]
    config = {"permissions.allow_device_info": True, "permissions.allow_runtime": True}
    async with make_host(plugins=plugins, config=config) as host:
        args = host.hooks.page_args(host, window=0, origin="http://127.0.0.1:1")
    assert args["os"]["cpus"] and args["process"]["startedAt"] > 0, args

anyio.run(main, backend="trio")
print("psutil" in sys.modules)
"""


def test_a_first_pages_os_and_process_facts_import_no_psutil():
    # Importing psutil cost the first HTML response of every launch ~12 ms.
    found = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"


async def test_network_interfaces_contain_loopback_as_internal():
    answer = await call("os.networkInterfaces")

    loopback = [
        entry for entries in answer.values() for entry in entries if entry["address"] == "127.0.0.1"
    ]
    assert loopback
    assert all(entry["internal"] is True and entry["family"] == "IPv4" for entry in loopback)


async def test_network_interfaces_mark_only_loopback_addresses_internal_or_loopback_devices():
    answer = await call("os.networkInterfaces")

    for entries in answer.values():
        for entry in entries:
            if ipaddress.ip_address(entry["address"]).is_loopback:
                assert entry["internal"] is True


async def test_network_interface_addresses_are_ipv4_or_ipv6_with_the_matching_family():
    answer = await call("os.networkInterfaces")

    for entries in answer.values():
        for entry in entries:
            version = ipaddress.ip_address(entry["address"]).version
            assert entry["family"] == {4: "IPv4", 6: "IPv6"}[version]


async def test_network_interface_cidr_uses_the_prefix_of_the_netmask():
    answer = await call("os.networkInterfaces")

    ipv4 = [entry for entries in answer.values() for entry in entries if entry["family"] == "IPv4"]
    assert ipv4
    for entry in ipv4:
        prefix = ipaddress.IPv4Network(f"0.0.0.0/{entry['netmask']}").prefixlen
        assert entry["cidr"] == f"{entry['address']}/{prefix}"


async def test_network_interface_macs_are_colon_separated_lowercase_hex():
    answer = await call("os.networkInterfaces")

    for entries in answer.values():
        for entry in entries:
            octets = entry["mac"].split(":")
            assert all(len(octet) == 2 and octet == octet.lower() for octet in octets)
            int("".join(octets), 16)


async def test_uptime_is_positive_seconds():
    answer = await call("os.uptime")

    assert isinstance(answer, float)
    assert answer > 0


async def test_uptime_is_not_past_the_boot_clock():
    # Linux (this project's CI) has CLOCK_BOOTTIME; elsewhere psutil's boot time is the reference.
    answer = await call("os.uptime")

    if hasattr(time, "CLOCK_BOOTTIME"):
        assert answer <= time.clock_gettime(time.CLOCK_BOOTTIME)
    else:
        assert answer <= time.time() - psutil.boot_time() + 1


async def test_hrtime_is_nanoseconds_as_a_decimal_string():
    answer = await call("os.hrtime")

    assert isinstance(answer, str)
    assert answer.isdigit()


async def test_hrtime_strictly_increases():
    async with make_host(plugins=[oro_framework.core.os]) as host:
        client = MemoryClient(host)
        first = raise_for_error(await client.call("os.hrtime"))
        second = raise_for_error(await client.call("os.hrtime"))

    assert int(second) > int(first)


async def test_available_memory_is_bytes_within_total_memory():
    answer = await call("os.availableMemory")

    assert isinstance(answer, int)
    assert 0 < answer <= psutil.virtual_memory().total


async def test_paths_give_the_hosts_app_directories():
    async with make_host(plugins=[oro_framework.core.os]) as host:
        answer = raise_for_error(await MemoryClient(host).call("os.paths"))

    assert answer["data"] == str(host.paths.data)
    assert answer["cache"] == str(host.paths.cache)
    assert answer["temp"] == str(host.paths.temp)
    assert answer["resources"] == str(host.paths.resources)


async def test_paths_give_the_users_well_known_directories():
    answer = await call("os.paths")

    assert answer["home"] == str(Path.home())
    assert answer["documents"] == platformdirs.user_documents_dir()
    assert answer["downloads"] == platformdirs.user_downloads_dir()
    assert answer["desktop"] == platformdirs.user_desktop_dir()
    assert answer["pictures"] == platformdirs.user_pictures_dir()
    assert answer["music"] == platformdirs.user_music_dir()
    assert answer["videos"] == platformdirs.user_videos_dir()


async def test_paths_config_is_named_after_the_bundle_identifier():
    config = {"meta.bundle_identifier": "org.example.notes"}
    async with make_host(plugins=[oro_framework.core.os], config=config) as host:
        answer = raise_for_error(await MemoryClient(host).call("os.paths"))

    assert answer["config"] == platformdirs.user_config_dir("org.example.notes", appauthor=False)


async def test_paths_are_all_strings():
    answer = await call("os.paths")

    assert answer.keys() == {
        "resources",
        "data",
        "cache",
        "temp",
        "home",
        "documents",
        "downloads",
        "desktop",
        "pictures",
        "music",
        "videos",
        "config",
        "log",
    }
    assert all(isinstance(value, str) for value in answer.values())


async def test_paths_log_is_named_after_the_bundle_identifier():
    config = {"meta.bundle_identifier": "org.example.notes"}
    async with make_host(plugins=[oro_framework.core.os], config=config) as host:
        answer = raise_for_error(await MemoryClient(host).call("os.paths"))

    assert answer["log"] == platformdirs.user_log_dir("org.example.notes", appauthor=False)


async def test_total_memory_is_psutils_total():
    answer = await call("os.totalMemory")

    assert answer == psutil.virtual_memory().total


async def test_loadavg_gives_three_non_negative_numbers():
    answer = await call("os.loadavg")

    assert len(answer) == 3
    assert all(isinstance(value, float) and value >= 0 for value in answer)


async def test_user_info_names_the_user_the_host_runs_as():
    answer = await call("os.userInfo")

    assert answer["homedir"] == str(Path.home())
    assert answer["uid"] == (os.getuid() if hasattr(os, "getuid") else -1)
    assert answer["username"]
    assert answer.keys() == {"uid", "gid", "username", "homedir", "shell"}


async def test_rusage_gives_the_hosts_own_resource_usage():
    """Oro's ``os.rusage`` (api/os.d.ts ``rusage()``): getrusage(2) of the host process."""
    import resource

    answer = await call("os.rusage")

    assert answer.keys() == {
        "ru_maxrss",
        "ru_utime",
        "ru_stime",
        "ru_minflt",
        "ru_majflt",
        "ru_inblock",
        "ru_oublock",
        "ru_nvcsw",
        "ru_nivcsw",
    }
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert 0 < answer["ru_maxrss"] <= after.ru_maxrss
    assert 0 < answer["ru_utime"] <= after.ru_utime


async def test_constants_give_this_platforms_errno_numbers():
    answer = await call("os.constants")

    assert answer["errno"]["ENOENT"] == errno.ENOENT
    assert answer["errno"]["EACCES"] == errno.EACCES


async def test_constants_give_this_platforms_signal_numbers():
    answer = await call("os.constants")

    assert answer["signals"]["SIGINT"] == signal.SIGINT
    assert answer["signals"]["SIGTERM"] == signal.SIGTERM


@pytest.mark.parametrize("route", OS_ROUTES)
async def test_os_route_is_refused_when_device_info_is_disabled(route):
    config = {"permissions.allow_device_info": False}
    async with make_host(plugins=[oro_framework.core.os], config=config) as host:
        reply = await MemoryClient(host).call(route)

    assert reply.error is not None
    assert reply.error.code == "NOT_ALLOWED_ERR"


async def test_os_plugin_declares_device_info_permission():
    async with make_host(plugins=[oro_framework.core.os]) as host:
        permission = host.permissions.get("device_info")

    assert permission is not None
    assert permission.plugin == "os"
