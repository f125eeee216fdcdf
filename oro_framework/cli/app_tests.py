"""``oro test``: run an app's ``oro:test`` files in a real page and print their TAP.

The app is served exactly as ``oro run`` serves it (same plugins, config and sandbox), with one
more plugin, :class:`TestRunPlugin`. It preloads ``test_harness.js`` into the app's pages; the
first page that loads it asks the host for the test files (``test.start``), imports them, runs
them and sends the TAP back line by line (``test.report``) and then the totals (``test.end``).
The host prints each line as it arrives and stops; the exit status is the run's. Because all of
it goes over IPC, the page can be headless Chromium (the default, driven by Playwright) or the
app's real window (``--window``). A service stops the run when ``--timeout`` passes first.
"""

from __future__ import annotations

import queue
import re
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import quote, urlsplit

import anyio
import anyio.to_thread
from anyio.abc import TaskStatus

from oro_framework.hookspecs import hookimpl
from oro_framework.host.builtin_settings import DEFAULT_TEST_FILES
from oro_framework.host.errors import NoTestFilesError
from oro_framework.records import record
from oro_framework.web.csp import ORO_SCHEMES

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Response
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Request as BrowserRequest

    from oro_framework.gui.runner import AppRunner
    from oro_framework.host.app import Host
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.request import Request
    from oro_framework.host.router import RouteTable
    from oro_framework.host.services import ServiceRegistry
    from oro_framework.host.windows.engine import Engine

__all__ = [
    "DEFAULT_TEST_FILES",
    "EXIT_FAILED",
    "EXIT_PASSED",
    "EXIT_UNAVAILABLE",
    "TestRunPlugin",
    "find_test_files",
    "missing_browser",
    "run_headless",
    "run_in_window",
]

HARNESS: Final = Path(__file__).with_name("test_harness.js")
EXIT_PASSED: Final = 0
EXIT_FAILED: Final = 1
EXIT_UNAVAILABLE: Final = 2
"""No browser to run the tests in (Playwright or Chromium missing)."""
MAX_REPORTED: Final = 20
"""Problems of the page printed at most when a headless run fails."""
_QUERY: Final = re.compile(r"\?[^\s'\"]*")
# Reports each Content-Security-Policy violation to the test run (Playwright has no event).
_VIOLATIONS_SCRIPT: Final = (
    "document.addEventListener('securitypolicyviolation', (event) =>"
    " globalThis.__oroTestViolation?.(`${event.effectiveDirective} refused"
    " ${event.blockedURI || 'inline code'}`"
    " + (event.sourceFile ? ` (in ${event.sourceFile})` : '')))"
)


def find_test_files(
    app_dir: Path, resources: Path, patterns: Sequence[str], given: Sequence[Path] = ()
) -> list[str]:
    """The URL paths of the test files: ``given`` (paths as typed on the command line), else
    every file under ``app_dir`` matching one of ``patterns``, in order, each once.

    An app served from a folder its build steps fill (``resources`` inside ``app_dir``) finds
    ``test/index.js`` there too: a file of the app outside ``resources`` stands for its built
    copy at the same place under ``resources`` (``build/test/index.js``), as the build scripts
    of Oro's templates write it, and the patterns match under ``resources`` as well.

    :raises NoTestFilesError: nothing matches, a given file does not exist, or a file lies
        outside ``resources`` (the page could not import it).
    """
    app_dir = app_dir.resolve()
    if given:
        files = [_built_copy(path.resolve(), app_dir, resources) for path in given]
        for path, typed in zip(files, given, strict=True):
            if not path.is_file():
                raise NoTestFilesError(f"test file {typed} does not exist (or is not a file)")
    else:
        found: dict[Path, None] = {}
        bases = [app_dir] if resources == app_dir else [app_dir, resources]
        for pattern in patterns:
            for base in bases:
                for path in sorted(base.glob(pattern)):
                    if path.is_file():
                        found.setdefault(_built_copy(path.resolve(), app_dir, resources))
        files = list(found)
        if not files:
            raise NoTestFilesError(
                f"no test files in {app_dir}: none matches test.files "
                f"({', '.join(patterns) or 'empty'}); add one (test/index.js) or name files on "
                "the command line"
            )
    urls = []
    for path in files:
        if not path.is_relative_to(resources):
            raise NoTestFilesError(
                f"test file {path} is outside the app's resources ({resources}, webview.root): "
                "the page cannot import it"
            )
        urls.append("/" + quote(path.relative_to(resources).as_posix()))
    return urls


def _built_copy(path: Path, app_dir: Path, resources: Path) -> Path:
    """``path`` when the page can import it, else its copy in the built ``resources``."""
    if path.is_relative_to(resources) or not path.is_relative_to(app_dir):
        return path
    built = resources / path.relative_to(app_dir)
    return built if built.is_file() else path


@final
@record(frozen=False)
class _Outcome:
    status: int
    problem: str | None = None


@final
class TestRunPlugin:
    """What ``oro test`` adds to the app's host: the routes the harness reports on, the harness
    as a preload module, and the deadline.

    :param files: URL paths of the test files, imported in this order.
    :param match: a JavaScript regular expression; only tests whose name matches run.
    :param timeout: seconds the whole run may take.
    :param write: where TAP lines go (standard output).
    """

    name = "oro-test-run"

    def __init__(
        self,
        files: Sequence[str],
        *,
        match: str | None,
        timeout: float,
        write: Callable[[str], None],
    ) -> None:
        self.files = list(files)
        self.match = match
        self.timeout = timeout
        self._write = write
        self._is_started = False
        self._start_event: anyio.Event | None = None
        self.outcome: _Outcome | None = None
        self.finished = threading.Event()
        """Set once the run has an outcome, or the host stopped without one."""

    # Hooks ---------------------------------------------------------------------------------

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
        # A permission of the run's own, so that an app that turns 'runtime' off still runs.
        permissions.add("test", "oro test: the page reports the run's TAP to the host.")

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        routes.add("test.start", self._start, permission="test", doc="oro test: the run's files")
        routes.add("test.report", self._report, permission="test", doc="oro test: TAP lines")
        routes.add("test.end", self._end, permission="test", doc="oro test: the run's totals")

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        modules.add("oro:test-harness", HARNESS, preload=True)

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry, host: Host) -> None:
        async def deadline(*, task_status: TaskStatus[None]) -> None:
            # Two limits of --timeout each: for the page to start the run (a browser may be
            # slow to start), then for the run itself.
            self._start_event = anyio.Event()
            task_status.started()
            with anyio.move_on_after(self.timeout) as waiting:
                await self._start_event.wait()
            if waiting.cancelled_caught:
                self._write(f"Bail out! the page did not start the tests in {self.timeout:g} s")
                problem = f"no page loaded the test harness in {self.timeout:g} s (--timeout)"
            else:
                await anyio.sleep(self.timeout)
                self._write(f"Bail out! no result after {self.timeout:g} s (--timeout)")
                problem = f"timed out after {self.timeout:g} s"
            self.finish(host, _Outcome(EXIT_FAILED, problem))
            # A service that returns is restarted (and logged as failing): this one waits for
            # the host it just stopped to cancel it.
            await anyio.sleep_forever()

        services.add("oro-test.deadline", deadline, doc="Stops `oro test` at its --timeout.")

    # Routes --------------------------------------------------------------------------------

    async def _start(self, request: Request) -> dict[str, Any] | None:
        """The files and filter, for the first page only (a reload must not run them twice)."""
        if self._is_started:
            return None
        self._is_started = True
        if self._start_event is not None:
            self._start_event.set()
        return {"files": self.files, "match": self.match}

    async def _report(self, request: Request) -> None:
        body = request.json()
        for line in body.get("lines", []):
            self._write(str(line))

    async def _end(self, request: Request) -> None:
        body = request.json()
        if "error" in body:
            outcome = _Outcome(EXIT_FAILED, f"the test harness failed: {body['error']}")
        elif not body.get("registered") and not body.get("total"):
            outcome = _Outcome(
                EXIT_FAILED,
                "no tests ran: the test files registered none (they call test() from 'oro:test')",
            )
        else:
            outcome = _Outcome(EXIT_FAILED if body.get("fail") else EXIT_PASSED)
        self.finish(request.host, outcome)

    # The run -------------------------------------------------------------------------------

    def finish(self, host: Host, outcome: _Outcome) -> None:
        """Keep the first outcome and stop the host (from the loop)."""
        if self.outcome is None:
            self.outcome = outcome
        self.finished.set()
        host.stop()

    def result(self, fallback_problem: str) -> tuple[int, str | None]:
        """The exit status and the problem to report, once the host stopped."""
        if self.outcome is None:
            return EXIT_FAILED, fallback_problem
        return self.outcome.status, self.outcome.problem


_CAUSES: Final = ("CSP: ", "uncaught ", "script ", "fetch ", "console error: ")


def _weight(line: str) -> int:
    """Where a reported line goes: CSP refusals, uncaught errors and error statuses first;
    failed requests (a host that stopped refuses every one) last."""
    return next((rank for rank, start in enumerate(_CAUSES) if line.startswith(start)), 9)


def missing_browser(engine: str = "chromium") -> str | None:
    """Why no headless browser of ``engine`` (``"chromium"``, or ``"webkit"`` for
    ``--webview system``) can run, as one line with the fix, or ``None``."""
    if engine == "webkit":
        from oro_framework.testing.webkit_driver import find_webkit

        try:
            find_webkit()
        except RuntimeError as error:
            return f"oro test --webview system needs WebKitWebDriver: {error}"
        return None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "oro test needs Playwright: pip install 'oro-framework[testing]'"
    from oro_framework.testing.browser import find_chromium

    try:
        find_chromium()
    except RuntimeError as error:
        return f"oro test needs Chromium: {error}"
    return None


def run_headless(
    runner: AppRunner,
    plugin: TestRunPlugin,
    *,
    page: str,
    warn: Callable[[str], None],
    engine: str = "chromium",
) -> int:
    """Serve the app, open ``page`` in headless Chromium (or WebKit: ``engine="webkit"``) and
    wait for the run's outcome. In Chromium, each window the app creates opens too, in a
    browser session of its own, as ``oro run`` opens it with a GUI: tests of several windows
    then have their pages."""
    launches: queue.SimpleQueue[str] = queue.SimpleQueue()
    # Called on the loop; the browser's thread takes the URLs.
    runner.windows.add_launch_listener(lambda window, url: launches.put(url))

    def browse(url: str, finished: threading.Event, reported: list[str]) -> str | None:
        if engine == "webkit":
            return _browse_webkit(url, finished, reported)
        return _browse(url, finished, reported, launches)

    async def main() -> None:
        async with anyio.create_task_group() as task_group:

            async def serve(*, task_status: TaskStatus[Any]) -> None:
                try:
                    await runner.serve(task_status=task_status)
                finally:
                    plugin.finished.set()

            info = await task_group.start(serve)
            url = f"{info.origin}{page}?oro_launch={info.launch_token}"
            problem = await anyio.to_thread.run_sync(browse, url, plugin.finished, reported)
            if problem is not None:
                plugin.finish(runner.host, _Outcome(EXIT_FAILED, problem))

    reported: list[str] = []
    anyio.run(main, backend="trio")
    status, problem = plugin.result("the app stopped before the tests finished")
    if problem is not None:
        warn(problem)
    if status != EXIT_PASSED and reported:
        # What the page saw go wrong (a module that did not load, a CSP that refused a
        # request, an uncaught error) usually says why it never ran or finished the tests.
        warn("the page reported:")
        reported.sort(key=_weight)  # causes first: refusals, errors, then what followed
        for line in reported[:MAX_REPORTED]:
            warn(f"  {line}")
        if len(reported) > MAX_REPORTED:
            warn(f"  ... and {len(reported) - MAX_REPORTED} more")
    return status


def run_in_window(
    runner: AppRunner, plugin: TestRunPlugin, gui: Engine, *, warn: Callable[[str], None]
) -> int:
    """Run the tests in the app's real main window (its default page); it closes when the run
    ends."""
    runner.run_with_gui(gui)
    status, problem = plugin.result("the window closed before the tests finished")
    if problem is not None:
        warn(problem)
    return status


@final
class _PageWatch:
    """What :func:`_browse` hears from the pages it watches: their console goes to standard
    error, and what goes wrong in them (console errors, uncaught errors, failed or refused
    requests, CSP violations) is added to ``reported``, each once, in order."""

    def __init__(self, url: str, finished: threading.Event, reported: list[str]) -> None:
        self._origin = url.split("/", 3)[:3]
        self._finished = finished
        self._reported = reported
        self._answered: set[str] = set()
        self.cut_off: str | None = None
        """Why the page can never run the tests, once a CSP refused it the host."""

    def watch(self, watched: Page) -> None:
        watched.on("console", self._on_console)
        watched.on("pageerror", self._on_page_error)
        watched.on("requestfailed", self._on_request_failed)
        watched.on("response", self._on_response)
        watched.expose_function("__oroTestViolation", self._on_violation)
        watched.add_init_script(_VIOLATIONS_SCRIPT)

    def _on_violation(self, text: str) -> None:
        self.report(f"CSP: {text}")
        directive, _, rest = text.partition(" refused ")
        blocked = urlsplit(rest.split(" ", 1)[0])
        if directive == "connect-src" and (
            blocked.netloc == self._origin[2] or blocked.scheme in ORO_SCHEMES
        ):
            # The harness asks for the files and reports over IPC: waiting out --timeout
            # would only delay the same failure.
            self.cut_off = (
                "the page's Content-Security-Policy refused it a connection to the host "
                f"({text}): it can neither run the tests nor report them; let connect-src "
                "allow 'self'"
            )

    def report(self, line: str) -> None:
        if self._losing_the_stopped_host(line):
            return
        line = _QUERY.sub("?…", line)  # credentials and keys travel in query strings
        if line not in self._reported:
            self._reported.append(line)

    def _losing_the_stopped_host(self, text: str) -> bool:
        # Once the run has its outcome the host stops, and the page's Conduit and event channel
        # fail to reach it: no cause of anything. (Playwright delivers events late, so what
        # the page saw before the end may arrive after it: only this kind is dropped.)
        return self._finished.is_set() and "ERR_CONNECTION_REFUSED" in text

    def _short(self, address: str) -> str:
        """An app URL as its path (the port changes every run)."""
        parts = address.split("/", 3)
        return "/" + parts[3] if parts[:3] == self._origin and len(parts) > 3 else address

    def _on_console(self, message: ConsoleMessage) -> None:
        # Chromium asks every page for /favicon.ico; its 404 says nothing about tests.
        if not self._losing_the_stopped_host(message.text) and not str(
            message.location.get("url", "")
        ).endswith("/favicon.ico"):
            print(f"console.{message.type}: {message.text}", file=sys.stderr, flush=True)
            if message.type == "error" and "favicon.ico" not in message.text:
                self.report(f"console error: {message.text}")

    def _on_page_error(self, error: PlaywrightError) -> None:
        self.report(f"uncaught {error.name or 'Error'}: {error.message}")

    def _on_request_failed(self, request: BrowserRequest) -> None:
        # Aborted: the page went away or stopped waiting (the host stopping ends the event
        # channel so); a request answered with an error status is reported.
        failure = request.failure or ""
        if request.url not in self._answered and "ERR_ABORTED" not in failure:
            self.report(f"{request.method} {self._short(request.url)} failed: {failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self._answered.add(response.url)
            kind = response.request.resource_type
            self.report(f"{kind} {self._short(response.url)} answered {response.status}")


def _browse(
    url: str,
    finished: threading.Event,
    reported: list[str],
    launches: queue.SimpleQueue[str] | None = None,
) -> str | None:
    """Open ``url`` in headless Chromium and keep it open until ``finished``; the page's
    console goes to standard error. Returns why the page could not run the tests, if so.
    What goes wrong in the page (console errors, uncaught errors, failed or refused requests,
    CSP violations) is added to ``reported``, each once, in order. Each URL ``launches``
    receives (a window the app created) opens in a browser context of its own (a window's
    session is its own), watched alike.
    Blocking: runs in a worker thread (Playwright's sync API has a loop of its own)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from oro_framework.testing.browser import CHROMIUM_ARGS, find_chromium

    path = url.split("?", 1)[0].split("/", 3)[-1]
    watch = _PageWatch(url, finished, reported)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            page = browser.new_page()
            windows: list[Page] = []

            def open_windows() -> None:
                while launches is not None and not launches.empty():
                    window = browser.new_context().new_page()
                    watch.watch(window)
                    windows.append(window)
                    try:
                        # Not waiting for its load: the test page goes on meanwhile.
                        window.goto(launches.get(), wait_until="commit")
                    except PlaywrightError as error:
                        watch.report(
                            f"cannot open a window's page: {error.message.splitlines()[0]}"
                        )

            watch.watch(page)
            crashed = threading.Event()

            def on_crash(_: object) -> None:
                crashed.set()

            page.on("crash", on_crash)
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                return f"cannot open the test page /{path}: {error.message.splitlines()[0]}"
            if response is None or not response.ok:
                status = response.status if response is not None else "no response"
                return (
                    f"the test page /{path} answered {status}: tests run in the app's "
                    "webview.default_index (or test.page); create it or set test.page"
                )
            # Playwright delivers page events (console) only while one of its calls runs.
            while not finished.is_set():
                if crashed.is_set():
                    return f"the test page /{path} crashed"
                if watch.cut_off is not None:
                    return watch.cut_off
                open_windows()
                page.wait_for_timeout(100)
        finally:
            browser.close()
    return None


def _browse_webkit(url: str, finished: threading.Event, reported: list[str]) -> str | None:
    """:func:`_browse` in WebKitGTK's MiniBrowser through WebKitWebDriver, on an Xvfb display
    of its own. WebDriver reports no console messages nor failed requests: what goes wrong in
    the page reaches the run as the harness reports it (TAP), and ``reported`` stays empty.
    Blocking: runs in a worker thread."""
    from oro_framework.testing.webkit import launch_webkit
    from oro_framework.testing.webkit_driver import WebDriverError

    path = url.split("?", 1)[0].split("/", 3)[-1]
    with launch_webkit() as browser:
        page = browser.new_context().new_page()
        try:
            page.goto(url)
        except WebDriverError as error:
            return f"cannot open the test page /{path}: {error}"
        while not finished.wait(0.1):
            try:
                page.url  # noqa: B018 - asks the driver whether the page is still there
            except WebDriverError as error:
                return f"the test page /{path} went away: {error}"
    return None
