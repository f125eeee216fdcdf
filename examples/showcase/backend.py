"""The showcase's own Python: commands the "Backend" panel calls through oro:backend
(backend.js). Each is an annotated function; the host checks what the page sends against the
annotations and answers typed errors. `oro types examples/showcase` writes backend.d.ts."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio

from oro_framework.backend import InvalidArgumentError, command, event


@dataclass
class TextStats:
    words: int
    lines: int
    longest: str


@dataclass
class Progress:
    done: int
    total: int


progress = event("progress", Progress)


@command
def text_stats(text: str) -> TextStats:
    """Count the words and lines of a text (a plain def: it runs in a worker thread)."""
    words = text.split()
    return TextStats(len(words), len(text.splitlines()), max(words, key=len, default=""))


@command
def sha256(data: bytes) -> str:
    """The SHA-256 of bytes the page sends raw (a Uint8Array, never base64)."""
    return hashlib.sha256(data).hexdigest()


@command
async def countdown(start: int = 3) -> AsyncIterator[int]:
    """Count down to zero, one number a tick, with a progress event each (streamed)."""
    if not 0 < start <= 10:
        # A typed error is what the page is told, message and all (any other exception shows
        # its type only: its text goes to the host's log).
        raise InvalidArgumentError("start must be between 1 and 10", parameter="start")
    for number in range(start, -1, -1):
        progress.emit(Progress(done=start - number, total=start))
        yield number
        await anyio.sleep(0.2)
