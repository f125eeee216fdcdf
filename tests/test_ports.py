"""Which port an app is served on: stable per app, and a free one only when that is taken."""

from __future__ import annotations

import socket
from pathlib import Path

import anyio
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import Host
from oro_framework.gui.runner import AppRunner
from oro_framework.web import ports
from oro_framework.web.ports import STABLE_PORTS, choose_port, is_port_free, stable_port
from oro_framework.web.server import ServerInfo


@given(st.text(min_size=1))
def test_every_app_gets_a_port_below_the_ephemeral_ranges(bundle_identifier: str) -> None:
    port = stable_port(bundle_identifier)

    assert port in STABLE_PORTS
    assert port < 32768  # Linux's ephemeral range starts here; macOS and Windows' higher
    assert stable_port(bundle_identifier) == port


def test_apps_get_different_ports() -> None:
    ports = {stable_port(f"com.example.app{number}") for number in range(100)}

    assert len(ports) > 95  # 12,768 ports: a handful of collisions at most


def test_the_command_line_port_wins_even_when_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert choose_port(port, 0, "dev.oro.notes").port == port  # binding it will fail loudly
        assert choose_port(0, 0, "dev.oro.notes").port == 0


def test_the_configured_port_comes_before_the_derived_one() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]

    assert choose_port(None, free, "dev.oro.notes") == choose_port(None, free, "other")
    assert choose_port(None, free, "dev.oro.notes").port == free


def test_a_taken_port_falls_back_to_any_free_one_and_says_what_is_lost() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert not is_port_free(port)
        choice = choose_port(None, port, "dev.oro.notes")

    assert choice.port == 0
    assert choice.warning is not None
    assert f"port {port} (window.port) is in use" in choice.warning
    assert "service workers, storage" in choice.warning


@pytest.mark.anyio
async def test_a_port_taken_between_its_check_and_the_bind_falls_back_with_the_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two copies of one app starting at once: both find the app's port free, one binds it
    # first. The other serves on a free port with the warning, as when it was taken before.
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "Race"\nbundle_identifier = "dev.oro.race"\n')
    (app / "index.html").write_text("<p>race")
    host = Host(app, paths_root=tmp_path / "paths", environ={})
    warnings: list[str] = []
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", stable_port("dev.oro.race")))
        taken.listen()
        # The copy that binds first does so right after this one's check: the check says free.
        monkeypatch.setattr(ports, "is_port_free", lambda port, address="127.0.0.1": True)
        runner = AppRunner(host, echo=lambda line: None, warn=warnings.append)
        async with anyio.create_task_group() as task_group:
            info: ServerInfo = await task_group.start(runner.serve)
            async with httpx.AsyncClient() as client:
                answer = await client.get(f"{info.origin}/")
            host.stop()

    assert info.port != stable_port("dev.oro.race")
    assert answer.status_code in (200, 401, 403)  # served: the page or the gatekeeper's answer
    assert len(warnings) == 1
    assert (
        f"port {stable_port('dev.oro.race')} (derived from 'dev.oro.race') is in use" in warnings[0]
    )


def test_a_port_named_on_the_command_line_is_never_replaced_at_bind_time() -> None:
    assert choose_port(20001, 0, "dev.oro.notes").if_taken is None
    assert choose_port(0, 0, "dev.oro.notes").if_taken is None
