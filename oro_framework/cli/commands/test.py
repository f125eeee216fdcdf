"""`oro test`: the app's JavaScript tests in its pages."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from oro_framework.cli.app_tests import (
    EXIT_UNAVAILABLE,
    TestRunPlugin,
    find_test_files,
    missing_browser,
    run_headless,
    run_in_window,
)
from oro_framework.cli.commands.run import open_gui, run_app_build_steps
from oro_framework.cli.common import (
    config_overrides_option,
    echo_error,
    echo_flushed,
    echo_stderr,
    host_errors,
    parse_overrides,
    skip_broken_option,
    strict_plugins_option,
    warn,
    webview_option,
    with_strict_plugins,
    with_webview,
)
from oro_framework.gui.runner import AppRunner
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import TestSettings, WebviewSettings
from oro_framework.host.errors import NoTestFilesError


@click.command("test")
# Not required to exist: a test file may be what the app's build steps write (build/test/...).
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-m",
    "--match",
    envvar="ORO_TEST_GREP",
    metavar="REGEX",
    help="Run only the tests whose name matches this JavaScript regular expression (also "
    "ORO_TEST_GREP).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds the page may take to start the run, and the run itself, before it fails "
    "(default: test.timeout, 120).",
)
@click.option(
    "--window",
    is_flag=True,
    help="Run the tests in the app's real window instead of a headless browser.",
)
@click.option(
    "--use-app-data",
    is_flag=True,
    help="Run with the app's real data, cache and config folders (its data: files, web storage "
    "and databases) instead of empty temporary ones removed after the run.",
)
@webview_option
@skip_broken_option
@strict_plugins_option
@config_overrides_option
@host_errors
def test_command(
    paths: tuple[Path, ...],
    match: str | None,
    timeout: float | None,
    window: bool,
    use_app_data: bool,
    webview: str | None,
    skip_broken_plugins: bool,
    strict_plugins: bool,
    overrides: tuple[str, ...],
) -> None:
    """Run the app's oro:test files in a real page and print their TAP: oro test [APP] [FILES...]

    APP (default: the current directory) is served as `oro run` serves it. FILES default to
    the test.files patterns of its oro.toml (test/index.js, test/**/*.test.js). The tests run
    in headless Chromium (Playwright and a system Chromium: the 'testing' extra), or with
    --webview system (or webview.engine = "system") in WebKitGTK's MiniBrowser through
    WebKitWebDriver (package webkit2gtk-driver); with --window in the app's window, of the
    engine --webview names. Exits 0 when every assertion passed, 1 when one failed, a
    test file did not load, an error went uncaught or the run timed out, 2 without a browser.

    The app's build steps ([build] script, copy, copy-map) run first, the script with
    --test=<file> for each file as Oro passes it; a file the build writes is found in its
    output (test/index.js as build/test/index.js). A failing script stops the run with its
    exit code.

    Each run gets its own empty data, cache and config folders (data: files, web storage,
    databases), removed afterwards, unless --use-app-data; and never hands its launch to a
    running copy of the app (application.single_instance is off).
    """
    app_dir = Path(".")
    files = list(paths)
    if files and files[0].is_dir():
        app_dir = files.pop(0)
    parsed = parse_overrides(with_strict_plugins(with_webview(overrides, webview), strict_plugins))
    # A test run is no second launch of the app: a running copy must never take it over.
    parsed["application.single_instance"] = "false"
    with _paths_root(use_app_data) as root:
        _run_tests(app_dir, files, parsed, root, match, timeout, window, skip_broken_plugins)


@contextlib.contextmanager
def _paths_root(use_app_data: bool) -> Iterator[Path | None]:
    """The folder that holds the run's data, cache and config folders (``None``: the user's
    own), removed after the run, so that a test never edits the user's files."""
    if use_app_data:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="oro-test-") as root:
        yield Path(root)


def _run_tests(
    app_dir: Path,
    files: list[Path],
    parsed: dict[str, str],
    root: Path | None,
    match: str | None,
    timeout: float | None,
    window: bool,
    skip_broken_plugins: bool,
) -> None:
    host = Host(app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed, paths_root=root)
    page = host.settings(TestSettings).page
    if page:
        # The page to test in becomes the app's "/": a window opens it, as headless does.
        host.close()
        parsed["webview.default_index"] = page
        host = Host(
            app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed, paths_root=root
        )
    run_app_build_steps(host, test_files=_script_test_files(host, files))
    try:
        test_files = find_test_files(
            host.app_dir, host.paths.resources, host.settings(TestSettings).files, files
        )
    except NoTestFilesError as error:
        host.close()
        raise click.ClickException(str(error)) from None
    plugin = TestRunPlugin(
        test_files,
        match=match,
        timeout=timeout if timeout is not None else float(host.settings(TestSettings).timeout),
        write=echo_flushed,
    )
    host.close()
    # Built again with the run's plugin: a host is built once, with every plugin it has.
    host = Host(
        app_dir,
        skip_broken_plugins=skip_broken_plugins,
        config=parsed,
        plugins=[plugin],
        paths_root=root,
    )
    runner = AppRunner(host, port=0, echo=echo_stderr, warn=warn)
    gui = open_gui(host, runner) if window else None
    engine = "webkit" if host.settings(WebviewSettings).engine == "system" else "chromium"
    if gui is None:
        problem = missing_browser(engine)
        if problem is not None:
            host.close()
            click.echo(f"error: {problem}", err=True)
            raise SystemExit(EXIT_UNAVAILABLE)
    try:
        if gui is not None:
            code = run_in_window(runner, plugin, gui, warn=echo_error)
        else:
            code = run_headless(runner, plugin, page="/", warn=echo_error, engine=engine)
    except OSError as error:
        raise click.ClickException(f"cannot serve {host.app_dir}: {error}") from None
    if code:
        raise SystemExit(code)


def _script_test_files(host: Host, files: list[Path]) -> list[str]:
    """What the build script gets as --test=<file>: the files named, else the test.files
    sources in the app folder, each relative to it (the script runs there), as Oro passes
    them."""
    app = host.app_dir.resolve()
    if not files:
        found: dict[Path, None] = {}
        for pattern in host.settings(TestSettings).files:
            for path in sorted(app.glob(pattern)):
                if path.is_file() and not path.resolve().is_relative_to(host.paths.resources):
                    found.setdefault(path)
        files = list(found)
    shown = []
    for file in files:
        path = file.absolute()
        shown.append(path.relative_to(app).as_posix() if path.is_relative_to(app) else str(path))
    return shown


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(test_command)
