"""How editors save, so that ``oro dev`` counts a save as one change of the file saved.

Most editors do not write a file in place: they write a temporary file beside it and rename it
onto the target (an *atomic save*), keep a backup, a swap file or a lock beside it, or probe the
folder first. :data:`EDITOR_FILES` is the one table of those names, from each editor's documented
behaviour; the watchers of :mod:`~oro_framework.cli.dev_watch` never count them, and
:func:`final_paths` reads a batch of changes by where it left the files.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Final

import watchfiles

from oro_framework.records import record

__all__ = ["EDITOR_FILES", "EDITOR_PATTERNS", "Bursts", "EditorFile", "final_paths"]


@record
class EditorFile:
    """Files an editor or tool writes beside the one it saves.

    :ivar who: the editor or tool.
    :ivar pattern: a regular expression matching the file's name (not its folder).
    :ivar why: what it writes and when, as its documentation says.
    """

    who: str
    pattern: str
    why: str


EDITOR_FILES: Final = (
    EditorFile(
        "GIO: gedit, GNOME Text Editor, every GTK app saving with g_file_replace()",
        r"^\.goutputstream-\w{6}$",
        "writes .goutputstream-XXXXXX in the target's folder, then renames it onto the target",
    ),
    EditorFile(
        "GNU sed -i",
        r"^sed\w{6}$",
        "writes sedXXXXXX in the target's folder, then renames it onto the target",
    ),
    EditorFile(
        "Vim",
        r"^4913$",
        "with backupcopy=auto, creates and deletes 4913 to learn whether it may rename the file",
    ),
    EditorFile(
        "Vim, Neovim, nano",
        r"^\..+\.sw[a-px]$",
        "keeps the unsaved text in .NAME.swp (.swo, ... if taken; .swx probes the folder)",
    ),
    EditorFile(
        "Vim, Emacs, Kate, nano, most editors",
        r"~$",
        "backs the file up as NAME~; Vim's backupcopy=no renames the file so and writes a new one",
    ),
    EditorFile("Emacs", r"^\.#", "marks a file being edited with the lock link .#NAME"),
    EditorFile("Emacs", r"^#.*#$", "auto-saves unsaved text to #NAME# every few hundred keys"),
    EditorFile(
        "JetBrains IDEs (safe write)",
        r"___jb_(tmp|old)___$",
        "writes NAME___jb_tmp___, renames the file to NAME___jb_old___ and the new one onto it",
    ),
    EditorFile("Kate", r"\.kate-swp$", "keeps the unsaved text in .NAME.kate-swp"),
    EditorFile(
        "tools writing NAME.tmp, Python's tempfile, Rust's tempfile",
        r"(\.tmp|^\.?tmp\w{6,8})$",
        "write NAME.tmp, tmpXXXXXXXX or .tmpXXXXXX, then rename it onto the target",
    ),
)
"""The files editors and tools write beside a file they save; none of them is the app's."""

EDITOR_PATTERNS: Final = tuple(entry.pattern for entry in EDITOR_FILES)


def final_paths(changes: Collection[tuple[watchfiles.Change, str]]) -> list[Path]:
    """The files a batch of changes changed, read by where it left them: each path once (a
    file deleted and written again, renamed onto or written in place, is one change of it), but
    not one that appeared and is gone again (a temporary file of an unknown name, renamed onto
    its target within the batch)."""
    appeared = {path for change, path in changes if change == watchfiles.Change.added}
    return sorted(
        {Path(path) for _, path in changes if path not in appeared or os.path.lexists(path)}
    )


class Bursts:
    """A watcher's batches of changes joined into saves. A batch that leaves a file it changed
    missing is held and joined to the next: an editor renaming the file away before writing
    the new one (Vim, Emacs, JetBrains) can pause longer than the watcher's step between the
    two on a busy machine, and reporting the missing file would reload the pages onto a 404,
    then again. An empty batch (the watcher's quiet timeout) ends the wait: the file was
    deleted."""

    def __init__(self) -> None:
        self._pending: set[tuple[watchfiles.Change, str]] = set()

    def add(self, changes: set[tuple[watchfiles.Change, str]]) -> list[Path] | None:
        """The files changed once ``changes`` (a batch, empty on a quiet timeout) completes
        the pending save; ``None`` while it is held."""
        self._pending |= changes
        changed = final_paths(self._pending)
        if changes and any(not os.path.lexists(path) for path in changed):
            return None
        self._pending = set()
        return changed
