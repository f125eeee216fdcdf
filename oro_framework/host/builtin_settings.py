"""The settings the host's own plugin (:mod:`oro_framework.host.builtin`) declares: the app's
identity, its pages' serving, Oro's build steps, IPC and the HTTP IPC bridge, service restarts,
which plugins load, and what reads them (:func:`resource_root`, :func:`has_build_steps`); and
``[backend]``, which the core ``app-backend`` plugin declares but the host, ``oro build`` and
``oro doctor`` read too.

Apart from the plugin's module so that registering the plugin, which every ``oro`` command that
loads plugins does, imports none of this (nor the config machinery behind :func:`setting`); and
apart from the router and the services that read them, so that declaring them (``oro config``)
imports neither.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final, final

from oro_framework.host.bridge_settings import HttpIpcSettings as HttpIpcSettings
from oro_framework.host.build_paths import check_build_output
from oro_framework.host.config import positive_count
from oro_framework.host.config.settings import setting
from oro_framework.host.config.validators import not_negative, positive
from oro_framework.host.memory import DEFAULT_MEMORY_BUDGET
from oro_framework.host.origins import check_origin_syntax
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.config import Config

WEBVIEW_ENGINES: Final = ("system", "qt")
"""The web engines a window can have (``webview.engine``): the platform's own, or Qt's."""
DEFAULT_TEST_FILES: Final = ("test/index.js", "test/**/*.test.js", "test/**/*.test.mjs")
"""``test.files`` by default: Oro's ``--test=./test/index.js`` entry, and ``*.test.js`` files."""
SKIP_BROKEN_ENV: Final = "ORO_SKIP_BROKEN_PLUGINS"
"""The environment variable of config key ``plugins.skip_broken`` (besides its own
``ORO_PLUGINS_SKIP_BROKEN``), named like ``ORO_DISABLE_PLUGINS``."""
STRICT_PLUGINS_ENV: Final = "ORO_STRICT_PLUGINS"
"""The environment variable of config key ``plugins.strict`` (besides ``ORO_PLUGINS_STRICT``);
``--strict-plugins`` sets the key."""

_REFERRER_POLICIES: Final = frozenset(
    {
        "",
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)


def _absolute_url_path(value: str) -> None:
    if not value.startswith("/"):
        raise ValueError(f"must start with '/', got {value!r}")


def _navigator_path(value: str) -> None:
    # A mount never takes the app's root nor the host's own prefixes (/ipc, /oro), and its
    # path has no segment a URL would normalise away (a page could not name it as written).
    segments = value.strip("/").split("/")
    if not value.startswith("/") or value.strip("/") == "":
        raise ValueError(f"must be a URL path below '/' such as '/docs', got {value!r}")
    if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in segments):
        raise ValueError(f"must be a plain URL path such as '/docs', got {value!r}")
    if segments[0] in ("ipc", "oro"):
        raise ValueError(f"/{segments[0]} is the host's own, got {value!r}")


def _optional_url_path(value: str) -> None:
    if value:
        _absolute_url_path(value)


def _referrer_policy(value: str) -> None:
    if value not in _REFERRER_POLICIES:
        raise ValueError(f"must be a Referrer-Policy value such as 'no-referrer', got {value!r}")


def webview_engine(value: str) -> None:
    """An engine name of :data:`WEBVIEW_ENGINES`, or empty for the default."""
    if value and value not in WEBVIEW_ENGINES:
        import difflib  # only for this error: every launch validates the key

        nearest = difflib.get_close_matches(value.lower(), WEBVIEW_ENGINES, n=1, cutoff=0.4)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
        raise ValueError(f"must be one of {', '.join(WEBVIEW_ENGINES)}, got {value!r}{hint}")


def _single_header_line(value: str) -> None:
    if "\r" in value or "\n" in value or not value.isascii():
        raise ValueError("must be one line of ASCII text (it is sent as an HTTP header)")


def _origins(values: list[str]) -> None:
    for value in values:
        check_origin_syntax(value)


@final
@record
class MetaSettings:
    """The app's identity (``[meta]``): its name and version in titles, packages and logs, and
    the bundle identifier naming its data directories, its port and its session cookie."""

    name: str = setting(
        "oro-app", "Application name, shown in titles and logs.", oro_names=("meta.title",)
    )
    version: str = setting(
        "0.0.0",
        "Application version, MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]; a built app's package "
        "version.",
    )
    description: str = setting("", "One line about the app: its packages' summary.")
    maintainer: str = setting(
        "",
        "Who packages the app, 'Name <email>': the Maintainer/Packager of its .deb and .rpm.",
    )
    bundle_identifier: str = setting(
        "com.example.oro-app",
        "Reverse-DNS identifier; names the app's data, cache and temp directories.",
        oro_names=("bundle.identifier",),
    )


@final
@record
class PluginSettings:
    """Which plugins load (``[plugins]``): read before any plugin loads, as it decides what
    does (:func:`~oro_framework.host.config.load_early`)."""

    disable: list[str] = setting(
        [],
        "Entry-point or distribution names of plugins not to load (like ORO_DISABLE_PLUGINS).",
    )
    skip_broken: bool = setting(
        False,
        "Go on without any plugin that fails to load or whose hook raises, oro-framework's own "
        "included, dropping everything it registered (like --skip-broken-plugins); without it, "
        "only installed plugins neither required nor under plugins.strict are skipped.",
        env=(SKIP_BROKEN_ENV,),
    )
    require: list[str] = setting(
        [],
        "Entry-point or distribution names of the plugins the app needs: one that is broken or "
        "missing stops the app instead of being skipped with a warning.",
    )
    strict: bool = setting(
        False,
        "Stop on any broken plugin instead of skipping it with a warning (like --strict-plugins).",
        env=(STRICT_PLUGINS_ENV,),
    )
    paths: list[str] = setting(
        [],
        "The app's own single-file plugins besides plugins/*.py: Python files, or folders of "
        "them, relative to the app folder and inside it; each file is a plugin named after it.",
    )
    isolate: list[str] = setting(
        [],
        "Entry-point or distribution names of the plugins that run in a process of their own, "
        'or "third-party" for every plugin not shipped by oro-framework: a crash, hang or '
        "leak of one is contained there, and it holds none of the host's secrets.",
    )
    isolated_memory_mb: int = setting(
        512,
        "Memory an isolated plugin's process may allocate, in MiB: past it its allocations "
        "fail there; a resident set a quarter past it (64 MiB at least) has the host kill and "
        "restart it.",
        validator=positive_count,
    )
    isolated_unresponsive_ms: int = setting(
        5000,
        "How long an isolated plugin's event loop may go without answering the host before the "
        "host restarts its process (a handler that never yields).",
        validator=positive_count,
    )


@final
@record
class ExtensionSettings:
    """The app's extensions (``[extensions]``, :mod:`oro_framework.host.extensions`): read
    before any plugin loads, as ``[plugins]`` is, since it decides what is set aside."""

    allow: list[str] = setting(
        [],
        "The app's extensions: installed plugins (entry-point or distribution names) that the "
        "host does not start with the app and that pages load and unload with oro:extension, "
        "when permissions.allow_extension is true (Oro's [build.extensions] names map here).",
    )


@final
@record
class BackendSettings:
    """``[backend]``: the app's own Python backend (docs/backend.md). Declared by the core
    ``app-backend`` plugin; read by the host (``module``, before any plugin loads), by ``oro
    build`` and ``oro doctor`` (``requirements``) and by the plugin's routes."""

    module: str = setting(
        "",
        doc="The backend: a file relative to the app (src/backend.py) or a dotted module name; "
        "default backend.py beside oro.toml when there is one",
    )
    requirements: list[str] = setting(
        [],
        doc="Python requirements of the backend (pillow>=10, or -r requirements.txt), shipped "
        "by oro build from where it runs and checked by oro doctor",
    )
    max_result_bytes: int = setting(
        64 * 1024 * 1024,
        doc="The largest result a command may return (bytes or encoded JSON); stream more",
        validator=positive,
    )
    threads_per_window: int = setting(
        8,
        doc="Blocking (def) commands one window runs at once; its further calls wait for one "
        "of them (other windows and plugin routes have threads of their own)",
        validator=positive,
    )
    error_details: bool = setting(
        False,
        doc="Pages read a failed command's exception message and absolute paths (on under oro "
        "dev); else its type and the command only, the rest in the host's log",
    )


EARLY_SETTINGS: Final = {
    PluginSettings: "plugins",
    ExtensionSettings: "extensions",
    BackendSettings: "backend",
}
"""The settings a host reads before its plugins load, by section: they decide what loads."""


@final
@record
class ApplicationSettings:
    """How ``oro run`` starts the app (``[application]``)."""

    single_instance: bool = setting(
        True,
        "One running copy of the app per user: launching it again focuses the running one and "
        "hands it the new launch's deep links (applicationurl) instead of starting a second host.",
    )


@final
@record
class TestSettings:
    """What ``oro test`` runs (``[test]``)."""

    files: list[str] = setting(
        list(DEFAULT_TEST_FILES),
        "Glob patterns, relative to oro.toml, of the test files `oro test` imports (in this "
        "order, each once); files named on the command line replace them. They must lie under "
        "webview.root.",
    )
    page: str = setting(
        "",
        "URL path of the page `oro test` runs the tests in (such as /test/index.html); empty: "
        "webview.default_index, the app's own page.",
        validator=_optional_url_path,
    )
    timeout: int = setting(
        120,
        "Seconds an `oro test` run may take before it stops and fails (counted once for the page "
        "to start the run, then again for the run itself); `--timeout` overrides it.",
        validator=positive_count,
    )


@final
@record
class WebviewSettings:
    """The host's ``[webview]`` keys: what the app's pages are served from and with. Read by the
    bridge (headers, the index, CORS, the import map), by the host (the resource root, Oro's
    globals) and by ``oro run``/``oro test`` (the engine)."""

    root: str = setting(".", "Directory of the app's resources, relative to oro.toml.")
    default_index: str = setting(
        "/index.html", "Resource served for '/'.", validator=_absolute_url_path
    )
    allow_any_route: bool = setting(False, "Serve the default index for unknown paths (SPA).")
    engine: str = setting(
        "",
        "The web engine of the app's windows: 'system' (the platform's own WebView: WebKitGTK "
        "on Linux), 'qt' (QtWebEngine) or empty for system where it is installed, else qt. "
        "`--webview` on oro run/dev/test/build overrides it (docs/webview.md).",
        validator=webview_engine,
    )
    devtools: bool = setting(
        False,
        "Let the page's window.showInspector() open the engine's developer tools (WebKit's Web "
        "Inspector, Chromium's DevTools). On in `oro dev` and with `oro run --devtools`; off "
        "in built apps unless set (docs/debugging.md).",
    )
    oro_globals: bool = setting(
        False,
        "Define the Oro Runtime's page globals in every page, as Oro's preload does: `Buffer`, "
        "its event classes (`ApplicationURLEvent`, `HotKeyEvent`...), its file pickers, the "
        "File System Access classes (with oro-fs), `Notification` (with oro-desktop) and, once "
        "the page is idle, the CommonJS globals "
        "(`require`, `module`, `__filename`, `__dirname`). On by default for an app configured "
        "by Oro's socket.ini/oro.ini; off otherwise, as they cost every page about 100 KB of "
        "modules (and `require` every served module): a page imports what it uses.",
    )
    cache_control: str = setting(
        "no-cache",
        "Cache-Control header of app resources and JS modules (no-cache: revalidate by ETag).",
        validator=_single_header_line,
    )
    csp: str = setting(
        "",
        "Content-Security-Policy header of HTML pages; empty sends none. The bridge adds a "
        "nonce to script-src for the preload and the page's own <script> elements.",
        validator=_single_header_line,
    )
    importmap: str = setting(
        "",
        'The app\'s import map file (JSON, {"imports": ...}), relative to webview.root or the '
        "app directory: merged into every page's import map after oro's modules (the page's own "
        "import map still wins); npm:, socket: and oro: values resolve as in modules. Empty: "
        "none.",
    )
    referrer_policy: str = setting(
        "no-referrer",
        "Referrer-Policy header of every response; empty sends none.",
        validator=_referrer_policy,
    )
    user_agent: str = setting(
        "",
        "The whole User-Agent of the windows' pages (navigator.userAgent and the header). "
        "Empty: the engine's own followed by OroRuntime/<oro version>, as the Oro Runtime "
        "sends. Headless, the browser sends its own.",
        validator=_single_header_line,
    )
    cors_allowed_origins: list[str] = setting(
        [],
        "Origins (scheme://host:port) allowed to call the app cross-origin, such as a dev "
        "server; empty: no CORS headers, foreign origins refused.",
        validator=_origins,
    )
    navigator_mounts: dict[str, str] = setting(
        {},
        '[webview.navigator_mounts] "~/Documents/" = "/docs": a host folder (~ or $HOST_HOME, '
        "$HOST_PROCESS_WORKING_DIRECTORY, $HOST_CONTAINER or a path relative to the app) served "
        "read-only to the app's own pages at that URL path, as Oro's webview_navigator_mounts_*; "
        "links out of the folder, dot files, Python and config files are not served "
        "(docs/security.md).",
        validator=_navigator_path,
    )


# Oro's build steps (``[build] script``, ``copy``, copy-map): the keys, and where the app is
# served from once they build it. ``oro_framework.build.steps`` runs them.

COPY_MAP_SECTION: Final = "build.copy-map"


def _output_folder(value: str) -> None:
    # The folder is replaced whole on every build: never the app itself. Outside it (Socket's
    # `output = "../build"`), host.build_paths judges it once the app folder is known.
    if not PurePosixPath(value.replace("\\", "/")).parts:
        raise ValueError("must name a folder, not the app itself")


@final
@record
class BuildSettings:
    """``[build]``: what ``oro build`` names and ships, and Oro's build steps (a script, copies,
    a copy-map), run by ``oro_framework.build.steps``."""

    name: str = setting(
        "",
        "Name of the built app's command and packages (oro build); empty: meta.name in lowercase "
        "with hyphens.",
    )
    plugins: list[str] = setting(
        [],
        "Plugin distributions a built app ships (oro build); unset: those whose modules the "
        "app's pages import, that every page loads, or that oro.toml configures.",
    )
    icon: str = setting(
        "",
        "The built app's icon, a PNG relative to oro.toml (256x256 is best); empty: one drawn "
        "in a colour of its own.",
    )
    script: str = setting(
        "",
        "A shell command run in the app folder before `oro build`, `oro run --build`, `oro dev` "
        "and `oro test` serve the app; it fills the folder $PREFIX, which becomes build.output "
        "when it succeeds (Oro's [build] script).",
    )
    script_forward_arguments: bool = setting(
        False,
        "Pass the output folder as the build script's first argument (Oro's [build.script] "
        "forward_arguments).",
        oro_names=("build.script.forward_arguments",),
    )
    script_after: str = setting(
        "",
        "A shell command started in the app folder once the build steps succeeded, with "
        "$PREFIX naming build.output; not waited for, and its failure is one warning (Socket's "
        "[build.script] after).",
        oro_names=("build.script.after",),
    )
    watch_sources: list[str] = setting(
        [],
        "Files or folders, relative to the app, whose changes make `oro dev` run the build "
        "steps again, besides the app's own folders: sources outside it ('../src'), in the "
        "user's own folders (Socket's [build.watch] sources).",
        oro_names=("build.watch.sources",),
    )
    copy: str = setting(
        "",
        "Folders (or files) relative to the app whose contents are copied into build.output "
        "after the build script; several separated by ';', each optionally 'source=destination'.",
        oro_names=("build.input",),
    )
    copy_map: str = setting(
        "",
        "A file of 'source = destination' lines, sources relative to that file, destinations "
        "relative to build.output, copied after [build] copy (Oro's [build] copy_map).",
    )
    linux_copy_map: str = setting(
        "",
        "A further copy-map file, read on Linux only, after build.copy_map (Socket's [build] "
        "linux_copy_map).",
        oro_names=("build.linux.copy_map",),
    )
    copy_map_entries: dict[str, str] = setting(
        {},
        '[build.copy-map] "source" = "destination": a file or folder of the app (relative to '
        "it) copied to that path of build.output; empty: its top.",
        name="copy-map",
    )
    output: str = setting(
        "build",
        "The folder, relative to the app, that the build steps fill (PREFIX) and the app is "
        "served from when it has them; replaced whole by each successful build.",
        validator=_output_folder,
    )


def has_build_steps(config: Config) -> bool:
    """Whether the app has Oro's build steps: a build script, ``[build] copy`` or a copy-map."""
    build = config.settings(BuildSettings)
    return bool(
        build.script
        or build.copy
        or build.copy_map
        or build.linux_copy_map
        or build.copy_map_entries
    )


def resource_root(app_dir: Path, config: Config) -> Path:
    """The app's resource root: ``webview.root``, except that an app with build steps is served
    from what they build (``build.output``) unless it sets ``webview.root`` itself. The one place
    deciding it, so that ``oro run``, ``dev``, ``test``, ``build`` and a built app agree."""
    root = config.settings(WebviewSettings).root
    if config.source("webview.root") == "default" and has_build_steps(config):
        # Outside the app it must be the user's own folder (never /, ~ or /etc wholesale).
        return check_build_output(app_dir, config.settings(BuildSettings).output)
    return (app_dir / root).resolve()


DEFAULT_THREADS: Final = 40
"""Worker threads that run plain ``def`` handlers at once (``ipc.sync_handler_threads``)."""

MEBIBYTE: Final = 1024 * 1024


@final
@record
class IpcSettings:
    """The host's ``[ipc]`` keys: how long and how many calls pages make, and what they may
    hold. Read by the host (timeouts, threads, the memory budget, the loop watchdog) and by the
    bridge (bodies, held connections)."""

    timeout_ms: int = setting(
        32000,
        "Milliseconds an IPC handler may take before the caller gets TimeoutError.",
        validator=positive_count,
    )
    loop_lag_warning_ms: int = setting(
        100,
        "Milliseconds a route handler or service may hold the event loop in one step (code "
        "between two awaits) before the host logs it by name and counts it in diagnostics.",
        validator=positive_count,
    )
    sync_handler_threads: int = setting(
        DEFAULT_THREADS,
        "Worker threads that run plain 'def' route handlers at once; further calls wait for "
        "one (their timeout still counts). A handler that times out keeps its thread until it "
        "returns: a thread cannot be interrupted.",
        validator=positive,
    )
    max_body_bytes: int = setting(
        16 * MEBIBYTE,
        "Largest IPC request body in bytes; a larger one is refused with RangeError (413). Also "
        "the largest WebSocket message to a mounted app (a larger one closes it with 1009).",
        validator=positive_count,
    )
    memory_budget_bytes: int = setting(
        DEFAULT_MEMORY_BUDGET,
        "Bytes every plugin together may buffer for pages at once (process output, query "
        "results, zlib streams, file reads, AI bodies); a request that would pass it gets "
        "RangeError ERR_OUT_OF_MEMORY (507) instead of the host running out of memory.",
        validator=positive_count,
    )
    max_held_connections_per_page: int = setting(
        3,
        "Connections one window's page may hold open at once: event streams, streamed replies "
        "(a child's stdout and stderr), calls that have not answered. The browser shares 6 "
        "connections between all windows of the app; beyond this a page gets RangeError "
        "ERR_TOO_MANY_CONNECTIONS (429), or an event stream a retry later.",
        validator=positive_count,
    )
    max_held_connections_without_window: int = setting(
        1,
        "Connections the requests without a window credential (workers, a tab opened without "
        "its launch URL, a page leaving its credential out) may hold open together, as "
        "ipc.max_held_connections_per_page does for a window. A page can hold both: together "
        "they must leave the other windows some of the browser's 6.",
        validator=positive_count,
    )
    stream_window_bytes: int = setting(
        MEBIBYTE,
        "Bytes a streamed reply (a child's stdout, AI tokens, a file read stream) may send "
        "beyond what the page's app has read: the page acknowledges as it reads, so a page that "
        "stops reading holds the host back on every engine (WebKit would otherwise buffer the "
        "whole stream in its web process). Only pages' oro:ipc asks for it; other clients are "
        "paced by TCP as before.",
        validator=positive_count,
    )
    held_connection_grace_ms: int = setting(
        1000,
        "Milliseconds a page's request beyond ipc.max_held_connections_per_page may send "
        "nothing (its handler has not answered, its stream waits) before it must have a place "
        "or is ended with ERR_TOO_MANY_CONNECTIONS: how long one page may keep the other "
        "windows waiting.",
        validator=positive_count,
    )


@final
@record
class RestartPolicy:
    """How crashed services are restarted: the ``services.*`` config keys.

    The delay before restart ``n`` (counting from 0) is ``restart_backoff_ms * 2**n``, capped at
    ``restart_backoff_max_ms``, without jitter: a host's services restart against local resources,
    not a shared server a crowd of clients would hit at the same instant, and an exact delay is
    what ``retryAfter`` can then promise.
    """

    restart_limit: int = setting(
        5,
        "Restarts of a service that crashes or fails to start before it is marked failed (its "
        "plugin's routes answer ServiceUnavailableError until the app restarts); 0: never "
        "restarted. Services registered with required=True stop the app instead.",
        validator=not_negative,
    )
    restart_backoff_ms: int = setting(
        500,
        "Milliseconds before the first restart of a crashed service; doubled for each further "
        "restart (no jitter), up to services.restart_backoff_max_ms.",
        validator=not_negative,
    )
    restart_backoff_max_ms: int = setting(
        30_000,
        "Longest wait in milliseconds between two restarts of a crashed service.",
        validator=not_negative,
    )
    stable_after_ms: int = setting(
        60_000,
        "Milliseconds a restarted service must stay up for its restart count to go back to 0, "
        "so that rare crashes far apart never add up to the limit.",
        validator=positive,
    )

    def delay(self, restarts: int) -> float:
        """Seconds to wait before restart number ``restarts`` (0 for the first)."""
        backoff = self.restart_backoff_ms << min(restarts, 62)
        return min(backoff, self.restart_backoff_max_ms) / 1000
