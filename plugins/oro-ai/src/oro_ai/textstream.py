"""Incremental text of a generation: UTF-8 pieces to text, and stop sequences held back until
they can no longer match (so a stream never shows the start of a stop sequence)."""

from __future__ import annotations

import codecs
from collections.abc import Sequence

__all__ = ["StopScanner", "TextAssembler"]


class StopScanner:
    """Feed text as it is generated; get back what may be shown and whether a stop sequence
    ended the generation. What is shown, concatenated, is the text cut before the first stop
    sequence to appear: once the piece that completes one arrives, the text so far is cut
    before the earliest stop in it, and the generation is over (as OpenAI's ``stop`` does; a
    longer stop that began earlier but had not completed never will)."""

    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = [stop for stop in stops if stop]
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        buffer = self._held + text
        cut = min((index for stop in self.stops if (index := buffer.find(stop)) >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._held = ""
            return buffer[:cut]
        keep = self._partial_suffix(buffer)
        self._held = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """What is still held when the generation ends without a stop sequence."""
        held, self._held = self._held, ""
        return "" if self.stopped else held

    def _partial_suffix(self, buffer: str) -> int:
        """Length of the longest end of ``buffer`` that begins some stop sequence."""
        longest = 0
        for stop in self.stops:
            for length in range(min(len(stop) - 1, len(buffer)), longest, -1):
                if buffer.endswith(stop[:length]):
                    longest = length
                    break
        return longest


class TextAssembler:
    """Token pieces (bytes) to text, never splitting a UTF-8 character between deltas."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, piece: bytes) -> str:
        return self._decoder.decode(piece)

    def flush(self) -> str:
        return self._decoder.decode(b"", final=True)
