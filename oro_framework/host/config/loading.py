"""Loading the effective configuration from its layers, and :class:`Config`, the result.

Precedence, lowest first: key defaults (declared by plugins) < ``oro.toml`` <
``[<section>.<platform>]`` override tables < the secrets file (``ORO_SECRETS_FILE`` or
``[oro] secrets_file``, outside the app's resources) < ``ORO_<FLATTENED_KEY>`` environment
variables < per-key alias variables such as ``FS_SANDBOX`` < CLI overrides. Keys are addressed
either dotted (``webview.root``) or flattened as in the Oro Runtime (``webview_root``).

Values are checked once every layer is applied, so that ``ORO_*`` and ``-c`` can replace a file's
value that fails its checks (as ``.sscrc``'s ``[settings]`` replace ``socket.ini``'s before Socket
checks them); one left unreplaced is an ``oro.toml`` error, or an INI file's warning and default.

A key declared ``secret=True`` may hold a secret reference in ``oro.toml``
(:mod:`.references`): it is loaded as written, unchecked, and :meth:`Config.resolve_references`
replaces it with the secret.

Named tables (``[ai.upstreams.gpu]``, keys ``ai.upstreams.*.<field>``) have no values until a
layer names one: the first mention of a table, in the file or a ``-c`` override, gives every
field of that table its default, so that the config holds whole tables, in the order their names
first appear.
"""

from __future__ import annotations

import copy
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar, final

from oro_framework.host.app_backend import backend_imports_allowed
from oro_framework.host.config.document import (
    PLATFORM_SECTIONS,
    iter_document_parts,
    locate_line,
    parse_document,
    read_toml_text,
)
from oro_framework.host.config.files import is_ini_file
from oro_framework.host.config.ini import IniValue, parse_ini, read_ini
from oro_framework.host.config.ini_map import DOC, map_ini
from oro_framework.host.config.keys import (
    TABLE_NAME,
    ConfigKey,
    ConfigRegistry,
    did_you_mean,
    flatten_key,
    is_secret_name,
)
from oro_framework.host.config.references import (
    SecretReference,
    SecretResolver,
    parse_reference,
)
from oro_framework.host.config.values import describe_value, parse_text_value
from oro_framework.host.errors import ConfigError, ConfigWarning, IPCError

__all__ = ["SECRETS_FILE_ENV", "SECRETS_FILE_KEY", "Config", "load_config"]

SettingsT = TypeVar("SettingsT")

SECRETS_FILE_ENV: Final = "ORO_SECRETS_FILE"
"""The environment variable naming the secrets file; it wins over ``[oro] secrets_file``."""
SECRETS_FILE_KEY: Final = "oro.secrets_file"
"""The ``oro.toml`` entry naming the secrets file. The loader reads it itself: it says where
config comes from rather than being config, so no plugin declares it."""


@final
class Config(Mapping[str, Any]):
    """The effective configuration, keyed by dotted name; ``config["webview_root"]`` (flattened)
    works too. :meth:`source` tells where each value came from."""

    def __init__(
        self,
        registry: ConfigRegistry,
        values: dict[str, Any],
        sources: dict[str, str],
        references: dict[str, SecretReference] | None = None,
        secrets_file: Path | None = None,
    ) -> None:
        self.registry = registry
        self.secrets_file = secrets_file
        """The secrets file read (``ORO_SECRETS_FILE``, ``[oro] secrets_file``), if one was:
        what a plugin that reaches files keeps from pages."""
        self._values = values
        self._sources = sources
        self._references = dict(references or {})

    def _resolve(self, key: str) -> str:
        if key in self._values:
            return key
        dotted = self.registry.dotted(key)
        if dotted not in self._values and "." not in key:
            # A flattened name whose dashes cannot be guessed (``ai_upstreams_my_gpu_base_url``
            # for the table ``my-gpu``): the value whose name flattens to it.
            flattened = flatten_key(key)
            return next((name for name in self._values if flatten_key(name) == flattened), dotted)
        return dotted

    def __getitem__(self, key: str) -> Any:
        return self._values[self._resolve(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._resolve(key) in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def source(self, key: str) -> str:
        """``default``, ``oro.toml:12``, ``env ORO_X`` or ``override``."""
        return self._sources[self._resolve(key)]

    def reference(self, key: str) -> SecretReference | None:
        """The secret reference ``oro.toml`` wrote as ``key``'s value, if it did: what tools
        show instead of the value, resolved or not."""
        return self._references.get(self._resolve(key))

    @property
    def references(self) -> list[SecretReference]:
        """Every secret reference of the loaded files, in key order."""
        return [self._references[name] for name in sorted(self._references)]

    def resolve_references(self, resolver: SecretResolver) -> None:
        """Replace each secret reference's value with the secret ``resolver`` answers, checked
        as its key's values are. The host calls it once, before ``oro_configure``.

        :raises ConfigError: nobody resolves a reference's scheme (``resolver`` answered
            ``None``), the resolver failed (its :class:`~oro_framework.IPCError` says why and
            how to fix it), or the key's checks refuse the secret. The message names the key and
            where the reference was written, never the secret.
        """
        for reference in self.references:
            if reference.key not in self._references:
                continue  # its plugin was dropped as broken meanwhile
            where = f"key '{reference.key}' holds the secret reference '{reference}'"
            try:
                secret = resolver(reference)
            except IPCError as error:
                raise ConfigError(
                    f"{where}, which cannot be resolved: {error}",
                    key=reference.key,
                    source=reference.source,
                ) from error
            if secret is None:
                raise ConfigError(
                    f"{where}, but no installed plugin resolves '{reference.scheme}:' references;"
                    " install the plugin that does (oro-secure-storage resolves "
                    "'secure-storage:'; the host itself resolves 'env:'), or give the secret "
                    "itself in the environment or the secrets file (docs/security.md, Secrets), "
                    "never in oro.toml",
                    key=reference.key,
                    source=reference.source,
                )
            key = self.registry.find(reference.key)
            if key is None:
                continue
            try:
                self._values[reference.key] = key.validate(secret)
            except (TypeError, ValueError) as error:
                raise ConfigError(
                    f"{where}; the secret it names {error}",
                    key=reference.key,
                    source=reference.source,
                ) from None

    def drop_undeclared(self) -> None:
        """Forget the values of keys the registry no longer declares: the host calls it after
        dropping a broken plugin, whose keys must not outlive it."""
        for name in [name for name in self._values if self.registry.find(name) is None]:
            del self._values[name]
            del self._sources[name]
            self._references.pop(name, None)

    def section(self, prefix: str) -> dict[str, Any]:
        """The values below ``prefix`` (``filesystem.mounts``), keyed by the rest of the name."""
        start = prefix + "."
        return {
            name[len(start) :]: value
            for name, value in self._values.items()
            if name.startswith(start)
        }

    def settings(self, cls: type[SettingsT]) -> SettingsT:
        """The settings dataclass ``cls`` (declared with ``config.add_settings``) with this
        config's values.

        :raises LookupError: ``cls`` is not declared on this host.
        """
        return self.registry.read_settings(cls, self)

    def flattened(self, *, include_secrets: bool = True) -> dict[str, Any]:
        """Every value under its flattened name, as pages see it in ``__args.config``; without
        the secrets (``*_key``, ``*secret*``..., and keys declared secret) and the keys declared
        private (an upstream's ``base_url``) unless ``include_secrets``."""
        flat = {
            flatten_key(name): self._values[name]
            for name in sorted(self._values)
            if include_secrets or not self._is_private(name)
        }
        # Oro's names of the keys named otherwise here (``meta_title`` is ``meta_name``), so
        # that an Oro page reading ``application.config.meta_title`` finds its value.
        for oro_name, name in self.registry.oro_names().items():
            if flatten_key(name) in flat and not oro_name.endswith(".*"):
                flat.setdefault(flatten_key(oro_name), flat[flatten_key(name)])
        return flat

    def _is_private(self, name: str) -> bool:
        key = self.registry.find(name)
        return is_secret_name(name) or (key is not None and key.is_private)


@final
@dataclass(frozen=True)
class _Pending:
    """A file's value that failed its checks: an error (a warning for an INI value, whose key
    keeps its default) unless a later layer (``ORO_*``, ``-c``) replaces it."""

    error: ConfigError
    ini_text: str | None = None
    """An INI value's key and text (``[window] height = 'tall'``); ``None`` for oro.toml's."""


@dataclass
class _Layer:
    values: dict[str, Any]
    sources: dict[str, str]
    references: dict[str, SecretReference] = field(default_factory=dict)
    pending: dict[str, _Pending] = field(default_factory=dict)
    """The files' values that failed their checks, by key, until the environment and the CLI
    have had their say: checking the merged result is what lets ``-c`` and ``ORO_*`` fix a bad
    file value (Socket, too, merges ``.sscrc``'s ``[settings]`` before checking: src/cli/
    main.cc:2172)."""


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
        unknown key, ``permissions.allow_<x>`` names an undeclared permission, or the secrets
        file is missing, invalid or inside the app's resources. The message names the file and
        line (or the variable) and the expected type.
    """
    environ = environ or {}
    layer = _Layer(
        {key.name: key.default for key in registry if _has_default(key)},
        {key.name: "default" for key in registry if _has_default(key)},
    )
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
    for name, value in (overrides or {}).items():
        key = registry.find(name)
        if key is None:
            raise ConfigError(
                f"unknown config key {name!r}{did_you_mean(name, registry)}",
                key=name,
                source="override",
            )
        dotted = registry.dotted(name)
        try:
            raw = parse_text_value(key.type, value) if isinstance(value, str) else value
        except ValueError as error:
            raise ConfigError(f"key '{dotted}' {error}", key=dotted, source="override") from None
        _open_table(registry, layer, key, dotted)
        _store(layer, key, dotted, raw, "override")
    _settle(registry, layer)
    if secrets_file is not None and path is not None:
        # Checked against the final webview.root: a resource root moved by any layer would
        # otherwise start serving the file.
        root = layer.values.get("webview.root", ".")
        _check_secrets_outside_resources(secrets_file, path.parent / str(root))
    return Config(registry, layer.values, layer.sources, layer.references, secrets_file)


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
    if is_ini_file(path):
        _apply_ini_file(registry, layer, path, text)
        return None
    document = parse_document(text, path)
    overrides: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []
    named_secrets: tuple[str, str] | None = None
    for parts, value in iter_document_parts(document, empty_tables=True):
        if parts[-1] in PLATFORM_SECTIONS and isinstance(value, Mapping):
            if parts[-1] == platform:
                overrides.append((parts[:-1], value))
            continue
        dotted = ".".join(parts)
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


def _apply_ini_file(registry: ConfigRegistry, layer: _Layer, path: Path, text: str) -> None:
    """Apply Oro's or Socket's INI file (``oro.ini``, ``socket.ini``) as the ``oro.toml`` it maps
    to, each value's source its INI line; warn once for each key oro does not honour. A value
    that is not one of its key's (``height = tall``, ``height = 150%``) is pending: a warning
    and the default, unless a later layer replaces it."""
    mapped = map_ini(parse_ini(text, path), registry, path)
    for note in mapped.notes:
        warnings.warn(note.message(path.name), ConfigWarning, stacklevel=5)
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
    if key is None:
        is_permission = flatten_key(dotted).startswith("permissions_allow_")
        if is_permission and backend_imports_allowed():
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
