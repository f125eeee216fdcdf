"""``oro:window/hotkey`` (Oro's ``socket:window/hotkey``) in real headless Chromium pages against
the real bridge: a binding made in a page fires on real key presses (Playwright's keyboard),
with exactly its modifiers; ``passive: false`` cancels the key press; bindings are the app's, so
another page of the app learns them and fires them too, and the page that holds the ``Binding``
hears a press made in the other; a global hotkey is a ``NotSupportedError``; the routes' errors
are typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.application
from oro_framework.testing import ServedApp, app_page, served_app

SETUP = """async () => {
  const hotkey = await import('oro:window/hotkey')
  const windows = await import('oro:window')
  const events = await import('oro:internal/events')
  globalThis.hk = { hotkey, windows, events }
  globalThis.heard = []
  globalThis.keys = []
  globalThis.addEventListener('hotkey', (event) => heard.push({
    on: 'global', isHotKeyEvent: event instanceof events.HotKeyEvent,
    id: event.id, expression: event.expression, sequence: event.sequence
  }))
  hotkey.default.addEventListener('hotkey', (event) => heard.push({
    on: 'bindings', id: event.id, binding: event.binding?.id ?? null
  }))
  // The page's own handler, after the capture listener: did the key press reach it, cancelled?
  globalThis.addEventListener('keydown', (event) => keys.push({
    key: event.key, ctrl: event.ctrlKey, shift: event.shiftKey, prevented: event.defaultPrevented
  }))
}"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.application]) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as opened:
        opened.evaluate(SETUP)
        yield opened
        # Bindings are the app's: leave none behind for the next test.
        opened.evaluate("async () => { await hk.hotkey.default.reset() }")


def run(page: Page, script: str) -> Any:
    return page.evaluate(f"async () => {{ {script} }}")


def heard_on(page: Page, on: str) -> list[dict[str, Any]]:
    heard: list[dict[str, Any]] = page.evaluate("heard")
    return [item for item in heard if item["on"] == on]


def test_a_binding_fires_on_its_key_press_with_exactly_its_modifiers(page: Page) -> None:
    binding = run(
        page,
        """
        const binding = await hk.hotkey.bind('ctrl + k')
        globalThis.onBinding = []
        binding.addEventListener('hotkey', (event) => onBinding.push(event.data.id))
        const list = await hk.hotkey.getBindings()
        return { id: binding.id, expression: binding.expression, sequence: [...binding.sequence],
                 valid: binding.isValid, active: binding.isActive, hash: typeof binding.hash,
                 listed: list.map((b) => b.id), same: list[0] === binding,
                 held: hk.hotkey.default.get(binding.id) === binding }
        """,
    )
    assert binding["id"] >= 1024
    assert binding["expression"] == "ctrl + k"
    assert binding["sequence"] == ["control", "k"]
    assert (binding["valid"], binding["active"], binding["hash"]) == (True, True, "number")
    assert binding["listed"] == [binding["id"]]
    assert binding["same"] is True
    assert binding["held"] is True

    page.keyboard.press("Control+KeyK")
    page.wait_for_function("heard.length >= 2")
    assert heard_on(page, "global") == [
        {
            "on": "global",
            "isHotKeyEvent": True,
            "id": binding["id"],
            "expression": "ctrl + k",
            "sequence": ["control", "k"],
        }
    ]
    assert heard_on(page, "bindings") == [
        {"on": "bindings", "id": binding["id"], "binding": binding["id"]}
    ]
    assert page.evaluate("onBinding") == [binding["id"]]
    # Passive (Oro's default): the page's own handler gets the key press, not cancelled.
    assert page.evaluate("keys") == [
        {"key": "Control", "ctrl": True, "shift": False, "prevented": False},
        {"key": "k", "ctrl": True, "shift": False, "prevented": False},
    ]

    # Other modifiers, or none, are another combination.
    page.keyboard.press("Control+Shift+KeyK")
    page.keyboard.press("KeyK")
    page.keyboard.press("Alt+KeyK")
    page.keyboard.press("Control+KeyJ")
    page.keyboard.press("Control+KeyK")
    page.wait_for_function("heard.filter((item) => item.on === 'global').length >= 2")
    assert len(heard_on(page, "global")) == 2


def test_written_otherwise_it_is_the_same_binding_and_unbind_removes_it(page: Page) -> None:
    result = run(
        page,
        """
        const a = await hk.hotkey.bind('ctrl+k')
        const b = await hk.hotkey.bind('K + Control')
        const unbound = []
        a.addEventListener('unbind', () => unbound.push(a.id))
        const before = (await hk.hotkey.getBindings()).length
        await a.unbind()
        const after = (await hk.hotkey.getBindings()).length
        let again = null
        try { await hk.hotkey.unbind(a.id) } catch (error) { again = [error.name, error.code] }
        return { same: a === b, before, after, unbound, again, active: a.isActive }
        """,
    )
    assert result == {
        "same": True,
        "before": 1,
        "after": 0,
        "unbound": [result["unbound"][0]],
        "again": ["NotFoundError", "NOT_FOUND_ERR"],
        "active": False,
    }
    page.keyboard.press("Control+KeyK")
    page.keyboard.press("Shift+KeyA")  # a key press the page sees, to know the first one was seen
    page.wait_for_function("keys.some((k) => k.key === 'A')")
    assert heard_on(page, "global") == []


def test_a_binding_that_is_not_passive_cancels_the_key_press(page: Page) -> None:
    run(page, "await hk.hotkey.bind('ctrl+shift+p', { passive: false })")
    page.keyboard.press("Control+Shift+KeyP")
    page.wait_for_function("keys.some((k) => k.key === 'P')")
    assert heard_on(page, "global")[0]["expression"] == "ctrl+shift+p"
    assert [k for k in page.evaluate("keys") if k["key"] == "P"] == [
        {"key": "P", "ctrl": True, "shift": True, "prevented": True}
    ]


def test_the_bindings_are_the_apps_another_page_learns_and_fires_them(
    page: Page, app: ServedApp
) -> None:
    run(
        page,
        """
        const binding = await hk.hotkey.bind('alt + 1')
        globalThis.onBinding = []
        binding.addEventListener('hotkey', (event) => onBinding.push(event.data.expression))
        """,
    )
    other = page.context.new_page()
    try:
        other.add_init_script(
            "globalThis.addEventListener('runtimeinit',"
            " () => { globalThis.__oroInitialised = true }, { once: true })"
        )
        other.goto(app.server.origin + "/")
        other.wait_for_function("() => globalThis.__oroInitialised === true", timeout=15_000)
        other.evaluate(SETUP)
        # Known at load (__args.hotkeys), then from the host's hotkeybindings event.
        assert other.evaluate("__args.hotkeys.map((b) => b.expression)") == ["alt + 1"]
        other.evaluate(
            "globalThis.learned = []; globalThis.addEventListener('hotkeybindings',"
            " (event) => learned.push(event.detail.bindings.map((b) => b.expression)))"
        )
        run(page, "await hk.hotkey.bind('alt + 2')")
        # The host's event reaches the other page after the bind resolves in this one: a key
        # pressed before it arrives is not yet the app's hotkey there (a person is slower).
        other.wait_for_function("learned.some((list) => list.includes('alt + 2'))")
        other.keyboard.press("Alt+Digit2")
        other.keyboard.press("Alt+Digit1")
        other.wait_for_function("heard.filter((item) => item.on === 'global').length >= 2")
        assert [item["expression"] for item in heard_on(other, "global")] == ["alt + 2", "alt + 1"]
        # The page that holds the Binding hears the press made in the other page.
        page.wait_for_function("onBinding.length >= 1")
        assert page.evaluate("onBinding") == ["alt + 1"]
        assert heard_on(page, "global") == []
    finally:
        other.close()


def test_a_global_hotkey_and_a_bad_expression_are_typed_errors(page: Page) -> None:
    result = run(
        page,
        """
        const failure = (promise) => promise.then(() => null, (e) => [e.name, e.code])
        return {
          global: await failure(hk.hotkey.bind('ctrl+g', { global: true })),
          noModifier: await failure(hk.hotkey.bind('k')),
          twoKeys: await failure(hk.hotkey.bind('ctrl+k+j')),
          unknown: await failure(hk.hotkey.bind('ctrl+nokey')),
          notAString: await failure(hk.hotkey.bind({})),
          bound: (await hk.hotkey.getBindings()).length,
          mappings: await hk.hotkey.getMappings(),
          normalized: hk.hotkey.normalizeExpression(' ctrl +  k ')
        }
        """,
    )
    assert result["global"] == ["NotSupportedError", "ERR_GLOBAL_HOTKEY"]
    assert result["noModifier"] == ["TypeError", "ERR_INVALID_ARG_VALUE"]
    assert result["twoKeys"] == ["TypeError", "ERR_INVALID_ARG_VALUE"]
    assert result["unknown"] == ["TypeError", "ERR_INVALID_ARG_VALUE"]
    assert result["notAString"][0] == "TypeError"
    assert result["bound"] == 0
    assert result["mappings"]["modifiers"]["ctrl"] == "ctrlKey"
    assert result["mappings"]["keys"]["k"] == "KeyK"
    assert result["mappings"]["keys"]["page up"] == "PageUp"
    assert result["normalized"] == "ctrl%2Bk"


def test_oro_window_exports_the_bindings_as_hotkey(page: Page) -> None:
    assert run(
        page,
        "return hk.windows.hotkey === hk.hotkey.default &&"
        " hk.windows.default.hotkey === hk.hotkey.default &&"
        " hk.hotkey.bindings === hk.hotkey.default",
    )


def test_without_permission_hotkeys_the_routes_are_refused(chromium_browser: Browser) -> None:
    with (
        served_app(
            [oro_framework.core.application], config={"permissions.allow_hotkeys": False}
        ) as app,
        app_page(chromium_browser, app) as page,
    ):
        result = page.evaluate(
            """async () => {
              const hotkey = await import('oro:window/hotkey')
              const failure = await hotkey.bind('ctrl+k').then(() => null, (e) => e.name)
              return { failure, known: __args.hotkeys }
            }"""
        )
    assert result == {"failure": "NotAllowedError", "known": []}
