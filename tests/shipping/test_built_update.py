"""A built app updates itself: from its folder, through its routes, against an update server on
127.0.0.1, into a newer build of itself that it restarts in, keeping the old one."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import httpx

from conftest import BuiltApp, clean_environ
from tests._oro_process import OroProcess
from tests._update_server import serve_updates


def _version(executable: Path, home: Path) -> str:
    return subprocess.run(
        [str(executable), "--version"],
        env=clean_environ(home),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_built_app_installs_a_signed_update_and_restarts_in_it(
    built_notes: BuiltApp, tmp_path: Path
) -> None:
    installed = tmp_path / "opt" / built_notes.command
    shutil.copytree(built_notes.folder, installed, symlinks=True)
    # The next version: the same build with another version in its oro.toml.
    newer = tmp_path / "newer" / built_notes.command
    shutil.copytree(built_notes.folder, newer, symlinks=True)
    toml = newer / "_internal" / "oro_app" / "oro.toml"
    toml.write_text(toml.read_text().replace('version = "1.2.0"', 'version = "1.3.0"'))
    home = tmp_path / "home"
    with serve_updates(tmp_path / "updates") as server:
        archive = server.root / "notes-1.3.0.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
            tar.add(newer, arcname=newer.name)
        server.sign(
            archive, "1.3.0", name=built_notes.command, bundle_identifier="dev.oro.test-notes"
        )
        key, url = server.public_key, server.url
        config = [
            "-c",
            f"build.update_public_key={key}",
            "-c",
            f"update.manifest_url={url}/update.json",
        ]
        with OroProcess(
            "--headless",
            "--port",
            "0",
            *config,
            executable=installed / built_notes.command,
            environ=clean_environ(home),
            timeout=120,
        ) as app:
            launch = app.launch_url()
            base = launch.split("/?", 1)[0]
            with httpx.Client(timeout=120) as client:
                client.get(launch)
                checked = client.get(f"{base}/ipc/application.update.check").json()
                downloaded = client.get(f"{base}/ipc/application.update.download").json()
                installed_reply = client.get(f"{base}/ipc/application.update.install").json()
            app.wait_for_line(r"^oro: restarting ")
            # The same process, re-executed from the swapped folder, serves again.
            relaunched = app.launch_url()
            with httpx.Client(timeout=30) as client:
                client.get(relaunched)
                version = client.get(
                    f"{relaunched.split('/?', 1)[0]}/ipc/application.config"
                ).json()
    assert checked["data"]["available"] is True, checked
    assert downloaded["data"]["version"] == "1.3.0", downloaded
    assert installed_reply["data"]["installed"] == "1.3.0", installed_reply
    assert "1.3.0" in str(version)
    assert _version(installed / built_notes.command, home) == "Notes 1.3.0"
    previous = installed.with_name(installed.name + ".previous")
    assert _version(previous / built_notes.command, home) == "Notes 1.2.0"
