"""``oro secure-storage``: the real command against a test keyring. A secret goes in on stdin
only, and is kept for the app whose directory the command is given."""

from __future__ import annotations

from pathlib import Path

from _cli import oro
from _keyring import Keyring

APP = "com.example.cli"
SECRET = "cli-secret-0123456789"


def app(directory: Path, identifier: str = APP) -> Path:
    directory.mkdir(parents=True)
    (directory / "oro.toml").write_text(f'[meta]\nbundle_identifier = "{identifier}"\n')
    return directory


def test_set_list_get_remove(keyring: Keyring, tmp_path: Path) -> None:
    app_dir = app(tmp_path / "app")
    env = keyring.environ

    kept = oro("secure-storage", "set", "openai", environ=env, stdin=SECRET + "\n", cwd=app_dir)
    assert kept.returncode == 0, kept.stderr
    assert kept.stderr.strip() == f"kept secure-storage:openai for {APP}"

    assert oro("secure-storage", "list", environ=env, cwd=app_dir).stdout == "openai\n"
    got = oro("secure-storage", "get", "openai", "--app", str(app_dir), environ=env)
    assert got.stdout == SECRET + "\n"
    # The item libsecret's own client finds: the config secrets of this app.
    found = keyring.secret_tool("lookup", "oro:app", APP, "oro:key", "openai")
    assert found.stdout == SECRET

    removed = oro("secure-storage", "remove", "openai", environ=env, cwd=app_dir)
    assert removed.returncode == 0, removed.stderr
    assert oro("secure-storage", "list", environ=env, cwd=app_dir).stdout == ""
    again = oro("secure-storage", "remove", "openai", environ=env, cwd=app_dir)
    assert again.returncode == 1
    assert f"no secret 'openai' is kept for {APP}" in again.stderr


def test_each_app_lists_only_its_own_secrets(keyring: Keyring, tmp_path: Path) -> None:
    first, second = app(tmp_path / "a", "com.example.a"), app(tmp_path / "b", "com.example.b")
    env = keyring.environ
    assert oro("secure-storage", "set", "x", environ=env, stdin="s" * 20, cwd=first).returncode == 0
    assert oro("secure-storage", "list", environ=env, cwd=second).stdout == ""
    missing = oro("secure-storage", "get", "x", environ=env, cwd=second)
    assert missing.returncode == 1


def test_a_secret_is_never_taken_from_the_command_line(keyring: Keyring, tmp_path: Path) -> None:
    app_dir = app(tmp_path / "app")
    env = keyring.environ
    refused = oro("secure-storage", "set", "openai", SECRET, environ=env, cwd=app_dir)
    assert refused.returncode == 2
    assert "unexpected extra argument" in refused.stderr.lower()
    empty = oro("secure-storage", "set", "openai", environ=env, stdin="", cwd=app_dir)
    assert empty.returncode == 1
    assert "no secret on stdin" in empty.stderr
    assert oro("secure-storage", "list", environ=env, cwd=app_dir).stdout == ""


def test_no_secret_service_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    app_dir = app(tmp_path / "app")
    done = oro(
        "secure-storage",
        "set",
        "openai",
        environ={"DBUS_SESSION_BUS_ADDRESS": ""},
        stdin=SECRET,
        cwd=app_dir,
    )
    assert done.returncode == 1
    assert "Secure storage is not available" in done.stderr
    assert "gnome-keyring" in done.stderr
    assert SECRET not in done.stderr
