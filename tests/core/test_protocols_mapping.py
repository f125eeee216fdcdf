"""The protocol-URL ⇄ app-path mapping: round trips, and no URL maps outside its scheme's scope."""

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from oro_framework.host.errors import InvalidArgumentError, NotFoundError, SecurityError
from oro_framework.host.protocols import (
    PROTOCOL_PREFIX,
    RESERVED_SCHEMES,
    SAFELISTED_SCHEMES,
    check_scheme,
    check_script_path,
    from_app_path,
    to_app_path,
)
from oro_framework.testing import run_in_node

custom_schemes = st.from_regex(r"[a-z][a-z0-9+.\-]{0,8}", fullmatch=True).filter(
    lambda scheme: scheme not in RESERVED_SCHEMES and not scheme.startswith(("web+", "chrome"))
)
schemes = st.one_of(
    st.from_regex(r"web\+[a-z]{1,8}", fullmatch=True),
    st.sampled_from(sorted(SAFELISTED_SCHEMES)),
    custom_schemes,
)
# What a browser keeps as-is in an http: path: unreserved characters, sub-delims, ':' '@' and
# percent-escapes, in segments that are never dot segments.
_segment_char = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@"
)
segments = st.text(_segment_char, max_size=8).filter(lambda s: s.lower() not in {".", ".."})
canonical_paths = st.lists(segments, max_size=5).map(lambda parts: "".join("/" + p for p in parts))
queries = st.one_of(
    st.just(""), st.text(_segment_char | st.sampled_from("/?"), max_size=10).map("?{}".format)
)

_DOTS = {".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"}


def browser_path(path: str) -> str:
    """The path a browser requests for ``http://h`` + ``path``: dot segments resolved, ``%2e``
    spellings included (an independent reading of the URL standard's path parsing)."""
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    out: list[str] = []
    parts = path.split("/")[1:]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part.lower() in {"..", ".%2e", "%2e.", "%2e%2e"}:
            if out:
                out.pop()
            if last:
                out.append("")
        elif part.lower() in {".", "%2e"}:
            if last:
                out.append("")
        else:
            out.append(part)
    return "/" + "/".join(out)


@given(schemes, segments, canonical_paths, queries)
def test_a_canonical_url_round_trips(scheme, host, path, query):
    url = f"{scheme}://{host}{path}{query}"

    mapped = to_app_path(url)

    assert mapped == f"{PROTOCOL_PREFIX}{scheme}/{host}{path}{query}"
    assert from_app_path(mapped) == url


@given(schemes, segments.filter(bool), canonical_paths, queries)
def test_an_opaque_url_is_read_as_an_empty_host_and_round_trips_to_it(scheme, first, path, query):
    """Oro's ``weather:current``: the handler sees ``weather:///current``, path ``/current``."""
    url = f"{scheme}:{first}{path}{query}"

    mapped = to_app_path(url)

    assert mapped == f"{PROTOCOL_PREFIX}{scheme}//{first}{path}{query}"
    assert from_app_path(mapped) == f"{scheme}:///{first}{path}{query}"
    assert to_app_path(from_app_path(mapped)) == mapped


def test_the_weather_examples_urls_map_into_the_schemes_scope():
    assert to_app_path("weather:current") == "/oro/protocol/weather//current"
    assert to_app_path("weather:worker/start") == "/oro/protocol/weather//worker/start"
    assert from_app_path("/oro/protocol/weather//worker/start") == "weather:///worker/start"
    # The opaque and the host form name different resources, as they do in Oro.
    assert to_app_path("weather://current") == "/oro/protocol/weather/current"
    assert to_app_path("weather:a/../../../ipc/x") == "/oro/protocol/weather//ipc/x"


@given(schemes, st.text(max_size=40))
@example("weather", "../../ipc/ping")
@example("weather", "%2e%2e/%2E./oro/events")
@example("web+demo", "//../../ipc/ping")
@example("web+demo", "//%2e%2e/ipc")
@example("web+demo", "//h/%2E%2e/%2e./../../../oro/events")
@example("web+demo", "//h\\..\\..\\ipc")
def test_no_url_maps_outside_its_scheme(scheme, rest):
    try:
        mapped = to_app_path(f"{scheme}:{rest}")
    except (InvalidArgumentError, SecurityError):
        return
    scope = f"{PROTOCOL_PREFIX}{scheme}/"

    assert mapped.startswith(scope)
    # What the browser asks the host for is still inside the scope, and is what was mapped.
    assert browser_path(mapped).startswith(scope)
    assert browser_path(mapped) == re.split(r"[?#]", mapped, maxsplit=1)[0]
    assert not {s.lower() for s in mapped.split("?")[0].split("/")} & _DOTS


def test_dot_segments_resolve_as_a_browser_resolves_them():
    assert to_app_path("web+demo://h/a/../b/./c?x=../y") == "/oro/protocol/web+demo/h/b/c?x=../y"
    assert to_app_path("web+demo://h/a/%2e%2E/b") == "/oro/protocol/web+demo/h/b"
    assert to_app_path("web+demo://h/../../..") == "/oro/protocol/web+demo/h/"
    assert to_app_path("WEB+Demo://H/P#frag") == "/oro/protocol/web+demo/H/P#frag"


@pytest.mark.parametrize("host", ["..", ".", "%2E%2e", ".%2e"])
def test_a_host_that_is_a_dot_segment_is_refused(host):
    with pytest.raises(InvalidArgumentError, match="dot segment"):
        to_app_path(f"web+demo://{host}/x")


@pytest.mark.parametrize(
    "url",
    [
        "web+demo://h/a b",
        "weather:a b",
        "weather:..\\ipc",
        "web+demo://h\\x",
        "web+demo://hé",
    ],
)
def test_urls_a_browser_would_rewrite_are_refused(url):
    with pytest.raises(InvalidArgumentError):
        to_app_path(url)


@pytest.mark.parametrize("scheme", sorted(RESERVED_SCHEMES))
def test_reserved_schemes_are_security_errors(scheme):
    with pytest.raises(SecurityError, match="reserved"):
        check_scheme(scheme)
    with pytest.raises(SecurityError, match="reserved"):
        check_scheme(scheme.upper())


@pytest.mark.parametrize(
    "scheme",
    ["web+", "web+a1", "web+dé", "chrome-anything", "1x", "-x", "wé", "a b", "x" * 65, ""],
)
def test_schemes_that_are_no_claimable_url_scheme_are_security_errors(scheme):
    with pytest.raises(SecurityError, match="cannot have a protocol handler"):
        check_scheme(scheme)


@pytest.mark.parametrize(
    "scheme", ["web+demo", "WEB+DEMO", "mailto", "magnet", "weather", "Notes", "x-app.v2+json"]
)
def test_custom_schemes_web_plus_letters_and_the_safelist_are_allowed(scheme):
    assert check_scheme(scheme) == scheme.lower()


@pytest.mark.parametrize(
    "path", ["/oro/protocol/", "/oro/protocol/web+demo", "/ipc/ping", "/oro/protocol/http/x"]
)
def test_paths_that_name_no_protocol_url_are_refused(path):
    with pytest.raises((NotFoundError, SecurityError)):
        from_app_path(path)


@pytest.mark.parametrize(
    ("script", "path"),
    [("./demo-sw.js", "/demo-sw.js"), ("sw/a.js", "/sw/a.js"), ("/sw/../b.js", "/b.js")],
)
def test_worker_scripts_inside_the_app_become_app_paths(script, path):
    assert check_script_path(script) == path


@pytest.mark.parametrize(
    "script",
    [
        "../outside.js",
        "./a/../../x.js",
        "https://cdn.example/sw.js",
        "//cdn.example/sw.js",
        "/ipc/ping",
        "/oro/events",
        "a\\b.js",
        "",
    ],
)
def test_worker_scripts_outside_the_app_are_security_errors(script):
    with pytest.raises(SecurityError):
        check_script_path(script)


_JS_API = Path(__file__).resolve().parents[2] / "js-api" / "protocol-handlers.js"
_rests = st.one_of(
    st.text(max_size=30),
    st.lists(
        st.sampled_from(
            ["/", "..", ".", "%2e", "%2E.", "%2e%2E", ".%2e", "a", "?", "#", "\\", "//", "h"]
        ),
        max_size=8,
    ).map("".join),
)


def _python_answer(url: str) -> dict[str, str]:
    try:
        return {"path": to_app_path(url)}
    except (InvalidArgumentError, SecurityError) as error:
        return {"error": error.error_type}


@settings(max_examples=5, deadline=None)
@given(
    st.lists(
        st.tuples(schemes, _rests).map(lambda pair: f"{pair[0]}:{pair[1]}"),
        min_size=100,
        max_size=100,
    )
)
def test_the_page_maps_every_url_as_the_host_does_and_a_browser_keeps_it_in_scope(urls):
    """The page's oro:protocol-handlers against this module, with Node's WHATWG URL parser (the
    one browsers implement) as the judge of where the mapped path really leads."""
    with tempfile.TemporaryDirectory() as directory:
        answers = run_in_node(
            """
            return urls.map((url) => {
              try {
                const path = toAppPath(url)
                const back = fromAppPath(path)
                return {
                  path,
                  resolved: new URL(path, 'http://127.0.0.1:1').pathname,
                  back: back === null ? null : toAppPath(back)
                }
              } catch (error) {
                return { error: error.name }
              }
            })
            """,
            imports=f"import {{ fromAppPath, toAppPath }} from {json.dumps(_JS_API.as_uri())}",
            values={"urls": urls},
            directory=Path(directory),
        )
    for url, answer in zip(urls, answers, strict=True):
        resolved = answer.pop("resolved", None)
        back = answer.pop("back", None)
        assert answer == _python_answer(url), url
        if resolved is not None:
            # The handler's URL (fromAppPath) maps back to the same app path, on both sides.
            assert back == answer["path"] == to_app_path(from_app_path(answer["path"])), url
            scheme = url.partition(":")[0].lower()
            assert resolved.startswith(f"{PROTOCOL_PREFIX}{scheme}/"), (url, resolved)
            assert resolved == re.split(r"[?#]", answer["path"], maxsplit=1)[0], (url, resolved)
