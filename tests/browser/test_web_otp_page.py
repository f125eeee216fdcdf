"""Web OTP in an app's page (``navigator.credentials.get({ otp })``) rejects with
``NotSupportedError`` at once, as the Oro Runtime answers on desktop (a desktop receives no
SMS), in headless Chromium and in a WebKitGTK page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import oro_framework.core.ping
from oro_framework.testing import ServedApp, app_page, served_app

ASK = """async () => {
  await import('oro:bootstrap').then((bootstrap) => bootstrap.whenReady())
  const outcome = async (options) => {
    try {
      await navigator.credentials.get(options)
      return 'resolved'
    } catch (error) {
      return error.name
    }
  }
  return {
    otp: await outcome({ otp: { transport: ['sms'] } }),
    abortable: await outcome({ otp: { transport: ['sms'] }, signal: new AbortController().signal }),
    domException: await navigator.credentials.get({ otp: {} })
      .catch((error) => error instanceof DOMException),
  }
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("otp")
    (app_dir / "index.html").write_text("<!doctype html><title>otp</title>")
    with served_app([oro_framework.core.ping], app_dir=app_dir) as served:
        yield served


@pytest.mark.parametrize("engine", ["chromium_browser", "webkit_browser"])
def test_web_otp_rejects_with_not_supported_error(
    request: pytest.FixtureRequest, app: ServedApp, engine: str
) -> None:
    browser = request.getfixturevalue(engine)
    with app_page(browser, app) as page:
        result: dict[str, Any] = page.evaluate(ASK)

    assert result["otp"] == "NotSupportedError"
    assert result["abortable"] == "NotSupportedError"
    assert result["domException"] is True
