"""Apps with a backend.py, written into a test's directory, and a host running them."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from oro_framework import Host
from oro_framework.core import backend as core_backend
from oro_framework.core import ping
from oro_framework.testing import make_host

NOTES = '''
from __future__ import annotations

import enum
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, NotRequired, TypedDict

import anyio

from oro_framework import NotFoundError, Request
from oro_framework.backend import command, emit, event


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Size:
    width: int
    height: int = 0


@dataclass
class Note:
    title: str
    tags: list[str] = field(default_factory=list)
    size: Size | None = None


class Filter(TypedDict):
    text: str
    limit: NotRequired[int]


saved = event("saved", Note)


@command
async def resize(path: str, width: int = 800) -> dict[str, object]:
    """Resize an image (pretend)."""
    return {"path": path, "width": width}


@command
def save(
    note: Note, colour: Colour = Colour.RED, mode: Literal["draft", "final"] = "draft"
) -> Note:
    saved.emit(note)
    return Note(f"{note.title} ({colour.value}, {mode})", note.tags, note.size)


@command
def search(filter: Filter, flags: dict[str, bool] | None = None) -> list[str]:
    return [filter["text"]] * filter.get("limit", 1) + sorted(flags or {})


@command
def where() -> dict[str, object]:
    return {"thread": threading.current_thread() is threading.main_thread()}


@command
async def where_async() -> dict[str, object]:
    return {"thread": threading.current_thread() is threading.main_thread()}


@command
def reverse(data: bytes, label: str = "") -> bytes:
    return label.encode() + data[::-1]


@command
async def count(to: int) -> AsyncIterator[int]:
    for number in range(to):
        emit("counted", number)
        yield number


@command
async def chunks(size: int) -> AsyncIterator[bytes]:
    yield b"a" * size
    yield b"b" * size


@command
def fails() -> None:
    raise ValueError("the note is too long")


@command
def missing(name: str) -> None:
    raise NotFoundError(f"no note {name!r}", code="ERR_NO_NOTE")


@command
def unreadable() -> None:
    open("/nonexistent/oro-backend-test")


@command
def window_of(request: Request) -> int | None:
    return request.window


@command
def huge(size: int) -> str:
    return "x" * size


progress: list[str] = []
watchers: list[anyio.Event] = []


@command
async def forever() -> None:
    progress.append("started")
    for watcher in watchers:
        watcher.set()
    try:
        await anyio.sleep_forever()
    finally:
        progress.append("stopped")
'''


def write_app(app_dir: Path, backend: str = NOTES, *, name: str = "backend.py") -> Path:
    """An app in ``app_dir``: an index page, an oro.toml and ``backend``."""
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "index.html").write_text("<!doctype html><title>notes</title>\n")
    (app_dir / "oro.toml").write_text(
        '[meta]\nname = "notes"\nbundle_identifier = "com.example.notes"\n'
    )
    target = app_dir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(backend))
    return app_dir


@asynccontextmanager
async def backend_host(
    app_dir: Path, *, config: Mapping[str, Any] | None = None, plugins: tuple[object, ...] = ()
) -> AsyncIterator[Host]:
    """A running host of the app in ``app_dir`` with the core backend plugin (and ``plugins``)."""
    async with make_host([core_backend, ping, *plugins], app_dir=app_dir, config=config) as host:
        yield host
