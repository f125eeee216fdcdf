"""How ``oro dev`` joins a watcher's batches into saves (:class:`Bursts`), on real files: a batch
that leaves the saved file missing waits for the batch that writes it again, however long the
editor paused between the two, and a file really deleted is reported once the watcher is quiet."""

from __future__ import annotations

import os
from pathlib import Path

from watchfiles import Change

from oro_framework.cli.dev_editors import Bursts


def test_a_file_renamed_away_and_written_later_is_one_change(tmp_path: Path) -> None:
    main = tmp_path / "main.js"
    main.write_text("v0", encoding="utf-8")
    bursts = Bursts()

    os.replace(main, tmp_path / "main.js~")  # Vim's backupcopy=no: the file renamed away
    held = bursts.add({(Change.deleted, str(main))})
    main.write_text("v1", encoding="utf-8")  # a batch later: the new text written
    saved = bursts.add({(Change.added, str(main))})

    assert held is None
    assert saved == [main]
    assert bursts.add(set()) == []


def test_a_deleted_file_is_reported_when_the_watcher_is_quiet(tmp_path: Path) -> None:
    gone = tmp_path / "old.css"
    bursts = Bursts()

    assert bursts.add({(Change.deleted, str(gone))}) is None
    assert bursts.add(set()) == [gone]


def test_a_temporary_file_renamed_onto_its_target_counts_as_the_target(tmp_path: Path) -> None:
    main = tmp_path / "main.js"
    temporary = tmp_path / "tmpa1b2c3d4"
    main.write_text("v1", encoding="utf-8")
    bursts = Bursts()

    saved = bursts.add(
        {
            (Change.added, str(temporary)),
            (Change.deleted, str(temporary)),
            (Change.added, str(main)),
        }
    )

    assert saved == [main]


def test_a_file_saved_in_place_is_reported_at_once(tmp_path: Path) -> None:
    main = tmp_path / "main.js"
    main.write_text("v1", encoding="utf-8")

    assert Bursts().add({(Change.modified, str(main))}) == [main]
