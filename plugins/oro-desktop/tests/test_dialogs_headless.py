"""The file dialog route without a window (in memory): a NotSupportedError that points to the
page's own file input; the page's mistakes are typed errors whatever the app runs on; Oro's
``contentTypeSpecs`` become the dialog's file-type list; grants end with their page."""

from __future__ import annotations

import sys
from typing import Any

import oro_desktop.plugin
import pytest
from oro_desktop.dialogs.options import name_filters

from oro_framework import InvalidArgumentError
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


async def test_headless_the_picker_says_to_use_the_pages_own_file_input() -> None:
    async with make_host([oro_desktop.plugin]) as host:
        reply = await MemoryClient(host).call("window.showFileSystemPicker", type="open")
        assert reply.error is not None
        error = reply.error.to_dict()
        assert (error["type"], error["code"]) == ("NotSupportedError", "ERR_HEADLESS")
        assert '<input type="file">' in error["message"]
        assert "oro_desktop.dialogs.qt" not in sys.modules


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"type": "delete"}, "type"),
        ({"allowFiles": False, "allowDirs": False}, "allowFiles"),
        ({"allowMultiple": "often"}, "allowMultiple"),
        ({"contentTypeSpecs": "Nothing:("}, "contentTypeSpecs"),
        ({"contentTypeSpecs": "x" * 5000}, "contentTypeSpecs"),
        ({"defaultName": "../up.txt"}, "defaultName"),
        ({"defaultPath": "relative/dir"}, "defaultPath"),
        ({"title": "a\0b"}, "title"),
        ({"title": {"not": "text"}}, "title"),
    ],
)
async def test_bad_parameters_are_type_errors(params: dict[str, Any], parameter: str) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        reply = await MemoryClient(host).call("window.showFileSystemPicker", **params)
        assert isinstance(reply.error, InvalidArgumentError), reply
        assert reply.error.extra["parameter"] == parameter


async def test_the_dialogs_permission_turns_the_picker_off() -> None:
    async with make_host([oro_desktop.plugin], config={"permissions.allow_dialogs": False}) as host:
        reply = await MemoryClient(host).call("window.showFileSystemPicker")
        assert reply.error is not None
        assert reply.error.to_dict()["type"] == "NotAllowedError"


async def test_a_pages_grants_end_when_it_goes_away() -> None:
    async with make_host([oro_desktop.plugin]) as host:
        host.file_grants.grant(0, "/home/someone/picked.txt")
        host.file_grants.grant(1, "/home/someone/other.txt")
        host.hooks.page_closed(host, 0)
        assert host.file_grants.of(0) == []
        assert [grant.path for grant in host.file_grants.of(1)] == ["/home/someone/other.txt"]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ("", []),
        ("image/png,image/jpeg", [("image/png, image/jpeg", {"*.png", "*.jpg", "*.jpeg"})]),
        ("Images:*.png *.jpg", [("Images", {"*.png", "*.jpg"})]),
        (
            "Images:image/png .gif|Text:text/plain",
            [("Images", {"*.png", "*.gif"}), ("Text", {"*.txt"})],
        ),
        ("Docs (old):*.doc", [("Docs old", {"*.doc"})]),
    ],
)
def test_content_type_specs_become_name_filters(
    specs: str, expected: list[tuple[str, set[str]]]
) -> None:
    filters = name_filters(specs)
    assert [name_filter.name for name_filter in filters] == [name for name, _ in expected]
    for name_filter, (_, patterns) in zip(filters, expected, strict=True):
        assert patterns <= set(name_filter.patterns)
        assert name_filter.qt == f"{name_filter.name} ({' '.join(name_filter.patterns)})"


def test_a_wildcard_mime_type_lists_every_extension_of_its_kind() -> None:
    (images,) = name_filters("image/*")
    assert {"*.png", "*.jpg", "*.gif"} <= set(images.patterns)
    assert not any(pattern in images.patterns for pattern in ("*.txt", "*.html"))
