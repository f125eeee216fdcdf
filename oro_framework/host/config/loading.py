"""Loading the effective configuration (:class:`~.effective.Config`) from its layers: every
declared key (:func:`load_config`), or, before the plugins load, the few keys that decide what
loads (:func:`load_early`), the same way from the same parse of the file.

Precedence, lowest first: key defaults (declared by plugins) < the user's config (a few keys,
:mod:`.user_file`) < ``oro.toml`` < ``[<section>.<platform>]`` override tables < the secrets file
(``ORO_SECRETS_FILE`` or ``[oro] secrets_file``, outside the app's resources) <
``ORO_<FLATTENED_KEY>`` variables < alias variables (``FS_SANDBOX``) < CLI overrides. Keys are
addressed dotted (``webview.root``) or flattened as in the Oro Runtime (``webview_root``).

Values are checked once every layer is applied, so that ``ORO_*`` and ``-c`` can replace a file's
value that fails its checks (as ``.sscrc``'s ``[settings]`` replace ``socket.ini``'s before Socket
checks them); one left unreplaced is an ``oro.toml`` error, or an INI file's warning and default.

A key declared ``secret=True`` may hold a secret reference in ``oro.toml``
(:mod:`.references`): it is loaded as written, unchecked, and
:meth:`~.effective.Config.resolve_references` replaces it with the secret.

Named tables (``[ai.upstreams.gpu]``, keys ``ai.upstreams.*.<field>``) have no values until a
layer names one: the first mention of a table, in the file or a ``-c`` override, gives every
field of that table its default, so that the config holds whole tables, in the order their names
first appear.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, Final, final

from tomlkit import TOMLDocument

from oro_framework.host.config.document import (
    PLATFORM_SECTIONS,
    iter_document_parts,
    locate_line,
    parse_document,
    read_toml_text,
)
from oro_framework.host.config.effective import Config
from oro_framework.host.config.files import DOC, is_ini_file
from oro_framework.host.config.ini import IniDocument, IniValue, parse_ini, read_ini
from oro_framework.host.config.keys import (
    TABLE_NAME,
    ConfigKey,
    ConfigRegistry,
    did_you_mean,
    flatten_key,
)
from oro_framework.host.config.references import SecretReference, parse_reference
from oro_framework.host.config.user_file import user_config_file
from oro_framework.host.config.values import describe_value, parse_text_value
from oro_framework.host.errors import ConfigError, ConfigWarning
from oro_framework.records import record

__all__ = ["SECRETS_FILE_ENV", "SECRETS_FILE_KEY", "load_config", "load_early"]

SECRETS_FILE_ENV: Final = "ORO_SECRETS_FILE"
"""The environment variable naming the secrets file; it wins over ``[oro] secrets_file``."""
SECRETS_FILE_KEY: Final = "oro.secrets_file"
"""The ``oro.toml`` entry naming the secrets file. The loader reads it itself: it says where
config comes from rather than being config, so no plugin declares it."""


@final
@record
class _Pending:
    """A file's value that failed its checks: an error (a warning for an INI value, whose key
    keeps its default) unless a later layer (``ORO_*``, ``-c``) replaces it."""

    error: ConfigError
    ini_text: str | None = None
    """An INI value's key and text (``[window] height = 'tall'``); ``None`` for oro.toml's."""


@record(frozen=False)
class _Layer:
    values: dict[str, Any]
    sources: dict[str, str]
    early: bool = False
    """Read for :func:`load_early`: a value that cannot be used, and a key nobody declares, are
    passed over in silence (the full load reports them)."""
    references: dict[str, SecretReference] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)
    """The files' values that failed their checks, by key, until the environment and the CLI
    have had their say: checking the merged result is what lets ``-c`` and ``ORO_*`` fix a bad
    file value (Socket, too, merges ``.sscrc``'s ``[settings]`` before checking: src/cli/
    main.cc:2172)."""
    app_config: dict[str, Any] = field(default_factory=dict)
    """An INI file's keys of the app's own sections, which pages read (:mod:`.ini_app`)."""


def load_config(
    registry: ConfigRegistry,
    *,
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    platform: str = sys.platform,
    content: str | None = None,
) -> Config:
    """Compute the effective configuration.

    :param path: the ``oro.toml`` to read; ``None`` or a missing file means defaults only.
        With a path, the secrets file (``ORO_SECRETS_FILE``, else ``[oro] secrets_file``; a
        relative path is taken from the directory of ``path``) is read too; ``None`` skips it.
    :param environ: environment variables (``os.environ`` in production, a dict in tests).
    :param overrides: CLI-level values by dotted or flattened key, typed or as text.
    :param content: the text of ``path`` to use instead of reading it: ``oro config set``
        checks the file it is about to write this way.
    A file's value that fails its checks is an error only if neither the environment nor an
    override replaces it; an INI file's (Socket's ``socket.ini``, Oro's ``oro.ini``) is never
    one: the key keeps its default, with one warning naming the file, line and key.

    :raises ConfigError: a value has the wrong type or fails its validator, an override names an
        unknown key, ``permissions.allow_<x>`` names an undeclared permission (while
        ``registry.permissions_complete``), or the secrets file is missing, invalid or inside
        the app's resources. The message names the file and line (or the variable) and the
        expected type.
    """
    environ = environ or {}
    layer = _defaults(registry, environ, platform)
    named_secrets: tuple[str, str] | None = None
    if path is not None and (content is not None or path.is_file()):
        named_secrets = _apply_file(registry, layer, path, platform, content)
    secrets_file = None
    if path is not None:
        if SECRETS_FILE_ENV in environ:
            named_secrets = (environ[SECRETS_FILE_ENV], f"env {SECRETS_FILE_ENV}")
        if named_secrets is not None and named_secrets[0].strip():
            secrets_file = _secrets_file_path(path.parent, *named_secrets)
            if _apply_file(registry, layer, secrets_file, platform, is_app_file=False) is not None:
                raise ConfigError(
                    f"'{SECRETS_FILE_KEY}' cannot be set in the secrets file itself",
                    key=SECRETS_FILE_KEY,
                    source=secrets_file.name,
                )
    _apply_environment(registry, layer, environ)
    _apply_overrides(registry, layer, overrides or {})
    _settle(registry, layer)
    if secrets_file is not None and path is not None:
        # Checked against the final webview.root: a resource root moved by any layer would
        # otherwise start serving the file.
        root = layer.values.get("webview.root", ".")
        _check_secrets_outside_resources(secrets_file, path.parent / str(root))
    return Config(
        registry, layer.values, layer.sources, layer.references, secrets_file, layer.app_config
    )


def load_early(
    settings: Mapping[type[Any], str],
    *,
    path: Path | None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    platform: str = sys.platform,
) -> Config:
    """The keys of the settings dataclasses ``settings`` (each with its section) from the layers
    :func:`load_config` reads, before the plugins that declare them load: the ``plugins.*``,
    ``extensions.allow`` and ``backend.module`` keys that decide what loads, and the few keys a
    window's engine starts from while the host is built. As pytest's ``_initini`` reads the
    options that decide which plugins load from the file ``getini`` reads later, both loads
    share one parse of the file.

    A value that does not parse or fails its checks leaves its key as the layer below had it,
    and keys of other settings are passed over: the full load reports both, with the file and
    line. The secrets file is not read. Read with ``config.settings(cls)``.

    :raises ConfigError: the file is not valid TOML (or not UTF-8 text).
    """
    registry = ConfigRegistry()
    for cls, section in settings.items():
        registry.add_settings(cls, section=section)
    layer = _defaults(registry, environ or {}, platform, early=True)
    if path is not None and path.is_file():
        _apply_file(registry, layer, path, platform)
    _apply_environment(registry, layer, environ or {})
    _apply_overrides(registry, layer, overrides or {})
    layer.pending.clear()
    return Config(registry, layer.values, layer.sources)


def _defaults(
    registry: ConfigRegistry, environ: Mapping[str, str], platform: str, *, early: bool = False
) -> _Layer:
    """The first layers: every declared key with a default, at its default; the user's config."""
    defaults = [key for key in registry if _has_default(key)]
    sources = dict.fromkeys((key.name for key in defaults), "default")
    layer = _Layer({key.name: key.default for key in defaults}, sources, early=early)
    if (user_file := user_config_file(environ)) is not None:
        _apply_file(registry, layer, user_file, platform, is_app_file=False)
    return layer


def _apply_overrides(registry: ConfigRegistry, layer: _Layer, overrides: Mapping[str, Any]) -> None:
    for name, value in overrides.items():
        key = registry.find(name)
        if key is None:
            if layer.early:
                continue
            raise ConfigError(
                f"unknown config key {name!r}{did_you_mean(name, registry)}",
                key=name,
                source="override",
            )
        dotted = registry.dotted(name)
        try:
            raw = parse_text_value(key.type, value) if isinstance(value, str) else value
        except ValueError as error:
            if layer.early:
                continue
            raise ConfigError(f"key '{dotted}' {error}", key=dotted, source="override") from None
        _open_table(registry, layer, key, dotted)
        _store(layer, key, dotted, raw, "override")


def _secrets_file_path(app_dir: Path, named: str, source: str) -> Path:
    path = app_dir / Path(named).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"the secrets file {str(path)!r} does not exist (or is not a file)",
            key=SECRETS_FILE_KEY,
            source=source,
        )
    return path


def _check_secrets_outside_resources(secrets_file: Path, resources: Path) -> None:
    """Refuse a secrets file that the bridge could serve: one inside the resource root, by
    its real path (a symlink into the root counts as inside)."""
    real_root = resources.resolve()
    if secrets_file.resolve().is_relative_to(real_root):
        raise ConfigError(
            f"the secrets file {str(secrets_file)!r} lies inside the app's resources "
            f"({str(real_root)!r}, webview.root); move it outside, e.g. next to the user's "
            "other credentials",
            key=SECRETS_FILE_KEY,
            source=secrets_file.name,
        )


def _apply_file(
    registry: ConfigRegistry,
    layer: _Layer,
    path: Path,
    platform: str,
    content: str | None = None,
    *,
    is_app_file: bool = True,
) -> tuple[str, str] | None:
    """Apply the values of a TOML config file (whose text is ``content`` when given).

    :param is_app_file: ``oro.toml``, whose secret keys may hold secret references; the secrets
        file holds the secrets themselves.
    :return: the ``[oro] secrets_file`` it names and where, which the loader handles itself.
    """
    if content is not None:
        text = content
    elif is_ini_file(path):
        text = read_ini(path)
    else:
        text = read_toml_text(path)
    document = _parsed(text, path)
    if isinstance(document, IniDocument):
        _apply_ini_file(registry, layer, path, text, document)
        return None
    overrides: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []
    named_secrets: tuple[str, str] | None = None
    for parts, value in iter_document_parts(document, empty_tables=True):
        if parts[-1] in PLATFORM_SECTIONS and isinstance(value, Mapping):
            if parts[-1] == platform:
                overrides.append((parts[:-1], value))
            continue
        dotted = ".".join(parts)
        if dotted == SECRETS_FILE_KEY and layer.early:
            continue  # the secrets file is the full load's
        if dotted == SECRETS_FILE_KEY:
            line = locate_line(text, dotted)
            source = f"{path.name}:{line}" if line else path.name
            if not isinstance(value, str):
                raise ConfigError(
                    f"key '{dotted}' expects string, got {describe_value(value)}",
                    key=dotted,
                    source=source,
                )
            named_secrets = (value, source)
            continue
        _apply_file_value(registry, layer, path, text, parts, value, references=is_app_file)
    for section, table in overrides:
        for relative, value in iter_document_parts(table, empty_tables=True):
            _apply_file_value(
                registry,
                layer,
                path,
                text,
                (*section, *relative),
                value,
                platform_at=(len(section), platform),
                references=is_app_file,
            )
    return named_secrets


@functools.lru_cache(maxsize=16)
def _parsed(text: str, path: Path) -> TOMLDocument | IniDocument:
    """The parsed text of the config file ``path``, once per text: ``oro run`` loads the file
    twice (the early keys before the plugins load, every key after) and tomlkit takes ~3 ms a
    parse. Keyed by the text read, a file that changed is parsed again whatever its time stamp
    says. Neither load changes the document."""
    return parse_ini(text, path) if is_ini_file(path) else parse_document(text, path)


def _apply_ini_file(
    registry: ConfigRegistry, layer: _Layer, path: Path, text: str, document: IniDocument
) -> None:
    """Apply Oro's or Socket's INI file (``oro.ini``, ``socket.ini``) as the ``oro.toml`` it maps
    to, each value's source its INI line; warn once for each key oro does not honour, and once
    for each section of the app's own (pages read its keys). A value that is not one of its
    key's (``height = tall``, ``height = 150%``) is pending: a warning and the default, unless a
    later layer replaces it."""
    # The INI mapping (its tables of Oro's keys) only for an app that has an INI file.
    from oro_framework.host.config.ini_map import map_ini

    mapped = map_ini(document, registry, path)
    for message in [] if layer.early else mapped.messages():
        warnings.warn(message, ConfigWarning, stacklevel=5)
    layer.app_config.update(mapped.app_config)
    for invalid in mapped.invalid:
        source = f"{path.name}:{invalid.origin.line}"
        dotted = registry.dotted(invalid.dotted)
        layer.pending[dotted] = _Pending(
            ConfigError(invalid.problem, key=dotted, source=source), _ini_text(invalid.origin)
        )
    for key in mapped.keys:
        _apply_file_value(
            registry,
            layer,
            path,
            text,
            key.parts,
            key.value,
            references=True,
            source=mapped.source(key),
            ini_text=_ini_text(key.origin),
        )


def _ini_text(origin: IniValue) -> str:
    value = origin.value if isinstance(origin.value, str) else " ".join(origin.value)
    return f"{origin.name} = {value!r}"


def _settle(registry: ConfigRegistry, layer: _Layer) -> None:
    """What is left pending once every layer is applied: an oro.toml value is its error; an INI
    value a warning, its key keeping the value before it (the default)."""
    for dotted, pending in layer.pending.items():
        if pending.ini_text is None:
            raise pending.error
        key = registry.find(dotted)
        default = layer.values.get(dotted, key.default if key is not None else None)
        warnings.warn(
            f"{pending.error.source}: {pending.ini_text} is not used, {_problem(pending.error)}; "
            f"{dotted} keeps {json.dumps(default, default=str)} (fix it in the file, or give it "
            f"with -c {dotted}=... or {_env_name(dotted)}; see {DOC})",
            ConfigWarning,
            stacklevel=4,
        )
    layer.pending.clear()


def _problem(error: ConfigError) -> str:
    text = str(error)
    return text.removeprefix(f"{error.source}: ") if error.source else text


def _env_name(dotted: str) -> str:
    return f"ORO_{flatten_key(dotted).upper()}"


def _apply_file_value(
    registry: ConfigRegistry,
    layer: _Layer,
    path: Path,
    text: str,
    parts: tuple[str, ...],
    value: Any,
    *,
    platform_at: tuple[int, str] | None = None,
    references: bool = False,
    source: str | None = None,
    ini_text: str | None = None,
) -> None:
    """Apply the value of key ``parts``; ``platform_at`` is ``(index, platform)`` when it was
    written in a platform table, with the platform among its parts there. ``source`` is where
    the value was written when the caller knows it (an INI line), else found in ``text``;
    ``ini_text`` names an INI value (its failing checks are a warning, not an error). A value
    failing its checks is pending (:class:`_Pending`) until the later layers are applied."""
    dotted = ".".join(parts)

    def source_of(count: int) -> str | None:
        # Where the key's first ``count`` parts are written: the key, or a table's header.
        shown = parts[:count]
        if platform_at is not None and platform_at[0] <= count:
            index, platform = platform_at
            shown = (*parts[:index], platform, *parts[index:count])
        line = locate_line(text, ".".join(shown))
        return f"{path.name}:{line}" if line else None

    source = source or source_of(len(parts)) or path.name
    if _check_named_table(registry, layer, parts, value, source, source_of):
        return
    if isinstance(value, Mapping) and not value:
        return  # an empty table sets nothing
    key = registry.get(dotted) or registry.table_field_for(dotted) or registry.wildcard_for(dotted)
    if key is None and "." not in dotted:
        # A flattened key at the top level (``window_width = 1440``), as Oro's flat configs have.
        key = registry.find(dotted)
        dotted = registry.dotted(dotted) if key else dotted
    oro_name = registry.for_oro_name(dotted) or ""
    ours = registry.get(oro_name) if key is None and oro_name else None
    if ours is not None:
        # Oro's name of one of our keys (``[meta] title`` is ``meta.name``), as Oro apps write.
        _store(layer, ours, oro_name, value, source, from_file=True, ini_text=ini_text)
        return
    if key is None and layer.early:
        return
    if key is None:
        is_permission = flatten_key(dotted).startswith("permissions_allow_")
        if is_permission and registry.permissions_complete:
            raise ConfigError(
                f"key '{dotted}': no installed plugin declares permission "
                f"'{flatten_key(dotted).removeprefix('permissions_allow_')}'"
                f"{did_you_mean(dotted, registry)}",
                key=dotted,
                source=source,
            )
        # A command that only reads the app does not run its backend, which may declare a
        # permission: unknown here, it is no reason to stop reading.
        unread = " or the app's backend, not run here" if is_permission else ""
        warnings.warn(
            f"{source}: unknown config key '{dotted}' (no installed plugin declares it{unread})"
            f"{did_you_mean(dotted, registry)}",
            ConfigWarning,
            stacklevel=4,
        )
        return
    reference = (
        parse_reference(value, key=dotted, source=source)
        if references and key.secret and isinstance(value, str)
        else None
    )
    _open_table(registry, layer, key, dotted)
    if reference is not None:
        # Checked once resolved: the key's validator is about the secret, not its name.
        layer.values[dotted] = value
        layer.sources[dotted] = source
        layer.references[dotted] = reference
        layer.pending.pop(dotted, None)
        return
    _store(layer, key, dotted, value, source, from_file=True, ini_text=ini_text)


def _check_named_table(
    registry: ConfigRegistry,
    layer: _Layer,
    parts: tuple[str, ...],
    value: Any,
    source: str,
    source_of: Callable[[int], str | None],
) -> bool:
    """Refuse a value that cannot be in the named tables its key is below: a table name that
    is no single plain key part, or a value where a table belongs. Open the table the key is in
    (an empty ``[ai.upstreams.gpu]`` too); return whether the value was that empty table.

    :raises ConfigError: naming ``source``; for a bad name, the table's header when it has
        one (``source_of(<number of parts up to the name>)``).
    """
    for prefix in registry.table_prefixes():
        table_parts = tuple(prefix.split("."))
        depth = len(table_parts)
        if parts[:depth] != table_parts:
            continue
        shape = f"[{prefix}.<name>] tables"
        if len(parts) == depth and isinstance(value, Mapping) and not value:
            return True  # ``[ai.upstreams]`` alone: no table yet
        if len(parts) == depth:
            raise ConfigError(
                f"key '{prefix}' holds named tables ({shape}), got {describe_value(value)}",
                key=prefix,
                source=source,
            )
        name = parts[depth]
        if not TABLE_NAME.fullmatch(name):
            raise ConfigError(
                f"key '{prefix}': the table name {name!r} is not one plain key part: use "
                "lowercase letters, digits, '_' and '-', starting with a letter or digit "
                f"(and not {', '.join(PLATFORM_SECTIONS)}, which name platform tables)",
                key=prefix,
                source=source_of(depth + 1) or source,
            )
        table = f"{prefix}.{name}"
        if len(parts) == depth + 1 and not isinstance(value, Mapping):
            raise ConfigError(
                f"key '{table}' must be a table ({shape}), got {describe_value(value)}",
                key=table,
                source=source,
            )
        _open_named(registry, layer, prefix, name)
        return isinstance(value, Mapping) and not value
    return False


def _open_table(registry: ConfigRegistry, layer: _Layer, key: ConfigKey, dotted: str) -> None:
    """Give every field of the named table ``dotted`` is in its default, the first time the
    table is named: the table's keys then follow the order tables first appear in."""
    if not key.in_named_table or dotted in layer.values:
        return
    table = key.table_name(dotted)
    if table is None:
        return
    _open_named(registry, layer, key.table_prefix, table)


def _open_named(registry: ConfigRegistry, layer: _Layer, prefix: str, table: str) -> None:
    for member in registry.table_fields(prefix):
        name = member.in_table(table)
        if name not in layer.values:
            layer.values[name] = copy.copy(member.default)
            layer.sources[name] = "default"


def _has_default(key: ConfigKey) -> bool:
    """Whether ``key`` has a value before any layer: not a wildcard nor a field of named
    tables, which hold values only for the names a layer gives them."""
    return not key.is_wildcard and not key.in_named_table


def _apply_environment(registry: ConfigRegistry, layer: _Layer, environ: Mapping[str, str]) -> None:
    for key in registry:
        # The aliases (the Oro Runtime's own FS_SANDBOX...) win over ORO_<KEY>.
        for variable in (*key.env, *(name for name in key.env_names if name not in key.env)):
            if variable in environ:
                source = f"env {variable}"
                try:
                    value = parse_text_value(key.type, environ[variable])
                except ValueError as error:
                    if layer.early:
                        break
                    raise ConfigError(
                        f"key '{key.name}' {error}", key=key.name, source=source
                    ) from None
                _store(layer, key, key.name, value, source)
                break


def _store(
    layer: _Layer,
    key: ConfigKey,
    dotted: str,
    value: Any,
    source: str,
    *,
    from_file: bool = False,
    ini_text: str | None = None,
) -> None:
    """Check ``value`` and store it. A failing check raises, or for a file's value is left
    pending for a later layer to replace (:class:`_Pending`, with the INI value's ``ini_text``);
    either way it names ``source``."""
    try:
        checked = key.validate(value)
    except (TypeError, ValueError) as error:
        if layer.early:
            return
        failure = ConfigError(f"key '{dotted}' {error}", key=dotted, source=source)
        if not from_file:
            raise failure from None
        layer.pending[dotted] = _Pending(failure, ini_text)
        return
    layer.values[dotted] = checked
    layer.sources[dotted] = source
    # A later layer's value replaces an earlier layer's reference, and its failed value.
    layer.references.pop(dotted, None)
    layer.pending.pop(dotted, None)
