"""Geolocation from Debian's GeoClue on a private system bus (``_geoclue``), in a real headless
Chromium page of an app whose backend grants the location (``oro_permission_request``):
``navigator.geolocation`` gets GeoClue's fix, a watch hears the device move until
``clearWatch``; denied, absent and hostile cases are typed ``GeolocationPositionError``s or
typed route errors, and the host keeps serving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import oro_desktop.plugin
import pytest
from _geoclue import GeoClueBus, geoclue_bus, missing
from hypothesis import given
from hypothesis import strategies as st
from oro_desktop.geolocation import (
    GEOLOCATION,
    MAX_MILLISECONDS,
    MAX_WATCHES_PER_WINDOW,
    options,
)
from playwright.sync_api import Browser, Page

from oro_framework import Host, InvalidArgumentError, Request, hookimpl
from oro_framework.host.permission_broker import PermissionRequest
from oro_framework.testing import MemoryClient, ServedApp, app_page, make_host, served_app, until

DESKTOP_ID = "dev.oro.test.geolocation"
PARIS = (48.8566, 2.3522)
BERLIN = (52.52, 13.405)


class Grant:
    """The app's backend: it knows it needs the location, so it grants it without a prompt."""

    name = "backend"

    @hookimpl
    def oro_permission_request(self, host: Host, request: PermissionRequest) -> bool | None:
        return True if request.kinds == ("geolocation",) else None


@pytest.fixture(scope="module")
def geoclue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeoClueBus]:
    lacking = missing()
    if lacking:
        pytest.fail(f"missing {', '.join(lacking)}: scripts/test installs geoclue-2.0")
    with geoclue_bus(tmp_path_factory.mktemp("geoclue"), [DESKTOP_ID]) as bus:
        yield bus


def serve(bus: str, *plugins: object, **config: Any) -> Any:
    return served_app(
        [oro_desktop.plugin, *plugins],
        config={"meta.bundle_identifier": DESKTOP_ID, **config},
        environ={"DBUS_SYSTEM_BUS_ADDRESS": bus},
    )


@pytest.fixture(scope="module")
def app(geoclue: GeoClueBus) -> Iterator[ServedApp]:
    with serve(geoclue.address, Grant()) as served:
        yield served


RECORD = """() => {
  globalThis.seen = []
  globalThis.errors = []
  // Bounded: a call that never answers fails the test instead of hanging it.
  const bounded = (promise) => Promise.race([promise, new Promise((resolve) =>
    setTimeout(() => resolve({ unanswered: true }), 60000))])
  const geo = navigator.geolocation
  globalThis.once = (options) => bounded(new Promise((resolve) => geo.getCurrentPosition(
    (p) => resolve({ position: p.toJSON(), isPosition: p instanceof GeolocationPosition }),
    (e) => resolve({ error: { code: e.code, message: e.message,
                              isError: e instanceof GeolocationPositionError } }),
    options)))
  globalThis.watch = (options) => navigator.geolocation.watchPosition(
    (p) => seen.push(p.toJSON()), (e) => errors.push({ code: e.code, message: e.message }), options)
}"""


def page_once(page: Page, options: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = page.evaluate(f"once({json.dumps(options or {})})")
    return answer


def at(position: dict[str, Any], where: tuple[float, float]) -> bool:
    coords = position["coords"]
    return bool(abs(coords["latitude"] - where[0]) < 1e-4) and bool(
        abs(coords["longitude"] - where[1]) < 1e-4
    )


def test_a_page_gets_geoclues_position_and_watches_it_move(
    chromium_browser: Browser, app: ServedApp, geoclue: GeoClueBus
) -> None:
    geoclue.source.move(*PARIS)
    with app_page(chromium_browser, app) as page:
        page.evaluate(RECORD)
        answer = page_once(page)
        assert answer["isPosition"] is True, answer
        position = answer["position"]
        assert at(position, PARIS), position
        coords = position["coords"]
        assert coords["altitude"] == pytest.approx(35.0)
        assert coords["accuracy"] >= 0
        assert set(coords) == {
            "latitude", "longitude", "accuracy", "altitude", "altitudeAccuracy", "heading", "speed"
        }  # fmt: skip
        assert isinstance(position["timestamp"], (int, float))

        watch = page.evaluate("watch({ enableHighAccuracy: true })")
        until(lambda: page.evaluate("seen.length") >= 1, "the watch's first position")
        geoclue.source.move(*BERLIN)
        until(lambda: any(at(p, BERLIN) for p in page.evaluate("seen")), "the watch hears the move")
        page.evaluate(f"navigator.geolocation.clearWatch({watch})")
        geoclue_state = app.host.stash[GEOLOCATION]
        until(lambda: not geoclue_state.diagnostics()["running"], "GeoClue's client stopped")
        heard = page.evaluate("seen.length")
        geoclue.source.move(*PARIS)
        # A fresh position proves the move reached the host; the cleared watch heard nothing.
        assert at(page_once(page)["position"], PARIS)
        assert page.evaluate("seen.length") == heard
        assert page.evaluate("errors") == []


def test_maximum_age_and_timeout_are_honoured(
    chromium_browser: Browser, app: ServedApp, geoclue: GeoClueBus
) -> None:
    geoclue.source.move(*PARIS)
    with app_page(chromium_browser, app) as page:
        page.evaluate(RECORD)
        assert at(page_once(page)["position"], PARIS)
        geoclue.source.move(*BERLIN)
        # A day old is fine: the last fix (Paris) comes back without asking GeoClue again.
        assert at(page_once(page, {"maximumAge": 86_400_000})["position"], PARIS)
        assert at(page_once(page, {"maximumAge": 0})["position"], BERLIN)
        # No fix can come within 0 ms (none cached is young enough): the web's TIMEOUT.
        answer = page_once(page, {"timeout": 0})
        assert answer["error"]["code"] == 3, answer
        assert answer["error"]["isError"] is True


def test_a_hostile_page_gets_typed_errors_and_cannot_touch_another_windows_watch(
    chromium_browser: Browser, app: ServedApp, geoclue: GeoClueBus
) -> None:
    with (
        app_page(chromium_browser, app) as first,
        app_page(chromium_browser, app, window=1) as other,
    ):
        first.evaluate(RECORD)
        watch = first.evaluate("watch()")
        until(lambda: first.evaluate("seen.length") >= 1, "window 0's watch")
        # Window 1 clears window 0's id: its own namespace, nothing happens to window 0's watch.
        reply = other.evaluate(
            f"""async () => (await import('oro:ipc')).request('geolocation.clearWatch',
                 {{ id: {watch} }}).then(() => 'ok', (e) => e.name)"""
        )
        assert reply == "ok"
        assert (0, watch) in app.host.stash[GEOLOCATION].watches
        before = first.evaluate("seen.length")
        geoclue.source.move(*BERLIN)
        until(lambda: first.evaluate("seen.length") > before, "window 0 still hears its watch")

        # Malformed options straight to the route: typed errors, never a 500.
        for params in ({"timeout": "soon"}, {"maximumAge": -1}, {"timeout": "NaN"}):
            error = other.evaluate(
                f"""async () => (await import('oro:ipc')).request(
                     'geolocation.getCurrentPosition', {json.dumps(params)})
                     .then(() => null, (e) => [e.name, e.code])"""
            )
            assert error == ["TypeError", "ERR_INVALID_ARG_TYPE"], (params, error)
        # Huge or odd options through navigator.geolocation are read as a browser reads them.
        answer = other.evaluate(
            """() => new Promise((resolve) => navigator.geolocation.getCurrentPosition(
                 (p) => resolve('position'), (e) => resolve(e.code),
                 { timeout: 1e300, maximumAge: 'x'.repeat(100000), enableHighAccuracy: {} }))"""
        )
        assert answer == "position"

        # Thousands of watches: bounded, a typed RangeError past the cap; the rest keep working.
        answers = other.evaluate(
            """async () => {
              const { request } = await import('oro:ipc')
              const out = []
              for (let id = 1; id <= 2000; id++) {
                out.push(await request('geolocation.watchPosition', { id })
                  .then(() => 'ok', (e) => e.code))
                if (out.at(-1) !== 'ok') break
              }
              return out
            }"""
        )
        assert answers[:-1] == ["ok"] * MAX_WATCHES_PER_WINDOW
        assert answers[-1] == "ERR_TOO_MANY_WATCHES"
        assert at(page_once(first)["position"], BERLIN)
    # Both pages closed: their watches died with them, and GeoClue's client with the last.
    state = app.host.stash[GEOLOCATION]
    until(lambda: not state.watches, "the closed pages' watches ended")
    until(lambda: not state.diagnostics()["running"], "GeoClue's client stopped")


WORKER = """() => new Promise((resolve) => {
  // A blob worker's relative URLs have no base: the page's origin is spelled out.
  const source = `
    const ask = (route) => fetch('${location.origin}/ipc/' + route).then((r) => r.json())
      .then((reply) => reply.err ? [reply.err.type, reply.err.code] : ['ok', reply.data])
    Promise.all([ask('geolocation.watchPosition?id=1'), ask('geolocation.getCurrentPosition'),
                 ask('geolocation.clearWatch?id=1')])
      .then(postMessage, (error) => postMessage(['failed', String(error)]))`
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })))
  worker.onmessage = (event) => resolve(event.data)
  worker.onerror = (event) => resolve(['worker error', event.message])
  setTimeout(() => resolve(['unanswered']), 60000)
})"""


def test_a_worker_cannot_watch_and_asks_the_broker_without_a_window(
    chromium_browser: Browser, app: ServedApp, geoclue: GeoClueBus
) -> None:
    """A Worker holds the session but no window credential: nothing to deliver a watch to, and
    no window to prompt over (this app's backend grants; with no grant it is denied)."""
    geoclue.source.move(*PARIS)
    with app_page(chromium_browser, app) as page:
        watched, located, cleared = page.evaluate(WORKER)
    assert watched == ["SecurityError", "ERR_NO_WINDOW"]
    assert located[0] == "ok", located
    assert at(located[1], PARIS), located
    assert cleared == ["ok", {}]
    assert not app.host.stash[GEOLOCATION].watches


@pytest.mark.parametrize(
    ("config", "plugins"),
    [({"permissions.allow_geolocation": False}, (Grant(),)), ({}, ())],
    ids=["config-denies", "nobody-grants"],
)
def test_permission_denied(
    chromium_browser: Browser,
    geoclue: GeoClueBus,
    config: dict[str, Any],
    plugins: tuple[object, ...],
) -> None:
    with (
        serve(geoclue.address, *plugins, **config) as denied,
        app_page(chromium_browser, denied) as page,
    ):
        page.evaluate(RECORD)
        answer = page_once(page)
        assert answer["error"]["code"] == 1, answer
        assert answer["error"]["isError"] is True
        page.evaluate("watch()")
        until(lambda: page.evaluate("errors"), "the watch's error")
        assert page.evaluate("errors")[0]["code"] == 1
        assert not denied.host.stash[GEOLOCATION].watches


def test_position_unavailable_without_geoclue(chromium_browser: Browser, tmp_path: Path) -> None:
    with (
        geoclue_bus(tmp_path / "bus", [DESKTOP_ID], geoclue=False) as bare,
        serve(bare.address, Grant()) as app,
        app_page(chromium_browser, app) as page,
    ):
        page.evaluate(RECORD)
        answer = page_once(page)
        assert answer["error"]["code"] == 2, answer
        assert "GeoClue" in answer["error"]["message"]
        assert "not on the system bus" in answer["error"]["message"]


async def _located(host: Host) -> list[dict[str, Any]]:
    client = MemoryClient(host)
    errors = []
    for _ in range(2):
        reply = await client.call("geolocation.getCurrentPosition")
        assert reply.error is not None
        errors.append(reply.error.to_dict())
    return errors


@pytest.mark.anyio
async def test_position_unavailable_without_a_system_bus(tmp_path: Path) -> None:
    """No bus at the address: each call says so (POSITION_UNAVAILABLE), the second as the first
    (the service that failed to connect keeps answering)."""
    environ = {"DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={tmp_path / 'no-bus'}"}
    async with make_host([oro_desktop.plugin, Grant()], environ=environ) as host:
        errors = await _located(host)
    for error in errors:
        assert (error["type"], error["code"]) == (
            "GeolocationPositionError",
            "POSITION_UNAVAILABLE",
        )
        assert error["positionErrorCode"] == 2
        assert "cannot connect to the system bus" in error["message"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@given(timeout=JSON_VALUES, maximum_age=JSON_VALUES, high=JSON_VALUES)
def test_any_options_are_read_or_a_typed_error(timeout: Any, maximum_age: Any, high: Any) -> None:
    """Whatever a page sends as PositionOptions: milliseconds within WebIDL's unsigned long (or
    none), or an InvalidArgumentError; never another exception."""
    params = {"timeout": timeout, "maximumAge": maximum_age, "enableHighAccuracy": high}
    request = Request("geolocation.getCurrentPosition", host=cast(Host, None), params=params)
    try:
        read = options(request)
    except InvalidArgumentError:
        return  # a TypeError to the page (ERR_INVALID_ARG_TYPE)
    assert read.timeout_ms is None or 0 <= read.timeout_ms <= MAX_MILLISECONDS
    assert 0 <= read.maximum_age_ms <= MAX_MILLISECONDS
    assert isinstance(read.high_accuracy, bool)


def test_a_watch_hears_when_geoclue_goes_away(chromium_browser: Browser, tmp_path: Path) -> None:
    """GeoClue crashing or restarting ends its clients: a watching page gets
    POSITION_UNAVAILABLE instead of waiting forever, and the next call says GeoClue is gone."""
    with (
        geoclue_bus(tmp_path / "bus", [DESKTOP_ID]) as bus,
        serve(bus.address, Grant()) as app,
        app_page(chromium_browser, app) as page,
    ):
        page.evaluate(RECORD)
        page.evaluate("watch()")
        until(lambda: page.evaluate("seen.length"), "the watch's first position")
        assert bus.service is not None
        bus.service.kill()
        [error] = until(lambda: page.evaluate("errors"), "the watch's error")
        assert error["code"] == 2, error
        assert "GeoClue left the system bus" in error["message"]
        assert not app.host.stash[GEOLOCATION].watches
        answer = page_once(page)
        assert answer["error"]["code"] == 2, answer
        assert "not on the system bus" in answer["error"]["message"]
