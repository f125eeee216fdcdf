"""Specifier rewriting in served modules, the app's import map file and the page's meta CSP
(issue 40): the pure functions by example and by property, and the bridge serving them."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Final

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.host.builtin import find_js_api
from oro_framework.testing import live_server, make_host
from oro_framework.web.csp import adapt_meta_policies, adapt_policy, script_hash
from oro_framework.web.js_scanner import import_sites
from oro_framework.web.preload import merge_import_maps
from oro_framework.web.specifiers import (
    ModuleRewriter,
    might_name_a_specifier,
    namespace_name,
    resolve_specifier,
    rewrite_imports,
)

SERVED: Final = {
    "oro:fs": "/oro/fs.js",
    "oro:fs/promises": "/oro/fs/promises.js",
    "node:fs": "/oro/fs.js",
    "oro:os": "/oro/os.js",
}


SCHEME: Final = re.compile(r"(?:oro|socket|node|(?i:npm)):")
"""What the rewriter maps (``oro_framework.web.specifiers``)."""


def resolve(specifier: str) -> str | None:
    return resolve_specifier(specifier, SERVED)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import fs from 'socket:fs'", "import fs from '/oro/fs.js'"),
        ('import { a, b as c } from "oro:os"', 'import { a, b as c } from "/oro/os.js"'),
        ("import 'node:fs'", "import '/oro/fs.js'"),
        ("import d, * as all from 'oro:os'", "import d, * as all from '/oro/os.js'"),
        ("export * from 'socket:fs/promises'", "export * from '/oro/fs/promises.js'"),
        ("export * as os from 'oro:os'", "export * as os from '/oro/os.js'"),
        ("export { x as 'y z' } from 'oro:os'", "export { x as 'y z' } from '/oro/os.js'"),
        ("await import('socket:os')", "await import('/oro/os.js')"),
        ("import('oro:os', { with: {} })", "import('/oro/os.js', { with: {} })"),
        ("import x from 'npm:lodash'", "import x from '/oro/npm/lodash'"),
        ("import x from 'npm:@scope/pkg/sub.js'", "import x from '/oro/npm/@scope/pkg/sub.js'"),
        ("a = b / 2 / import('oro:os')", "a = b / 2 / import('/oro/os.js')"),
        ("`${import('socket:fs')}`", "`${import('/oro/fs.js')}`"),
        ("`a${`b${import('oro:os')}`}`", "`a${`b${import('/oro/os.js')}`}`"),
    ],
)
def test_specifiers_in_import_positions_are_rewritten(source: str, expected: str) -> None:
    assert rewrite_imports(source, resolve) == expected


@pytest.mark.parametrize(
    "source",
    [
        "const s = \"import 'oro:fs'\"",
        "// import 'oro:fs'",
        "/* export * from 'oro:fs' */",
        "const t = `import 'oro:fs'`",
        "const t = `${x} import('oro:fs')`",
        "const r = /import 'oro:fs'/",
        "if (a) x = /from 'oro:fs'/.test(y)",
        "obj.import('oro:fs')",
        "obj?.import('oro:fs')",
        "const o = { import: 'oro:fs' }",
        "import.meta.resolve('oro:fs')",
        "import x from 'oro:missing'",  # not served: left to fail as it would have
        "import x from 'npm:../escape'",
        "import x from 'npm:pkg/../../x'",
        "import x from 'npm:Bad Name'",
        "import x from './local.js'",
        "import x from 'o\\u0072o:fs'",  # an escape: the value is not plain text
        "export const from = 'oro:fs'",
        "export default function from () { return 'oro:fs' }",
    ],
)
def test_the_same_text_elsewhere_is_never_rewritten(source: str) -> None:
    assert rewrite_imports(source, resolve) == source


def test_a_regex_after_a_keyword_and_a_division_after_a_value_are_told_apart() -> None:
    source = "return /'/; import 'oro:os'\nconst q = a / 2; import x from \"oro:fs\" // '"
    assert rewrite_imports(source, resolve) == (
        "return /'/; import '/oro/os.js'\nconst q = a / 2; import x from \"/oro/fs.js\" // '"
    )


SPECIFIER_FREE: Final = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=":"), max_size=300
)
CODE: Final = st.lists(
    st.sampled_from(
        [
            "import fs from 'socket:fs'\n",
            'import { a } from "oro:os"\n',
            "export * from 'node:fs'\n",
            "await import('oro:fs/promises')\n",
            "import m from 'npm:pkg'\n",
            "const s = \"import 'oro:fs'\"\n",
            "// import 'socket:os'\n",
            "/* import('oro:fs') */\n",
            "const t = `import 'oro:fs' ${import('socket:os')} x`\n",
            "const r = /import 'oro:fs'/g\n",
            "const q = a / 2 / b\n",
            "x = { import: 'oro:os' }\n",
            "obj.import('oro:fs')\n",
            "'unterminated\n",
            "`open template ${ {\n",
            "/* open comment\n",
            "}})]]\n",
            "import(`oro:fs`)\n",
            "import x from oro:fs\n",
            "import y from '\\x6fro:fs'\n",
            "import z from 'NPM:pkg'\n",
            "import\u2003'oro:os'\n",
            "import x from/* c */'oro:fs'\n",
            "import(\n// c\n'oro:os')\n",
            "import x from // c\u2028'oro:fs'\n",
            "export { a as b } from\t'node:fs'\r",
            "\ufeffimport y from\ufeff'socket:os'\n",
            "/** @example import { a } from 'oro:fs' */\n",
            "import x from '",
        ]
    )
    | st.text(max_size=20),
    max_size=12,
).map("".join)


@given(SPECIFIER_FREE)
def test_a_file_without_a_specifier_is_never_changed(source: str) -> None:
    """Text without a ``:`` cannot name ``oro:``/``socket:``/``node:``/``npm:``."""
    assert rewrite_imports(source, resolve) is source


@given(CODE)
def test_rewriting_is_idempotent_and_changes_only_import_strings(source: str) -> None:
    once = rewrite_imports(source, resolve)
    assert rewrite_imports(once, resolve) == once
    # Every change is one import position's string replaced by its resolved URL.
    sites = [site for site in import_sites(source) if resolve(site.value)]
    rebuilt, last = [], 0
    for site in sites:
        rebuilt += [source[last : site.start], resolve(site.value) or ""]
        last = site.end
    assert once == "".join(rebuilt) + source[last:]


@given(CODE)
def test_the_rewriter_s_shortened_scan_rewrites_what_the_whole_scan_does(source: str) -> None:
    """The bridge's rewriter stops scanning after the last line holding a quote and a scheme:
    what it makes of any text is what the scan of the whole text makes."""
    assert ModuleRewriter(SERVED).rewrite_text(source) == rewrite_imports(source, resolve)


@given(CODE)
def test_a_file_the_quick_test_passes_over_is_never_changed(source: str) -> None:
    """The rewriter scans only files :func:`might_name_a_specifier` lets through: what it
    passes over, the scan would have left as it is."""
    if not might_name_a_specifier(source.encode()):
        assert rewrite_imports(source, resolve) is source


def test_the_core_modules_import_each_other_by_relative_paths_only() -> None:
    """The bridge sends js-api's modules as they are, unscanned (a worker gets no import map):
    none may import by a scheme, only its JSDoc examples name one."""
    js_api = find_js_api()
    assert js_api is not None
    by_scheme = {
        str(path.relative_to(js_api)): [site.value for site in sites]
        for path in js_api.rglob("*.js")
        if "node_modules" not in path.relative_to(js_api).parts  # the type checker's, not served
        and (sites := [site for site in import_sites(path.read_text()) if SCHEME.match(site.value)])
    }
    assert by_scheme == {}


@given(st.text(max_size=400))
def test_the_scanner_takes_any_text(source: str) -> None:
    for site in import_sites(source):
        assert source[site.start : site.end] == site.value


def test_npm_and_socket_resolve_as_documented() -> None:
    assert resolve("socket:fs/promises") == "/oro/fs/promises.js"
    assert resolve("npm:@scope/pkg") == "/oro/npm/@scope/pkg"
    assert resolve("npm:pkg/dist/x.js") == "/oro/npm/pkg/dist/x.js"
    assert resolve("socket:missing") is None
    assert resolve("fs") is None
    assert namespace_name("oro:protocol-handlers") == "protocolHandlers"
    assert namespace_name("oro:child_process") == "child_process"


def test_import_maps_merge_ours_then_the_apps_then_the_pages() -> None:
    merged = merge_import_maps(
        {"oro:fs": "/oro/fs.js", "x": "/ours.js"},
        {
            "imports": {"x": "npm:x", "y": "socket:fs", "z": "/z.js"},
            "scopes": {"/a/": {"w": "oro:fs"}},
        },
        {"imports": {"z": "/page-z.js"}},
        resolve=resolve,
    )
    assert merged == {
        "imports": {
            "oro:fs": "/oro/fs.js",
            "x": "/oro/npm/x",
            "y": "/oro/fs.js",
            "z": "/page-z.js",
        },
        "scopes": {"/a/": {"w": "/oro/fs.js"}},
    }


CONNECT: Final = ["http://127.0.0.1:4000", "ws://127.0.0.1:4000"]


def test_the_vanilla_template_policy_gets_oros_transports_and_keeps_the_rest() -> None:
    adapted = adapt_policy(
        "connect-src http://localhost:8080 ipc://* file://* socket:*; child-src 'none'; "
        "img-src https: data: file:;",
        connect=CONNECT,
    )
    assert adapted.policy == (
        "connect-src http://localhost:8080 ipc://* file://* socket:* 'self' http://127.0.0.1:4000 "
        "ws://127.0.0.1:4000; child-src 'none'; img-src https: data: file: 'self'"
    )
    assert adapted.blocking == []


def test_scripts_and_workers_get_self_where_they_allow_oros_schemes() -> None:
    adapted = adapt_policy(
        "default-src 'none' ipc:; worker-src socket: blob:; frame-src https:",
        connect=CONNECT,
        inline_scripts=["a()"],
    )
    assert adapted.policy == (
        "default-src 'none' ipc:; worker-src socket: blob: 'self'; frame-src https:; "
        f"connect-src ipc: {' '.join(CONNECT)}; script-src ipc: 'self' {script_hash('a()')}"
    )


def test_a_hash_is_added_only_where_unsafe_inline_is_not() -> None:
    """A hash in a directive switches its 'unsafe-inline' off: the page's own inline scripts
    would stop running."""
    adapted = adapt_policy(
        "connect-src ipc:; script-src 'self' 'unsafe-inline'",
        connect=CONNECT,
        inline_scripts=["a()"],
    )
    assert "sha256" not in adapted.policy
    assert "script-src 'self' 'unsafe-inline'" in adapted.policy


@pytest.mark.parametrize(
    ("policy", "directive"),
    [
        ("connect-src https:", "connect-src"),
        ("default-src 'self'", "default-src"),
        ("default-src 'none'; img-src ipc:", "default-src"),
    ],
)
def test_a_policy_that_keeps_oro_out_is_left_as_it_is(policy: str, directive: str) -> None:
    adapted = adapt_policy(policy, connect=CONNECT, inline_scripts=["a()"])
    assert (adapted.policy, adapted.blocking) == (policy, [directive])


def test_a_policy_not_written_for_oro_and_not_restricting_connections_is_untouched() -> None:
    assert adapt_policy("img-src https:", connect=CONNECT).policy == "img-src https:"


def test_the_meta_element_is_rewritten_in_place() -> None:
    html = (
        "<head><meta charset=utf-8><META HTTP-EQUIV='Content-Security-Policy' "
        "CONTENT='connect-src ipc:'><meta http-equiv=refresh content=5></head>"
    )
    rewritten, blocking = adapt_meta_policies(html, connect=CONNECT)
    assert rewritten == (
        "<head><meta charset=utf-8><META HTTP-EQUIV='Content-Security-Policy' "
        f'content="connect-src ipc: {" ".join(CONNECT)}"><meta http-equiv=refresh content=5>'
        "</head>"
    )
    assert blocking == []


pytestmark = pytest.mark.anyio


def _app(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


async def test_a_plain_module_is_sent_as_the_file_and_one_with_a_specifier_rewritten(
    tmp_path: Path,
) -> None:
    app = _app(
        tmp_path,
        {
            "index.html": "<!doctype html><title>t</title>",
            "plain.js": "export const a = 'node-ish text: not a specifier'\n",
            "ported.js": "import { join } from 'socket:path'\nexport const b = join\n",
        },
    )
    async with (
        make_host(app_dir=app) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        plain = await client.get("/plain.js")
        ported = await client.get("/ported.js")
        module = await client.get("/oro/ipc.js")
        again = await client.get("/ported.js", headers={"if-none-match": ported.headers["etag"]})
    status = (app / "plain.js").stat()
    assert plain.content == (app / "plain.js").read_bytes()
    assert plain.headers["etag"] == f'"{status.st_mtime_ns:x}-{status.st_size:x}"'
    assert ported.text == "import { join } from '/oro/path.js'\nexport const b = join\n"
    assert ported.headers["content-type"].startswith("text/javascript")
    assert again.status_code == 304
    # A JSDoc example naming 'oro:ipc' is no import: the core module goes out as its file.
    js_api = find_js_api()
    assert js_api is not None
    assert module.content == (js_api / "ipc.js").read_bytes()


async def test_the_namespace_of_oro_index_lists_the_served_modules() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        names = (await client.get("/oro/generated/modules.js")).text
    assert "export * as path from '/oro/path.js'" in names
    assert "export * as index " not in names
    assert "export * as bootstrap from '/oro/bootstrap.js'" in names


async def test_a_missing_app_import_map_is_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(
        tmp_path,
        {"index.html": "<title>t</title>", "oro.toml": '[webview]\nimportmap = "nope.json"\n'},
    )
    with caplog.at_level(logging.WARNING, logger="oro_framework.bridge"):
        async with (
            make_host(app_dir=app) as host,
            live_server(host) as server,
            server.client() as client,
        ):
            pages = [await client.get("/") for _ in range(2)]
    assert all(page.status_code == 200 for page in pages)
    lines = [record.getMessage() for record in caplog.records if "importmap" in record.getMessage()]
    assert len(lines) == 1
    assert "nope.json" in lines[0]


async def test_a_webview_csp_header_written_for_oro_allows_the_transports(tmp_path: Path) -> None:
    app = _app(tmp_path, {"index.html": "<title>t</title>"})
    config = {"webview.csp": "default-src 'self'; connect-src ipc: socket:"}
    async with (
        make_host(app_dir=app, config=config) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response: httpx.Response = await client.get("/")
    policy = response.headers["content-security-policy"]
    assert f"connect-src ipc: socket: 'self' {server.origin} ws://127.0.0.1:{server.port}" in policy
