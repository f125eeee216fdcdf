"""What ``oro``'s commands print of the text a page, an app or a plugin chose (issue 71, item 5):
a site name a page gave (``oro config permissions``), a plugin's route docs, permission docs,
doctor lines and errors (``oro routes``, ``oro plugins info``/``list``, ``oro doctor``), and the
log lines the host writes naming a page's path or a plugin's error. Each is printed with its
escapes written out (``\\x1b``, ``\\u202e``), never obeyed by the terminal; ``--json`` output
reads back as the same text. The cleaner itself: tests/security/test_terminal_text.py."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from oro_framework.cli import cli, log_to_terminal
from oro_framework.host.app import Host
from oro_framework.host.installed import PluginEntry, plugin_entries
from oro_framework.host.permission_broker import PermissionBroker, remember_decisions
from oro_framework.web.resources import Resources

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil"
"""Retitles the terminal, clears it, and writes what follows right to left."""
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil"

SHOWN_PLUGIN = f"""
    from oro_framework import DoctorCheck, hookimpl

    HOSTILE = {HOSTILE!r}


    def echo(request):
        return "ok"


    @hookimpl
    def oro_register_permissions(permissions):
        permissions.add("shown", "Use the plugin " + HOSTILE)


    @hookimpl
    def oro_register_routes(routes):
        routes.add("shown.echo", echo, permission="shown", doc="Echo " + HOSTILE)


    @hookimpl
    def oro_doctor_checks():
        return [DoctorCheck("shown " + HOSTILE, True, "fine " + HOSTILE)]
"""

RAISING_PLUGIN = f"""
    from oro_framework import hookimpl


    @hookimpl
    def oro_register_routes(routes):
        raise RuntimeError("not ready " + {HOSTILE!r})
"""


def _obeyed(output: str) -> list[str]:
    """What a terminal would obey in ``output``: ESC, BEL, the bidirectional override."""
    return [c for c in output if c in "\x1b\x07\u202e"]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An app whose user folders are under ``tmp_path``."""
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "oro.toml").write_text('[meta]\nname = "Booth"\n', encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Install a plugin for this test: its module on ``sys.path``, its entry point among the
    installed ones."""
    added: list[PluginEntry] = []
    monkeypatch.setattr(
        "oro_framework.host.plugins.plugin_entries", lambda: (*plugin_entries(), *added)
    )
    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def installed(name: str, source: str) -> None:
        module = f"oro_{name}_plugin"
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        added.append(PluginEntry(name, module, f"oro-{name}", "1.0"))

    return installed


def _oro(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -------------------------------------------------------------------------------------------------
# oro config permissions
# -------------------------------------------------------------------------------------------------


def test_config_permissions_shows_a_site_name_a_page_chose_escaped(app: Path) -> None:
    host = Host(app, resolve_secrets=False)
    host.close()
    # Where the broker keeps what the user asked it to remember, as `oro run` would.
    remember_decisions(PermissionBroker(host).store, HOSTILE, ["camera"], False)

    listed = _oro("config", "permissions")
    as_json = _oro("config", "permissions", "--json")

    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [f"{SHOWN} camera denied"]
    assert _obeyed(as_json.output) == []
    assert json.loads(as_json.output) == {HOSTILE: {"camera": "denied"}}


# -------------------------------------------------------------------------------------------------
# A plugin's names, docs and errors
# -------------------------------------------------------------------------------------------------


def test_routes_shows_a_plugins_route_doc_escaped(
    app: Path, install: Callable[[str, str], None]
) -> None:
    install("shown", SHOWN_PLUGIN)

    table = _oro("routes", "--app", str(app))
    as_json = _oro("routes", "--app", str(app), "--json")

    assert table.exit_code == 0, table.output
    assert _obeyed(table.output) == []
    [row] = [line for line in table.output.splitlines() if line.startswith("shown.echo")]
    assert row.split(maxsplit=3) == ["shown.echo", "shown", "shown", f"Echo {SHOWN}"]
    assert _obeyed(as_json.output) == []
    [route] = [route for route in json.loads(as_json.output) if route["name"] == "shown.echo"]
    assert route["doc"] == f"Echo {HOSTILE}"


def test_plugins_info_shows_a_plugins_docs_escaped(
    app: Path, install: Callable[[str, str], None]
) -> None:
    install("shown", SHOWN_PLUGIN)

    info = _oro("plugins", "info", "shown", "--app", str(app))

    assert info.exit_code == 0, info.output
    assert _obeyed(info.output) == []
    lines = info.output.splitlines()
    assert f"    shown: Use the plugin {SHOWN}" in lines
    assert f"    shown.echo  [shown]  Echo {SHOWN}" in lines


def test_doctor_shows_a_plugins_line_escaped(
    app: Path, install: Callable[[str, str], None]
) -> None:
    install("shown", SHOWN_PLUGIN)

    report = _oro("doctor", "--app", str(app))

    assert _obeyed(report.output) == []
    assert f"ok   shown {SHOWN}: fine {SHOWN}" in report.output.splitlines()


def test_plugins_list_shows_a_plugins_error_escaped(
    app: Path, install: Callable[[str, str], None]
) -> None:
    install("raising", RAISING_PLUGIN)

    listed = _oro("plugins", "list", "--app", str(app))

    # Exit 1: a plugin is broken (issue 73).
    assert listed.exit_code == 1, listed.output
    assert _obeyed(listed.output) == []
    [error] = [line for line in listed.output.splitlines() if "not ready" in line]
    assert error.startswith("  error: ")
    assert error.endswith(f"not ready {SHOWN}")


# -------------------------------------------------------------------------------------------------
# Log lines
# -------------------------------------------------------------------------------------------------


@contextmanager
def _cli_logging() -> Iterator[None]:
    """The root logger without pytest's handlers, so that the CLI sets up its own (as
    ``logging.basicConfig`` does only on a root logger that has none); then as it was."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    for handler in saved:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


def test_the_warning_naming_a_broken_plugins_error_is_escaped(
    app: Path, install: Callable[[str, str], None]
) -> None:
    install("raising", RAISING_PLUGIN)

    with _cli_logging():
        table = _oro("routes", "--skip-broken-plugins", "--app", str(app))

    assert table.exit_code == 0, table.output
    assert _obeyed(table.output) == []
    [warning] = [line for line in table.stderr.splitlines() if "not ready" in line]
    assert warning.startswith("WARNING oro_framework.plugins: skipping broken plugin: ")
    assert f"not ready {SHOWN}; the app goes on without it" in warning


def test_the_warning_naming_a_module_a_page_asked_for_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = Resources(
        tmp_path, default_index="index.html", allow_any_route=False, cache_control="no-cache"
    )
    with _cli_logging():
        log_to_terminal(verbose=False)
        resources.report_missing(f"/{HOSTILE}\n.js", {"sec-fetch-dest": "script"})

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(
        f"WARNING oro_framework.bridge: a page asked for the module /{SHOWN}\\n.js, "
    )
