"""``oro.toml``: declared keys, settings dataclasses, loading with precedence, and in-place editing.

One module per job: :mod:`.keys` (names, :class:`ConfigKey`, the registry), :mod:`.values`
(types, checking and parsing text), :mod:`.validators` (the shared validators),
:mod:`.references` (secret references such as ``"secure-storage:openai"``),
:mod:`.settings` (settings dataclasses), :mod:`.document` (TOML parsing, error locations,
editing), :mod:`.loading` (the layers, for every key or for the few read before plugins load) and
:mod:`.effective` (:class:`Config`, the result). The flattening and value parsing functions are
pure; files are read in :func:`load_config`, :func:`load_early` and :func:`read_document` only.
"""

from __future__ import annotations

from oro_framework.host.config import validators
from oro_framework.host.config.document import (
    PLATFORM_SECTIONS,
    get_document_value,
    iter_document,
    locate_line,
    parse_document,
    read_document,
    set_document_value,
)
from oro_framework.host.config.effective import Config
from oro_framework.host.config.keys import (
    REDACTED,
    ConfigKey,
    ConfigRegistry,
    Validator,
    did_you_mean,
    flatten,
    flatten_key,
    is_secret_name,
    is_variable_name,
    nearest_key,
)
from oro_framework.host.config.loading import (
    SECRETS_FILE_ENV,
    SECRETS_FILE_KEY,
    load_config,
    load_early,
)
from oro_framework.host.config.references import (
    SecretReference,
    SecretResolver,
    parse_reference,
)
from oro_framework.host.config.settings import (
    SettingField,
    read_settings,
    setting,
    setting_from,
    settings_fields,
)
from oro_framework.host.config.validators import (
    MIN_SECRET_LENGTH,
    non_empty,
    not_negative,
    path,
    port,
    positive,
    positive_count,
    screen_length,
    secret,
)
from oro_framework.host.config.values import (
    ScreenLength,
    check_value,
    parse_bool_word,
    parse_text_value,
    screen_length_pixels,
    type_name,
)

__all__ = [
    "MIN_SECRET_LENGTH",
    "PLATFORM_SECTIONS",
    "REDACTED",
    "SECRETS_FILE_ENV",
    "SECRETS_FILE_KEY",
    "Config",
    "ConfigKey",
    "ConfigRegistry",
    "ScreenLength",
    "SecretReference",
    "SecretResolver",
    "SettingField",
    "Validator",
    "check_value",
    "did_you_mean",
    "flatten",
    "flatten_key",
    "get_document_value",
    "is_secret_name",
    "is_variable_name",
    "iter_document",
    "load_config",
    "load_early",
    "locate_line",
    "nearest_key",
    "non_empty",
    "not_negative",
    "parse_bool_word",
    "parse_document",
    "parse_reference",
    "parse_text_value",
    "path",
    "port",
    "positive",
    "positive_count",
    "read_document",
    "read_settings",
    "screen_length",
    "screen_length_pixels",
    "secret",
    "set_document_value",
    "setting",
    "setting_from",
    "settings_fields",
    "type_name",
    "validators",
]
