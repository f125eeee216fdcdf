"""``oro doctor``'s Secret Service line: ok where a keyring runs, a warning naming the fix where
none does (it starts and unlocks nothing)."""

from __future__ import annotations

from pathlib import Path

from _cli import oro
from _keyring import Keyring, private_bus
from oro_secure_storage.doctor import secret_service_check


def test_a_running_keyring_is_ok(keyring: Keyring) -> None:
    check = secret_service_check(keyring.environ)
    assert check.status == "ok"
    assert "org.freedesktop.secrets runs on the session bus" in check.detail


def test_a_bus_without_a_secret_service_is_a_warning_naming_the_fix(tmp_path: Path) -> None:
    with private_bus(tmp_path / "bus") as address:
        check = secret_service_check({"DBUS_SESSION_BUS_ADDRESS": address})
    assert check.status == "warn"
    assert "nothing provides org.freedesktop.secrets" in check.detail
    assert "gnome-keyring" in check.hint


def test_no_session_bus_is_a_warning() -> None:
    check = secret_service_check({})
    assert check.status == "warn"
    assert "DBUS_SESSION_BUS_ADDRESS is not set" in check.detail


def test_oro_doctor_prints_the_line(keyring: Keyring, tmp_path: Path) -> None:
    done = oro("doctor", environ=keyring.environ, cwd=tmp_path)
    lines = [line for line in done.stdout.splitlines() if "Secret Service" in line]
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("ok")
