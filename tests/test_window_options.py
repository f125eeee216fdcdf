"""Oro's window options (issue 54) as the host checks them, without a window: ``window.create``
answers a bad option with a typed error and creates nothing; the first window's ``[window]``
options warn and fall back to their defaults; Oro's ``aspectRatio`` parser (properties); and
the ``User-Agent`` a window's pages get. ``tests/test_window_options_native.py`` shows the same
options on real windows of both engines."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oro_framework.core.application
from oro_framework import (
    InvalidArgumentError,
    IPCError,
    OutOfRangeError,
    SecurityError,
)
from oro_framework.host.windows.model import (
    MAX_ASPECT,
    MAX_USER_SCRIPT,
    WindowOptions,
    parse_aspect_ratio,
)
from oro_framework.host.windows.options import configured_options, on_screen
from oro_framework.host.windows.settings import WindowSettings
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio

APPLICATION = oro_framework.core.application


async def create(config: dict[str, object] | None = None, **params: object) -> object:
    """window.create from window 0's page: its data, or the error it raised."""
    async with make_host(plugins=[APPLICATION], config=config) as host:
        reply = await MemoryClient(host, window=0).call("window.create", **params)
        windows = raise_for_error(await MemoryClient(host).call("application.getWindows"))
    if reply.error is not None:
        assert len(windows) == 1, windows  # nothing was created
        return reply.error
    return reply.data


# ---------------------------------------------------------------------------------------------
# window.create
# ---------------------------------------------------------------------------------------------


async def test_headless_create_takes_oros_window_options_and_lists_what_a_tab_cannot_do():
    """Headless, a window is a browser tab: the window manager's options and the engine's
    userScript are accepted (checked) and listed; in a native window only titlebarStyle is
    (tests/test_window_options_native.py)."""
    created = await create(
        headless=True,
        minWidth=0,
        maxWidth=900,
        maxHeight=700,
        aspectRatio="16:9",
        closable=False,
        minimizable=False,
        maximizable=False,
        utility=True,
        titlebarStyle="hiddenInset",
    )
    assert isinstance(created, dict), created
    assert created["unsupported"] == [
        "titlebarStyle",
        "maxWidth",
        "maxHeight",
        "aspectRatio",
        "closable",
        "minimizable",
        "maximizable",
        "utility",
    ]


@pytest.mark.parametrize(
    ("params", "expected", "code"),
    [
        ({"minWidth": -1}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"maxHeight": 40000}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"minWidth": 500, "maxWidth": 300}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"minHeight": 400, "maxHeight": 399}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"aspectRatio": "abc"}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"aspectRatio": "0:1"}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"aspectRatio": "16:9:1"}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"aspectRatio": "1:100000"}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"aspectRatio": 16}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"userScript": 5}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"utility": "very"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"closable": "maybe"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
    ],
)
async def test_create_refuses_bad_window_options_with_typed_errors(params, expected, code):
    error = await create(**params)

    assert isinstance(error, expected), error
    assert error.code == code


async def test_a_user_script_is_refused_to_a_page_that_may_not_script_other_windows():
    """A userScript runs as the new window: a page may give one only where it may window.eval
    in another window (permissions.allow_window_control), as the bridge key may."""
    refused = await create(userScript="globalThis.x = 1")
    allowed = await create(
        {"permissions.allow_window_control": True}, userScript="globalThis.x = 1", headless=True
    )

    assert isinstance(refused, SecurityError), refused
    assert refused.code == "ERR_WINDOW_CONTROL"
    assert isinstance(allowed, dict), allowed
    assert allowed["unsupported"] == ["userScript"]  # headless: no engine runs it


async def test_a_huge_user_script_is_out_of_range_before_anything_else():
    error = await create(userScript="x" * (MAX_USER_SCRIPT + 1))

    assert isinstance(error, IPCError)
    assert isinstance(error, OutOfRangeError), error
    assert error.code == "ERR_SCRIPT_TOO_LARGE"


# ---------------------------------------------------------------------------------------------
# [window] for the first window
# ---------------------------------------------------------------------------------------------


def test_the_first_windows_config_options_reach_its_engine():
    options = configured_options(
        WindowSettings(
            min_width=300,
            max_width=700,
            max_height="50%",
            aspect_ratio="4:3",
            closable=False,
            minimizable=False,
            resizable=False,
            frameless=True,
            utility=True,
        ),
        None,
    )
    placed = on_screen(options, (1280, 800))

    assert (placed.min_width, placed.max_width, placed.max_height) == (300, 700, 400)
    assert placed.aspect_ratio == (4.0, 3.0)
    assert (placed.closable, placed.minimizable, placed.maximizable) == (False, False, True)
    assert (placed.resizable, placed.frameless, placed.utility) == (False, True, True)


def test_bad_first_window_options_warn_and_keep_their_defaults(caplog):
    caplog.set_level(logging.WARNING, "oro_framework.windows")
    options = configured_options(
        WindowSettings(
            min_width=-5,
            min_height=600,
            max_height=300,
            aspect_ratio="wide",
            titlebar_style="hidden",
        ),
        None,
    )

    assert options.min_width is None
    assert (options.min_height, options.max_height) == (600, None)  # the minimum is kept
    assert options.aspect_ratio is None
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 4, warnings
    assert any("titlebar_style" in warning for warning in warnings)
    assert any("window.aspect_ratio" in warning for warning in warnings)


# ---------------------------------------------------------------------------------------------
# aspectRatio, as Socket reads it
# ---------------------------------------------------------------------------------------------

_SIDES = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)


@given(_SIDES, _SIDES, st.sampled_from(["", " ", "\t"]))
def test_two_positive_numbers_parse_as_width_and_height(width, height, space):
    text = f"{space}{width!r}{space}:{space}{height!r}{space}"
    if not 1 / MAX_ASPECT <= width / height <= MAX_ASPECT:
        with pytest.raises(ValueError, match="ratio"):
            parse_aspect_ratio(text)
        return
    assert parse_aspect_ratio(text) == (width, height)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_a_value_error(text):
    try:
        width, height = parse_aspect_ratio(text)
    except ValueError:
        return
    assert text.count(":") == 1
    assert math.isfinite(width)
    assert width > 0
    assert math.isfinite(height)
    assert height > 0
    assert 1 / MAX_ASPECT <= width / height <= MAX_ASPECT


@pytest.mark.parametrize("text", ["0:1", "1:0", "-16:9", "nan:1", "inf:1", "16", "16:", "a:b"])
def test_what_socket_would_drop_is_a_value_error(text):
    with pytest.raises(ValueError, match="expected"):
        parse_aspect_ratio(text)


# ---------------------------------------------------------------------------------------------
# User-Agent
# ---------------------------------------------------------------------------------------------


def test_the_user_agent_is_the_engines_with_oro_runtime_once_or_the_apps_own():
    engine = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    product = WindowOptions(user_agent_product="OroRuntime/1.2.3")
    replaced = WindowOptions(user_agent="Kiosk/1", user_agent_product="OroRuntime/1.2.3")

    assert product.page_user_agent(engine) == f"{engine} OroRuntime/1.2.3"
    # The profile Qt's windows share already has it: not twice.
    assert product.page_user_agent(f"{engine} OroRuntime/1.2.3") == f"{engine} OroRuntime/1.2.3"
    assert replaced.page_user_agent(engine) == "Kiosk/1"
