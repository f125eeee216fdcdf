"""What oro-zlib keeps per host, ``host.stash[STATE]``: the settings and every page's open
streams, by page and id. A page's streams are dropped when it goes away (``oro_page_closed``),
and all of them when the host closes."""

from __future__ import annotations

import itertools
from typing import Any, Final, final

from oro_framework import Host, MemoryBudget, StashKey
from oro_zlib.codec import Options
from oro_zlib.errors import too_many_streams, unknown_stream
from oro_zlib.settings import ZlibSettings
from oro_zlib.streams import Mode, Stream

__all__ = ["STATE", "ZlibState"]


@final
class ZlibState:
    """oro-zlib's state for one host, made by ``oro_configure``."""

    @classmethod
    def from_host(cls, host: Host) -> ZlibState:
        """The state for ``host``, whose config is loaded."""
        return cls(host.settings(ZlibSettings), host.memory)

    def __init__(self, settings: ZlibSettings, memory: MemoryBudget) -> None:
        self.settings = settings
        self.memory = memory
        """The host's one memory budget: streams' state, inputs and outputs come from it."""
        self.streams: dict[tuple[int, str], Stream] = {}
        self._ids = itertools.count(1)
        self.calls = 0
        """One-shot deflate and inflate calls answered."""
        self.opened = 0
        self.dropped = 0
        """Streams closed because their page went away or the host closed."""

    def open(self, window: int, mode: Mode, options: Options) -> Stream:
        """A new stream for the page of ``window``.

        :raises OutOfRangeError: the page has ``max_streams`` open already.
        :raises OutOfMemoryError: zlib's state for it would pass the host's memory budget.
        """
        if sum(1 for owner, _ in self.streams if owner == window) >= self.settings.max_streams:
            raise too_many_streams(self.settings.max_streams)
        held = self.memory.reserve(options.state_bytes(mode), purpose="a zlib stream")
        stream = Stream(str(next(self._ids)), window, mode, options, held)
        self.streams[window, stream.id] = stream
        self.opened += 1
        return stream

    def get(self, window: int, stream_id: str) -> Stream:
        """The page's stream ``stream_id`` (another page's streams are not found).

        :raises NotFoundError: no such stream on this page.
        """
        stream = self.streams.get((window, stream_id))
        if stream is None:
            raise unknown_stream(stream_id)
        return stream

    def close(self, window: int, stream_id: str) -> bool:
        """Drop the stream; whether it was open."""
        stream = self.streams.pop((window, stream_id), None)
        if stream is None:
            return False
        stream.close()
        return True

    def close_window(self, window: int) -> None:
        """Drop every stream of the page of ``window`` (it went away)."""
        for key in [key for key in self.streams if key[0] == window]:
            self.streams.pop(key).close()
            self.dropped += 1

    def close_all(self) -> None:
        for stream in self.streams.values():
            stream.close()
        self.dropped += len(self.streams)
        self.streams.clear()

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under ``zlib``."""
        return {
            "handles": {"count": len(self.streams), "ids": [key[1] for key in self.streams]},
            "opened": self.opened,
            "dropped": self.dropped,
            "calls": self.calls,
        }


STATE: Final = StashKey[ZlibState]("zlib")
"""Where a host keeps oro-zlib's :class:`ZlibState`."""
