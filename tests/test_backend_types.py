"""``oro types``: the app's ``backend.d.ts``, checked by the TypeScript compiler against a page
that uses every command and event, rightly and (``@ts-expect-error``) wrongly, so that types
too loose fail as surely as types too strict; and the command's output, ``--check`` and errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from oro_framework.backend import commands_of, events_of
from oro_framework.backend.typescript import declarations
from oro_framework.cli import cli
from oro_framework.cli.commands.types import backend_types, write_backend_types
from oro_framework.cli.common import build_host
from oro_framework.testing import js_api_dev_dependencies, type_check_js

REPOSITORY = Path(__file__).resolve().parents[1]

# A module of the app beside backend.py, with a class named like one of the backend's. Its name
# is this test's own: the app's directory goes first on sys.path, and a module imports once.
GEOMETRY = '''
from dataclasses import dataclass


@dataclass
class Point:
    """A point of the geometry module, named like the backend's."""

    x: float
    y: float
'''

BACKEND = '''
"""An app backend using every kind of annotation a command takes (as strings: NotRequired
included, which Python 3.11's TypedDict loses in string annotations)."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, NotRequired, Optional, TypedDict

import types_test_geometry

from oro_framework.backend import Request, command, event


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass
class Point:
    """A point on the page."""

    x: int
    y: int


@dataclass
class Shape:
    name: str
    points: list[Point]
    colour: Colour = Colour.RED
    tags: set[str] = field(default_factory=set)
    thumbnail: bytes | None = None


class Options(TypedDict):
    quality: int
    mode: Literal["fast", "best"]
    label: NotRequired[str]


class Progress(TypedDict):
    done: int
    total: int


@dataclass
class Reserved:
    default: str
    function: int


@command
def area(shape: Shape, scale: float = 1.0) -> float:
    """The area of a shape.

    :param shape: the shape to measure
    :param scale: multiplies every side
    """
    return 0.0


@command
def ping() -> None:
    """Nothing at all."""


@command
async def resize(
    data: bytes, options: Options, width: Optional[int] = None, target: Path | None = None
) -> bytes:
    """Resize an image."""
    return data


@command
async def ticks(count: int = 3) -> AsyncIterator[Progress]:
    for done in range(count):
        yield {"done": done, "total": count}


@command
async def chunks(size: int) -> AsyncGenerator[bytes, None]:
    yield b"x" * size


@command
def mirror(
    point: types_test_geometry.Point,
    level: Level,
    pair: tuple[int, str],
    rest: tuple[int, ...],
    meta: Mapping[str, Any] | None = None,
) -> tuple[types_test_geometry.Point, Point]:
    return point, Point(1, 2)


@command(name="shapes.delete")
def delete_shapes(
    keys: Reserved, request: Request, blobs: Sequence[bytes] = ()
) -> dict[str, list[Shape]]:
    return {}


@command
def echo(value, label: Annotated[str, "shown"] = "") -> Any:
    return value


@command
def colours(only: Colour | None = None) -> list[Colour]:
    return list(Colour)


@command(name="on")
def on_command(x: int) -> int:
    return x


progress = event("progress", Progress)
saved = event("file-saved", Path)
anything = event("anything")
'''

USAGE = """
import backend from 'oro:backend'
import type {
  Colour, Level, Options, Point, Point2, Progress, Reserved, Shape, ShapeInput
} from 'oro:backend'

export async function rightly (): Promise<void> {
  const area: number = await backend.area({ shape: { name: 'a', points: [{ x: 1, y: 2 }] } })
  const full: ShapeInput = { name: 'b', points: [], colour: 'blue', tags: ['t'], thumbnail: 'AAE=' }
  await backend.area({ shape: full, scale: 2.5 })
  await backend.area({ shape: { name: 'c', points: [], thumbnail: null } })

  const nothing: void = await backend.ping()
  await backend.ping({})

  const options: Options = { quality: 80, mode: 'fast' }
  const resized: Uint8Array = await backend.resize({ data: new Uint8Array([1, 2]), options })
  await backend.resize({ data: new ArrayBuffer(2), options: { ...options, label: 'x' }, width: 10 })
  const view = new DataView(new ArrayBuffer(1))
  await backend.resize({ data: view, options, width: null, target: '/tmp/a' })
  await backend.resize({ data: new Blob(['x']), options, target: null })

  for await (const tick of backend.ticks()) {
    const progress: Progress = tick
    console.log(progress.done / tick.total)
  }
  for await (const chunk of backend.ticks({ count: 2 })) console.log(chunk.done)
  for await (const chunk of backend.chunks({ size: 3 })) {
    const bytes: Uint8Array = chunk
    console.log(bytes.byteLength)
  }

  const level: Level = 2
  const pair: [number, string] = [1, 'a']
  const [theirs, ours] = await backend.mirror({ point: { x: 1.5, y: 2 }, level, pair, rest: [] })
  const point2: Point2 = theirs
  const point: Point = ours
  await backend.mirror({ point, level: 1, pair, rest: [1, 2, 3], meta: { any: [1, 'thing'] } })
  await backend.mirror({ point: point2, level: 1, pair: [0, ''], rest: [], meta: null })

  const keys: Reserved = { default: 'a', function: 1 }
  const removed = await backend['shapes.delete']({ keys, blobs: ['AAE='] })
  const shape: Shape | undefined = removed['x']?.[0]
  if (shape !== undefined) {
    const colour: Colour = shape.colour
    const tags: string[] = shape.tags
    const thumbnail: string | null = shape.thumbnail
    console.log(colour, tags, thumbnail, shape.points[0]?.x)
  }
  const echoed: unknown = await backend.echo({ value: { anything: true } })
  await backend.echo({ value: 1, label: 'x' })
  const colours: Colour[] = await backend.colours()
  await backend.colours({ only: 'red' })
  await backend.colours({ only: null })
  const viaCall = await backend.call('on', { x: 1 })
  console.log(area, nothing, resized, echoed, colours, viaCall)

  const stop = backend.on('progress', (data) => console.log(data.done + data.total))
  stop()
  backend.on('file-saved', (path) => console.log(path.toUpperCase()))
  backend.on('anything', (data) => console.log(data))
  const next: Progress = await backend.once('progress')
  console.log(next.total)
}

export async function wrongly (): Promise<void> {
  const fast: Options = { quality: 1, mode: 'fast' }
  const fastPoint = { x: 0, y: 1 }
  // @ts-expect-error a field of the wrong type
  await backend.area({ shape: { name: 1, points: [] } })
  // @ts-expect-error a top-level field of the wrong type
  await backend.chunks({ size: '3' })
  // @ts-expect-error a missing required field
  await backend.resize({ options: { quality: 1, mode: 'fast' } })
  // @ts-expect-error the fields of a command with a required one are required
  await backend.chunks()
  // @ts-expect-error a missing required key of a TypedDict
  await backend.resize({ data: new Uint8Array(), options: { mode: 'fast' } })
  // @ts-expect-error an unknown field
  await backend.ticks({ count: 1, extra: true })
  // @ts-expect-error an optional field of the wrong type
  await backend.ticks({ count: '3' })
  // @ts-expect-error bytes in a list travel as base64 text
  await backend['shapes.delete']({ keys: { default: '', function: 0 }, blobs: [new Uint8Array()] })
  // @ts-expect-error an unknown field of a command without parameters
  await backend.ping({ x: 1 })
  // @ts-expect-error no fields but an object of them
  await backend.ping(5)
  // @ts-expect-error a value outside a Literal
  await backend.resize({ data: new Uint8Array(), options: { quality: 1, mode: 'slow' } })
  // @ts-expect-error a value outside an enum
  await backend.colours({ only: 'green' })
  // @ts-expect-error a value outside an IntEnum
  await backend.mirror({ point: { x: 0, y: 0 }, level: 3, pair: [1, 'a'], rest: [] })
  // @ts-expect-error a tuple of the wrong types
  await backend.mirror({ point: { x: 0, y: 0 }, level: 1, pair: [1, 2], rest: [] })
  // @ts-expect-error the bytes of the request's body are bytes, not text
  await backend.resize({ data: 'AAE=', options: { quality: 1, mode: 'fast' } })
  // @ts-expect-error bytes inside a structure travel as base64 text
  await backend.area({ shape: { name: 'a', points: [], thumbnail: new Uint8Array() } })
  // @ts-expect-error a result used as what it is not
  const text: string = await backend.area({ shape: { name: 'a', points: [] } })
  // @ts-expect-error a command returning None gives nothing to use
  const count: number = await backend.ping()
  // @ts-expect-error a received Shape has every field, defaults included
  const partial: Shape = { name: 'a', points: [] }
  // @ts-expect-error a command named like the module's own is not a command property
  await backend.on({ x: 1 })
  // @ts-expect-error an event's data used as what it is not
  backend.on('progress', (data) => data.done.toUpperCase())
  // @ts-expect-error an event's data used as what it is not
  backend.on('file-saved', (path) => path.toFixed())
  // @ts-expect-error a stream's items are its item type
  for await (const tick of backend.ticks()) console.log(tick.missing)
  // @ts-expect-error a byte stream's items are bytes
  for await (const chunk of backend.chunks({ size: 1 })) console.log(chunk.toUpperCase())
  // @ts-expect-error a value outside an enum inside a structure
  await backend.area({ shape: { name: 'a', points: [], colour: 'green' } })
  // @ts-expect-error a bytes result is a Uint8Array
  const resized: string = await backend.resize({ data: new Uint8Array(), options: fast })
  const [theirs] = await backend.mirror({ point: fastPoint, level: 1, pair: [1, ''], rest: [] })
  // @ts-expect-error a dataclass result has its fields only
  console.log(theirs.z)
  // @ts-expect-error a dataclass field of the wrong type
  await backend.mirror({ point: { x: 'a', y: 0 }, level: 1, pair: [1, 'a'], rest: [] })
  // @ts-expect-error a received dataclass field is its type
  const x: string = theirs.x
  // @ts-expect-error a list of enum values
  const numbers: number[] = await backend.colours()
  // @ts-expect-error an Any result is unknown, not any
  console.log((await backend.echo({ value: 1 })).x)
  const removed = await backend['shapes.delete']({ keys: { default: '', function: 0 } })
  // @ts-expect-error a dataclass inside a structure has its fields only
  console.log(removed['x']?.[0]?.nope)
  console.log(text, count, partial, resized, numbers, x)
}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_app(directory: Path, backend: str | None = BACKEND) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oro.toml").write_text('[meta]\nname = "Types"\n')
    if backend is not None:
        (directory / "backend.py").write_text(textwrap.dedent(backend).lstrip())
        (directory / "types_test_geometry.py").write_text(GEOMETRY.lstrip())
    return directory


def oro(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["types", *args], catch_exceptions=False)


def test_the_generated_types_check_a_page_using_every_command_and_event(
    tmp_path: Path, runner: CliRunner
) -> None:
    app = write_app(tmp_path / "app")
    result = oro(runner, "--app", str(app))
    assert result.exit_code == 0, result.output
    generated = app / "backend.d.ts"
    assert result.stdout.splitlines() == [f"wrote {app / 'oro-env.d.ts'}", f"wrote {generated}"]
    text = generated.read_text()
    assert text.startswith("// GENERATED by `oro types` from backend.py; do not edit.\n")
    # A script, so that its `declare module` merges with js-api's instead of replacing it.
    assert not [line for line in text.splitlines() if line.startswith(("import", "export"))]
    assert "Python `types_test_geometry.Point`" in text

    js_api = js_api_dev_dependencies()
    (tmp_path / "usage.ts").write_text(USAGE.lstrip())
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "Bundler",
            "lib": ["ES2022", "DOM", "DOM.Iterable"],
            "types": [],
            "skipLibCheck": False,
        },
        "files": [
            str(js_api / "index.d.ts"),
            str(js_api / "node-aliases.d.ts"),
            str(generated),
            "usage.ts",
        ],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    type_check_js(tmp_path / "tsconfig.json")


def test_the_output_depends_on_the_backend_only(tmp_path: Path, runner: CliRunner) -> None:
    app = write_app(tmp_path / "app")
    first, second = tmp_path / "first.d.ts", tmp_path / "second.d.ts"
    assert oro(runner, "--app", str(app), "--out", str(first)).exit_code == 0
    # Another process with another hash seed: no set or dict order leaks into the text.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "oro_framework.cli",
            "types",
            "--app",
            str(app),
            "--out",
            str(second),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
        timeout=120,
    )
    assert first.read_text() == second.read_text()
    assert str(tmp_path) not in first.read_text()

    host = build_host(app, skip_broken=False)
    try:
        assert host.backend is not None
        assert host.backend.module is not None
        namespace = vars(host.backend.module)
        commands, events = commands_of(namespace), events_of(namespace)
        _, text = backend_types(host)
    finally:
        host.close()
    reordered = declarations(commands[::-1], events[::-1], source="backend.py")
    assert reordered == text == first.read_text()


def test_check_reports_a_missing_or_stale_file_and_writes_nothing(
    tmp_path: Path, runner: CliRunner
) -> None:
    app = write_app(tmp_path / "app")
    generated = app / "backend.d.ts"
    missing = oro(runner, "--app", str(app), "--check")
    assert missing.exit_code == 1
    assert f"{generated} is missing: run `oro types` to update it" in missing.stderr
    assert not generated.exists()

    assert oro(runner, "--app", str(app)).exit_code == 0
    current = oro(runner, "--app", str(app), "--check")
    assert current.exit_code == 0, current.output
    assert current.stdout.splitlines()[-1] == f"{generated} is up to date"
    again = oro(runner, "--app", str(app))
    assert again.stdout.splitlines()[-1] == f"{generated} is up to date"

    backend = app / "backend.py"
    backend.write_text(
        backend.read_text() + "\n\n@command\ndef added(name: str) -> str:\n    return name\n"
    )
    before = generated.read_text()
    stale = oro(runner, "--app", str(app), "--check")
    assert stale.exit_code == 1
    assert f"{generated} is out of date: run `oro types` to update it" in stale.stderr
    assert generated.read_text() == before
    assert oro(runner, "--app", str(app)).exit_code == 0
    assert "    added (fields: { name: string }" in generated.read_text()


def test_write_backend_types_writes_only_a_change(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    host = build_host(app, skip_broken=False)
    try:
        assert write_backend_types(host) == app / "backend.d.ts"
        written = (app / "backend.d.ts").stat().st_mtime_ns
        assert write_backend_types(host) is None
        assert (app / "backend.d.ts").stat().st_mtime_ns == written
    finally:
        host.close()
    bare = build_host(write_app(tmp_path / "bare", backend=None), skip_broken=False)
    try:
        assert write_backend_types(bare) is None
    finally:
        bare.close()


def test_an_app_without_a_backend_is_told_how_to_add_one(tmp_path: Path, runner: CliRunner) -> None:
    app = write_app(tmp_path / "app", backend=None)
    result = oro(runner, "--app", str(app))
    assert result.exit_code == 0, result.output
    assert f"no backend.d.ts: {app} has no backend: put backend.py beside oro.toml" in result.stderr
    assert not (app / "backend.d.ts").exists()
    # The modules' declarations need no backend.
    assert result.stdout.splitlines() == [f"wrote {app / 'oro-env.d.ts'}"]


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (
            "import types_test_missing_module\n",
            "The app's backend does not import: ModuleNotFoundError: "
            "No module named 'types_test_missing_module'",
        ),
        (
            "from oro_framework.backend import command\n\n"
            "@command\ndef f(*names: str) -> None: ...\n",
            "The app's backend has a command pages cannot call: command 'f': *names",
        ),
    ],
    ids=["import-error", "uncallable-command"],
)
def test_a_broken_backend_is_reported_and_nothing_written(
    tmp_path: Path, runner: CliRunner, backend: str, expected: str
) -> None:
    app = write_app(tmp_path / "app", backend=backend)
    result = oro(runner, "--app", str(app))
    assert result.exit_code == 1
    assert expected in result.stderr
    assert not (app / "backend.d.ts").exists()
    assert (app / "oro-env.d.ts").is_file()
