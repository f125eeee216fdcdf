"""``oro dev`` holds its app's port from start to end, in a real subprocess: while a host runs
its build steps and between two hosts, another program cannot take the port, and a request
made then is answered by the next host instead of refused.

Each host's build script blocks on a named pipe until the test lets it go, so the test looks at
the port exactly while no host serves it (without the held socket, nothing listens then).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import textwrap
from pathlib import Path
from typing import Any

import httpx
from _oro_process import OroProcess, headless_environ, run_oro, until

from oro_framework.web.ports import is_port_free

# The build waits for the test: it reads the pipe named by GATE to its end (the test's write).
# It also notes what it inherited from its host (beside the pipe): its environment's names and
# what its descriptors are.
BUILD_SCRIPT = """
import json, os, pathlib
gate = pathlib.Path(os.environ["GATE"])
descriptors = []
for fd in os.listdir("/proc/self/fd"):
    try:
        descriptors.append(os.readlink(f"/proc/self/fd/{fd}"))
    except FileNotFoundError:  # the listing's own descriptor, closed by now
        pass
inherited = {"environment": sorted(os.environ), "descriptors": descriptors}
(gate.parent / "inherited.json").write_text(json.dumps(inherited))
with gate.open() as pipe:
    pipe.read()
pathlib.Path(os.environ["PREFIX"], "index.html").write_text("<title>built</title>")
"""


def _write_config(app: Path, name: str) -> None:
    (app / "oro.toml").write_text(
        textwrap.dedent(f"""\
            [meta]
            name = "{name}"
            bundle_identifier = "dev.oro.test-dev-port.{app.parent.name}"

            [build]
            script = "python3 build.py"
        """),
        encoding="utf-8",
    )


def _bind_error(port: int) -> int | None:
    """What binding ``127.0.0.1:port`` as a server does (``SO_REUSEADDR``) gets: its errno, or
    ``None`` when the port was free and is released again at once."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            other.bind(("127.0.0.1", port))
        except OSError as error:
            return error.errno
    return None


def _listening_inode(port: int) -> str:
    """The inode of the socket listening on ``127.0.0.1:port`` (``/proc/net/tcp``)."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
            return fields[9]
    raise AssertionError(f"nothing listens on port {port}")


def _builds_started(oro: OroProcess) -> int:
    return oro.stderr().count("oro: running [build] script")


def _read_json(path: Path) -> Any:
    """``path``'s JSON, or ``None`` while it is not (wholly) written."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _release_build(gate: Path) -> None:
    with gate.open("w") as pipe:  # opens once the build script opens its end
        pipe.write("go")


def test_the_port_stays_oro_devs_while_a_host_builds_and_between_hosts(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    _write_config(app, "first")
    (app / "build.py").write_text(BUILD_SCRIPT, encoding="utf-8")
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    environ = headless_environ({"GATE": str(gate)})
    with OroProcess("dev", str(app), "--headless", environ=environ, timeout=90) as oro:
        line = oro.wait_for_line(r"^oro dev: .*; port \d+$")
        port = int(line.rsplit(" ", 1)[1])
        origin = f"http://127.0.0.1:{port}"

        # The first host is building: nothing serves yet, and the port is taken all the same.
        until(lambda: _builds_started(oro) == 1, "the first host's build")
        assert _bind_error(port) == errno.EADDRINUSE
        # The host's own subprocesses (this build script) get neither the socket nor its name.
        inherited = until(lambda: _read_json(tmp_path / "inherited.json"), "the build's note")
        assert f"socket:[{_listening_inode(port)}]" not in inherited["descriptors"]
        assert not any(name.startswith("ORO_DEV_") for name in inherited["environment"])
        # A request made now waits for the host (in the socket's backlog) and is answered.
        with socket.create_connection(("127.0.0.1", port), timeout=60) as early:
            early.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            _release_build(gate)
            assert early.recv(64).startswith(b"HTTP/1.1 ")
        assert oro.launch_url().startswith(origin + "/")

        # A new oro.toml restarts the host: between the hosts, and while the next one builds,
        # the port is still taken; then the same port serves the new host.
        _write_config(app, "second")
        oro.wait_for_line(r"oro.toml changed; restarting the host")
        until(lambda: _builds_started(oro) == 2, "the second host's build")
        assert _bind_error(port) == errno.EADDRINUSE
        _release_build(gate)
        launch_url = oro.launch_url()
        assert launch_url.startswith(origin + "/")
        with httpx.Client(follow_redirects=True) as client:
            assert "<title>built</title>" in client.get(launch_url).text

        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0
    assert is_port_free(port)  # oro dev and its host let it go


def test_a_taken_port_option_stops_oro_dev_at_once_saying_so(tmp_path: Path) -> None:
    # As `oro run --port` does: the user asked for exactly that port.
    app = tmp_path / "app"
    app.mkdir()
    _write_config(app, "taken")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_oro("dev", str(app), "--headless", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1, result
    assert f"cannot serve {app}" in result.stderr
    assert "Address already in use" in result.stderr
    assert "oro: serving" not in result.stdout
