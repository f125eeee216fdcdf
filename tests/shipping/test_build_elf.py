"""The libraries an ELF file needs, read from the file: the same list binutils' readelf prints,
and a clear ValueError (never another exception) for a damaged file."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oro_framework.build.elf import needed_libraries

BINARIES = [
    Path("/bin/ls"),
    Path(sys.executable).resolve(),
    Path(shutil.which("dpkg") or "/bin/sh"),
]


def _readelf_needed(path: Path) -> list[str]:
    output = subprocess.run(
        ["readelf", "--dynamic", "--wide", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", output)


@pytest.mark.parametrize("binary", BINARIES, ids=lambda path: path.name)
def test_the_needed_libraries_are_those_readelf_lists(binary: Path) -> None:
    assert needed_libraries(binary) == _readelf_needed(binary)


@settings(max_examples=200)
@given(st.data())
def test_a_damaged_file_is_a_value_error(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    original = Path("/bin/ls").read_bytes()
    cut = data.draw(st.integers(min_value=0, max_value=len(original)))
    flips = data.draw(st.lists(st.integers(min_value=0, max_value=len(original) - 1), max_size=8))
    damaged = bytearray(original[:cut])
    for index in flips:
        if index < len(damaged):
            damaged[index] ^= 0xFF
    path = tmp_path_factory.mktemp("elf") / "damaged"
    path.write_bytes(bytes(damaged))
    try:
        needed = needed_libraries(path)
    except ValueError:
        return
    assert all(isinstance(name, str) for name in needed)
