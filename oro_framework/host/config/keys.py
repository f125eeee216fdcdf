"""Config keys: their names (dotted and flattened), :class:`ConfigKey` and the registry plugins
declare them in, and finding the key a misspelt name meant."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, final

from oro_framework.host.config.document import PLATFORM_SECTIONS
from oro_framework.host.config.settings import OroEntry, read_settings, settings_fields
from oro_framework.host.config.values import TYPE_NAMES, check_value
from oro_framework.host.errors import RegistrationConflict
from oro_framework.host.registry import Registry
from oro_framework.records import record

__all__ = [
    "EXTENSIONS_KEY",
    "TABLE_NAME",
    "ConfigKey",
    "ConfigRegistry",
    "Validator",
    "did_you_mean",
    "flatten",
    "flatten_key",
    "is_secret_name",
    "nearest_key",
]

_SECRET_SUFFIXES: Final = ("key", "secret", "token", "password")
_VARIABLE_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEY_NAME: Final = re.compile(
    r"^[a-z][a-z0-9_\-]*(\.[a-z][a-z0-9_\-]*)*(\.\*(\.[a-z][a-z0-9_\-]*)*)?$"
)
EXTENSIONS_KEY: Final = "extensions.allow"
"""The config key listing the app's extensions (:mod:`oro_framework.host.extensions`); the
host reads it before plugins load, as ``plugins.disable``, since it decides what is set aside."""

TABLE_NAME: Final = re.compile(rf"(?!(?:{'|'.join(PLATFORM_SECTIONS)})$)[a-z0-9][a-z0-9_\-]*")
"""What the name of a named table (``[ai.upstreams.<name>]``) must match: one key segment, not
the name of a platform table (``linux``...), which ``[ai.upstreams.linux]`` is."""

SettingsT = TypeVar("SettingsT")

Validator = Callable[[Any], None]
"""Called with a value of the declared type; raises :class:`ValueError` saying what is wrong."""


def flatten_key(dotted: str) -> str:
    """``http.ipc.shared_key`` → ``http_ipc_shared_key`` (the Oro Runtime's flattened form)."""
    return dotted.replace(".", "_").replace("-", "_")


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested tables into ``section_key`` keys; values that are not tables stay whole.

    ``{"http": {"ipc": {"port": 1}}}`` → ``{"http_ipc_port": 1}``.
    """
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}_{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flatten(value, name))
        else:
            flat[flatten_key(name)] = value
    return flat


def is_variable_name(name: str) -> bool:
    """Whether ``name`` is an environment variable's name (``[A-Za-z_][A-Za-z0-9_]*``): what
    ``[env]``, ``build.env`` and the process plugin's variable lists hold."""
    return _VARIABLE_NAME.fullmatch(name) is not None


REDACTED: Final = "<redacted>"
"""What a secret's value is written as where the host shows it (a process's arguments, ``oro
dev``'s log in its pages)."""


def is_secret_name(name: str) -> bool:
    """Whether a key's name alone marks its value secret: the last part ends in ``key``,
    ``secret``, ``token`` or ``password`` (``http.ipc.shared_key``, ``ai.llm.api_key``)."""
    return flatten_key(name).lower().endswith(_SECRET_SUFFIXES)


@final
@record
class ConfigKey:
    """A declared config key.

    :ivar name: dotted name; ending in ``.*`` it accepts any sub-key (``filesystem.mounts.*``);
        with a ``*`` part before its end it is a field of named tables
        (``ai.upstreams.*.base_url``), whose ``*`` stands for any :data:`TABLE_NAME`.
    :ivar type: one of ``str``, ``int``, ``float``, ``bool``, ``list`` (of strings).
    :ivar env: extra environment variable names read for it (``FS_SANDBOX``), besides
        ``ORO_<FLATTENED_KEY>``.
    :ivar secret: declared secret (``setting(..., secret=True)``): its value in ``oro.toml`` may
        be a secret reference (``"secure-storage:openai"``) that the host resolves at start.
    :ivar private: declared private (``setting(..., private=True)``): no secret, but kept out of
        pages (an upstream server's URL).
    :ivar oro_names: the Oro Runtime's dotted names of the key where they differ
        (``meta.title`` for ``meta.name``): INI files and oro.toml files written for Oro set
        the key under them. A wildcard key may name one of Oro's sections instead
        (``webview.navigator.mounts.*``), whose entries ``oro_entry`` turns into its own.
    :ivar oro_entry: :func:`~oro_framework.setting`'s ``oro_entry``.
    """

    name: str
    type: type
    default: Any
    doc: str
    plugin: str
    validator: Validator | None = None
    env: tuple[str, ...] = ()
    secret: bool = False
    private: bool = False
    oro_names: tuple[str, ...] = ()
    oro_entry: OroEntry | None = None

    @property
    def is_wildcard(self) -> bool:
        return self.name.endswith(".*")

    @property
    def in_named_table(self) -> bool:
        """Whether the key is a field of named tables (``ai.upstreams.*.base_url``)."""
        return ".*." in self.name

    @property
    def table_prefix(self) -> str:
        """``ai.upstreams`` for ``ai.upstreams.*.base_url``: the table holding the named tables."""
        return self.name.partition(".*.")[0]

    def table_name(self, dotted: str) -> str | None:
        """The table name ``dotted`` (``ai.upstreams.gpu.base_url``) gives this field of named
        tables, or ``None`` when it does not name it."""
        prefix, _, field = self.name.partition(".*.")
        if not self.in_named_table or not dotted.startswith(prefix + "."):
            return None
        table, dot, rest = dotted[len(prefix) + 1 :].partition(".")
        if dot and rest == field and TABLE_NAME.fullmatch(table):
            return table
        return None

    def in_table(self, table: str) -> str:
        """This field's key in the named table ``table`` (``ai.upstreams.gpu.base_url``)."""
        return self.name.replace(".*.", f".{table}.", 1)

    @property
    def is_secret(self) -> bool:
        """Whether the value is a secret (declared so, or by :func:`is_secret_name`): it stays
        out of pages, and a file it names stays out of the served resources."""
        return self.secret or is_secret_name(self.name)

    @property
    def is_private(self) -> bool:
        """Whether pages must not see the value (``__args.config``, ``application.config``):
        a secret, or a key declared private."""
        return self.private or self.is_secret

    @property
    def flattened(self) -> str:
        return flatten_key(self.name)

    @property
    def env_names(self) -> tuple[str, ...]:
        if self.is_wildcard or self.in_named_table:
            return self.env
        return ("ORO_" + self.flattened.upper(), *self.env)

    def validate(self, value: Any) -> Any:
        """Check type and validator; return the value in the declared type.

        :raises TypeError: wrong type. :raises ValueError: the validator refused it.
        """
        checked = check_value(self.type, value)
        if self.validator is not None:
            self.validator(checked)
        return checked


@final
class ConfigRegistry(Registry[ConfigKey]):
    """Passed to ``oro_register_config``: the keys every installed plugin declares."""

    kind = "config key"

    def __init__(self) -> None:
        super().__init__()
        self._flattened: dict[str, str] = {}
        self._settings: dict[type[Any], tuple[str, str]] = {}
        """Settings dataclass → (its section, the plugin that declared it)."""
        self._oro_names: dict[str, str] = {}
        """Oro's name of a key → the key (``meta.title`` → ``meta.name``)."""
        self.permissions_complete = True
        """Whether every permission the app may name is declared here. A host that leaves the
        app's backend unimported (a command that only reads the app) sets it false: the backend
        may declare permissions, so the loader warns of a ``permissions.allow_<x>`` nobody
        declares instead of refusing it."""

    def add(
        self,
        name: str,
        type: type,
        default: Any,
        doc: str,
        *,
        validator: Validator | None = None,
        env: tuple[str, ...] = (),
        secret: bool = False,
        private: bool = False,
        oro_names: tuple[str, ...] = (),
        oro_entry: OroEntry | None = None,
    ) -> ConfigKey:
        """Declare key ``name`` (``section.key``) of ``type`` with ``default`` and ``doc``.

        :param secret: the value is a secret: kept out of pages and listings, and in
            ``oro.toml`` it may be a secret reference (``"secure-storage:openai"``) the host
            resolves at start. Only a ``str`` key can be secret.
        :param private: no secret, but kept out of pages (``__args.config``,
            ``application.config``); listings show it.
        :param oro_names: the Oro Runtime's (or Socket's) dotted names of the key where they
            differ (``("meta.title",)`` for ``meta.name``): an INI file's key, or an oro.toml
            written for Oro, under such a name sets this key, and pages find its value under
            Oro's flattened name too. The plugin owning the key declares them, not the host.
            A wildcard key may name one of Oro's INI sections (``"webview.navigator.mounts.*"``).
        :param oro_entry: for a wildcard key named after an Oro section, how that section's
            ``key = value`` becomes ``(name, value)`` of this key (:data:`OroEntry`).
        :raises RegistrationError: a bad name or type, a secret key that is not a string, or a
            default that does not pass its own checks.
        :raises RegistrationConflict: the key, or a key that flattens to the same name, exists;
            or another key has one of the Oro names.
        """
        if not _KEY_NAME.match(name) or "." not in name:
            raise self._refuse(f"config key {name!r} must look like 'section.key' in lowercase")
        if type not in TYPE_NAMES:
            raise self._refuse(f"config key {name!r}: type must be one of str/int/float/bool/list")
        if secret and type is not str:
            raise self._refuse(f"config key {name!r}: only a str key can be secret")
        if env and ".*." in name:
            raise self._refuse(f"config key {name!r}: a field of named tables has no env")
        self._check_oro_names(name, oro_names, oro_entry)
        key = ConfigKey(
            name,
            type,
            default,
            doc,
            self.current_plugin,
            validator,
            env,
            secret,
            private,
            oro_names,
            oro_entry,
        )
        if not key.is_wildcard:
            try:
                key.validate(default)
            except (TypeError, ValueError) as error:
                raise self._refuse(f"default of config key {name!r} {error}") from None
        if key.flattened in self._flattened and self._flattened[key.flattened] != name:
            other = self._flattened[key.flattened]
            raise RegistrationConflict(
                "config key",
                name,
                owner=self.owner(other),
                challenger=self.current_plugin,
                detail=f" as '{other}' (both flatten to '{key.flattened}')",
            )
        self._claim(name, key)
        self._flattened[key.flattened] = name
        self._oro_names.update(dict.fromkeys(oro_names, name))
        return key

    def _check_oro_names(
        self, name: str, oro_names: tuple[str, ...], oro_entry: OroEntry | None
    ) -> None:
        wildcard = name.endswith(".*")
        for oro_name in oro_names:
            # A wildcard key may take a whole section of Oro's (``webview.navigator.mounts.*``).
            bare = oro_name.removesuffix(".*") if wildcard else oro_name
            if not _KEY_NAME.match(bare) or "." not in bare or "*" in bare:
                raise self._refuse(
                    f"config key {name!r}: Oro name {oro_name!r} must look like 'section.key' "
                    "in lowercase"
                )
            taken = self._oro_names.get(oro_name)
            if taken is not None and taken != name:
                raise RegistrationConflict(
                    "Oro config name",
                    oro_name,
                    owner=self.owner(taken),
                    challenger=self.current_plugin,
                    detail=f" for '{taken}'",
                )
        if oro_entry is not None and not any(oro.endswith(".*") for oro in oro_names):
            raise self._refuse(
                f"config key {name!r}: oro_entry needs an Oro section among its Oro names "
                "('section.*')"
            )

    def oro_names(self) -> dict[str, str]:
        """Oro's (and Socket's) names of the keys named otherwise here, each with the key it
        names (``{"meta.title": "meta.name"}``), as the plugins owning the keys declare them."""
        return dict(self._oro_names)

    def for_oro_name(self, oro_name: str) -> str | None:
        """The key Oro's dotted name ``oro_name`` (``meta.title``) names, if one declares it."""
        return self._oro_names.get(oro_name)

    def for_oro_section(self, section: str) -> ConfigKey | None:
        """The wildcard key that takes the entries of Oro's INI section ``section``
        (``webview.navigator.mounts``), if one declares it."""
        name = self._oro_names.get(f"{section}.*")
        return None if name is None else self.get(name)

    def add_settings(self, cls: type[Any], *, section: str) -> list[ConfigKey]:
        """Declare a key for every :func:`~oro_framework.setting` field of the frozen dataclass
        ``cls``: ``<section>.<field name>`` with the field's type, default, doc and validator
        (``<section>.<field name>.*`` for a ``dict[str, <scalar>]`` field, and
        ``<section>.<field name>.*.<inner field>`` for each field of the inner dataclass of a
        ``dict[str, <settings dataclass>]`` field: named tables). ``host.settings(cls)`` then
        reads them back as one ``cls``.

        :param section: the keys' dotted prefix (``"dns"``, ``"ai.llm"``); a plugin may use
            several sections, one dataclass each.
        :raises RegistrationError: ``cls`` is not a settings dataclass (a field that is not a
            setting, a type a key cannot have), was declared already, or one of its keys is
            refused as by :meth:`add`.
        :raises RegistrationConflict: another plugin declared one of the keys.
        """
        if cls in self._settings:
            raise self._refuse(
                f"settings {cls.__name__} are declared already, under '{self._settings[cls][0]}'"
            )
        try:
            fields = settings_fields(cls, section)
        except TypeError as error:
            raise self._refuse(str(error)) from None
        keys = [
            self.add(
                field.key,
                field.type,
                field.default,
                field.doc,
                validator=field.validator,
                env=field.env,
                secret=field.secret,
                private=field.private,
                oro_names=field.oro_names,
                oro_entry=field.oro_entry,
            )
            for field in fields
        ]
        self._settings[cls] = (section, self.current_plugin)
        return keys

    def read_settings(self, cls: type[SettingsT], config: Mapping[str, Any]) -> SettingsT:
        """``cls`` (declared with :meth:`add_settings`) built from ``config``'s values.

        :raises LookupError: ``cls`` was not declared: its plugin is not registered on this host
            (or was dropped as broken).
        """
        declared = self._settings.get(cls)
        if declared is None:
            raise LookupError(
                f"settings {cls.__name__} are not declared on this host: its plugin's "
                "oro_register_config must call config.add_settings(...)"
            )
        return read_settings(cls, config, declared[0])

    def drop_plugin(self, plugin: str) -> list[ConfigKey]:
        dropped = super().drop_plugin(plugin)
        for key in dropped:
            del self._flattened[key.flattened]
            for oro_name in key.oro_names:
                del self._oro_names[oro_name]
        for cls in [cls for cls, (_, owner) in self._settings.items() if owner == plugin]:
            del self._settings[cls]
        return dropped

    def find(self, name: str) -> ConfigKey | None:
        """The key ``name`` denotes: dotted or flattened, exact, a field of a named table
        (``ai.upstreams.gpu.base_url``) or below a wildcard key."""
        dotted = self._flattened.get(flatten_key(name), name)
        exact = self.get(dotted)
        if exact is not None:
            return exact
        return (
            self.table_field_for(dotted)
            or self._table_field_for_flattened(flatten_key(name))[0]
            or self.wildcard_for(dotted)
            or self._wildcard_for_flattened(flatten_key(name))
        )

    def dotted(self, name: str) -> str:
        """The dotted form of ``name`` if a declared key matches it, else ``name`` unchanged."""
        key = self.find(name)
        if key is None or not (key.is_wildcard or key.in_named_table):
            return key.name if key else name
        if "." in name:
            return name
        if key.in_named_table:
            # A flattened name keeps no dash: ``my-gpu`` comes back as ``my_gpu``.
            return key.in_table(self._table_field_for_flattened(flatten_key(name))[1])
        return key.name[:-1] + flatten_key(name)[len(key.flattened) - 1 :]

    def table_prefixes(self) -> list[str]:
        """The tables that hold named tables (``ai.upstreams``), longest first."""
        prefixes = {key.table_prefix for key in self if key.in_named_table}
        return sorted(prefixes, key=lambda prefix: (-len(prefix), prefix))

    def table_fields(self, prefix: str) -> list[ConfigKey]:
        """The fields of the named tables below ``prefix`` (``ai.upstreams``)."""
        return [key for key in self if key.in_named_table and key.table_prefix == prefix]

    def table_field_for(self, dotted: str) -> ConfigKey | None:
        """The field of named tables ``dotted`` (``ai.upstreams.gpu.base_url``) is a value of."""
        for key in self:
            if key.table_name(dotted) is not None:
                return key
        return None

    def _table_field_for_flattened(self, flattened: str) -> tuple[ConfigKey | None, str]:
        """The field of named tables whose flattened name ``flattened`` fills in, and the table
        name; the longest field wins (``x_api_key`` is field ``api_key`` of table ``x``)."""
        found: tuple[ConfigKey | None, str] = (None, "")
        for key in self:
            if not key.in_named_table:
                continue
            prefix, _, suffix = key.flattened.partition("_*_")
            middle = flattened[len(prefix) + 1 : len(flattened) - len(suffix) - 1]
            if (
                flattened.startswith(prefix + "_")
                and flattened.endswith("_" + suffix)
                and TABLE_NAME.fullmatch(middle)
                and (found[0] is None or len(key.name) > len(found[0].name))
            ):
                found = (key, middle)
        return found

    def wildcard_for(self, dotted: str) -> ConfigKey | None:
        """The wildcard key whose prefix ``dotted`` extends (``filesystem.mounts.docs``)."""
        for key in self:
            if (
                key.is_wildcard
                and dotted.startswith(key.name[:-1])
                and len(dotted) > len(key.name) - 1
            ):
                return key
        return None

    def _wildcard_for_flattened(self, flattened: str) -> ConfigKey | None:
        for key in self:
            prefix = key.flattened[:-1]
            if key.is_wildcard and flattened.startswith(prefix) and len(flattened) > len(prefix):
                return key
        return None


def nearest_key(name: str, registry: ConfigRegistry) -> str | None:
    """The declared key closest to ``name`` (a typo such as ``window.widht``), if any is close.

    Within the same section only the last parts are compared, so that a long shared prefix
    (``permissions.allow_``) does not make unrelated keys look alike; when no key has that
    section, the whole flattened names are (``windw.width``, ``window_widht``).
    """
    import difflib  # only for an unknown key's warning: every launch imports this module

    dotted = registry.dotted(name)
    names = [_filled_in(key, dotted) for key in registry if not key.is_wildcard]
    section, _, last = dotted.rpartition(".")
    siblings = {key.rpartition(".")[2]: key for key in names if key.rpartition(".")[0] == section}
    # What every sibling starts with (``allow_``) says nothing about which one was meant.
    shared = _shared_prefix(list(siblings)) if len(siblings) > 1 else ""
    siblings = {part.removeprefix(shared): key for part, key in siblings.items()}
    close = difflib.get_close_matches(last.removeprefix(shared), list(siblings), n=1, cutoff=0.75)
    if close or siblings:
        return siblings[close[0]] if close else None
    flattened = {flatten_key(key): key for key in names}
    close = difflib.get_close_matches(flatten_key(dotted), list(flattened), n=1, cutoff=0.85)
    return flattened[close[0]] if close else None


def _filled_in(key: ConfigKey, dotted: str) -> str:
    """``key``'s name, a field of named tables taking the table name from ``dotted`` when it
    has a part there (``ai.upstreams.gpu.base_ur`` → ``ai.upstreams.gpu.base_url``)."""
    parts, pattern = dotted.split("."), key.name.split(".")
    if not key.in_named_table or len(parts) != len(pattern):
        return key.name
    table = parts[pattern.index("*")]
    return key.in_table(table) if TABLE_NAME.fullmatch(table) else key.name


def _shared_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    length = 0
    while length < len(first) and first[length] == last[length]:
        length += 1
    return first[:length]


def did_you_mean(name: str, registry: ConfigRegistry) -> str:
    """``"; did you mean 'window.width'?"`` or ``""``, to end an unknown-key message with."""
    nearest = nearest_key(name, registry)
    return f"; did you mean '{nearest}'?" if nearest else ""
