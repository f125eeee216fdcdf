"""The build's last step, the smoke check (``oro_framework/build/smoke.py``), while the author
has the same app open: the check's start must neither hand its launch to that copy nor touch
it."""

from __future__ import annotations

from pathlib import Path

from conftest import BuiltApp, clean_environ, ping, write_notes_app
from oro_framework.build.smoke import check_starts
from tests._oro_process import OroProcess


def test_the_smoke_check_passes_while_a_copy_of_the_app_runs(
    built_notes: BuiltApp, tmp_path: Path
) -> None:
    # The author's copy: the same bundle identifier, single instance on, its lock where a
    # session without XDG_RUNTIME_DIR keeps it (<tmp>/oro-<uid>), as the check's start did.
    source = tmp_path / "source"
    source.mkdir()
    write_notes_app(source, backend=False)
    with OroProcess(
        "run", "--headless", "--port", "0", str(source), environ=clean_environ(tmp_path / "me")
    ) as running:
        running_url = running.launch_url()

        checked = check_starts(built_notes.executable, tmp_path / "work")

        assert checked != running_url
        assert ping(running_url) == "pong"
