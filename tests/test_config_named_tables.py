"""Named tables in ``oro.toml``: a settings field annotated ``dict[str, <settings dataclass>]``
declares ``<section>.<field>.*.<inner field>`` keys, and each ``[<section>.<field>.<name>]``
table reads back as one typed object (docs/config.md, "Named tables"). Also the host's own
``env:`` secret references (docs/config.md, "References to the keyring").

This module is also the plugin the real ``oro`` command loads in the CLI tests: its entry point
names :data:`PLUGIN`.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, final

import pytest
import tomlkit
from _oro_process import run_oro
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from oro_framework import (
    ConfigError,
    ConfigRegistry,
    ConfigWarning,
    Host,
    RegistrationError,
    hookimpl,
    setting,
    setting_from,
    validators,
)
from oro_framework.host.config import PLATFORM_SECTIONS, load_config
from oro_framework.host.config.keys import TABLE_NAME

SECTION: Final = "routing"


@final
@dataclass(frozen=True)
class UpstreamSettings:
    base_url: str = setting("", "The server's base URL.")
    api_key: str = setting("", "Its API key.", secret=True)
    models: list[str] = setting([], "Models it serves.")
    connect_timeout: float = setting(5.0, "Seconds to connect.", validator=validators.positive)
    retries: int = setting(2, "Attempts after the first.", validator=validators.not_negative)
    enabled: bool = setting(True, "Whether to route to it.")


@final
@dataclass(frozen=True)
class RoutingSettings:
    fallback: str = setting("", "The upstream to use when none is named.")
    upstreams: dict[str, UpstreamSettings] = setting({}, "OpenAI-compatible servers.")
    aliases: dict[str, str] = setting({}, "Other names of upstreams (a wildcard key).")


class TablesPlugin:
    """Declares :class:`RoutingSettings` under ``[routing]``."""

    name = "tables-test"

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry) -> None:
        config.add_settings(RoutingSettings, section=SECTION)


PLUGIN: Final = TablesPlugin()


def registry() -> ConfigRegistry:
    keys = ConfigRegistry()
    with keys.registering("tables-test"):
        keys.add_settings(RoutingSettings, section=SECTION)
    return keys


def build(
    app: Path,
    text: str | None,
    *,
    environ: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    resolve_secrets: bool = True,
) -> Host:
    """A real host of the app in ``app``, whose ``oro.toml`` is ``text``; closed again (its
    tables stay readable)."""
    if text is not None:
        (app / "oro.toml").write_text(text, encoding="utf-8")
    host = Host(
        app,
        autoload=False,
        plugins=[TablesPlugin()],
        environ=environ or {},
        config=config,
        resolve_secrets=resolve_secrets,
    )
    host.close()
    return host


def upstreams(app: Path, text: str, **kwargs: Any) -> dict[str, UpstreamSettings]:
    return build(app, text, **kwargs).settings(RoutingSettings).upstreams


# -------------------------------------------------------------------------------------------------
# Declaring and reading back
# -------------------------------------------------------------------------------------------------


def test_each_field_of_the_inner_dataclass_is_a_declared_key_with_its_type_default_and_doc(
    tmp_path: Path,
) -> None:
    keys = {key.name: key for key in build(tmp_path, None).config_keys if key.plugin}
    timeout = keys["routing.upstreams.*.connect_timeout"]

    assert [name for name in keys if name.startswith("routing.upstreams.")] == [
        f"routing.upstreams.*.{field}"
        for field in ("base_url", "api_key", "models", "connect_timeout", "retries", "enabled")
    ]
    assert (timeout.type, timeout.default, timeout.doc) == (float, 5.0, "Seconds to connect.")
    assert keys["routing.upstreams.*.api_key"].is_secret
    # Like wildcard keys, fields of named tables have no ORO_ variable.
    assert timeout.env_names == ()


@final
@dataclass(frozen=True)
class BorrowingTable:
    limit: int = setting_from("ipc.max_body_bytes")


@final
@dataclass(frozen=True)
class EnvTable:
    url: str = setting("", "A URL.", env=("TABLE_URL",))


@final
@dataclass(frozen=True)
class NestedTable:
    inner: dict[str, EnvTable] = setting({}, "Tables in tables.")


@final
@dataclass(frozen=True)
class Borrowing:
    tables: dict[str, BorrowingTable] = setting({}, "Tables.")


@final
@dataclass(frozen=True)
class WithEnv:
    tables: dict[str, EnvTable] = setting({}, "Tables.")


@final
@dataclass(frozen=True)
class Nested:
    tables: dict[str, NestedTable] = setting({}, "Tables.")


@final
@dataclass(frozen=True)
class CheckedWhole:
    tables: dict[str, UpstreamSettings] = setting({}, "Tables.", validator=lambda _: None)


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (Borrowing, "BorrowingTable.limit: a named table's field is made with setting()"),
        (WithEnv, "EnvTable.url: a named table's field reads no environment variables"),
        (Nested, "NestedTable.inner: a named table's field is str, int, float, bool or list"),
        (CheckedWhole, "CheckedWhole.tables: a field of named tables takes no validator"),
    ],
)
def test_a_table_dataclass_a_key_cannot_hold_is_refused_when_declared(
    cls: type[Any], message: str
) -> None:
    keys = ConfigRegistry()
    with (
        keys.registering("tables-test"),
        pytest.raises(RegistrationError, match=re.escape(message)),
    ):
        keys.add_settings(cls, section="bad")


def test_tables_read_back_typed_with_defaults_in_the_order_names_first_appear(
    tmp_path: Path,
) -> None:
    text = """\
[routing]
fallback = "gpu"

[routing.upstreams.gpu]
base_url = "http://127.0.0.1:8000/v1"
models = ["llama", "qwen"]
connect_timeout = 2

[routing.upstreams.cloud-a]
retries = 0
enabled = false

[routing.upstreams.gpu.extra-headers]
"""
    host = build(tmp_path, text)

    assert host.settings(RoutingSettings) == RoutingSettings(
        fallback="gpu",
        upstreams={
            "gpu": UpstreamSettings(
                base_url="http://127.0.0.1:8000/v1", models=["llama", "qwen"], connect_timeout=2.0
            ),
            "cloud-a": UpstreamSettings(retries=0, enabled=False),
        },
    )
    assert list(host.settings(RoutingSettings).upstreams) == ["gpu", "cloud-a"]
    assert host.config["routing.upstreams.gpu.base_url"] == "http://127.0.0.1:8000/v1"
    assert host.config.source("routing.upstreams.gpu.models") == "oro.toml:6"
    assert host.config.source("routing.upstreams.gpu.retries") == "default"
    # Flattened names work as for every key, dashes included.
    assert host.config["routing_upstreams_cloud_a_enabled"] is False


def test_no_tables_read_back_as_an_empty_dict(tmp_path: Path) -> None:
    assert upstreams(tmp_path, '[routing]\nfallback = "x"\n') == {}
    assert upstreams(tmp_path, "[routing.upstreams]\n") == {}


def test_a_table_with_only_its_header_holds_every_default(tmp_path: Path) -> None:
    assert upstreams(tmp_path, "[routing.upstreams.local]\n") == {"local": UpstreamSettings()}


def test_inline_tables_and_dotted_keys_name_tables_too(tmp_path: Path) -> None:
    text = """\
[routing]
upstreams.b.retries = 7
upstreams.a = { base_url = "http://a", models = ["m"] }
"""
    assert upstreams(tmp_path, text) == {
        "b": UpstreamSettings(retries=7),
        "a": UpstreamSettings(base_url="http://a", models=["m"]),
    }


def test_a_secrets_file_can_give_a_tables_secret(tmp_path: Path) -> None:
    secrets = tmp_path.parent / f"{tmp_path.name}-secrets.toml"
    secrets.write_text('[routing.upstreams.gpu]\napi_key = "sk-from-the-file"\n', encoding="utf-8")
    text = f'[oro]\nsecrets_file = "{secrets}"\n[routing.upstreams.gpu]\nbase_url = "http://g"\n'

    host = build(tmp_path, text)

    assert host.settings(RoutingSettings).upstreams["gpu"].api_key == "sk-from-the-file"
    assert host.config.source("routing.upstreams.gpu.api_key") == f"{secrets.name}:2"


# -------------------------------------------------------------------------------------------------
# Errors and warnings name the file and line
# -------------------------------------------------------------------------------------------------


def test_a_value_of_the_wrong_type_is_config_error_with_file_line_and_key(tmp_path: Path) -> None:
    text = '[routing.upstreams.gpu]\nbase_url = "http://g"\nconnect_timeout = "soon"\n'
    with pytest.raises(
        ConfigError,
        match=r"^oro\.toml:3: key 'routing\.upstreams\.gpu\.connect_timeout' expects number, "
        r'got string "soon"$',
    ):
        build(tmp_path, text)


def test_a_validator_refusal_is_config_error_with_file_line_and_key(tmp_path: Path) -> None:
    text = "[routing.upstreams.a]\n[routing.upstreams.b]\nretries = 1\nconnect_timeout = 0\n"
    with pytest.raises(
        ConfigError, match=r"^oro\.toml:4: key 'routing\.upstreams\.b\.connect_timeout' must be"
    ):
        build(tmp_path, text)


def test_an_unknown_sub_key_warns_with_the_key_meant(tmp_path: Path) -> None:
    text = '[routing.upstreams.gpu]\nbase_ur = "http://g"\n'
    with pytest.warns(
        ConfigWarning,
        match=r"^oro\.toml:2: unknown config key 'routing\.upstreams\.gpu\.base_ur' "
        r"\(no installed plugin declares it\); did you mean 'routing\.upstreams\.gpu\.base_url'\?$",
    ):
        tables = upstreams(tmp_path, text)
    # The table was named, so it exists, with its defaults.
    assert tables == {"gpu": UpstreamSettings()}


@pytest.mark.parametrize(
    ("text", "line", "message"),  # a message in quotes is the refused table name
    [
        ('[routing.upstreams."gpu.box"]\nbase_url = "x"\n', 1, "'gpu.box'"),
        ('[routing]\n\nupstreams."gpu.box".base_url = "x"\n', 3, "'gpu.box'"),
        ('[routing.upstreams."GPU"]\nretries = 1\n', 1, "'GPU'"),
        ('[routing.upstreams."my gpu"]\n', 1, "'my gpu'"),
        ('[routing.upstreams.""]\n', 1, "''"),
        ("[routing.upstreams._x]\nretries = 1\n", 1, "'_x'"),
        ('[routing.upstreams.linux."GPU"]\nretries = 1\n', 1, "'GPU'"),
        ("[routing.upstreams]\ngpu = 1\n", 2, "key 'routing.upstreams.gpu' must be a table"),
        ("[routing]\nupstreams = 1\n", 2, "key 'routing.upstreams' holds named tables"),
        ('[[routing.upstreams]]\nbase_url = "x"\n', 1, "key 'routing.upstreams' holds named"),
        # ``linux`` names a platform table: its values would be tables' names.
        (
            '[routing.upstreams.linux]\nbase_url = "x"\n',
            2,
            "key 'routing.upstreams.base_url' must be a table",
        ),
    ],
)
def test_a_bad_table_name_or_shape_is_config_error_naming_the_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    if message.startswith("'"):
        message = f"key 'routing.upstreams': the table name {message} is not one plain key part"
    with pytest.raises(ConfigError, match="^" + re.escape(f"oro.toml:{line}: {message}")):
        build(tmp_path, text)


# -------------------------------------------------------------------------------------------------
# Other layers: platform tables, -c, no environment variables
# -------------------------------------------------------------------------------------------------


def test_platform_tables_override_named_tables_on_their_platform_only() -> None:
    text = """\
[routing.upstreams.gpu]
base_url = "http://everywhere"
retries = 1

[routing.upstreams.gpu.linux]
base_url = "http://linux"

[routing.linux.upstreams.gpu]
retries = 5

[routing.upstreams.darwin.mac-only]
retries = 9
"""
    tables = {
        platform: registry().read_settings(
            RoutingSettings,
            load_config(registry(), path=Path("oro.toml"), content=text, platform=platform),
        )
        for platform in ("linux", "darwin", "win32")
    }

    assert tables["linux"].upstreams == {
        "gpu": UpstreamSettings(base_url="http://linux", retries=5)
    }
    assert tables["darwin"].upstreams == {
        "gpu": UpstreamSettings(base_url="http://everywhere", retries=1),
        "mac-only": UpstreamSettings(retries=9),
    }
    assert tables["win32"].upstreams == {
        "gpu": UpstreamSettings(base_url="http://everywhere", retries=1)
    }


def test_a_command_line_override_sets_a_field_and_can_name_a_new_table(tmp_path: Path) -> None:
    text = '[routing.upstreams.gpu]\nbase_url = "http://file"\n'
    host = build(
        tmp_path,
        text,
        config={
            "routing.upstreams.gpu.base_url": "http://override",
            "routing.upstreams.extra.models": "a b",
            "routing_upstreams_extra_retries": "4",
        },
    )

    assert host.settings(RoutingSettings).upstreams == {
        "gpu": UpstreamSettings(base_url="http://override"),
        "extra": UpstreamSettings(models=["a", "b"], retries=4),
    }
    assert host.config.source("routing.upstreams.gpu.base_url") == "override"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("routing.upstreams.gpu.retries=many", "key 'routing.upstreams.gpu.retries' expects"),
        (
            "routing.upstreams.GPU.retries=1",
            "unknown config key 'routing.upstreams.GPU.retries'; did you mean "
            "'routing.upstreams.*.retries'?",
        ),
        ("routing.upstreams.gpu.retires=1", "did you mean 'routing.upstreams.gpu.retries'?"),
    ],
)
def test_a_bad_command_line_override_is_config_error(
    tmp_path: Path, override: str, message: str
) -> None:
    name, _, value = override.partition("=")
    with pytest.raises(ConfigError, match=re.escape(message)):
        build(tmp_path, None, config={name: value})


def test_environment_variables_set_no_field_of_a_named_table(tmp_path: Path) -> None:
    environ = {
        "ORO_ROUTING_UPSTREAMS_GPU_BASE_URL": "http://env",
        "ORO_ROUTING_FALLBACK": "gpu",
    }
    host = build(tmp_path, "[routing.upstreams.gpu]\n", environ=environ)

    assert host.settings(RoutingSettings) == RoutingSettings(
        fallback="gpu", upstreams={"gpu": UpstreamSettings()}
    )


def test_wildcard_keys_beside_named_tables_are_unchanged(tmp_path: Path) -> None:
    text = '[routing.aliases]\nfast = "gpu"\nsafe = "cloud"\n[routing.upstreams.gpu]\n'
    host = build(tmp_path, text, config={"routing.aliases.cheap": "gpu"})

    assert host.settings(RoutingSettings).aliases == {
        "fast": "gpu",
        "safe": "cloud",
        "cheap": "gpu",
    }
    assert host.config.section("routing.aliases") == host.settings(RoutingSettings).aliases
    assert "routing.aliases.*" in host.config_keys
    with pytest.raises(ConfigError, match=r"^oro\.toml:2: key 'routing\.aliases\.x' expects"):
        build(tmp_path, "[routing.aliases]\nx = 1\n")


# -------------------------------------------------------------------------------------------------
# Secrets: env: references, kept out of pages
# -------------------------------------------------------------------------------------------------


def test_an_env_reference_resolves_at_start_and_stays_out_of_pages(tmp_path: Path) -> None:
    text = '[routing.upstreams.gpu]\nbase_url = "http://g"\napi_key = "env:GPU_API_KEY"\n'
    host = build(tmp_path, text, environ={"GPU_API_KEY": "sk-live-123"})

    assert host.settings(RoutingSettings).upstreams["gpu"].api_key == "sk-live-123"
    assert str(host.config.reference("routing.upstreams.gpu.api_key")) == "env:GPU_API_KEY"
    assert host.config.source("routing.upstreams.gpu.api_key") == "oro.toml:3"
    # What pages receive (__args.config, application.config): no secret, under no name.
    shown = host.config.flattened(include_secrets=False)
    assert "routing_upstreams_gpu_base_url" in shown
    assert "routing_upstreams_gpu_api_key" not in shown
    assert "sk-live-123" not in json.dumps(shown)
    assert "sk-live-123" not in repr(host.settings(RoutingSettings))


def test_env_references_work_for_any_secret_key(tmp_path: Path) -> None:
    class VaultKey:
        @hookimpl
        def oro_register_config(self, config: ConfigRegistry) -> None:
            config.add("vault.token", str, "", "A token.", secret=True)

    (tmp_path / "oro.toml").write_text('[vault]\ntoken = "env:VAULT"\n', encoding="utf-8")
    host = Host(tmp_path, autoload=False, plugins=[VaultKey()], environ={"VAULT": "t0k"})
    host.close()

    assert host.config["vault.token"] == "t0k"


@pytest.mark.parametrize(
    ("environ", "state"), [({}, "is not set"), ({"GPU_API_KEY": " "}, "is empty")]
)
def test_a_missing_or_empty_env_variable_is_config_error_naming_key_and_line(
    tmp_path: Path, environ: dict[str, str], state: str
) -> None:
    text = '[routing.upstreams.gpu]\n\napi_key = "env:GPU_API_KEY"\n'
    with pytest.raises(ConfigError) as raised:
        build(tmp_path, text, environ=environ)

    assert str(raised.value) == (
        "oro.toml:3: key 'routing.upstreams.gpu.api_key' holds the secret reference "
        f"'env:GPU_API_KEY', which cannot be resolved: the environment variable 'GPU_API_KEY' "
        f"{state}; set it to the secret before starting the app"
    )


def test_a_reference_is_only_taken_in_secret_keys(tmp_path: Path) -> None:
    text = '[routing.upstreams.gpu]\nbase_url = "env:GPU_URL"\n'
    assert upstreams(tmp_path, text) == {"gpu": UpstreamSettings(base_url="env:GPU_URL")}


# -------------------------------------------------------------------------------------------------
# The real oro command
# -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PYTHONPATH for an ``oro`` that loads this module as a plugin (its entry point names
    :data:`PLUGIN`), without installing anything."""
    site = tmp_path_factory.mktemp("site")
    info = site / "oro_tables_test-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oro-tables-test\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[oro]\ntables-test = {Path(__file__).stem}:PLUGIN\n", encoding="utf-8"
    )
    return f"{site}:{Path(__file__).parent}"


def test_oro_config_list_shows_references_and_masks_secrets_never_printing_one(
    tmp_path: Path, plugin_path: str
) -> None:
    secrets = tmp_path.parent / f"{tmp_path.name}-secrets.toml"
    secrets.write_text('[routing.upstreams.cloud]\napi_key = "sk-file-secret"\n', encoding="utf-8")
    (tmp_path / "oro.toml").write_text(
        f'[oro]\nsecrets_file = "{secrets}"\n\n'
        '[routing.upstreams.gpu]\nbase_url = "http://g"\napi_key = "env:GPU_API_KEY"\n',
        encoding="utf-8",
    )
    env = {"PYTHONPATH": plugin_path, "GPU_API_KEY": "sk-env-secret"}

    # --skip-broken-plugins: a plugin of this tree half-way through an edit must not matter.
    listed = run_oro("config", "list", "--skip-broken-plugins", cwd=tmp_path, env=env)
    as_json = run_oro("config", "list", "--json", "--skip-broken-plugins", cwd=tmp_path, env=env)
    got = run_oro("config", "get", "routing.upstreams.gpu.api_key", cwd=tmp_path, env=env)

    assert listed.returncode == 0, listed.stderr
    assert 'routing.upstreams.gpu.api_key = "env:GPU_API_KEY"  # oro.toml:6' in listed.stdout
    assert 'routing.upstreams.gpu.base_url = "http://g"  # oro.toml:5' in listed.stdout
    assert (
        'routing.upstreams.cloud.api_key = "<secret: 14 characters>"  # '
        f"{secrets.name}:2" in listed.stdout
    )
    rows = {row["key"]: row["value"] for row in json.loads(as_json.stdout)}
    assert rows["routing.upstreams.gpu.connect_timeout"] == 5.0
    assert got.stdout == "env:GPU_API_KEY\n"
    for result in (listed, as_json, got):
        assert "sk-env-secret" not in result.stdout + result.stderr
        assert "sk-file-secret" not in result.stdout + result.stderr


def test_oro_config_list_describe_shows_the_fields_of_named_tables(
    tmp_path: Path, plugin_path: str
) -> None:
    described = run_oro(
        "config", "list", "--describe", "--json", cwd=tmp_path, env={"PYTHONPATH": plugin_path}
    )

    assert described.returncode == 0, described.stderr
    rows = {row["key"]: row for row in json.loads(described.stdout)}
    assert rows["routing.upstreams.*.connect_timeout"] == {
        "key": "routing.upstreams.*.connect_timeout",
        "flattened": "routing_upstreams_*_connect_timeout",
        "type": "number",
        "default": 5.0,
        "plugin": "tables-test",
        "env": [],
        "doc": "Seconds to connect.",
    }
    assert rows["routing.upstreams.*.models"]["type"] == "list of strings"


# -------------------------------------------------------------------------------------------------
# Properties
# -------------------------------------------------------------------------------------------------

table_names = st.from_regex(TABLE_NAME, fullmatch=True).filter(lambda name: len(name) <= 30)
upstream_values = st.builds(
    UpstreamSettings,
    base_url=st.text(max_size=40),
    api_key=st.text(max_size=20),
    models=st.lists(st.text(max_size=10), max_size=4),
    connect_timeout=st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
    retries=st.integers(min_value=0, max_value=2**40),
    enabled=st.booleans(),
)


def _document(tables: dict[str, UpstreamSettings]) -> str:
    document = tomlkit.document()
    routing = tomlkit.table(is_super_table=True)
    named = tomlkit.table(is_super_table=True)
    for name, upstream in tables.items():
        table = tomlkit.table()
        for field, value in vars(upstream).items():
            table.add(field, value)
        named.add(name, table)
    routing.add("upstreams", named)
    document.add(SECTION, routing)
    return tomlkit.dumps(document)


def _load(text: str) -> dict[str, UpstreamSettings]:
    keys = registry()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no valid table may look like an unknown key
        config = load_config(keys, path=Path("oro.toml"), content=text)
    return keys.read_settings(RoutingSettings, config).upstreams


@hypothesis_settings(max_examples=60, deadline=None)
@given(tables=st.dictionaries(table_names, upstream_values, max_size=4))
def test_tables_written_with_tomlkit_read_back_as_written(
    tables: dict[str, UpstreamSettings],
) -> None:
    # An api_key that looks like a reference ("a:b") stays as written: load_config does not
    # resolve references, the host does.
    read = _load(_document(tables))

    assert read == tables
    assert list(read) == list(tables)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    name=st.one_of(st.text(max_size=12), table_names, st.sampled_from(PLATFORM_SECTIONS)),
    retries=st.integers(min_value=0, max_value=9),
)
def test_any_table_name_reads_back_or_is_a_config_error(name: str, retries: int) -> None:
    text = _document({name: UpstreamSettings(retries=retries)})
    if name in PLATFORM_SECTIONS and name != sys.platform:
        # [routing.upstreams.darwin] is a platform table, ignored on the other platforms.
        assert _load(text) == {}
    elif TABLE_NAME.fullmatch(name):
        assert _load(text) == {name: UpstreamSettings(retries=retries)}
    else:
        with pytest.raises(ConfigError, match=r"^oro\.toml:"):
            _load(text)
