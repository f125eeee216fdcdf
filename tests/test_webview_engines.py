"""Choosing the web engine (``--webview``, ``[webview] engine``): each engine really runs its own
processes under Xvfb, the default is the system one where it is installed, and an engine that is
missing is one clear error with exit status 2 before anything starts.

"Missing" is made real for one process: a ``gi`` package that fails to import is put first on
``PYTHONPATH``, which is what a Python without the distro's PyGObject sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from _oro_process import REPOSITORY, run_oro

from oro_framework.gui.engines import choose_engine, probe_engine
from oro_framework.host.errors import EngineUnavailableError
from oro_framework.testing import OroProcess, headless_environ, until, virtual_display

MINIMAL = REPOSITORY / "examples" / "minimal"

ENGINE_PROCESSES = {"system": "WebKitWebProcess", "qt": "QtWebEngineProcess"}


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with virtual_display((1280, 800)) as number:
        yield number


@pytest.fixture
def no_gi(tmp_path: Path) -> Path:
    """A directory whose ``gi`` cannot be imported, for ``PYTHONPATH``."""
    package = tmp_path / "no-gi" / "gi"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "raise ImportError('No module named gi (hidden by the test)')\n", encoding="utf-8"
    )
    return package.parent


def _descendant_names(pid: int) -> set[str]:
    try:
        return {child.name() for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


@pytest.mark.parametrize("engine", ["system", "qt"])
def test_each_engine_runs_its_own_web_processes(display, tmp_path, engine):
    environ = headless_environ(
        {"DISPLAY": display, "XDG_DATA_HOME": str(tmp_path), "ORO_WINDOW_PORT": "0"}
    )
    with OroProcess("run", str(MINIMAL), "--webview", engine, environ=environ, timeout=120) as oro:
        oro.wait_for_line(r"^oro: window 0 ready$")
        names = until(
            lambda: _descendant_names(oro.process.pid) or None, "the engine's processes start"
        )
        oro.process.terminate()
        assert oro.wait() == 0, oro.stderr()
    other = "qt" if engine == "system" else "system"
    assert any(ENGINE_PROCESSES[engine] in name for name in names), names
    assert not any(ENGINE_PROCESSES[other][:15] in name for name in names), names


def test_missing_system_engine_is_one_error_and_exit_2(display, tmp_path, no_gi):
    environ = {"DISPLAY": display, "PYTHONPATH": str(no_gi), "XDG_DATA_HOME": str(tmp_path)}
    completed = run_oro("run", str(MINIMAL), "--webview", "system", cwd=tmp_path, env=environ)
    assert completed.returncode == 2, completed
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, completed.stderr
    assert "python3-gi gir1.2-webkit2-4.1" in errors[0]
    assert "webkit2gtk4.1" in errors[0]  # Fedora's name too
    # Nothing started: no server line, no window.
    assert "oro: " not in completed.stdout, completed.stdout


def test_engine_named_in_oro_toml_is_checked_the_same_way(display, tmp_path, no_gi):
    app = tmp_path / "app"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (app / "oro.toml").write_text('[meta]\nname = "x"\n[webview]\nengine = "system"\n')
    environ = {"DISPLAY": display, "PYTHONPATH": str(no_gi), "XDG_DATA_HOME": str(tmp_path)}
    completed = run_oro("run", str(app), cwd=tmp_path, env=environ)
    assert completed.returncode == 2, completed
    assert "gir1.2-webkit2-4.1" in completed.stderr


def test_without_the_system_engine_the_default_is_qt_with_one_line_on_how_to_get_it(
    display, tmp_path, no_gi
):
    environ = headless_environ(
        {"DISPLAY": display, "PYTHONPATH": str(no_gi), "XDG_DATA_HOME": str(tmp_path)}
    )
    with OroProcess("run", str(MINIMAL), environ=environ, timeout=120) as oro:
        oro.wait_for_line(r"^oro: window 0 ready$")
        names = until(lambda: _descendant_names(oro.process.pid) or None, "Qt's processes")
        oro.process.terminate()
        assert oro.wait() == 0, oro.stderr()
    assert any(name.startswith("QtWebEngine") for name in names), names
    notes = [line for line in oro.stderr().splitlines() if "system WebView" in line]
    assert len(notes) == 1, oro.stderr()
    assert "gir1.2-webkit2-4.1" in notes[0]


def test_unknown_engine_names_are_refused_with_did_you_mean(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "x"\n[webview]\nengine = "webkit-gtk"\n')
    completed = run_oro("config", "list", cwd=app)
    assert completed.returncode != 0
    assert "webview.engine" in completed.stderr
    assert "must be one of system, qt" in completed.stderr
    typo = run_oro("run", str(MINIMAL), "-c", "webview.engine=sytem", cwd=tmp_path)
    assert typo.returncode != 0
    assert "did you mean 'system'?" in typo.stderr
    flag = run_oro("run", str(MINIMAL), "--webview", "gtk", cwd=tmp_path)
    assert flag.returncode == 2  # click's usage error
    assert "'system'" in flag.stderr
    assert "'qt'" in flag.stderr


def test_doctor_shows_both_engines_with_versions_and_install_commands(tmp_path, no_gi):
    present = json.loads(run_oro("doctor", "--json", cwd=tmp_path).stdout)
    hidden = json.loads(
        run_oro("doctor", "--json", cwd=tmp_path, env={"PYTHONPATH": str(no_gi)}).stdout
    )

    def engines(report: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, str]]:
        checks = report["checks"] if isinstance(report, dict) else report
        return {check["name"]: check for check in checks if check["name"].startswith("engine")}

    shown = engines(present)
    assert shown["engine system (WebKitGTK 4.1)"]["status"] == "ok"
    assert re.match(r"WebKitGTK 2\.\d+\.\d+", shown["engine system (WebKitGTK 4.1)"]["detail"])
    assert shown["engine qt (QtWebEngine)"]["status"] == "ok"
    assert shown["engine default"]["detail"].startswith("system (WebKitGTK)")
    missing = engines(hidden)
    system = missing["engine system (WebKitGTK 4.1)"]
    assert system["status"] == "warn"
    assert "apt-get install python3-gi gir1.2-webkit2-4.1" in system["hint"]
    assert missing["engine default"]["detail"].startswith("qt (QtWebEngine)")


def test_choose_engine_names_what_to_install():
    assert choose_engine(None) == "system"  # both are installed here (scripts/test)
    assert choose_engine("qt") == "qt"
    assert probe_engine("system").available
    with pytest.raises(ValueError, match="unknown web engine"):
        probe_engine("gecko")


def test_choose_engine_refuses_a_missing_engine(monkeypatch):
    import oro_framework.gui.gtk.toolkit as toolkit

    def missing() -> str:
        raise ImportError("No module named gi")

    monkeypatch.setattr(toolkit, "webkit_version", missing)
    with pytest.raises(EngineUnavailableError, match=r"gir1\.2-webkit2-4\.1"):
        choose_engine("system")
    assert choose_engine(None) == "qt"
