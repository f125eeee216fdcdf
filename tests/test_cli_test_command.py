"""``oro test`` in a real subprocess: an app's ``oro:test`` files run in headless Chromium and
their TAP comes out on stdout, with the run's status as the exit code.

Each run launches a browser, so each app below holds several cases at once."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from _oro_process import ORO, SHOWCASE, headless_environ

PAGE = "<!doctype html><html><head><title>t</title></head><body><p id=greeting>hi</p></body></html>"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def _oro_test(*arguments: str, cwd: Path, environ: dict[str, str] | None = None):
    return subprocess.run(
        [str(ORO), "test", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ if environ is not None else headless_environ(),
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One run of an app whose files pass, fail, throw, reject, throw later and do not parse."""
    app = _write(
        tmp_path_factory.mktemp("mixed"),
        {
            # The run reports over a permission of its own: turning 'runtime' off changes nothing.
            "oro.toml": '[meta]\nname = "mixed"\n[permissions]\nallow_runtime = false\n',
            "index.html": PAGE,
            "test/index.js": """
                import test from 'oro:test'
                test('sync passes', (t) => {
                  t.equal(1 + 1, 2, 'sums')
                  t.deepEqual({ a: [1, 2] }, { a: [1, 2] }, 'same shape')
                  t.throws(() => JSON.parse('{'), /JSON/, 'bad JSON throws')
                })
                test('async sees the page', async (t) => {
                  await new Promise((resolve) => setTimeout(resolve, 0))
                  t.equal(document.querySelector('#greeting').textContent, 'hi', 'the app page')
                })
            """,
            "test/fail.test.js": """
                import { test } from 'node:test'
                test('a failing assertion', (t) => {
                  t.equal('apple', 'pear', 'fruit matches')
                })
                test('a thrown error', () => {
                  throw new TypeError('boom from a test')
                })
                test('a rejected promise', async () => {
                  await Promise.reject(new RangeError('rejected in a test'))
                })
                test('an error thrown later', async (t) => {
                  setTimeout(() => { throw new Error('late uncaught') }, 0)
                  await new Promise((resolve) => setTimeout(resolve, 50))
                  t.pass('the run goes on')
                })
            """,
            "test/syntax.test.js": "import test from 'oro:test'\ntest('never', (t) => {\n",
        },
    )
    return _oro_test(cwd=app)


def test_a_failing_run_exits_1(mixed_run):
    assert mixed_run.returncode == 1, mixed_run.stderr


def test_tap_starts_with_the_version_and_ends_with_the_plan_and_counts(mixed_run):
    lines = mixed_run.stdout.splitlines()
    assert lines[0] == "TAP version 13"
    plan = [line for line in lines if re.fullmatch(r"1\.\.\d+", line)]
    assert plan == ["1..10"]
    assert lines[-3:] == ["# tests 10", "# pass  5", "# fail  5"]


def test_passing_assertions_print_ok_lines_in_registration_order(mixed_run):
    lines = mixed_run.stdout.splitlines()
    start = lines.index("# sync passes")
    expected = [
        "# sync passes",
        "ok 2 sums",
        "ok 3 same shape",
        "ok 4 bad JSON throws",
        "# async sees the page",
        "ok 5 the app page",
        "# a failing assertion",
    ]
    assert lines[start : start + 7] == expected


def test_a_failing_assertion_prints_not_ok_with_its_diagnostic(mixed_run):
    lines = mixed_run.stdout.splitlines()
    start = lines.index("not ok 6 fruit matches")
    assert lines[start + 1 : start + 5] == [
        "  ---",
        "    operator: equal",
        '    expected: "pear"',
        '    actual:   "apple"',
    ]
    assert re.fullmatch(r"    at: {7}.*/test/fail\.test\.js:3:\d+\)?", lines[start + 5])


def test_a_thrown_error_and_a_rejection_fail_their_test_and_the_run_goes_on(mixed_run):
    out = mixed_run.stdout
    assert "not ok 7 a thrown error: TypeError: boom from a test" in out
    assert "not ok 8 a rejected promise: RangeError: rejected in a test" in out
    assert "ok 10 the run goes on" in out.splitlines()


def test_a_test_stalled_by_an_escaped_error_is_ended_and_the_run_goes_on(tmp_path):
    """Oro's own fs suite calls ``fs.realpath(p, (path) => path.endsWith(...))``: Node's callback
    gets ``null`` first, the callback throws outside the test's promise, and the promise waits
    for it forever. The run ends that test (5 s after the error) and runs the next ones, where
    Oro's runner waits for the run's timeout; what the ended test asserts later is not counted."""
    app = _write(
        tmp_path,
        {
            "oro.toml": '[meta]\nname = "stalled"\n',
            "index.html": PAGE,
            "test/index.js": """
                import test from 'oro:test'
                let late = null
                test('a callback throws and the test waits for it', async (t) => {
                  t.pass('before')
                  await new Promise((resolve) => {
                    setTimeout(() => {
                      late = () => t.pass('too late')
                      null.endsWith('x')
                      resolve()
                    }, 0)
                  })
                })
                test('the next test runs', (t) => {
                  late()
                  t.pass('after')
                })
            """,
        },
    )
    done = _oro_test(cwd=app)
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr
    assert "ok 1 before" in lines
    assert any(
        re.fullmatch(r"not ok 2 (uncaught|unhandled rejection) TypeError: .*", line)
        for line in lines
    ), lines
    assert any(
        line.startswith("# a callback throws and the test waits for it: ended, still running")
        for line in lines
    ), lines
    assert "# the next test runs" in lines
    assert "ok 3 after" in lines
    assert "too late" not in done.stdout
    assert lines[-3:] == ["# tests 3", "# pass  2", "# fail  1"]


def test_an_error_no_test_caught_fails_the_run(mixed_run):
    assert "not ok 9 uncaught Error: late uncaught" in mixed_run.stdout


def test_a_test_file_that_does_not_parse_fails_first_with_its_name_and_error(mixed_run):
    """Files are imported before the run starts, so a load failure comes right after the
    version line; the other files still run."""
    lines = mixed_run.stdout.splitlines()
    assert re.fullmatch(r"not ok 1 cannot load /test/syntax\.test\.js: SyntaxError: .+", lines[1])
    assert sum("cannot load" in line for line in lines) == 1


def test_configured_files_page_only_and_match_pass_with_exit_0(tmp_path):
    app = _write(
        tmp_path,
        {
            "oro.toml": '[meta]\nname = "picked"\n[test]\nfiles = ["spec/**/*.spec.js"]\n'
            'page = "/spec/page.html"\n',
            "spec/page.html": PAGE.replace("hi", "spec page"),
            "spec/a.spec.js": """
                import test from 'oro:test'
                test('not only, would fail', (t) => t.fail('ran without only'))
                test.only('keep: only', (t) => {
                  t.equal(document.querySelector('#greeting').textContent, 'spec page')
                })
                test.only('drop: only but not matched', (t) => t.fail('ran despite --match'))
                test.skip('keep: skipped', (t) => t.fail('skipped test ran'))
            """,
            "test/index.js": "throw new Error('the default files are not imported')\n",
        },
    )

    result = _oro_test("--match", "^keep", cwd=app)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "TAP version 13",
        "# keep: only",
        "ok 1 should be equal",
        "# SKIP drop: only but not matched (does not match /^keep/)",
        "",
        "1..1",
        "# tests 1",
        "# pass  1",
        "",
        "# ok",
    ]


def test_files_that_register_no_test_are_an_error(tmp_path):
    app = _write(
        tmp_path,
        {
            "oro.toml": '[meta]\nname = "empty"\n',
            "index.html": PAGE,
            "test/index.js": "export const nothing = 1\n",
        },
    )

    result = _oro_test(str(app), str(app / "test" / "index.js"), cwd=tmp_path)

    assert result.returncode == 1
    assert "no tests ran: the test files registered none" in result.stderr


def test_no_test_files_is_an_error_naming_the_patterns(tmp_path):
    _write(tmp_path, {"oro.toml": '[meta]\nname = "none"\n', "index.html": PAGE})

    result = _oro_test(cwd=tmp_path)

    assert result.returncode == 1
    assert "no test files in" in result.stderr
    assert "test/index.js, test/**/*.test.js" in result.stderr


def test_without_chromium_it_says_how_to_install_it_and_exits_2(tmp_path):
    _write(
        tmp_path,
        {"oro.toml": '[meta]\nname = "x"\n', "index.html": PAGE, "test/index.js": "\n"},
    )
    environ = {**headless_environ(), "PATH": str(ORO.parent)}
    assert not any(
        (Path(directory) / "chromium").exists() for directory in environ["PATH"].split(os.pathsep)
    )

    result = _oro_test(cwd=tmp_path, environ=environ)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: oro test needs Chromium: no Chromium found: apt-get install chromium "
        "(scripts/test does)"
    ]


def test_the_showcase_tests_pass_in_its_own_page_with_its_plugins():
    result = _oro_test(str(SHOWCASE), cwd=SHOWCASE.parent)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["TAP version 13", "# the host answers IPC", "ok 1 ping → pong"]
    assert lines[-4:] == ["# tests 4", "# pass  4", "", "# ok"]


def test_a_run_that_never_ends_bails_out_at_the_timeout_with_exit_1(tmp_path):
    app = _write(
        tmp_path,
        {
            "oro.toml": '[meta]\nname = "hangs"\n[test]\ntimeout = 600\n',
            "index.html": PAGE,
            "test/index.js": """
                import test from 'oro:test'
                test('settles', (t) => t.pass('first'))
                test('never settles', () => new Promise(() => {}))
            """,
        },
    )

    # Long enough for the page to start the run under a loaded machine's Chromium (the
    # timeout counts once for that too), short enough not to slow the suite much.
    result = _oro_test("--timeout", "10", cwd=app)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "TAP version 13",
        "# settles",
        "ok 1 first",
        "# never settles",
        "Bail out! no result after 10 s (--timeout)",
    ]
    assert "error: timed out after 10 s" in result.stderr
    assert "oro-test.deadline" not in result.stderr, "the deadline is no failing service"


ENGINE_APP = {
    "oro.toml": '[meta]\nname = "engine"\n',
    "index.html": PAGE,
    "test/index.js": """
        import test from 'oro:test'
        test('the page runs in WebKit', (t) => {
          // Chromium's user agent names AppleWebKit too, and Chrome; WebKit's only the former.
          t.ok(navigator.userAgent.includes('AppleWebKit'), 'a WebKit-derived engine')
          t.equal(navigator.userAgent.includes('Chrome'), false, 'not Chromium')
        })
    """,
}


def test_webview_system_runs_the_tests_headless_in_webkit(tmp_path):
    app = _write(tmp_path, ENGINE_APP)

    on_webkit = _oro_test("--webview", "system", cwd=app)
    on_chromium = _oro_test("--webview", "qt", cwd=app)

    assert on_webkit.returncode == 0, on_webkit.stdout + on_webkit.stderr
    assert on_webkit.stdout.splitlines()[-4:] == ["# tests 2", "# pass  2", "", "# ok"]
    assert on_chromium.returncode == 1, on_chromium.stdout + on_chromium.stderr
    assert "not ok 2 not Chromium" in on_chromium.stdout.splitlines()


def test_the_showcase_tests_pass_in_webkit():
    result = _oro_test(str(SHOWCASE), "--webview", "system", cwd=SHOWCASE.parent)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-4:] == ["# tests 4", "# pass  4", "", "# ok"]


def test_an_unknown_webview_is_a_usage_error_listing_the_choices(tmp_path):
    app = _write(tmp_path, ENGINE_APP)

    result = _oro_test("--webview", "gecko", cwd=app)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "Invalid value for '--webview': 'gecko' is not one of 'system', 'qt'." in result.stderr


def test_webview_system_without_webkit_web_driver_names_the_package_and_exits_2(tmp_path):
    app = _write(tmp_path, ENGINE_APP)
    environ = {**headless_environ(), "PATH": str(ORO.parent)}

    result = _oro_test("--webview", "system", cwd=app, environ=environ)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "error: oro test --webview system needs WebKitWebDriver: no WebKitWebDriver found: "
        "apt-get install webkit2gtk-driver libwebkit2gtk-4.1-0 xvfb (scripts/test does)"
    ]


def test_tests_run_in_a_loaded_page_whose_windows_open_and_ignored_errors_pass(tmp_path):
    """As Oro's test runner: the files run once the page has loaded and the runtime is
    initialised; a window a test creates gets its page (in a browser session of its own), which
    can talk back; an error a test throws on purpose (Oro's `ignore`) fails nothing."""
    app = _write(
        tmp_path,
        {
            "oro.toml": '[meta]\nname = "windows"\n',
            "index.html": PAGE,
            "second.html": """
                <!doctype html><html><head><title>second</title>
                <script type="module">
                import application from 'oro:application'
                const me = await application.getCurrentWindow()
                me.send({ event: 'second window loaded', value: { index: me.index }, window: 0 })
                </script></head><body></body></html>
            """,
            "test/index.js": """
                import test from 'oro:test'
                import hooks from 'oro:hooks'
                import application from 'oro:application'
                const state = [document.readyState, hooks.isDocumentReady, hooks.isGlobalReady,
                  hooks.isRuntimeReady, hooks.isReady]
                test('the page had loaded', (t) => {
                  t.deepEqual(state, ['complete', true, true, true, true], 'loaded and ready')
                })
                test('a created window has its page', async (t) => {
                  const loaded = new Promise((resolve) => globalThis.addEventListener(
                    'second window loaded', (event) => resolve(event.detail), { once: true }))
                  const second = await application.createWindow({ index: 1, path: 'second.html' })
                  t.deepEqual(await loaded, { index: 1 }, 'its page ran and sent an event')
                  await second.close()
                })
                test('errors thrown on purpose', async (t) => {
                  const heard = new Promise((resolve) => {
                    let count = 0
                    const listener = () => { if (++count === 2) resolve(count) }
                    globalThis.addEventListener('error', listener)
                    globalThis.addEventListener('unhandledrejection', listener)
                  })
                  const thrown = Object.assign(new Error('thrown'), { ignore: true })
                  queueMicrotask(() => { throw thrown })
                  const marked = new Error('rejected')
                  marked[Symbol.for('socket.runtime.test.error.ignore')] = true
                  Promise.reject(marked)
                  t.equal(await heard, 2, 'both reached the page')
                })
            """,
        },
    )

    result = _oro_test(cwd=app)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass  3" in result.stdout
    assert "not ok" not in result.stdout


def test_a_test_run_writes_to_its_own_data_folder_unless_told_to_use_the_apps(tmp_path):
    """A test that writes data:x.txt leaves the user's notes alone, and its file is gone after
    the run; --use-app-data writes where the app itself does."""
    home = tmp_path / "home"
    real_data = home / ".local" / "share" / "com.example.isolated"
    real_data.mkdir(parents=True)
    (real_data / "notes.txt").write_text("the user's notes", encoding="utf-8")
    app = _write(
        tmp_path / "app",
        {
            "oro.toml": '[meta]\nname = "isolated"\nbundle_identifier = "com.example.isolated"\n',
            "index.html": PAGE,
            "test/index.js": """
                import test from 'oro:test'
                import fs from 'oro:fs/promises'
                import os from 'oro:os'
                test('writes data:x.txt', async (t) => {
                  const notes = await fs.readFile('data:notes.txt', 'utf8').catch(() => 'none')
                  await fs.writeFile('data:x.txt', 'from the test')
                  t.ok(true, `notes: ${notes}; data at ${os.paths().data}`)
                })
            """,
        },
    )
    environ = headless_environ({"HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share")})

    isolated = _oro_test(cwd=app, environ=environ)

    assert isolated.returncode == 0, isolated.stdout + isolated.stderr
    used = re.search(r"^ok 1 notes: none; data at (.+)$", isolated.stdout, re.MULTILINE)
    assert used is not None, isolated.stdout
    assert not Path(used.group(1)).is_relative_to(home)
    assert not Path(used.group(1)).exists(), "the run's folders outlive it"
    assert sorted(path.name for path in real_data.iterdir()) == ["notes.txt"]

    shared = _oro_test("--use-app-data", cwd=app, environ=environ)

    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert f"ok 1 notes: the user's notes; data at {real_data}" in shared.stdout.splitlines()
    assert (real_data / "x.txt").read_text(encoding="utf-8") == "from the test"
    assert (real_data / "notes.txt").read_text(encoding="utf-8") == "the user's notes"
