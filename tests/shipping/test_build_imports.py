"""Which modules an app's pages import, found in their text whatever the import's form."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from oro_framework.build.imports import find_specifiers, specifiers_in

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


@given(st.sampled_from(["oro", "node"]), names, forms, st.text(max_size=40))
def test_a_specifier_in_any_import_form_is_found(
    scheme: str, name: str, form: str, noise: str
) -> None:
    specifier = f"{scheme}:{name}"
    assert specifier in specifiers_in(noise + "\n" + form.format(specifier) + "\n" + noise)


@given(st.text(alphabet=st.characters(blacklist_characters=":"), max_size=200))
def test_text_without_a_scheme_names_no_module(text: str) -> None:
    assert specifiers_in(text) == set()


def test_socket_specifiers_and_module_urls_count_as_oro_modules() -> None:
    text = """
    import fs from 'socket:fs'
    importScripts('/oro/service-worker/worker.js')
    <script type=module src="http://127.0.0.1:9000/oro/ai.js?v=1"></script>
    """
    assert specifiers_in(text) == {"oro:fs", "oro:service-worker/worker", "oro:ai"}


def test_files_outside_the_app_source_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "main.js").write_text("import fs from 'oro:fs'")
    (tmp_path / "style.css").write_text("/* 'oro:ai' */")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "index.js").write_text("import 'oro:dns'")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "old.js").write_text("import 'oro:udp'")
    found = find_specifiers(tmp_path, skipped=[tmp_path / "dist"])
    assert found == {"oro:fs": [tmp_path / "main.js"]}
