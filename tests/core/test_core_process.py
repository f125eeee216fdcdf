import os
import platform
import sys

import psutil
import pytest

import oro_framework.core.process
from oro_framework import ConfigError, __version__
from oro_framework.core.process import declared_environment, redacted_argv
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

PLUGINS = [oro_framework.core.process]


def page_args(host):
    return host.hooks.page_args(host, window=0, origin="http://127.0.0.1:1")


async def test_env_holds_only_the_declared_variables():
    environ = {"HOME": "/home/x", "PATH": "/bin", "APP_MODE": "dev", "LANG": "C"}
    config = {"build.env": ["APP_MODE", "MISSING"]}
    async with make_host(plugins=PLUGINS, config=config, environ=environ) as host:
        args = page_args(host)

    assert args["env"] == {"APP_MODE": "dev"}


async def test_env_section_gives_fixed_values_and_forwarded_variables_override_them(tmp_path):
    (tmp_path / "oro.toml").write_text('[env]\nAPP_MODE = "prod"\nREGION = "eu"\n')
    (tmp_path / "index.html").write_text("")
    environ = {"APP_MODE": "dev", "REGION": "us"}
    config = {"build.env": ["APP_MODE"]}
    async with make_host(plugins=PLUGINS, app_dir=tmp_path, config=config, environ=environ) as host:
        args = page_args(host)

    assert args["env"] == {"APP_MODE": "dev", "REGION": "eu"}


async def test_env_is_empty_by_default_whatever_the_host_environment_holds():
    async with make_host(plugins=PLUGINS, environ={"PATH": "/bin", "HOME": "/h"}) as host:
        args = page_args(host)

    assert args["env"] == {}


async def test_build_env_refuses_a_secret_looking_name():
    with pytest.raises(ConfigError, match="API_TOKEN"):
        async with make_host(plugins=PLUGINS, config={"build.env": ["API_TOKEN"]}):
            pass


async def test_build_env_refuses_what_is_not_a_variable_name():
    with pytest.raises(ConfigError, match="not an environment variable name"):
        async with make_host(plugins=PLUGINS, config={"build.env": ["A-B"]}):
            pass


async def test_env_section_refuses_a_secret_looking_name(tmp_path):
    (tmp_path / "oro.toml").write_text('[env]\nSTRIPE_SECRET = "x"\n')
    (tmp_path / "index.html").write_text("")
    with pytest.raises(ConfigError, match=r"env\.STRIPE_SECRET"):
        async with make_host(plugins=PLUGINS, app_dir=tmp_path):
            pass


def test_declared_environment_never_passes_a_secret_name():
    env = declared_environment(
        {"DB_PASSWORD": "p", "MODE": "a"}, ["SIGNING_KEY"], {"SIGNING_KEY": "k"}
    )

    assert env == {"MODE": "a"}


def test_redacted_argv_hides_values_of_secret_names():
    argv = ["oro", "run", "-c", "http.ipc.shared_key=0123456789abcdef", "-c", "window.width=3"]

    assert redacted_argv(argv) == [
        "oro",
        "run",
        "-c",
        "http.ipc.shared_key=<redacted>",
        "-c",
        "window.width=3",
    ]


async def test_process_facts_describe_the_host_process():
    async with make_host(plugins=PLUGINS, config={"meta.name": "notes"}) as host:
        facts = page_args(host)["process"]

    assert facts["pid"] == os.getpid()
    assert facts["ppid"] == os.getppid()
    # Oro's cwd: the app's resources, where oro-fs resolves relative paths too.
    assert facts["cwd"] == str(host.paths.resources)
    assert facts["execPath"] == sys.executable
    assert facts["argv"][0] == sys.executable
    assert facts["title"] == "notes"
    assert facts["uptime"] >= 0
    # Read from /proc as psutil reads it there.
    assert facts["startedAt"] == pytest.approx(psutil.Process().create_time(), abs=0.011)
    assert facts["versions"]["oro-framework"] == __version__
    assert facts["versions"]["python"] == platform.python_version()


async def test_primordials_have_exactly_oros_five_keys():
    async with make_host(plugins=PLUGINS) as host:
        primordials = page_args(host)["process"]["primordials"]

    assert primordials.keys() == {"arch", "cwd", "platform", "version", "host-operating-system"}
    assert primordials["platform"] == sys.platform
    assert primordials["host-operating-system"] == platform.system()
    # Oro's shape, "<release> (<hash>)", which Oro's own ipc test checks.
    version = primordials["version"]
    assert version["full"] == f"{version['short']} ({version['hash']})"
    assert __version__.startswith(version["short"])
    assert primordials["version"].keys() == {"full", "short", "hash"}


async def test_without_permission_runtime_pages_get_the_env_but_no_process_facts():
    config = {"permissions.allow_runtime": False, "build.env": ["MODE"]}
    async with make_host(plugins=PLUGINS, config=config, environ={"MODE": "x"}) as host:
        args = page_args(host)

    assert args == {"env": {"MODE": "x"}, "argv": [], "process": {}}


async def test_memory_usage_reports_the_host_rss():
    async with make_host(plugins=PLUGINS) as host:
        answer = raise_for_error(await MemoryClient(host).call("process.memoryUsage"))

    assert isinstance(answer["rss"], int)
    # The same process, measured twice: within a factor of two of each other.
    assert (
        psutil.Process().memory_info().rss / 2
        < answer["rss"]
        < psutil.Process().memory_info().rss * 2
    )


async def test_memory_usage_is_refused_without_permission_runtime():
    async with make_host(plugins=PLUGINS, config={"permissions.allow_runtime": False}) as host:
        reply = await MemoryClient(host).call("process.memoryUsage")

    assert reply.error is not None
    assert reply.error.code == "NOT_ALLOWED_ERR"
