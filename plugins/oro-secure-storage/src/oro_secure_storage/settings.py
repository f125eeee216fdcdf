"""The ``[secure_storage]`` config keys, declared once as the fields of
:class:`SecureStorageSettings`."""

from __future__ import annotations

from typing import Final, final

from oro_framework import setting, validators
from oro_framework.records import record

__all__ = ["MAX_VALUE_BYTES_LIMIT", "SecureStorageSettings"]

MAX_VALUE_BYTES_LIMIT: Final = 16 * 1024 * 1024
"""The largest cap an app may set: a D-Bus message carries at most 128 MiB, and keyrings load
every secret of a collection into memory."""


def _value_cap(value: int) -> None:
    validators.positive(value)
    if value > MAX_VALUE_BYTES_LIMIT:
        raise ValueError(f"must be at most {MAX_VALUE_BYTES_LIMIT} (16 MiB)")


@final
@record
class SecureStorageSettings:
    """The ``[secure_storage]`` keys of one host
    (``config.add_settings(SecureStorageSettings, section="secure_storage")``)."""

    max_value_bytes: int = setting(
        64 * 1024,
        "Largest value secureStorage.set keeps, in bytes once decoded (more: RangeError "
        "ERR_OUT_OF_RANGE). At most 16 MiB.",
        validator=_value_cap,
    )
    timeout_ms: int = setting(
        5000,
        "Milliseconds to wait for the session bus and for each reply of the Secret Service; "
        "one that does not answer in time is ERR_NO_SECRET_SERVICE.",
        validator=validators.positive,
    )
