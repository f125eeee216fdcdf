"""``navigator.geolocation`` in a real window under Xvfb on both engines (QtWebEngine and
WebKitGTK): the app's backend grants the location (``oro_permission_request``), the page gets
GeoClue's fix from a private system bus (``_geoclue``), a watch hears the device move, and
``clearWatch`` stops it; the same answers on both engines, since both are the host's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _desktop_app import Desktop, recorder_page, run_app, write_app
from _geoclue import GeoClueBus, geoclue_bus, missing

from oro_framework.testing import until

NAME = "geolocation window"
DESKTOP_ID = "dev.oro.test.geolocation-window"

BACKEND = '''
from oro_framework import hookimpl


@hookimpl
def oro_permission_request(host, request):
    """This app needs the location: granted without a prompt."""
    return True if request.kinds == ("geolocation",) else None
'''

PAGE = recorder_page(
    [],
    script="""
globalThis.results = {}
globalThis.seen = []
globalThis.errors = []
globalThis.locate = (name) => navigator.geolocation.getCurrentPosition(
  (p) => { results[name] = { position: p.toJSON(), isPosition: p instanceof GeolocationPosition } },
  (e) => { results[name] = { error: e.code, message: e.message } })
globalThis.watch = () => navigator.geolocation.watchPosition(
  (p) => seen.push(p.toJSON()), (e) => errors.push(e.code))
""",
)


@pytest.fixture(scope="module")
def geoclue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeoClueBus]:
    lacking = missing()
    if lacking:
        pytest.fail(f"missing {', '.join(lacking)}: scripts/test installs geoclue-2.0")
    with geoclue_bus(tmp_path_factory.mktemp("geoclue"), [DESKTOP_ID]) as bus:
        yield bus


def near(position: dict[str, Any], latitude: float, longitude: float) -> bool:
    coords = position["coords"]
    return bool(abs(coords["latitude"] - latitude) < 1e-4) and bool(
        abs(coords["longitude"] - longitude) < 1e-4
    )


def test_a_window_gets_geoclues_position_and_watches_it(
    screen: Desktop, engine: str, geoclue: GeoClueBus, tmp_path: Path
) -> None:
    geoclue.source.move(48.8566, 2.3522)
    app_dir = write_app(tmp_path / "app", PAGE, name=NAME, files={"backend.py": BACKEND.encode()})
    with run_app(screen, app_dir, engine=engine, DBUS_SYSTEM_BUS_ADDRESS=geoclue.address) as app:
        app.eval("locate('first')")
        first = until(lambda: app.eval("results.first ?? null"), "the page's position")
        assert first["isPosition"] is True, first
        assert near(first["position"], 48.8566, 2.3522), first

        watch = app.eval("watch()")
        until(lambda: app.eval("seen.length"), "the watch's first position")
        geoclue.source.move(52.52, 13.405)
        until(lambda: any(near(p, 52.52, 13.405) for p in app.eval("seen")), "the watch hears it")
        app.eval(f"navigator.geolocation.clearWatch({watch})")
        heard = app.eval("seen.length")
        geoclue.source.move(48.8566, 2.3522)
        app.eval("locate('second')")
        second = until(lambda: app.eval("results.second ?? null"), "a second position")
        assert near(second["position"], 48.8566, 2.3522), second
        assert app.eval("seen.length") == heard
        assert app.eval("errors") == []
