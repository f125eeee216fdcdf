"""Oro's build steps: ``[build] script``, ``[build] copy`` and the copy-maps, run before
``oro build``, ``oro run --build``, ``oro dev`` and ``oro test`` serve the app.

Everything is built into a fresh staging folder beside ``build.output``: the script runs in the
app folder with ``PREFIX`` naming it (as Socket's ``ssc build`` sets it), then ``[build] copy``,
``[build.copy-map]`` and the ``build.copy_map`` file copy into it, in that order, as Socket's
``handleBuildPhaseForUser`` then ``handleBuildPhaseForCopyMappedFiles`` do. A copy keeps a file
already in the output that is as new as its source or newer (Socket's
``fs::copy_options::update_existing``): what the script built from a source wins over that
source copied after it. A missing source is one warning, as in Socket. Only when all of that
succeeded does the staging folder take the output's place, in one exchange of the two folders;
a failed script leaves the previous output as it was, and no half-built one.

Where Socket goes anywhere a path leads, a build here goes only into the user's own folders
(:mod:`oro_framework.host.build_paths`): the output and copy sources may lie outside the app
(``output = "../build"``, ``"../src/index.js" = "index.js"``), never in ``/``, ``~`` or a system
folder wholesale (a :class:`ConfigError` naming the key). A source inside the output (what the
script wrote there, ``copy = "build/esbuild"``) is read from it before it is replaced. A link
met inside a copied folder is followed only into those folders (else skipped with a warning).
Writing stays inside the staging folder, even through links the script made.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final, final

from oro_framework.build.socket_version import (
    LEGACY_SCRIPT_ARGUMENTS_BEFORE,
    declared_socket_version,
)
from oro_framework.build.staging import STAGING_MARK, abandoned_staging
from oro_framework.host.build_paths import check_build_output, check_build_source, real_path
from oro_framework.host.builtin_settings import COPY_MAP_SECTION, BuildSettings
from oro_framework.host.config import get_document_value, read_document
from oro_framework.host.config.loading import SECRETS_FILE_ENV, SECRETS_FILE_KEY
from oro_framework.host.errors import BuildError, ConfigError, NotSupportedError
from oro_framework.records import record
from oro_framework.update.install import exchange

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "SCRIPT_TAIL_LINES",
    "BuildScriptError",
    "BuildSteps",
    "run_build_steps",
    "start_after_script",
]

SCRIPT_TAIL_LINES: Final = 20
"""Lines of a failed script's output repeated in its error."""
_FORWARD_KEY: Final = "build.script_forward_arguments"
MARK_FILE: Final = ".oro-build"
"""Written into every output the steps build: an existing output without it is not ours."""
_ORO_OUTPUT: Final = "build"
"""Oro's own output folder, which ``ssc build`` replaces as well: no mark needed."""
_SOCKET_PLATFORM_FOLDERS: Final = frozenset(
    {"linux", "mac", "win", "ios", "ios-simulator", "android", "android-emulator"}
)
"""What ``ssc build`` leaves in its ``build.output`` (``<output>/<platform>``): an output folder
holding nothing else was a Socket build's, and may be replaced without a mark."""
_CONFIG_FILES: Final = ("oro.toml", "socket.ini", "oro.ini")
_PLATFORM_PREFIXES: Final = {
    "linux_": "linux",
    "mac_": "darwin",
    "win_": "win32",
    "ios_": "ios",
    "android_": "android",
}
"""Copy-map file lines for one platform only, as Oro marks them."""
_LINUX_MAP: Final = "build.linux_copy_map"
_MODE_PREFIXES: Final = (("debug_", False), ("production_", True), ("prod_", True))


class BuildScriptError(BuildError):
    """``[build] script`` failed: its exit code and the last lines of its output.

    :ivar exit_code: what the command that ran it exits with (the script's status, or 128 plus
        the signal that ended it).
    """

    def __init__(self, command: str, exit_code: int, tail: Sequence[str], output: Path) -> None:
        shown = "\n".join(f"  {line}" for line in tail) or "  (it printed nothing)"
        super().__init__(
            f"[build] script {command!r} failed with exit code {exit_code}; nothing was built "
            f"({output} is as it was). Its last lines:\n{shown}"
        )
        self.exit_code = exit_code
        self.tail = list(tail)


@final
@record
class BuildSteps:
    """The build steps an app's config asks for (:meth:`from_host`)."""

    app_dir: Path
    """The app folder, resolved: where the script runs and copy sources are read."""
    output: Path
    """``build.output`` resolved: the folder the steps fill, replaced whole on success."""
    script: str = ""
    forward_arguments: bool = False
    script_after: str = ""
    """``[build.script] after``: started once the steps succeeded, never waited for."""
    legacy_socket: tuple[int, int, int] | None = None
    """The Socket version (before 0.5) the app was written for, when its script gets that
    version's arguments: the output folder, and ``--test=true`` for tests."""
    copy: str = ""
    copy_map: tuple[tuple[str, str], ...] = ()
    """``[build.copy-map]``: (source relative to the app, destination relative to output)."""
    copy_map_file: str = ""
    platform_copy_map_file: str = ""
    """``[build] linux_copy_map``: a copy-map file read on Linux after ``copy_map_file``."""
    never_copied: frozenset[Path] = frozenset()
    """Real paths no copy takes into the output, where the bridge would serve them: the app's
    config files, the secrets file and the files secret keys name."""

    @classmethod
    def from_host(cls, host: Host) -> BuildSteps:
        """The steps of ``host``'s app, as its config sets them."""
        build = host.settings(BuildSettings)
        app = host.app_dir.resolve()
        return cls(
            legacy_socket=_legacy_socket(host, app),
            app_dir=app,
            output=real_path(app / build.output),
            script=build.script,
            forward_arguments=build.script_forward_arguments,
            script_after=build.script_after,
            copy=build.copy,
            copy_map=tuple(build.copy_map_entries.items()),
            copy_map_file=build.copy_map,
            platform_copy_map_file=build.linux_copy_map,
            never_copied=frozenset(_private_files(host, app)),
        )

    @property
    def configured(self) -> bool:
        """Whether there is anything to build (else the app is served as it is)."""
        return bool(
            self.script
            or self.copy
            or self.copy_map
            or self.copy_map_file
            or self.platform_copy_map_file
        )


def _private_files(host: Host, app: Path) -> Iterator[Path]:
    names = [app / name for name in _CONFIG_FILES]
    if host.config_file is not None:
        names.append(host.config_file)
        with contextlib.suppress(ConfigError, KeyError, OSError):
            named = get_document_value(read_document(host.config_file), SECRETS_FILE_KEY)
            names.append(app / Path(str(named)).expanduser())
    if SECRETS_FILE_ENV in host.environ:
        names.append(app / Path(host.environ[SECRETS_FILE_ENV]).expanduser())
    for name in host.config:
        key = host.config_keys.find(name)
        value = host.config[name]
        if key is not None and key.is_secret and isinstance(value, str) and value.strip():
            names.append(app / Path(value).expanduser())
    for path in names:
        with contextlib.suppress(OSError, RuntimeError):
            yield path.resolve()


# -------------------------------------------------------------------------------------------------
# Running them
# -------------------------------------------------------------------------------------------------


def run_build_steps(
    steps: BuildSteps,
    *,
    test_files: Sequence[str] = (),
    production: bool = False,
    write: Callable[[str], None],
    warn: Callable[[str], None],
) -> Path:
    """Build the app into a fresh staging folder and put it in place of ``steps.output``.

    :param test_files: ``--test=<file>`` arguments for the script (``oro test``), as Oro passes
        them, so a script that builds the tests only then builds them.
    :param production: ``oro build``: copy-map file lines marked ``prod_`` count, ``debug_``
        ones do not (the other way round otherwise).
    :param write: where the script's output goes, line by line (standard error: standard
        output may be TAP).
    :param warn: one line per missing copy source or link not followed.
    :return: the output folder.
    :raises BuildScriptError: the script failed; the output is unchanged.
    :raises ConfigError: a copy source outside the app, a copy destination outside the output.
    """
    _check_output(steps)
    steps.output.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(steps.output)
    staging = Path(
        tempfile.mkdtemp(
            prefix=f".{steps.output.name}{STAGING_MARK}{os.getpid()}-", dir=steps.output.parent
        )
    )
    try:
        staging.chmod(0o755)
        if steps.script:
            _run_script(steps, staging, test_files, write)
        copier = _Copier(steps, staging, warn)
        for source, destination, key in _copy_entries(steps.copy):
            copier.copy(source, destination, key=key, label="[build] copy")
        for source, destination in steps.copy_map:
            copier.copy(
                source,
                destination,
                key=f"{COPY_MAP_SECTION}.{source}",
                label="[build.copy-map]",
            )
        # Socket reads the platform's file after the shared one (src/cli/main.cc:616-670).
        for file, key in (
            (steps.copy_map_file, "build.copy_map"),
            (steps.platform_copy_map_file if sys.platform.startswith("linux") else "", _LINUX_MAP),
        ):
            if file:
                _copy_map_file(steps, file, key, copier, production=production, warn=warn)
        (staging / MARK_FILE).write_text("made by oro's build steps; replaced by each build\n")
        _swap_into_place(staging, steps.output)
    except BaseException:
        _remove(staging)
        raise
    return steps.output


def _check_output(steps: BuildSteps) -> None:
    # The output is replaced whole: the app's or the user's own folder, never /, ~ or /etc.
    output = check_build_output(steps.app_dir, steps.output)
    if (
        output != steps.app_dir / _ORO_OUTPUT
        and output.is_dir()
        and not (output / MARK_FILE).exists()
        and not {entry.name for entry in output.iterdir()} <= _SOCKET_PLATFORM_FOLDERS
    ):
        raise ConfigError(
            f"key 'build.output' names {output}, which holds files no build made: each build "
            "replaces that folder whole; move them away, or name another folder",
            key="build.output",
        )


def _legacy_socket(host: Host, app: Path) -> tuple[int, int, int] | None:
    """The version of a Socket before 0.5 that the app says it is for, unless its config says
    whether to forward arguments itself."""
    if host.config.source(_FORWARD_KEY) != "default":
        return None
    version = declared_socket_version(app, host.config_file)
    return version if version is not None and version < LEGACY_SCRIPT_ARGUMENTS_BEFORE else None


def _script_arguments(steps: BuildSteps, staging: Path, test_files: Sequence[str]) -> list[str]:
    if steps.legacy_socket is not None:
        return [str(staging), *(["--test=true"] if test_files else [])]
    arguments = [str(staging)] if steps.forward_arguments else []
    return arguments + [f"--test={file}" for file in test_files]


def _run_script(
    steps: BuildSteps, staging: Path, test_files: Sequence[str], write: Callable[[str], None]
) -> None:
    arguments = _script_arguments(steps, staging, test_files)
    # As Oro does: the arguments follow the command in one shell line.
    command = " ".join([steps.script, *map(shlex.quote, arguments)])
    environ = {**os.environ, "PREFIX": str(staging)}
    if steps.legacy_socket is not None:
        write(
            f"oro: the app is written for Socket {'.'.join(map(str, steps.legacy_socket))}, "
            "which passed its build script the output folder: so does oro (set [build.script] "
            "forward_arguments to choose)"
        )
    write(f"oro: running [build] script: {command}")
    tail: collections.deque[str] = collections.deque(maxlen=SCRIPT_TAIL_LINES)
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        cwd=steps.app_dir,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            write(line)
            tail.append(line)
        status = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if status != 0:
        code = status if status > 0 else 128 - status
        raise BuildScriptError(steps.script, code, list(tail), steps.output)


def start_after_script(
    steps: BuildSteps, *, write: Callable[[str], None], warn: Callable[[str], None]
) -> subprocess.Popen[bytes] | None:
    """Start ``[build.script] after`` in the app folder, as Socket does once its build script
    ran (``build_script_after``, src/cli/main.cc:480): not waited for, its lines go to
    ``write``, a failure is one ``warn`` line. It runs once the output is in place (``PREFIX``
    names it, and so does its argument with forward_arguments), where Socket's runs beside the
    copies into the same folder.

    :return: the running process, or ``None`` when there is no such script.
    """
    if not steps.script_after:
        return None
    arguments = [str(steps.output)] if steps.forward_arguments else []
    command = " ".join([steps.script_after, *map(shlex.quote, arguments)])
    write(f"oro: starting [build.script] after: {command}")
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        cwd=steps.app_dir,
        env={**os.environ, "PREFIX": str(steps.output)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def follow() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            write(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
        status = process.wait()
        if status != 0:
            code = status if status > 0 else 128 - status
            warn(f"[build.script] after {steps.script_after!r} failed with exit code {code}")

    threading.Thread(target=follow, name="oro-build-after", daemon=True).start()
    return process


def _copy_entries(copy: str) -> Iterator[tuple[str, str, str]]:
    """``[build] copy``'s entries as Oro reads them: ``a;b=c`` is ``a`` to the output's top and
    ``b`` to ``c`` in it."""
    for entry in copy.split(";"):
        source, _, destination = entry.partition("=")
        if source.strip():
            yield source.strip(), destination.strip(), "build.copy"


def _copy_map_file(
    steps: BuildSteps,
    file: str,
    key: str,
    copier: _Copier,
    *,
    production: bool,
    warn: Callable[[str], None],
) -> None:
    named = steps.app_dir / file
    check_build_source(steps.app_dir, file, key=key)
    name = key.removeprefix("build.")
    if not named.is_file():
        warn(f"the file [build] {name} names does not exist: {named}")
        return
    base = named.resolve().parent
    for number, line in enumerate(named.read_text(encoding="utf-8").splitlines(), start=1):
        entry = _copy_map_line(line, production=production)
        if entry is None:
            continue
        source, destination = entry
        relative = os.path.relpath(base / source, steps.app_dir)
        copier.copy(relative, destination, key=key, label=f"[build] {name} ({file}:{number})")


def _copy_map_line(line: str, *, production: bool) -> tuple[str, str] | None:
    """``(source, destination)`` of one line of a copy-map file, or ``None`` for a comment, a
    section header, a blank line or a line for another platform or mode."""
    text = line.strip()
    if not text or text[0] in ";#[" or "=" not in text:
        return None
    key, _, value = text.partition("=")
    key, value = key.strip().strip("\"'"), value.strip().strip("\"'")
    for prefix, platform in _PLATFORM_PREFIXES.items():
        if key.startswith(prefix):
            if not sys.platform.startswith(platform):
                return None
            key = key[len(prefix) :]
    for prefix, is_production in _MODE_PREFIXES:
        if key.startswith(prefix):
            if is_production != production:
                return None
            key = key[len(prefix) :]
    return key, value


def _relative_inside(destination: str) -> PurePosixPath:
    path = PurePosixPath(destination.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise ValueError("must be a path inside build.output (relative, without '..')")
    return path


def _readable(path: Path, app: Path) -> bool:
    """Whether a build may copy ``path`` (the app's or the user's own file)."""
    try:
        check_build_source(app, path, key="build.copy")
    except ConfigError:
        return False
    return True


def _is_hidden_outside(real: Path, app: Path) -> bool:
    """A dot file or folder outside the app (``../.env``, ``~/.ssh``): never copied. Only the
    parts below what the path shares with the app count: an app inside ``~/.local/share``
    may copy ``../src``."""
    if real.is_relative_to(app):
        return False
    shared = Path(os.path.commonpath([real, app]))
    return any(part.startswith(".") for part in real.relative_to(shared).parts)


@final
class _Copier:
    """Copies app files into the staging folder: reads only inside the app, writes only inside
    the staging folder."""

    def __init__(self, steps: BuildSteps, staging: Path, warn: Callable[[str], None]) -> None:
        self._app = steps.app_dir
        self._output = steps.output
        self._never = steps.never_copied
        self._staging = staging.resolve()
        self._warn = warn

    def copy(self, source: str, destination: str, *, key: str, label: str) -> None:
        """Copy ``source`` (relative to the app): a folder's contents into ``destination``, a
        file to ``destination``, or into the output's top under its own name when
        ``destination`` is empty or ends with ``/``."""
        path = self._app / source
        real = check_build_source(self._app, source, key=key)
        if self._is_built_output(real):
            # The output into itself: Socket's copy recurses; nothing here to copy.
            self._warn(f"{label} entry '{path}' is build.output itself: not copied")
            return
        if _is_hidden_outside(real, self._app):
            self._warn(f"{label} entry '{path}' is a hidden file outside the app: not copied")
            return
        try:
            target_relative = _relative_inside(destination)
        except ValueError as error:
            # Socket writes there (beside its resources folder); here the output is replaced
            # whole, and nothing is written outside it: one warning, never a refusal to start.
            self._warn(f"{label} entry '{path}' not copied: destination {destination!r} {error}")
            return
        if not real.exists():
            self._warn(f"{label} entry '{path}' does not exist")
            return
        target = self._staging / target_relative
        if real.is_dir():
            self._copy_folder(real, target, visited={real})
        elif not target_relative.parts or destination.endswith("/"):
            self._copy_file(real, target / real.name)
        else:
            self._copy_file(real, target)

    def _copy_folder(self, folder: Path, target: Path, *, visited: set[Path]) -> None:
        self._directory(target)
        for entry in sorted(os.scandir(folder), key=lambda item: item.name):
            # Dot files are never served (the bridge answers 404), and .git has no place there.
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                try:
                    real = path.resolve()
                except (OSError, RuntimeError):
                    self._warn(f"not copied: {path} is a link that leads back to itself")
                    continue
                if not _readable(real, self._app):
                    self._warn(f"not copied: {path} is a link out of the user's folders")
                    continue
                path = real
                if not path.exists():
                    continue
            if self._is_built_output(path):
                continue
            if path.is_dir():
                if path in visited:
                    continue  # a link back to a folder being copied: a loop
                self._copy_folder(path, target / entry.name, visited=visited | {path})
            elif path.is_file():
                self._copy_file(path, target / entry.name)

    def _is_built_output(self, path: Path) -> bool:
        """The output folder and staging folders, which a copy of the whole app skips."""
        return path == self._output or (
            path.parent == self._output.parent
            and path.name.startswith(f".{self._output.name}{STAGING_MARK}")
        )

    def _directory(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if not path.resolve().is_relative_to(self._staging):
            raise BuildError(
                f"{path} leads out of build.output through a link the build script made; "
                "nothing was built"
            )

    def _copy_file(self, source: Path, target: Path) -> None:
        if source.resolve() in self._never:
            return  # the bridge never serves these; a copy must not either
        self._directory(target.parent)
        if not target.is_symlink() and target.is_file() and _is_as_new(target, source):
            # Socket's update_existing: what the script built (or an earlier copy put) there
            # from this source is kept.
            return
        if target.is_symlink() or target.is_file():
            # Replaced, never written through: a link the script made could lead anywhere.
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
        shutil.copyfile(source, target)
        shutil.copymode(source, target)


def _is_as_new(target: Path, source: Path) -> bool:
    """Whether ``target`` was written when ``source`` was or later (Socket copies a file only
    over an older one)."""
    try:
        return target.stat().st_mtime_ns >= source.stat().st_mtime_ns
    except OSError:
        return False


# -------------------------------------------------------------------------------------------------
# The swap
# -------------------------------------------------------------------------------------------------


def _swap_into_place(staging: Path, output: Path) -> None:
    """``staging`` becomes ``output``; the previous output is removed."""
    if not output.exists() and not output.is_symlink():
        staging.rename(output)
        return
    try:
        exchange(staging, output)
    except NotSupportedError:
        # No renameat2 here: a moment without the output, never a half-built one.
        previous = staging.with_name(staging.name + "-previous")
        output.rename(previous)
        staging.rename(output)
        staging = previous
    _remove(staging)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)


def _remove_abandoned_staging(output: Path) -> None:
    """Staging folders a killed build left (their process is gone)."""
    for entry in abandoned_staging(output):
        _remove(entry)
