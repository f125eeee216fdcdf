"""oro:secure-storage in real headless Chromium and WebKitGTK, over the real bridge, against a
real keyring: text and bytes round trips, scopes, errors with their name and code, and the secret
reaching no URL the page requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _keyring import Keyring, gnome_keyring
from oro_secure_storage import plugin
from playwright.sync_api import Browser, Page, Request

from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

APP = "com.example.browser"


@pytest.fixture(scope="module")
def module_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keyring]:
    with gnome_keyring(tmp_path_factory.mktemp("keyring")) as running:
        yield running


@pytest.fixture(scope="module")
def app(module_keyring: Keyring) -> Iterator[ServedApp]:
    config = {"meta.bundle_identifier": APP, "secure_storage.max_value_bytes": 1024}
    with served_app([plugin], config=config, environ=module_keyring.environ) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    """A page on each engine (the suite is short)."""
    with app_page(browser, app) as page:
        yield page


def run(page: Page, body: str) -> Any:
    """Run ``body`` in the page with ``storage``, the module's default export, in scope."""
    return page.evaluate(
        f"async () => {{ const storage = (await import('oro:secure-storage')).default; {body} }}"
    )


def test_text_round_trip_and_keys(page: Page) -> None:
    result = run(
        page,
        """
        await storage.clear()
        await storage.set('token', 'sk-✓-123')
        await storage.set('null', 'true')
        return [await storage.get('token'), await storage.get('null'), await storage.keys(),
                await storage.get('absent')]
        """,
    )
    assert result == ["sk-✓-123", "true", ["null", "token"], None]


def test_bytes_are_kept_as_bytes(page: Page) -> None:
    result = run(
        page,
        """
        await storage.set('raw', new Uint8Array([0, 1, 2, 253, 254, 255]))
        const text = await storage.get('raw', { encoding: 'base64' })
        let error = null
        try { await storage.get('raw') } catch (e) { error = [e.name, e.code] }
        return [text, error]
        """,
    )
    assert result == ["AAEC/f7/", ["TypeError", "ERR_ENCODING_INVALID_ENCODED_DATA"]]


def test_oros_item_functions_and_encodings(page: Page) -> None:
    """Oro's names (api/secure-storage.d.ts): setItem/getItem/removeItem, answering nothing from
    setItem and removeItem, with the encodings utf8, base64, hex and buffer."""
    result = run(
        page,
        """
        const { setItem, getItem, removeItem } = await import('oro:secure-storage')
        const scope = { scope: 'oro' }
        const answers = [await setItem('text', 'héllo', scope),
                         await setItem('hex', '00ff10', { ...scope, encoding: 'hex' })]
        const bytes = await getItem('hex', { ...scope, encoding: 'buffer' })
        const read = [await getItem('text', scope),
                      await getItem('hex', { ...scope, encoding: 'hex' }),
                      await getItem('hex', { ...scope, encoding: 'base64' }),
                      bytes instanceof Uint8Array, [...bytes],
                      await getItem('absent', { encoding: 'hex' })]
        let error = null
        try { await setItem('bad', 'abc', { encoding: 'hex' }) } catch (e) { error = e.name }
        answers.push(await removeItem('text', scope))
        return [answers, read, error, await storage.keys(scope)]
        """,
    )
    assert result == [
        [None, None, None],
        ["héllo", "00ff10", "AP8Q", True, [0, 255, 16], None],
        "TypeError",
        ["hex"],
    ]


def test_scopes_remove_and_clear(page: Page) -> None:
    result = run(
        page,
        """
        const work = { scope: 'work' }
        const home = { scope: 'home' }
        await storage.set('k', 'work', work)
        await storage.set('k', 'home', home)
        const got = [await storage.get('k', work), await storage.get('k', home)]
        const removed = [await storage.remove('k', work), await storage.remove('k', work)]
        const cleared = await storage.clear(home)
        return [got, removed, cleared, await storage.keys(home)]
        """,
    )
    assert result == [["work", "home"], [True, False], 1, []]


def test_errors_arrive_with_their_name_and_code(page: Page) -> None:
    result = run(
        page,
        """
        const errors = []
        for (const call of [() => storage.set('big', 'x'.repeat(1025)), () => storage.get(''),
                            () => storage.set('k', 'v', { encoding: 'hex' })]) {
          try { await call() } catch (e) { errors.push([e.name, e.code]) }
        }
        return errors
        """,
    )
    assert result == [
        ["RangeError", "ERR_OUT_OF_RANGE"],
        ["TypeError", "ERR_INVALID_ARG_VALUE"],
        ["TypeError", "ERR_INVALID_ARG_VALUE"],
    ]


def test_the_secret_is_in_no_url_the_page_requests(
    chromium_browser: Browser, app: ServedApp
) -> None:
    # Chromium only: the WebKit driver does not show a page's requests. What the page sends is
    # the same js-api on both.
    urls: list[str] = []

    def record(request: Request) -> None:
        urls.append(request.url)

    with app_page(chromium_browser, app) as page:
        page.on("request", record)
        _set_and_get(page)
    assert any("secureStorage.set" in url for url in urls)
    assert not [url for url in urls if "no-url-s3cret" in url or "url-check" in url]


def _set_and_get(page: Page) -> None:
    assert run(page, "await storage.set('url-check', 'no-url-s3cret'); return 1") == 1
    assert run(page, "return await storage.get('url-check')") == "no-url-s3cret"


def test_no_secret_service_is_a_not_supported_error(browser: Browser | WebKitBrowser) -> None:
    with served_app([plugin], environ={}) as served, app_page(browser, served) as page:
        result = run(page, "try { await storage.keys() } catch (e) { return [e.name, e.code] }")
    assert result == ["NotSupportedError", "ERR_NO_SECRET_SERVICE"]
