"""``oro doctor`` names the system library a window engine's native plugin cannot load.

The libraries are real ELF files built with the system C compiler: one links against a library
that is then deleted, so the dynamic loader (through ``ldd``) reports it missing exactly as it
would for Qt's xcb plugin on a system without ``libxcb-cursor0``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from oro_framework.cli.doctor_checks import _qt_backend
from oro_framework.cli.shared_libraries import missing_libraries, qt_xcb_plugin


def _shared_library(directory: Path, name: str, *, needs: str | None = None) -> Path:
    source = directory / f"{name}.c"
    source.write_text(f"int {name}_value(void) {{ return 1; }}\n", encoding="utf-8")
    output = directory / f"lib{name}.so"
    # cc is there wherever the suite runs: scripts/bootstrap compiles llama.cpp with it.
    command = ["cc", "-shared", "-fPIC", "-o", str(output), str(source)]
    if needs is not None:
        # --no-as-needed keeps the dependency recorded though no symbol of it is used.
        command[1:1] = ["-Wl,--no-as-needed"]
        command += [f"-L{directory}", f"-l{needs}"]
    subprocess.run(command, check=True, capture_output=True)
    return output


def test_a_dependency_the_loader_cannot_find_is_named(tmp_path: Path) -> None:
    dependency = _shared_library(tmp_path, "vanishing")
    plugin = _shared_library(tmp_path, "plugin", needs="vanishing")
    dependency.unlink()

    assert missing_libraries(plugin) == ["libvanishing.so"]


def test_a_library_whose_dependencies_resolve_has_none_missing(tmp_path: Path) -> None:
    assert missing_libraries(_shared_library(tmp_path, "plain")) == []


def test_the_qt_check_passes_only_when_its_xcb_plugin_loads() -> None:
    plugin = qt_xcb_plugin()
    if plugin is None:
        pytest.fail("PyQt6 is part of the test environment (the gui extra) and has libqxcb.so")
    check = _qt_backend()
    assert check.ok is (missing_libraries(plugin) == []), check
