"""One system package for both Debian releases: the .deb that ``oro build --webview system``
makes on this Debian (12 or 13) installs with apt on the *other* one (a fresh debootstrap root
of trixie or bookworm), apt finding every package it depends on there; the app runs from
/usr/bin with an empty environment on that release's Python (3.13 or 3.11) and answers
``/ipc/ping``; ``apt-get purge`` removes every file it installed. A user relies on this when
they install a package built on one release on the other."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from conftest import as_root, ping
from tests._ai_app import COMMAND as AI_COMMAND
from tests._ai_app import write_ai_app
from tests._oro_process import REPOSITORY, OroProcess, run_oro

COMMAND = "oro-minimal"
MINIMAL = REPOSITORY / "examples" / "minimal"
MIRROR = "http://deb.debian.org/debian"
TIMEOUT = 600
# This machine's Debian release -> the other one: its release, codename and python3 version.
OTHER_RELEASE = {"12": ("13", "trixie", "3.13"), "13": ("12", "bookworm", "3.11")}
# In the root, where apt and dpkg live: nothing of this machine's environment.
ROOT_ENVIRON = ("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=noninteractive")
MOUNTS = (  # (type or --bind, source, mount point in the root)
    ("proc", "proc", "proc"),
    ("sysfs", "sys", "sys"),
    ("--bind", "/dev", "dev"),
    ("--bind", "/dev/pts", "dev/pts"),
)


@dataclass(frozen=True)
class OtherDebian:
    """A minbase root of the other supported Debian release, with /proc /sys /dev mounted."""

    root: Path
    release: str
    codename: str
    python: str


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        as_root(*command), capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _ok(*command: str) -> str:
    completed = _run(*command)
    assert completed.returncode == 0, (
        f"{' '.join(command)} exited {completed.returncode}\n"
        f"stdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"
    )
    return completed.stdout


def _in_root(root: Path, *command: str, environ: tuple[str, ...] = ROOT_ENVIRON) -> list[str]:
    """``command`` run in the root with ``env -i`` and only ``environ``."""
    return ["/usr/sbin/chroot", str(root), "/usr/bin/env", "-i", *environ, *command]


def _mounts_under(root: Path) -> list[str]:
    with open("/proc/self/mountinfo") as mountinfo:
        points = [line.split()[4] for line in mountinfo]
    return [point for point in points if point == str(root) or point.startswith(f"{root}/")]


def _unmount(root: Path) -> None:
    """Everything mounted in the root (ours, or debootstrap's after a failure), deepest first."""
    for point in sorted(_mounts_under(root), key=len, reverse=True):
        if _run("umount", point).returncode != 0:
            _run("umount", "-l", point)  # busy (a process left): detach it now, free it later


@pytest.fixture(scope="session")
def minimal_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("minimal-system-deb")
    built = run_oro(
        "build", str(MINIMAL), "--webview", "system", "--target", "deb", "--out", str(out),
        cwd=REPOSITORY, timeout=TIMEOUT,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    debs = sorted(out.glob(f"{COMMAND}_*.deb"))
    assert len(debs) == 1, (debs, built.stdout)
    return debs[0]


@pytest.fixture(scope="session")
def other_debian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OtherDebian]:
    release = Path("/etc/debian_version").read_text().split(".")[0]
    if release not in OTHER_RELEASE:
        pytest.fail(f"the tests run on Debian {' or '.join(OTHER_RELEASE)}, not {release}")
    other, codename, python = OTHER_RELEASE[release]
    if not Path("/usr/sbin/debootstrap").exists():
        _ok("apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q", "install", "debootstrap")
    root = tmp_path_factory.mktemp(f"{codename}-root")
    try:
        _ok("/usr/sbin/debootstrap", "--variant=minbase", codename, str(root), MIRROR)
        for kind, source, point in MOUNTS:
            _ok(
                "mount", *((kind,) if kind == "--bind" else ("-t", kind)), source, str(root / point)
            )
        _ok("cp", "/etc/resolv.conf", str(root / "etc/resolv.conf"))
        yield OtherDebian(root, other, codename, python)
    finally:
        _unmount(root)
        left = _mounts_under(root)
        assert left == [], f"still mounted: {left}"
        # --one-file-system: never into a mount, should one be left after all.
        _ok("rm", "-rf", "--one-file-system", str(root))


def _depends(deb: Path) -> list[list[str]]:
    """The package names of the .deb's Depends, each entry as its alternatives."""
    field = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [re.split(r"[\s(:]", alternative.strip())[0] for alternative in entry.split("|")]
        for entry in field.split(",")
        if entry.strip()
    ]


def test_the_deb_built_here_installs_runs_and_purges_on_the_other_debian(
    minimal_deb: Path, other_debian: OtherDebian
) -> None:
    root = other_debian.root
    debian_version = (root / "etc/debian_version").read_text()
    assert debian_version.startswith(f"{other_debian.release}."), debian_version
    _ok("cp", str(minimal_deb), str(root / "tmp"))
    apt = ("apt-get", "-y", "-q", "-o", "Acquire::Retries=3")
    _ok(*_in_root(root, *apt, "update"))
    # No Recommends: the Depends alone must bring what the app needs.
    _ok(*_in_root(root, *apt, "install", "--no-install-recommends", f"/tmp/{minimal_deb.name}"))

    depends = _depends(minimal_deb)
    assert ["python3"] in depends, depends
    assert ["gir1.2-webkit2-4.1"] in depends, depends
    names = sorted({name for alternatives in depends for name in alternatives})
    queried = _run(
        *_in_root(root, "dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n", *names)
    )
    installed = {
        line.split()[0] for line in queried.stdout.splitlines() if line.split()[1:] == ["ii"]
    }
    missing = [alternatives for alternatives in depends if not installed & set(alternatives)]
    assert missing == [], f"not installed in {other_debian.codename}: {missing}\n{queried}"

    version = _ok(*_in_root(root, "/usr/bin/python3", "-c", "import sys; print(sys.version)"))
    assert version.startswith(f"{other_debian.python}."), version

    owned = _ok(*_in_root(root, "dpkg", "-L", COMMAND)).splitlines()
    assert f"/usr/bin/{COMMAND}" in owned, owned
    assert f"/usr/lib/{COMMAND}/launch.py" in owned, owned

    # What the user's shell has at least: a HOME (a fresh one) and the system PATH.
    user = ("HOME=/tmp/h", "PATH=/usr/bin:/bin")
    app_command = as_root(
        *_in_root(root, f"/usr/bin/{COMMAND}", "--headless", "--port", "0", environ=user)
    )
    environ = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    with OroProcess(
        *app_command[1:], executable=Path(app_command[0]), environ=environ, timeout=120
    ) as app:
        launch_url = app.launch_url()
        # The same network namespace: the host reaches the app's loopback port.
        assert ping(launch_url) == "pong", app.lines
        # The launcher exec'd the root's python3, not this machine's.
        started = psutil.Process(app.process.pid)
        executables = [process.exe() for process in (started, *started.children(recursive=True))]
        python = f"{root}/usr/bin/python{other_debian.python}"
        assert python in executables, executables

    _ok(*_in_root(root, *apt, "purge", COMMAND))
    assert not (root / "usr/lib" / COMMAND).exists(), list((root / "usr/lib" / COMMAND).rglob("*"))
    left = [path for path in owned if os.path.lexists(root / path.lstrip("/"))]
    files = [path for path in left if not (root / path.lstrip("/")).is_dir()]
    assert files == [], f"files of {COMMAND} left after the purge: {files}"
    # A directory may stay only where another package has it too.
    directories = [path for path in left if path not in ("/", "/.")]
    shared = _run(*_in_root(root, "dpkg-query", "-S", *directories)).stdout
    kept = {line.rsplit(": ", 1)[1] for line in shared.splitlines() if ": " in line}
    assert sorted(set(directories) - kept) == [], shared


@pytest.fixture(scope="session")
def ai_debs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The AI app of tests/_ai_app.py as a .deb, with oro's shared engine and model packages
    the build writes beside it."""
    app = write_ai_app(tmp_path_factory.mktemp("ask-app"))
    out = tmp_path_factory.mktemp("ask-system-debs")
    built = run_oro(
        "build", str(app), "--webview", "system", "--target", "deb", "--out", str(out),
        cwd=REPOSITORY, timeout=3000,  # the first build on a machine compiles llama.cpp
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    debs = sorted(out.glob("*.deb"))
    assert [deb.name.split("_", 1)[0] for deb in debs] == [
        AI_COMMAND,
        "oro-ai-engine",
        "oro-ai-model-smollm2",
    ], debs
    return debs


@pytest.mark.timeout(3600)  # ai_debs may compile llama.cpp: test_system_ai_packages.py
def test_an_ai_app_built_here_installs_and_streams_an_answer_on_the_other_debian(
    ai_debs: list[Path], other_debian: OtherDebian
) -> None:
    root = other_debian.root
    for deb in ai_debs:
        _ok("cp", str(deb), str(root / "tmp"))
    apt = ("apt-get", "-y", "-q", "-o", "Acquire::Retries=3")
    _ok(*_in_root(root, *apt, "update"))
    _ok(
        *_in_root(
            root, *apt, "install", "--no-install-recommends",
            *(f"/tmp/{deb.name}" for deb in ai_debs),
        )
    )  # fmt: skip
    user = ("HOME=/tmp/ask-home", "PATH=/usr/bin:/bin")
    app_command = as_root(
        *_in_root(root, f"/usr/bin/{AI_COMMAND}", "--headless", "--port", "0", environ=user)
    )
    with OroProcess(
        *app_command[1:],
        executable=Path(app_command[0]),
        environ={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        timeout=300,
    ) as app:
        launch_url = app.launch_url()
        origin = launch_url.split("/?", 1)[0]
        body = {
            "messages": [{"role": "user", "content": "Say hello."}],
            "max_tokens": 8,
            "temperature": 0,
            "stream": True,
        }
        with httpx.Client(timeout=300) as client:
            client.get(launch_url)
            with client.stream(
                "POST", f"{origin}/ai/llama/v1/chat/completions", json=body,
                headers={"Origin": origin},
            ) as reply:  # fmt: skip
                assert reply.status_code == 200, reply.read()
                events = [line for line in reply.iter_lines() if line.startswith("data: ")]
        maps = Path(f"/proc/{_python_of(app.process.pid)}/maps").read_text()
    assert events[-1] == "data: [DONE]", events
    deltas = [
        json.loads(event[6:])["choices"][0]["delta"].get("content", "") for event in events[:-1]
    ]
    assert len([delta for delta in deltas if delta]) >= 2, deltas  # a stream, with text
    # The engine's library and one of its CPU variants, from the root's shared package.
    assert f"{root}/usr/lib/oro-ai-engine/llama_cpp/lib/libllama.so" in maps
    engine = re.escape(f"{root}/usr/lib/oro-ai-engine/llama_cpp/lib/")
    assert re.search(rf"{engine}libggml-cpu-\w+\.so", maps), maps
    _ok(*_in_root(root, *apt, "purge", AI_COMMAND, "oro-ai-engine", "oro-ai-model-smollm2"))
    for gone in (
        "usr/lib/oro-ai-engine",
        "usr/share/oro-ai-model-smollm2",
        f"usr/lib/{AI_COMMAND}",
    ):
        assert not (root / gone).exists(), gone


def _python_of(pid: int) -> int:
    """The Python process of the app that ``pid`` (chroot, env, the launcher) started."""
    started = psutil.Process(pid)
    for process in (started, *started.children(recursive=True)):
        if process.name().startswith("python3"):
            return process.pid
    raise AssertionError(f"no python3 under {pid}")
