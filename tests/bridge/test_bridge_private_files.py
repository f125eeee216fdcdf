"""The app's Python and config files stay off the wire (issue 50), over a real host and sockets.

``backend.py``, the modules and packages beside it, bytecode (``__pycache__``, ``.pyc``) and the
config files (``oro.toml``, ``oro.ini``, ``socket.ini``, read or shadowed) are answered 404
exactly like a missing file: to a page with the session, and to a request that only says it
is a Service Worker's script fetch (``Sec-Fetch-Dest: serviceworker``), which any local process
can send. That exception serves JavaScript and nothing else."""

from __future__ import annotations

import itertools
import json
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oro_framework.testing import LiveServer, ServedApp, live_server, make_host, served_app

pytestmark = pytest.mark.anyio

SECRET = "sk-live-" + "7" * 32
# What the engine sends when it fetches a worker's script or a module the script imports:
# never a cookie (module workers fetch with credentials "omit").
WORKER_SCRIPT = {
    "sec-fetch-site": "same-origin",
    "sec-fetch-dest": "serviceworker",
    "service-worker": "script",
}
WORKER_IMPORT = {"sec-fetch-dest": "serviceworker"}
MISSING = "/no-such-file"

# Every kind of file the bridge never serves, by its own path.
PRIVATE = [
    "/oro.toml",
    "/socket.ini",
    "/oro.ini",
    "/backend.py",
    "/helpers.py",
    "/store/__init__.py",
    "/store/keys.py",
    "/store/__pycache__/keys.cpython-312.pyc",
    "/__pycache__/backend.cpython-312.pyc",
    "/__pycache__/",
    "/scripts/migrate.py",
    "/lib/compiled.pyc",
    "/lib/types.pyi",
    "/web/oro.toml",
]
# ... and by other names that reach them: a symlink, hard links, a linked folder.
OTHER_NAMES = [
    "/backend-source.txt",
    "/notes.txt",
    "/keys-copy.txt",
    "/settings.txt",
    "/cache/backend.cpython-312.pyc",
]


def write_app(root: Path) -> tuple[Path, str]:
    """An app whose backend imports a package of its own (named uniquely: ``sys.modules``
    outlives the test), with every private kind of file beside the page and its scripts.

    :returns: the app folder and the package's name.
    """
    app = root / "app"
    package = f"store_{uuid.uuid4().hex[:8]}"
    files: dict[str, str] = {
        "oro.toml": f'[meta]\nname = "private"\n# a key someone left here: {SECRET}\n',
        "socket.ini": f"[meta]\ntitle = private\n; {SECRET}\n",
        "oro.ini": f"[meta]\ntitle = private\n; {SECRET}\n",
        "backend.py": f"import {package}.keys\nimport helpers\n\nAPI_KEY = {SECRET!r}\n",
        "helpers.py": f"TOKEN = {SECRET!r}\n",
        f"{package}/__init__.py": "",
        f"{package}/keys.py": f"KEY = {SECRET!r}\n",
        "store/__init__.py": "",
        "store/keys.py": f"KEY = {SECRET!r}\n",
        "store/__pycache__/keys.cpython-312.pyc": SECRET,
        "__pycache__/backend.cpython-312.pyc": SECRET,
        "scripts/migrate.py": f"PASSWORD = {SECRET!r}\n",
        "lib/compiled.pyc": SECRET,
        "lib/types.pyi": f"KEY: str  # {SECRET}\n",
        "web/oro.toml": f"# {SECRET}\n",
        "index.html": "<html><head></head><body>page</body></html>",
        "about.html": "<html><head></head><body>about</body></html>",
        "docs/index.html": "<html><head></head><body>docs</body></html>",
        "app.js": "export const app = 1\n",
        "sw.js": "self.onfetch = () => {}\n",
        "worker/module.mjs": "export const m = 1\n",
        "data.json": '{"data": 1}',
        "style.css": "body {}\n",
        "node_modules/demo/package.json": json.dumps({"name": "demo", "main": "index.js"}),
        "node_modules/demo/index.js": "export default 1\n",
        "node_modules/demo/data.json": '{"demo": 1}',
        "node_modules/demo/style.css": "p {}\n",
    }
    for name, text in files.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (app / "backend-source.txt").symlink_to(app / "backend.py")
    os.link(app / "backend.py", app / "notes.txt")
    # A hard link to a module the backend imported: known by the inode it had at start.
    os.link(app / package / "keys.py", app / "keys-copy.txt")
    # A hard link to a shadowed config file, which the host never reads.
    os.link(app / "socket.ini", app / "settings.txt")
    (app / "cache").symlink_to(app / "__pycache__")
    return app, package


@asynccontextmanager
async def serving(root: Path) -> AsyncIterator[LiveServer]:
    app, _ = write_app(root)
    async with make_host([], app_dir=app) as host, live_server(host) as server:
        assert host.backend is not None
        assert host.backend.error is None
        yield server


def without_date(headers: httpx.Headers) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "date"}


async def answers(
    server: LiveServer,
    path: str,
    *,
    session: bool,
    headers: Mapping[str, str] | None = None,
    missing: str = MISSING,
) -> tuple[httpx.Response, httpx.Response]:
    """``path`` and a missing file (``missing``), asked for the same way."""
    async with server.client(session=session, headers=dict(headers or {})) as client:
        return await client.get(path), await client.get(missing)


def assert_missing(answer: httpx.Response, missing: httpx.Response) -> None:
    assert SECRET not in answer.text
    assert answer.status_code == missing.status_code == 404
    assert answer.content == missing.content
    assert without_date(answer.headers) == without_date(missing.headers)


# -------------------------------------------------------------------------------------------------
# Never served, whoever asks
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PRIVATE + OTHER_NAMES)
async def test_python_and_config_files_are_a_missing_file_to_a_page(
    tmp_path: Path, path: str
) -> None:
    async with serving(tmp_path) as server:
        answer, missing = await answers(server, path, session=True)
        page = (await answers(server, "/index.html", session=True))[0]

    assert_missing(answer, missing)
    assert page.status_code == 200


@pytest.mark.parametrize("headers", [WORKER_SCRIPT, WORKER_IMPORT], ids=["script", "import"])
@pytest.mark.parametrize("path", PRIVATE + OTHER_NAMES)
async def test_python_and_config_files_are_a_missing_file_to_a_worker_fetch_without_session(
    tmp_path: Path, path: str, headers: Mapping[str, str]
) -> None:
    async with serving(tmp_path) as server:
        answer, missing = await answers(server, path, session=False, headers=headers)

    assert_missing(answer, missing)


@pytest.mark.parametrize("named_by", ["environment", "oro.toml"])
async def test_a_hard_link_to_the_secrets_file_is_a_missing_file(
    tmp_path: Path, named_by: str
) -> None:
    app, _ = write_app(tmp_path)
    secrets = tmp_path / "private" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(f'[http.ipc]\nshared_key = "{SECRET}"\n')
    os.link(secrets, app / "secrets-copy.toml")
    environ = {"ORO_SECRETS_FILE": str(secrets)} if named_by == "environment" else {}
    if named_by == "oro.toml":
        config = app / "oro.toml"
        config.write_text(
            config.read_text() + '\n[oro]\nsecrets_file = "../private/secrets.toml"\n'
        )
    async with make_host([], app_dir=app, environ=environ) as host, live_server(host) as server:
        assert host.config["http.ipc.shared_key"] == SECRET
        by_page = await answers(server, "/secrets-copy.toml", session=True)
        by_worker = await answers(
            server, "/secrets-copy.toml", session=False, headers=WORKER_IMPORT
        )

    assert_missing(*by_page)
    assert_missing(*by_worker)


async def test_the_host_says_once_why_a_python_file_was_answered_404(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="oro_framework.bridge"):
        async with serving(tmp_path) as server:
            for _ in range(3):
                await answers(server, "/scripts/migrate.py", session=True)
            await answers(server, "/.env", session=True)

    lines = [
        record.getMessage() for record in caplog.records if "never serves" in record.getMessage()
    ]
    assert len(lines) == 1
    assert "scripts/migrate.py" in lines[0]
    assert "section 9" in lines[0]


# -------------------------------------------------------------------------------------------------
# What a worker's script fetch without a session gets: JavaScript alone
# -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/index.html",
        "/about",
        "/docs",
        "/docs/",
        "/data.json",
        "/style.css",
        "/oro/npm/demo/data.json",
        "/oro/npm/demo/style.css",
        "/oro/npm/demo/package.json",
    ],
)
@pytest.mark.parametrize("headers", [WORKER_SCRIPT, WORKER_IMPORT], ids=["script", "import"])
async def test_a_worker_fetch_without_session_gets_no_page_or_data(
    tmp_path: Path, path: str, headers: Mapping[str, str]
) -> None:
    # Each family answers a missing file its own way (oro/npm names the path in its answer);
    # the answer is that one's.
    is_npm = path.startswith("/oro/npm/")
    missing = "/oro/npm/demo/none.json" if is_npm else MISSING
    async with serving(tmp_path) as server:
        answer, not_there = await answers(
            server, path, session=False, headers=headers, missing=missing
        )
        with_session = (await answers(server, path, session=True))[0]

    if is_npm:
        assert answer.content == not_there.content.replace(missing.encode(), path.encode())
        lengthless = {**without_date(not_there.headers), "content-length": str(len(answer.content))}
        assert without_date(answer.headers) == lengthless
    else:
        assert_missing(answer, not_there)
    assert answer.status_code == 404
    assert with_session.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/sw.js", "/app.js", "/worker/module.mjs", "/oro/npm/demo", "/oro/npm/demo/index.js"],
)
async def test_a_worker_fetch_without_session_still_gets_javascript(
    tmp_path: Path, path: str
) -> None:
    async with serving(tmp_path) as server:
        answer, _ = await answers(server, path, session=False, headers=WORKER_IMPORT)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")


async def test_the_hosts_modules_are_served_to_a_worker_fetch_without_session(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as server:
        module, _ = await answers(server, "/oro/errors.js", session=False, headers=WORKER_IMPORT)

    assert module.status_code == 200
    assert module.headers["content-type"].startswith("text/javascript")


# -------------------------------------------------------------------------------------------------
# Property: over any app tree, a path of a never-served kind is never served
# -------------------------------------------------------------------------------------------------

_PYTHON_SUFFIXES = (".py", ".PY", ".pyc", ".pyo", ".pyw", ".pyi", ".pyd", ".Pyc")
_WEB_SUFFIXES = (".js", ".mjs", ".cjs", ".html", ".json", ".css", ".txt", "")
_CONFIG_NAMES = ("oro.toml", "socket.ini", "oro.ini", "ORO.TOML", "Socket.Ini")
_folders = st.sampled_from(["lib", "pkg", "__pycache__", "__PYCACHE__", "web", "a.py", "x"])
_stems = st.sampled_from(["backend", "main", "util", "sw", "index", "keys"])
_names = st.one_of(
    st.builds(lambda stem, suffix: stem + suffix, _stems, st.sampled_from(_PYTHON_SUFFIXES)),
    st.builds(lambda stem, suffix: stem + suffix, _stems, st.sampled_from(_WEB_SUFFIXES)),
    st.sampled_from(_CONFIG_NAMES),
)
_files = st.builds(lambda folders, name: [*folders, name], st.lists(_folders, max_size=3), _names)
_trees = st.lists(_files, min_size=1, max_size=6, unique_by=lambda parts: "/".join(parts).lower())


def is_private(parts: list[str]) -> bool:
    """The rule of docs/security.md section 9, written out independently of the bridge."""
    folded = [part.casefold() for part in parts]
    name = folded[-1]
    return (
        any(part == "__pycache__" for part in folded)
        or name in {"oro.toml", "socket.ini", "oro.ini"}
        or os.path.splitext(name)[1] in {".py", ".pyc", ".pyo", ".pyw", ".pyi", ".pyd"}
    )


@pytest.fixture(scope="module")
def tree_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServedApp, Path, str]]:
    app = tmp_path_factory.mktemp("trees") / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "trees"\n')
    (app / "index.html").write_text("<html><head></head><body>trees</body></html>")
    with served_app([], app_dir=app) as served:
        yield served, app, served.call(served.server.session_cookie)


_examples = itertools.count()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_trees, link=st.booleans())
@example(tree=[["backend.py"], ["pkg", "__pycache__", "keys.pyc"], ["sw.js"]], link=True)
@example(tree=[["web", "Socket.Ini"], ["lib", "util.PY"], ["a.py", "index.html"]], link=False)
def test_no_file_of_a_private_kind_is_ever_served_in_any_tree(
    tree_app: tuple[ServedApp, Path, str], tree: list[list[str]], link: bool
) -> None:
    served, app, session = tree_app
    server = served.server
    base = f"t{next(_examples)}"
    for parts in tree:
        path = app.joinpath(base, *parts)
        if path.parent.exists() and not path.parent.is_dir():
            continue  # a file of the tree took the folder's name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # a folder of the tree may have taken the file's name
            path.write_text(SECRET)
    written = [parts for parts in tree if app.joinpath(base, *parts).is_file()]
    links: list[tuple[list[str], list[str]]] = []
    if link:
        # A harmless name leading to each file: a symlink is judged by where it leads.
        for number, parts in enumerate(written):
            name = f"link-{number}.txt"
            app.joinpath(base, name).symlink_to(app.joinpath(base, *parts))
            links.append(([name], parts))
    cookies = {server.cookie_name: session}
    with (
        httpx.Client(base_url=server.origin, cookies=cookies) as page,
        httpx.Client(base_url=server.origin, headers=WORKER_IMPORT) as worker,
    ):
        missing = page.get(f"/{base}/no-such-file")
        for asked, parts in [(parts, parts) for parts in written] + links:
            url = "/" + "/".join([base, *asked])
            by_page, by_worker = page.get(url), worker.get(url)
            if is_private(parts):
                for answer in (by_page, by_worker):
                    assert (answer.status_code, answer.content) == (404, missing.content), url
                    assert without_date(answer.headers) == without_date(missing.headers), url
            else:
                assert by_page.status_code == 200, url
                is_script = parts[-1].endswith((".js", ".mjs", ".cjs"))
                assert by_worker.status_code == (200 if is_script else 404), url
