"""The ``WebKitWebDriver`` process behind :func:`~oro_framework.testing.webkit.launch_webkit`
(Debian's ``webkit2gtk-driver``, driving the ``MiniBrowser`` of libwebkit2gtk-4.1), where to
find both, and the errors of its W3C WebDriver commands."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from typing import Final

import httpx

from oro_framework.testing.process import free_port

__all__ = [
    "INSTALL_HINT",
    "MINIBROWSER_PATHS",
    "SESSION_TIMEOUT",
    "JavaScriptError",
    "WebDriverError",
    "WebKitDriver",
    "find_webkit",
]

MINIBROWSER_PATHS: Final = (
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/libexec/webkit2gtk-4.1/MiniBrowser",
)
"""Where Debian/Ubuntu (per architecture) and Fedora install libwebkit2gtk-4.1's MiniBrowser."""

INSTALL_HINT: Final = "apt-get install webkit2gtk-driver libwebkit2gtk-4.1-0 xvfb"
SESSION_TIMEOUT: Final = 60.0
"""Seconds for the driver to start (or end) a session: a MiniBrowser starting on a loaded
machine takes a few; one that never connects must not hold the test run."""


class WebDriverError(RuntimeError):
    """A WebDriver command failed (``error`` is the W3C error code, e.g. ``"no such window"``)."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error


class JavaScriptError(WebDriverError):
    """Page code threw (Playwright's ``Error`` from ``evaluate``); ``message`` is the page's."""


def find_webkit() -> tuple[str, str]:
    """The paths of ``WebKitWebDriver`` and of the ``MiniBrowser`` it drives.

    :raises RuntimeError: either is missing (the message gives the packages to install).
    """
    driver = shutil.which("WebKitWebDriver")
    browser = next((path for path in MINIBROWSER_PATHS if os.access(path, os.X_OK)), None)
    if driver is None or browser is None:
        missing = "WebKitWebDriver" if driver is None else "MiniBrowser"
        raise RuntimeError(f"no {missing} found: {INSTALL_HINT} (scripts/test does)")
    return driver, browser


class WebKitDriver:
    """A ``WebKitWebDriver`` process, in a process group of its own with the MiniBrowsers it
    starts, and the client that talks to it."""

    def __init__(self, path: str, environ: dict[str, str]) -> None:
        self._path = path
        self._environ = environ
        self._start()

    def _start(self) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [self._path, f"--port={port}"],
            env=self._environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # No timeout by default: page code may run as long as a test lets it.
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None)
        try:
            _await_driver(self.client, self.process)
        except BaseException:
            self.stop()
            raise

    def restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        self.client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _await_driver(client: httpx.Client, driver: subprocess.Popen[bytes]) -> None:
    """Wait until the driver answers ``/status`` (it listens a moment after it starts)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if driver.poll() is not None:
            raise RuntimeError(f"WebKitWebDriver exited with {driver.returncode}")
        try:
            if client.get("/status", timeout=5).is_success:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("WebKitWebDriver did not answer within 30 s")
