"""System packages (``oro build --webview system``): the notes app as a .deb of a few MB on the
distro's Python, PyGObject and WebKitGTK, installed with apt, run from /usr/bin with an empty
environment (headless, and in a window under Xvfb with a WebKitWebProcess), removed without a
trace; the same app on the shared oro-runtime package; the .rpm, the .tar.gz; and a plugin that
cannot ship this way stopping the build before it writes anything."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tarfile
from pathlib import Path

import httpx
import psutil
import pytest
from playwright.sync_api import Browser

from conftest import (
    apt,
    as_root,
    backend_answers,
    clean_environ,
    deb_field,
    install_rpm_into,
    one,
    ping,
    serves,
    write_notes_app,
)
from oro_framework.testing.process import until
from tests._oro_process import ORO, REPOSITORY, OroProcess

COMMAND = "notes"
MIB = 2**20


def _oro(*arguments: str, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), *arguments], capture_output=True, text=True, timeout=900, cwd=cwd, check=False
    )


def _built(*arguments: str) -> str:
    completed = _oro(*arguments)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="session")
def system_notes_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notes app of conftest, in a folder of its own: the Qt build tests build theirs
    inside its folder, whose output is no part of the app."""
    return write_notes_app(tmp_path_factory.mktemp("system-notes"))


@pytest.fixture(scope="session")
def system_dist(system_notes_app: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("system-dist")
    _built(
        "build", str(system_notes_app), "--webview", "system", "--target", "all",
        "--out", str(out),
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def shared_notes_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notes app without its backend's requirement, which the shared runtime cannot carry."""
    return write_notes_app(tmp_path_factory.mktemp("shared-notes"), backend=False)


@pytest.fixture(scope="session")
def shared_dist(shared_notes_app: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shared-dist")
    _built("build-runtime", "--target", "deb", "--out", str(out))
    _built(
        "build", str(shared_notes_app), "--webview", "system", "--runtime", "shared",
        "--target", "deb", "--out", str(out),
    )  # fmt: skip
    return out


def test_a_shared_runtime_package_refuses_backend_requirements_it_cannot_carry(
    system_notes_app: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    completed = _oro(
        "build", str(system_notes_app), "--webview", "system", "--runtime", "shared",
        "--target", "deb", "--out", str(out),
    )  # fmt: skip
    assert completed.returncode == 1
    assert "--runtime bundled" in completed.stderr
    assert "pathspec" in completed.stderr
    assert not list(out.glob("*.deb"))


def _owned_files(package: str) -> list[Path]:
    listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True)
    return [Path(line) for line in listed.stdout.splitlines() if line.startswith("/")]


def test_the_deb_is_small_depends_on_the_distro_and_passes_lintian(
    system_dist: Path, tmp_path: Path
) -> None:
    deb = one(system_dist, f"{COMMAND}_1.2.0_*.deb")
    assert deb.stat().st_size <= 5 * MIB, deb.stat().st_size
    depends = [item.strip() for item in deb_field(deb, "Depends").split(",")]
    assert depends[:3] == ["python3 (>= 3.11)", "python3-gi", "gir1.2-webkit2-4.1"]
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    # No Qt, no pywebview, no byte code, no PyInstaller: the distro's Python and WebKitGTK.
    for absent in ("PyQt6", "/webview/", ".pyc", "_internal"):
        assert absent not in contents, absent
    # The plugins are found through entry points: each shipped distribution's dist-info is in.
    for dist_info in ("oro_framework-", "oro_fs-", "oro_conduit-"):
        assert re.search(rf"vendor/{dist_info}[^/]+\.dist-info/entry_points\.txt", contents)
    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "--extract", str(deb), str(unpacked)], check=True)
    (metainfo,) = (unpacked / "usr/share/metainfo").iterdir()
    appstream = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    # Errors only: newer appstreamcli (Debian 13) also warns of a missing homepage, which an
    # app without one cannot give.
    said = appstream.stdout + appstream.stderr
    assert not re.search(r"^\s*E:", said, re.MULTILINE), said
    (entry,) = (unpacked / "usr/share/applications").iterdir()
    subprocess.run(["desktop-file-validate", str(entry)], check=True)
    lintian = subprocess.run(
        ["lintian", "--tag-display-limit", "0", str(deb)], capture_output=True, text=True
    )
    errors = [line for line in lintian.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], lintian.stdout


def test_the_deb_installs_runs_from_usr_bin_in_a_window_and_purges_cleanly(
    system_dist: Path, tmp_path: Path, display: str, chromium_browser: Browser
) -> None:
    deb = one(system_dist, f"{COMMAND}_1.2.0_*.deb")
    apt("install", str(deb))
    try:
        owned = _owned_files(COMMAND)
        launcher = Path(f"/usr/bin/{COMMAND}")
        assert launcher in owned
        assert Path("/usr/share/metainfo/dev.oro.test-notes.metainfo.xml") in owned
        # Byte-compiled where installed (postinst's py3compile), not shipped.
        assert list(Path(f"/usr/lib/{COMMAND}/vendor/oro_framework").rglob("*.pyc"))

        serves(launcher, tmp_path / "home")
        # backend.py shipped, and its requirement carried (no Debian package is in the table).
        assert (Path(f"/usr/lib/{COMMAND}/oro_app/backend.py")).is_file()
        assert list(Path(f"/usr/lib/{COMMAND}/vendor").glob("pathspec-*.dist-info"))
        backend_answers(chromium_browser, launcher, tmp_path / "backend-home")

        with OroProcess(
            "--port", "0",
            executable=launcher,
            environ=clean_environ(tmp_path / "window-home", {"DISPLAY": display}),
        ) as app:  # fmt: skip
            app.wait_for_line(r"^oro: opened Notes in a window")
            host = psutil.Process(app.process.pid)
            # The launcher exec'd the distro's Python on the package's launch.py.
            assert host.exe().startswith("/usr/bin/python3"), host.exe()
            assert f"/usr/lib/{COMMAND}/launch.py" in host.cmdline()

            def web_process() -> bool:
                names = []
                for child in host.children(recursive=True):
                    with contextlib.suppress(psutil.NoSuchProcess):  # a helper that ended
                        names.append(child.name())
                return "WebKitWebProcess" in names

            until(web_process, "the window's WebKitWebProcess")
            # One copy per user: a second launch from the menu hands over and exits.
            second = subprocess.run(
                [str(launcher), "web+notes:second"],
                env=clean_environ(tmp_path / "window-home", {"DISPLAY": display}),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 0, second
            assert "already running" in second.stdout + second.stderr, second
            mapped = {
                line.split()[-1]
                for line in Path(f"/proc/{app.process.pid}/maps").read_text().splitlines()
                if line.split()[-1].endswith(".so")
            }
            assert not [path for path in mapped if "PyQt6" in path or "/.venv/" in path]
    finally:
        apt("purge", COMMAND)
    left = [path for path in owned if path.exists() and not path.is_dir()]
    assert left == []
    assert not Path(f"/usr/lib/{COMMAND}").exists()


def test_the_shared_runtime_makes_an_app_package_of_kilobytes(
    shared_dist: Path, tmp_path: Path
) -> None:
    runtime = one(shared_dist, "oro-runtime_*.deb")
    app = one(shared_dist, f"{COMMAND}_1.2.0_*.deb")
    assert app.stat().st_size <= 100 * 1024, app.stat().st_size
    depends = [item.strip() for item in deb_field(app, "Depends").split(",")]
    assert depends[0].startswith("oro-runtime (>= "), depends
    # One virtual package per plugin the app uses, which the runtime provides.
    assert {"oro-runtime-oro-fs", "oro-runtime-oro-conduit"} <= set(depends), depends
    provided = {item.strip() for item in deb_field(runtime, "Provides").split(",")}
    assert set(depends[1:]) <= provided, (depends, provided)
    # oro-ai ships (its engine and model are oro's shared packages, which only the apps that
    # use it depend on); oro-tls cannot (a cryptography newer than Debian 12's): left out.
    assert "oro-runtime-oro-ai" in provided
    assert "oro-runtime-oro-tls" not in provided
    assert "oro-ai-engine" not in deb_field(runtime, "Depends")
    assert deb_field(app, "Architecture") == "all"
    apt("install", str(runtime), str(app))
    try:
        assert not Path(f"/usr/lib/{COMMAND}/vendor").exists()
        serves(Path(f"/usr/bin/{COMMAND}"), tmp_path / "home")
        # The runtime carries more plugins than the app uses: only the app's load.
        with OroProcess(
            "--headless", "--port", "0",
            executable=Path(f"/usr/bin/{COMMAND}"),
            environ=clean_environ(tmp_path / "home"),
        ) as running:  # fmt: skip
            launch = running.launch_url()
            with httpx.Client(timeout=30) as client:
                client.get(launch)
                origin = launch.split("/?", 1)[0]
                zlib = client.get(f"{origin}/ipc/zlib.capabilities").text
                constants = client.get(f"{origin}/ipc/fs.constants").text
        assert "Not found" in zlib, zlib
        assert "ipc://zlib.capabilities/" in zlib, zlib
        assert "O_RDONLY" in constants, constants
    finally:
        apt("purge", COMMAND, "oro-runtime")
    assert not Path("/usr/lib/oro-runtime").exists()
    assert not Path(f"/usr/lib/{COMMAND}").exists()


def test_apt_refuses_an_app_whose_runtime_lacks_one_of_its_plugins(
    shared_dist: Path, tmp_path: Path
) -> None:
    slim = tmp_path / "slim"
    _built("build-runtime", "-p", "oro-conduit", "-p", "oro-sw", "--out", str(slim))
    runtime = one(slim, "oro-runtime_*.deb")
    app = one(shared_dist, f"{COMMAND}_1.2.0_*.deb")
    apt("install", str(runtime))
    try:
        refused = subprocess.run(
            as_root("apt-get", "-y", "-q", "install", str(app)),
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        assert refused.returncode != 0, refused.stdout
        assert "oro-runtime-oro-fs" in refused.stdout + refused.stderr, refused
        assert not Path(f"/usr/bin/{COMMAND}").exists()
    finally:
        apt("purge", "oro-runtime")


def test_the_rpm_requires_fedoras_packages_and_runs_from_its_root(
    system_dist: Path, tmp_path: Path
) -> None:
    rpm = one(system_dist, f"{COMMAND}-1.2.0-1.*.rpm")
    requires = subprocess.run(
        ["rpm", "-qp", "--requires", str(rpm)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for needed in ("python3 >= 3.11", "python3-gobject", "webkit2gtk4.1"):
        assert needed in requires, requires
    rpmlint = subprocess.run(["rpmlint", str(rpm)], capture_output=True, text=True)
    errors = [line for line in rpmlint.stdout.splitlines() if ": E: " in line]
    # Signing needs the author's key (rpmsign --addsign): the one error left to them; and
    # Debian 13's rpmlint spell-checks with a dictionary that knows no app's name.
    left_to_the_author = ("E: no-signature", "E: spelling-error")
    assert [line for line in errors if not any(tag in line for tag in left_to_the_author)] == [], (
        rpmlint.stdout
    )
    root = tmp_path / "root"
    install_rpm_into(rpm, root)
    lib = root / "usr/lib" / COMMAND
    with OroProcess(
        "-I", str(lib / "launch.py"), str(lib / "oro_app"), "--headless", "--port", "0",
        executable=Path("/usr/bin/python3"),
        environ=clean_environ(tmp_path / "home"),
    ) as app:  # fmt: skip
        assert ping(app.launch_url()) == "pong"


def test_the_tar_runs_where_it_is_unpacked(system_dist: Path, tmp_path: Path) -> None:
    archive = one(system_dist, f"{COMMAND}-1.2.0-linux-system-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert {member.name.split("/", 1)[0] for member in tar.getmembers()} == {COMMAND}
        tar.extractall(tmp_path / "unpacked", filter="tar")
    serves(tmp_path / "unpacked" / COMMAND / COMMAND, tmp_path / "home")


def test_a_plugin_that_cannot_ship_stops_the_build_before_it_writes_anything(
    tmp_path: Path,
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text('[meta]\nname = "tls app"\n[build]\nplugins = ["oro-tls"]\n')
    (app / "index.html").write_text("<!doctype html>")
    out = tmp_path / "out"
    completed = _oro("build", str(app), "--webview", "system", "--target", "deb", "--out", str(out))
    assert completed.returncode == 1, completed
    message = completed.stderr
    assert "oro-tls cannot ship in a system package" in message, message
    assert "cffi" in message, message  # what oro-tls's cryptography needs, for one Python
    assert "--webview qt" in message, message
    assert not out.exists() or list(out.iterdir()) == []
    # oro-ai ships in a .deb next to oro's shared engine and model packages, not in an .rpm.
    (app / "oro.toml").write_text('[meta]\nname = "ai app"\n[build]\nplugins = ["oro-ai"]\n')
    completed = _oro("build", str(app), "--webview", "system", "--target", "rpm", "--out", str(out))
    assert completed.returncode == 1, completed
    assert "oro-ai needs llama-cpp-python" in completed.stderr, completed.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_the_distro_table_matches_this_debian() -> None:
    # The table is what the "both releases fit" rule reads: this release's apt must offer at
    # least the upstream version it names (a point or security release may add a newer one).
    from oro_framework.build.system.distro import (
        DEBIAN_RELEASES,
        DISTRO_PACKAGES,
        upstream_version,
    )

    release = Path("/etc/debian_version").read_text().split(".")[0]
    if release not in DEBIAN_RELEASES:
        pytest.fail(f"the tests run on Debian {' or '.join(DEBIAN_RELEASES)}, not {release}")
    index = DEBIAN_RELEASES.index(release)
    names = [package.deb for package in DISTRO_PACKAGES.values()]
    policy = subprocess.run(
        ["apt-cache", "policy", *names], capture_output=True, text=True, check=True
    ).stdout
    candidates = dict(re.findall(r"^(\S+):\n\s+Installed: .*\n\s+Candidate: (\S+)", policy, re.M))
    wrong = {
        package.deb: (package.debian[index], candidates.get(package.deb))
        for package in DISTRO_PACKAGES.values()
        if package.deb not in candidates
        or upstream_version(candidates[package.deb]) < upstream_version(package.debian[index])
    }
    assert wrong == {}, wrong
