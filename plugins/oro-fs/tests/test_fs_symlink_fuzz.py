"""``fs.symlink`` with relative targets, fuzzed: the link keeps the relative target it was
given (resolved against the link's directory, as POSIX and Node do), and the sandbox still
confines it: a target that leads out (by ``..``, or through a symlink that leads out) is
refused, nothing is ever written outside, and no link made through the route reaches outside
when read or written through."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import oro_fs.plugin
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA_HOME
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

SECRET = b"outside the sandbox"
LOCATIONS = ["l", "sub/l", "sub/deeper/l"]
# Components of relative targets: climbing, the tree inside, the host's sibling directories
# (data, temp, cache and one outside the sandbox) and a symlink inside that leads outside.
PARTS = ["..", ".", "", "sub", "deeper", "file", "data", "temp", "outside", "secret", "out", "l"]


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal("trio") as running:
        yield running


@pytest.fixture(scope="module")
def host(portal: BlockingPortal) -> Iterator[Host]:
    with portal.wrap_async_context_manager(make_host([oro_fs.plugin], config=DATA_HOME)) as running:
        yield running


def _snapshot(root: Path) -> dict[str, bytes | str | None]:
    """Every entry below ``root``: a file's bytes, a link's target, None for a directory."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = os.readlink(path)
        elif path.is_dir():
            found[name] = None
        else:
            found[name] = path.read_bytes()
    return found


def _reset(data: Path, outside: Path) -> None:
    for child in data.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (data / "sub" / "deeper").mkdir(parents=True)
    (data / "file").write_bytes(b"inside")
    (data / "out").symlink_to(outside)
    shutil.rmtree(outside, ignore_errors=True)
    outside.mkdir()
    (outside / "secret").write_bytes(SECRET)


def _inside(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root) + os.sep) for root in roots)


targets = st.lists(st.sampled_from(PARTS), min_size=1, max_size=6).map("/".join)


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=targets, location=st.sampled_from(LOCATIONS), data_bytes=st.binary(max_size=8))
def test_relative_symlink_targets_stay_relative_and_confined(
    portal: BlockingPortal, host: Host, target: str, location: str, data_bytes: bytes
) -> None:
    client = MemoryClient(host)
    data = Path(host.paths.data)
    base = data.parent
    outside = base / "outside"
    _reset(data, outside)
    roots = [Path(os.path.realpath(base / name)) for name in ("data", "temp", "cache")]
    before_outside = _snapshot(outside)
    before_base = sorted(p.name for p in base.iterdir())

    link = data / location
    # Where the target leads, judged before the link exists (a link to itself loops after).
    joined = os.path.join(os.path.dirname(link), target)
    leads_out = not _inside(os.path.normpath(joined), roots) or not _inside(
        os.path.realpath(joined), roots
    )
    reply = portal.call(functools.partial(client.call, "fs.symlink", src=target, dest=location))
    assert reply.error is None or reply.error.status < 500, (target, reply.error)
    if reply.error is None:
        # The link holds the relative target as given, and it leads inside the sandbox.
        assert os.readlink(link) == target
        leads_to: str | None
        try:
            leads_to = os.path.realpath(link, strict=True)
        except OSError:
            # A link the kernel cannot follow (a loop, a missing component) reaches nothing.
            leads_to = None
            assert not os.path.exists(link), (target, location)
        assert leads_to is None or _inside(leads_to, roots), (target, location)
        # Reading and writing through it never reaches outside.
        read = portal.call(functools.partial(client.call, "fs.readFile", path=location))
        assert SECRET not in (read.body or b"")
        portal.call(
            functools.partial(client.call, "fs.writeFile", data_bytes, path=location, flags=0o1101)
        )
    else:
        assert not link.is_symlink()
        assert reply.error.code in {"EPERM", "EEXIST", "ENOENT", "ENOTDIR", "ELOOP", "EINVAL"}
    if leads_out:
        # Lexically outside, or through a link that leads outside: refused.
        assert reply.error is not None, (target, location)
    assert _snapshot(outside) == before_outside
    assert sorted(p.name for p in base.iterdir()) == before_base


def test_a_relative_target_is_kept_and_followed_from_the_links_directory(
    portal: BlockingPortal, host: Host
) -> None:
    client = MemoryClient(host)
    data = Path(host.paths.data)
    _reset(data, data.parent / "outside")
    ok = portal.call(functools.partial(client.call, "fs.symlink", src="../file", dest="sub/up"))
    assert ok.error is None
    assert os.readlink(data / "sub" / "up") == "../file"
    read = portal.call(functools.partial(client.call, "fs.readFile", path="sub/up"))
    assert read.body == b"inside"
    escape = portal.call(
        functools.partial(client.call, "fs.symlink", src="../../outside/secret", dest="sub/x")
    )
    assert escape.error is not None
    assert escape.error.code == "EPERM"
    through = portal.call(
        functools.partial(client.call, "fs.symlink", src="../out/secret", dest="sub/y")
    )
    assert through.error is not None
    assert through.error.code == "EPERM"
    assert not (data / "sub" / "x").is_symlink()
    assert not (data / "sub" / "y").is_symlink()
