"""oro:cookies in a real app in a real window under Xvfb, on both engines (QtWebEngine and
WebKitGTK): what the page sets through oro:cookies its document.cookie reads and the other way
round, in every window; and the page as a hostile one: another origin's URL, the host's session
cookie, HttpOnly, malformed and huge Set-Cookie values, a request without a credential, a frame
of another origin. Each is a typed error after which the app keeps serving."""

from __future__ import annotations

import contextlib
import http.server
import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _desktop_app import Desktop, DesktopApp, recorder_page, run_app, write_app

from oro_framework.testing import until

CALLS = itertools.count()
PAGE = recorder_page(
    [],
    imports="import cookies from 'oro:cookies'",
    script="""
globalThis.cookies = cookies
globalThis.jar = () => document.cookie.split('; ').filter(Boolean).sort()
globalThis.heardFrames = []
addEventListener('message', (event) => heardFrames.push(event.data))
""",
)
FRAME = """<!doctype html><meta charset="utf-8"><script>
const app = new URL(location.href).searchParams.get('app')
const url = encodeURIComponent(app + '/')
fetch(app + '/ipc/cookies.get?url=' + url, { credentials: 'include' })
  .then(async (reply) => {
    parent.postMessage({ status: reply.status, body: await reply.text() }, '*')
  })
  .catch((error) => parent.postMessage({ error: error.name }, '*'))
</script>"""


def call(app: DesktopApp, expression: str, index: int = 0) -> Any:
    """``await expression`` in window ``index``'s page: ``{"value": ...}`` or ``{"error":
    {name, code, message}}`` (``window.eval`` does not wait for a promise: polled)."""
    mark = json.dumps(f"call{next(CALLS)}")
    app.eval(
        f"""(globalThis.outcomes ??= {{}},
(async () => {{
  try {{ return {{ value: (await ({expression})) ?? null }} }}
  catch (error) {{ return {{ error: {{ name: error.name, code: error.code ?? null,
    message: error.message }} }} }}
}})().then((outcome) => {{ outcomes[{mark}] = outcome }}), null)""",
        index,
    )
    outcome: dict[str, Any] = until(
        # `?.`: until the call's eval has run in this page it has no table (a fresh WebKitGTK
        # window 1 once answered a poll without it, in a full run).
        lambda: app.eval(f"globalThis.outcomes?.[{mark}] ?? null", index),
        f"the page's answer to {expression}",
    )
    return outcome


def value(app: DesktopApp, expression: str, index: int = 0) -> Any:
    answer = call(app, expression, index)
    assert "value" in answer, answer
    return answer["value"]


def error(app: DesktopApp, expression: str) -> dict[str, Any]:
    answer = call(app, expression)
    assert "error" in answer, answer
    failure: dict[str, Any] = answer["error"]
    return failure


def cookie_header(app: DesktopApp, url: str = "location.href", index: int = 0) -> str:
    header: str = value(app, f"cookies.get({url}).then((r) => r.value)", index)
    return header


def names(header: str) -> list[str]:
    return sorted(part for part in header.split("; ") if part)


@pytest.fixture(scope="module")
def app(
    screen: Desktop, engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DesktopApp]:
    directory = write_app(
        tmp_path_factory.mktemp("cookies"), PAGE, name="cookies", files={"sub/x.html": b"x"}
    )
    with run_app(screen, directory, engine=engine) as running:
        yield running


@pytest.fixture(autouse=True)
def empty(app: DesktopApp) -> None:
    value(app, "cookies.clear()")


def test_what_oro_cookies_sets_document_cookie_reads(app: DesktopApp) -> None:
    assert value(app, "cookies.set(location.href, 'theme=dark; Path=/; Max-Age=3600')") == {
        "ok": True
    }
    until(lambda: app.eval("jar()") == ["theme=dark"], "document.cookie reads theme=dark")
    assert cookie_header(app) == "theme=dark"


def test_what_document_cookie_sets_oro_cookies_reads(app: DesktopApp) -> None:
    app.eval("(document.cookie = 'from=page; path=/', null)")
    until(lambda: cookie_header(app) == "from=page", "oro:cookies reads from=page")


def test_both_windows_share_the_cookies(app: DesktopApp) -> None:
    app.call("window.create", targetWindowIndex=1, width=400, height=300)
    # A synchronous look: an eval that lands in the window's first, blank document is lost
    # when its page replaces it, and `call` would wait for its answer in vain.
    until(lambda: app.eval("typeof globalThis.cookies", 1) == "object", "window 1's page")
    value(app, "cookies.set(location.href, 'shared=1; Path=/')")
    until(lambda: cookie_header(app, index=1) == "shared=1", "window 1 reads shared=1")
    until(lambda: app.eval("jar()", 1) == ["shared=1"], "window 1's document.cookie")
    value(app, "cookies.remove(location.href, 'shared')", 1)
    until(lambda: app.eval("jar()") == [], "window 0's document.cookie is empty")


def test_a_path_cookie_applies_to_its_path_only(app: DesktopApp) -> None:
    value(app, "cookies.set(location.origin + '/sub/x.html', 'deep=1')")  # default path /sub
    value(app, "cookies.set(location.href, 'top=1; Path=/')")
    assert cookie_header(app, "location.origin + '/sub/x.html'") == "deep=1; top=1"
    assert cookie_header(app, "location.origin + '/'") == "top=1"


def test_remove_and_clear_leave_the_session(app: DesktopApp) -> None:
    for cookie in ("a=1; Path=/", "b=2; Path=/", "c=3; Path=/sub"):
        value(app, f"cookies.set(location.href, {json.dumps(cookie)})")
    removed = value(app, "cookies.remove(location.href, 'a')")
    assert removed == {"ok": True, "removed": 1}
    assert names(cookie_header(app)) == ["b=2"]
    assert value(app, "cookies.clear()") == {"ok": True, "removed": 2}
    assert cookie_header(app, "location.origin + '/sub/'") == ""
    until(lambda: app.eval("jar()") == [], "document.cookie is empty")
    # The session cookie stayed: the page's own requests are still admitted.
    assert value(app, "fetch(location.href).then((r) => r.status)") == 200


def test_expired_max_age_removes_the_cookie(app: DesktopApp) -> None:
    value(app, "cookies.set(location.href, 'gone=1; Path=/')")
    value(app, "cookies.set(location.href, 'gone=1; Path=/; Max-Age=0')")
    assert cookie_header(app) == ""


def test_the_host_session_cookie_is_out_of_reach(app: DesktopApp) -> None:
    session = "oro_session_dev.oro.test.cookies"
    assert "oro_session" not in cookie_header(app)
    for expression in (
        f"cookies.set(location.href, '{session}=forged; Path=/')",
        "cookies.set(location.href, 'oro_session=forged')",
        f"cookies.remove(location.href, '{session}')",
    ):
        failure = error(app, expression)
        assert (failure["name"], failure["code"]) == ("SecurityError", "ERR_HOST_COOKIE")
    value(app, "cookies.clear()")
    assert value(app, "fetch(location.href).then((r) => r.status)") == 200


def test_another_origin_is_refused_and_said_once(app: DesktopApp) -> None:
    for url in ("'http://example.com/'", "'http://127.0.0.1:1/'", "'https://127.0.0.1/'"):
        failure = error(app, f"cookies.get({url})")
        assert (failure["name"], failure["code"]) == ("SecurityError", "ERR_COOKIE_ORIGIN")
        failure = error(app, f"cookies.set({url}, 'a=1')")
        assert failure["code"] == "ERR_COOKIE_ORIGIN"
    until(
        lambda: app.process.stderr().count("Oro's runtime allows any URL") == 1,
        "the host says once that Oro's takes any URL",
    )


@pytest.mark.parametrize(
    ("cookie", "name", "code"),
    [
        ("secret=1; HttpOnly", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("no-equals-sign", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("bad name=1", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("a=1; Max-Age=soon", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("a=1; Expires=someday", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("a=1; SameSite=Sometimes", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("a=caf\u00e9", "TypeError", "ERR_COOKIE_SYNTAX"),
        ("a=1; Domain=example.com", "SecurityError", "ERR_COOKIE_DOMAIN"),
        ("a=" + "x" * 5000, "RangeError", "ERR_COOKIE_TOO_LARGE"),
    ],
)
def test_bad_set_cookie_values_are_typed_errors(
    app: DesktopApp, cookie: str, name: str, code: str
) -> None:
    failure = error(app, f"cookies.set(location.href, {json.dumps(cookie)})")
    assert (failure["name"], failure["code"]) == (name, code), failure
    assert cookie_header(app) == ""  # nothing stored, and the host keeps serving


def test_a_huge_value_is_refused_and_the_app_serves(app: DesktopApp) -> None:
    # 4 MiB: far over a cookie's size, under the bridge's own body limit.
    failure = error(app, "cookies.set(location.href, 'a=' + 'x'.repeat(4 * 1024 * 1024))")
    assert (failure["name"], failure["code"]) == ("RangeError", "ERR_COOKIE_TOO_LARGE")
    assert value(app, "cookies.set(location.href, 'after=1')") == {"ok": True}
    assert cookie_header(app) == "after=1"


def test_empty_arguments_are_type_errors_as_oros(app: DesktopApp) -> None:
    for expression in (
        "cookies.get('')",
        "cookies.set(location.href, ' ')",
        "cookies.remove(location.href)",
    ):
        assert error(app, expression)["name"] == "TypeError"


def test_a_request_without_credential_is_refused(app: DesktopApp) -> None:
    origin = str(app.client.base_url).rstrip("/")
    reply = httpx.get(f"{origin}/ipc/cookies.get", params={"url": origin + "/"})
    assert reply.status_code == 403
    assert reply.json()["err"]["type"] == "SecurityError"


@contextlib.contextmanager
def other_origin() -> Iterator[tuple[str, list[str]]]:
    """A server of another origin (another port of 127.0.0.1) serving the hostile frame, and
    the Cookie headers of the requests it got."""
    sent: list[str] = []

    class Frame(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # /set: an HttpOnly cookie of 127.0.0.1, the app's too (cookies ignore the port).
            body = FRAME.encode()
            sent.append(self.headers.get("cookie") or "")
            self.send_response(200)
            if self.path.startswith("/set"):
                self.send_header("set-cookie", "server_auth=1; HttpOnly; Path=/")
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Frame)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()
        server.server_close()


def test_a_frame_of_another_origin_cannot_reach_the_cookies(app: DesktopApp) -> None:
    value(app, "cookies.set(location.href, 'mine=1; Path=/')")
    app.eval("(heardFrames.length = 0, null)")  # only this test's frame answers
    with other_origin() as (frame_origin, _sent):
        app.eval(
            f"""(() => {{
  const frame = document.createElement('iframe')
  frame.src = {json.dumps(frame_origin)} + '/?app=' + encodeURIComponent(location.origin)
  document.body.append(frame)
  return null
}})()"""
        )
        heard = until(lambda: app.eval("heardFrames"), "the frame's answer")
    answer = heard[0]
    # A cross-origin fetch of the bridge: refused by the host (403), or its answer hidden by
    # the browser (no CORS grant: a TypeError); never the cookies.
    assert answer.get("status") == 403 or answer.get("error") == "TypeError", answer
    assert "mine=1" not in json.dumps(answer)


def test_an_httponly_cookie_is_neither_read_replaced_nor_removed(app: DesktopApp) -> None:
    """A server on another port of 127.0.0.1 sets an HttpOnly cookie, which is the app
    origin's too (cookies ignore the port): the page sees it neither through oro:cookies nor
    document.cookie, cannot replace or remove it, and clear() leaves it."""
    with other_origin() as (server, sent):
        frame(app, server + "/set")
        until(
            lambda: "server_auth=1" in cookie_sent(app, server, sent),
            "the browser holds the HttpOnly cookie",
        )
        assert "server_auth" not in cookie_header(app)
        assert not any("server_auth" in c for c in app.eval("jar()"))
        failure = error(app, "cookies.set(location.href, 'server_auth=forged; Path=/')")
        assert (failure["name"], failure["code"]) == ("InvalidStateError", "ERR_COOKIE_HTTPONLY")
        assert value(app, "cookies.remove(location.href, 'server_auth')")["removed"] == 0
        value(app, "cookies.clear()")
        assert "server_auth=1" in cookie_sent(app, server, sent)


def frame(app: DesktopApp, url: str) -> None:
    app.eval(
        f"""(() => {{
  const frame = document.createElement('iframe')
  frame.src = {json.dumps(url)}
  document.body.append(frame)
  return null
}})()"""
    )


def cookie_sent(app: DesktopApp, server: str, sent: list[str]) -> str:
    """The Cookie header of a request the page's browser makes to ``server`` now."""
    count = len(sent)
    frame(app, f"{server}/probe{count}")
    until(lambda: len(sent) > count, "the frame's request")
    return sent[count]
