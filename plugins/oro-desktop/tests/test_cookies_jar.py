"""oro:cookies' checks in Python (oro_desktop/cookies/jar.py): a page's Set-Cookie values,
parsed or refused with a typed error, never anything else; the URL within the app origin; which
cookies a page may see."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oro_desktop.cookies.jar import (
    MAX_AGE_SECONDS,
    MAX_COOKIE_BYTES,
    CookieTarget,
    StoredCookie,
    applies,
    cookie_header,
    cookie_target,
    is_host_cookie,
    parse_set_cookie,
    path_matches,
)

from oro_framework import InvalidArgumentError, OutOfRangeError, SecurityError
from oro_framework.web.security import SESSION_COOKIE, session_cookie_name

ORIGIN = "http://127.0.0.1:4000"
TARGET = CookieTarget("127.0.0.1", "/app/page.html")
NOW = 1_800_000_000.0
TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1)
VALUE = st.text(alphabet="".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in ';"\\'))


@given(name=TOKEN, value=VALUE)
def test_a_name_and_value_come_back_as_they_were(name: str, value: str) -> None:
    if name.startswith(("oro_session", "__Secure-", "__Host-")):
        return
    cookie = parse_set_cookie(f"{name}={value}", TARGET, NOW)
    assert (cookie.name, cookie.value) == (name, value)
    assert (cookie.domain, cookie.path, cookie.expires) == ("127.0.0.1", "/app", None)
    assert cookie_header([cookie]) == f"{name}={value}"


@given(header=st.text(max_size=300))
def test_any_text_parses_or_is_a_typed_error(header: str) -> None:
    try:
        cookie = parse_set_cookie(header, TARGET, NOW)
    except (InvalidArgumentError, SecurityError, OutOfRangeError):
        return
    assert cookie.name
    assert ";" not in cookie.value
    assert not cookie.http_only
    assert cookie.path.startswith("/")
    assert cookie.expires is None or cookie.expires <= NOW + MAX_AGE_SECONDS


@given(seconds=st.integers(min_value=-(10**30), max_value=10**30))
def test_max_age_is_capped_and_wins_over_expires(seconds: int) -> None:
    header = f"a=1; Max-Age={seconds}; Expires=Wed, 21 Oct 2015 07:28:00 GMT"
    cookie = parse_set_cookie(header, TARGET, NOW)
    assert cookie.expires == NOW + min(seconds, MAX_AGE_SECONDS)


def test_attributes() -> None:
    cookie = parse_set_cookie(
        'a="q"; path=/x; SECURE; samesite=strict; Domain=.127.0.0.1; Priority=High', TARGET, NOW
    )
    assert cookie == StoredCookie("a", "q", "127.0.0.1", "/x", None, True, False, "Strict")
    expires = parse_set_cookie("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", TARGET, NOW)
    assert expires.expires == 1445412480.0


@pytest.mark.parametrize(
    ("header", "error", "code"),
    [
        ("a=1; HttpOnly", InvalidArgumentError, "ERR_COOKIE_SYNTAX"),
        ("=1", InvalidArgumentError, "ERR_COOKIE_SYNTAX"),
        ("a=1\x00", InvalidArgumentError, "ERR_COOKIE_SYNTAX"),
        ("__Host-a=1; Secure; Path=/x", InvalidArgumentError, "ERR_COOKIE_SYNTAX"),
        ("__Secure-a=1", InvalidArgumentError, "ERR_COOKIE_SYNTAX"),
        ("oro_session_dev.app=1", SecurityError, "ERR_HOST_COOKIE"),
        ("a=1; Domain=127.0.0.2", SecurityError, "ERR_COOKIE_DOMAIN"),
        ("a=" + "x" * MAX_COOKIE_BYTES, OutOfRangeError, "ERR_COOKIE_TOO_LARGE"),
    ],
)
def test_refusals(header: str, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as raised:
        parse_set_cookie(header, TARGET, NOW)
    assert getattr(raised.value, "code", None) == code


@pytest.mark.parametrize(
    "url",
    ["http://localhost:4000/", "http://127.0.0.1:4001/", "https://127.0.0.1:4000/", "http://x/"],
)
def test_another_origin_is_a_security_error(url: str) -> None:
    with pytest.raises(SecurityError):
        cookie_target(url, ORIGIN)


@pytest.mark.parametrize("url", ["/relative", "ftp://127.0.0.1:4000/", "http://127.0.0.1:x/"])
def test_a_url_that_is_no_http_url_is_invalid(url: str) -> None:
    with pytest.raises(InvalidArgumentError):
        cookie_target(url, ORIGIN)


def test_path_match_and_visibility() -> None:
    assert all(path_matches(*pair) for pair in (("/a/b", "/a"), ("/a/", "/a/"), ("/a", "/a")))
    assert not path_matches("/ab", "/a")
    target = cookie_target(ORIGIN + "/a/b", ORIGIN)
    seen = StoredCookie("s", "1", "127.0.0.1", "/a")
    assert applies(seen, target, NOW)
    for hidden in (
        StoredCookie("h", "1", "127.0.0.1", "/", http_only=True),
        StoredCookie("oro_session_x", "1", "127.0.0.1", "/"),
        StoredCookie("o", "1", "example.com", "/"),
        StoredCookie("e", "1", "127.0.0.1", "/", expires=NOW - 1),
        StoredCookie("p", "1", "127.0.0.1", "/b"),
    ):
        assert not applies(hidden, target, NOW)
    longer = StoredCookie("l", "2", "127.0.0.1", "/a/b")
    assert cookie_header([seen, longer]) == "l=2; s=1"


def test_every_session_cookie_of_the_host_is_a_host_cookie() -> None:
    assert is_host_cookie(SESSION_COOKIE)
    assert is_host_cookie(session_cookie_name("dev.oro.notes"))
