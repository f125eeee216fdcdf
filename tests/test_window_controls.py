"""The window controls the Oro Runtime's api/window.d.ts declares (``window.setPosition``,
``maximize``, ``minimize``, ``restore``, ``focus``, ``blur``, ``setAlwaysOnTop``,
``setBackgroundColor``, percentages in ``setSize``) and ``application.getScreenSize``, on the
headless host's virtual windows: what they keep, the page events they raise, and that any
argument either works or is a typed error that leaves the window as it was."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oro_framework.core.application
from oro_framework import (
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, make_host, raise_for_error

APPLICATION = oro_framework.core.application
TYPED = (InvalidArgumentError, OutOfRangeError, NotSupportedError, NotFoundError)


async def call(host: Any, route: str, **params: Any) -> Any:
    return raise_for_error(await MemoryClient(host).call(route, **params))


async def error_of(host: Any, route: str, **params: Any) -> IPCError:
    reply = await MemoryClient(host).call(route, **params)
    assert reply.error is not None, reply.data
    return reply.error


@pytest.mark.anyio
async def test_minimize_hides_and_restore_shows_with_page_events() -> None:
    async with (
        make_host(plugins=[APPLICATION]) as host,
        host.events.subscribe(window=0) as events,
    ):
        minimized = await call(host, "window.minimize")
        maximized = await call(host, "window.maximize")
        restored = await call(host, "window.restore")
        focused = await call(host, "window.focus")
        blurred = await call(host, "window.blur")
        names = []
        while True:
            try:
                name = events.receive_nowait().name
            except anyio.WouldBlock:
                break
            if name.startswith("window"):
                names.append(name)

    assert (minimized["minimized"], minimized["status"]) == (True, "hidden")
    assert (maximized["maximized"], maximized["minimized"], maximized["status"]) == (
        True,
        False,
        "shown",
    )
    assert (restored["maximized"], restored["minimized"]) == (False, False)
    assert focused["status"] == blurred["status"] == "shown"
    assert names == ["windowhide", "windowshow"]


@pytest.mark.anyio
async def test_headless_screen_size_and_percentages_are_not_supported() -> None:
    async with make_host(plugins=[APPLICATION]) as host:
        screen = await error_of(host, "application.getScreenSize")
        percent = await error_of(host, "window.setSize", width="50%")
        created = await error_of(host, "window.create", url="/b.html", height="10%")
        size = await call(host, "window.getSize")

    assert isinstance(screen, NotSupportedError)
    assert isinstance(percent, NotSupportedError)
    assert isinstance(created, NotSupportedError)
    assert screen.code == percent.code == created.code == "ERR_HEADLESS"
    assert size == {"width": 1024, "height": 768}


@pytest.mark.anyio
async def test_controls_on_a_closed_or_unknown_window_are_not_found() -> None:
    # Window 0 may control the others here, so what is left to refuse is the window's state.
    control = {"permissions.allow_window_control": True}
    async with make_host(plugins=[APPLICATION], config=control) as host:
        await call(host, "window.create", url="/b.html")
        await call(host, "window.close", targetWindowIndex=1)
        closed = await error_of(host, "window.maximize", targetWindowIndex=1)
        unknown = await error_of(host, "window.setPosition", targetWindowIndex=9, x=1)
        negative = await error_of(host, "window.getPosition", targetWindowIndex=-1)

    assert isinstance(closed, NotFoundError)
    assert isinstance(unknown, NotFoundError)
    assert isinstance(negative, TYPED)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["50%", "100%", "101%", "-1%", "0", "12", "1e3", "0x10", " 7 "]),
    st.lists(st.integers(), max_size=2),
)


def _params(**given: Any) -> dict[str, Any]:
    return {name: value for name, value in given.items() if value is not None}


async def _check(route: str, params: dict[str, Any], fields: tuple[str, ...]) -> None:
    async with make_host(plugins=[APPLICATION]) as host:
        before = (await call(host, "application.getWindows"))[0]
        reply = await MemoryClient(host).call(route, **params)
        after = (await call(host, "application.getWindows"))[0]
        title = await call(host, "window.getTitle")
    assert isinstance(title, str)  # the host keeps serving
    if reply.error is not None:
        assert isinstance(reply.error, TYPED), reply.error
        assert after == before, "a refused change changed the window"
        return
    for field in fields:
        assert after[field] == reply.data[field]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=values, height=values)
def test_any_size_is_applied_or_refused_with_a_typed_error(width: Any, height: Any) -> None:
    params = _params(width=width, height=height)
    anyio.run(_check, "window.setSize", params, ("width", "height"), backend="trio")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=values, y=values)
def test_any_position_is_applied_or_refused_with_a_typed_error(x: Any, y: Any) -> None:
    anyio.run(_check, "window.setPosition", _params(x=x, y=y), ("position",), backend="trio")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(red=values, green=values, blue=values, alpha=values)
def test_any_colour_is_applied_or_refused_with_a_typed_error(
    red: Any, green: Any, blue: Any, alpha: Any
) -> None:
    params = _params(red=red, green=green, blue=blue, alpha=alpha)
    anyio.run(_check, "window.setBackgroundColor", params, ("backgroundColor",), backend="trio")
