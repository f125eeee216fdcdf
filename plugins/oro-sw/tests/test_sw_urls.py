"""Properties of the pure URL checks: whatever text comes in, what is accepted stays on the
app's origin, off the bridge, and inside the app."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from oro_sw.urls import (
    NEVER_INTERCEPTED,
    check_scope,
    check_script_url,
    config_script_path,
    registration_id,
)

from oro_framework import InvalidArgumentError, SecurityError

ORIGIN = "http://127.0.0.1:4100"

segments = st.sampled_from(["", ".", "..", "ipc", "oro", "events", "sw.js", "a", "%2e%2e", "\\"])
paths = st.lists(segments | st.text(max_size=6), max_size=6).map("/".join)
urls = (
    st.builds(lambda path: ORIGIN + "/" + path, paths)
    | st.builds(
        lambda prefix, path: prefix + path,
        st.sampled_from(
            [
                "http://127.0.0.1:4101/",
                "https://127.0.0.1:4100/",
                "http://localhost:4100/",
                "data:",
                "blob:" + ORIGIN + "/",
                "//127.0.0.1:4100/",
                "http://127.0.0.1:4100@evil/",
                "",
            ]
        ),
        paths,
    )
    | st.text(max_size=40)
)


def under_bridge(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in NEVER_INTERCEPTED)


@given(urls)
@example(ORIGIN + "/ipc")
@example(ORIGIN + "/oro/events/")
def test_an_accepted_script_is_on_the_origin_and_off_the_bridge(value: str) -> None:
    try:
        script = check_script_url(value, ORIGIN)
    except (SecurityError, InvalidArgumentError):
        return
    parts = urlsplit(script)
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN
    assert not under_bridge(parts.path)
    assert not parts.fragment


@given(urls)
def test_an_accepted_scope_is_on_the_origin_and_never_covers_the_bridge(value: str) -> None:
    try:
        scope = check_scope(value, ORIGIN)
    except (SecurityError, InvalidArgumentError):
        return
    assert scope.startswith(ORIGIN + "/")
    path = scope.removeprefix(ORIGIN)
    assert not under_bridge(path.rstrip("/") or "/")


@given(paths | st.text(max_size=30))
@example("../sw.js")
@example("a/../../sw.js")
def test_a_configured_script_path_never_leaves_the_app(entry: str) -> None:
    try:
        path = config_script_path(entry)
    except ValueError:
        return
    assert path.startswith("/")
    assert "//" not in path
    assert ".." not in path.split("/")
    assert not under_bridge(path)


@pytest.mark.parametrize(
    ("entry", "path"),
    [
        ("./sw.js", "/sw.js"),
        ("sw.js", "/sw.js"),
        ("/workers/api.js", "/workers/api.js"),
        ("a/./b.js", "/a/b.js"),
    ],
)
def test_configured_script_paths_are_relative_to_the_app(entry: str, path: str) -> None:
    assert config_script_path(entry) == path


def test_the_registration_id_depends_on_the_port() -> None:
    assert registration_id("http://127.0.0.1:4100/") == registration_id("http://127.0.0.1:4100/")
    assert registration_id("http://127.0.0.1:4100/") != registration_id("http://127.0.0.1:4101/")
