"""``navigator.permissions`` in an app's page answers what the host's permission broker says,
the same on every engine: ``query`` gives the state, ``request`` asks, and a ``PermissionStatus``
fires ``change`` when the broker's decision changes (Oro's ``permissionchange``).

A real ``oro run --headless`` serves an app whose ``backend.py`` decides through
``oro_permission_request`` (its command ``allow`` turns the grant on), and a real headless
Chromium runs the page. Headless there is no window to prompt in: what nobody decides is
denied when asked, and stays ``prompt`` for the next ask.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

BACKEND: Final = """
from oro_framework import hookimpl
from oro_framework.backend import command

ALLOWED: set[str] = set()


@command
def allow(name: str) -> list[str]:
    ALLOWED.add(name)
    return sorted(ALLOWED)


@hookimpl
def oro_permission_request(host, request):
    return True if set(request.kinds) <= ALLOWED else None
"""

CONFIG: Final = """
[meta]
name = "Permissions Page"
bundle_identifier = "com.example.permissions-page"

[permissions]
allow_microphone = false
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OroProcess]:
    root = tmp_path_factory.mktemp("permissions-page")
    folder = root / "app"
    folder.mkdir()
    (folder / "oro.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "backend.py").write_text(BACKEND, encoding="utf-8")
    (folder / "index.html").write_text("<!doctype html><title>permissions</title>", "utf-8")
    environ = headless_environ({"XDG_DATA_HOME": str(root / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(folder), environ=environ) as oro:
        yield oro


@pytest.fixture(scope="module")
def page(app: OroProcess, chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    opened = context.new_page()
    opened.goto(app.launch_url())
    opened.wait_for_function("globalThis.isOroRuntime === true")
    opened.evaluate("import('oro:bootstrap').then((bootstrap) => bootstrap.ready)")
    yield opened
    context.close()


def _run(page: Page, script: str) -> Any:
    return page.evaluate(f"(async () => {{ {script} }})()")


def test_query_and_request_answer_the_brokers_state(page: Page) -> None:
    states = _run(
        page,
        """
        const camera = await navigator.permissions.query({ name: 'camera' })
        const asked = await navigator.permissions.request({ name: 'camera' })
        const again = await navigator.permissions.query({ name: 'camera' })
        const microphone = await navigator.permissions.query({ name: 'microphone' })
        return [String(camera), camera.state, asked.state, again.state, microphone.state]
        """,
    )

    # Nobody decides and there is no window to ask in: denied when asked, prompt again after;
    # the config's allow_microphone = false denies outright.
    assert states == ["[object PermissionStatus]", "prompt", "denied", "prompt", "denied"]


def test_a_status_hears_the_brokers_change(page: Page) -> None:
    changes = _run(
        page,
        """
        const { call } = await import('oro:backend')
        const status = await navigator.permissions.query({ name: 'geolocation' })
        const seen = []
        status.onchange = () => seen.push(status.state)
        const heard = new Promise((resolve) => status.addEventListener('change', resolve))
        await call('allow', { name: 'geolocation' })
        const asked = await navigator.permissions.request({ name: 'geolocation' })
        await heard
        return [asked.state, seen]
        """,
    )

    assert changes == ["granted", ["granted"]]


def test_bad_descriptors_are_the_platforms_type_errors(page: Page) -> None:
    errors = _run(
        page,
        """
        const out = []
        for (const args of [[], [null], ['camera'], [{}]]) {
          try { await navigator.permissions.query(...args); out.push('resolved') }
          catch (error) { out.push(error.name) }
        }
        return out
        """,
    )

    assert errors == ["TypeError", "TypeError", "TypeError", "TypeError"]


def test_other_names_are_the_engines_own(page: Page) -> None:
    state = _run(
        page, "return (await navigator.permissions.query({ name: 'clipboard-read' })).state"
    )

    assert state in ("granted", "denied", "prompt")
