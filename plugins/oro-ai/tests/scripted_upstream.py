"""A real OpenAI-compatible HTTP server on loopback whose behaviour is scripted by the model id a
request names: the upstreams that misbehave (slow, dropping mid-stream, 429/500, bad JSON,
hanging), which a real inference server cannot be made to do on demand.

It speaks HTTP/1.1 from the standard library's ``http.server`` in its own threads, streams with
chunked transfer encoding as uvicorn (vLLM's, llama_cpp.server's) does, and records what it
received and when each client went away."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from oro_framework.testing import free_port

MODELS: Final = (
    "fast",  # streams max_tokens chunks at once
    "slow",  # streams max_tokens chunks, 20 ms apart
    "gated",  # streams one chunk, then one more each time the test opens the gate
    "drop",  # streams two chunks, then closes the connection mid-body
    "badjson",  # answers a body (or a stream event) that is not JSON
    "hang",  # reads the request and answers nothing until the client leaves
    "status-429",
    "status-500",
    "status-401",
    "status-400",
    "echo",  # answers, as its content, the JSON of what it received
    "script",  # streams the request's "script": raw pieces of event-stream text, one HTTP chunk
    # each, ending the body properly unless "complete" is false
    # Leaky servers: their errors echo the request's Authorization and Host headers and the
    # URL they were called at, as a debugging proxy or a careless server does.
    "leak-400",  # 400, a JSON error whose message and param echo them
    "leak-401",  # 401, OpenAI's wording for a refused key: the key shortened
    "leak-500",  # 500, a JSON error echoing them
    "leak-text",  # 400, a text body echoing them
    "leak-stream",  # streams one chunk, then an error event echoing them
    "sized",  # answers a whole completion of the request's "size" bytes of text
)


@dataclass
class Received:
    """One request as the upstream saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    chunks_sent: int = 0
    client_left: threading.Event = field(default_factory=threading.Event)
    """Set once the upstream saw its client close the connection before the answer ended."""


class ScriptedUpstream:
    """The server; ``url`` is its OpenAI API root (``http://127.0.0.1:<port>/v1``)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.gate = threading.Semaphore(0)
        self.open_connections = 0
        self.models_hang = False
        """Whether ``GET /v1/models`` answers nothing until its client leaves."""
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.script = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def connections(self, change: int) -> None:
        with self._lock:
            self.open_connections += change

    def last(self, model: str) -> Received:
        return [request for request in self.requests if request.body.get("model") == model][-1]

    def __enter__(self) -> ScriptedUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in range(64):
            self.gate.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def unreachable_url() -> str:
    """An OpenAI root URL on loopback where nothing answers: an upstream that is down."""
    return f"http://127.0.0.1:{free_port()}/v1"


@contextmanager
def scripted_upstream() -> Iterator[ScriptedUpstream]:
    with ScriptedUpstream() as upstream:
        yield upstream


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: ScriptedUpstream


def _chunk(model: str, index: int, *, chat: bool, finish: str | None = None) -> dict[str, Any]:
    text = "" if finish else f"t{index} "
    if chat:
        choice: dict[str, Any] = {
            "index": 0,
            "delta": {"content": text} if text else {},
            "finish_reason": finish,
        }
    else:
        choice = {"index": 0, "text": text, "finish_reason": finish}
    return {
        "id": "scripted-1",
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [choice],
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what was recorded instead."""

    def handle(self) -> None:
        self.server.script.connections(+1)
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.server.script.connections(-1)

    def do_GET(self) -> None:
        if self.server.script.models_hang:
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, {})
            self.server.script.record(received)
            self._wait_for_client_to_leave(received, timeout=60)
        elif self.path.rstrip("/").endswith("/v1/models"):
            listed = [
                {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "scripted"}
                for name in MODELS
            ]
            self._send_json(200, {"object": "list", "data": listed})
        else:
            self._send_json(404, {"error": {"message": "no such path", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.server.script.record(received)
        model = str(body.get("model"))
        chat = self.path.endswith("/chat/completions")
        count = int(body.get("max_tokens") or 4)
        if model.startswith("status-"):
            status = int(model.removeprefix("status-"))
            headers = {"retry-after": "7"} if status == 429 else {}
            message = {"error": {"message": f"scripted {status}", "type": "x", "param": "model"}}
            self._send_json(status, message, headers)
        elif model.startswith("leak-"):
            self._leak(received, model)
        elif model == "hang":
            self._wait_for_client_to_leave(received, timeout=60)
        elif model == "badjson":
            if body.get("stream"):
                self._stream(received, ["not json at all"])
            else:
                self._send_raw(200, b"{not json", "application/json")
        elif model == "sized":
            text = "x" * int(body.get("size", 0))
            self._send_json(200, _completion(model, text, chat=chat))
        elif model == "echo":
            content = json.dumps({"path": self.path, "headers": received.headers, "body": body})
            self._send_json(200, _completion(model, content, chat=chat))
        elif model == "script":
            pieces = [piece.encode() for piece in body["script"] if piece]
            self._stream(received, pieces, end=body.get("complete", True))
        elif body.get("stream"):
            self._stream_model(received, model, count, chat=chat)
        else:
            text = "".join(f"t{index} " for index in range(count))
            self._send_json(200, _completion(model, text, chat=chat))

    # ------------------------------------------------------------------------------------------

    def _leak(self, received: Received, model: str) -> None:
        authorization = received.headers.get("authorization", "")
        where = f"http://{received.headers.get('host', '')}{self.path}"
        echo = (
            f"request to {where} with Authorization: {authorization} (host {self.headers['host']})"
        )
        if model == "leak-text":
            self._send_raw(400, f"Bad Request\n{echo}\n".encode(), "text/plain")
        elif model == "leak-401":
            key = authorization.removeprefix("Bearer ")
            message = f"Incorrect API key provided: {key[:8]}{'*' * 12}{key[-4:]}. {echo}"
            self._send_json(401, {"error": {"message": message, "code": "invalid_api_key"}})
        elif model == "leak-stream":
            event = {"error": {"message": f"backend failed: {echo}", "type": "server_error"}}
            chunk = _chunk(model, 0, chat=True)
            self._stream(received, [json.dumps(chunk), json.dumps(event), "[DONE]"])
        else:
            status = int(model.removeprefix("leak-"))
            error = {"message": f"invalid max_tokens: {echo}", "param": authorization}
            self._send_json(status, {"error": error})

    def _stream_model(self, received: Received, model: str, count: int, *, chat: bool) -> None:
        events = [json.dumps(_chunk(model, index, chat=chat)) for index in range(count)]
        if model == "drop":
            self._stream(received, events[:2], end=False)
            return
        events.append(json.dumps(_chunk(model, count, chat=chat, finish="length")))
        if received.body.get("stream_options", {}).get("include_usage"):
            usage = {"prompt_tokens": 3, "completion_tokens": count, "total_tokens": 3 + count}
            events.append(
                json.dumps({**_chunk(model, 0, chat=chat), "choices": [], "usage": usage})
            )
        events.append("[DONE]")
        self._stream(
            received, events, delay=0.02 if model == "slow" else 0.0, gated=model == "gated"
        )

    def _stream(
        self,
        received: Received,
        events: list[str] | list[bytes],
        *,
        end: bool = True,
        delay: float = 0.0,
        gated: bool = False,
    ) -> None:
        """Send each of ``events`` as one HTTP chunk: a ``str`` as a ``data:`` event, ``bytes``
        as they are."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        for index, data in enumerate(events):
            if gated and index > 0:
                if not self._wait_for_gate_or_client(received):
                    return
            elif delay:
                time.sleep(delay)
            try:
                self._write_chunk(data if isinstance(data, bytes) else f"data: {data}\n\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                received.client_left.set()
                return
            received.chunks_sent += 1
        if end:
            self.wfile.write(b"0\r\n\r\n")
        else:
            # Mid-body: the chunked body never ends, which a client sees as a broken stream.
            self.connection.shutdown(socket.SHUT_RDWR)

    def _wait_for_gate_or_client(self, received: Received) -> bool:
        """Wait until the test opens the gate (True) or the client goes away (False)."""
        while not self.server.script.gate.acquire(timeout=0.01):
            if self._client_gone():
                received.client_left.set()
                return False
        return True

    def _wait_for_client_to_leave(self, received: Received, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._client_gone(wait=0.05):
                received.client_left.set()
                return
        self.close_connection = True

    def _client_gone(self, wait: float = 0.0) -> bool:
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_raw(
        self, status: int, raw: bytes, media: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", media)
        self.send_header("content-length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)


def _completion(model: str, text: str, *, chat: bool) -> dict[str, Any]:
    if chat:
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop",
        }
    else:
        choice = {"index": 0, "text": text, "finish_reason": "stop"}
    return {
        "id": "scripted-1",
        "object": "chat.completion" if chat else "text_completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [choice],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
