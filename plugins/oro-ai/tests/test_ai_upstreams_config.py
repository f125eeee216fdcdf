"""Which upstreams a host may reach: ``[ai.upstreams.<name>]`` checked at start (loopback, the
``ai.upstream_hosts`` allow-list, plain http), the fallback named, and the key kept secret."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import oro_ai.plugin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oro_ai.settings import UpstreamSettings
from oro_ai.upstreams import check_upstream_url, is_loopback_host

import oro_framework.core.application
from oro_framework import ConfigError
from oro_framework.testing import MemoryClient, make_host
from oro_framework.web.preload import page_args

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("url", "allowed", "allow_http"),
    [
        ("http://127.0.0.1:8000/v1", [], False),
        ("http://localhost:11434/v1", [], False),
        ("http://[::1]:8000/v1", [], False),
        ("https://api.example.com/v1", ["api.example.com"], False),
        ("https://eu.api.example.com/v1", ["*.example.com"], False),
        ("https://gpu.lan:8443/v1", ["gpu.lan:8443"], False),
        ("http://gpu.lan:8000/v1", ["gpu.lan"], True),
    ],
)
def test_upstreams_the_host_may_reach(url: str, allowed: list[str], allow_http: bool) -> None:
    settings = UpstreamSettings(base_url=url, allow_http=allow_http)
    assert str(check_upstream_url("u", settings, allowed)) == url


@pytest.mark.parametrize(
    ("url", "allowed", "allow_http", "why"),
    [
        ("", [], False, "is missing"),
        ("https://api.example.com/v1", [], False, "not in ai.upstream_hosts"),
        ("https://example.com/v1", ["*.example.com"], False, "not in ai.upstream_hosts"),
        ("https://gpu.lan:9000/v1", ["gpu.lan:8443"], False, "not in ai.upstream_hosts"),
        ("http://gpu.lan:8000/v1", ["gpu.lan"], False, "plain http:// is only for loopback"),
        ("ftp://127.0.0.1/v1", [], False, "http:// or https://"),
        ("https://user:pw@api.example.com/v1", ["api.example.com"], False, "credentials"),
        ("https://api.example.com/v1?key=1", ["api.example.com"], False, "query"),
        ("127.0.0.1:8000", [], False, "http:// or https://"),
    ],
)
def test_upstreams_the_host_refuses(
    url: str, allowed: list[str], allow_http: bool, why: str
) -> None:
    settings = UpstreamSettings(base_url=url, allow_http=allow_http)
    with pytest.raises(ConfigError, match=why) as refused:
        check_upstream_url("u", settings, allowed)
    assert refused.value.key == "ai.upstreams.u.base_url"


@given(
    url=st.one_of(
        st.text(max_size=60),
        st.builds(
            lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
            st.sampled_from(["http", "https", "ftp", "HTTP", ""]),
            st.one_of(
                st.sampled_from(["127.0.0.1", "localhost", "[::1]", "10.0.0.1", "a.example.com"]),
                st.from_regex(r"[a-z0-9.\-]{1,20}", fullmatch=True),
            ),
            st.sampled_from(["", ":80", ":8000", ":0", ":99999"]),
            st.sampled_from(["/v1", "", "/v1?x=1", "/v1#f", "/../v1"]),
        ),
    ),
    allowed=st.lists(st.sampled_from(["a.example.com", "*.example.com", "10.0.0.1:8000"])),
    allow_http=st.booleans(),
)
def test_any_base_url_is_accepted_only_within_the_rules_or_refused_with_config_error(
    url: str, allowed: list[str], allow_http: bool
) -> None:
    settings = UpstreamSettings(base_url=url, allow_http=allow_http)
    try:
        accepted = check_upstream_url("u", settings, allowed)
    except ConfigError:
        return
    assert accepted.scheme in ("http", "https")
    assert not accepted.query
    assert not accepted.userinfo
    loopback = is_loopback_host(accepted.host)
    if accepted.scheme == "http":
        assert loopback or allow_http
    if not loopback:
        assert any(entry.split(":")[0].lstrip("*.") in accepted.host for entry in allowed)


def _upstream(**fields: Any) -> dict[str, Any]:
    return {f"ai.upstreams.{name}": value for name, value in fields.items()}


async def test_two_upstreams_listing_one_model_or_an_unknown_fallback_stop_the_host(
    tiny_model: Path,
) -> None:
    base = {"ai.llm.model_path": str(tiny_model.parent)}
    twice = {
        **base,
        **_upstream(**{"a.base_url": "http://127.0.0.1:1/v1", "a.models": ["m"]}),
        **_upstream(**{"b.base_url": "http://127.0.0.1:2/v1", "b.models": ["m"]}),
    }
    with pytest.raises(ConfigError, match=r"'m' is listed by upstream 'a' too"):
        async with make_host([oro_ai.plugin], config=twice):
            pass
    with pytest.raises(ConfigError, match=r"'nope' is not a model on the search path"):
        async with make_host([oro_ai.plugin], config={**base, "ai.fallback": "nope"}):
            pass
    refused = {**base, "ai.upstreams.x.base_url": "https://api.example.com/v1"}
    with pytest.raises(ConfigError, match=r"not in ai\.upstream_hosts"):
        async with make_host([oro_ai.plugin], config=refused):
            pass


def test_the_upstream_key_comes_from_the_environment_and_is_never_listed(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "oro.toml").write_text(
        '[ai.upstreams.hosted]\nbase_url = "http://127.0.0.1:9/v1"\n'
        'api_key = "env:OPENAI_API_KEY"\nmodels = ["m"]\n'
    )
    secret = "sk-from-the-environment-0123456789"
    listed = subprocess.run(
        [sys.executable, "-m", "oro_framework.cli", "config", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"OPENAI_API_KEY": secret, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert secret not in listed.stdout + listed.stderr
    values = json.loads(listed.stdout)
    shown = next(item for item in values if item["key"] == "ai.upstreams.hosted.api_key")
    assert shown["value"] == "env:OPENAI_API_KEY"


async def test_pages_never_see_an_upstreams_address_or_key(tiny_model: Path) -> None:
    """Issue 39 item 4: ``application.config`` (and the preload's ``__args.config``, the same
    copy) served ``ai.upstreams.*.base_url`` to pages; now no page-visible config holds an
    upstream's URL, its host or its key."""
    key = "sk-never-for-pages-0123456789"
    config = {
        "ai.llm.model_path": str(tiny_model.parent),
        "ai.upstreams.gpu.base_url": "https://gpu.internal.example:8443/v1",
        "ai.upstreams.gpu.api_key": key,
        "ai.upstreams.gpu.models": ["big"],
        "ai.upstream_hosts": ["gpu.internal.example:8443"],
    }
    async with make_host([oro_ai.plugin, oro_framework.core.application], config=config) as host:
        served = (await MemoryClient(host).call("application.config")).data
        preload = page_args(host.config, index=0, origin="http://127.0.0.1:1")["config"]
        # The host itself still has them, and so does `oro config list`.
        assert host.config["ai.upstreams.gpu.base_url"] == "https://gpu.internal.example:8443/v1"
    for shown in (served, preload):
        text = json.dumps(shown)
        assert "gpu.internal.example" not in text
        assert key not in text
        assert "ai_upstreams_gpu_base_url" not in shown
        assert "ai_upstreams_gpu_api_key" not in shown
        assert "ai_upstream_hosts" not in shown
        # What is no address stays visible.
        assert shown["ai_upstreams_gpu_models"] == ["big"]
