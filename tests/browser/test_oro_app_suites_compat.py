"""What Oro's own ``application``, ``hooks`` and ``router-resolution`` suites rely on, in real
headless Chromium pages of the real host (issue 44): ``oro:hooks``' default export is the
page's ``Hooks`` and its flags start false and turn true as the page loads; ``oro:url``'s
default export is the ``URL`` constructor with Node's functions; a directory without its slash
answers Oro's meta-refresh page; ``oro:application`` and ``oro:window`` check their arguments
with Oro's messages, take Oro's ``"N%"`` lengths headless from the page's screen, answer Oro's
status numbers, and the window's title follows ``document.title`` both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, served_app
from oro_framework.testing.process import OroProcess, headless_environ

# A module in the head runs while the page is still loading: the flags as they start.
HOOKS_PAGE = """<!doctype html>
<html>
<head><title>hooks</title>
<script type="module">
import hooks, { Hooks, getHooks } from 'oro:hooks'
globalThis.atImport = {
  readyState: document.readyState,
  flags: [hooks.isDocumentReady, hooks.isGlobalReady, hooks.isReady],
  isInstance: hooks instanceof Hooks && hooks === getHooks(),
}
globalThis.hooks = hooks
</script>
</head>
<body><p>hooks</p></body>
</html>
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    root = tmp_path_factory.mktemp("suites")
    (root / "index.html").write_text(HOOKS_PAGE)
    (root / "docs").mkdir()
    (root / "docs" / "index.html").write_text("<p>docs index</p>")
    (root / "docs.html").write_text("<p>docs.html</p>")
    (root / "about.html").write_text("<p>about</p>")
    with served_app(app_dir=root) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        page.wait_for_function("() => document.readyState === 'complete'")
        yield page


def in_page(page: Page, body: str) -> Any:
    return page.evaluate(f"async () => {{ {body} }}")


def test_hooks_default_export_is_the_pages_hooks_whose_flags_turn_true(page: Page) -> None:
    result = in_page(
        page,
        """
        const { hooks } = globalThis
        return { atImport, after: [hooks.isDocumentReady, hooks.isGlobalReady,
          hooks.isRuntimeReady, hooks.isReady, hooks.isWindowContext, hooks.isWorkerContext,
          hooks.global === globalThis, hooks.document === document,
          typeof hooks.isOnline] }
        """,
    )

    assert result["atImport"]["readyState"] != "complete"
    assert result["atImport"]["flags"] == [False, False, False]
    assert result["atImport"]["isInstance"] is True
    assert result["after"] == [True, True, True, True, True, False, True, True, "boolean"]


def test_hooks_on_error_hears_errors_rejections_and_messageerror(page: Page) -> None:
    result = in_page(
        page,
        """
        const { ErrorEvent } = await import('oro:events')
        const heard = []
        let allHeard
        const three = new Promise((resolve) => { allHeard = resolve })
        const stop = hooks.onError((event) => {
          heard.push(event.type)
          if (heard.length === 3) allHeard()
        })
        // Kept from reaching the page's own error reporting once heard.
        const quiet = (event) => event.preventDefault()
        globalThis.addEventListener('error', quiet)
        globalThis.addEventListener('unhandledrejection', quiet)
        queueMicrotask(() => { throw new Error('on purpose') })
        setTimeout(() => Promise.reject(new Error('rejected on purpose')))
        globalThis.dispatchEvent(new ErrorEvent('messageerror', { error: new Error('ouch') }))
        await three
        stop()
        globalThis.removeEventListener('error', quiet)
        globalThis.removeEventListener('unhandledrejection', quiet)
        return heard.sort()
        """,
    )

    assert result == ["error", "messageerror", "unhandledrejection"]


def test_url_default_export_is_the_url_constructor_with_nodes_functions(page: Page) -> None:
    result = in_page(
        page,
        """
        const { default: URL, parse, resolve } = await import('oro:url')
        const made = new URL('c.html', 'http://a.test/b/')
        return {
          made: [made instanceof globalThis.URL, made.href],
          reverse: new globalThis.URL('http://a.test/') instanceof URL,
          resolve: URL.resolve('http://a.test/dir/file.js', 'dir2'),
          same: [URL.resolve === resolve, URL.parse === parse, URL.URL === globalThis.URL],
          query: URL.parse('http://a.test/x?y=1', true).query.y,
          canParse: URL.canParse('http://a.test'),
          withoutNew: (() => {
            try { URL('http://a.test'); return 'made' } catch (error) { return error.name }
          })(),
        }
        """,
    )

    assert result == {
        "made": [True, "http://a.test/b/c.html"],
        "reverse": True,
        "resolve": "http://a.test/dir/dir2",
        "same": [True, True, True],
        "query": "1",
        "canParse": True,
        "withoutNew": "TypeError",
    }


def test_the_router_resolves_paths_as_oros_scheme_handler(page: Page) -> None:
    """A directory named without its slash answers a page that refreshes to it (even where a
    file of the same name with .html exists: the directory wins), read as a fetch with
    `redirect: 'manual'`; a name without extension serves its .html file; a navigation lands on
    the directory's index."""
    result = in_page(
        page,
        """
        const read = async (path) => {
          const response = await fetch(path, { redirect: 'manual' })
          return [response.ok, response.status, (await response.text()).trim()]
        }
        return {
          directory: await read('/docs'),
          about: await read('/about'),
          missing: (await fetch('/nothing-here')).status,
        }
        """,
    )
    page.goto(page.url.split("?", 1)[0].rsplit("/", 1)[0] + "/docs")
    page.wait_for_function("() => document.body?.textContent?.includes('docs index')")

    assert result["directory"] == [
        True,
        200,
        '<meta http-equiv="refresh" content="0; url=\'/docs/\'" />',
    ]
    assert result["about"][:2] == [True, 200]
    assert result["about"][2].endswith("<p>about</p>")
    assert result["missing"] == 404
    assert page.url.split("?", 1)[0].endswith("/docs/")


def test_wait_for_text_across_tags_answers_the_innermost_holder(page: Page) -> None:
    """Oro's test/src/test/dom-helpers.js: `t.waitForText(document.body, { text, multipleTags
    })` answers the element whose letters spell it, not the body holding it; `t.waitFor`
    answers the element; `t.elementVisible` judges the element when called."""
    result = in_page(
        page,
        """
        const { TestRunner } = await import('oro:test')
        const lines = []
        const runner = new TestRunner((line) => lines.push(line))
        runner.autoRun = false
        const box = document.createElement('div')
        box.id = 'box'
        const word = document.createElement('div')
        word.id = 'word'
        word.append(...[...'quux'].map((letter) => Object.assign(
          document.createElement('span'), { textContent: letter })))
        box.append(word)
        document.body.append(box)
        const found = []
        runner.add('across tags', async (t) => {
          found.push((await t.waitForText(document.body, { text: 'uux', multipleTags: true })).id)
          found.push((await t.waitForText(box, { text: 'quux', multipleTags: true })).id)
          found.push((await t.waitFor('#word')).id)
          // Judged when called, as Oro's: removing it before the assertion's frame is fine.
          const visible = t.elementVisible(word, 'visible when asked')
          word.remove()
          await visible
        })
        await runner.run()
        box.remove()
        return { found, failures: lines.filter((line) => line.startsWith('not ok')) }
        """,
    )

    assert result == {"found": ["word", "word", "word"], "failures": []}


# -------------------------------------------------------------------------------------------------
# oro:application and oro:window, in the real `oro run --headless`
# -------------------------------------------------------------------------------------------------

APPLICATION_PAGE = """<!doctype html>
<html>
<head><title>compat</title></head>
<body>
<script type="module">
import application from 'oro:application'
import ApplicationWindow from 'oro:window'
import { primordials } from 'oro:ipc'
globalThis.oro = { application, ApplicationWindow, primordials }
globalThis.heard = []
globalThis.addEventListener('Knights who say Ni!', (event) => heard.push(event.detail))
/** The error a promise rejects with (or a function throws), as plain fields. */
globalThis.failure = async (run) => {
  try {
    await run()
    return null
  } catch (error) {
    return { name: error.name, code: error.code ?? null, message: error.message }
  }
}
document.body.dataset.ready = 'true'
</script>
</body>
</html>
"""

APPLICATION_CONFIG = """[meta]
name = "compat"
bundle_identifier = "dev.oro.test.application-compat"

[window]
width = "80%"
height = "80%"
"""


@pytest.fixture
def window_page(tmp_path: Path, chromium_browser: Browser) -> Iterator[Page]:
    (tmp_path / "oro.toml").write_text(APPLICATION_CONFIG)
    (tmp_path / "index.html").write_text(APPLICATION_PAGE)
    with OroProcess("run", str(tmp_path), "--headless", environ=headless_environ()) as oro:
        context = chromium_browser.new_context()
        page = context.new_page()
        page.goto(oro.launch_url())
        page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=15_000)
        yield page
        context.close()


OROS_LENGTH = (
    "Window width must be an integer number or a string with a valid percentage value from 0 "
    "to 100 ending with %. Got {} instead."
)


def test_application_checks_arguments_with_oros_messages(window_page: Page) -> None:
    result = in_page(
        window_page,
        """
        const { application } = oro
        const create = (options) => failure(() => application.createWindow(options))
        return {
          noPath: await create({ index: 1 }),
          taken: await create({ index: 0, path: 'index.html' }),
          lengths: [await create({ index: 1, path: '/', width: '42' }),
            await create({ index: 1, path: '/', width: -1 }),
            await create({ index: 1, path: '/', width: {} }),
            await create({ index: 1, path: '/', width: 1n }),
            await create({ index: 1, path: '/', width: '100.5%' })],
          index: [await failure(() => application.getWindow(-1)),
            await failure(() => application.getWindow(1.5)),
            await failure(() => application.getWindows(['IDDQD']))],
          list: await failure(() => application.getWindows(5)),
          // None of the refused calls made a window.
          windows: (await application.getWindows()).keys(),
        }
        """,
    )

    assert result["noPath"]["message"] == "Path and index are required options"
    assert result["taken"] == {
        "name": "TypeError",
        "code": "ERR_WINDOW_EXISTS",
        "message": "Window with index 0 already exists",
    }
    messages = [failure["message"] for failure in result["lengths"]]
    assert messages == [
        OROS_LENGTH.format(shown) for shown in ("42", "-1", "[object Object]", "1", "100.5%")
    ]
    assert [failure["name"] for failure in result["lengths"]] == [
        "RangeError",
        "RangeError",
        "TypeError",
        "TypeError",
        "RangeError",
    ]
    assert [failure["message"] for failure in result["index"]] == [
        f"Invalid window index: {shown} (must be a positive integer number)"
        for shown in ("-1", "1.5", "IDDQD")
    ]
    assert result["list"]["message"] == "Indices list must be an array of integer numbers"
    assert result["windows"] == [0]


def test_application_version_debug_and_read_only_default_export(window_page: Page) -> None:
    result = in_page(
        window_page,
        """
        'use strict' // as a module's code is: writing a read-only property throws
        const { application, primordials } = oro
        return {
          version: application.runtimeVersion,
          primordial: primordials.version,
          debug: [application.debug, globalThis.__args.debug],
          assign: await failure(() => { application.debug = 1 }),
        }
        """,
    )

    assert result["version"] == result["primordial"]
    assert set(result["version"]) == {"full", "short", "hash"}
    assert result["debug"] == [False, False]
    assert result["assign"]["name"] == "TypeError"


def test_the_window_title_follows_the_page_title_both_ways(window_page: Page) -> None:
    result = in_page(
        window_page,
        """
        const { application } = oro
        document.title = 'idkfa'
        const first = (await application.getCurrentWindow()).getTitle()
        const win = await application.getCurrentWindow()
        const { title } = await win.setTitle('👋')
        return { first, answered: title, page: document.title,
          fresh: (await application.getWindow(0)).title }
        """,
    )

    assert result == {"first": "idkfa", "answered": "👋", "page": "👋", "fresh": "👋"}


def test_headless_lengths_are_the_pages_screen_and_statuses_oros_numbers(
    window_page: Page,
) -> None:
    result = in_page(
        window_page,
        """
        const { application, ApplicationWindow } = oro
        const { WINDOW_SHOWN, WINDOW_HIDDEN, WINDOW_CLOSED } = ApplicationWindow.constants
        const screenSize = { width: screen.width, height: screen.height }
        const percent = await application.createWindow({ index: 1, path: '/', width: '100%',
          height: '50%' })
        const defaulted = await application.createWindow({ index: 2, path: '/' })
        const main = await application.getCurrentWindow()
        const resized = await main.setSize({ width: '50%', height: '50%' })
        const hidden = await percent.hide()
        const shown = await percent.show()
        const closed = await percent.close()
        await defaulted.close()
        return {
          screen: [screenSize, await application.getScreenSize()],
          percent: percent.getSize(),
          defaulted: defaulted.getSize(),
          resized: [resized.width, resized.height, main.getSize()],
          statuses: [hidden.status, shown.status, closed.status],
          expected: [WINDOW_HIDDEN, WINDOW_SHOWN, WINDOW_CLOSED],
          // Every window the app had, closed ones too, keyed by index.
          keys: Object.keys(await application.getWindows()),
        }
        """,
    )

    screen = result["screen"][0]
    assert result["screen"][1] == screen
    assert result["percent"] == {"width": screen["width"], "height": round(screen["height"] / 2)}
    # [window] width and height are 80% of the screen: the page's, headless.
    assert result["defaulted"] == {
        "width": round(screen["width"] * 0.8),
        "height": round(screen["height"] * 0.8),
    }
    half = {"width": round(screen["width"] / 2), "height": round(screen["height"] / 2)}
    assert result["resized"] == [half["width"], half["height"], half]
    assert result["statuses"] == result["expected"]
    assert result["keys"] == ["0", "1", "2"]


def test_window_send_checks_as_oros_and_event_names_may_have_spaces(window_page: Page) -> None:
    result = in_page(
        window_page,
        """
        const { application, ApplicationWindow } = oro
        const me = await application.getCurrentWindow()
        const send = (target, options) => failure(() => target.send(options))
        const out = {
          window: await send(me, { window: 1.5, event: 'x' }),
          notMine: await send(new ApplicationWindow(3), { window: 0, event: 'x' }),
          both: await send(me, { window: 999, backend: true, event: 'x' }),
          empty: await send(me, { window: 0 }),
        }
        const arrived = new Promise((resolve) => {
          globalThis.addEventListener('Knights who say Ni!', resolve, { once: true })
        })
        await me.send({ event: 'Knights who say Ni!', value: { ni: 1 }, window: 0 })
        await arrived
        out.heard = heard
        return out
        """,
    )

    assert result["window"]["message"] == "window should be an integer"
    assert result["notMine"]["message"] == "window.send can only be used from the current window"
    assert result["both"]["message"] == "backend option cannot be used together with window option"
    assert result["empty"]["message"] == "event should be a non-empty string"
    assert result["heard"] == [{"ni": 1}]
