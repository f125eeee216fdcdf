"""Oro's build steps (``[build] script``, copy, copy-map; issue 40 item 4): real scripts run by
``/bin/sh``, real files copied, and the CLI commands that run them (``oro run --build``,
``oro dev``, ``oro test``) in real subprocesses.

The bad-input rule they answer: a failing script stops the command with its exit code and its
last lines, and nothing half-built (the previous output stays); a missing copy source is one
warning; a copy-map destination or a source leaving the app is a ``ConfigError`` naming the
key; links are never followed out of the app.
"""

from __future__ import annotations

import json
import signal
import textwrap
from pathlib import Path

import httpx
import pytest
from _oro_process import OroProcess, headless_environ, run_oro, until

from oro_framework.build.steps import (
    MARK_FILE,
    SCRIPT_TAIL_LINES,
    BuildScriptError,
    BuildSteps,
    run_build_steps,
)
from oro_framework.host.app import Host
from oro_framework.host.errors import BuildError, ConfigError
from oro_framework.testing import free_port

# Writes what a build script of Oro's sees into the output: where it runs, PREFIX, its
# arguments and one variable of the environment, then a page.
RECORDING_SCRIPT = """
import json, os, sys
prefix = os.environ["PREFIX"]
with open(os.path.join(prefix, "seen.json"), "w") as seen:
    json.dump({"cwd": os.getcwd(), "prefix": prefix, "argv": sys.argv[1:],
               "mode": os.environ.get("APP_MODE")}, seen)
with open(os.path.join(prefix, "index.html"), "w") as page:
    page.write("<!doctype html><title>built</title><h1>built by the script</h1>")
"""


def _app(root: Path, config: str, files: dict[str, str] | None = None) -> Path:
    (root / "oro.toml").write_text(
        '[meta]\nname = "built"\nbundle_identifier = "dev.oro.test-build-steps"\n'
        + textwrap.dedent(config),
        encoding="utf-8",
    )
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def _build(app: Path, **options: object) -> tuple[Path, list[str], list[str]]:
    """Run the app's build steps as the CLI does: the output, the script's lines, warnings."""
    written: list[str] = []
    warnings: list[str] = []
    host = Host(app, use_config_file=True, resolve_secrets=False)
    try:
        steps = BuildSteps.from_host(host)
    finally:
        host.close()
    output = run_build_steps(
        steps,
        write=written.append,
        warn=warnings.append,
        **options,  # type: ignore[arg-type]
    )
    return output, written, warnings


def _seen(output: Path) -> dict[str, object]:
    seen: dict[str, object] = json.loads((output / "seen.json").read_text(encoding="utf-8"))
    return seen


# -------------------------------------------------------------------------------------------------
# The script
# -------------------------------------------------------------------------------------------------


def test_the_script_runs_in_the_app_folder_filling_prefix_with_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(
        tmp_path,
        """
        [build]
        script = "python3 make.py"
        env = ["APP_MODE"]
        """,
        {"make.py": RECORDING_SCRIPT},
    )
    monkeypatch.setenv("APP_MODE", "release")

    output, written, warnings = _build(app)

    seen = _seen(output)
    assert output == app / "build"
    assert seen["cwd"] == str(app)
    # PREFIX was a fresh folder beside the output, which took the output's place.
    prefix = Path(str(seen["prefix"]))
    assert prefix.parent == app
    assert prefix.name.startswith(".build.staging-")
    assert not prefix.exists()
    assert seen["argv"] == []
    assert seen["mode"] == "release"
    assert (output / "index.html").read_text(encoding="utf-8").endswith("script</h1>")
    assert (output / MARK_FILE).is_file()
    assert written[0] == "oro: running [build] script: python3 make.py"
    assert warnings == []


def test_forward_arguments_pass_the_output_folder_and_oro_test_adds_its_files(
    tmp_path: Path,
) -> None:
    app = _app(
        tmp_path,
        """
        [build]
        script = "python3 make.py"
        script_forward_arguments = true
        """,
        {"make.py": RECORDING_SCRIPT},
    )

    output, _, _ = _build(app, test_files=["test/index.js"])

    seen = _seen(output)
    assert seen["argv"] == [seen["prefix"], "--test=test/index.js"]


def test_an_app_with_build_steps_is_served_from_the_output_unless_it_sets_webview_root(
    tmp_path: Path,
) -> None:
    configs = {
        "a": '[build]\ncopy = "src"\n',
        "b": '[webview]\nroot = "public"\n[build]\ncopy = "src"\noutput = "dist"\n',
        "c": '[build]\noutput = "dist"\n',  # nothing to build: served as it is
    }
    first, second, third = (tmp_path / name for name in configs)
    for name, config in configs.items():
        (tmp_path / name).mkdir()
        _app(tmp_path / name, config)

    roots = []
    for app in (first, second, third):
        host = Host(app, resolve_secrets=False)
        roots.append(host.paths.resources)
        host.close()

    assert roots == [first / "build", second / "public", third]


# -------------------------------------------------------------------------------------------------
# Copies
# -------------------------------------------------------------------------------------------------


def test_copy_and_copy_maps_fill_the_output_and_a_missing_source_is_one_warning(
    tmp_path: Path,
) -> None:
    app = _app(
        tmp_path,
        """
        [build]
        copy = "src;notes/readme.txt=docs/readme.txt;gone"
        copy_map = "assets/map.ini"

        [build.copy-map]
        "assets/logo.txt" = "img/logo.txt"
        "assets/fonts" = "fonts"
        "assets/top.txt" = ""
        "missing.txt" = "x.txt"
        """,
        {
            "src/index.html": "<h1>app</h1>",
            "src/js/main.js": "export {}",
            "src/.hidden": "dot files are never served",
            "notes/readme.txt": "read me",
            "assets/logo.txt": "logo",
            "assets/top.txt": "top",
            "assets/fonts/a.woff": "font",
            "assets/extra.css": "p {}",
            "assets/map.ini": """
                ; Oro's copy-map file: sources relative to it
                extra.css = css/extra.css
                linux_top.txt = linux/top.txt
                win_top.txt = windows/top.txt
                debug_logo.txt = debug/logo.txt
                prod_logo.txt = prod/logo.txt
            """,
        },
    )

    output, _, warnings = _build(app)

    files = sorted(
        path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()
    )
    assert files == [
        MARK_FILE,
        "css/extra.css",
        "debug/logo.txt",
        "docs/readme.txt",
        "fonts/a.woff",
        "img/logo.txt",
        "index.html",
        "js/main.js",
        "linux/top.txt",
        "top.txt",
    ]
    assert warnings == [
        f"[build] copy entry '{app / 'gone'}' does not exist",
        f"[build.copy-map] entry '{app / 'missing.txt'}' does not exist",
    ]


def test_oro_build_counts_prod_lines_of_the_copy_map_file(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        '[build]\ncopy_map = "map.ini"\n',
        {"logo.txt": "logo", "map.ini": "debug_logo.txt = d.txt\nprod_logo.txt = p.txt\n"},
    )

    output, _, _ = _build(app, production=True)

    assert (output / "p.txt").is_file()
    assert not (output / "d.txt").exists()


def test_the_linux_copy_map_file_is_read_after_the_shared_one_as_socket_does(
    tmp_path: Path,
) -> None:
    """Socket's ``[build] linux_copy_map`` (and ``[build.linux] copy_map``): a further copy-map
    file on Linux; a missing one is a warning."""
    app = _app(
        tmp_path,
        '[build]\ncopy_map = "all.ini"\nlinux_copy_map = "linux.ini"\n',
        {"a.txt": "a", "b.txt": "b", "all.ini": "a.txt = a.txt\n", "linux.ini": "b.txt = b.txt\n"},
    )
    output, _, warnings = _build(app)
    assert (output / "a.txt").is_file()
    assert (output / "b.txt").is_file()
    assert warnings == []

    (app / "linux.ini").unlink()
    _, _, warnings = _build(app)
    assert warnings == [
        f"the file [build] linux_copy_map names does not exist: {app / 'linux.ini'}"
    ]


def test_copying_follows_links_into_the_users_folders_and_never_into_the_systems(
    tmp_path: Path,
) -> None:
    """A link in a copied folder that leads into the app or the user's own folders is followed
    (Socket copies it); one into a system folder (a file the user did not mean to ship, and the
    bridge would then serve) is skipped with a warning, never followed."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the app's", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    _app(
        app,
        '[build]\ncopy = "src"\n',
        {"src/index.html": "<h1>app</h1>", "shared/lib.js": "export const lib = 1"},
    )
    (app / "src" / "sibling.txt").symlink_to(outside / "secret.txt")
    (app / "src" / "passwd").symlink_to("/etc/passwd")
    (app / "src" / "etc").symlink_to("/etc")
    (app / "src" / "lib.js").symlink_to(app / "shared" / "lib.js")
    (app / "src" / "loop").symlink_to(app / "src")

    output, _, warnings = _build(app)

    assert (output / "lib.js").read_text(encoding="utf-8") == "export const lib = 1"
    assert not (output / "lib.js").is_symlink()
    assert (output / "sibling.txt").read_text(encoding="utf-8") == "not the app's"
    assert not (output / "passwd").exists()
    assert not (output / "etc").exists()
    assert sorted(warnings) == [
        f"not copied: {app / 'src' / 'etc'} is a link out of the user's folders",
        f"not copied: {app / 'src' / 'passwd'} is a link out of the user's folders",
    ]


def test_copying_the_whole_app_leaves_out_its_config_and_its_own_output(tmp_path: Path) -> None:
    """oro.toml is never served by the bridge: a copy into the served output must not serve it
    either; and the output is not copied into itself."""
    app = _app(tmp_path, '[build]\ncopy = "."\n', {"index.html": "<h1>app</h1>"})
    _build(app)

    output, _, _ = _build(app)

    assert (output / "index.html").is_file()
    assert not (output / "oro.toml").exists()
    assert not (output / "build").exists()


# -------------------------------------------------------------------------------------------------
# Bad input
# -------------------------------------------------------------------------------------------------


FAILING_SCRIPT = """
i=1
while [ $i -le 30 ]; do echo "step $i"; i=$((i + 1)); done
echo "error: cannot bundle src/index.js" >&2
exit 7
"""


def test_a_failing_script_reports_its_code_and_last_lines_and_keeps_the_old_output(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, '[build]\nscript = "sh make.sh"\n', {"make.sh": "echo ok > $PREFIX/v1"})
    output, _, _ = _build(app)
    (app / "make.sh").write_text("echo partial > $PREFIX/v2\n" + FAILING_SCRIPT)

    with pytest.raises(BuildScriptError) as raised:
        _build(app)

    error = raised.value
    assert error.exit_code == 7
    assert len(error.tail) == SCRIPT_TAIL_LINES
    assert error.tail[-1] == "error: cannot bundle src/index.js"
    assert error.tail[0] == "step 12"
    assert "failed with exit code 7" in str(error)
    assert "step 30" in str(error)
    assert sorted(path.name for path in output.iterdir()) == [MARK_FILE, "v1"]
    assert [path.name for path in app.iterdir() if path.name.startswith(".")] == []


def test_a_copy_map_destination_leaving_the_output_is_one_warning_and_never_written(
    tmp_path: Path,
) -> None:
    """Socket writes such a destination beside its resources; oro replaces the output whole and
    writes nothing outside it: the entry is left out with one warning, and the app starts."""
    for number, destination in enumerate(("../escaped.txt", "/tmp/escaped.txt", "a/../../e.txt")):
        (tmp_path / str(number)).mkdir()
        app = _app(
            tmp_path / str(number),
            f'[build.copy-map]\n"logo.txt" = "{destination}"\n"index.html" = ""\n',
            {"logo.txt": "logo", "index.html": "<h1>app</h1>"},
        )
        output, _, warnings = _build(app)
        assert (output / "index.html").is_file()
        assert warnings == [
            f"[build.copy-map] entry '{app / 'logo.txt'}' not copied: destination "
            f"{destination!r} must be a path inside build.output (relative, without '..')"
        ]
        assert not (app / "escaped.txt").exists()
        assert not (app.parent / "e.txt").exists()
    assert not Path("/tmp/escaped.txt").exists()


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ('[build]\ncopy = "/etc"\n', "build.copy"),
        ('[build.copy-map]\n"/etc/passwd" = "s.txt"\n', "build.copy-map./etc/passwd"),
        ('[build]\ncopy_map = "/etc/map.ini"\n', "build.copy_map"),
        ('[build]\ncopy = "src"\noutput = "/usr/local/out"\n', "build.output"),
        ('[build]\ncopy = "src"\noutput = ".."\n', "build.output"),
    ],
)
def test_reading_or_writing_system_folders_or_the_app_wholesale_is_a_config_error(
    tmp_path: Path, config: str, key: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not the app's", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    _app(app, config, {"src/index.html": "<h1>app</h1>", "map.ini": "../../x = x\n"})

    with pytest.raises(ConfigError) as raised:
        _build(app)

    assert raised.value.key == key
    assert not (tmp_path / "out").exists()
    assert not (app / "build").exists()


def test_a_link_the_script_made_cannot_lead_a_copy_out_of_the_output(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    app = tmp_path / "app"
    app.mkdir()
    _app(
        app,
        '[build]\nscript = "ln -s ' + str(target) + ' $PREFIX/lib"\n'
        '[build.copy-map]\n"logo.txt" = "lib/logo.txt"\n',
        {"logo.txt": "logo"},
    )

    with pytest.raises(BuildError, match=r"leads out of build\.output"):
        _build(app)

    assert list(target.iterdir()) == []
    assert not (app / "build").exists()


def test_an_output_folder_holding_files_no_build_made_is_not_replaced(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        '[build]\ncopy = "src"\noutput = "dist"\n',
        {"src/index.html": "<h1>app</h1>", "dist/keep.txt": "someone's file"},
    )

    with pytest.raises(ConfigError, match="holds files no build made") as raised:
        _build(app)

    assert raised.value.key == "build.output"
    assert (app / "dist" / "keep.txt").read_text(encoding="utf-8") == "someone's file"


def test_an_output_beside_the_app_that_a_socket_build_left_is_replaced_and_hidden_files_stay(
    tmp_path: Path,
) -> None:
    """``output = "../build"`` holding only what ``ssc build`` leaves there (``linux/``) is
    replaced as oro's own; the copy from ``..`` leaves out ``../.env`` (a hidden file outside
    the app), with one warning, and takes ``../src`` even when the app lies in a dot folder."""
    workspace = tmp_path / ".local" / "proj"
    app = workspace / "app"
    app.mkdir(parents=True)
    (workspace / "build" / "linux").mkdir(parents=True)
    (workspace / ".env").write_text("TOKEN=secret", encoding="utf-8")
    (workspace / "src").mkdir()
    (workspace / "src" / "index.html").write_text("<h1>shared</h1>", encoding="utf-8")
    _app(
        app,
        '[build]\ncopy = "../src;../.env"\noutput = "../build"\n',
    )

    output, _, warnings = _build(app)

    assert output == workspace / "build"
    assert sorted(path.name for path in output.iterdir()) == [MARK_FILE, "index.html"]
    assert warnings == [
        f"[build] copy entry '{app / '../.env'}' is a hidden file outside the app: not copied"
    ]


# -------------------------------------------------------------------------------------------------
# The commands
# -------------------------------------------------------------------------------------------------


def test_oro_run_build_serves_what_the_script_built(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        '[build]\nscript = "python3 make.py"\n',
        {"make.py": RECORDING_SCRIPT, "index.html": "<h1>the unbuilt source</h1>"},
    )
    arguments = ("run", str(app), "--build", "--headless", "--port", str(free_port()))
    with OroProcess(*arguments, environ=headless_environ()) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            page = client.get(url)
            source = client.get(url.split("/?", 1)[0] + "/make.py")
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0
        stderr = oro.stderr()

    assert page.status_code == 200
    assert "built by the script" in page.text
    assert source.status_code == 404  # the app folder itself is not served
    assert "oro: running [build] script: python3 make.py" in stderr


def test_oro_run_build_with_a_failing_script_exits_with_its_code(tmp_path: Path) -> None:
    app = _app(tmp_path, '[build]\nscript = "sh make.sh"\n', {"make.sh": FAILING_SCRIPT})

    result = run_oro("run", str(app), "--build", "--headless", cwd=tmp_path, timeout=120)

    assert result.returncode == 7
    assert "error: [build] script 'sh make.sh' failed with exit code 7" in result.stderr
    assert "  error: cannot bundle src/index.js" in result.stderr
    assert "oro: serving" not in result.stdout
    assert not (app / "build").exists()


# The sh build of Oro's templates (create-socket-app's build.js without esbuild): the page
# always, the tests only when argv has --test, both into $PREFIX.
TEMPLATE_SCRIPT = """
set -e
sed "s/__GREETING__/Hello, built/" src/index.html > "$PREFIX/index.html"
for argument in "$@"; do
  case "$argument" in
    --test=*)
      mkdir -p "$PREFIX/test"
      sed "s/__BUILT__/by the build script/" test/index.js > "$PREFIX/test/index.js"
      ;;
  esac
done
"""


def test_oro_test_runs_the_tests_the_build_script_writes_into_its_output(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        '[build]\nscript = "sh build.sh"\n',
        {
            "build.sh": TEMPLATE_SCRIPT,
            "src/index.html": "<!doctype html><title>t</title><h1>__GREETING__</h1>",
            "test/index.js": """
                import { test } from 'oro:test'
                test('the built page', (t) => {
                  t.equal(document.querySelector('h1').textContent, 'Hello, built', 'greets')
                  t.pass('__BUILT__')
                })
            """,
        },
    )

    result = run_oro("test", "test/index.js", cwd=app, timeout=180)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok 1 greets" in result.stdout
    assert "ok 2 by the build script" in result.stdout
    assert "--test=test/index.js" in result.stderr
    # The run's TAP is alone on standard output: the script's lines go to standard error.
    assert "oro: running [build] script" not in result.stdout
    assert (app / "build" / "test" / "index.js").is_file()


def test_oro_dev_rebuilds_on_a_source_change_and_keeps_the_last_build_when_it_fails(
    tmp_path: Path,
) -> None:
    app = _app(
        tmp_path,
        '[build]\nscript = "sh build.sh"\n',
        {
            "build.sh": """
                if [ -f src/broken ]; then echo "src/broken says no"; exit 4; fi
                cp src/index.html "$PREFIX/index.html"
            """,
            "src/index.html": "<h1>first</h1>",
        },
    )
    arguments = ("dev", str(app), "--headless", "--port", str(free_port()))
    with OroProcess(*arguments, environ=headless_environ(), timeout=90) as oro:
        url = oro.launch_url()
        with httpx.Client(follow_redirects=True) as client:
            first = client.get(url).text
            origin = url.split("/?", 1)[0]

            (app / "src" / "index.html").write_text("<h1>second</h1>", encoding="utf-8")
            oro.wait_for_line(r"oro dev: built; reloading pages")
            second = client.get(origin + "/index.html").text

            (app / "src" / "broken").write_text("", encoding="utf-8")
            oro.wait_for_line(r"src/broken changed; running the build steps")
            until(lambda: "failed with exit code 4" in oro.stderr(), "the failed rebuild")
            kept = client.get(origin + "/index.html").text
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0

    assert "first" in first
    assert "second" in second
    assert "src/broken says no" in oro.stderr()
    assert "second" in kept


def test_oro_build_runs_the_script_first_and_a_failure_stops_it_before_freezing(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, '[build]\nscript = "sh make.sh"\n', {"make.sh": FAILING_SCRIPT})

    result = run_oro("build", str(app), "--out", str(tmp_path / "dist"), cwd=tmp_path)

    assert result.returncode == 7
    assert "failed with exit code 7" in result.stderr
    assert "freezing" not in result.stdout
    assert not (tmp_path / "dist").exists()


def test_what_a_build_ships_is_read_from_the_pages_the_steps_built(tmp_path: Path) -> None:
    from oro_framework.build.plan import plan_build

    app = _app(
        tmp_path,
        '[build]\nscript = "sh make.sh"\n',
        {
            "make.sh": """
                printf '<script type="module">import fs from "oro:fs"</script>' \\
                  > "$PREFIX/index.html"
            """,
            "index.html": "<h1>the source imports nothing</h1>",
        },
    )
    _build(app, production=True)

    plan = plan_build(app)

    assert plan.resources == app / "build"
    reasons = {choice.distribution: choice.reason for choice in plan.plugins}
    assert reasons["oro-fs"] == "imports oro:fs (index.html:1)"
