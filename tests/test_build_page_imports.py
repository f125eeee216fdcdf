"""What the pages import decides the plugins a build ships; the app's tests never ship."""

from __future__ import annotations

import tarfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework.build.builder import build_app
from oro_framework.build.freeze import stage_app
from oro_framework.build.launcher import APP_DIRECTORY
from oro_framework.build.plan import plan_build
from oro_framework.host.app import Host
from oro_framework.host.errors import BuildError
from oro_framework.host.modules import read_header
from oro_framework.host.plugin_modules import PLUGIN_MODULES
from oro_framework.web.page_imports import html_imports, js_imports

REPOSITORY = Path(__file__).resolve().parents[1]

names = st.from_regex(r"[a-z][a-z0-9_\-]{0,10}(/[a-z0-9_\-]{1,8}){0,2}", fullmatch=True)
# Every syntactic position an import may take, in JavaScript ({} is the specifier's text).
JS_FORMS = [
    "import x from '{}'",
    'import {{ a, b as c }} from "{}"',
    "import x, * as y from '{}'",
    "export * from '{}'",
    "export {{ a }} from '{}'",
    "import '{}';",
    "const m = await import('{}')",
    "const m = await import(`{}`)",
    "new Worker('/oro/{path}.js')",
]
HTML_FORMS = [
    '<script type="module">import x from "{}"</script>',
    "<script>import('{}').then(() => {{}})</script>",
    '<script type="importmap">{{"imports": {{"x": "{}"}}}}</script>',
    '<script type="module" src="/oro/{path}.js"></script>',
]
# Code around it that a regular expression over the text would misread.
NOISE = st.sampled_from(
    [
        "",
        "const a = 1 / 2 / 3",
        "const r = /['\"]/g",
        "// it's a comment",
        "/* ' \" ` */",
        "const s = `a ${'b'} c`",
        "if (a) { b() }",
    ]
)


@given(st.sampled_from(["oro", "socket", "node"]), names, st.sampled_from(JS_FORMS), NOISE, NOISE)
def test_a_specifier_in_any_javascript_import_position_is_found(
    scheme: str, name: str, form: str, before: str, after: str
) -> None:
    source = f"{before}\n{form.format(f'{scheme}:{name}', path=name)}\n{after}"
    expected = f"{'oro' if scheme == 'socket' or '/oro/' in form else scheme}:{name}"
    found = js_imports(source)
    assert [(item.specifier, item.line) for item in found] == [(expected, 2)]


@given(st.sampled_from(["oro", "node"]), names, st.sampled_from(HTML_FORMS), NOISE)
def test_a_specifier_in_any_html_import_position_is_found(
    scheme: str, name: str, form: str, noise: str
) -> None:
    source = (
        f"<!doctype html>\n<script>{noise}</script>\n{form.format(f'{scheme}:{name}', path=name)}"
    )
    expected = f"{'oro' if '/oro/' in form else scheme}:{name}"
    assert [(item.specifier, item.line) for item in html_imports(source)] == [(expected, 3)]


@given(st.sampled_from(["oro", "node"]), names, st.sampled_from(JS_FORMS[:-1]))
def test_an_import_in_a_comment_or_a_string_is_no_import(scheme: str, name: str, form: str) -> None:
    text = form.format(f"{scheme}:{name}")
    hidden = [f"// {text}", f"/* {text} */", f"const s = {text!r}", f"const t = `{text}`"]
    assert js_imports("\n".join(hidden)) == []
    assert html_imports(f"<!-- <script type=module>{text}</script> -->") == []


@given(st.text(max_size=300))
def test_the_scanner_never_fails_on_any_text(text: str) -> None:
    js_imports(text)
    html_imports(text)
    html_imports(f"<script type=module>{text}</script><script type=importmap>{text}")


def test_the_names_a_page_imports_are_read() -> None:
    source = (
        "import ai, { chat, complete as c, 'odd' as o } from 'oro:ai'\n"
        "export { embed } from 'oro:ai'"
    )
    assert [item.names for item in js_imports(source)] == [
        ("default", "chat", "complete", "odd"),
        ("embed",),
    ]


def _plugin_headers() -> dict[str, str]:
    """Every specifier the project's plugins declare in their ``.d.ts`` headers → the
    distribution (``plugins/<dist>/pyproject.toml``)."""
    declared: dict[str, str] = {}
    for project in sorted(REPOSITORY.glob("plugins/oro-*/pyproject.toml")):
        distribution = tomllib.loads(project.read_text())["project"]["name"]
        for declarations in project.parent.glob("src/*/js/**/*.d.ts"):
            header = read_header(declarations)
            if header is not None:
                for specifier in (header[0], *header[1]):
                    declared[specifier] = distribution
    return declared


def test_the_host_table_holds_every_module_the_plugins_declare() -> None:
    declared = _plugin_headers()
    assert {specifier: PLUGIN_MODULES.get(specifier) for specifier in declared} == declared


def test_the_host_table_agrees_with_the_modules_a_host_with_every_plugin_serves(
    tmp_path: Path,
) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "T"\nbundle_identifier = "dev.oro.t"\n')
    host = Host(tmp_path)
    try:
        distributions = {info.name: info.distribution for info in host.plugins}
        served = {
            specifier: distributions[module.plugin]
            for specifier, module in host.js_modules.specifiers().items()
            if distributions[module.plugin] != "oro-framework"
        }
    finally:
        host.close()
    assert served == dict(PLUGIN_MODULES)


def _app(tmp_path: Path, toml: str = "", **files: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "oro.toml").write_text(
        '[meta]\nname = "T"\nbundle_identifier = "dev.oro.t"\nversion = "1.0.0"\n' + toml
    )
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_build_plugins_that_leave_out_an_imported_plugin_is_refused(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        '[build]\nplugins = ["oro-dns"]\n',
        **{"main.js": "// notes\nimport { chat } from 'oro:ai'\n"},
    )
    with pytest.raises(BuildError) as caught:
        plan_build(app)
    assert str(caught.value) == (
        "[build] plugins leaves out a plugin the pages import: main.js:2 imports oro:ai, whose "
        'plugin is oro-ai. Add "oro-ai" to [build] plugins, or remove the import: the page '
        "would not load without it"
    )


def test_a_page_import_and_a_backend_import_each_ship_their_plugin(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        **{
            "index.html": '<script type="module">\n\nimport "socket:zlib"\n</script>',
            "backend.py": "import oro_sqlite\n",
            "main.js": "// import 'oro:udp'\nconst s = \"import 'oro:dns'\"\n",
        },
    )
    plan = plan_build(app)
    reasons = {choice.distribution: choice.reason for choice in plan.plugins}
    assert reasons["oro-zlib"] == "imports oro:zlib (index.html:3)"
    assert reasons["oro-sqlite"] == "imported by the backend (oro_sqlite)"
    assert {"oro-udp", "oro-dns", "oro-ai"} <= set(plan.left_out)
    assert plan.left_out_because == (
        "not imported by a page, not named in backend.py, no config key"
    )


def test_a_page_import_of_a_plugin_that_is_not_loaded_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path, **{"main.js": "\n\nimport { chat } from 'oro:ai'\n"})
    monkeypatch.setenv("ORO_DISABLE_PLUGINS", "ai")
    with pytest.raises(BuildError) as caught:
        plan_build(app)
    assert str(caught.value) == (
        "main.js:3 imports oro:ai, whose plugin oro-ai is installed but not loaded "
        "(ORO_LOAD_PLUGINS, ORO_DISABLE_PLUGINS or [plugins] disable leave it out). The page "
        "would not load without it: make it available and build again, or remove the import"
    )


def test_a_page_import_of_a_plugin_that_is_not_installed_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module of a plugin distribution that this environment lacks.
    monkeypatch.setattr(
        "oro_framework.build.imports.PLUGIN_MODULES", {"oro:maps": "oro-maps-not-installed"}
    )
    app = _app(tmp_path, **{"index.html": '<script type="module">\nimport "oro:maps"</script>'})
    with pytest.raises(BuildError) as caught:
        plan_build(app)
    assert str(caught.value).startswith(
        "index.html:2 imports oro:maps, whose plugin oro-maps-not-installed is not installed: "
        "pip install oro-maps-not-installed. The page would not load without it"
    )


def test_the_apps_tests_neither_choose_plugins_nor_ship(tmp_path: Path) -> None:
    app = _app(
        tmp_path / "app",
        **{
            "index.html": "<p>hi</p>",
            "test/index.js": "import 'oro:test'\nimport 'oro:sqlite'\n",
            "test/helpers.js": "export const x = 1\n",
            "lib/math.test.js": "import 'oro:zlib'\n",
            "tests/fixture.json": "{}",
        },
    )
    (tmp_path / "app" / "oro.toml").write_text(
        (tmp_path / "app" / "oro.toml").read_text()
        + '[test]\nfiles = ["test/index.js", "**/*.test.js"]\n'
    )
    plan = plan_build(app)
    assert {"oro-sqlite", "oro-zlib"} <= set(plan.left_out)
    staged = stage_app(plan, tmp_path / "stage", skipped=[])
    shipped = sorted(str(path.relative_to(staged)) for path in staged.rglob("*"))
    assert shipped == ["index.html", "lib", "oro.toml"]


def test_a_built_app_carries_no_test_file(tmp_path: Path) -> None:
    app = _app(
        tmp_path / "app",
        **{
            "index.html": "<p>hi</p>",
            "test/index.js": "import { test } from 'oro:test'\n",
            "widget.test.js": "export {}\n",
        },
    )
    (app / "oro.toml").write_text(
        (app / "oro.toml").read_text() + '[test]\nfiles = ["test/index.js", "*.test.js"]\n'
    )
    result = build_app(app, targets=["onedir", "tar"], out=tmp_path / "out", say=lambda _: None)
    tar = next(item.path for item in result.artifacts if item.kind == "tar")
    with tarfile.open(tar) as archive:
        members = archive.getnames()
    # The app's own files, beside which the bundle carries oro:test's module (js-api/test/).
    app_files = sorted(
        name.split(f"/{APP_DIRECTORY}/", 1)[1] for name in members if f"/{APP_DIRECTORY}/" in name
    )
    assert app_files == ["index.html", "oro.toml"]
    folder = next(item.path for item in result.artifacts if item.kind == "onedir")
    assert sorted(path.name for path in folder.rglob(f"{APP_DIRECTORY}/*")) == app_files
