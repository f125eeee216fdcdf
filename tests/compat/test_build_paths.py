"""Where a build may go (issue 53): Socket joins ``[build] output`` and each copy source to the
app folder and goes wherever that leads; oro goes there too, but only into the user's own
folders (``oro_framework.host.build_paths``). A property over paths built from ``..``, links
(to ``/``, ``/etc``, the home folder, a sibling folder, themselves), ``~``, ``/`` and absolute
paths: a build either succeeds, writing nothing outside the allowed roots and copying nothing
from the system, or ends in a ConfigError or BuildError naming the key; never another error.

Each example runs in a sandbox of its own under ``/tmp``, with the home folder and the
temporary folder inside it: the allowed roots (home, temporary folder, the app's workspace, the
sandbox itself) all lie in the sandbox, so anything the build leaves outside it is a bug.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from oro_framework.build.steps import BuildSteps, run_build_steps
from oro_framework.host.build_paths import check_build_output, real_path, user_roots
from oro_framework.host.errors import BuildError, ConfigError

LINKS = {
    "to-root": "/",
    "to-etc": "/etc",
    "to-home": "{home}",
    "to-sibling": "{sandbox}/work/proj/sibling",
    "loop": "{app}/loop",
}
"""Links inside the app a path may go through, and where they lead."""
PARTS = st.sampled_from(["..", "..", "build", "out", "~", ".", "src", "etc", *LINKS])
STARTS = st.sampled_from(["", "", "", "/", "/etc/", "/usr/lib/", "/tmp/", "{home}/", "{app}/"])
SYSTEM_FILES = frozenset({"passwd", "hostname", "os-release", "ld.so.conf"})
"""Files of /etc that a copy must never bring into an output."""


@st.composite
def paths(draw: st.DrawFn) -> str:
    return draw(STARTS) + "/".join(draw(st.lists(PARTS, min_size=1, max_size=5)))


SOURCES = st.one_of(paths(), st.sampled_from(["src", "../sibling", "to-sibling/shared.js", "~"]))
"""Copy sources: any path, or often one a Socket app names (so that many builds succeed)."""


@contextmanager
def sandbox() -> Iterator[Path]:
    """An app in ``<sandbox>/work/proj/app`` (with ``src/``), a sibling project, and the home
    and temporary folders inside the sandbox."""
    root = Path(tempfile.mkdtemp(dir="/tmp", prefix="oro-build-paths-")).resolve()
    with pytest.MonkeyPatch.context() as patch:
        (root / "home").mkdir()
        (root / "tmp").mkdir()
        patch.setenv("HOME", str(root / "home"))
        patch.setattr(tempfile, "tempdir", str(root / "tmp"))
        app = root / "work" / "proj" / "app"
        (app / "src").mkdir(parents=True)
        (app / "src" / "index.html").write_text("<h1>app</h1>", encoding="utf-8")
        (root / "work" / "proj" / "sibling").mkdir()
        (root / "work" / "proj" / "sibling" / "shared.js").write_text("export {}", "utf-8")
        for name, target in LINKS.items():
            (app / name).symlink_to(target.format(home=root / "home", sandbox=root, app=app))
        try:
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _outside(path: Path, root: Path) -> bool:
    return not path.is_relative_to(root)


def _lexical(app: Path, written: str) -> Path:
    return Path(os.path.normpath(app / written))


def _build(steps: BuildSteps) -> Path | ConfigError | BuildError:
    """The output built, or the refusal; any other error fails the property."""
    try:
        return run_build_steps(steps, write=lambda _: None, warn=lambda _: None)
    except (ConfigError, BuildError) as error:
        return error


@settings(max_examples=100)
@given(output=paths(), source=SOURCES, mapped=SOURCES)
def test_a_build_writes_only_inside_the_allowed_roots_or_is_a_clear_error(
    output: str, source: str, mapped: str
) -> None:
    with sandbox() as root:
        app = root / "work" / "proj" / "app"
        home = root / "home"
        output, source, mapped = (
            text.format(home=home, app=app) for text in (output, source, mapped)
        )
        # Where the output would land outside the sandbox, as written and through links.
        candidates = {_lexical(app, output), real_path(app / output)}
        candidates = {path for path in candidates if _outside(path, root)}
        existed = {path: path.exists() for path in candidates}
        parents = {path.parent for path in candidates}
        listed = {parent: set(os.listdir(parent)) for parent in parents if parent.is_dir()}

        steps = BuildSteps(
            app_dir=app,
            output=real_path(app / output),
            copy=f"{source};src",
            copy_map=((mapped, "mapped"),),
        )
        built = _build(steps)
        event("built" if isinstance(built, Path) else f"refused: {type(built).__name__}")
        if isinstance(built, Path):
            assert built.is_relative_to(root), built
            assert not app.is_relative_to(built), "the app is never replaced"
            assert any(built.is_relative_to(allowed) for allowed in user_roots(app))
            assert built == check_build_output(app, output)
            copied = {path.name for path in built.rglob("*")}
            assert not copied & SYSTEM_FILES, copied
            assert (built / "index.html").is_file()
        else:
            assert str(built), "a refusal says why"
            key = built.key if isinstance(built, ConfigError) else "build."
            assert key is not None
            assert key.startswith("build."), built

        for path, was in existed.items():
            assert path.exists() == was, f"{path} was written outside the sandbox"
        for parent, names in listed.items():
            # No staging folder left beside an output outside the sandbox.
            added = set(os.listdir(parent)) - names
            assert not {name for name in added if ".staging-" in name}, added
