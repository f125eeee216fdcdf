"""``secure-storage:<name>`` in oro.toml: a secret key's value the host takes from the keyring
once at start (put there with ``oro secure-storage set``), shown nowhere, and a ConfigError
naming the key, the line and the fix when it cannot be had."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import final

import httpx
import oro_ai.plugin
import pytest
from _cli import oro
from _keyring import Keyring
from oro_secure_storage import plugin

from oro_framework import ConfigError, ConfigRegistry, Host, hookimpl, setting, validators
from oro_framework.testing import MemoryClient, live_server, make_host, raise_for_error

pytestmark = pytest.mark.anyio

APP = "com.example.refs"
SECRET = "tok-0123456789abcdef-ΩΩ"
OPENAI_KEY = "sk-test-00112233445566778899"


@final
@dataclass(frozen=True)
class DeploySettings:
    token: str = setting("", "Deploy token.", validator=validators.secret, secret=True)


class DeployPlugin:
    """Declares a secret key and keeps what its settings held when it was configured."""

    name = "deploy-plugin"

    def __init__(self) -> None:
        self.token: str | None = None

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        config.add_settings(DeploySettings, section="deploy")

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self.token = host.settings(DeploySettings).token


def write_app(directory: Path, body: str, app: str = APP) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.html").write_text("<!doctype html><title>refs</title>\n")
    (directory / "oro.toml").write_text(
        f'[meta]\nbundle_identifier = "{app}"\n\n{body}', encoding="utf-8"
    )
    return directory


def keep(keyring: Keyring, app_dir: Path, name: str, secret: str) -> None:
    done = oro(
        "secure-storage",
        "set",
        name,
        "--app",
        str(app_dir),
        environ=keyring.environ,
        stdin=secret + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr


async def test_a_reference_resolves_before_configure_and_stays_what_tools_show(
    keyring: Keyring, tmp_path: Path
) -> None:
    app_dir = write_app(tmp_path / "app", '[deploy]\ntoken = "secure-storage:deploy"\n')
    keep(keyring, app_dir, "deploy", SECRET)
    deploy = DeployPlugin()

    async with make_host([plugin, deploy], app_dir=app_dir, environ=keyring.environ) as host:
        assert deploy.token == SECRET
        assert host.settings(DeploySettings).token == SECRET
        assert SECRET not in repr(host.settings(DeploySettings))
        assert str(host.config.reference("deploy.token")) == "secure-storage:deploy"
        assert host.config.source("deploy.token") == "oro.toml:5"
        assert "deploy_token" not in host.config.flattened(include_secrets=False)
        # The items references name are not the page's: no scope reaches them.
        client = MemoryClient(host)
        for scope in ("default", "config"):
            got = await client.call("secureStorage.get", scope=scope, key="deploy")
            assert raise_for_error(got)["value"] is None
        assert raise_for_error(await client.call("secureStorage.keys", scope="config")) == {
            "scope": "config",
            "keys": [],
        }


async def test_a_missing_item_is_a_config_error_naming_key_line_and_fix(
    keyring: Keyring, tmp_path: Path
) -> None:
    app_dir = write_app(tmp_path / "app", '[deploy]\ntoken = "secure-storage:deploy"\n')
    other_app = write_app(tmp_path / "other", "", app="com.example.other")
    # Another app's item of the same name is not this app's.
    keep(keyring, other_app, "deploy", SECRET)

    with pytest.raises(ConfigError) as refused:
        async with make_host([plugin, DeployPlugin()], app_dir=app_dir, environ=keyring.environ):
            pass

    message = str(refused.value)
    assert message.startswith(
        "oro.toml:5: key 'deploy.token' holds the secret reference 'secure-storage:deploy', "
        "which cannot be resolved: "
    )
    assert "`oro secure-storage set deploy`" in message
    assert SECRET not in message


async def test_no_secret_service_is_a_config_error_naming_the_fix(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path / "app", '[deploy]\ntoken = "secure-storage:deploy"\n')
    with pytest.raises(ConfigError, match=r"^oro\.toml:5: key 'deploy\.token' .*gnome-keyring"):
        async with make_host([plugin, DeployPlugin()], app_dir=app_dir, environ={}):
            pass


async def test_the_keys_checks_apply_to_the_secret_never_showing_it(
    keyring: Keyring, tmp_path: Path
) -> None:
    app_dir = write_app(tmp_path / "app", '[deploy]\ntoken = "secure-storage:short"\n')
    keep(keyring, app_dir, "short", "tiny-Secret")
    with pytest.raises(ConfigError, match="at least 16 characters") as refused:
        async with make_host([plugin, DeployPlugin()], app_dir=app_dir, environ=keyring.environ):
            pass
    assert "tiny-Secret" not in str(refused.value)


async def test_without_the_plugin_the_scheme_is_a_config_error(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path / "app", '[deploy]\ntoken = "secure-storage:deploy"\n')
    with pytest.raises(ConfigError, match="no installed plugin resolves 'secure-storage:'"):
        async with make_host([DeployPlugin()], app_dir=app_dir):
            pass


async def test_ai_llm_api_key_from_the_keyring_opens_the_served_api(
    keyring: Keyring, tmp_path: Path
) -> None:
    app_dir = write_app(
        tmp_path / "app", '[ai.llm]\napi_key = "secure-storage:openai"\nthreads = 1\n'
    )
    keep(keyring, app_dir, "openai", OPENAI_KEY)
    plugins = [oro_ai.plugin, plugin]
    async with (
        make_host(plugins, app_dir=app_dir, environ=keyring.environ) as host,
        live_server(host) as server,
    ):
        url = f"{server.origin}/ai/llama/health"
        async with httpx.AsyncClient() as client:
            with_key = await client.get(url, headers={"Authorization": f"Bearer {OPENAI_KEY}"})
            reference = await client.get(
                url, headers={"Authorization": "Bearer secure-storage:openai"}
            )
    assert with_key.status_code == 200
    assert reference.status_code == 403


def test_oro_config_list_shows_the_reference_never_the_secret(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path / "app", '[ai.llm]\napi_key = "secure-storage:openai"\n')
    # No keyring at all: listing needs none.
    for flags in ((), ("--show-secrets",)):
        listed = oro("config", "list", *flags, environ={}, cwd=app_dir)
        assert listed.returncode == 0, listed.stderr
        assert 'ai.llm.api_key = "secure-storage:openai"  # oro.toml:5' in listed.stdout
    got = oro("config", "get", "ai.llm.api_key", environ={}, cwd=app_dir)
    assert got.stdout.strip() == "secure-storage:openai"
