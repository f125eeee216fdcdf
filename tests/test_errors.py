"""The exception hierarchy: the type/code/status table of the design, and OS error translation."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from oro_framework import (
    AbortError,
    ConfigError,
    ErrnoError,
    HostError,
    InternalError,
    InvalidArgumentError,
    InvalidJSONError,
    InvalidStateError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OroError,
    OutOfRangeError,
    PluginLoadError,
    RegistrationConflict,
    RouteTimeoutError,
    SecurityError,
    ServiceError,
)


@pytest.mark.parametrize(
    ("error_class", "error_type", "code", "status"),
    [
        (NotFoundError, "NotFoundError", "NOT_FOUND_ERR", 404),
        (InvalidArgumentError, "TypeError", "ERR_INVALID_ARG_TYPE", 400),
        (InvalidJSONError, "SyntaxError", "ERR_INVALID_JSON", 400),
        (SecurityError, "SecurityError", "SECURITY_ERR", 403),
        (NotAllowedError, "NotAllowedError", "NOT_ALLOWED_ERR", 403),
        (OutOfRangeError, "RangeError", "ERR_OUT_OF_RANGE", 413),
        (RouteTimeoutError, "TimeoutError", "TIMEOUT_ERR", 408),
        (AbortError, "AbortError", "ABORT_ERR", 499),
        (NotSupportedError, "NotSupportedError", "NOT_SUPPORTED_ERR", 501),
        (InvalidStateError, "InvalidStateError", "INVALID_STATE_ERR", 409),
        (InternalError, "InternalError", "INTERNAL_ERR", 500),
    ],
)
def test_ipc_error_has_the_type_code_and_status_of_the_design_table(
    error_class: type[IPCError], error_type: str, code: str, status: int
) -> None:
    error = error_class("something happened")

    assert error.to_dict() == {"type": error_type, "code": code, "message": "something happened"}
    assert error.status == status


def test_missing_argument_has_the_oro_wording_and_code() -> None:
    error = InvalidArgumentError.missing("path")

    assert error.code == "ERR_MISSING_ARGS"
    assert error.message == "Expecting 'path' in parameters"
    assert error.status == 400


def test_security_error_accepts_the_eperm_code() -> None:
    assert SecurityError("denied", code="EPERM").to_dict()["code"] == "EPERM"


def test_extras_are_copied_into_the_error_dictionary() -> None:
    error = NotFoundError("no such handle", id="42")

    assert error.to_dict()["id"] == "42"


def test_errno_error_from_a_missing_file_has_node_fields(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError) as raised:
        missing.open()

    error = ErrnoError.from_os_error(raised.value, syscall="open")

    assert error.code == "ENOENT"
    assert error.errno == -errno.ENOENT
    assert error.status == 404
    assert error.message == f"ENOENT: no such file or directory, open '{missing}'"
    assert error.to_dict() == {
        "type": "ErrnoError",
        "code": "ENOENT",
        "message": error.message,
        "errno": -errno.ENOENT,
        "syscall": "open",
        "path": str(missing),
    }


@pytest.mark.parametrize(
    ("number", "code", "status"),
    [
        (errno.EACCES, "EACCES", 403),
        (errno.EEXIST, "EEXIST", 409),
        (errno.ENOTDIR, "ENOTDIR", 404),
        (errno.EMFILE, "EMFILE", 429),
        (errno.EINVAL, "EINVAL", 400),
    ],
)
def test_errno_error_status_follows_the_error_number(number: int, code: str, status: int) -> None:
    error = ErrnoError.from_os_error(OSError(number, "whatever"))

    assert (error.code, error.status) == (code, status)


def test_errno_error_without_a_path_or_syscall_names_only_the_reason() -> None:
    error = ErrnoError.from_os_error(OSError(errno.EEXIST, "File exists"))

    assert error.message == "EEXIST: file exists"
    assert "path" not in error.to_dict()


def test_plugin_load_error_names_entry_point_and_distribution() -> None:
    error = PluginLoadError(
        "import failed", entry_point="fs = oro_fs.plugin", distribution="oro-fs"
    )

    assert str(error) == (
        "plugin entry point 'fs = oro_fs.plugin' from distribution 'oro-fs': import failed"
    )


def test_registration_conflict_names_both_plugins() -> None:
    error = RegistrationConflict("route", "fs.stat", owner="fs", challenger="extra-fs")

    assert str(error) == "route 'fs.stat' from 'extra-fs' is already registered by 'fs'"


def test_config_error_is_prefixed_with_its_source() -> None:
    error = ConfigError("key 'a.b' expects boolean", key="a.b", source="oro.toml:3")

    assert str(error) == "oro.toml:3: key 'a.b' expects boolean"


def test_service_error_names_the_service() -> None:
    assert str(ServiceError("conduit", "crashed")) == "service 'conduit' crashed"


@pytest.mark.parametrize(
    "error_class", [PluginLoadError, RegistrationConflict, ConfigError, ServiceError]
)
def test_host_errors_are_not_ipc_errors(error_class: type[HostError]) -> None:
    assert issubclass(error_class, OroError)
    assert not issubclass(error_class, IPCError)
