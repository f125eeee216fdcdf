"""A window that heals itself: a dead web process reloads its page, and a first paint that does
not come on the GPU path is retried once on the software path.

Users of every WebKitGTK app report the same two failures: a crashed ``WebKitWebProcess`` leaves
a white window that never recovers, and some GPU drivers (the DMA-BUF renderer, accelerated
compositing) show nothing at all. The first is WebKit's ``web-process-terminated``: the page is
reloaded (a few times a minute at most, so that a page that crashes as it loads does not loop)
and the host is told. The second has no signal, so the first load of the first window is timed:
no load in :data:`FIRST_PAINT_SECONDS` on the GPU path switches every view to the software path
(no accelerated compositing), reloads, and remembers it in :data:`SOFTWARE_PATH_MARK` so that
the next runs start there and ``oro doctor`` says so.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, final

from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.private_files import state_root, write_private

__all__ = ["FIRST_PAINT_SECONDS", "SOFTWARE_PATH_MARK", "Healer", "software_path_reason"]

logger = logging.getLogger("oro_framework.windows")

FIRST_PAINT_SECONDS: Final = float(os.environ.get("ORO_WEBKIT_FIRST_PAINT_SECONDS", "20"))
"""How long the first window's first page may take to load on the GPU path. Set lower only to
test the fallback, which cannot be made to happen for real on a machine whose GPU path works."""

RELOADS_PER_MINUTE: Final = 3

RENDER_NODES: Final = "/dev/dri"
"""Where the kernel lists DRM render nodes (``renderD128``), one per GPU that can render."""

SOFTWARE_PATH_MARK: Final = state_root() / "webkit-software"
"""Present when an earlier run found the GPU path painting nothing; holds why. State, not cache:
it is what this machine taught a run, kept for the next (and a test's runs keep their own)."""

SOFTWARE_PATH_ENVIRONMENT: Final = {
    "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
    "WEBKIT_DISABLE_COMPOSITING_MODE": "1",
}
"""What the software path is for WebKitGTK's own processes, which read it as they start."""


def software_path_reason() -> str | None:
    """Why this machine runs WebKit on the software path: the environment says so, or an earlier
    run fell back to it; ``None`` on the GPU path."""
    forced = [name for name in SOFTWARE_PATH_ENVIRONMENT if os.environ.get(name)]
    if forced:
        return f"{', '.join(forced)} set in the environment"
    try:
        return SOFTWARE_PATH_MARK.read_text(encoding="utf-8").strip() or "an earlier fallback"
    except OSError:
        return None


def enter_software_path_if_marked() -> bool:
    """Before WebKit starts: take the software path when an earlier run fell back to it."""
    if software_path_reason() is None:
        return False
    for name, value in SOFTWARE_PATH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    return True


def has_gpu_render_node() -> bool:
    """Whether this machine has a GPU that WebKit could render on (a DRM render node)."""
    return any(Path(RENDER_NODES).glob("renderD*"))


@final
class Healer:
    """Watches the views of one app.

    :param crashed: told ``(index, reason, reloaded)`` when window ``index``'s web process died.
    """

    def __init__(self, crashed: Callable[[int, str, bool], None]) -> None:
        self._crashed = crashed
        self._reloads: dict[int, list[float]] = {}
        self.software = enter_software_path_if_marked()
        self._first_load_watched = False
        self.stopping = False
        """Set once the app is asked to stop: a web process ending then is no crash."""

    def configure(self, settings: Any) -> None:
        """The ``WebKitSettings`` of a new view, before the view is made with them: a view
        sharing a web process (a related view) must not change them after."""
        if self.software or not has_gpu_render_node():
            # Without a GPU, WebKit's accelerated compositing is GL emulated on the CPU (Mesa's
            # llvmpipe): no faster, and about 65 MiB more in each web process than painting
            # without it.
            webkit = repository("WebKit2")
            settings.set_hardware_acceleration_policy(webkit.HardwareAccelerationPolicy.NEVER)

    def watch(self, index: int, view: Any) -> None:
        view.connect("web-process-terminated", self._terminated, index)
        if not self._first_load_watched and not self.software:
            self._first_load_watched = True
            self._time_first_load(index, view)

    def forget(self, index: int) -> None:
        self._reloads.pop(index, None)

    def _terminated(self, view: Any, reason: Any, index: int) -> None:
        webkit = repository("WebKit2")
        if reason == webkit.WebProcessTerminationReason.TERMINATED_BY_API or self.stopping:
            return
        name = str(reason.value_nick)
        now = time.monotonic()
        recent = [at for at in self._reloads.get(index, []) if now - at < 60.0]
        reloaded = len(recent) < RELOADS_PER_MINUTE
        if reloaded:
            recent.append(now)
            logger.warning("window %d: its web process ended (%s); reloading its page", index, name)
            # Not reload()ed: WebKit reloads a crashed page's history item without its first
            # party, so the app's SameSite=Strict session cookie stays behind and the page
            # would get 403 instead of itself.
            _load_again(view)
        else:
            logger.error(
                "window %d: its web process ended (%s) %d times in a minute; not reloading again",
                index,
                name,
                RELOADS_PER_MINUTE + 1,
            )
        self._reloads[index] = recent
        self._crashed(index, name, reloaded)

    def _time_first_load(self, index: int, view: Any) -> None:
        glib = repository("GLib")
        webkit = repository("WebKit2")
        state = {"loaded": False}

        def changed(view: Any, event: Any) -> None:
            if event == webkit.LoadEvent.FINISHED:
                state["loaded"] = True

        handler = view.connect("load-changed", changed)

        def check() -> bool:
            view.disconnect(handler)
            if not state["loaded"] and not self.software:
                self._fall_back(index, view)
            return False

        glib.timeout_add(int(FIRST_PAINT_SECONDS * 1000), check)

    def _fall_back(self, index: int, view: Any) -> None:
        reason = (
            f"window {index}'s first page did not load in {FIRST_PAINT_SECONDS:g} s on the GPU "
            "path; WebKit runs on the software path (no accelerated compositing, no DMA-BUF)"
        )
        logger.warning("%s; retrying once", reason)
        self.software = True
        with_marker = f"{reason} ({time.strftime('%Y-%m-%d %H:%M:%S')})"
        try:
            write_private(SOFTWARE_PATH_MARK, (with_marker + "\n").encode("utf-8"))
        except OSError as error:
            logger.warning("could not remember the software path: %s", error)
        self.configure(view.get_settings())
        _load_again(view)


def _load_again(view: Any) -> None:
    """Load ``view``'s page anew: the URI it shows, which is the navigation under way if there
    is one. ``reload()`` would reload the last committed page instead and cancel that
    navigation, the page's own or the app's, leaving the window on the page it was leaving (or
    on its first, blank document)."""
    uri = view.get_uri()
    if uri:
        view.load_uri(uri)
    else:
        view.reload()
