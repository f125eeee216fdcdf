"""`oro run`: an app in a native window, or served headless."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from oro_framework.cli.app_checks import missing_index
from oro_framework.cli.common import (
    app_dir_argument,
    config_overrides_option,
    devtools_option,
    echo_flushed,
    echo_stderr,
    headless_option,
    host_errors,
    parse_overrides,
    port_option,
    quiet_option,
    skip_broken_option,
    strict_plugins_option,
    warn,
    webview_option,
    with_devtools,
    with_strict_plugins,
    with_webview,
)
from oro_framework.cli.page_debugging import configure_page_debugging
from oro_framework.cli.running_copies import announce_copy
from oro_framework.gui.display import check_display, has_display
from oro_framework.gui.engines import (
    choose_engine,
    make_engine,
    system_engine_hint,
)
from oro_framework.gui.runner import AppRunner
from oro_framework.gui.single_instance import InstanceLock, acquire_or_hand_over
from oro_framework.gui.warm import WarmEngine, warm_engine, webview_storage
from oro_framework.hookspecs import hookimpl
from oro_framework.host import tracing
from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import (
    ApplicationSettings,
    MetaSettings,
    WebviewSettings,
    has_build_steps,
)
from oro_framework.host.errors import DisplayError, EngineUnavailableError
from oro_framework.host.windows.engine import Engine
from oro_framework.host.windows.settings import WindowSettings
from oro_framework.update import RESTART_INTO


@click.command()
@app_dir_argument
@click.argument("urls", nargs=-1)
@headless_option
@webview_option
@port_option(
    "Port on 127.0.0.1 to serve the app on; 0 picks a free one. Default: window.port, else a "
    "port derived from meta.bundle_identifier (the same every run, so the browser's per-origin "
    "storage carries over)."
)
@click.option(
    "--build",
    "build_first",
    is_flag=True,
    help="Run the app's build steps first ([build] script, copy, copy-map, as `ssc build -r` "
    "does) and serve what they build (build.output).",
)
@devtools_option
@quiet_option
@skip_broken_option
@strict_plugins_option
@config_overrides_option
@click.option(
    "--dev-child",
    is_flag=True,
    hidden=True,
    help="Run as the host process of `oro dev`, which starts it with this flag.",
)
@host_errors
def run(
    app_dir: Path,
    urls: tuple[str, ...],
    headless: bool,
    webview: str | None,
    port: int | None,
    build_first: bool,
    devtools: bool,
    quiet: bool,
    skip_broken_plugins: bool,
    strict_plugins: bool,
    overrides: tuple[str, ...],
    dev_child: bool,
) -> None:
    """Run the app in APP_DIR (default: the current directory).

    Opens the app in a native window when a display exists. Otherwise, or with --headless, serves
    it on 127.0.0.1 and prints a line with its launch URL, to open in any browser. A headless app
    (window.headless, Socket's [build] headless) runs its pages in windows never shown, as under
    Socket, and prints what they log; with no display on a virtual one (Xvfb), which ends with
    it (without Xvfb it is served, saying what to install). Stops when the
    window closes, the app calls application.exit, or on Ctrl-C/SIGTERM; exits with the code the
    app asked for (0 by default).

    The pages' console warnings and errors, and their uncaught errors, are printed to standard
    error with their window's index (-v adds console.log/info, --quiet prints none); with
    --devtools a page's showInspector() opens the engine's developer tools (docs/debugging.md).

    URLS are deep links of the app's protocol handlers (web+notes://inbox/1): pages get each as
    an applicationurl event. With application.single_instance (the default) a second launch of a
    running app hands its URLS to it, focuses its window and exits 0.

    With --build the app's build steps run first (and always when their output folder does not
    exist yet); a failing [build] script stops the run with its exit code and last lines, and
    the previous build output stays as it was.
    """
    tracing.startup("command parsed")
    # Start-up allocates hundreds of thousands of objects that live as long as the app
    # (modules, classes, the host's tables): collecting them again and again while they are
    # made cost ~40 ms. The collector was off while this command's module imported (main());
    # it is off again until the host is built, and what start-up made is then frozen out of it.
    gc.disable()
    # oro dev turns the developer tools on unless its -c says otherwise (the later one wins).
    overrides = with_devtools(overrides, devtools=devtools, dev_child=dev_child)
    overrides = with_strict_plugins(overrides, strict_plugins)
    parsed = parse_overrides(with_webview(overrides, webview))
    plugins: list[object] = []
    session_key = None
    sock = None
    if dev_child:
        # Imported here: the dev loop's file watcher is no part of a plain `oro run` (nor of a
        # built app, whose start-up this import would slow down).
        from oro_framework.cli.dev_child import start_child

        dev_plugin, session_key, sock = start_child(echo_flushed)
        plugins.append(dev_plugin)
    # The window's web process starts now and launches while the host is built.
    warm = None if headless else warm_engine(app_dir, parsed)
    if warm is not None:
        tracing.startup("engine warming")
    try:
        host = Host(
            app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed, plugins=plugins
        )
    finally:
        gc.freeze()
        gc.enable()
    tracing.startup("host built")
    if dev_child:
        from oro_framework.cli.commands.types import write_app_types

        if host.backend is not None and host.backend.error is not None:
            # oro dev opens the window all the same: the error shows over its pages (backend
            # calls answer it) until the next save of backend.py swaps a working one in.
            print(f"error: {host.backend.error.message}", file=sys.stderr, flush=True)
            dev_plugin.problem = host.backend.error.message

        # Each start, so that the app's TypeScript follows the plugins: oro dev starts a new
        # host when one of them changes.
        for written in write_app_types(host):
            echo_flushed(f"oro dev: wrote {written} (the app's types)")
    lock = None
    # oro dev restarts its host on every change: one copy is what it runs anyway.
    if host.settings(ApplicationSettings).single_instance and not dev_child:
        lock = _take_single_instance(host, urls)
        if lock is None:
            return
    # `oro stop` finds this copy (oro dev's child: its parent is the one announced).
    bundle = host.settings(MetaSettings).bundle_identifier
    announced = None if dev_child else announce_copy(bundle)
    try:
        _prepare_resources(host, build_first=build_first)
        runner = AppRunner(
            host,
            port=port,
            sock=sock,
            echo=echo_flushed,
            warn=warn,
            instance_lock=lock,
            urls=urls,
            session_key=session_key,
        )
        gui = None if headless else open_gui(host, runner, warm)
        if warm is not None and gui is not warm.engine:
            warm.cool_down()
        if gui is not None:
            # A headless app's window shows nothing: what its pages log (a test run's TAP) is
            # all there is to see of them, as under Socket, which prints it.
            hidden = host.settings(WindowSettings).headless
            configure_page_debugging(host, gui, quiet=quiet, hidden=hidden)
        try:
            code = runner.run_with_gui(gui) if gui is not None else runner.run_headless()
        except OSError as error:
            raise click.ClickException(f"cannot serve {host.app_dir}: {error}") from None
    finally:
        if lock is not None:
            lock.release()
        if announced is not None:
            announced.release()
    _restart_into_update(host, urls)
    if code:
        raise SystemExit(code)


def _take_single_instance(host: Host, urls: tuple[str, ...]) -> InstanceLock | None:
    """The app's single-instance lock, or ``None`` when a copy of the app already runs: this
    launch handed ``urls`` to it and closed ``host``."""
    try:
        lock = InstanceLock(host.settings(MetaSettings).bundle_identifier)
        is_running_copy = acquire_or_hand_over(lock, urls)
    except BaseException:
        host.close()
        raise
    if is_running_copy:
        return lock
    name = host.settings(MetaSettings).name
    host.close()
    echo_flushed(f"oro: {name} is already running; handed over {' '.join(urls) or 'the launch'}")
    return None


def _prepare_resources(host: Host, *, build_first: bool) -> None:
    """Run the app's build steps when asked or when they never ran; warn when the app has no
    page to open."""
    never_built = has_build_steps(host.config) and not host.paths.resources.exists()
    if never_built and not build_first:
        # `ssc build -r` is how Socket apps start: the first run builds what it serves.
        echo_flushed(
            f"oro: no build output yet ({host.paths.resources}): running the app's build "
            "steps first (`oro run --build` runs them again)"
        )
    if build_first or never_built:
        run_app_build_steps(host)
    no_index = missing_index(host.paths.resources, host.settings(WebviewSettings))
    if no_index is not None:
        if has_build_steps(host.config) and not build_first:
            no_index += "; the app has build steps: `oro run --build` runs them"
        warn(no_index)


def _restart_into_update(host: Host, urls: tuple[str, ...]) -> None:
    """When an update was installed during the run: the same launch, in the new version's
    folder (this process becomes it)."""
    restart = host.stash.get(RESTART_INTO)
    if restart is None:
        return
    echo_flushed(f"oro: restarting {restart}")
    # The deep links of this launch were delivered already: the new version does not get them
    # twice.
    arguments = [argument for argument in sys.argv[1:] if argument not in urls]
    os.execv(restart, [str(restart), *arguments])


def run_app_build_steps(
    host: Host, *, test_files: Sequence[str] = (), production: bool = False
) -> Path | None:
    """Run the build steps of ``host``'s app, if it has any, and answer the folder they built.
    Their output goes to standard error. A failing script closes ``host`` and exits with the
    script's status after one error naming it with its last lines; other problems raise
    (``ConfigError``), closing ``host`` too."""
    from oro_framework.build.steps import (
        BuildScriptError,
        BuildSteps,
        run_build_steps,
        start_after_script,
    )

    steps = BuildSteps.from_host(host)
    if not steps.configured:
        return None
    try:
        output = run_build_steps(
            steps, test_files=test_files, production=production, write=echo_stderr, warn=warn
        )
    except BuildScriptError as error:
        host.close()
        click.echo(f"error: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    except BaseException:
        host.close()
        raise
    start_after_script(steps, write=echo_stderr, warn=warn)
    return output


def open_gui(host: Host, runner: AppRunner, warm: WarmEngine | None = None) -> Engine | None:
    """The GUI to run the app in, or ``None`` to serve it headless (saying why, if unexpected).
    A web engine named by ``--webview`` or ``webview.engine`` that is not installed closes the
    host and exits 2, naming what to install; unnamed, the system engine is taken where it is
    installed, else Qt with one line saying how to get the system one. ``warm`` is taken when
    it is what the host chose (see :mod:`oro_framework.gui.warm`).

    A headless app (``window.headless``, Socket's ``[build] headless``) gets an engine whose
    windows are never shown, so that its pages run as under Socket (src/desktop/main.cc:
    1106-1110); where no display exists, on a virtual display of its own (Xvfb), else it is
    served with one line naming what to install."""
    hidden = host.settings(WindowSettings).headless
    if hidden and not has_display() and not _start_virtual_display():
        return None
    requested = host.settings(WebviewSettings).engine or None
    try:
        engine = choose_engine(requested)
    except EngineUnavailableError as error:
        host.close()
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    if not _can_show_windows(host):
        return None
    if requested is None and engine == "qt":
        click.echo(f"note: {system_engine_hint()}", err=True)
    keep = host.settings(WindowSettings).persistent_storage
    storage = webview_storage(host.paths.data, host.paths.state) if keep else None
    # The schemes the core plugin "protocols" read from the config (and checked) as it
    # configured the host: the engine must know them before the first window exists.
    schemes = tuple(host.protocol_handlers.handlers)
    plugin_schemes = tuple(scheme.name for scheme in host.schemes)
    # A warm engine shows its windows: a headless app (should the early guess have missed it)
    # gets one that never does, and the warm one is cooled down.
    if warm is not None and not hidden and warm.fits(engine, storage):
        warm.engine.add_protocol_schemes(schemes, plugin_schemes)
        return warm.engine
    try:
        return make_engine(
            engine,
            storage_path=storage,
            protocol_schemes=schemes,
            plugin_schemes=plugin_schemes,
            hidden=hidden,
        )
    except ImportError as error:
        if requested is not None:
            host.close()
            click.echo(f"error: the {engine} web engine cannot start: {error}", err=True)
            raise SystemExit(2) from None
        click.echo(
            f"warning: no window ({error}); install an engine (docs/webview.md). Serving headless.",
            err=True,
        )
        return None


def _can_show_windows(host: Host) -> bool:
    """Whether a display answers and the core plugin that runs windows is on; says why not
    (a malformed ``DISPLAY`` closes the host and exits 2)."""
    try:
        check_display()
    except DisplayError as error:
        host.close()
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    if not has_display():
        display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        if display:
            click.echo(
                f"warning: no display server answers at {display}; serving headless", err=True
            )
        return False
    if not any(info.name == "application" and info.error is None for info in host.plugins):
        click.echo("warning: the 'application' plugin is disabled; serving headless", err=True)
        return False
    return True


def _start_virtual_display() -> bool:
    """Start a virtual display for a headless app's hidden windows (it ends with this
    process); ``False``, saying what is missing, when none can start."""
    # Imported here: only a headless app run with no display needs it.
    from oro_framework.gui.virtual_display import (
        VirtualDisplayUnavailable,
        start_virtual_display,
    )

    try:
        display = start_virtual_display()
    except VirtualDisplayUnavailable as error:
        click.echo(
            "warning: no display for the headless app's hidden window (DISPLAY and "
            f"WAYLAND_DISPLAY name none that answers), and no virtual one: {error}. Serving "
            "headless: its page runs once a browser opens the URL below.",
            err=True,
        )
        return False
    click.echo(
        f"oro: no display: started a virtual one at {display.display} (Xvfb, process "
        f"{display.pid}), which ends with the app",
        err=True,
    )
    return True


@hookimpl
def oro_register_commands(cli: click.Group) -> None:
    cli.add_command(run)
