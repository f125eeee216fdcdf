"""A built app's launcher (``oro_framework/build/launcher.py``: what PyInstaller freezes and what
a system package's ``python3 -I launch.py`` calls) loads only the app's own packaged backend and
serves only its own resources, whatever the environment or its command line says (issue 50).

The launcher runs as a built app runs it, in a process of its own under ``python -I``, on an app
laid out as a build stages it; a real server, asked over a real socket."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from _oro_process import OroProcess, headless_environ

import oro_framework
from oro_framework import Host
from oro_framework.build.launcher import (
    PINNED_KEYS,
    PINNED_VARIABLES,
    without_overrides,
)

# As LAUNCH_SCRIPT (build/system/layout.py) puts the carried packages first, this puts the
# oro_framework under test first: -I ignores PYTHONPATH.
LAUNCH_SCRIPT = textwrap.dedent(
    """\
    import sys
    from pathlib import Path

    sys.path.insert(0, {source!r})

    from oro_framework.build.launcher import launch

    launch(Path(sys.argv[1]), "qt", sys.argv[2:])
    """
)

MARKER_BACKEND = textwrap.dedent(
    """\
    from pathlib import Path

    Path({marker!r}).write_text("ran")
    """
)


def _staged_app(folder: Path) -> Path:
    """An app as ``oro build`` stages it (oro.toml, its resources, its backend)."""
    app = folder / "oro_app"
    (app / "www").mkdir(parents=True)
    (app / "oro.toml").write_text(
        '[meta]\nname = "pinned"\nbundle_identifier = "com.example.pinned-launcher"\n'
        '[webview]\nroot = "www"\n'
    )
    (app / "www" / "index.html").write_text("<!doctype html><title>own page</title>own page")
    (app / "backend.py").write_text(MARKER_BACKEND.format(marker=str(folder / "own-backend-ran")))
    return app


def test_a_built_app_loads_only_its_backend_and_serves_only_its_resources(
    tmp_path: Path,
) -> None:
    app = _staged_app(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("a file of the user's, not the app's")
    foreign = tmp_path / "foreign_backend.py"
    foreign.write_text(MARKER_BACKEND.format(marker=str(tmp_path / "foreign-backend-ran")))
    script = tmp_path / "launch.py"
    script.write_text(LAUNCH_SCRIPT.format(source=str(Path(oro_framework.__file__).parents[1])))
    environ = headless_environ(
        {
            "HOME": str(tmp_path / "home"),
            "ORO_BACKEND_MODULE": str(foreign),
            "ORO_WEBVIEW_ROOT": str(elsewhere),
        }
    )
    with OroProcess(
        "-I",
        str(script),
        str(app),
        "--headless",
        "--port",
        "0",
        "-c",
        f"backend.module={foreign}",
        f"--config=webview_root={elsewhere}",
        executable=Path(sys.executable),
        environ=environ,
    ) as launched:
        launch_url = launched.launch_url()
        origin = launch_url.split("/?", 1)[0]
        with httpx.Client(timeout=30) as client:
            client.get(launch_url)
            page = client.get(f"{origin}/index.html")
            secret = client.get(f"{origin}/secret.txt")
    assert secret.status_code == 404, secret.text
    assert not (tmp_path / "foreign-backend-ran").exists()
    assert (page.status_code, "own page" in page.text) == (200, True)
    assert (tmp_path / "own-backend-ran").exists()
    warnings = [line for line in launched.stderr().splitlines() if "ignoring" in line]
    # One line for each override, each naming what was ignored.
    assert len(warnings) == 4, warnings
    for what in ("ORO_BACKEND_MODULE", "ORO_WEBVIEW_ROOT", "-c backend.module", "-c webview_root"):
        assert sum(what in line for line in warnings) == 1, (what, warnings)


def test_every_variable_the_host_reads_for_a_pinned_key_is_dropped(tmp_path: Path) -> None:
    host = Host(tmp_path, use_config_file=False, resolve_secrets=False)
    host.close()
    for name in PINNED_KEYS:
        key = host.config_keys.find(name)
        assert key is not None, name
        assert set(key.env_names) <= set(PINNED_VARIABLES), (name, key.env_names)


@pytest.mark.parametrize(
    "arguments",
    [
        ["-c", "backend.module=evil"],
        ["--config", "webview.root=/"],
        ["-cbuild.output=/"],
        ["--config=BUILD_SCRIPT=sh"],
        ["-c", " webview-root = /"],
    ],
)
def test_each_form_of_a_pinned_override_is_left_out_and_others_kept(
    arguments: list[str],
) -> None:
    environ = {"ORO_WEBVIEW_ROOT": "/", "ORO_IPC_TIMEOUT_MS": "5"}
    kept, ignored = without_overrides(
        ["--headless", *arguments, "-c", "ipc.timeout_ms=5", "--", "-c", "x"], environ
    )
    assert kept == ["--headless", "-c", "ipc.timeout_ms=5", "--", "-c", "x"]
    assert environ == {"ORO_IPC_TIMEOUT_MS": "5"}
    assert len(ignored) == 2
