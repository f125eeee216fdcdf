"""Settings dataclasses: a plugin's config keys declared once, as the fields of a frozen dataclass.

Each field made with :func:`setting` is one key ``<section>.<field name>``: its type is the
field's annotation, its default, doc, validator and extra environment variables are the
arguments of :func:`setting`. ``config.add_settings(DnsSettings, section="dns")`` declares the
keys (what ``oro config list --describe`` shows); ``host.settings(DnsSettings)`` reads them back
as one typed object::

    @final
    @record
    class DnsSettings:
        timeout_ms: int = setting(5000, "Milliseconds to wait.", validator=positive)
        servers: list[str] = setting([], "DNS servers; empty: the system's.")

A field annotated ``dict[str, <type>]`` declares the wildcard key ``<section>.<name>.*`` and
holds every value below it, keyed by the rest of the name. A field annotated
``dict[str, <Inner>]``, where ``Inner`` is itself a settings dataclass (fields made with
:func:`setting` only, of the scalar and list types), declares *named tables*: one key
``<section>.<name>.*.<inner field>`` per field of ``Inner``, and holds one ``Inner`` per table
``[<section>.<name>.<table name>]`` of ``oro.toml``, keyed by the table's name in the order the
names first appear::

    @final
    @record
    class UpstreamSettings:
        base_url: str = setting("", "The server's URL.")
        api_key: str = setting("", "Its key.", secret=True)

    @final
    @record
    class RoutingSettings:
        upstreams: dict[str, UpstreamSettings] = setting({}, "One table per server.")

A field made with :func:`setting_from` reads a key another plugin declares (the host's
``ipc.max_body_bytes``).

A class declared under the section ``""`` declares keys at the top, each field's name (or its
``name``) being the whole dotted key: for keys in several sections, or a section that is one
wildcard (``env.*``).
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, cast, final, overload

from oro_framework.host.config.values import ScreenLength
from oro_framework.records import record

__all__ = [
    "SettingField",
    "read_settings",
    "setting",
    "setting_from",
    "settings_fields",
]

T = TypeVar("T")
V = TypeVar("V")

OroEntry = Callable[[str, str], tuple[str, str]]
"""Turns ``key = value`` of an Oro INI section into ``(name, value)`` of a wildcard key
(:func:`setting`'s ``oro_entry``); raises :class:`ValueError` for an entry oro cannot take."""
SettingsT = TypeVar("SettingsT")

_METADATA: Final = "oro_framework.setting"
_SCALARS: Final = (str, int, float, bool)


@final
@record
class _Declared:
    doc: str
    validator: Callable[[Any], None] | None
    env: tuple[str, ...]
    name: str | None
    secret: bool = False
    private: bool = False
    oro_names: tuple[str, ...] = ()
    oro_entry: OroEntry | None = None


@final
@record
class _Borrowed:
    key: str
    has_default: bool = False
    default: Any = None


@overload
def setting(
    default: dict[str, V],
    doc: str,
    *,
    validator: Callable[[V], None] | None = None,
    env: tuple[str, ...] = (),
    name: str | None = None,
    repr: bool = True,
    secret: bool = False,
    private: bool = False,
    oro_names: tuple[str, ...] = (),
    oro_entry: OroEntry | None = None,
) -> dict[str, V]: ...


@overload
def setting(
    default: T,
    doc: str,
    *,
    validator: Callable[[T], None] | None = None,
    env: tuple[str, ...] = (),
    name: str | None = None,
    repr: bool = True,
    secret: bool = False,
    private: bool = False,
    oro_names: tuple[str, ...] = (),
    oro_entry: OroEntry | None = None,
) -> T: ...


def setting(
    default: Any,
    doc: str,
    *,
    validator: Callable[[Any], None] | None = None,
    env: tuple[str, ...] = (),
    name: str | None = None,
    repr: bool = True,
    secret: bool = False,
    private: bool = False,
    oro_names: tuple[str, ...] = (),
    oro_entry: OroEntry | None = None,
) -> Any:
    """A settings field that declares the config key ``<section>.<name>``.

    :param default: the key's default; a ``dict`` field (a wildcard key, or named tables)
        takes ``{}``.
    :param doc: one or two sentences for ``oro config list --describe`` and the docs.
    :param validator: raises :class:`ValueError` to refuse a value (``oro_framework.validators``
        has the common ones); the host reports it with the file and line it came from. A
        wildcard field's (``dict[str, str]``) checks each value below it.
    :param env: environment variables read for the key besides ``ORO_<FLATTENED_KEY>``.
    :param name: the key's last part when it cannot be the field's name
        (``"service-workers"``).
    :param repr: ``False`` keeps the value out of the dataclass's ``repr`` (secrets).
    :param secret: the key holds a secret (a ``str`` field): kept out of pages, listings and the
        ``repr`` (it implies ``repr=False``), and its value in ``oro.toml`` may be a secret
        reference, ``"<scheme>:<name>"`` (``"secure-storage:openai"``), which the host resolves
        through ``oro_resolve_secret`` when it starts.
    :param private: the value is no secret but pages must not see it (an upstream server's
        URL): kept out of ``__args.config`` and ``application.config``, shown by
        ``oro config list`` as it is. A secret is private too.
    :param oro_names: the Oro Runtime's (or Socket's) dotted names of the key when they differ
        (``("meta.title",)`` for ``meta.name``): an ``oro.ini``/``socket.ini`` key, or an
        ``oro.toml`` written for Oro, under that name sets this key, and pages find the value
        under Oro's flattened name too. A wildcard field (``dict[str, str]``) may name one of
        Oro's sections instead, ``("webview.navigator.mounts.*",)``: each key of that section
        in an INI file becomes one entry of this field, through ``oro_entry``.
    :param oro_entry: for a wildcard field named after an Oro section: turns that section's
        ``key = value`` into this field's ``(name, value)``; a :class:`ValueError` says why oro
        cannot take the entry (the user sees it as a note on that line). Without it the entry
        is taken as it is.
    """
    metadata = {
        _METADATA: _Declared(doc, validator, env, name, secret, private, oro_names, oro_entry)
    }
    repr = repr and not secret
    if isinstance(default, list | dict):
        # A fresh copy per instance: dataclasses refuse a shared mutable default.
        factory = cast("Callable[[], Any]", lambda: copy.copy(default))
        return dataclasses.field(default_factory=factory, metadata=metadata, repr=repr)
    return dataclasses.field(default=default, metadata=metadata, repr=repr)


_NO_DEFAULT: Final = object()


def setting_from(key: str, *, default: Any = _NO_DEFAULT, repr: bool = True) -> Any:
    """A settings field that reads ``key``, declared by another plugin (or the host), without
    declaring it: ``max_body_bytes: int = setting_from("ipc.max_body_bytes")``. A wildcard key
    (``"env.*"``, for a ``dict[str, ...]`` field) reads every value below it.

    :param default: the value while no plugin declares ``key`` (its plugin is disabled or not
        installed); without one, the settings object is built from a config that has the key
        only.
    """
    has_default = default is not _NO_DEFAULT
    borrowed = _Borrowed(key, has_default, default if has_default else None)
    metadata = {_METADATA: borrowed}
    if not has_default:
        return dataclasses.field(metadata=metadata, kw_only=True, repr=repr)
    # A fresh copy per instance: dataclasses refuse a shared mutable default.
    return dataclasses.field(
        default_factory=lambda: copy.copy(default), metadata=metadata, kw_only=True, repr=repr
    )


def _key(section: str, name: str) -> str:
    """The key of field ``name`` under ``section``; at the top (``""``), the name itself."""
    return f"{section}.{name}" if section else name


@final
@record
class SettingField:
    """What one field of a settings dataclass declares (:func:`settings_fields`).

    :ivar key: the dotted key; ``<section>.<name>.*`` for a wildcard,
        ``<section>.<name>.*.<inner field>`` for a field of named tables.
    :ivar type: the key's type (``str``, ``int``, ``float``, ``bool`` or ``list``).
    :ivar oro_names: Oro's names of the key (:func:`setting`'s ``oro_names``).
    """

    field: str
    key: str
    type: type
    default: Any
    doc: str
    validator: Callable[[Any], None] | None
    env: tuple[str, ...]
    secret: bool = False
    private: bool = False
    oro_names: tuple[str, ...] = ()
    oro_entry: OroEntry | None = None

    @property
    def is_wildcard(self) -> bool:
        return self.key.endswith(".*")


@final
@record
class _NamedTables:
    """The key type of a ``dict[str, <settings dataclass>]`` field."""

    inner: type[Any]


def settings_fields(cls: type[Any], section: str) -> list[SettingField]:
    """The keys the settings dataclass ``cls`` declares under ``section``, in field order.

    :raises TypeError: ``cls`` is not a dataclass, a field is neither :func:`setting` nor
        :func:`setting_from` (nor ``init=False``), or a field's type is not one a key can have.
    """
    declared: list[SettingField] = []
    for item, spec in _setting_specs(cls):
        if not isinstance(spec, _Declared):
            continue
        kind = _key_type(cls, item.name)
        key = _key(section, spec.name or item.name)
        if isinstance(kind, _NamedTables):
            _check_tables_field(cls, item.name, spec)
            declared.extend(
                dataclasses.replace(inner, field=item.name)
                for inner in _table_fields(kind.inner, key + ".*")
            )
            continue
        if isinstance(kind, tuple):
            declared.append(
                SettingField(
                    item.name,
                    key + ".*",
                    kind[0],
                    _zero(kind[0]),
                    spec.doc,
                    spec.validator,
                    spec.env,
                    spec.secret,
                    spec.private,
                    spec.oro_names,
                    spec.oro_entry,
                )
            )
            continue
        if spec.oro_entry is not None:
            raise TypeError(
                f"{cls.__name__}.{item.name}: only a dict[str, str] field (a wildcard key) "
                "takes oro_entry"
            )
        default = item.default_factory() if callable(item.default_factory) else item.default
        declared.append(
            SettingField(
                item.name,
                key,
                kind,
                default,
                spec.doc,
                spec.validator,
                spec.env,
                spec.secret,
                spec.private,
                spec.oro_names,
            )
        )
    return declared


def read_settings(cls: type[SettingsT], config: Mapping[str, Any], section: str) -> SettingsT:
    """Build the settings dataclass ``cls`` from ``config``'s values (a host's loaded
    :class:`~oro_framework.Config`, or any mapping of dotted keys in tests).

    :raises LookupError: a field reads a key nobody declared (a bug in the plugin, not in the
        user's config: every declared key has a value).
    """
    wildcards = {
        item.field: item.key[:-1] for item in settings_fields(cls, section) if item.is_wildcard
    }
    values: dict[str, Any] = {}
    for item, spec in _setting_specs(cls):
        kind = _key_type(cls, item.name) if isinstance(spec, _Declared) else None
        if isinstance(kind, _NamedTables) and isinstance(spec, _Declared):
            prefix = _key(section, spec.name or item.name) + "."
            values[item.name] = _read_tables(kind.inner, config, prefix)
            continue
        if item.name in wildcards:
            values[item.name] = _below(config, wildcards[item.name])
            continue
        if isinstance(spec, _Borrowed):
            values[item.name] = _borrowed(cls, item.name, spec, config)
            continue
        key = _key(section, spec.name or item.name)
        try:
            values[item.name] = config[key]
        except KeyError:
            raise LookupError(
                f"{cls.__name__}.{item.name} reads config key {key!r}, which is not declared"
            ) from None
    return cls(**values)


def _borrowed(cls: type[Any], name: str, spec: _Borrowed, config: Mapping[str, Any]) -> Any:
    """The value field ``name`` of ``cls`` reads from another plugin's key."""
    if spec.key.endswith(".*"):
        return _below(config, spec.key[:-1])
    if spec.key in config:
        return config[spec.key]
    if spec.has_default:
        return copy.copy(spec.default)
    raise LookupError(f"{cls.__name__}.{name} reads config key {spec.key!r}, which is not declared")


def _below(config: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The values of ``config`` whose keys start with ``prefix``, keyed by the rest."""
    return {name[len(prefix) :]: value for name, value in config.items() if name.startswith(prefix)}


def _read_tables(inner: type[Any], config: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """One ``inner`` per table name found below ``prefix``, in the order the names first appear
    in ``config`` (a loaded config holds each table's keys from its first mention on)."""
    fields = {key.key.rpartition(".")[2]: key.field for key in _table_fields(inner, "*")}
    tables: dict[str, dict[str, Any]] = {}
    for name, value in config.items():
        if not name.startswith(prefix):
            continue
        table, _, sub_key = name[len(prefix) :].partition(".")
        if sub_key in fields:
            tables.setdefault(table, {})[fields[sub_key]] = value
    return {table: inner(**values) for table, values in tables.items()}


def _table_fields(inner: type[Any], prefix: str) -> list[SettingField]:
    """The keys ``<prefix>.<field>`` of ``inner``, a named table's settings dataclass.

    :raises TypeError: ``inner`` is not one: a field borrows a key, reads environment
        variables, or is a wildcard or named tables itself.
    """
    fields = []
    for item, spec in _setting_specs(inner):
        where = f"{inner.__name__}.{item.name}"
        if not isinstance(spec, _Declared):
            raise TypeError(
                f"{where}: a named table's field is made with setting(), not setting_from()"
            )
        if spec.env or spec.oro_names or spec.oro_entry:
            raise TypeError(
                f"{where}: a named table's field reads no environment variables nor Oro names"
            )
        kind = _key_type(inner, item.name)
        if not isinstance(kind, type):
            raise TypeError(f"{where}: a named table's field is str, int, float, bool or list[str]")
        default = item.default_factory() if callable(item.default_factory) else item.default
        fields.append(
            SettingField(
                item.name,
                f"{prefix}.{spec.name or item.name}",
                kind,
                default,
                spec.doc,
                spec.validator,
                (),
                spec.secret,
                spec.private,
            )
        )
    return fields


def _check_tables_field(cls: type[Any], name: str, spec: _Declared) -> None:
    if (
        spec.validator is not None
        or spec.env
        or spec.secret
        or spec.private
        or spec.oro_names
        or spec.oro_entry
    ):
        raise TypeError(
            f"{cls.__name__}.{name}: a field of named tables takes no validator, env, secret, "
            "private or oro_names; give them to the fields of its tables"
        )


def _setting_specs(cls: type[Any]) -> list[tuple[dataclasses.Field[Any], _Declared | _Borrowed]]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    specs = []
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        spec = item.metadata.get(_METADATA)
        if not isinstance(spec, _Declared | _Borrowed):
            raise TypeError(
                f"{cls.__name__}.{item.name} is not a setting: make it with setting(default, doc) "
                "or setting_from(key), or give it init=False"
            )
        specs.append((item, spec))
    return specs


_HINTS: Final = "_oro_setting_type_hints"


def _type_hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving a class's string annotations evaluates every one of them: once per class, not
    # once per field (a settings class of 40 fields cost 40 resolutions of all 40 at start-up).
    hints: dict[str, Any] | None = cls.__dict__.get(_HINTS)
    if hints is None:
        hints = typing.get_type_hints(cls)
        setattr(cls, _HINTS, hints)
    return hints


def _key_type(cls: type[Any], name: str) -> type | tuple[type] | _NamedTables:
    """The key type of field ``name``: a scalar, ``list`` (of strings), ``(scalar,)`` for a
    ``dict[str, scalar]`` (a wildcard key), or named tables for a ``dict[str, <settings
    dataclass>]``."""
    hint = _type_hints(cls)[name]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in _SCALARS:
        return cast("type", hint)
    if hint == int | str:
        return ScreenLength
    if origin is list and args == (str,):
        return list
    if origin is dict and len(args) == 2 and args[0] is str and args[1] in _SCALARS:
        return (args[1],)
    if (
        origin is dict
        and len(args) == 2
        and args[0] is str
        and isinstance(args[1], type)
        and dataclasses.is_dataclass(args[1])
    ):
        return _NamedTables(args[1])
    shown = getattr(hint, "__name__", hint) if not isinstance(hint, types.GenericAlias) else hint
    raise TypeError(
        f"{cls.__name__}.{name}: a setting is str, int, float, bool, int | str (a window "
        'length: pixels or "N%"), list[str], '
        f"dict[str, <one of those scalars>] or dict[str, <settings dataclass>], not {shown}"
    )


def _zero(kind: type) -> Any:
    return kind()
