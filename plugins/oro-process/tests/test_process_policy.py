"""The ``[process]`` policy: every refusal is a ``SecurityError`` (``ERR_PROCESS_NOT_ALLOWED``)
naming the rule, and with hypothesis, on real children: no working directory outside the
allowed roots is ever used, and no environment variable ``[process] env`` does not list ever
reaches a child."""

from __future__ import annotations

import base64
import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import given, settings
from hypothesis import strategies as st
from oro_process.errors import NOT_ALLOWED, SpawnError

from conftest import ENVIRON, PATH, PROCESS_PLUGINS, real, run
from oro_framework import ConfigError, Host, IPCError, SecurityError
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def refusal(client: MemoryClient, **params: Any) -> str:
    """The message of the SecurityError ``child_process.spawn`` answers ``params`` with."""
    reply = await client.call("child_process.spawn", **params)
    assert isinstance(reply.error, SecurityError), (params, reply.error)
    assert reply.error.code == NOT_ALLOWED
    assert reply.status == 403
    return reply.error.message


# --------------------------------------------------------------------------------------------
# Programs and arguments
# --------------------------------------------------------------------------------------------


async def test_a_program_not_listed_is_refused_by_name(client: MemoryClient) -> None:
    assert await refusal(client, command="curl") == "'curl' is not in [process] allow"
    assert await refusal(client, command="./sh") == "'./sh' is not in [process] allow"


async def test_a_name_may_be_given_as_the_path_it_resolved_to_and_no_other(
    client: MemoryClient,
) -> None:
    resolved = shutil.which("echo", path=PATH)
    assert resolved is not None
    answer = await run(client, resolved, "by path")
    assert answer["stdout"] == b"by path\n"
    other = real(resolved).replace("/usr/bin/", "/bin/")
    if other == resolved:
        other = "/usr/bin/../bin/echo"
    assert await refusal(client, command=other) == f"{other!r} is not in [process] allow"


@pytest.mark.parametrize(
    "oro_config", [{"process.args.echo": "-n|hello|[0-9]+", "process.args.sleep": "[0-9]+"}]
)
async def test_an_argument_that_does_not_match_names_the_rule(client: MemoryClient) -> None:
    assert (await run(client, "echo", "-n", "hello", "42"))["stdout"] == b"hello 42"
    message = await refusal(client, command="echo", args=["hello", "--upload"])
    assert message == (
        "argument 2 '--upload' of 'echo' does not match [process.args] echo = '-n|hello|[0-9]+'"
    )
    # The whole argument must match, not a prefix.
    assert "argument 1 '10s'" in await refusal(client, command="sleep", args=["10s"])


async def test_shell_needs_sh_on_the_list() -> None:
    config = {"process.allow": ["echo"]}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        message = await refusal(MemoryClient(host), command="echo", args=["x"], shell=True)
    assert message == (
        "shell: true runs /bin/sh, and neither 'sh' nor '/bin/sh' is in [process] allow"
    )


@pytest.mark.parametrize(
    ("config", "refused"),
    [
        ({"process.allow": ["curl"], "process.args.wget": "x"}, "'process.args.wget' names"),
        ({"process.allow": ["curl"], "process.args.curl": "(["}, "not a regular expression"),
        ({"process.allow": ["bin/tool"]}, "a name looked up on PATH or an absolute path"),
        ({"process.env": ["PATH", "A=B"]}, "not an environment variable name"),
        ({"process.kill_grace_ms": -1}, "process.kill_grace_ms"),
    ],
)
async def test_bad_rules_are_config_errors(config: dict[str, Any], refused: str) -> None:
    with pytest.raises(ConfigError, match=refused.replace("(", r"\(").replace("[", r"\[")):
        async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON):
            pass


# --------------------------------------------------------------------------------------------
# Programs that run other programs
# --------------------------------------------------------------------------------------------

TRAMPOLINE_REFUSED = "runs any program named in its arguments"


@pytest.mark.parametrize(
    "rule", ["env", "/usr/bin/env", "nice", "timeout", "xargs", "nohup", "sh", "/bin/sh", "perl"]
)
async def test_a_program_that_runs_other_programs_is_refused_at_config(rule: str) -> None:
    """Issue 39, Low: an allowed ``env`` was a trampoline to any program (``env curl ...``).
    Such a program on allow, without an argument rule and not in ``trampolines``, stops the
    config from loading, and the error names both fixes."""
    with pytest.raises(ConfigError) as refused:
        async with make_host(PROCESS_PLUGINS, config={"process.allow": [rule]}, environ=ENVIRON):
            pass
    message = str(refused.value)
    assert TRAMPOLINE_REFUSED in message
    assert "[process.args]" in message
    assert f"[process] trampolines = [{rule!r}]" in message


async def test_a_trampoline_under_another_name_is_still_one(tmp_path: Path) -> None:
    """A symlink to env named otherwise runs as env (env does not care about its name)."""
    launcher = tmp_path / "launcher"
    launcher.symlink_to(real(shutil.which("env", path=PATH) or "/usr/bin/env"))
    config = {"process.allow": [str(launcher)]}
    with pytest.raises(ConfigError, match=TRAMPOLINE_REFUSED):
        async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON):
            pass


async def test_a_trampoline_with_an_argument_rule_runs_only_what_the_rule_allows() -> None:
    config = {"process.allow": ["env"], "process.args.env": "-0|-u|[A-Z]+"}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        client = MemoryClient(host)
        assert b"LANG=C.UTF-8" in (await run(client, "env", "-0"))["stdout"]
        message = await refusal(client, command="env", args=["sh", "-c", "id"])
        assert message.startswith("argument 1 'sh' of 'env' does not match [process.args]")


async def test_a_trampoline_listed_in_trampolines_runs_anything_as_the_app_chose() -> None:
    config = {"process.allow": ["env"], "process.trampolines": ["env"]}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        answer = await run(MemoryClient(host), "env", "echo", "through env")
        assert answer["stdout"] == b"through env\n"


async def test_trampolines_names_only_programs_on_allow() -> None:
    config = {"process.allow": ["echo"], "process.trampolines": ["env"]}
    with pytest.raises(ConfigError, match=r"'process\.trampolines' names 'env'"):
        async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON):
            pass


async def test_a_trampoline_in_oro_toml_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "oro.toml").write_text('[process]\nallow = ["echo", "env"]\n')
    with pytest.raises(ConfigError, match=TRAMPOLINE_REFUSED) as refused:
        async with make_host(PROCESS_PLUGINS, app_dir=tmp_path, environ=ENVIRON):
            pass
    assert refused.value.key == "process.allow"


async def test_rules_come_from_oro_toml(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "oro.toml").write_text(
        '[process]\nallow = ["echo", "/usr/bin/env"]\nenv = ["LANG"]\n'
        "[process.args]\necho = 'a|b'\n\"/usr/bin/env\" = '-i|X=1'\n"
    )
    async with make_host(PROCESS_PLUGINS, app_dir=tmp_path, environ=ENVIRON) as host:
        client = MemoryClient(host)
        assert (await run(client, "echo", "a", "b"))["stdout"] == b"a b\n"
        assert "argument 1 'c'" in await refusal(client, command="echo", args=["c"])
        assert (await run(client, "/usr/bin/env", "-i", "X=1"))["stdout"] == b"X=1\n"


# --------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------


def environment(output: bytes) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.decode().splitlines())


async def test_without_a_page_env_a_child_gets_the_hosts_values_of_listed_names_only(
    client: MemoryClient,
) -> None:
    seen = environment((await run(client, "/usr/bin/env"))["stdout"])
    assert seen == {"PATH": ENVIRON["PATH"], "LANG": ENVIRON["LANG"]}  # no HOME, no secret


async def test_a_page_env_replaces_the_environment(client: MemoryClient) -> None:
    seen = environment(
        (await run(client, "/usr/bin/env", env={"LANG": "C", "TZ": "UTC"}))["stdout"]
    )
    assert seen == {"LANG": "C", "TZ": "UTC"}
    oro_form = await run(client, "/usr/bin/env", env="LANG=fr_FR\x01TZ=a=b")
    assert environment(oro_form["stdout"]) == {"LANG": "fr_FR", "TZ": "a=b"}


async def test_an_env_name_not_listed_is_refused(client: MemoryClient) -> None:
    message = await refusal(client, command="env", env={"LANG": "C", "LD_PRELOAD": "/x.so"})
    assert message == "environment variable 'LD_PRELOAD' is not in [process] env"


# --------------------------------------------------------------------------------------------
# Working directory
# --------------------------------------------------------------------------------------------


@contextmanager
def directories(host: Host, outside: Path) -> Iterator[None]:
    """In the data directory: ``sub/``, ``in`` (a symlink to ``sub``) and ``out`` (a symlink to
    ``outside``, a directory outside every root)."""
    data = host.paths.data
    (data / "sub").mkdir(exist_ok=True)
    for name, target in (("in", data / "sub"), ("out", outside)):
        if not (data / name).is_symlink():
            (data / name).symlink_to(target)
    yield


async def test_cwd_outside_is_refused_however_it_is_written(host: Host, tmp_path: Path) -> None:
    client = MemoryClient(host)
    with directories(host, tmp_path):
        data = host.paths.data
        for cwd in ("/etc", "out", "out/.", "sub/../out", "../../../../../etc", f"{data}/.."):
            message = await refusal(client, command="pwd", cwd=cwd)
            assert (
                message == f"cwd {cwd!r} is outside the app's directories and [process] cwd_roots"
            )


async def test_cwd_inside_runs_there(host: Host) -> None:
    client = MemoryClient(host)
    with directories(host, Path("/etc")):
        data = real(host.paths.data)
        assert (await run(client, "pwd", "-P"))["stdout"].decode() == f"{data}\n"
        for cwd in ("sub", "in", "in/../sub", f"{data}/sub"):
            answer = await run(client, "pwd", "-P", cwd=cwd)
            assert answer["stdout"].decode() == f"{data}/sub\n", cwd
        temp = real(host.paths.temp)
        assert (await run(client, "pwd", "-P", cwd=temp))["stdout"].decode() == f"{temp}\n"


async def test_cwd_roots_and_the_pages_picked_directories_are_allowed(tmp_path: Path) -> None:
    root, picked = tmp_path / "root", tmp_path / "picked"
    root.mkdir()
    picked.mkdir()
    config = {"process.allow": ["pwd"], "process.cwd_roots": [str(root)]}
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as host:
        page, other = MemoryClient(host, window=0), MemoryClient(host, window=1)
        assert (await run(page, "pwd", "-P", cwd=str(root)))["stdout"] == f"{root}\n".encode()
        assert "is outside" in await refusal(page, command="pwd", cwd=str(picked))
        host.file_grants.grant(0, str(picked), is_directory=True)
        assert (await run(page, "pwd", "-P", cwd=str(picked)))["stdout"] == f"{picked}\n".encode()
        assert "is outside" in await refusal(other, command="pwd", cwd=str(picked))


# --------------------------------------------------------------------------------------------
# Properties, on real children
# --------------------------------------------------------------------------------------------

COMPONENTS = st.sampled_from(["..", ".", "sub", "in", "out", "etc", "", "nope", "tmp", "/"])
PREFIXES = st.sampled_from(["", "/", "/etc/", "/tmp/", "data/", "outside/"])


def _within(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def test_no_cwd_outside_the_roots_is_ever_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    config = {"process.allow": ["pwd"]}
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON)
        ) as host,
        directories(host, outside),
    ):
        client = MemoryClient(host)
        paths = host.paths
        roots = [os.path.realpath(p) for p in (paths.resources, paths.data, paths.temp)]
        bases = {"data/": f"{paths.data}/", "outside/": f"{outside}/"}
        outcomes: list[str] = []

        @settings(max_examples=120, deadline=None)
        @given(prefix=PREFIXES, components=st.lists(COMPONENTS, max_size=6))
        def check(prefix: str, components: list[str]) -> None:
            cwd = bases.get(prefix, prefix) + "/".join(components)
            outcomes.append(cwd)
            call = functools.partial(
                client.call, "child_process.exec", command="pwd", args=["-P"], cwd=cwd
            )
            reply = portal.call(call)
            if isinstance(reply.error, SecurityError):
                assert reply.error.code == NOT_ALLOWED
                assert not _within(os.path.realpath(paths.data / cwd), roots)
                return
            if isinstance(reply.error, SpawnError):  # inside a root, but not a directory
                assert reply.error.code in ("ENOENT", "ENOTDIR"), reply.error
                return
            ran = raise_for_error(reply)
            where = base64.b64decode(ran["stdout"]).decode().rstrip("\n")
            assert _within(where, roots), (cwd, where)

        check()
        assert len(set(outcomes)) > 50  # the property met many different paths


ENV_NAMES = st.sampled_from(
    ["PATH", "LANG", "LC_ALL", "TZ", "HOME", "LD_PRELOAD", "SECRET_TOKEN", "A=B", "", "path"]
)
ENV_VALUES = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"))


def test_no_unlisted_env_name_ever_reaches_a_child() -> None:
    listed = {"PATH", "LANG", "LC_ALL", "TZ"}
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(
                PROCESS_PLUGINS,
                config={"process.allow": ["env"], "process.trampolines": ["env"]},
                environ=ENVIRON,
            )
        ) as host,
    ):
        client = MemoryClient(host)
        tried: list[dict[str, str] | None] = []

        @settings(max_examples=120, deadline=None)
        @given(env=st.none() | st.dictionaries(ENV_NAMES, ENV_VALUES, max_size=5))
        def check(env: dict[str, str] | None) -> None:
            tried.append(env)
            params: dict[str, Any] = {"command": "env", "args": ["-0"]}
            if env is not None:
                params["env"] = env
            reply = portal.call(functools.partial(client.call, "child_process.exec", **params))
            if env is not None and not set(env) <= listed:
                assert isinstance(reply.error, SecurityError), reply.error
                assert reply.error.code == NOT_ALLOWED
                return
            raw = base64.b64decode(raise_for_error(reply)["stdout"])
            seen = dict(item.split("=", 1) for item in raw.decode().split("\0") if item)
            assert set(seen) <= listed
            expected = {k: ENVIRON[k] for k in listed if k in ENVIRON} if env is None else env
            assert seen == expected

        check()
        assert len(tried) > 50


async def test_every_refusal_leaves_the_host_serving(client: MemoryClient) -> None:
    for params in (
        {"command": "curl"},
        {"command": "env", "env": {"LD_PRELOAD": "x"}},
        {"command": "pwd", "cwd": "/"},
    ):
        reply = await client.call("child_process.spawn", **params)
        assert isinstance(reply.error, IPCError)
    assert (await run(client, "echo", "still here"))["stdout"] == b"still here\n"
