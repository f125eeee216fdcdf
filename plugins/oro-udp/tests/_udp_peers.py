"""UDP peers for the tests: real sockets on 127.0.0.1, served by a thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["EchoPeer", "echo_peer"]


class EchoPeer:
    """A UDP socket on 127.0.0.1 that sends every datagram back to where it came from."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            data, peer = self.sock.recvfrom(65535)
            if self._stopping:
                return
            self.received.append(data)
            self.sock.sendto(data, peer)

    def close(self) -> None:
        self._stopping = True
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as poke:
            poke.sendto(b"", ("127.0.0.1", self.port))
        self._thread.join(10)
        self.sock.close()


@contextmanager
def echo_peer() -> Iterator[EchoPeer]:
    peer = EchoPeer()
    try:
        yield peer
    finally:
        peer.close()
