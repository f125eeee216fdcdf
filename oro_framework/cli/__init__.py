"""The ``oro`` command line: run apps and inspect plugins, routes and configuration."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import html
import json
import logging
import os
import re
import subprocess
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

import click
import tomlkit

from oro_framework import __version__
from oro_framework.cli import doctor as doctor_checks
from oro_framework.cli.app_checks import missing_index
from oro_framework.cli.app_tests import (
    EXIT_UNAVAILABLE,
    NoTestFilesError,
    TestRunPlugin,
    find_test_files,
    missing_browser,
    run_headless,
    run_in_window,
)
from oro_framework.cli.config_edit import edit_config
from oro_framework.cli.plugin_info import (
    InstallError,
    PluginDetails,
    distributions,
    find_plugins,
    install_command,
    is_core,
    normalize,
    plugin_details,
    plugin_distributions,
    run_installer,
    uninstall_command,
)
from oro_framework.cli.scaffold import PluginNames, scaffold_plugin
from oro_framework.gui.pywebview_backend import PywebviewBackend, has_display
from oro_framework.gui.runner import AppRunner
from oro_framework.gui.single_instance import InstanceLock, acquire_or_hand_over
from oro_framework.kernel.app import CONFIG_FILE_NAME, Host, plugin_logger
from oro_framework.kernel.config import (
    Config,
    ConfigRegistry,
    did_you_mean,
    flatten_key,
    get_document_value,
    is_secret_name,
    iter_document,
    load_config,
    read_document,
    type_name,
)
from oro_framework.kernel.errors import HostError
from oro_framework.kernel.hooks import HookCaller
from oro_framework.kernel.plugins import PluginInfo, create_plugin_manager
from oro_framework.update import RESTART_INTO

__all__ = ["cli", "main"]

CommandT = TypeVar("CommandT", bound=Callable[..., Any])


def _render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headers, ["-" * width for width in widths], *rows)
    ]
    return "\n".join(lines)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _format_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _is_verbose() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.find_root().params.get("verbose"))


def _host_errors(function: CommandT) -> CommandT:
    """Turn host errors (broken plugin, bad config, conflict) into one line and exit status 1;
    with ``oro -v`` the traceback (the plugin's own frames included) comes first."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except HostError as error:
            if _is_verbose():
                click.echo("".join(traceback.format_exception(error)).rstrip(), err=True)
            raise click.ClickException(f"{type(error).__name__}: {error}") from None

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]


def _build_host(app_dir: Path, *, skip_broken: bool, use_config_file: bool = True) -> Host:
    return Host(app_dir, skip_broken_plugins=skip_broken, use_config_file=use_config_file)


_skip_broken_option = click.option(
    "--skip-broken-plugins",
    is_flag=True,
    help="Go on without a plugin that fails to load or whose hook raises (one warning line "
    "each); also ORO_SKIP_BROKEN_PLUGINS=1 or plugins.skip_broken = true in oro.toml.",
)
_app_dir_argument = click.argument(
    "app_dir", default=".", type=click.Path(file_okay=False, exists=True, path_type=Path)
)
_headless_option = click.option(
    "--headless",
    is_flag=True,
    help="Serve the app without a window and print its launch URL (the default with no display).",
)


def _port_option(help_text: str) -> Callable[[CommandT], CommandT]:
    """``--port``: a TCP port on 127.0.0.1, 0 for a free one, ``None`` when not given."""
    return click.option("--port", type=click.IntRange(0, 65535), default=None, help=help_text)


_config_overrides_option = click.option(
    "-c",
    "--config",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a config key for this run (highest precedence).",
)
_app_option = click.option(
    "--app",
    "app_dir",
    default=".",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="App directory whose oro.toml applies (default: current directory).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oro")
@click.option(
    "-v", "--verbose", is_flag=True, help="Log what the host does; show tracebacks of errors."
)
def cli(verbose: bool) -> None:
    """oro-framework: desktop apps with an HTML/JS UI and native services from plugins."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


# -------------------------------------------------------------------------------------------------
# oro run
# -------------------------------------------------------------------------------------------------


@cli.command()
@_app_dir_argument
@click.argument("urls", nargs=-1)
@_headless_option
@_port_option(
    "Port on 127.0.0.1 to serve the app on; 0 picks a free one. Default: window.port, else a "
    "port derived from meta.bundle_identifier (the same every run, so the browser's per-origin "
    "storage carries over)."
)
@_skip_broken_option
@_config_overrides_option
@_host_errors
def run(
    app_dir: Path,
    urls: tuple[str, ...],
    headless: bool,
    port: int | None,
    skip_broken_plugins: bool,
    overrides: tuple[str, ...],
) -> None:
    """Run the app in APP_DIR (default: the current directory).

    Opens the app in a native window when a display exists. Otherwise, or with --headless, serves
    it on 127.0.0.1 and prints a line with its launch URL, to open in any browser. Stops when the
    window closes, the app calls application.exit, or on Ctrl-C/SIGTERM; exits with the code the
    app asked for (0 by default).

    URLS are deep links of the app's protocol handlers (web+notes://inbox/1): pages get each as
    an applicationurl event. With application.single_instance (the default) a second launch of a
    running app hands its URLS to it, focuses its window and exits 0.
    """
    parsed = _parse_overrides(overrides)
    host = Host(app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed)
    lock = None
    if host.config["application.single_instance"]:
        try:
            lock = InstanceLock(str(host.config["meta.bundle_identifier"]))
            is_running_copy = acquire_or_hand_over(lock, urls)
        except BaseException:
            host.close()
            raise
        if not is_running_copy:
            name = str(host.config["meta.name"])
            host.close()
            _echo_flushed(
                f"oro: {name} is already running; handed over {' '.join(urls) or 'the launch'}"
            )
            return
    try:
        no_index = missing_index(host.paths.resources, host.config)
        if no_index is not None:
            _warn(no_index)
        runner = AppRunner(
            host, port=port, echo=_echo_flushed, warn=_warn, instance_lock=lock, urls=urls
        )
        gui = None if headless else _open_gui(host, runner)
        try:
            code = runner.run_with_gui(gui) if gui is not None else runner.run_headless()
        except OSError as error:
            raise click.ClickException(f"cannot serve {host.app_dir}: {error}") from None
    finally:
        if lock is not None:
            lock.release()
    restart = host.stash.get(RESTART_INTO)
    if restart is not None:
        # An update was installed: the same launch, in the new version's folder.
        _echo_flushed(f"oro: restarting {restart}")
        # The deep links of this launch were delivered already: the new version does not get
        # them twice.
        arguments = [argument for argument in sys.argv[1:] if argument not in urls]
        os.execv(restart, [str(restart), *arguments])
    if code:
        raise SystemExit(code)


def _parse_overrides(overrides: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in overrides:
        key, separator, value = item.partition("=")
        if not separator:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--config")
        parsed[key.strip()] = value
    return parsed


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def _echo_flushed(message: str) -> None:
    click.echo(message)
    sys.stdout.flush()


def _open_gui(host: Host, runner: AppRunner) -> PywebviewBackend | None:
    """The GUI to run the app in, or ``None`` to serve it headless (saying why, if unexpected)."""
    if host.config.get("window.headless", False):
        return None
    if not has_display():
        display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        if display:
            click.echo(
                f"warning: no display server answers at {display}; serving headless", err=True
            )
        return None
    if runner.windows is None:
        click.echo("warning: the 'application' plugin is disabled; serving headless", err=True)
        return None
    storage = host.paths.data / "webview" if host.config["window.persistent_storage"] else None
    # The schemes the core plugin "protocols" read from the config (and checked) as it
    # configured the host: QtWebEngine must know them before the window exists.
    handlers = host.protocol_handlers
    try:
        return PywebviewBackend(storage_path=storage, protocol_schemes=tuple(handlers.handlers))
    except ImportError as error:
        click.echo(
            f"warning: no window ({error}); install pywebview with "
            "`pip install 'oro-framework[gui]'`. Serving headless.",
            err=True,
        )
        return None


# -------------------------------------------------------------------------------------------------
# oro dev
# -------------------------------------------------------------------------------------------------


@cli.command()
@_app_dir_argument
@_headless_option
@_port_option("Port on 127.0.0.1 to serve the app on, kept across restarts; default as `oro run`.")
@_skip_broken_option
@_config_overrides_option
def dev(
    app_dir: Path,
    headless: bool,
    port: int | None,
    skip_broken_plugins: bool,
    overrides: tuple[str, ...],
) -> None:
    """Run the app in APP_DIR as `oro run` does, reloading it as you edit.

    A change to the app's files (under webview.root) reloads its pages, once per burst of
    saves. A change to oro.toml or to the source of an editable-installed plugin restarts the
    host on the same port with the same sessions, so open pages reconnect and reload. An error
    in the new config or plugin is printed here and shown in the pages until the next save.
    Stops on Ctrl-C/SIGTERM.
    """
    from oro_framework.cli.dev import DevLoop

    _parse_overrides(overrides)
    loop = DevLoop(
        app_dir,
        port=port,
        headless=headless,
        overrides=overrides,
        skip_broken_plugins=skip_broken_plugins,
        verbose=_is_verbose(),
        echo=_echo_flushed,
        warn=_warn,
    )
    code = loop.run()
    if code:
        raise SystemExit(code)


# -------------------------------------------------------------------------------------------------
# oro test
# -------------------------------------------------------------------------------------------------


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
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
    help="Run the tests in the app's real window instead of headless Chromium.",
)
@_skip_broken_option
@_config_overrides_option
@_host_errors
def test_command(
    paths: tuple[Path, ...],
    match: str | None,
    timeout: float | None,
    window: bool,
    skip_broken_plugins: bool,
    overrides: tuple[str, ...],
) -> None:
    """Run the app's oro:test files in a real page and print their TAP: oro test [APP] [FILES...]

    APP (default: the current directory) is served as `oro run` serves it. FILES default to
    the test.files patterns of its oro.toml (test/index.js, test/**/*.test.js). The tests run
    in headless Chromium (Playwright and a system Chromium: the 'testing' extra), or with
    --window in the app's window. Exits 0 when every assertion passed, 1 when one failed, a
    test file did not load, an error went uncaught or the run timed out, 2 without a browser.
    """
    app_dir = Path(".")
    files = list(paths)
    if files and files[0].is_dir():
        app_dir = files.pop(0)
    for file in files:
        if not file.is_file():
            raise click.BadParameter(f"{file} is not a file", param_hint="FILES")
    parsed = _parse_overrides(overrides)
    host = Host(app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed)
    page = str(host.config["test.page"])
    if page:
        # The page to test in becomes the app's "/": a window opens it, as headless does.
        host.close()
        parsed["webview.default_index"] = page
        host = Host(app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed)
    try:
        test_files = find_test_files(
            host.app_dir, host.paths.resources, host.config["test.files"], files
        )
    except NoTestFilesError as error:
        host.close()
        raise click.ClickException(str(error)) from None
    plugin = TestRunPlugin(
        test_files,
        match=match,
        timeout=timeout if timeout is not None else float(host.config["test.timeout"]),
        write=_echo_flushed,
    )
    host.close()
    # Built again with the run's plugin: a host is built once, with every plugin it has.
    host = Host(app_dir, skip_broken_plugins=skip_broken_plugins, config=parsed, plugins=[plugin])
    runner = AppRunner(host, port=0, echo=_echo_stderr, warn=_warn)
    gui = _open_gui(host, runner) if window else None
    if gui is None:
        problem = missing_browser()
        if problem is not None:
            host.close()
            click.echo(f"error: {problem}", err=True)
            raise SystemExit(EXIT_UNAVAILABLE)
    try:
        if gui is not None:
            code = run_in_window(runner, plugin, gui, warn=_error)
        else:
            code = run_headless(runner, plugin, page="/", warn=_error)
    except OSError as error:
        raise click.ClickException(f"cannot serve {host.app_dir}: {error}") from None
    if code:
        raise SystemExit(code)


def _echo_stderr(message: str) -> None:
    click.echo(message, err=True)


def _error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


# -------------------------------------------------------------------------------------------------
# oro build
# -------------------------------------------------------------------------------------------------

_BUILD_TARGETS: Final = ("onedir", "tar", "deb", "rpm", "all")


@cli.command()
@_app_dir_argument
@click.option(
    "-t",
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(_BUILD_TARGETS),
    default=("onedir",),
    show_default=True,
    help="What to make besides the app folder: tar (.tar.gz), deb, rpm, or all; repeatable.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the app folder and packages go (its .work/ keeps PyInstaller's cache).",
)
@click.option(
    "--sign",
    "key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Private update key (oro update keygen): also write update.json and its signature "
    "for the .tar.gz (implies --target tar).",
)
@click.option(
    "--update-url",
    metavar="URL",
    help="With --sign: the URL of the folder the .tar.gz will be served from.",
)
@_host_errors
def build(
    app_dir: Path, targets: tuple[str, ...], out: Path, key: Path | None, update_url: str | None
) -> None:
    """Build the app in APP_DIR into a folder its users run without Python.

    OUT/<name>/<name> is the app (what `oro run` does, frozen with PyInstaller); --target adds
    a .tar.gz of that folder, a .deb and an .rpm that install it under /opt with a /usr/bin
    launcher, a .desktop entry and an icon. Only the plugins the app uses ship ([build]
    plugins, else those its pages import). docs/build.md has the details.
    """
    from oro_framework.build.builder import TARGETS, build_app

    if key is not None and not update_url:
        raise click.UsageError("--sign needs --update-url, where the .tar.gz will be served")
    if key is not None and update_url is not None:
        _check_update_url(update_url)
    chosen = TARGETS if "all" in targets else tuple(dict.fromkeys(targets))
    if key is not None and "tar" not in chosen:
        chosen = (*chosen, "tar")
    result = build_app(app_dir, targets=chosen, out=out, say=_echo_flushed)
    if key is not None and update_url is not None:
        from oro_framework.build.builder import Artifact
        from oro_framework.update.keys import write_signed_manifest

        tar = next(artifact.path for artifact in result.artifacts if artifact.kind == "tar")
        plan = result.plan
        for path in write_signed_manifest(
            tar,
            private_key=key,
            url=update_url.rstrip("/") + "/" + tar.name,
            name=plan.command,
            bundle_identifier=plan.bundle_identifier,
            version=plan.version,
        ):
            result.artifacts.append(Artifact("update", path, path.stat().st_size))
    rows = [
        [artifact.kind, str(artifact.path), f"{artifact.size / 2**20:.1f} MiB"]
        for artifact in result.artifacts
    ]
    click.echo("")
    click.echo(_render_table(["artifact", "path", "size"], rows))
    click.echo(
        f"built {result.plan.name} {result.plan.version} with "
        f"{len(result.plan.plugins)} plugin(s) in {result.seconds:.0f} s"
    )


def _check_update_url(url: str) -> None:
    """Refuse, before a build of minutes, a URL the built app would not download from."""
    from oro_framework.kernel.errors import IPCError
    from oro_framework.update.download import check_url

    try:
        check_url(url)
    except IPCError as error:
        raise click.UsageError(error.message) from None


@cli.group()
def update() -> None:
    """Keys for signed updates (docs/build.md, "Updates")."""


@update.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def update_keygen(path: Path) -> None:
    """Write a new private update key to PATH (mode 0600) and print its public key.

    Keep PATH secret and out of the app; `oro build --sign PATH --update-url URL` signs with it,
    and the public key goes into the app's oro.toml as [build] update_public_key.
    """
    from oro_framework.update.keys import generate_key_pair

    try:
        public = generate_key_pair(path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists: refusing to overwrite a key") from None
    click.echo(f"wrote the private key to {path}; add this to the app's oro.toml:\n")
    click.echo(f'[build]\nupdate_public_key = "{public}"')


def _archive_top_folder(archive: Path) -> str:
    """The one top folder of a built app's ``.tar.gz``: the app's folder and launcher name."""
    import tarfile

    try:
        with tarfile.open(archive, "r:gz") as tar:
            tops = {member.name.split("/", 1)[0] for member in tar.getmembers()}
    except (tarfile.TarError, EOFError, OSError) as error:
        raise click.ClickException(f"{archive} is not a .tar.gz: {error}") from None
    if len(tops) != 1:
        raise click.ClickException(
            f"{archive} must hold one folder, the app's, at its top; it holds {sorted(tops)}"
        )
    return tops.pop()


@update.command("sign")
@click.argument("artifact", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--key",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The private update key (oro update keygen).",
)
@click.option("--url", required=True, help="Where ARTIFACT will be served (its full URL).")
@click.option(
    "--app",
    "app_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path(),
    show_default=True,
    help="The app whose [meta] bundle_identifier and version the manifest names.",
)
@click.option("--version", "version", help="The release's version; default: the app's.")
@click.option("--channel", default="stable", show_default=True, help="The manifest's channel.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where update.json and update.json.sig go; default: beside ARTIFACT.",
)
@_host_errors
def update_sign(
    artifact: Path,
    key: Path,
    url: str,
    app_dir: Path,
    version: str | None,
    channel: str,
    out: Path | None,
) -> None:
    """Write the signed update manifest (update.json and update.json.sig) of ARTIFACT, a built
    app's .tar.gz (what `oro build --sign` does for the one it builds)."""
    from oro_framework.kernel.errors import IPCError
    from oro_framework.update.keys import write_signed_manifest

    if not (app_dir / CONFIG_FILE_NAME).is_file():
        raise click.UsageError(f"{app_dir} has no {CONFIG_FILE_NAME}: pass the app with --app")
    host = Host(app_dir)
    try:
        bundle_identifier = str(host.config["meta.bundle_identifier"])
        version = version or str(host.config["meta.version"])
    finally:
        host.close()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    try:
        paths = write_signed_manifest(
            artifact,
            private_key=key,
            url=url,
            name=_archive_top_folder(artifact),
            bundle_identifier=bundle_identifier,
            version=version,
            channel=channel,
            out_dir=out,
        )
    except IPCError as error:  # a version or URL the app would refuse
        raise click.ClickException(error.message) from None
    except (TypeError, ValueError) as error:
        raise click.ClickException(f"{key} is not an ed25519 private key: {error}") from None
    for path in paths:
        click.echo(f"wrote {path}")


# -------------------------------------------------------------------------------------------------
# oro init
# -------------------------------------------------------------------------------------------------

_TEMPLATES = Path(__file__).parent.parent / "templates" / "app"
_TEMPLATE_FILES = (CONFIG_FILE_NAME, "index.html", "main.js")


@cli.command()
@click.argument("app_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The app's name (default: the directory's name).")
def init(app_dir: Path, name: str | None) -> None:
    """Create an app in APP_DIR: oro.toml, index.html and a main.js showing live data.

    Refuses to overwrite any of these files; APP_DIR is created when missing.
    """
    name = name or app_dir.resolve().name
    existing = [file for file in _TEMPLATE_FILES if (app_dir / file).exists()]
    if existing:
        raise click.ClickException(
            f"{app_dir} already has {', '.join(existing)}; nothing was written"
        )
    values = {
        "name_toml": json.dumps(name, ensure_ascii=False),
        "name_html": html.escape(name),
        "bundle_identifier": _bundle_identifier(name),
    }
    app_dir.mkdir(parents=True, exist_ok=True)
    for file in _TEMPLATE_FILES:
        text = (_TEMPLATES / file).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        (app_dir / file).write_text(text, encoding="utf-8")
    click.echo(f"created {name} in {app_dir}: {', '.join(_TEMPLATE_FILES)}")
    click.echo(f"run it with: oro run {app_dir}")


def _bundle_identifier(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"
    return f"com.example.{slug}"


# -------------------------------------------------------------------------------------------------
# oro plugins
# -------------------------------------------------------------------------------------------------


@cli.group()
def plugins() -> None:
    """Inspect installed plugins, or start a new one."""


@contextlib.contextmanager
def _silenced(logger: logging.Logger) -> Iterator[None]:
    """Mute ``logger`` inside the block: a command that lists broken plugins says so itself."""
    was_disabled, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was_disabled


def _inspect_plugins(app_dir: Path) -> tuple[list[PluginInfo], HostError | None]:
    """Every plugin, broken ones with their error: failed imports and validations, hooks that
    raised while a host for ``app_dir`` was built (broken plugins skipped) and
    ``oro_register_commands`` failures. Also the error that kept that host from being built, if
    any (an invalid ``oro.toml``); then only import and validation failures show."""
    _, infos, problem = _inspect_host(app_dir)
    return infos, problem


def _inspect_host(app_dir: Path) -> tuple[Host | None, list[PluginInfo], HostError | None]:
    """:func:`_inspect_plugins`, with the (closed) host whose registries say what each plugin
    registered, or ``None`` when it could not be built."""
    with _silenced(plugin_logger):
        try:
            host = Host(app_dir, skip_broken_plugins=True)
        except HostError as error:
            loaded = create_plugin_manager(environ=os.environ, strict=False)
            return None, _sorted_plugins(loaded.infos), error
    try:
        failures = host.hooks.register_commands(click.Group(commands=dict(_CORE_COMMANDS)))
    finally:
        host.close()
    infos = [
        dataclasses.replace(
            info, error=failures[info.name].reason, failed_hook=failures[info.name].hook
        )
        if info.name in failures and info.error is None
        else info
        for info in host.plugins
    ]
    return host, _sorted_plugins(infos), None


def _sorted_plugins(infos: Sequence[PluginInfo]) -> list[PluginInfo]:
    return sorted(infos, key=lambda info: (info.distribution or "", info.name))


def _describe_plugin(info: PluginInfo) -> str:
    """``oro-fs 0.1.0 (fs)``: what the user installed, then the plugin's name."""
    installed = info.distribution or info.module or info.name
    if info.version:
        installed += f" {info.version}"
    return f"{installed} ({info.name})"


@plugins.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include oro-framework's own core plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--hook", "hook_name", metavar="NAME", help="Only plugins implementing hook NAME.")
@_app_option
def plugins_list(show_all: bool, as_json: bool, hook_name: str | None, app_dir: Path) -> None:
    """List the installed plugins ('oro' entry-point group): distribution, version and name,
    the hooks each implements, and why a broken one is broken.

    Builds the app in --app with broken plugins skipped, so that a hook raising while a host is
    built shows too. Never fails: a broken plugin is listed with its error.
    """
    every, problem = _inspect_plugins(app_dir)
    if problem is not None:
        click.echo(
            f"warning: cannot build the app in {app_dir} ({type(problem).__name__}: {problem}); "
            "hook failures are not shown",
            err=True,
        )
    infos = [info for info in every if show_all or not info.is_core]
    if hook_name:
        wanted = hook_name if hook_name.startswith("oro_") else f"oro_{hook_name}"
        infos = [info for info in infos if wanted in info.hooks]
    if as_json:
        _echo_json([info.to_json() for info in infos])
        return
    if not infos:
        click.echo("No plugins installed." + ("" if show_all else " (--all shows core plugins)"))
        return
    for info in infos:
        click.echo(_describe_plugin(info))
        if info.hooks:
            click.echo(f"  hooks: {', '.join(hook.removeprefix('oro_') for hook in info.hooks)}")
        if info.error is not None:
            click.echo(f"  error: {info.error}")


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list, one object a plugin).")
@_app_option
def plugins_info(name: str, as_json: bool, app_dir: Path) -> None:
    """Show what plugin NAME brings: distribution, version, location, hooks, routes with their
    permissions, config keys, JS modules, services, permissions, mounts, and its error if broken.

    NAME is an entry-point name (fs) or a distribution name (oro-fs; oro-framework shows the core
    plugins). Builds the app in --app with broken plugins skipped, as `oro plugins list` does.
    Exits 1 when no plugin has that name, or when the plugin is broken.
    """
    chosen = _plugin_details(app_dir, name)
    if as_json:
        _echo_json([details.to_json() for details in chosen])
    else:
        click.echo("\n\n".join(details.render() for details in chosen))
    if any(details.info.error is not None for details in chosen):
        raise SystemExit(1)


def _plugin_details(app_dir: Path, name: str) -> list[PluginDetails]:
    host, every, problem = _inspect_host(app_dir)
    if host is None:
        # The app's oro.toml is invalid: what plugins register does not depend on it.
        with _silenced(plugin_logger), contextlib.suppress(HostError):
            host = Host(app_dir, skip_broken_plugins=True, use_config_file=False)
            host.close()
        click.echo(
            f"warning: cannot build the app in {app_dir} ({type(problem).__name__}: {problem}); "
            "showing what plugins register without its oro.toml",
            err=True,
        )
    chosen = find_plugins(every, name)
    if not chosen:
        known = sorted({info.name for info in every} | {i.distribution or "" for i in every})
        close = difflib.get_close_matches(name, [k for k in known if k], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; `oro plugins list --all` lists them"
        raise click.ClickException(f"no installed plugin is named {name!r}{hint}")
    return [plugin_details(host, info) for info in chosen]


@plugins.command("install", context_settings={"ignore_unknown_options": True})
@click.argument("specs", nargs=-1, required=True)
@_app_option
def plugins_install(specs: tuple[str, ...], app_dir: Path) -> None:
    """Install plugin distributions into the environment oro runs from, then show their info.

    SPECS are what pip takes: names with versions (oro-fs>=0.1), paths, URLs, `-e PATH`. uv
    installs them when it is on PATH (`uv pip install --python <this python>`), else this
    Python's pip. When what was installed holds no oro plugin (no 'oro' entry point), the
    distributions it added are uninstalled again and the command fails.
    """
    before = distributions()
    try:
        run_installer(install_command(specs))
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    after = distributions()
    changed = sorted(name for name, version in after.items() if before.get(name) != version)
    plugins_after = plugin_distributions()
    installed = [name for name in changed if name in plugins_after]
    if not changed:
        click.echo(f"nothing was installed or changed: {' '.join(specs)} is installed already")
        return
    if not installed:
        added = [name for name in changed if name not in before]
        if added:
            run_installer(uninstall_command(added))
        upgraded = [name for name in changed if name in before]
        raise click.ClickException(
            f"{' '.join(specs)} holds no oro plugin (no distribution it installed declares an "
            f"'oro' entry point); uninstalled again: {', '.join(added) or '-'}"
            + (f"; left upgraded: {', '.join(upgraded)}" if upgraded else "")
        )
    # A fresh process: this one cannot import what was just installed (an editable install's
    # path comes from a .pth file read at start-up) nor forget an older version it imported.
    for distribution in installed:
        click.echo(f"installed {distribution} {after[distribution]}")
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from oro_framework.cli import main; main()",
                "plugins",
                "info",
                distribution,
                "--app",
                str(app_dir),
            ],
            check=False,
        )


@plugins.command("uninstall")
@click.argument("names", nargs=-1, required=True)
def plugins_uninstall(names: tuple[str, ...]) -> None:
    """Uninstall the plugin distributions NAMES (entry-point or distribution names) from the
    environment oro runs from, with uv when on PATH, else pip. Refuses oro-framework itself
    and any distribution that holds no oro plugin."""
    owners = plugin_distributions()
    by_entry_point = {point: dist for dist, points in owners.items() for point in points}
    chosen: list[str] = []
    for name in names:
        distribution = normalize(name) if normalize(name) in owners else by_entry_point.get(name)
        if distribution is None:
            raise click.ClickException(
                f"no installed oro plugin is named {name!r} (`oro plugins list` shows them); "
                "nothing was uninstalled"
            )
        if is_core(distribution):
            raise click.ClickException(
                "oro-framework itself cannot be uninstalled with oro; nothing was uninstalled"
            )
        chosen.append(distribution)
    try:
        run_installer(uninstall_command(chosen))
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    for distribution in chosen:
        click.echo(f"uninstalled {distribution} (plugins: {', '.join(owners[distribution])})")


@plugins.command("new")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def plugins_new(name: str, directory: Path | None) -> None:
    """Create the plugin distribution oro-NAME in DIRECTORY (default: ./oro-NAME).

    NAME (lowercase, words joined by "_") becomes the entry point, the route namespace, the
    permission, the config section and the JS module oro:NAME; the package is oro_NAME. The copy
    of the plugin template has every part (settings, per-host state, routes, a service, a JS
    module with its .d.ts) and its tests. Refuses a DIRECTORY that is not empty.
    """
    try:
        names = PluginNames.parse(name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    destination = directory if directory is not None else Path(names.distribution)
    try:
        written = scaffold_plugin(names, destination)
    except (FileExistsError, FileNotFoundError) as error:
        raise click.ClickException(f"{error}; nothing was written") from None
    click.echo(
        f"created {names.distribution} in {destination} ({len(written)} files): "
        f"plugin '{names.name}', package {names.package}"
    )
    click.echo(f"next: pip install -e {destination}  (or uv pip install -e {destination})")
    click.echo(f"      pytest {destination}  then  oro plugins list")


# -------------------------------------------------------------------------------------------------
# oro routes
# -------------------------------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_app_option
@_skip_broken_option
@_host_errors
def routes(as_json: bool, app_dir: Path, skip_broken_plugins: bool) -> None:
    """List every IPC route with its plugin, permission and a one-line doc."""
    host = _build_host(app_dir, skip_broken=skip_broken_plugins)
    try:
        table = host.routes.sorted()
    finally:
        host.close()
    if as_json:
        _echo_json(
            [
                {
                    "name": route.name,
                    "plugin": route.plugin,
                    "permission": route.permission,
                    "doc": route.doc,
                    "timeout": route.timeout,
                }
                for route in table
            ]
        )
        return
    rows = [[route.name, route.plugin, route.permission, route.doc] for route in table]
    click.echo(_render_table(["route", "plugin", "permission", "doc"], rows))


# -------------------------------------------------------------------------------------------------
# oro config
# -------------------------------------------------------------------------------------------------

_file_option = click.option(
    "--file",
    "config_file",
    default=CONFIG_FILE_NAME,
    type=click.Path(dir_okay=False, path_type=Path),
    show_default=True,
    help="The oro.toml to read or edit.",
)


@cli.group()
def config() -> None:
    """Read and edit oro.toml (keys as 'section.key' or flattened 'section_key')."""


def _declared_keys(config_file: Path) -> ConfigRegistry:
    host = _build_host(config_file.parent, skip_broken=True, use_config_file=False)
    host.close()
    return host.config_keys


def _effective_config(config_file: Path, *, skip_broken: bool) -> Config:
    """The configuration ``oro run`` would use with ``config_file``: the app's own oro.toml
    through a host, any other file (``--file``) loaded against the declared keys."""
    if config_file.name == CONFIG_FILE_NAME:
        host = _build_host(config_file.parent, skip_broken=skip_broken)
        host.close()
        return host.config
    return load_config(_declared_keys(config_file), path=config_file, environ=os.environ)


@config.command("get")
@click.argument("key")
@_file_option
@_host_errors
def config_get(key: str, config_file: Path) -> None:
    """Print the effective value of KEY (default < oro.toml < platform table < environment)."""
    effective = _effective_config(config_file, skip_broken=True)
    if key in effective:
        click.echo(_format_value(effective[key]))
        return
    if config_file.is_file():
        document = read_document(config_file)
        dotted = _document_key(document, key)
        if dotted is not None:
            click.echo(_format_value(get_document_value(document, dotted)))
            return
    raise click.ClickException(
        f"config key {key!r} is not declared by any plugin nor set in {config_file}"
        f"{did_you_mean(key, effective.registry)}"
    )


@config.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")
@_file_option
@click.option(
    "--create", is_flag=True, help="Create the oro.toml when it does not exist (else refused)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Write a key no installed plugin declares (for a plugin to be installed later).",
)
@_host_errors
def config_set(key: str, value: str, config_file: Path, create: bool, force: bool) -> None:
    """Set KEY to VALUE in oro.toml, keeping comments, order and formatting.

    VALUE is parsed as the key's declared type (true/false, numbers, lists as JSON arrays or
    space-separated words); negative numbers need no "--". The edit is refused, and the file
    left as it was, when `oro run` would refuse the result: a value of the wrong type, one its
    key's check refuses, an undeclared permission. A key no installed plugin declares is refused
    too (with the nearest declared key), unless --force. Without --create, a missing file is
    refused: `oro init DIR` creates a whole app.
    """
    if not config_file.is_file() and not create:
        raise click.ClickException(
            f"{config_file} does not exist: is {config_file.parent.resolve()} the app's "
            "directory? --create writes a new oro.toml there (`oro init DIR` creates a whole "
            "app); nothing was written"
        )
    registry = _declared_keys(config_file)
    outcome = edit_config(registry, config_file, key, value, force=force)
    if outcome.created:
        click.echo(f"created {config_file}")
    if outcome.warning:
        _warn(outcome.warning)
    click.echo(f"{outcome.dotted} = {_format_value(outcome.value)}")


def _document_key(document: tomlkit.TOMLDocument, key: str) -> str | None:
    """The dotted key set in ``document`` that ``key`` names, dotted or flattened."""
    for dotted, _ in iter_document(document):
        if key in (dotted, flatten_key(dotted)):
            return dotted
    return None


@config.command("list")
@click.option("--describe", is_flag=True, help="Every declared key with type, default and doc.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--show-secrets",
    is_flag=True,
    help="Print the values of secret keys (names ending in key/secret/token/password) too.",
)
@_file_option
@_skip_broken_option
@_host_errors
def config_list(
    describe: bool,
    as_json: bool,
    show_secrets: bool,
    config_file: Path,
    skip_broken_plugins: bool,
) -> None:
    """List effective values (or, with --describe, every key every installed plugin declares).
    Values of secret keys are masked, so that a pasted listing leaks no key (--show-secrets
    prints them; `oro config get KEY` prints the one asked for)."""
    if describe:
        keys = sorted(_declared_keys(config_file), key=lambda key: key.name)
        described = [
            {
                "key": key.name,
                "flattened": key.flattened,
                "type": type_name(key.type),
                "default": key.default,
                "plugin": key.plugin,
                "env": list(key.env_names),
                "doc": key.doc,
            }
            for key in keys
        ]
        if as_json:
            _echo_json(described)
            return
        for entry in described:
            default = "" if entry["default"] is None else f" = {json.dumps(entry['default'])}"
            click.echo(f"{entry['key']} ({entry['type']}{default}) [{entry['plugin']}]")
            click.echo(f"    {entry['doc']}")
            click.echo(
                f"    flattened: {entry['flattened']}  env: {', '.join(entry['env']) or '-'}"
            )
        return
    effective = _effective_config(config_file, skip_broken=skip_broken_plugins)
    values = [
        {
            "key": name,
            "value": _shown_value(name, effective[name], show_secrets),
            "source": effective.source(name),
        }
        for name in sorted(effective)
    ]
    if as_json:
        _echo_json(values)
        return
    for entry in values:
        click.echo(f"{entry['key']} = {json.dumps(entry['value'])}  # {entry['source']}")


def _shown_value(name: str, value: Any, show_secrets: bool) -> Any:
    if show_secrets or not is_secret_name(name) or value in ("", None):
        return value
    return f"<secret: {len(str(value))} characters>"


# -------------------------------------------------------------------------------------------------
# oro doctor
# -------------------------------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_app_option
def doctor(as_json: bool, app_dir: Path) -> None:
    """Report what this machine offers (Python, GUI backends, Chromium for tests, CPU features,
    llama-cpp-python and the default model) and whether every plugin works: builds the app in
    --app and reports each broken plugin.

    Each line is ok, warn or fail, with a one-line fix under the others. Exits with status 1
    when a check fails (a broken plugin, an app that cannot be built, llama-cpp-python unusable
    while oro-ai is installed); a missing optional piece is a warning.
    """
    infos, problem = _inspect_plugins(app_dir)
    checks = doctor_checks.run_checks(infos, app_dir=app_dir, app_error=problem)
    failed = [check for check in checks if check.required and not check.ok]
    if as_json:
        _echo_json([check.to_json() for check in checks])
    else:
        for check in checks:
            click.echo(f"{check.status:<4} {check.name}: {check.detail}")
            if not check.ok and check.hint:
                click.echo(f"     fix: {check.hint}")
        if any(check.name.startswith("plugin ") for check in failed):
            click.echo(
                "oro run stops on a broken plugin; --skip-broken-plugins (or "
                "ORO_SKIP_BROKEN_PLUGINS=1) runs the app without it"
            )
    if failed:
        raise SystemExit(1)


# -------------------------------------------------------------------------------------------------
# Entry point
# -------------------------------------------------------------------------------------------------


_CORE_COMMANDS: Final = dict(cli.commands)
"""The commands of ``oro`` itself, taken before any plugin adds its own."""


def _add_plugin_commands(group: click.Group) -> None:
    loaded = create_plugin_manager(environ=os.environ, strict=False)
    for error in HookCaller(loaded).register_commands(group).values():
        click.echo(f"warning: skipping the commands of broken plugin: {error}", err=True)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    click.echo(f"warning: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: add plugin commands, then run the command line."""
    warnings.showwarning = _show_warning
    _add_plugin_commands(cli)
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="oro")
