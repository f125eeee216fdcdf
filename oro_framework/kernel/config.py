"""``oro.toml``: declared keys, loading with precedence, flattening, and in-place editing.

Precedence, lowest first: key defaults (declared by plugins) < ``oro.toml`` <
``[<section>.<platform>]`` override tables < the secrets file (``ORO_SECRETS_FILE`` or
``[oro] secrets_file``, outside the app's resources) < ``ORO_<FLATTENED_KEY>`` environment
variables < per-key alias variables such as ``FS_SANDBOX`` < CLI overrides. Keys are addressed
either dotted (``webview.root``) or flattened as in the Oro Runtime (``webview_root``).

The flattening and value parsing functions are pure; file reading happens in :func:`load_config`
and :func:`read_document` only.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar, final

import tomlkit
import tomlkit.exceptions
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Table

from oro_framework.kernel.errors import ConfigError, ConfigWarning, RegistrationConflict
from oro_framework.kernel.registry import Registry

__all__ = [
    "MIN_SECRET_LENGTH",
    "PLATFORM_SECTIONS",
    "SECRETS_FILE_ENV",
    "SECRETS_FILE_KEY",
    "Config",
    "ConfigKey",
    "ConfigRegistry",
    "flatten",
    "flatten_key",
    "is_secret_name",
    "load_config",
    "load_settings",
    "nearest_key",
    "non_empty",
    "not_negative",
    "parse_document",
    "parse_text_value",
    "path",
    "port",
    "positive",
    "read_document",
    "secret",
    "set_document_value",
]

PLATFORM_SECTIONS: Final = ("linux", "darwin", "win32")
"""Names of override tables: ``[webview.linux]`` overrides ``[webview]`` on Linux."""

_TYPE_NAMES: Final[dict[type, str]] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list of strings",
}
SECRETS_FILE_ENV: Final = "ORO_SECRETS_FILE"
"""The environment variable naming the secrets file; it wins over ``[oro] secrets_file``."""
SECRETS_FILE_KEY: Final = "oro.secrets_file"
"""The ``oro.toml`` entry naming the secrets file. The loader reads it itself: it says where
config comes from rather than being config, so no plugin declares it."""
_SECRET_SUFFIXES: Final = ("key", "secret", "token", "password")
_KEY_NAME: Final = re.compile(r"^[a-z][a-z0-9_\-]*(\.[a-z][a-z0-9_\-]*)*(\.\*)?$")
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})

Validator = Callable[[Any], None]
"""Called with a value of the declared type; raises :class:`ValueError` saying what is wrong."""


MIN_SECRET_LENGTH: Final = 16
"""The fewest characters a configured shared key or API key may have (an empty value usually
means "a random one per launch")."""


# ----------------------------------------------------------------------------------------------
# Validators shared by every plugin's declarations (``config.add(..., validator=positive)``)
# ----------------------------------------------------------------------------------------------


def non_empty(value: str) -> None:
    """A string with something in it besides white space."""
    if not value.strip():
        raise ValueError("must not be empty")


def secret(value: str) -> None:
    """Empty, or at least :data:`MIN_SECRET_LENGTH` characters."""
    if value and len(value) < MIN_SECRET_LENGTH:
        raise ValueError(f"must be empty or at least {MIN_SECRET_LENGTH} characters")


def port(value: int) -> None:
    """A TCP/UDP port, or 0 for any free one."""
    if not 0 <= value <= 65_535:
        raise ValueError("must be 0 (any free port) or 1 to 65535")


def positive(value: float) -> None:
    """A number above zero (and finite)."""
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number")


def not_negative(value: float) -> None:
    """Zero or more (and finite)."""
    if not value >= 0 or value == float("inf"):
        raise ValueError("must not be negative")


def path(value: str) -> None:
    """A file-system path as written in ``oro.toml`` (empty means "not set"): no NUL character,
    which no OS accepts in a path."""
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")


SettingsT = TypeVar("SettingsT")


def load_settings(cls: type[SettingsT], config: Mapping[str, Any], section: str) -> SettingsT:
    """Build the dataclass ``cls`` from the config keys ``<section>.<field name>``.

    A field whose metadata has ``key`` reads that dotted key instead
    (``field(metadata={"key": "ipc.max_body_bytes"})``); fields with ``init=False`` are left to
    the dataclass. This is the typed settings object of a plugin's ``settings.py``::

        @dataclass(frozen=True)
        class ConduitSettings:
            port: int
            shared_key: str

        settings = load_settings(ConduitSettings, host.config, "conduit")

    :raises LookupError: a field names a key nobody declared (a bug in the plugin, not in the
        user's config: every declared key has a value).
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if not item.init:
            continue
        key = item.metadata.get("key", f"{section}.{item.name}")
        try:
            values[item.name] = config[key]
        except KeyError:
            raise LookupError(
                f"{cls.__name__}.{item.name} reads config key {key!r}, which is not declared"
            ) from None
    return cls(**values)


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


def is_secret_name(name: str) -> bool:
    """Whether a key's name alone marks its value secret: the last part ends in ``key``,
    ``secret``, ``token`` or ``password`` (``http.ipc.shared_key``, ``ai.llm.api_key``)."""
    return flatten_key(name).lower().endswith(_SECRET_SUFFIXES)


def type_name(kind: type) -> str:
    """How docs and errors call a config type (``boolean``, ``list of strings``...)."""
    return _TYPE_NAMES[kind]


def check_value(kind: type, value: Any) -> Any:
    """Return ``value`` as ``kind`` if it is one (an int is a valid number).

    :raises TypeError: it is not; the message says what was expected and what was given.
    """
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind is str:
        if isinstance(value, str):
            return str(value)
    elif kind is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(item) for item in value]
    raise TypeError(f"expects {type_name(kind)}, got {_describe(value)}")


def parse_text_value(kind: type, text: str) -> Any:
    """Parse a value given as text (environment variable, CLI argument) into ``kind``.

    Booleans accept ``1/true/yes/on`` and ``0/false/no/off``; lists accept a JSON array or
    whitespace-separated words (as Oro joins arrays).

    :raises ValueError: the text does not denote a value of ``kind``.
    """
    stripped = text.strip()
    if kind is bool:
        word = parse_bool_word(stripped)
        if word is not None:
            return word
    elif kind is int:
        try:
            return int(stripped, 10)
        except ValueError:
            pass
    elif kind is float:
        try:
            return float(stripped)
        except ValueError:
            pass
    elif kind is str:
        return text
    elif kind is list:
        if stripped.startswith("["):
            try:
                return check_value(list, json.loads(stripped))
            except (ValueError, TypeError):
                pass
        else:
            return stripped.split()
    raise ValueError(f"expects {type_name(kind)}, got {text!r}")


def parse_bool_word(text: str) -> bool | None:
    """``1/true/yes/on`` → True, ``0/false/no/off`` → False (any case, spaces ignored), else
    ``None``. Config text and IPC parameters accept the same words."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def _describe(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}.get(
        type(value), "table" if isinstance(value, Mapping) else type(value).__name__
    )
    return f"{kind} {json.dumps(value, default=str)}"


@final
@dataclass(frozen=True)
class ConfigKey:
    """A declared config key.

    :ivar name: dotted name; ending in ``.*`` it accepts any sub-key (``filesystem.mounts.*``).
    :ivar type: one of ``str``, ``int``, ``float``, ``bool``, ``list`` (of strings).
    :ivar env: extra environment variable names read for it (``FS_SANDBOX``), besides
        ``ORO_<FLATTENED_KEY>``.
    """

    name: str
    type: type
    default: Any
    doc: str
    plugin: str
    validator: Validator | None = None
    env: tuple[str, ...] = ()

    @property
    def is_wildcard(self) -> bool:
        return self.name.endswith(".*")

    @property
    def is_secret(self) -> bool:
        """Whether the value is a secret (:func:`is_secret_name`): it stays out of pages, and a
        file it names stays out of the served resources."""
        return is_secret_name(self.name)

    @property
    def flattened(self) -> str:
        return flatten_key(self.name)

    @property
    def env_names(self) -> tuple[str, ...]:
        if self.is_wildcard:
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

    def add(
        self,
        name: str,
        type: type,
        default: Any,
        doc: str,
        *,
        validator: Validator | None = None,
        env: tuple[str, ...] = (),
    ) -> ConfigKey:
        """Declare key ``name`` (``section.key``) of ``type`` with ``default`` and ``doc``.

        :raises RegistrationError: a bad name or type, or a default that does not pass its own
            checks.
        :raises RegistrationConflict: the key, or a key that flattens to the same name, exists.
        """
        if not _KEY_NAME.match(name) or "." not in name:
            raise self._refuse(f"config key {name!r} must look like 'section.key' in lowercase")
        if type not in _TYPE_NAMES:
            raise self._refuse(f"config key {name!r}: type must be one of str/int/float/bool/list")
        key = ConfigKey(name, type, default, doc, self.current_plugin, validator, env)
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
        return key

    def drop_plugin(self, plugin: str) -> list[ConfigKey]:
        dropped = super().drop_plugin(plugin)
        for key in dropped:
            del self._flattened[key.flattened]
        return dropped

    def find(self, name: str) -> ConfigKey | None:
        """The key ``name`` denotes: dotted or flattened, exact or below a wildcard key."""
        dotted = self._flattened.get(flatten_key(name), name)
        exact = self.get(dotted)
        if exact is not None:
            return exact
        return self._wildcard_for(dotted) or self._wildcard_for_flattened(flatten_key(name))

    def dotted(self, name: str) -> str:
        """The dotted form of ``name`` if a declared key matches it, else ``name`` unchanged."""
        key = self.find(name)
        if key is None or not key.is_wildcard:
            return key.name if key else name
        if "." in name:
            return name
        return key.name[:-1] + flatten_key(name)[len(key.flattened) - 1 :]

    def _wildcard_for(self, dotted: str) -> ConfigKey | None:
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


@final
class Config(Mapping[str, Any]):
    """The effective configuration, keyed by dotted name; ``config["webview_root"]`` (flattened)
    works too. :meth:`source` tells where each value came from."""

    def __init__(
        self, registry: ConfigRegistry, values: dict[str, Any], sources: dict[str, str]
    ) -> None:
        self.registry = registry
        self._values = values
        self._sources = sources

    def _resolve(self, key: str) -> str:
        return key if key in self._values else self.registry.dotted(key)

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

    def drop_undeclared(self) -> None:
        """Forget the values of keys the registry no longer declares: the host calls it after
        dropping a broken plugin, whose keys must not outlive it."""
        for name in [name for name in self._values if self.registry.find(name) is None]:
            del self._values[name]
            del self._sources[name]

    def section(self, prefix: str) -> dict[str, Any]:
        """The values below ``prefix`` (``filesystem.mounts``), keyed by the rest of the name."""
        start = prefix + "."
        return {
            name[len(start) :]: value
            for name, value in self._values.items()
            if name.startswith(start)
        }

    def flattened(self, *, include_secrets: bool = True) -> dict[str, Any]:
        """Every value under its flattened name, as pages see it in ``__args.config``; without
        the secrets (``*_key``, ``*secret*``...) unless ``include_secrets``."""
        return {
            flatten_key(name): self._values[name]
            for name in sorted(self._values)
            if include_secrets or not is_secret_name(name)
        }


# -------------------------------------------------------------------------------------------------
# Loading
# -------------------------------------------------------------------------------------------------


def read_document(path: Path) -> tomlkit.TOMLDocument:
    """Parse ``path`` with tomlkit (keeping comments and layout for :func:`set_document_value`).

    :raises ConfigError: the file is not valid TOML; see :func:`parse_document`.
    """
    return parse_document(path.read_text(encoding="utf-8"), path)


def parse_document(text: str, path: Path) -> tomlkit.TOMLDocument:
    """Parse ``text``, the content of ``path`` (read already, or about to be written).

    :raises ConfigError: it is not valid TOML. The message names ``path`` as given (not just
        ``oro.toml``: a user with several apps must know which file), the line and column, and
        the problem in words: an unterminated string, which tomlkit reports as a control
        character, is called one.
    """
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        line, column, problem = _describe_toml_error(text, error)
        raise ConfigError(f"invalid TOML: {problem}", source=f"{path}:{line}:{column}") from None


_QUOTES: Final = ('"""', "'''", '"', "'")


def _describe_toml_error(text: str, error: tomlkit.exceptions.ParseError) -> tuple[int, int, str]:
    """``(line, column, problem)`` for tomlkit's ``error``, columns counted from 1."""
    opened = _unclosed_string(text)
    if opened is not None and (
        isinstance(error, tomlkit.exceptions.UnexpectedEofError)
        or (isinstance(error, tomlkit.exceptions.InvalidControlChar) and error.line >= opened[0])
    ):
        line, column, quote = opened
        if len(quote) == 3:
            return line, column, f"unterminated string (opened with {quote}, never closed)"
        return (
            line,
            column,
            f"unterminated string (close it with {quote} on the same line, or use "
            f"{quote * 3} for a string of several lines)",
        )
    message = str(error).removesuffix(f" at line {error.line} col {error.col}")
    return error.line, error.col + 1, message[:1].lower() + message[1:]


def _unclosed_string(text: str) -> tuple[int, int, str] | None:
    """Where the first string that never closes opens: ``(line, column, quote)``. A basic or
    literal string closes on its line; a multi-line one anywhere later. Comments are skipped."""
    line, start, index = 1, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line, start = line + 1, index + 1
        elif char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        elif char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, index))
            end = _string_end(text, index + len(quote), quote)
            if end is None:
                return line, index - start + 1, quote
            skipped = text[index:end]
            newlines = skipped.count("\n")
            if newlines:
                line, start = line + newlines, index + skipped.rindex("\n") + 1
            index = end
            continue
        index += 1
    return None


def _string_end(text: str, index: int, quote: str) -> int | None:
    """The index just past the string whose content starts at ``index``, or ``None``."""
    multiline = len(quote) == 3
    while index < len(text):
        if text.startswith(quote, index):
            return index + len(quote)
        char = text[index]
        if char == "\n" and not multiline:
            return None
        index += 2 if char == "\\" and quote[0] == '"' else 1
    return None


def nearest_key(name: str, registry: ConfigRegistry) -> str | None:
    """The declared key closest to ``name`` (a typo such as ``window.widht``), if any is close.

    Within the same section only the last parts are compared, so that a long shared prefix
    (``permissions.allow_``) does not make unrelated keys look alike; when no key has that
    section, the whole flattened names are (``windw.width``, ``window_widht``).
    """
    names = [key.name for key in registry if not key.is_wildcard]
    dotted = registry.dotted(name)
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


def iter_document(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted key, value)`` for every value, descending into tables, arrays of scalars
    kept whole. Platform override tables are yielded as tables (callers apply them)."""
    for key, value in tree.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and key not in PLATFORM_SECTIONS:
            yield from iter_document(value, name)
        else:
            yield name, _plain(value)


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if unwrap is not None else value


def locate_line(text: str, dotted: str) -> int | None:
    """The 1-based line of ``text`` where key ``dotted`` is assigned, found by following table
    headers and dotted keys (tomlkit does not keep positions)."""
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = _split_key(header.group(1))
            continue
        # Bare keys, and quoted ones, which may hold any character ("web+demo").
        assignment = re.match(r"""^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-. ])+?)\s*=""", stripped)
        if assignment and ".".join([*table, *_split_key(assignment.group(1))]) == dotted:
            return number
    return None


def _split_key(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in text.split(".")]


@dataclass
class _Layer:
    values: dict[str, Any]
    sources: dict[str, str]


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
    :raises ConfigError: a value has the wrong type or fails its validator, an override names an
        unknown key, ``permissions.allow_<x>`` names an undeclared permission, or the secrets
        file is missing, invalid or inside the app's resources. The message names the file and
        line (or the variable) and the expected type.
    """
    environ = environ or {}
    layer = _Layer(
        {key.name: key.default for key in registry if not key.is_wildcard},
        {key.name: "default" for key in registry if not key.is_wildcard},
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
            if _apply_file(registry, layer, secrets_file, platform) is not None:
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
        _store(layer, key, dotted, raw, "override")
    if secrets_file is not None and path is not None:
        # Checked against the final webview.root: a resource root moved by any layer would
        # otherwise start serving the file.
        root = layer.values.get("webview.root", ".")
        _check_secrets_outside_resources(secrets_file, path.parent / str(root))
    return Config(registry, layer.values, layer.sources)


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
    registry: ConfigRegistry, layer: _Layer, path: Path, platform: str, content: str | None = None
) -> tuple[str, str] | None:
    """Apply the values of a TOML config file (whose text is ``content`` when given).

    :return: the ``[oro] secrets_file`` it names and where, which the loader handles itself.
    """
    text = path.read_text(encoding="utf-8") if content is None else content
    document = parse_document(text, path)
    overrides: list[tuple[str, Mapping[str, Any]]] = []
    named_secrets: tuple[str, str] | None = None
    for dotted, value in iter_document(document):
        section, _, last = dotted.rpartition(".")
        if last in PLATFORM_SECTIONS and isinstance(value, Mapping):
            if last == platform:
                overrides.append((section, value))
            continue
        if dotted == SECRETS_FILE_KEY:
            line = locate_line(text, dotted)
            source = f"{path.name}:{line}" if line else path.name
            if not isinstance(value, str):
                raise ConfigError(
                    f"key '{dotted}' expects string, got {_describe(value)}",
                    key=dotted,
                    source=source,
                )
            named_secrets = (value, source)
            continue
        _apply_file_value(registry, layer, path, text, dotted, value)
    for section, table in overrides:
        for relative, value in iter_document(table):
            dotted = f"{section}.{relative}"
            where = f"{section}.{platform}.{relative}"
            _apply_file_value(registry, layer, path, text, dotted, value, where=where)
    return named_secrets


def _apply_file_value(
    registry: ConfigRegistry,
    layer: _Layer,
    path: Path,
    text: str,
    dotted: str,
    value: Any,
    *,
    where: str | None = None,
) -> None:
    line = locate_line(text, where or dotted)
    source = f"{path.name}:{line}" if line else path.name
    key = registry.get(dotted) or registry._wildcard_for(dotted)
    if key is None and "." not in dotted:
        # A flattened key at the top level (``window_width = 1440``), as Oro's flat configs have.
        key = registry.find(dotted)
        dotted = registry.dotted(dotted) if key else dotted
    if key is None:
        if flatten_key(dotted).startswith("permissions_allow_"):
            raise ConfigError(
                f"key '{dotted}': no installed plugin declares permission "
                f"'{flatten_key(dotted).removeprefix('permissions_allow_')}'"
                f"{did_you_mean(dotted, registry)}",
                key=dotted,
                source=source,
            )
        warnings.warn(
            f"{source}: unknown config key '{dotted}' (no installed plugin declares it)"
            f"{did_you_mean(dotted, registry)}",
            ConfigWarning,
            stacklevel=4,
        )
        return
    _store(layer, key, dotted, value, source)


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


def _store(layer: _Layer, key: ConfigKey, dotted: str, value: Any, source: str) -> None:
    try:
        layer.values[dotted] = key.validate(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"key '{dotted}' {error}", key=dotted, source=source) from None
    layer.sources[dotted] = source


# -------------------------------------------------------------------------------------------------
# Editing (``oro config set``)
# -------------------------------------------------------------------------------------------------


def get_document_value(document: tomlkit.TOMLDocument, dotted: str) -> Any:
    """The value at ``dotted`` in ``document``.

    :raises KeyError: it is not set there.
    """
    node: Any = document
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return _plain(node)


def set_document_value(document: tomlkit.TOMLDocument, dotted: str, value: Any) -> None:
    """Set ``dotted`` to ``value`` in place, keeping every comment and the layout of the rest.

    Existing tables (``[webview]``, ``[http.ipc]``, dotted keys) are reused; missing ones are
    appended as new ``[section]`` tables.
    """
    parts = dotted.split(".")
    # A table split in two (``[webview]`` ... ``[webview.linux]`` after other tables) comes back
    # as an out-of-order proxy; it writes through to the real tables like any other.
    node: Container | Table | OutOfOrderTableProxy = document
    for index, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            remaining = parts[index:-1]
            table = tomlkit.table()
            table.add(parts[-1], value)
            for name in reversed(remaining[1:]):
                outer = tomlkit.table(is_super_table=True)
                outer.add(name, table)
                table = outer
            node[remaining[0]] = table
            return
        if isinstance(child, AoT) or not isinstance(
            child, Container | Table | OutOfOrderTableProxy
        ):
            raise ConfigError(
                f"cannot set '{dotted}': '{'.'.join(parts[: index + 1])}' is not a table"
            )
        node = child
    node[parts[-1]] = value
