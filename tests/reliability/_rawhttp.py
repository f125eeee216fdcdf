"""A raw HTTP/1.1 client over one anyio TCP stream (h11), for tests that must control the
socket: keep-alive, ``Connection: close``, half-sent requests, reading to EOF."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Final

import anyio
import anyio.abc
import h11

from oro_framework.testing import LiveServer

READ_BYTES: Final = 65536


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class RawConnection:
    """One keep-alive connection to a live server, authenticated with its session cookie."""

    stream: anyio.abc.SocketStream
    authority: str
    cookie: str
    connection: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))

    @classmethod
    async def open(cls, server: LiveServer) -> RawConnection:
        cookie = f"{server.cookie_name}={await server.session_cookie()}"
        stream = await anyio.connect_tcp("127.0.0.1", server.port)
        return cls(stream, f"127.0.0.1:{server.port}", cookie)

    async def __aenter__(self) -> RawConnection:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stream.aclose()

    def headers(self, extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        return [("host", self.authority), ("cookie", self.cookie), *(extra or [])]

    async def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
    ) -> RawResponse:
        """Send one request and read its whole response."""
        request_headers = self.headers(headers)
        if body or method in ("POST", "PUT"):
            request_headers.append(("content-length", str(len(body))))
        await self.stream.send(
            self.connection.send(h11.Request(method=method, target=target, headers=request_headers))
        )
        if body:
            await self.stream.send(self.connection.send(h11.Data(data=body)))
        await self.stream.send(self.connection.send(h11.EndOfMessage()))
        return await self.read_response()

    async def read_response(self) -> RawResponse:
        response: RawResponse | None = None
        chunks: list[bytes] = []
        while True:
            event = self.connection.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = await self.stream.receive(READ_BYTES)
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    data = b""
                self.connection.receive_data(data)
            elif isinstance(event, h11.Response):
                response = RawResponse(
                    event.status_code,
                    {name.decode(): value.decode("latin-1") for name, value in event.headers},
                )
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert response is not None
                response.body = b"".join(chunks)
                if (
                    self.connection.our_state is h11.DONE
                    and self.connection.their_state is h11.DONE
                ):
                    self.connection.start_next_cycle()
                return response
            elif isinstance(event, h11.ConnectionClosed):
                raise anyio.EndOfStream("server closed the connection before answering")

    async def is_closed_by_server(self) -> bool:
        """Read until the server closes (True) or sends something instead (False)."""
        try:
            data = await self.stream.receive(READ_BYTES)
        except (anyio.EndOfStream, anyio.BrokenResourceError):
            return True
        return not data
