"""Which port an app is served on: stable per app, and a free one only when that is taken."""

from __future__ import annotations

import socket

from hypothesis import given
from hypothesis import strategies as st

from oro_framework.web.ports import STABLE_PORTS, choose_port, is_port_free, stable_port


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
