"""The .desktop entry and the icon a build installs: valid for desktop-file-validate, with the
app's deep-link schemes, and an icon a launcher can show."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import pytest

from oro_framework.build.desktop import desktop_entry
from oro_framework.build.icon import default_icon, png_size


def _validate(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "dev.oro.test.desktop"
    path.write_text(text)
    return subprocess.run(
        ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("name", "executable", "schemes"),
    [
        ("Notes", "/usr/bin/notes", ("web+notes",)),
        ("Notes; with $pecial\nchars", "/opt/my app/notes", ("web+notes", "web+todo")),
        ("Plain", "plain", ()),
    ],
)
def test_the_entry_is_valid_and_registers_the_schemes(
    tmp_path: Path, name: str, executable: str, schemes: tuple[str, ...]
) -> None:
    text = desktop_entry(
        name=name, executable=executable, icon="dev.oro.test", comment="a test", schemes=schemes
    )
    result = _validate(tmp_path, text)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = text.splitlines()
    assert any(line.startswith("Exec=") and line.endswith(" %u") for line in lines)
    mime = [line for line in lines if line.startswith("MimeType=")]
    assert mime == (
        ["MimeType=" + "".join(f"x-scheme-handler/{s};" for s in schemes)] if schemes else []
    )


def test_a_path_with_spaces_is_quoted_in_exec() -> None:
    text = desktop_entry(name="A", executable="/opt/my app/a", icon="a")
    assert 'Exec="/opt/my app/a" %u' in text.splitlines()


def test_the_default_icon_is_a_square_png_that_differs_per_app() -> None:
    first, second = default_icon("dev.oro.one"), default_icon("dev.oro.two")
    assert first != second
    # IDAT holds 256 rows of a filter byte and 256 RGBA pixels.
    start = first.index(b"IDAT") + 4
    length = int.from_bytes(first[start - 8 : start - 4], "big")
    assert len(zlib.decompress(first[start : start + length])) == 256 * (1 + 256 * 4)


def test_the_icon_size_is_read_and_a_non_png_is_refused(tmp_path: Path) -> None:
    icon = tmp_path / "icon.png"
    icon.write_bytes(default_icon("dev.oro.x", size=64))
    assert png_size(icon) == (64, 64)
    fake = tmp_path / "icon.jpg.png"
    fake.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 40)
    with pytest.raises(ValueError, match="is not a PNG file"):
        png_size(fake)
