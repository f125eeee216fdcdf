"""Which modules an app's pages import, found in their code whatever the import's form
(tests/test_build_page_imports.py tries every position against comments and strings)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from oro_framework.build.imports import ImportSite, find_specifiers, specifiers_in

names = st.from_regex(r"[a-z][a-z0-9_\-]{0,10}(/[a-z0-9_\-]{1,8}){0,2}", fullmatch=True)
forms = st.sampled_from(
    [
        "import x from '{}'",
        'import {{ a }} from "{}"',
        "export * from '{}'",
        "const m = await import(`{}`)",
        '<script type="importmap">{{"imports": {{"x": "{}"}}}}</script>',
        "import '{}';",
    ]
)


@given(st.sampled_from(["oro", "node"]), names, forms)
def test_a_specifier_in_any_import_form_is_found(scheme: str, name: str, form: str) -> None:
    specifier = f"{scheme}:{name}"
    text = form.format(specifier)
    assert specifier in specifiers_in(text, html=text.startswith("<script"))


@given(st.text(alphabet=st.characters(blacklist_characters=":"), max_size=200))
def test_text_without_a_scheme_names_no_module(text: str) -> None:
    assert specifiers_in(text) == set()


def test_socket_specifiers_and_module_urls_count_as_oro_modules() -> None:
    script = "import fs from 'socket:fs'\nimportScripts('/oro/service-worker/worker.js')"
    page = '<script type=module src="http://127.0.0.1:9000/oro/ai.js?v=1"></script>'
    assert specifiers_in(script) == {"oro:fs", "oro:service-worker/worker"}
    assert specifiers_in(page, html=True) == {"oro:ai"}


def test_files_outside_the_app_source_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "main.js").write_text("import fs from 'oro:fs'")
    (tmp_path / "style.css").write_text("/* 'oro:ai' */")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "index.js").write_text("import 'oro:dns'")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "old.js").write_text("import 'oro:udp'")
    found = find_specifiers(tmp_path, skipped=[tmp_path / "dist"])
    assert found == {"oro:fs": [ImportSite(tmp_path / "main.js", 1)]}
