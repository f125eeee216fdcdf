"""``oro:extension`` (and Oro's ``socket:extension``) in a real Chromium page: a page loads one
of the app's extensions, calls its routes through ``ipc`` and its binding, unloads it and its
routes are gone; errors arrive typed; the permission is off unless the app turns it on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _extension_site import ECHO, ECHO_SUMMARY, ECHO_VERSION, install_test_extensions
from playwright.sync_api import Browser

import oro_framework.core.extension
from oro_framework import PLUGIN_API_VERSION
from oro_framework.testing import ServedApp, app_page, served_app

PLUGINS = [oro_framework.core.extension]

CYCLE = """async () => {
  const { default: extension, Extension } = await import('oro:extension')
  const { request } = await import('oro:ipc')
  const before = await extension.stats()
  const echo = await extension.load('echo-ext', { binding: { name: 'echo' } }) // routes echo.*
  const info = { name: echo.name, abi: echo.abi, version: echo.version,
    description: echo.description, type: echo.type, loaded: echo.loaded }
  const said = await request('echo.say', { value: 'page' })
  const bound = await echo.binding.say({ value: 'binding' })
  const during = await extension.stats()
  let unloaded = false
  echo.addEventListener('unload', () => { unloaded = true })
  const unload = await echo.unload()
  let after = null
  try {
    await request('echo.say', { value: 'gone' })
  } catch (error) {
    after = error.name
  }
  return {
    isExtension: echo instanceof Extension,
    info,
    loadedAfter: echo.loaded,
    before, during, said, bound: { err: bound.err, data: bound.data }, unload, unloaded, after
  }
}"""

ERRORS = """async () => {
  const extension = await import('socket:extension')
  const caught = async (promise) => {
    try {
      await promise
      return null
    } catch (error) {
      return { name: error.name, code: error.code, message: error.message }
    }
  }
  return {
    unknown: await caught(extension.load('echo-extt')),
    wasm: await caught(extension.load('echo-ext', { type: 'wasm32' })),
    type: await extension.Extension.type('echo-ext')
  }
}"""

# Oro's test/src/extensions/feature-policies.js, through Oro's default `ipc` object, whose
# `request` answers a `Result` (api/ipc.js:1485) and never rejects.
POLICIES = """async () => {
  const { default: extension } = await import('socket:extension')
  const { default: ipc } = await import('socket:ipc')
  const call = async () => {
    const result = await ipc.request('echo.say', { value: 'policy' })
    return { data: result.data, err: result.err && [result.err.name, result.err.message],
      isResult: result instanceof ipc.Result }
  }
  const answers = []
  for (const options of [{}, { allow: ['none'] }, { allow: ['context', 'ipc'] }]) {
    const echo = await extension.load('echo-ext', { ...options, binding: { name: 'echo' } })
    answers.push(await call())
    await echo.unload()
  }
  return answers
}"""

REFUSED = """async () => {
  const extension = await import('oro:extension')
  try { await extension.load('echo-ext'); return null } catch (error) { return error.name }
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_test_extensions(tmp_path_factory.mktemp("site"))


@pytest.fixture
def app(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedApp]:
    monkeypatch.syspath_prepend(str(site))
    config = {"extensions.allow": [ECHO], "permissions.allow_extension": True}
    with served_app(PLUGINS, config=config) as served:
        yield served


def test_a_page_loads_an_extension_calls_it_and_unloads_it(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with app_page(chromium_browser, app) as page:
        result = page.evaluate(CYCLE)

    assert result == {
        "isExtension": True,
        "info": {
            "name": ECHO,
            "abi": PLUGIN_API_VERSION,
            "version": ECHO_VERSION,
            "description": ECHO_SUMMARY,
            "type": "shared",
            "loaded": True,
        },
        "before": {"abi": PLUGIN_API_VERSION, "loaded": 0, "extensions": []},
        "during": {"abi": PLUGIN_API_VERSION, "loaded": 1, "extensions": [ECHO]},
        "said": "hello page",
        "bound": {"err": None, "data": "hello binding"},
        "unload": True,
        "unloaded": True,
        "loadedAfter": False,
        "after": "NotFoundError",
    }
    assert app.host.extensions.loaded == []


def test_errors_reach_the_page_typed(chromium_browser: Browser, app: ServedApp) -> None:
    with app_page(chromium_browser, app) as page:
        result = page.evaluate(ERRORS)

    assert result["unknown"]["name"] == "NotFoundError"
    assert result["unknown"]["code"] == "ERR_EXTENSION_NOT_FOUND"
    assert f"did you mean '{ECHO}'?" in result["unknown"]["message"]
    assert result["wasm"]["name"] == "NotSupportedError"
    assert result["type"] == "shared"
    assert app.host.extensions.loaded == []


def test_feature_policies_decide_the_routes_oros_ipc_request_answers(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with app_page(chromium_browser, app) as page:
        answers = page.evaluate(POLICIES)

    mapped = {"data": "hello policy", "err": None, "isResult": True}
    refused = {"data": None, "err": ["NotFoundError", "Not found"], "isResult": True}
    assert answers == [mapped, refused, mapped]
    assert app.host.extensions.loaded == []


def test_without_the_permission_a_page_loads_nothing(
    chromium_browser: Browser, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(site))
    with (
        served_app(PLUGINS, config={"extensions.allow": [ECHO]}) as app,
        app_page(chromium_browser, app) as page,
    ):
        assert page.evaluate(REFUSED) == "NotAllowedError"
        assert app.host.extensions.loaded == []
