"""``primordials.version.hash`` (Oro's ``api/ipc.d.ts`` ``primordials``, its route
``platform.primordials``): the commit the runtime was built from, read from git's files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from oro_framework import __version__
from oro_framework.core import _system


def _git(directory: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def _repository(tmp_path: Path) -> tuple[Path, str]:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a").write_text("a")
    _git(tmp_path, "add", "a")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a")
    return tmp_path / ".git", _git(tmp_path, "rev-parse", "HEAD")


def test_a_development_version_names_its_own_hash() -> None:
    assert _system.build_hash("0.2.0.dev3+g1a2b3c4d5e") == "1a2b3c4d"


def test_a_loose_ref_a_packed_ref_and_a_detached_head_are_read(tmp_path: Path) -> None:
    git, commit = _repository(tmp_path)
    assert _system._checkout_commit(git) == commit
    _git(tmp_path, "pack-refs", "--all")
    assert not (git / "refs" / "heads" / "main").exists()
    assert _system._checkout_commit(git) == commit
    _git(tmp_path, "checkout", "-q", "--detach")
    assert _system._checkout_commit(git) == commit


def test_a_linked_worktree_reports_its_own_head(tmp_path: Path) -> None:
    # A worktree's .git is a file (`gitdir: ...`); its branch lives in the main repository.
    (tmp_path / "main").mkdir()
    main, first = _repository(tmp_path / "main")
    _git(main.parent, "worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    side = tmp_path / "side"
    (side / "b").write_text("b")
    _git(side, "add", "b")
    _git(side, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "b")
    assert (side / ".git").is_file()
    assert _system._checkout_commit(side / ".git") == _git(side, "rev-parse", "HEAD") != first
    _git(main.parent, "pack-refs", "--all")
    assert _system._checkout_commit(side / ".git") == _git(side, "rev-parse", "HEAD")
    (side / ".git").write_text("not a pointer\n")
    assert _system._checkout_commit(side / ".git") is None


def test_no_checkout_or_a_broken_head_has_no_commit(tmp_path: Path) -> None:
    assert _system._checkout_commit(tmp_path / ".git") is None
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/gone\n")
    assert _system._checkout_commit(tmp_path / ".git") is None
    (tmp_path / ".git" / "HEAD").write_text("not a commit\n")
    assert _system._checkout_commit(tmp_path / ".git") is None


def test_this_checkout_reports_its_head() -> None:
    root = Path(_system.__file__).resolve().parents[2]
    # Uncached: others may commit while the suite runs.
    assert _system.build_hash.__wrapped__(__version__) == _git(root, "rev-parse", "HEAD")[:8]
