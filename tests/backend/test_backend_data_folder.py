"""docs/backend.md's example of a command finding the app's data folder, run as written: its
file lands in the host's data folder (where the pages' ``data:`` paths point), not beside the
app, and a name cannot lead out of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _apps import backend_host, write_app

from oro_framework.testing import MemoryClient

pytestmark = pytest.mark.anyio

REPOSITORY = Path(__file__).resolve().parents[2]


def _documented_backend() -> str:
    text = (REPOSITORY / "docs" / "backend.md").read_text(encoding="utf-8")
    section = text.split("## The app's data folder\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(# backend\.py\n.*?)```", section, flags=re.DOTALL)
    assert found is not None, "the section shows a backend.py"
    return found.group(1)


async def test_the_documented_command_writes_into_the_apps_data_folder(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", _documented_backend())
    async with backend_host(app) as host:
        client = MemoryClient(host)
        saved = await client.call("backend.save_note", name="today.md", text="# hi")
        escaped = await client.call("backend.save_note", name="../../x.md", text="no")
        listed = await client.call("backend.list_notes")
        notes = host.paths.data / "notes"

        assert saved.data == "today.md"
        assert (notes / "today.md").read_text(encoding="utf-8") == "# hi"
        assert escaped.data == "x.md"
        assert (notes / "x.md").is_file()
        assert listed.data == ["today.md", "x.md"]
        assert not (app / "notes").exists()
