"""The ``mime.table`` route: the host's whole extension → media type table, for ``oro:mime``."""

import mimetypes

import pytest

import oro_framework.core.platform
from oro_framework import mime as _mime
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def table(**params):
    async with make_host(plugins=[oro_framework.core.platform]) as host:
        return await MemoryClient(host).call("mime.table", **params)


async def lookup(value):
    async with make_host(plugins=[oro_framework.core.platform]) as host:
        return raise_for_error(await MemoryClient(host).call("mime.lookup", value=value))["type"]


async def test_the_table_is_what_lookup_answers_for_each_extension():
    pairs = raise_for_error(await table())["types"]
    types = dict(pairs)

    assert len(types) == len(pairs), "one entry per extension"
    assert len(types) > 100, "the system's table, not only the pinned web types"
    for extension in ("js", "mjs", "wasm", "png", "svg", "woff2", "txt", "html", "json"):
        assert types[extension] == await lookup(f"file.{extension}"), extension
    # Beyond the pinned types: whatever the system table says for them.
    for extension in ("jpe", "xpm", "pbm"):
        expected = mimetypes.guess_type(f"f.{extension}", strict=False)[0]
        assert types[extension] == expected == await lookup(f"a.{extension}"), extension


async def test_the_webs_common_types_are_the_same_on_every_machine():
    # MDN's common types, as Oro's table answers them, whatever /etc/mime.types says (or lacks):
    # a gzip file is a gzip file, not an unknown encoding.
    types = dict(raise_for_error(await table())["types"])
    expected = {
        "gz": "application/gzip",
        "bz2": "application/x-bzip2",
        "ts": "video/mp2t",
        "wav": "audio/wav",
        "opus": "audio/opus",
        "3gp": "video/3gpp",
        "sh": "application/x-sh",
        "mid": "audio/midi",
    }
    for extension, media_type in expected.items():
        assert types[extension] == media_type == await lookup(f"a.b.{extension}"), extension


async def test_extensions_are_lowercase_without_the_dot():
    pairs = raise_for_error(await table())["types"]

    for extension, media_type in pairs:
        assert extension == extension.lower(), extension
        assert not extension.startswith("."), extension
        assert "/" in media_type, media_type


async def test_the_pinned_web_types_come_first_so_reverse_lookups_prefer_them():
    pairs = raise_for_error(await table())["types"]

    first = [extension for extension, _ in pairs[:3]]
    assert first == ["js", "mjs", "cjs"]
    jpeg = [extension for extension, media_type in pairs if media_type == "image/jpeg"]
    assert jpeg[0] == "jpg"


async def test_a_top_level_type_keeps_only_its_entries():
    image = raise_for_error(await table(type="image"))["types"]
    everything = raise_for_error(await table())["types"]

    assert image == [pair for pair in everything if pair[1].startswith("image/")]
    assert ["png", "image/png"] in image
    assert raise_for_error(await table(type="x-nothing-here"))["types"] == []


@pytest.mark.parametrize("value", ["Image", "image/png", "", "../etc", "a b", "-x"])
async def test_a_bad_top_level_type_is_a_typed_error(value):
    reply = await table(type=value)

    assert reply.error is not None
    assert reply.error.error_type == "TypeError"
    assert reply.error.code == "ERR_INVALID_ARG_VALUE"


def test_media_types_match_guess_media_type():
    for extension, media_type in _mime.media_types().items():
        assert _mime.guess_media_type(f"name.{extension}") == media_type, extension
