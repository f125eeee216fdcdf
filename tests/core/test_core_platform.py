import platform
import sys

import pytest

import oro_framework
import oro_framework.core.platform
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


async def primordials():
    async with make_host(plugins=[oro_framework.core.platform]) as host:
        return raise_for_error(await MemoryClient(host).call("platform.primordials")), host


async def lookup(value):
    async with make_host(plugins=[oro_framework.core.platform]) as host:
        return await MemoryClient(host).call("mime.lookup", value=value)


async def test_primordials_report_this_python():
    answer, _ = await primordials()

    assert answer["python"] == {
        "version": platform.python_version(),
        "implementation": sys.implementation.name,
    }


async def test_primordials_report_platform_and_host_operating_system():
    answer, _ = await primordials()

    assert answer["platform"] == sys.platform
    assert answer["host-operating-system"] == platform.system()


async def test_primordials_report_the_architecture_under_nodes_name():
    answer, _ = await primordials()

    # As Oro's primordials.arch and the page's process.arch say it: x64, not x86_64.
    expected = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
    assert answer["arch"] == expected.get(platform.machine().lower(), platform.machine().lower())


async def test_primordials_version_is_oro_frameworks_with_its_release_as_short():
    answer, _ = await primordials()

    version = answer["version"]
    assert version["full"] == f"{version['short']} ({version['hash']})"
    assert oro_framework.__version__.startswith(answer["version"]["short"])


async def test_primordials_say_the_build_hash_and_sqlite_as_oros_route_does():
    """Oro's route ``platform.primordials`` (its inventory): ``version.hash`` and the versions
    of the libraries the runtime has, of which this one has SQLite (Python's)."""
    import sqlite3

    from oro_framework.core import _system

    answer, _ = await primordials()

    assert answer["version"]["hash"] == _system.build_hash(oro_framework.__version__)
    assert answer["sqlite"] == sqlite3.sqlite_version


async def test_primordials_list_every_plugin_of_the_host_with_its_version():
    answer, host = await primordials()

    assert answer["plugins"] == {info.name: info.version for info in host.plugins}
    assert {"oro", "platform"} <= answer["plugins"].keys()


async def test_primordials_cwd_is_the_apps_resources_as_in_oro():
    answer, host = await primordials()

    assert answer["cwd"] == str(host.paths.resources)


async def test_mime_lookup_of_js_is_text_javascript():
    reply = await lookup("a/b.js")

    assert reply.data == {"url": "a/b.js", "type": "text/javascript"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("module.mjs", "text/javascript"),
        ("lib/engine.wasm", "application/wasm"),
        ("data.json", "application/json"),
        ("index.html", "text/html"),
        ("style.css", "text/css"),
        ("icon.svg", "image/svg+xml"),
    ],
)
async def test_mime_lookup_knows_the_web_types_pages_load(value, expected):
    reply = await lookup(value)

    assert reply.data["type"] == expected


async def test_mime_lookup_ignores_case_of_the_extension():
    reply = await lookup("APP.JS")

    assert reply.data["type"] == "text/javascript"


async def test_mime_lookup_ignores_query_and_fragment_of_a_url():
    reply = await lookup("https://example.com/app/main.css?v=3#top")

    assert reply.data == {"url": "https://example.com/app/main.css?v=3#top", "type": "text/css"}


async def test_mime_lookup_reads_windows_paths():
    reply = await lookup("C:\\app\\index.html")

    assert reply.data["type"] == "text/html"


async def test_mime_lookup_uses_the_system_table_beyond_web_types():
    reply = await lookup("report.pdf")

    assert reply.data["type"] == "application/pdf"


async def test_mime_lookup_of_a_data_url_is_its_declared_type():
    reply = await lookup("data:image/png;base64,iVBORw0KGgo=")

    assert reply.data["type"] == "image/png"


@pytest.mark.parametrize("value", ["archive.unknownextension", "README", "dir.d/file"])
async def test_mime_lookup_of_unknown_type_is_octet_stream(value):
    reply = await lookup(value)

    assert reply.data["type"] == "application/octet-stream"


async def test_mime_lookup_only_counts_the_last_extension():
    reply = await lookup("backup.json.gz")

    assert reply.data["type"] != "application/json"


async def test_mime_lookup_without_value_is_missing_args():
    async with make_host(plugins=[oro_framework.core.platform]) as host:
        reply = await MemoryClient(host).call("mime.lookup")

    assert reply.error is not None
    assert reply.error.code == "ERR_MISSING_ARGS"
