"""Config and command-line errors that say what is wrong and what to do, from the real ``oro``
command: ``config set`` refuses what a run would refuse and leaves the file alone, names the
nearest declared key, needs ``--create`` for a new file and takes negative numbers; TOML syntax
errors name the file given and the real problem; ``oro run`` warns when the app has no index."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
from _oro_process import OroProcess, headless_environ, run_oro


def _app(tmp_path: Path, text: str = "[window]\nwidth = 800  # kept\n") -> Path:
    (tmp_path / "oro.toml").write_text(text)
    return tmp_path / "oro.toml"


def test_set_refuses_a_value_run_would_refuse_and_leaves_the_file(tmp_path: Path) -> None:
    config = _app(tmp_path)
    before = config.read_text()

    result = run_oro("config", "set", "permissions.allow_filesystem", "maybe", cwd=tmp_path)

    assert result.returncode == 1
    assert (
        "key 'permissions.allow_filesystem' expects boolean, got 'maybe'; nothing was written"
    ) in result.stderr
    assert config.read_text() == before
    assert run_oro("config", "get", "window.width", cwd=tmp_path).stdout == "800\n"


def test_set_refuses_a_permission_nobody_declares_which_run_refuses(tmp_path: Path) -> None:
    config = _app(tmp_path)
    before = config.read_text()

    misspelt = run_oro("config", "set", "permissions.allow_filesystm", "true", cwd=tmp_path)
    unknown = run_oro("config", "set", "permissions.allow_fs", "true", "--force", cwd=tmp_path)

    assert misspelt.returncode == 1
    assert (
        "no installed plugin declares permission 'filesystm' "
        "(did you mean 'permissions.allow_filesystem'?); nothing was written"
    ) in misspelt.stderr
    assert unknown.returncode == 1
    assert "no installed plugin declares permission 'fs'; nothing was written" in unknown.stderr
    assert config.read_text() == before


def test_unknown_key_is_refused_with_the_nearest_declared_key(tmp_path: Path) -> None:
    config = _app(tmp_path)
    before = config.read_text()

    refused = run_oro("config", "set", "window.widht", "900", cwd=tmp_path)
    flattened = run_oro("config", "get", "window_widht", cwd=tmp_path)

    assert refused.returncode == 1
    assert (
        "no installed plugin declares config key 'window.widht' (did you mean 'window.width'?)"
    ) in refused.stderr
    assert config.read_text() == before
    assert flattened.returncode == 1
    assert "did you mean 'window.width'?" in flattened.stderr


def test_unknown_key_in_the_file_warns_with_the_nearest_declared_key(tmp_path: Path) -> None:
    _app(tmp_path, "[window]\nwidht = 900\n")

    result = run_oro("config", "list", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (
        "oro.toml:2: unknown config key 'window.widht' (no installed plugin declares it); "
        "did you mean 'window.width'?"
    ) in result.stderr


def test_set_with_force_writes_an_undeclared_key_and_negative_numbers_need_no_dashes(
    tmp_path: Path,
) -> None:
    config = _app(tmp_path)

    negative = run_oro("config", "set", "window.width", "-5", cwd=tmp_path)
    forced = run_oro("config", "set", "custom.offset", "-5", "--force", cwd=tmp_path)

    # -5 reached the key's own check: it was taken as the value, not as an option.
    assert negative.returncode == 1
    assert "key 'window.width' must be positive, got -5; nothing was written" in negative.stderr
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout == "custom.offset = -5\n"
    assert config.read_text() == "[window]\nwidth = 800  # kept\n\n[custom]\noffset = -5\n"


def test_set_without_an_oro_toml_refuses_unless_create(tmp_path: Path) -> None:
    refused = run_oro("config", "set", "window.width", "900", cwd=tmp_path)

    assert refused.returncode == 1
    assert f"oro.toml does not exist: is {tmp_path} the app's directory?" in refused.stderr
    assert "--create" in refused.stderr
    assert not (tmp_path / "oro.toml").exists()

    created = run_oro("config", "set", "window.width", "900", "--create", cwd=tmp_path)

    assert created.returncode == 0, created.stderr
    assert created.stdout == "created oro.toml\nwindow.width = 900\n"
    assert (tmp_path / "oro.toml").read_text() == "[window]\nwidth = 900\n"


def test_set_repairs_one_key_while_another_is_still_wrong(tmp_path: Path) -> None:
    config = _app(tmp_path, '[window]\nwidth = "wide"\nheight = "tall"\n')

    result = run_oro("config", "set", "window.width", "900", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "oro.toml still does not load: oro.toml:3: key 'window.height'" in result.stderr
    assert config.read_text() == '[window]\nwidth = 900\nheight = "tall"\n'


def test_toml_syntax_error_names_the_path_given_and_an_unterminated_string(
    tmp_path: Path,
) -> None:
    app = tmp_path / "sub"
    app.mkdir()
    _app(app, '[window]\ntitle = "My app\nwidth = 800\n')

    got = run_oro("config", "get", "window.width", "--file", "sub/oro.toml", cwd=tmp_path)
    run = run_oro("run", "sub", "--headless", cwd=tmp_path)

    unterminated = (
        'invalid TOML: unterminated string (close it with " on the same line, or use """ for a '
        "string of several lines)"
    )
    assert got.returncode == 1
    assert f"sub/oro.toml:2:9: {unterminated}" in got.stderr
    assert run.returncode == 1
    assert f"{app / 'oro.toml'}:2:9: {unterminated}" in run.stderr


def test_an_oro_toml_that_is_not_utf8_is_one_error_line_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "oro.toml"
    config.write_bytes('[meta]\nname = "Café"\n'.encode("latin-1"))
    for command in (("config", "get", "meta.name"), ("config", "set", "meta.name", "x")):
        result = run_oro(*command, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "oro.toml: the file is not UTF-8 text (byte 0xe9 at offset 18)" in result.stderr
    assert config.read_bytes() == '[meta]\nname = "Café"\n'.encode("latin-1")


def test_run_warns_when_the_app_has_no_index_and_not_when_it_has(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with OroProcess("run", str(empty), "--headless", environ=headless_environ()) as oro:
        url = oro.launch_url()
        index = httpx.get(url, follow_redirects=True)
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0
    assert index.status_code == 404
    assert (
        f"warning: the app has no index page: {empty / 'index.html'} does not exist "
        "(webview.default_index is '/index.html' under webview.root '.'), so '/' answers 404"
    ) in oro.stderr()

    (empty / "index.html").write_text("<!doctype html><title>here</title>")
    with OroProcess("run", str(empty), "--headless", environ=headless_environ()) as oro:
        oro.launch_url()
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0
    assert "no index page" not in oro.stderr()


def test_dev_warns_when_the_app_has_no_index(tmp_path: Path) -> None:
    with OroProcess("dev", str(tmp_path), "--headless", environ=headless_environ()) as oro:
        oro.launch_url()
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0
    assert f"warning: the app has no index page: {tmp_path / 'index.html'}" in oro.stderr()
