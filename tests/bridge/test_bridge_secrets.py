"""Secrets stay off the wire: ``oro.toml``, dotfiles and files named by secret keys are never
served (404, as if missing), and keys can live in a secrets file outside the app's resources."""

from __future__ import annotations

import os
import textwrap
import warnings
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from oro_framework import ConfigError, ConfigRegistry, Host, hookimpl
from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

KEY_IN_FILE = "f" * 20
KEY_IN_SECRETS = "s" * 20
KEY_IN_ENV = "e" * 20


class TLSPlugin:
    """Declares a secret key whose value is a path, as a TLS plugin would."""

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        config.add("test.tls_private_key", str, "", "PEM file of the TLS private key.")


def write_app(root: Path, oro_toml: str = "") -> Path:
    app = root / "app"
    (app / ".git").mkdir(parents=True)
    (app / "index.html").write_text("<html><head></head><body>index</body></html>")
    (app / ".env").write_text("SECRET=1")
    (app / ".git" / "config").write_text("[remote]")
    (app / "oro.toml").write_text(textwrap.dedent(oro_toml))
    return app


@asynccontextmanager
async def session_client(
    app: Path, *, plugins: list[object] | None = None, environ: Mapping[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        make_host(plugins or [], app_dir=app, environ=environ) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        yield client


def build_host(app: Path, environ: Mapping[str, str], tmp_path: Path) -> Host:
    return Host(app, autoload=False, environ=environ, data_dir=tmp_path / "data")


def without_date(headers: httpx.Headers) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "date"}


def write_secrets(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "secrets.toml"
    path.write_text(textwrap.dedent(text))
    return path


# -------------------------------------------------------------------------------------------------
# Never served
# -------------------------------------------------------------------------------------------------


async def test_oro_toml_is_not_served(tmp_path: Path) -> None:
    app = write_app(tmp_path, '[http.ipc]\nshared_key = "' + KEY_IN_FILE + '"\n')
    async with session_client(app) as client:
        got = await client.get("/oro.toml")
        head = await client.head("/oro.toml")
        index = await client.get("/index.html")

    assert (got.status_code, head.status_code) == (404, 404)
    assert KEY_IN_FILE not in got.text
    assert index.status_code == 200


async def test_oro_toml_is_answered_exactly_like_a_missing_file(tmp_path: Path) -> None:
    async with session_client(write_app(tmp_path)) as client:
        hidden = await client.get("/oro.toml")
        missing = await client.get("/nothing.toml")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert without_date(hidden.headers) == without_date(missing.headers)


async def test_oro_toml_is_not_served_through_a_symlink_or_hard_link(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    (app / "settings.toml").symlink_to(app / "oro.toml")
    os.link(app / "oro.toml", app / "copy.toml")
    async with session_client(app) as client:
        symlinked = await client.get("/settings.toml")
        hard_linked = await client.get("/copy.toml")

    assert (symlinked.status_code, hard_linked.status_code) == (404, 404)


@pytest.mark.parametrize("target", ["/.env", "/.git/config", "/.git/", "/sub/../.env"])
async def test_dot_paths_are_not_served(tmp_path: Path, target: str) -> None:
    async with session_client(write_app(tmp_path)) as client:
        response = await client.get(target)

    assert response.status_code == 404


async def test_symlink_to_a_dotfile_is_not_served(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    (app / "environment.txt").symlink_to(app / ".env")
    (app / "repository").symlink_to(app / ".git")
    async with session_client(app) as client:
        file_link = await client.get("/environment.txt")
        directory_link = await client.get("/repository/config")

    assert (file_link.status_code, directory_link.status_code) == (404, 404)


async def test_file_named_by_a_secret_key_is_not_served(tmp_path: Path) -> None:
    app = write_app(tmp_path, '[test]\ntls_private_key = "certs/server.key"\n')
    (app / "certs").mkdir()
    (app / "certs" / "server.key").write_text("-----BEGIN PRIVATE KEY-----")
    (app / "certs" / "server.crt").write_text("-----BEGIN CERTIFICATE-----")
    async with session_client(app, plugins=[TLSPlugin()]) as client:
        key = await client.get("/certs/server.key")
        certificate = await client.get("/certs/server.crt")

    assert key.status_code == 404
    assert certificate.status_code == 200


async def test_secrets_file_keys_reach_the_bridge(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    secrets = write_secrets(tmp_path / "private", f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')
    environ = {"ORO_SECRETS_FILE": str(secrets), "ORO_HTTP_IPC_ENABLE": "1"}
    async with (
        make_host(app_dir=app, environ=environ) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        accepted = await client.get("/ipc/none", headers={"X-ORO-Auth": KEY_IN_SECRETS})
        refused = await client.get("/ipc/none", headers={"X-ORO-Auth": KEY_IN_FILE})

    assert accepted.status_code == 404  # past the checks: no such route
    assert refused.status_code == 403


# -------------------------------------------------------------------------------------------------
# Where keys come from
# -------------------------------------------------------------------------------------------------


def test_secrets_file_sits_between_oro_toml_and_the_environment(tmp_path: Path) -> None:
    app = write_app(tmp_path, f'[http.ipc]\nshared_key = "{KEY_IN_FILE}"\n')
    secrets = write_secrets(
        tmp_path / "private",
        f"""\
        # only the user's copy holds the real key
        [http.ipc]
        shared_key = "{KEY_IN_SECRETS}"
        """,
    )
    environ = {"ORO_SECRETS_FILE": str(secrets)}

    from_secrets = build_host(app, environ, tmp_path)
    from_env = build_host(app, {**environ, "ORO_HTTP_IPC_SHARED_KEY": KEY_IN_ENV}, tmp_path)
    from_secrets.close()
    from_env.close()

    assert from_secrets.config["http.ipc.shared_key"] == KEY_IN_SECRETS
    assert from_secrets.config.source("http.ipc.shared_key") == "secrets.toml:3"
    assert from_env.config["http.ipc.shared_key"] == KEY_IN_ENV
    assert from_env.config.source("http.ipc.shared_key") == "env ORO_HTTP_IPC_SHARED_KEY"


def test_oro_toml_names_the_secrets_file_relative_to_the_app(tmp_path: Path) -> None:
    write_secrets(tmp_path / "private", f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')
    app = write_app(tmp_path, '[oro]\nsecrets_file = "../private/secrets.toml"\n')

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the entry is the loader's own, not an unknown key
        host = build_host(app, {}, tmp_path)
    host.close()

    assert host.config["http.ipc.shared_key"] == KEY_IN_SECRETS


def test_environment_names_the_secrets_file_over_oro_toml(tmp_path: Path) -> None:
    write_secrets(tmp_path / "one", f'[http.ipc]\nshared_key = "{KEY_IN_FILE}"\n')
    chosen = write_secrets(tmp_path / "two", f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')
    app = write_app(tmp_path, '[oro]\nsecrets_file = "../one/secrets.toml"\n')

    host = build_host(app, {"ORO_SECRETS_FILE": str(chosen)}, tmp_path)
    host.close()

    assert host.config["http.ipc.shared_key"] == KEY_IN_SECRETS


def test_secrets_file_inside_the_resources_is_config_error(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    secrets = write_secrets(app / "config", f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')

    with pytest.raises(ConfigError, match="inside the app's resources"):
        build_host(app, {"ORO_SECRETS_FILE": str(secrets)}, tmp_path)


def test_secrets_file_reached_through_a_symlink_into_the_resources_is_config_error(
    tmp_path: Path,
) -> None:
    app = write_app(tmp_path)
    inside = write_secrets(app / "config", f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')
    outside_name = tmp_path / "looks-outside.toml"
    outside_name.symlink_to(inside)

    with pytest.raises(ConfigError, match="inside the app's resources"):
        build_host(app, {"ORO_SECRETS_FILE": str(outside_name)}, tmp_path)


def test_secrets_file_beside_resources_in_a_subdirectory_is_accepted(tmp_path: Path) -> None:
    app = write_app(tmp_path, '[webview]\nroot = "public"\n[oro]\nsecrets_file = "secrets.toml"\n')
    (app / "public").mkdir()
    write_secrets(app, f'[http.ipc]\nshared_key = "{KEY_IN_SECRETS}"\n')

    host = build_host(app, {}, tmp_path)
    host.close()

    assert host.config["http.ipc.shared_key"] == KEY_IN_SECRETS


def test_missing_secrets_file_is_config_error(tmp_path: Path) -> None:
    app = write_app(tmp_path)

    with pytest.raises(ConfigError, match=r"env ORO_SECRETS_FILE: the secrets file .* does not"):
        build_host(app, {"ORO_SECRETS_FILE": str(tmp_path / "absent.toml")}, tmp_path)


def test_secrets_file_cannot_name_another(tmp_path: Path) -> None:
    secrets = write_secrets(tmp_path / "private", '[oro]\nsecrets_file = "/elsewhere.toml"\n')

    with pytest.raises(ConfigError, match="cannot be set in the secrets file"):
        build_host(write_app(tmp_path), {"ORO_SECRETS_FILE": str(secrets)}, tmp_path)


def test_secret_keys_come_from_the_environment(tmp_path: Path) -> None:
    host = build_host(write_app(tmp_path), {"ORO_HTTP_IPC_SHARED_KEY": KEY_IN_ENV}, tmp_path)
    host.close()

    assert host.config["http.ipc.shared_key"] == KEY_IN_ENV
    assert host.config.source("http.ipc.shared_key") == "env ORO_HTTP_IPC_SHARED_KEY"


@pytest.mark.parametrize(
    ("name", "is_secret"),
    [
        ("http.ipc.shared_key", True),
        ("ai.llm.api_key", True),
        ("service.client_secret", True),
        ("hub.token", True),
        ("db.password", True),
        ("window.title", False),
        ("ai.llm.key_size", False),
    ],
)
def test_keys_named_like_secrets_are_secret(name: str, is_secret: bool) -> None:
    registry = ConfigRegistry()

    assert registry.add(name, str, "", "A key.").is_secret is is_secret
