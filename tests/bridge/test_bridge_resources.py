"""The app's resources over HTTP: index, SPA fallback, validators, ranges, HEAD, traversal."""

from __future__ import annotations

import email.utils
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.testing import live_server, make_host
from oro_framework.web.conditional import (
    ByteRange,
    UnsatisfiableRangeError,
    http_date,
    is_not_modified,
    parse_range,
)

pytestmark = pytest.mark.anyio

BINARY = bytes(range(256)) * 4
INDEX = "<!doctype html><html><head><title>app</title></head><body>index</body></html>"


def write_app(root: Path) -> Path:
    """An app directory with a page, a stylesheet, binary data, a sub-directory with its own
    index, a hidden file, and a file beside the app that must stay out of reach."""
    app = root / "app"
    (app / "sub").mkdir(parents=True)
    (app / "index.html").write_text(INDEX)
    (app / "other.html").write_text("<html><head></head><body>other</body></html>")
    (app / "style.css").write_text("body { color: red }")
    (app / "main.js").write_text("export const answer = 42;")
    (app / "data.bin").write_bytes(BINARY)
    (app / "sub" / "index.html").write_text("<p>sub</p>")
    (app / "sub.html").write_text("<p>sub.html</p>")
    (app / "bare").mkdir()
    (app / "bare.html").write_text("<p>bare.html</p>")
    (app / "about.html").write_text("<p>about</p>")
    (app / ".env").write_text("SECRET=1")
    (root / "outside.txt").write_text("outside the app")
    return app


@pytest.fixture
async def client(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    config: Mapping[str, Any] = getattr(request, "param", {})
    async with (
        make_host(app_dir=write_app(tmp_path), config=config) as host,
        live_server(host) as server,
        server.client() as session_client,
    ):
        yield session_client


def configured(**config: Any) -> pytest.MarkDecorator:
    """Run the test with the ``client`` fixture's host built with ``config``."""
    return pytest.mark.parametrize("client", [config], indirect=True, ids=[""])


async def test_root_serves_the_default_index(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "index" in response.text


@configured(**{"webview.default_index": "/other.html"})
async def test_root_serves_the_configured_default_index(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert "other" in response.text


async def test_directory_serves_its_index(client: httpx.AsyncClient) -> None:
    response = await client.get("/sub/")

    assert "<p>sub</p>" in response.text


async def test_directory_without_slash_redirects_to_it_as_oro_does(
    client: httpx.AsyncClient,
) -> None:
    # Oro's scheme handler: a page that refreshes to the directory, which wins over sub.html.
    response = await client.get("/sub?x=1")

    assert response.status_code == 200
    assert response.headers["location"] == "/sub/?x=1"
    assert response.text.strip() == '<meta http-equiv="refresh" content="0; url=\'/sub/?x=1\'" />'
    assert "oro" not in response.text  # no preload: the page only moves on


async def test_a_name_without_extension_serves_its_html_file(client: httpx.AsyncClient) -> None:
    about = await client.get("/about")
    bare = await client.get("/bare")  # a directory without an index.html

    assert about.status_code == bare.status_code == 200
    assert about.text.endswith("<p>about</p>")  # after the preload
    assert bare.text.endswith("<p>bare.html</p>")
    assert (await client.get("/about/")).status_code == 404
    assert (await client.get("/missing")).status_code == 404


async def test_missing_file_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nothing.png")

    assert response.status_code == 404


async def test_spa_fallback_is_off_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/42")

    assert response.status_code == 404


@configured(**{"webview.allow_any_route": True})
async def test_spa_fallback_serves_the_index_for_page_routes(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/42")

    assert response.status_code == 200
    assert "index" in response.text


@configured(**{"webview.allow_any_route": True})
async def test_spa_fallback_leaves_missing_scripts_missing(client: httpx.AsyncClient) -> None:
    response = await client.get("/missing.js")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/style.css", "text/css; charset=utf-8"),
        ("/main.js", "text/javascript; charset=utf-8"),
        ("/data.bin", "application/octet-stream"),
    ],
)
async def test_media_type_follows_the_extension(
    client: httpx.AsyncClient, path: str, media_type: str
) -> None:
    response = await client.get(path)

    assert response.headers["content-type"] == media_type


async def test_etag_revalidation_is_304(client: httpx.AsyncClient) -> None:
    first = await client.get("/style.css")

    second = await client.get("/style.css", headers={"If-None-Match": first.headers["etag"]})

    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["etag"] == first.headers["etag"]


async def test_if_modified_since_revalidation_is_304(client: httpx.AsyncClient) -> None:
    first = await client.get("/style.css")

    second = await client.get(
        "/style.css", headers={"If-Modified-Since": first.headers["last-modified"]}
    )

    assert second.status_code == 304


async def test_html_page_with_preload_revalidates_by_etag(client: httpx.AsyncClient) -> None:
    first = await client.get("/")

    second = await client.get("/", headers={"If-None-Match": first.headers["etag"]})

    assert second.status_code == 304


async def test_range_is_206_with_the_requested_bytes(client: httpx.AsyncClient) -> None:
    response = await client.get("/data.bin", headers={"Range": "bytes=10-19"})

    assert response.status_code == 206
    assert response.content == BINARY[10:20]
    assert response.headers["content-range"] == f"bytes 10-19/{len(BINARY)}"


async def test_suffix_range_is_the_last_bytes(client: httpx.AsyncClient) -> None:
    response = await client.get("/data.bin", headers={"Range": "bytes=-5"})

    assert response.content == BINARY[-5:]


async def test_range_past_the_end_is_416(client: httpx.AsyncClient) -> None:
    response = await client.get("/data.bin", headers={"Range": "bytes=5000-"})

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(BINARY)}"


async def test_range_with_a_stale_if_range_is_the_whole_file(client: httpx.AsyncClient) -> None:
    response = await client.get("/data.bin", headers={"Range": "bytes=0-1", "If-Range": '"stale"'})

    assert response.status_code == 200
    assert response.content == BINARY


async def test_head_sends_the_headers_without_a_body(client: httpx.AsyncClient) -> None:
    response = await client.head("/data.bin")

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(BINARY))
    assert response.content == b""


async def test_large_file_arrives_whole(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    large = bytes(range(251)) * 2000
    (app / "large.bin").write_bytes(large)
    async with (
        make_host(app_dir=app) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/large.bin")

    assert response.content == large


@pytest.mark.parametrize(
    "target", [b"/../outside.txt", b"/sub/../../outside.txt", b"/%2e%2e/outside.txt"]
)
async def test_parent_segments_are_refused(client: httpx.AsyncClient, target: bytes) -> None:
    response = await client.get("/", extensions={"target": target})

    assert response.status_code == 403
    assert "outside the app" not in response.text


async def test_symlink_out_of_the_app_is_refused(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    (app / "escape.txt").symlink_to(tmp_path / "outside.txt")
    async with (
        make_host(app_dir=app) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/escape.txt")

    assert response.status_code == 403


async def test_hidden_files_are_not_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/.env")

    assert response.status_code == 404


async def test_resources_carry_the_configured_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


@configured(**{"webview.cache_control": "max-age=60", "webview.referrer_policy": "same-origin"})
async def test_cache_control_and_referrer_policy_follow_config(client: httpx.AsyncClient) -> None:
    response = await client.get("/style.css")

    assert response.headers["cache-control"] == "max-age=60"
    assert response.headers["referrer-policy"] == "same-origin"


@configured(**{"webview.csp": "default-src 'self'"})
async def test_configured_csp_allows_the_preload_by_nonce(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    policy = response.headers["content-security-policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert policy.startswith("default-src 'self'; script-src 'self' 'nonce-")
    assert f'<script nonce="{nonce}">' in response.text


async def test_resources_answer_get_and_head_only(client: httpx.AsyncClient) -> None:
    response = await client.post("/index.html")

    assert response.status_code == 405


# -------------------------------------------------------------------------------------------------
# The pure parts
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=5-", ByteRange(5, 9)),
        ("bytes=-3", ByteRange(7, 9)),
        ("bytes=-30", ByteRange(0, 9)),
        ("bytes=8-100", ByteRange(8, 9)),
        ("bytes=0-1,4-5", None),
        ("items=0-1", None),
        ("bytes=4-2", None),
        ("bytes=x-2", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header: str, expected: ByteRange | None) -> None:
    assert parse_range(header, 10) == expected


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=-0", "bytes=99-100"])
def test_unsatisfiable_range(header: str) -> None:
    with pytest.raises(UnsatisfiableRangeError):
        parse_range(header, 10)


@given(st.integers(min_value=-(2**40), max_value=253_402_300_799 * 10**9))
def test_last_modified_is_the_date_email_utils_writes(mtime_ns: int) -> None:
    # Two descriptions of one date: ours (no email package at start-up) and the stdlib's, for
    # any file time a stat gives, before 1970 and up to year 9999, rounding included.
    seconds = mtime_ns / 1e9
    assert http_date(seconds) == email.utils.formatdate(seconds, usegmt=True)


def test_if_none_match_wins_over_if_modified_since() -> None:
    headers = {
        "if-none-match": '"other"',
        "if-modified-since": email.utils.formatdate(4_000_000_000, usegmt=True),
    }

    assert not is_not_modified(headers, '"current"', 1_000_000_000)


def test_weak_etag_matches_for_revalidation() -> None:
    assert is_not_modified({"if-none-match": 'W/"abc", "def"'}, '"abc"')
